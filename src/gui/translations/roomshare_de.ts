<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Format</name>
    <message>
        <location filename="../formatting.cpp" line="17"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <location filename="../formatting.cpp" line="25"/>
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="27"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="29"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="30"/>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="48"/>
        <location filename="../formatting.cpp" line="74"/>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="54"/>
        <source>%1&apos;s file is no longer available.</source>
        <translation>Die Datei von %1 ist nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="55"/>
        <location filename="../formatting.cpp" line="98"/>
        <source>The file is no longer available.</source>
        <translation>Die Datei ist nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="57"/>
        <source>The download was damaged on the way; please try again.</source>
        <translation>Der Download wurde unterwegs beschädigt; bitte erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="58"/>
        <source>The upload was damaged on the way; please try again.</source>
        <translation>Der Upload wurde unterwegs beschädigt; bitte erneut versuchen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="61"/>
        <location filename="../formatting.cpp" line="95"/>
        <source>The connection to the room was lost.</source>
        <translation>Die Verbindung zum Raum ist abgebrochen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="63"/>
        <source>The file could not be saved on this computer.</source>
        <translation>Die Datei konnte auf diesem Computer nicht gespeichert werden.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="64"/>
        <source>The file could not be read on this computer.</source>
        <translation>Die Datei konnte auf diesem Computer nicht gelesen werden.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="66"/>
        <source>The file is larger than the room allows.</source>
        <translation>Die Datei ist größer, als der Raum erlaubt.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="68"/>
        <source>The room has no space left for this file.</source>
        <translation>Der Raum hat keinen Platz mehr für diese Datei.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="70"/>
        <source>Too many transfers at once; please try again in a moment.</source>
        <translation>Zu viele Übertragungen auf einmal; bitte gleich noch einmal versuchen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="72"/>
        <source>You are not allowed to do that in this room.</source>
        <translation>Das dürfen Sie in diesem Raum nicht.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="87"/>
        <source>You are not connected to the room.</source>
        <translation>Sie sind nicht mit dem Raum verbunden.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="89"/>
        <source>There were no files to send.</source>
        <translation>Es gab keine Dateien zum Senden.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="91"/>
        <source>This invite link is not valid (it may have expired or belong to another room).</source>
        <translation>Dieser Einladungslink ist ungültig (er ist vielleicht abgelaufen oder gehört zu einem anderen Raum).</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="93"/>
        <source>The room refused the request; check that the recipients are still here.</source>
        <translation>Der Raum hat die Anfrage abgelehnt; prüfen Sie, ob die Empfänger noch da sind.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="105"/>
        <source>Something went wrong.</source>
        <translation>Etwas ist schiefgegangen.</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="116"/>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="120"/>
        <source>%1 and %2</source>
        <translation>%1 und %2</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="120"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="125"/>
        <source>%1 (folder, 1 item)</source>
        <translation>%1 (Ordner, 1 Eintrag)</translation>
    </message>
    <message>
        <location filename="../formatting.cpp" line="126"/>
        <source>%1 (folder, %2 items)</source>
        <translation>%1 (Ordner, %2 Einträge)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="9"/>
        <location filename="../../../ui/mainwindow.ui" line="12"/>
        <source>Roomshare</source>
        <translation>Roomshare</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="33"/>
        <source>&amp;People — tick who receives your files</source>
        <translation>&amp;Personen – wählen Sie, wer Ihre Dateien erhält</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="46"/>
        <source>People and recipients</source>
        <translation>Personen und Empfänger</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="49"/>
        <source>Check Everyone to send to the whole room, or check single people to send only to them</source>
        <translation>Wählen Sie „Alle“, um an den ganzen Raum zu senden, oder einzelne Personen, um nur an sie zu senden</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="62"/>
        <location filename="../../../ui/mainwindow.ui" line="65"/>
        <source>Invite people</source>
        <translation>Personen einladen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="76"/>
        <source>Invite link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="83"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="86"/>
        <source>Copy invite link</source>
        <translation>Einladungslink kopieren</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="104"/>
        <source>Web link, for guests without the app</source>
        <translation>Weblink, für Gäste ohne die App</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="107"/>
        <source>Opens the room in a browser: for guests without the app</source>
        <translation>Öffnet den Raum im Browser: für Gäste ohne die App</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="114"/>
        <source>Copy &amp;web link</source>
        <translation>Web&amp;link kopieren</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="117"/>
        <source>Copy web link</source>
        <translation>Weblink kopieren</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="159"/>
        <source>Web link as a QR code</source>
        <translation>Weblink als QR-Code</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="179"/>
        <source>&amp;Send files…</source>
        <translation>Dateien &amp;senden…</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="182"/>
        <source>Send files</source>
        <translation>Dateien senden</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="193"/>
        <source>Send fol&amp;der…</source>
        <translation>&amp;Ordner senden…</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="196"/>
        <source>Send a folder</source>
        <translation>Einen Ordner senden</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="207"/>
        <source>Sending to: Everyone</source>
        <translation>Senden an: Alle</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="210"/>
        <source>Recipients</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="227"/>
        <source>Filter files by name</source>
        <translation>Dateien nach Namen filtern</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="230"/>
        <source>Filter by name</source>
        <translation>Nach Namen filtern</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="259"/>
        <source>&amp;Available files</source>
        <translation>&amp;Verfügbare Dateien</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="270"/>
        <source>No files shared yet. Drop files anywhere on this window to share them.</source>
        <translation>Noch keine Dateien geteilt. Ziehen Sie Dateien irgendwo auf dieses Fenster, um sie zu teilen.</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="279"/>
        <source>No files yet</source>
        <translation>Noch keine Dateien</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="284"/>
        <source>Available files</source>
        <translation>Verfügbare Dateien</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="287"/>
        <source>Press Enter or double-click to download; open the context menu for more</source>
        <translation>Eingabetaste oder Doppelklick zum Herunterladen; das Kontextmenü bietet mehr</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="332"/>
        <source>&amp;Transfers</source>
        <translation>Ü&amp;bertragungen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="349"/>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="352"/>
        <source>Retry the selected transfer</source>
        <translation>Die gewählte Übertragung wiederholen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="363"/>
        <source>Cancel all &amp;uploads</source>
        <translation>Alle &amp;Uploads abbrechen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="366"/>
        <source>Cancel all uploads</source>
        <translation>Alle Uploads abbrechen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="373"/>
        <source>Cancel all do&amp;wnloads</source>
        <translation>Alle &amp;Downloads abbrechen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="376"/>
        <source>Cancel all downloads</source>
        <translation>Alle Downloads abbrechen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="383"/>
        <source>C&amp;lear finished</source>
        <translation>&amp;Fertige entfernen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="386"/>
        <source>Clear finished transfers</source>
        <translation>Fertige Übertragungen entfernen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="395"/>
        <source>Transfers</source>
        <translation>Übertragungen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="398"/>
        <source>Press Delete to cancel the selected transfer; open the context menu to retry failed ones</source>
        <translation>Entf bricht die gewählte Übertragung ab; das Kontextmenü wiederholt fehlgeschlagene</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="430"/>
        <source>&amp;Room</source>
        <translation>&amp;Raum</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="445"/>
        <source>&amp;Send Files…</source>
        <translation>Dateien &amp;senden…</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="448"/>
        <source>Ctrl+O</source>
        <translation>Ctrl+O</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="453"/>
        <source>Send &amp;Folder…</source>
        <translation>&amp;Ordner senden…</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="456"/>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="461"/>
        <source>&amp;Paste Files</source>
        <translation>Dateien ein&amp;fügen</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="464"/>
        <source>Ctrl+V</source>
        <translation>Ctrl+V</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="469"/>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="474"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../../ui/mainwindow.ui" line="477"/>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::AvailableFilesModel</name>
    <message>
        <location filename="../availablefilesmodel.cpp" line="264"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="266"/>
        <source>Downloading</source>
        <translation>Wird heruntergeladen</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="268"/>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="270"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="313"/>
        <source>The folder %1: %2 of the %3 files and folders in it have arrived</source>
        <translation>Der Ordner %1: %2 der %3 Dateien und Ordner darin sind angekommen</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="355"/>
        <source>Shared %1; available until %2</source>
        <translation>Geteilt %1; verfügbar bis %2</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="361"/>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="361"/>
        <source>Only you</source>
        <translation>Nur Sie</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="363"/>
        <source>Sent to everyone in the room</source>
        <translation>An alle im Raum gesendet</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="364"/>
        <source>Sent to you privately (and maybe a few others)</source>
        <translation>Privat an Sie gesendet (und vielleicht an wenige andere)</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="370"/>
        <source>%1 (%2 of %3 arrived)</source>
        <translation>%1 (%2 von %3 angekommen)</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="379"/>
        <source>Saved as %1</source>
        <translation>Gespeichert als %1</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="391"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="393"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="395"/>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="397"/>
        <source>Shared</source>
        <translation>Geteilt</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="399"/>
        <source>Sent to</source>
        <translation>Gesendet an</translation>
    </message>
    <message>
        <location filename="../availablefilesmodel.cpp" line="401"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::DropOverlay</name>
    <message>
        <location filename="../dropoverlay.cpp" line="15"/>
        <source>Drop files here</source>
        <translation>Dateien hier ablegen</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::LobbyPanel</name>
    <message>
        <location filename="../lobbypanel.cpp" line="26"/>
        <source>People waiting to join</source>
        <translation>Personen, die beitreten möchten</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="28"/>
        <source>Create participant link…</source>
        <translation>Teilnehmerlink erstellen…</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="39"/>
        <source>Ask the room server for a new participant link, valid for one day</source>
        <translation>Beim Raumserver einen neuen Teilnehmerlink anfordern, einen Tag gültig</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="85"/>
        <source>Waiting for the host to let you in…</source>
        <translation>Warten, bis der Gastgeber Sie hereinlässt…</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="92"/>
        <source>%1 (server certificate %2)</source>
        <translation>%1 (Serverzertifikat %2)</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="102"/>
        <source>%1 wants to join</source>
        <translation>%1 möchte beitreten</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="107"/>
        <source>From %1</source>
        <translation>Von %1</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="108"/>
        <source>Admit</source>
        <translation>Einlassen</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="110"/>
        <source>Admit %1</source>
        <translation>%1 einlassen</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="111"/>
        <source>Deny</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="113"/>
        <source>Deny %1</source>
        <translation>%1 ablehnen</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="179"/>
        <source>Participant link</source>
        <translation>Teilnehmerlink</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="182"/>
        <source>Anyone with this link can join the room for one day, choosing their own name:</source>
        <translation>Mit diesem Link kann jeder einen Tag lang dem Raum beitreten und seinen Namen selbst wählen:</translation>
    </message>
    <message>
        <location filename="../lobbypanel.cpp" line="190"/>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::MainWindow</name>
    <message>
        <location filename="../mainwindow.cpp" line="65"/>
        <source>Drop to send this file</source>
        <translation>Ablegen, um diese Datei zu senden</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="66"/>
        <source>Drop to send %1 files</source>
        <translation>Ablegen, um %1 Dateien zu senden</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="92"/>
        <source>Connection state</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="122"/>
        <location filename="../mainwindow.cpp" line="447"/>
        <location filename="../mainwindow.cpp" line="918"/>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="210"/>
        <source>Choose files to send (%1)</source>
        <translation>Dateien zum Senden wählen (%1)</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="227"/>
        <source>Invite link copied.</source>
        <translation>Einladungslink kopiert.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="231"/>
        <source>Web link copied.</source>
        <translation>Weblink kopiert.</translation>
    </message>
    <message numerus="yes">
        <location filename="../mainwindow.cpp" line="236"/>
        <source>Connection lost — reconnecting in %n s</source>
        <translation>
            <numerusform>Verbindung verloren – neuer Versuch in %n s</numerusform>
            <numerusform>Verbindung verloren – neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../mainwindow.cpp" line="237"/>
        <source>Could not reach the room — retrying in %n s</source>
        <translation>
            <numerusform>Raum nicht erreichbar – neuer Versuch in %n s</numerusform>
            <numerusform>Raum nicht erreichbar – neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="240"/>
        <source>Reconnecting…</source>
        <translation>Verbindung wird wiederhergestellt…</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="257"/>
        <source>Connected to “%1” as %2</source>
        <translation>Verbunden mit „%1“ als %2</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="263"/>
        <location filename="../mainwindow.cpp" line="331"/>
        <source>Connecting…</source>
        <translation>Verbindung wird aufgebaut…</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="267"/>
        <source>Connection lost — reconnecting; transfers will resume</source>
        <translation>Verbindung verloren – wird wiederhergestellt; Übertragungen laufen danach weiter</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="275"/>
        <source>A shared file expired and is no longer available.</source>
        <translation>Eine geteilte Datei ist abgelaufen und nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="278"/>
        <source>%1 joined the room.</source>
        <translation>%1 ist dem Raum beigetreten.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="281"/>
        <source>%1 left the room.</source>
        <translation>%1 hat den Raum verlassen.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="294"/>
        <source>Someone wants to join</source>
        <translation>Jemand möchte beitreten</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="297"/>
        <source>Could not create a participant link: %1</source>
        <translation>Teilnehmerlink konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="327"/>
        <location filename="../mainwindow.cpp" line="461"/>
        <source>Could not join: %1</source>
        <translation>Beitritt nicht möglich: %1</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="347"/>
        <location filename="../mainwindow.cpp" line="366"/>
        <location filename="../mainwindow.cpp" line="487"/>
        <location filename="../mainwindow.cpp" line="555"/>
        <source>Roomshare</source>
        <translation>Roomshare</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="348"/>
        <source>This invite link cannot be opened: %1</source>
        <translation>Dieser Einladungslink kann nicht geöffnet werden: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../mainwindow.cpp" line="367"/>
        <source>Leave this room for the one in the link? %n transfer(s) running here will stop.</source>
        <translation>
            <numerusform>Diesen Raum für den aus dem Link verlassen? %n laufende Übertragung hier wird abgebrochen.</numerusform>
            <numerusform>Diesen Raum für den aus dem Link verlassen? %n laufende Übertragungen hier werden abgebrochen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="413"/>
        <source>Browsers will warn that this computer&apos;s certificate is not trusted. Guests can check it: its SHA-256 fingerprint is %1.</source>
        <translation>Browser warnen, dass dem Zertifikat dieses Computers nicht vertraut wird. Gäste können es prüfen: Sein SHA-256-Fingerabdruck ist %1.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="422"/>
        <source>Only this computer can join (Settings: Who can join rooms you host).</source>
        <translation>Nur dieser Computer kann beitreten (Einstellungen: Wer Ihren Räumen beitreten kann).</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="425"/>
        <source>This computer has no network address: only it can join until it is on a network.</source>
        <translation>Dieser Computer hat keine Netzwerkadresse: Nur er selbst kann beitreten, bis er in einem Netzwerk ist.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="429"/>
        <source>The link reaches this computer at %1; each guest uses whichever answers.</source>
        <translation>Der Link erreicht diesen Computer unter %1; jeder Gast nutzt die Adresse, die antwortet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="488"/>
        <source>%1 — Roomshare</source>
        <translation>%1 – Roomshare</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="490"/>
        <source>(%1 new) %2</source>
        <translation>(%1 neu) %2</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="501"/>
        <source>Sending to: %1</source>
        <translation>Senden an: %1</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="535"/>
        <source>%1 shared “%2” (%3).</source>
        <translation>%1 hat „%2“ geteilt (%3).</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="536"/>
        <source>%1 sent you “%2” (%3).</source>
        <translation>%1 hat Ihnen „%2“ gesendet (%3).</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="543"/>
        <source>%1 is sharing the folder “%2” (%3 files and folders).</source>
        <translation>%1 teilt den Ordner „%2“ (%3 Dateien und Ordner).</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="563"/>
        <source>New file in %1</source>
        <translation>Neue Datei in %1</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="573"/>
        <source>Downloaded “%1”.</source>
        <translation>„%1“ heruntergeladen.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="575"/>
        <source>Sent “%1”.</source>
        <translation>„%1“ gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="579"/>
        <source>“%1” failed: %2</source>
        <translation>„%1“ fehlgeschlagen: %2</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="623"/>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="623"/>
        <source>Can&apos;t read %1.</source>
        <translation>%1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="627"/>
        <source>You are not connected to the room; nothing was sent.</source>
        <translation>Sie sind nicht mit dem Raum verbunden; nichts wurde gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="654"/>
        <source>Sending the folder “%1” to %2.</source>
        <translation>Der Ordner „%1“ wird an %2 gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="656"/>
        <source>Sending %1 files and folders to %2.</source>
        <translation>%1 Dateien und Ordner werden an %2 gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="662"/>
        <source>Sending “%1” to %2.</source>
        <translation>„%1“ wird an %2 gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="664"/>
        <source>Sending %1 files to %2.</source>
        <translation>%1 Dateien werden an %2 gesendet.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="674"/>
        <source>That file is no longer available.</source>
        <translation>Diese Datei ist nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="679"/>
        <source>Save “%1” in</source>
        <translation>„%1“ speichern in</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="684"/>
        <location filename="../mainwindow_folders.cpp" line="55"/>
        <source>Can&apos;t create the download folder %1.</source>
        <translation>Der Download-Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="698"/>
        <location filename="../mainwindow.cpp" line="828"/>
        <source>%1&apos;s file is no longer available.</source>
        <translation>Die Datei von %1 ist nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="740"/>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="741"/>
        <source>Download &amp;To…</source>
        <translation>Herunterladen &amp;nach…</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="743"/>
        <location filename="../mainwindow.cpp" line="845"/>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="745"/>
        <location filename="../mainwindow.cpp" line="846"/>
        <source>Show in &amp;Folder</source>
        <translation>Im &amp;Ordner zeigen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="776"/>
        <source>Open a program?</source>
        <translation>Ein Programm öffnen?</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="777"/>
        <source>“%1” is a program or script: opening it runs it with your permissions. Only open it if you trust whoever sent it and expected it.

