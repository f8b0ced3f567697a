#pragma once

#include <QMainWindow>
#include <QPointer>

#include <memory>

#include "errors.h"
#include "fileinfo.h"
#include "lastroom.h"
#include "transferinfo.h"

class QLabel;
class QMimeData;
class QSortFilterProxyModel;
class QSystemTrayIcon;

namespace Ui {
class MainWindow;
}

namespace Roomshare {
class Room;
}

namespace Roomshare::Gui {

class AvailableFilesModel;
class DropOverlay;
class LobbyPanel;
class MeetingControls;
class ParticipantsModel;
class Reconnector;
class RoomHost;
class SendLimits;
class Settings;
class SharedByYouPanel;
class UnfinishedUploadsPanel;
class TransferDelegate;
class TransferModel;

//! The room window: participants and recipient picker, available files, transfers.
//! Files dropped anywhere on it, chosen with Send files… (Ctrl+O) or pasted (Ctrl+V) go to
//! the recipients checked in the participants list. After a dropped connection it
//! reconnects by itself with exponential backoff.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    //! Joins the room of \a inviteLink; \a displayName is used when the link names nobody.
    //! Returns false (and shows why in the status bar) when the link is malformed.
    bool joinRoom(const QString &inviteLink, const QString &displayName);
    //! A link handed over by a later start of the app (a second `roomshare LINK`, a link
    //! opened in a browser): the window comes to the front and joins that room, after asking
    //! when transfers are running in the current one. An empty link only raises the window;
    //! the link of the room already joined changes nothing; a malformed link is explained
    //! in a message box and changes nothing.
    void openLink(const QString &inviteLink);
    //! Takes ownership of a running \a host and shows its participant invite link and QR code.
    void setHost(RoomHost *host);
    //! The invite panel's link, QR code and addresses, from the hosted room.
    void showHostLinks();
    RoomHost *host() const { return m_host; }
    //! The participant invite link shown in the window, or an empty string.
    QString inviteLink() const;
    //! The same invite as a web link (InviteLink::toWebString()), for guests with only a
    //! browser; the QR code shows this one.
    QString webInviteLink() const;

    //! Sends \a paths to the checked recipients; a folder goes with its tree, as one item
    //! (docs/protocol.md "Folders"). Missing files are refused with a message and nothing is
    //! sent. Returns false when nothing was sent.
    bool sendFiles(const QStringList &paths);
    //! Downloads every entry of the shared folder \a folderKey available now into the
    //! download folder (asking for a folder when \a askFolder or the settings say so), where
    //! it gets the sender's tree (mainwindow_folders.cpp).
    void downloadFolder(const QString &folderKey, bool askFolder = false);
    //! Downloads the available file in model row \a row to the download folder (asking for a
    //! folder when \a askFolder or the settings say so).
    void downloadFile(qint64 fileIndex, bool askFolder = false);

    Room *room() const { return m_room; }
    Settings *settings() const { return m_settings; }
    ParticipantsModel *participantsModel() const { return m_participants; }
    AvailableFilesModel *availableFilesModel() const { return m_files; }
    TransferModel *transferModel() const { return m_transfers; }
    TransferDelegate *transferDelegate() const { return m_delegate; }
    //! How long what is sent stays, and "once per person" (next to Send files…).
    SendLimits *sendLimits() const { return m_sendLimits; }
    DropOverlay *dropOverlay() const { return m_overlay; }
    //! Knocks waiting for this moderator, and "Create participant link…".
    LobbyPanel *lobbyPanel() const { return m_lobby; }
    //! Moderators: remove participants and files, lock the room.
    MeetingControls *meetingControls() const { return m_meeting; }
    //! The "Shared by You" section (the files this participant sent, with Withdraw).
    SharedByYouPanel *sharedByYouPanel() const { return m_sharedByYou; }
    //! Uploads an earlier run left unfinished, with Resume and Discard.
    UnfinishedUploadsPanel *unfinishedUploadsPanel() const { return m_unfinished; }
    //! The text next to the send action: "Sending to: Everyone".
    QString sendingToText() const;
    //! The connection text in the status bar.
    QString connectionText() const;
    //! Shows the drop overlay as if \a fileCount files were being dragged (screenshots).
    void showDropPreview(int fileCount);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    //! Opens a received file with the system, after a warning when it is a program.
    void openReceivedFile(const QString &localPath);
    void setupViews();
    void setupActions();
    void connectRoom();
    void updateTitle();
    void updateRecipients();
    void updateTransferButtons();
    void updateFilesStack();
    void setConnectionText(const QString &text);
    void showMessage(const QString &text);
    void notifyFileAvailable(const FileInfo &file);
    void onDisconnected(ErrorCode error, const QString &text);
    //! The lobby hooks: panel, knocker status, the hosted room's lobby setting.
    void connectLobby();
    void applyLobbySetting();
    void onTransferFinished(const TransferInfo &info);
    void chooseAndSendFiles();
    void chooseAndSendFolder();
    //! A shared folder's row of the transfers view (mainwindow_folders.cpp).
    void cancelFolderTransfer(const TransferInfo &info);
    void retryFolderTransfer(const TransferInfo &info);
    void pasteFiles();
    void cancelTransferAt(int row);
    void retryTransferAt(int row);
    void showFilesMenu(const QPoint &pos);
    void showTransfersMenu(const QPoint &pos);
    void openSettings();
    void activateFile(const QModelIndex &proxyIndex);
    QList<int> selectedTransferRows() const;
    QList<qint64> selectedFileIndexes() const;
    QStringList localFiles(const QMimeData *mime, bool *hasFolders) const;
    void showDropOverlayFor(const QMimeData *mime);

    std::unique_ptr<Ui::MainWindow> m_ui;
    Settings *m_settings;
    Room *m_room;
    QPointer<RoomHost> m_host;
    ParticipantsModel *m_participants;
    AvailableFilesModel *m_files;
    QSortFilterProxyModel *m_filesProxy;
    TransferModel *m_transfers;
    TransferDelegate *m_delegate;
    DropOverlay *m_overlay;
    SendLimits *m_sendLimits;
    LobbyPanel *m_lobby;
    MeetingControls *m_meeting = nullptr;
    SharedByYouPanel *m_sharedByYou = nullptr;
    UnfinishedUploadsPanel *m_unfinished = nullptr;
    Reconnector *m_reconnector;
    QLabel *m_connectionLabel;
    QSystemTrayIcon *m_tray = nullptr;
    QString m_link;
    LastRoom m_lastRoom;
    QString m_displayName;
    bool m_leaving = false;
    bool m_everConnected = false;
};

} // namespace Roomshare::Gui
