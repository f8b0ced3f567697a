// Shared folders in the window (docs/protocol.md "Folders"): choosing a folder to send,
// downloading a folder row, and cancelling or retrying a folder's row of the transfers view
// as one item.

#include "mainwindow.h"

#include <QDir>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <memory>

#include "filenames.h"
#include "formatting.h"
#include "participantsmodel.h"
#include "peertext.h"
#include "room.h"
#include "roomhost.h"
#include "settings.h"
#include "transfermodel.h"

namespace Roomshare::Gui {

void MainWindow::chooseAndSendFolder()
{
    if (!m_room->isConnected()) {
        showMessage(tr("You are not connected to the room."));
        return;
    }
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Send a Folder to %1").arg(m_participants->recipientsText()));
    if (!folder.isEmpty())
        sendFiles({ folder });
}

void MainWindow::downloadFolder(const QString &folderKey, bool askFolder)
{
    const QList<FileInfo> files = m_room->folderFiles(folderKey);
    if (files.isEmpty()) {
        showMessage(tr("That folder is no longer available."));
        return;
    }
    QString dir = m_settings->downloadFolder();
    if (askFolder || m_settings->askWhereToSave()) {
        dir = QFileDialog::getExistingDirectory(
            this,
            tr("Save the folder “%1” in").arg(FileNames::displayName(files.first().folderName())),
            dir);
        if (dir.isEmpty())
            return;
    }
    if (!QDir().mkpath(dir)) {
        showMessage(tr("Can't create the download folder %1.").arg(QDir::toNativeSeparators(dir)));
        return;
    }
    QPointer<MainWindow> self(this);
    const QString sender = files.first().sender;
    // One message for the folder, not one per entry.
    auto reported = std::make_shared<bool>(false);
    m_room->recvFolder(folderKey, QJsonObject{ { QStringLiteral("saveDir"), dir } },
                       [self, sender, reported](const QJsonObject &result) {
                           const int code = result.value(QStringLiteral("result")).toInt();
                           if (!self || code == 0 || *reported)
                               return;
                           *reported = true;
                           self->showMessage(Format::error(
                               ErrorCode(code), result.value(QStringLiteral("desc")).toString()));
                       });
}

void MainWindow::cancelFolderTransfer(const TransferInfo &info)
{
    if (info.direction == TransferInfo::Direction::Upload)
        m_room->cancelUploadGroup(info.group);
    else
        m_room->cancelDownloadGroup(info.group);
}

void MainWindow::retryFolderTransfer(const TransferInfo &info)
{
    if (info.direction == TransferInfo::Direction::Upload) {
        // The folder is sent again as a new folder (the old one was withdrawn or never
        // announced).
        QJsonObject options{ { QStringLiteral("broadcast"), info.broadcast } };
        if (!info.broadcast)
            options.insert(QStringLiteral("clientList"),
                           QJsonArray::fromStringList(info.recipients));
        if (info.localPath.isEmpty() || m_room->sendFiles({ info.localPath }, options).isEmpty())
            return;
        m_transfers->removeTransfer(info.direction, info.id);
        return;
    }
    if (m_room->folderFiles(info.group).isEmpty()) {
        showMessage(tr("%1's folder is no longer available.").arg(PeerText::shown(info.peerName)));
        return;
    }
    // The old row goes first: the new jobs have the same group and would join it.
    m_transfers->removeTransfer(info.direction, info.id);
    downloadFolder(info.group);
}

} // namespace Roomshare::Gui