Open it anyway?</source>
        <translation>„%1“ ist ein Programm oder Skript: Beim Öffnen läuft es mit Ihren Rechten. Öffnen Sie es nur, wenn Sie dem Absender vertrauen und es erwartet haben.

Trotzdem öffnen?</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="843"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="844"/>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="847"/>
        <source>Remove from &amp;List</source>
        <translation>Aus der &amp;Liste entfernen</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="888"/>
        <location filename="../mainwindow_folders.cpp" line="29"/>
        <source>You are not connected to the room.</source>
        <translation>Sie sind nicht mit dem Raum verbunden.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="892"/>
        <source>Send Files to %1</source>
        <translation>Dateien an %1 senden</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="901"/>
        <source>The clipboard holds no files to send.</source>
        <translation>In der Zwischenablage sind keine Dateien zum Senden.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="919"/>
        <source>Files can be shared once you are in the room.</source>
        <translation>Dateien können geteilt werden, sobald Sie im Raum sind.</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="923"/>
        <location filename="../mainwindow.cpp" line="932"/>
        <source>To everyone in the room</source>
        <translation>An alle im Raum</translation>
    </message>
    <message>
        <location filename="../mainwindow.cpp" line="924"/>
        <location filename="../mainwindow.cpp" line="933"/>
        <source>Only to %1</source>
        <translation>Nur an %1</translation>
    </message>
    <message>
        <location filename="../mainwindow_folders.cpp" line="33"/>
        <source>Send a Folder to %1</source>
        <translation>Einen Ordner an %1 senden</translation>
    </message>
    <message>
        <location filename="../mainwindow_folders.cpp" line="42"/>
        <source>That folder is no longer available.</source>
        <translation>Dieser Ordner ist nicht mehr verfügbar.</translation>
    </message>
    <message>
        <location filename="../mainwindow_folders.cpp" line="49"/>
        <source>Save the folder “%1” in</source>
        <translation>Den Ordner „%1“ speichern in</translation>
    </message>
    <message>
        <location filename="../mainwindow_folders.cpp" line="96"/>
        <source>%1&apos;s folder is no longer available.</source>
        <translation>Der Ordner von %1 ist nicht mehr verfügbar.</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::MeetingControls</name>
    <message>
        <location filename="../meetingcontrols.cpp" line="35"/>
        <source>&amp;Lock Room</source>
        <translation>Raum s&amp;perren</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="39"/>
        <source>Close the room to new participants, even those with a valid link; the lobby closes too</source>
        <translation>Den Raum für neue Teilnehmer schließen, auch für solche mit gültigem Link; der Warteraum schließt ebenfalls</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="52"/>
        <source>The room is locked: nobody new can join</source>
        <translation>Der Raum ist gesperrt: Niemand Neues kann beitreten</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="53"/>
        <source>The room is unlocked: people with a link can join again</source>
        <translation>Der Raum ist entsperrt: Personen mit Link können wieder beitreten</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="87"/>
        <location filename="../meetingcontrols.cpp" line="97"/>
        <source>&amp;Remove from Room…</source>
        <translation>Aus dem Raum &amp;entfernen…</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="107"/>
        <location filename="../meetingcontrols.cpp" line="125"/>
        <source>Remove %1?</source>
        <translation>%1 entfernen?</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="108"/>
        <source>Remove %1 from the room? Their transfers stop at once, they are told that you removed them, and the link they used cannot bring them back.</source>
        <translation>%1 aus dem Raum entfernen? Die Übertragungen dieser Person enden sofort, sie erfährt, dass Sie sie entfernt haben, und ihr Link bringt sie nicht zurück.</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="114"/>
        <source>Removed %1 from the room</source>
        <translation>%1 wurde aus dem Raum entfernt</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="115"/>
        <source>Could not remove %1: %2</source>
        <translation>%1 konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="126"/>
        <source>Remove “%1” from the room for everyone? Downloads of it in progress stop.</source>
        <translation>„%1“ für alle aus dem Raum entfernen? Laufende Downloads davon werden abgebrochen.</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="132"/>
        <source>Removed “%1” from the room</source>
        <translation>„%1“ wurde aus dem Raum entfernt</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="133"/>
        <source>Could not remove “%1”: %2</source>
        <translation>„%1“ konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <location filename="../meetingcontrols.cpp" line="142"/>
        <source>Could not change the lock: %1</source>
        <translation>Die Sperre konnte nicht geändert werden: %1</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::MyFilesModel</name>
    <message>
        <location filename="../myfilesmodel.cpp" line="143"/>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="164"/>
        <source>%1 (%2 of %3)</source>
        <translation>%1 (%2 von %3)</translation>
    </message>
    <message numerus="yes">
        <location filename="../myfilesmodel.cpp" line="211"/>
        <source>Downloaded completely %n time(s)</source>
        <translation>
            <numerusform>%n-mal vollständig heruntergeladen</numerusform>
            <numerusform>%n-mal vollständig heruntergeladen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="219"/>
        <source>Nobody has confirmed receiving it yet</source>
        <translation>Noch niemand hat den Empfang bestätigt</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="220"/>
        <source>Downloaded by %1</source>
        <translation>Heruntergeladen von %1</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="234"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="236"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="238"/>
        <source>Sent to</source>
        <translation>Gesendet an</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="240"/>
        <source>Shared</source>
        <translation>Geteilt</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="242"/>
        <source>Available until</source>
        <translation>Verfügbar bis</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="244"/>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <location filename="../myfilesmodel.cpp" line="246"/>
        <source>Downloaded by</source>
        <translation>Heruntergeladen von</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::NearbyRoomsModel</name>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="113"/>
        <source>Rooms nearby cannot be shown. %1 You can still join with a link or by address.</source>
        <translation>Räume in der Nähe können nicht angezeigt werden. %1 Sie können trotzdem mit einem Link oder über die Adresse beitreten.</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="117"/>
        <source>Looking for rooms on this network… None found yet.</source>
        <translation>Suche nach Räumen in diesem Netzwerk… Noch keine gefunden.</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="144"/>
        <source>%1 — hosted by %2 — %3</source>
        <translation>%1 – Gastgeber %2 – %3</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="148"/>
        <source>Room: %1</source>
        <translation>Raum: %1</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="148"/>
        <source>Host: %1</source>
        <translation>Gastgeber: %1</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="149"/>
        <source>Computer: %1</source>
        <translation>Computer: %1</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="150"/>
        <source>Addresses: %1</source>
        <translation>Adressen: %1</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="151"/>
        <source>Port: %1</source>
        <translation>Port: %1</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="153"/>
        <source>Encrypted (TLS)</source>
        <translation>Verschlüsselt (TLS)</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="153"/>
        <source>Not encrypted</source>
        <translation>Nicht verschlüsselt</translation>
    </message>
    <message>
        <location filename="../nearbyroomsmodel.cpp" line="157"/>
        <source>Room %1, hosted by %2, at %3</source>
        <translation>Raum %1, Gastgeber %2, unter %3</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::ParticipantsModel</name>
    <message>
        <location filename="../participantsmodel.cpp" line="156"/>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="158"/>
        <source>Send to everyone in the room, including people who join later</source>
        <translation>An alle im Raum senden, auch an Personen, die später beitreten</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="180"/>
        <source>%1 (you, moderator)</source>
        <translation>%1 (Sie, Moderator)</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="182"/>
        <source>%1 (you)</source>
        <translation>%1 (Sie)</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="184"/>
        <source>%1 (moderator)</source>
        <translation>%1 (Moderator)</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="188"/>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="188"/>
        <source>Send only to the people checked here</source>
        <translation>Nur an die hier angehakten Personen senden</translation>
    </message>
    <message>
        <location filename="../participantsmodel.cpp" line="190"/>
        <source>%1, you</source>
        <translation>%1, Sie</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::RoomHost</name>
    <message>
        <location filename="../roomhost.cpp" line="34"/>
        <source>Could not start the room on this computer: %1</source>
        <translation>Der Raum konnte auf diesem Computer nicht gestartet werden: %1</translation>
    </message>
    <message>
        <location filename="../roomhost.cpp" line="46"/>
        <source>cannot create the folder %1</source>
        <translation>der Ordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <location filename="../roomhost.cpp" line="86"/>
        <source>%1. Is the network up, and may this program listen on a port?</source>
        <translation>%1. Ist das Netzwerk verfügbar, und darf dieses Programm auf einem Port lauschen?</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::SendLimits</name>
    <message>
        <location filename="../sendlimits.cpp" line="13"/>
        <source>&amp;Once per person</source>
        <translation>E&amp;inmal pro Person</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="17"/>
        <source>Keep as long as the room allows</source>
        <translation>So lange behalten, wie der Raum erlaubt</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="18"/>
        <source>Keep for 1 hour</source>
        <translation>1 Stunde behalten</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="19"/>
        <source>Keep until the end of the day</source>
        <translation>Bis zum Ende des Tages behalten</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="20"/>
        <source>Keep for 24 hours</source>
        <translation>24 Stunden behalten</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="21"/>
        <source>How long files you send stay in the room</source>
        <translation>Wie lange Ihre gesendeten Dateien im Raum bleiben</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="24"/>
        <source>Withdraw what you send once each recipient has downloaded it</source>
        <translation>Gesendetes zurückziehen, sobald jeder Empfänger es heruntergeladen hat</translation>
    </message>
    <message>
        <location filename="../sendlimits.cpp" line="25"/>
        <source>Withdraw once each recipient has it</source>
        <translation>Zurückziehen, sobald jeder Empfänger es hat</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::SettingsDialog</name>
    <message>
        <location filename="../settingsdialog.cpp" line="24"/>
        <source>Takes effect the next time you host a room. &quot;This computer only&quot; keeps the room on this computer&apos;s loopback address: nobody else can join.</source>
        <translation>Gilt ab dem nächsten Raum, den Sie öffnen. „Nur dieser Computer“ hält den Raum auf der Loopback-Adresse dieses Computers: Niemand sonst kann beitreten.</translation>
    </message>
    <message>
        <location filename="../settingsdialog.cpp" line="29"/>
        <source>Download Folder</source>
        <translation>Download-Ordner</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::SharedByYouPanel</name>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="21"/>
        <source>Shar&amp;ed by you</source>
        <translation>Von Ihnen &amp;geteilt</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="23"/>
        <source>Wit&amp;hdraw</source>
        <translation>&amp;Zurückziehen</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="24"/>
        <source>Copy &amp;Name</source>
        <translation>&amp;Namen kopieren</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="25"/>
        <source>Re&amp;fresh</source>
        <translation>Ak&amp;tualisieren</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="32"/>
        <source>Remove the selected files for everyone; downloads in progress stop</source>
        <translation>Die ausgewählten Dateien für alle entfernen; laufende Downloads werden abgebrochen</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="40"/>
        <source>Files shared by you</source>
        <translation>Von Ihnen geteilte Dateien</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="69"/>
        <source>Could not list the files you shared: %1</source>
        <translation>Ihre geteilten Dateien konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="72"/>
        <source>File withdrawn</source>
        <translation>Datei zurückgezogen</translation>
    </message>
    <message>
        <location filename="../sharedbyyoupanel.cpp" line="73"/>
        <source>Could not withdraw the file: %1</source>
        <translation>Die Datei konnte nicht zurückgezogen werden: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../sharedbyyoupanel.cpp" line="109"/>
        <source>Copied %n name(s)</source>
        <translation>
            <numerusform>%n Name kopiert</numerusform>
            <numerusform>%n Namen kopiert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::StartDialog</name>
    <message>
        <location filename="../startdialog.cpp" line="24"/>
        <location filename="../startdialog.cpp" line="228"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="184"/>
        <source>Paste the invite link you were given.</source>
        <translation>Fügen Sie den Einladungslink ein, den Sie bekommen haben.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="187"/>
        <source>This is not a Roomshare invite link.</source>
        <translation>Das ist kein Roomshare-Einladungslink.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="189"/>
        <source>The link invites you as %1.</source>
        <translation>Der Link lädt Sie als %1 ein.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="196"/>
        <source>Choose a room from the list.</source>
        <translation>Wählen Sie einen Raum aus der Liste.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="201"/>
        <source>This room does not announce a lobby: knocking may be refused; ask its host for an invite link if it is.</source>
        <translation>Dieser Raum kündigt keinen Warteraum an: Anklopfen wird vielleicht abgelehnt; bitten Sie dann den Gastgeber um einen Einladungslink.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="204"/>
        <location filename="../startdialog.cpp" line="215"/>
        <source>The room&apos;s moderators will be asked to let you in.</source>
        <translation>Die Moderatoren des Raums werden gefragt, ob sie Sie hereinlassen.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="210"/>
        <source>Enter the name or IP address of the computer hosting the room.</source>
        <translation>Geben Sie den Namen oder die IP-Adresse des Computers ein, der den Raum anbietet.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="213"/>
        <source>This is not a host name or IP address.</source>
        <translation>Das ist kein Rechnername und keine IP-Adresse.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="224"/>
        <source>Enter the name the others will see.</source>
        <translation>Geben Sie den Namen ein, den die anderen sehen.</translation>
    </message>
    <message>
        <location filename="../startdialog.cpp" line="228"/>
        <source>&amp;Join</source>
        <translation>&amp;Beitreten</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::TransferDelegate</name>
    <message>
        <location filename="../transferdelegate.cpp" line="146"/>
        <source>Cancel this transfer</source>
        <translation>Diese Übertragung abbrechen</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::TransferModel</name>
    <message>
        <location filename="../transfermodel.cpp" line="137"/>
        <source>%1 of %2 files failed; the first: %3</source>
        <translation>%1 von %2 Dateien fehlgeschlagen; die erste: %3</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="317"/>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="319"/>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="319"/>
        <source>Downloading</source>
        <translation>Wird heruntergeladen</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="321"/>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="321"/>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="323"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="325"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="380"/>
        <source>Upload of the folder %1</source>
        <translation>Hochladen des Ordners %1</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="383"/>
        <source>Download of the folder %1 from %2</source>
        <translation>Herunterladen des Ordners %1 von %2</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="386"/>
        <source>Upload of %1</source>
        <translation>Upload von %1</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="387"/>
        <source>Download of %1 from %2</source>
        <translation>Download von %1 von %2</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="389"/>
        <source>Upload: %1</source>
        <translation>Upload: %1</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="389"/>
        <source>Download: %1</source>
        <translation>Download: %1</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="397"/>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="406"/>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="445"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="447"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="449"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="451"/>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="453"/>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location filename="../transfermodel.cpp" line="455"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::UnfinishedUploadsModel</name>
    <message>
        <location filename="../unfinisheduploadsmodel.cpp" line="37"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadsmodel.cpp" line="38"/>
        <source>%1 (%2) — changed since, cannot be resumed</source>
        <translation>%1 (%2) — seitdem geändert, kann nicht fortgesetzt werden</translation>
    </message>
