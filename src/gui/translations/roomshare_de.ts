<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Format</name>
    <message>
        <location filename="../formatting.cpp" line="17"/>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../formatting.cpp" line="25"/>
        <source>%n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="27"/>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="29"/>
        <source>%1 h %2 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="30"/>
        <source>days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="48"/>
        <location filename="../formatting.cpp" line="74"/>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="54"/>
        <source>%1&apos;s file is no longer available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="55"/>
        <location filename="../formatting.cpp" line="98"/>
        <source>The file is no longer available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="57"/>
        <source>The download was damaged on the way; please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="58"/>
        <source>The upload was damaged on the way; please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="61"/>
        <location filename="../formatting.cpp" line="95"/>
        <source>The connection to the room was lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="63"/>
        <source>The file could not be saved on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="64"/>
        <source>The file could not be read on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="66"/>
        <source>The file is larger than the room allows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="68"/>
        <source>The room has no space left for this file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="70"/>
        <source>Too many transfers at once; please try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="72"/>
        <source>You are not allowed to do that in this room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="87"/>
        <source>You are not connected to the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="89"/>
        <source>There were no files to send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="91"/>
        <source>This invite link is not valid (it may have expired or belong to another room).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="93"/>
        <source>The room refused the request; check that the recipients are still here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="105"/>
        <source>Something went wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="116"/>
        <source>Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="120"/>
        <source>%1 and %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="120"/>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="9"/>
        <location filename="../../../ui/mainwindow.ui" line="12"/>
        <source>Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="33"/>
        <source>&amp;People — tick who receives your files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="46"/>
        <source>People and recipients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="49"/>
        <source>Check Everyone to send to the whole room, or check single people to send only to them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="62"/>
        <location filename="../../../ui/mainwindow.ui" line="65"/>
        <source>Invite people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="76"/>
        <source>Invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="83"/>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="86"/>
        <source>Copy invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="102"/>
        <source>Invite link as a QR code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="122"/>
        <source>&amp;Send files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="125"/>
        <source>Send files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="136"/>
        <source>Sending to: Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="139"/>
        <source>Recipients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="156"/>
        <source>Filter files by name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="159"/>
        <source>Filter by name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="188"/>
        <source>&amp;Available files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="199"/>
        <source>No files shared yet. Drop files anywhere on this window to share them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="208"/>
        <source>No files yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="213"/>
        <source>Available files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="216"/>
        <source>Press Enter or double-click to download; open the context menu for more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="261"/>
        <source>&amp;Transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="278"/>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="281"/>
        <source>Retry the selected transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="292"/>
        <source>Cancel all &amp;uploads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="295"/>
        <source>Cancel all uploads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="302"/>
        <source>Cancel all do&amp;wnloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="305"/>
        <source>Cancel all downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="312"/>
        <source>C&amp;lear finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="315"/>
        <source>Clear finished transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="324"/>
        <source>Transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="327"/>
        <source>Press Delete to cancel the selected transfer; open the context menu to retry failed ones</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="359"/>
        <source>&amp;Room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="373"/>
        <source>&amp;Send Files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="376"/>
        <source>Ctrl+O</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="381"/>
        <source>&amp;Paste Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="384"/>
        <source>Ctrl+V</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="389"/>
        <source>Se&amp;ttings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="394"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="397"/>
        <source>Ctrl+Q</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::AvailableFilesModel</name>
    <message>
        <location filename="../availablefilesmodel.cpp" line="167"/>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="169"/>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="171"/>
        <source>Downloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="173"/>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="237"/>
        <source>Shared %1; available until %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="243"/>
        <source>Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="243"/>
        <source>Only you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="245"/>
        <source>Sent to everyone in the room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="246"/>
        <source>Sent to you privately (and maybe a few others)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="254"/>
        <source>Saved as %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="266"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="268"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="270"/>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="272"/>
        <source>Shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="274"/>
        <source>Sent to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="276"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::DropOverlay</name>
    <message>
        <location filename="../dropoverlay.cpp" line="15"/>
        <source>Drop files here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::MainWindow</name>
    <message>
        <location filename="../mainwindow.cpp" line="49"/>
        <source>Drop to send this file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="50"/>
        <source>Drop to send %1 files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="72"/>
        <source>Connection state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="83"/>
        <location filename="../mainwindow.cpp" line="256"/>
        <location filename="../mainwindow.cpp" line="658"/>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="160"/>
        <source>Choose files to send (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="177"/>
        <source>Invite link copied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../mainwindow.cpp" line="182"/>
        <source>Connection lost — reconnecting in %n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../mainwindow.cpp" line="183"/>
        <source>Could not reach the room — retrying in %n s</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="186"/>
        <source>Reconnecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="198"/>
        <source>Connected to “%1” as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="203"/>
        <location filename="../mainwindow.cpp" line="230"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="211"/>
        <source>A shared file expired and is no longer available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="214"/>
        <source>%1 joined the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="216"/>
        <source>%1 left the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="226"/>
        <location filename="../mainwindow.cpp" line="262"/>
        <source>Could not join: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="287"/>
        <location filename="../mainwindow.cpp" line="342"/>
        <source>Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="288"/>
        <source>%1 — Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="290"/>
        <source>(%1 new) %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="301"/>
        <source>Sending to: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="332"/>
        <source>%1 shared “%2” (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="333"/>
        <source>%1 sent you “%2” (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="350"/>
        <source>New file in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="360"/>
        <source>Downloaded “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="362"/>
        <source>Sent “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="365"/>
        <source>“%1” failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="409"/>
        <source>Folders can&apos;t be shared yet (%1). Send the files inside, or a zip of the folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="411"/>
        <location filename="../mainwindow.cpp" line="415"/>
        <source>, </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="415"/>
        <source>Can&apos;t read %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="419"/>
        <source>You are not connected to the room; nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="435"/>
        <source>Sending “%1” to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="437"/>
        <source>Sending %1 files to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="447"/>
        <source>That file is no longer available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="452"/>
        <source>Save “%1” in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="457"/>
        <source>Can&apos;t create the download folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="470"/>
        <location filename="../mainwindow.cpp" line="565"/>
        <source>%1&apos;s file is no longer available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="509"/>
        <source>&amp;Download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="510"/>
        <source>Download &amp;To…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="512"/>
        <location filename="../mainwindow.cpp" line="582"/>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="514"/>
        <location filename="../mainwindow.cpp" line="583"/>
        <source>Show in &amp;Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="580"/>
        <source>&amp;Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="581"/>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="584"/>
        <source>Remove from &amp;List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="625"/>
        <source>You are not connected to the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="629"/>
        <source>Send Files to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="638"/>
        <source>The clipboard holds no files to send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="655"/>
        <source>Folders can&apos;t be shared yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="656"/>
        <source>Drop the files inside the folder, or a zip of it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="659"/>
        <source>Files can be shared once you are in the room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="663"/>
        <location filename="../mainwindow.cpp" line="672"/>
        <source>To everyone in the room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="664"/>
        <location filename="../mainwindow.cpp" line="673"/>
        <source>Only to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::ParticipantsModel</name>
    <message>
        <location filename="../participantsmodel.cpp" line="151"/>
        <source>Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="153"/>
        <source>Send to everyone in the room, including people who join later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="175"/>
        <source>%1 (you, moderator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="177"/>
        <source>%1 (you)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="179"/>
        <source>%1 (moderator)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="183"/>
        <source>You</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="183"/>
        <source>Send only to the people checked here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="185"/>
        <source>%1, you</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::RoomHost</name>
    <message>
        <location filename="../roomhost.cpp" line="46"/>
        <source>Could not start the room on this computer: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::SettingsDialog</name>
    <message>
        <location filename="../settingsdialog.cpp" line="22"/>
        <source>Download Folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::StartDialog</name>
    <message>
        <location filename="../startdialog.cpp" line="15"/>
        <source>&amp;Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="76"/>
        <source>Paste the invite link you were given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="79"/>
        <source>This is not a Roomshare invite link.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="81"/>
        <source>The link invites you as %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="88"/>
        <source>Enter the name the others will see.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::TransferDelegate</name>
    <message>
        <location filename="../transferdelegate.cpp" line="146"/>
        <source>Cancel this transfer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::TransferModel</name>
    <message>
        <location filename="../transfermodel.cpp" line="186"/>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="188"/>
        <source>Uploading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="188"/>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="190"/>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="190"/>
        <source>Downloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="192"/>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="194"/>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="241"/>
        <source>Upload of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="242"/>
        <source>Download of %1 from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="244"/>
        <source>Upload: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="244"/>
        <source>Download: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="252"/>
        <source>%1%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="261"/>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="300"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="302"/>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="304"/>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="306"/>
        <source>Speed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="308"/>
        <source>Time left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="310"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="9"/>
        <source>Roomshare Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="12"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="20"/>
        <source>Display &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="30"/>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="40"/>
        <source>&amp;Download folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="52"/>
        <source>Download folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="59"/>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="62"/>
        <source>Choose download folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="73"/>
        <source>&amp;Ask where to save each file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="76"/>
        <source>Ask where to save each file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="83"/>
        <source>Show a &amp;notification when a new file is shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="86"/>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../../ui/startdialog.ui" line="9"/>
        <source>Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="12"/>
        <source>Start Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="18"/>
        <source>Share files with the people in your meeting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="30"/>
        <source>Your &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="40"/>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="43"/>
        <source>How others see you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="55"/>
        <source>&amp;Host a room on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="58"/>
        <source>Host a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="68"/>
        <source>&amp;Join a room with an invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="71"/>
        <source>Join a room</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="81"/>
        <source>Invite link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="84"/>
        <source>roomshare://…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="100"/>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="31"/>
        <location filename="../../app/main.cpp" line="140"/>
        <location filename="../../app/main.cpp" line="153"/>
        <source>Roomshare</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="32"/>
        <source>Your name, as the others will see it:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="74"/>
        <source>Share files with the people in your meeting room.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="78"/>
        <source>Host a room on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="80"/>
        <source>Your display name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="105"/>
        <source>An invite link to join.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