</context>
<context>
    <name>Roomshare::Gui::UnfinishedUploadsPanel</name>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="18"/>
        <source>Unfinished uploads from your last session:</source>
        <translation>Unvollständige Uploads aus Ihrer letzten Sitzung:</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="20"/>
        <source>Resu&amp;me</source>
        <translation>Fortset&amp;zen</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="21"/>
        <source>Discar&amp;d</source>
        <translation>Verwerfe&amp;n</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="31"/>
        <source>Unfinished uploads</source>
        <translation>Unvollständige Uploads</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="34"/>
        <source>Continue sending the selected files from where the server stopped receiving</source>
        <translation>Die ausgewählten Dateien ab der Stelle weitersenden, bis zu der der Server sie empfangen hat</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="36"/>
        <source>Give up the selected uploads; the server deletes what it received</source>
        <translation>Die ausgewählten Uploads aufgeben; der Server löscht, was er empfangen hat</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="105"/>
        <source>Could not resume the upload: %1</source>
        <translation>Der Upload konnte nicht fortgesetzt werden: %1</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="123"/>
        <source>Unfinished upload discarded</source>
        <translation>Unvollständiger Upload verworfen</translation>
    </message>
    <message>
        <location filename="../unfinisheduploadspanel.cpp" line="124"/>
        <source>Could not discard the upload on the server: %1</source>
        <translation>Der Upload konnte auf dem Server nicht verworfen werden: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="9"/>
        <source>Roomshare Settings</source>
        <translation>Roomshare-Einstellungen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="12"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="20"/>
        <source>Display &amp;name:</source>
        <translation>Angezeigter &amp;Name:</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="30"/>
        <source>Display name</source>
        <translation>Angezeigter Name</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="40"/>
        <source>&amp;Download folder:</source>
        <translation>&amp;Download-Ordner:</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="52"/>
        <source>Download folder</source>
        <translation>Download-Ordner</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="59"/>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="62"/>
        <source>Choose download folder</source>
        <translation>Download-Ordner wählen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="71"/>
        <source>&amp;Who can join rooms you host:</source>
        <translation>&amp;Wer Ihren Räumen beitreten kann:</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="81"/>
        <source>Who can join rooms you host</source>
        <translation>Wer Ihren Räumen beitreten kann</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="85"/>
        <source>People on my network</source>
        <translation>Personen in meinem Netzwerk</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="90"/>
        <source>This computer only</source>
        <translation>Nur dieser Computer</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="100"/>
        <source>&amp;Ask where to save each file</source>
        <translation>Für jede Datei &amp;fragen, wo sie gespeichert wird</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="103"/>
        <source>Ask where to save each file</source>
        <translation>Für jede Datei fragen, wo sie gespeichert wird</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="110"/>
        <source>Show a &amp;notification when a new file is shared</source>
        <translation>Eine &amp;Benachrichtigung zeigen, wenn eine neue Datei geteilt wird</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="113"/>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="120"/>
        <source>Tell senders when I have &amp;received their files</source>
        <translation>Den Absendern den &amp;Empfang ihrer Dateien bestätigen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="123"/>
        <source>After each download that arrived intact, its sender (and the room&apos;s moderators) see that you have it. Off: nobody is told and the server keeps no record of it</source>
        <translation>Nach jedem unversehrt angekommenen Download sehen der Absender (und die Moderatoren des Raums), dass Sie die Datei haben. Aus: Niemand wird informiert, und der Server speichert nichts darüber</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="126"/>
        <source>Delivery receipts</source>
        <translation>Empfangsbestätigungen</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="133"/>
        <source>Let people &amp;knock to join the room you host</source>
        <translation>Personen &amp;anklopfen lassen, um Ihrem Raum beizutreten</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="136"/>
        <source>People without an invite link can ask to join; you admit or deny each of them</source>
        <translation>Personen ohne Einladungslink können um Einlass bitten; Sie lassen jede herein oder lehnen sie ab</translation>
    </message>
    <message>
        <location filename="../../../ui/settingsdialog.ui" line="139"/>
        <source>Let people knock to join</source>
        <translation>Anklopfen erlauben</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <location filename="../../../ui/startdialog.ui" line="9"/>
        <source>Roomshare</source>
        <translation>Roomshare</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="12"/>
        <source>Start Roomshare</source>
        <translation>Roomshare starten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="18"/>
        <source>Share files with the people in your meeting.</source>
        <translation>Dateien mit den Personen in Ihrer Besprechung teilen.</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="30"/>
        <source>Your &amp;name:</source>
        <translation>Ihr &amp;Name:</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="40"/>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="43"/>
        <source>How others see you</source>
        <translation>So sehen die anderen Sie</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="55"/>
        <source>&amp;Host a room on this computer</source>
        <translation>Einen Raum auf diesem Computer &amp;öffnen</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="58"/>
        <source>Host a room</source>
        <translation>Einen Raum öffnen</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="68"/>
        <source>Join a room &amp;nearby</source>
        <translation>Einem Raum in der &amp;Nähe beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="71"/>
        <source>Join a room nearby</source>
        <translation>Einem Raum in der Nähe beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="83"/>
        <source>Rooms nearby</source>
        <translation>Räume in der Nähe</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="105"/>
        <source>Rooms nearby status</source>
        <translation>Status der Räume in der Nähe</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="114"/>
        <source>&amp;Join with an invite link</source>
        <translation>Mit einem Einladungs&amp;link beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="117"/>
        <source>Join with a link</source>
        <translation>Mit einem Link beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="132"/>
        <source>Invite link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="135"/>
        <source>roomshare://… (the link or its QR code always works)</source>
        <translation>roomshare://… (der Link oder sein QR-Code funktioniert immer)</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="147"/>
        <source>Join by &amp;address</source>
        <translation>Über die &amp;Adresse beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="150"/>
        <source>Join by address</source>
        <translation>Über die Adresse beitreten</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="165"/>
        <location filename="../../../ui/startdialog.ui" line="168"/>
        <source>Host name or IP address</source>
        <translation>Rechnername oder IP-Adresse</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="178"/>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="191"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../../ui/startdialog.ui" line="215"/>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.cpp" line="44"/>
        <location filename="../../app/main.cpp" line="356"/>
        <location filename="../../app/main.cpp" line="375"/>
        <source>Roomshare</source>
        <translation>Roomshare</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="45"/>
        <source>Your name, as the others will see it:</source>
        <translation>Ihr Name, wie die anderen ihn sehen:</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="94"/>
        <source>Host a room for the people in your meeting: the link is shown and printed here.</source>
        <translation>Einen Raum für die Personen in Ihrer Besprechung öffnen: Der Link wird angezeigt und hier ausgegeben.</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="99"/>
        <source>Your display name.</source>
        <translation>Ihr angezeigter Name.</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="103"/>
        <source>Open a window of its own even when Roomshare is already running (by default a link goes to the running window).</source>
        <translation>Ein eigenes Fenster öffnen, auch wenn Roomshare schon läuft (sonst geht ein Link an das laufende Fenster).</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="147"/>
        <source>Share files with the people in your meeting room.</source>
        <translation>Dateien mit den Personen in Ihrem Besprechungsraum teilen.</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="160"/>
        <source>An invite link to join.</source>
        <translation>Ein Einladungslink zum Beitreten.</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="301"/>
        <source>Rejoining room &quot;%1&quot; on %2, where you were last (give a link or --host to go elsewhere).</source>
        <translation>Zurück in Raum &quot;%1&quot; auf %2, in dem Sie zuletzt waren (mit einem Link oder --host geht es anderswohin).</translation>
    </message>
    <message>
        <location filename="../../app/main.cpp" line="337"/>
        <source>Host</source>
        <translation>Gastgeber</translation>
    </message>
</context>
</TS>
