#include "mainwindow.h"

#include <QApplication>
#include <QBoxLayout>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QUrl>

#include <algorithm>

#include "availablefilesmodel.h"
#include "dropoverlay.h"
#include "formatting.h"
#include "guilogging.h"
#include "invite.h"
#include "lastroom.h"
#include "lobbypanel.h"
#include "meetingcontrols.h"
#include "participantsmodel.h"
#include "peertext.h"
#include "reconnector.h"
#include "room.h"
#include "roomhost.h"
#include "sendlimits.h"
#include "settings.h"
#include "settingsdialog.h"
#include "sharedbyyoupanel.h"
#include "transferdelegate.h"
#include "transferjob.h"
#include "transfermodel.h"
#include "ui_mainwindow.h"
#include "unfinisheduploadspanel.h"
#include "uploadstate.h"

namespace Roomshare::Gui {

namespace {
constexpr int MessageTimeoutMs = 8000;

QString fileNameOf(const QString &path)
{
    return QFileInfo(path).fileName();
}

QString dropHeadline(int fileCount)
{
    return fileCount == 1 ? MainWindow::tr("Drop to send this file")
                          : MainWindow::tr("Drop to send %1 files").arg(fileCount);
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_settings(new Settings(this))
    , m_room(new Room(this))
    , m_participants(new ParticipantsModel(this))
    , m_files(new AvailableFilesModel(this))
    , m_filesProxy(new QSortFilterProxyModel(this))
    , m_transfers(new TransferModel(this))
    , m_delegate(new TransferDelegate(this))
    , m_overlay(nullptr)
    , m_sendLimits(new SendLimits(this))
    , m_lobby(new LobbyPanel(this))
    , m_reconnector(new Reconnector(this))
    , m_connectionLabel(new QLabel(this))
{
    m_ui->setupUi(this);
    // Labels here show names others chose: never as HTML.
    PeerText::makeLabelsPlain(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/roomshare.svg")));
    setAcceptDrops(true);
    m_overlay = new DropOverlay(this);
    m_connectionLabel->setAccessibleName(tr("Connection state"));
    statusBar()->addPermanentWidget(m_connectionLabel);
    m_ui->inviteBox->hide();

    setupViews();
    setupActions();
    m_meeting = new MeetingControls(m_room, this);
    m_ui->roomMenu->insertAction(m_ui->actionSettings, m_meeting->lockAction());
    m_ui->roomMenu->insertSeparator(m_ui->actionSettings);
    m_meeting->attachParticipantsView(m_ui->participantsView);
    connect(m_meeting, &MeetingControls::messageChanged, this, &MainWindow::showMessage);
    m_room->setDeliveryReceipts(m_settings->deliveryReceipts());
    connect(m_settings, &Settings::changed, this,
            [this] { m_room->setDeliveryReceipts(m_settings->deliveryReceipts()); });
    m_sharedByYou = new SharedByYouPanel(this);
    m_sharedByYou->setRoom(m_room);
    m_ui->contentSplitter->insertWidget(1, m_sharedByYou);
    connect(m_sharedByYou, &SharedByYouPanel::messageChanged, this, &MainWindow::showMessage);
    // Uploads survive a restart: recorded privately, listed again on the next join.
    m_room->setUploadStateFolder(UploadStateStore::defaultFolder());
    m_unfinished = new UnfinishedUploadsPanel(this);
    m_unfinished->setRoom(m_room);
    m_ui->transfersLayout->insertWidget(1, m_unfinished);
    connect(m_unfinished, &UnfinishedUploadsPanel::messageChanged, this, &MainWindow::showMessage);
    connectRoom();
    connectLobby();
    updateRecipients();
    updateTransferButtons();
    updateFilesStack();
    updateTitle();
    setConnectionText(tr("Not connected"));
}

MainWindow::~MainWindow()
{
    m_leaving = true;
    // A quit with nothing left to resume ends the meeting for this app: the next start asks.
    if (m_room->unfinishedUploads().isEmpty())
        m_lastRoom.forget();
    // Quitting mid-upload: no `leave`, so the server keeps the uploads for the next start.
    if (!m_room->keepsUploadsForLater())
        m_room->disconnectFromRoom();
}

void MainWindow::setupViews()
{
    m_participants->setRoom(m_room);
    m_ui->participantsView->setModel(m_participants);

    // Right of "Sending to: …": how long what is sent stays, once per person.
    m_ui->sendLayout->insertWidget(m_ui->sendLayout->indexOf(m_ui->sendingToLabel) + 1,
                                   m_sendLimits);

    m_files->setRoom(m_room);
    m_filesProxy->setSourceModel(m_files);
    m_filesProxy->setSortRole(AvailableFilesModel::SortRole);
    m_filesProxy->setFilterKeyColumn(AvailableFilesModel::NameColumn);
    m_filesProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_ui->filesView->setModel(m_filesProxy);
    m_ui->filesView->sortByColumn(AvailableFilesModel::SharedColumn, Qt::DescendingOrder);
    QHeaderView *filesHeader = m_ui->filesView->header();
    filesHeader->setStretchLastSection(false);
    filesHeader->setSectionResizeMode(AvailableFilesModel::NameColumn, QHeaderView::Stretch);
    for (int c = AvailableFilesModel::SizeColumn; c < AvailableFilesModel::ColumnCount; ++c)
        filesHeader->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    connect(m_ui->filterEdit, &QLineEdit::textChanged, m_filesProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(m_ui->filesView, &QTreeView::activated, this, &MainWindow::activateFile);
    connect(m_ui->filesView, &QWidget::customContextMenuRequested, this,
            &MainWindow::showFilesMenu);
    connect(m_files, &AvailableFilesModel::newCountChanged, this, &MainWindow::updateTitle);
    connect(m_files, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateFilesStack);
    connect(m_files, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateFilesStack);
    connect(m_files, &QAbstractItemModel::modelReset, this, &MainWindow::updateFilesStack);

    m_transfers->setRoom(m_room);
    m_ui->transfersView->setModel(m_transfers);
    m_ui->transfersView->setItemDelegate(m_delegate);
    m_ui->transfersView->setMouseTracking(true);
    m_ui->transfersView->installEventFilter(this);
    QHeaderView *transfersHeader = m_ui->transfersView->header();
    transfersHeader->setStretchLastSection(false);
    transfersHeader->setSectionResizeMode(TransferModel::NameColumn, QHeaderView::Stretch);
    transfersHeader->setSectionResizeMode(TransferModel::ProgressColumn, QHeaderView::Interactive);
    transfersHeader->resizeSection(TransferModel::ProgressColumn, 200);
    for (int c = TransferModel::SizeColumn; c < TransferModel::ColumnCount; ++c)
        transfersHeader->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    connect(m_delegate, &TransferDelegate::cancelRequested, this,
            [this](const QPersistentModelIndex &index) {
                if (index.isValid())
                    cancelTransferAt(index.row());
            });
    connect(m_ui->transfersView, &QWidget::customContextMenuRequested, this,
            &MainWindow::showTransfersMenu);
    connect(m_transfers, &TransferModel::countsChanged, this, &MainWindow::updateTransferButtons);
    connect(m_transfers, &TransferModel::transferFinished, this, &MainWindow::onTransferFinished);
    connect(m_ui->transfersView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateTransferButtons);

    connect(m_participants, &ParticipantsModel::recipientsChanged, this,
            &MainWindow::updateRecipients);
    m_ui->mainSplitter->setStretchFactor(0, 0);
    m_ui->mainSplitter->setStretchFactor(1, 1);
    m_ui->mainSplitter->setSizes({ 260, 840 });
    m_ui->contentSplitter->setSizes({ 380, 260 });
}

void MainWindow::setupActions()
{
    connect(m_ui->actionSendFiles, &QAction::triggered, this, &MainWindow::chooseAndSendFiles);
    connect(m_ui->sendButton, &QPushButton::clicked, this, &MainWindow::chooseAndSendFiles);
    connect(m_ui->actionSendFolder, &QAction::triggered, this, &MainWindow::chooseAndSendFolder);
    connect(m_ui->sendFolderButton, &QPushButton::clicked, this, &MainWindow::chooseAndSendFolder);
    connect(m_ui->actionPasteFiles, &QAction::triggered, this, &MainWindow::pasteFiles);
    connect(m_ui->actionSettings, &QAction::triggered, this, &MainWindow::openSettings);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    m_ui->actionSendFiles->setIcon(QIcon(QStringLiteral(":/icons/upload.svg")));
    m_ui->sendButton->setToolTip(
        tr("Choose files to send (%1)")
            .arg(m_ui->actionSendFiles->shortcut().toString(QKeySequence::NativeText)));

    connect(m_ui->cancelUploadsButton, &QPushButton::clicked, this,
            [this] { m_room->cancelUploads(0, true); });
    connect(m_ui->cancelDownloadsButton, &QPushButton::clicked, this,
            [this] { m_room->cancelDownloads(0, true); });
    connect(m_ui->clearFinishedButton, &QPushButton::clicked, m_transfers,
            &TransferModel::removeFinished);
    connect(m_ui->retryButton, &QPushButton::clicked, this, [this] {
        const QList<int> rows = selectedTransferRows();
        // Retrying removes rows, so go from the bottom up.
        for (auto it = rows.crbegin(); it != rows.crend(); ++it)
            retryTransferAt(*it);
    });
    connect(m_ui->copyLinkButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_ui->inviteLinkEdit->text());
        showMessage(tr("Invite link copied."));
    });
    connect(m_ui->copyWebLinkButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_ui->webLinkEdit->text());
        showMessage(tr("Web link copied."));
    });

    connect(m_reconnector, &Reconnector::countdown, this, [this](int seconds) {
        setConnectionText(
            m_everConnected ? tr("Connection lost — reconnecting in %n s", nullptr, seconds)
                            : tr("Could not reach the room — retrying in %n s", nullptr, seconds));
    });
    connect(m_reconnector, &Reconnector::attemptDue, this, [this] {
        setConnectionText(tr("Reconnecting…"));
        if (!m_room->connectToRoom(m_link, m_displayName))
            setConnectionText(Format::error(m_room->lastError(), m_room->lastErrorText()));
    });
}

void MainWindow::connectRoom()
{
    connect(m_room, &Room::connected, this, [this] {
        m_everConnected = true;
        m_reconnector->reset();
        if (!m_host) {
            QString error;
            if (!m_lastRoom.remember(m_link, &error))
                qCWarning(lcGui) << "cannot keep the room for the next start:" << error;
        }
        setConnectionText(
            tr("Connected to “%1” as %2")
                .arg(PeerText::shown(m_room->roomName()), PeerText::shown(m_room->displayName())));
        updateTitle();
    });
    connect(m_room, &Room::stateChanged, this, [this](Room::State state) {
        if (state == Room::State::Connecting && !m_reconnector->isWaiting())
            setConnectionText(tr("Connecting…"));
        // The core rides out short drops by itself (transfers pause and resume); the app's
        // own reconnector only takes over once the core's reconnect window has passed.
        if (state == Room::State::Reconnecting)
            setConnectionText(tr("Connection lost — reconnecting; transfers will resume"));
        updateTransferButtons();
    });
    connect(m_room, &Room::disconnected, this, &MainWindow::onDisconnected);
    connect(m_room, &Room::fileAvailable, this, &MainWindow::notifyFileAvailable);
    connect(m_room, &Room::fileRemoved, this, [this](qint64 index, const QString &reason) {
        Q_UNUSED(index)
        if (reason == QLatin1String("expired"))
            showMessage(tr("A shared file expired and is no longer available."));
    });
    connect(m_room, &Room::participantJoined, this, [this](const Participant &p) {
        showMessage(tr("%1 joined the room.").arg(PeerText::shown(p.name)));
    });
    connect(m_room, &Room::participantLeft, this, [this](const Participant &p) {
        showMessage(tr("%1 left the room.").arg(PeerText::shown(p.name)));
    });
}

void MainWindow::connectLobby()
{
    if (auto *column = qobject_cast<QBoxLayout *>(m_ui->participantsView->parentWidget()->layout()))
        column->insertWidget(0, m_lobby);
    m_lobby->setRoom(m_room);
    connect(m_lobby, &LobbyPanel::knockArrived, this, [this](const QString &text) {
        showMessage(text);
        QApplication::alert(this);
        if (m_tray && m_settings->notificationsEnabled() && !isActiveWindow())
            m_tray->showMessage(tr("Someone wants to join"), text, QSystemTrayIcon::Information);
    });
    connect(m_lobby, &LobbyPanel::linkCreationFailed, this, [this](const QString &why) {
        showMessage(tr("Could not create a participant link: %1").arg(why));
    });
    connect(m_room, &Room::knockWaiting, this,
            [this] { setConnectionText(LobbyPanel::waitingText(m_room)); });
    connect(m_room, &Room::connected, this, [this] {
        // An admitted knocker's link now carries its token: the app's own reconnects use it.
        m_link = m_room->inviteLink();
        const bool moderator = m_room->role() == QLatin1String("moderator");
        // A hosting app signs its own links; a moderator on someone else's server asks it.
        m_lobby->setLinkCreationOffered(moderator && !m_host);
        applyLobbySetting();
    });
    connect(m_settings, &Settings::changed, this, &MainWindow::applyLobbySetting);
}

void MainWindow::applyLobbySetting()
{
    if (!m_host || !m_room->isConnected() || m_room->role() != QLatin1String("moderator"))
        return;
    if (m_room->isLobbyEnabled() != m_settings->lobbyEnabled())
        m_room->setLobbyEnabled(m_settings->lobbyEnabled());
}

bool MainWindow::joinRoom(const QString &inviteLink, const QString &displayName)
{
    m_link = inviteLink.trimmed();
    m_displayName = displayName.trimmed();
    m_leaving = false;
    m_reconnector->reset();
    if (!m_room->connectToRoom(m_link, m_displayName)) {
        setConnectionText(tr("Could not join: %1")
                              .arg(Format::error(m_room->lastError(), m_room->lastErrorText())));
        return false;
    }
    setConnectionText(tr("Connecting…"));
    return true;
}

void MainWindow::openLink(const QString &inviteLink)
{
    if (isMinimized())
        showNormal();
    show();
    raise();
    activateWindow();
    const QString link = inviteLink.trimmed();
    if (link.isEmpty())
        return;
    QString why;
    if (!InviteLink::parse(link, &why)) {
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Roomshare"),
                                    tr("This invite link cannot be opened: %1").arg(why),
                                    QMessageBox::Ok, this);
        box->setTextFormat(Qt::PlainText);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("badLinkMessage"));
        box->open();
        return;
    }
    if (link == m_link && m_room->state() != Room::State::Disconnected)
        return;
    const QString name = m_displayName.isEmpty() ? m_settings->displayName() : m_displayName;
    const int running = m_transfers->runningCount(TransferInfo::Direction::Upload)
        + m_transfers->runningCount(TransferInfo::Direction::Download);
    if (running == 0) {
        joinRoom(link, name);
        return;
    }
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Roomshare"),
        tr("Leave this room for the one in the link? %n transfer(s) running here will stop.",
           nullptr, running),
        QMessageBox::Yes | QMessageBox::No, this);
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("switchRoomQuestion"));
    connect(box, &QMessageBox::finished, this, [this, link, name](int result) {
        if (result == QMessageBox::Yes)
            joinRoom(link, name);
    });
    box->open();
}

void MainWindow::setHost(RoomHost *host)
{
    if (!host)
        return;
    host->setParent(this);
    m_host = host;
    connect(host, &RoomHost::linksChanged, this, &MainWindow::showHostLinks);
    showHostLinks();
    m_ui->inviteBox->show();
}

void MainWindow::showHostLinks()
{
    if (!m_host)
        return;
    const QString link = m_host->participantInviteLink();
    m_ui->inviteLinkEdit->setText(link);
    m_ui->inviteLinkEdit->setCursorPosition(0);
    // The same invite for a browser; a phone's camera opens a browser, not the app, so the
    // QR code carries this one.
    const auto parsed = InviteLink::parse(link);
    const QString web = parsed ? parsed->toWebString() : QString();
    m_ui->webLinkEdit->setText(web);
    m_ui->webLinkEdit->setCursorPosition(0);
    m_ui->qrCode->setText(web.isEmpty() ? link : web);
    // A browser cannot pin the certificate as the app does: it warns, and the guest compares
    // this fingerprint with the one its warning page shows (docs/web.md).
    const QString fingerprint = parsed ? parsed->certFingerprint : QString();
    QStringList pairs;
    for (qsizetype i = 0; i + 1 < fingerprint.size(); i += 2)
        pairs.append(fingerprint.mid(i, 2).toUpper());
    m_ui->certificateLabel->setVisible(!fingerprint.isEmpty());
    m_ui->certificateLabel->setText(
        tr("Browsers will warn that this computer's certificate is not trusted. Guests can "
           "check it: its SHA-256 fingerprint is %1.")
            .arg(pairs.join(QLatin1Char(':'))));
    QStringList addresses;
    const auto endpoints = m_host->addresses();
    for (const ServerEndpoint &e : endpoints)
        addresses.append(e.toString());
    if (m_host->reach() == RoomHost::Reach::ThisComputer)
        m_ui->inviteAddressesLabel->setText(
            tr("Only this computer can join (Settings: Who can join rooms you host)."));
    else if (endpoints.size() == 1 && QHostAddress(endpoints.first().host).isLoopback())
        m_ui->inviteAddressesLabel->setText(
            tr("This computer has no network address: only it can join until it is on a "
               "network."));
    else
        m_ui->inviteAddressesLabel->setText(
            tr("The link reaches this computer at %1; each guest uses whichever answers.")
                .arg(QLocale().createSeparatedList(addresses)));
}

QString MainWindow::inviteLink() const
{
    return m_ui->inviteLinkEdit->text();
}

QString MainWindow::webInviteLink() const
{
    return m_ui->webLinkEdit->text();
}

void MainWindow::onDisconnected(ErrorCode error, const QString &text)
{
    updateTitle();
    if (m_leaving || error == ErrorCode::None) {
        setConnectionText(tr("Not connected"));
        return;
    }
    qCInfo(lcGui) << "Disconnected:" << int(error) << text;
    if (error == ErrorCode::NotPermitted && m_everConnected) {
        // A moderator removed us: say who, rather than "could not join".
        setConnectionText(Format::error(error, text));
        showMessage(Format::error(error, text));
        return;
    }
    if (error == ErrorCode::InvalidInvite || error == ErrorCode::NotPermitted
        || error == ErrorCode::TlsVerificationFailed) {
        // Retrying cannot fix a refused invite, nor can the next start.
        m_lastRoom.forget();
        setConnectionText(tr("Could not join: %1").arg(Format::error(error, text)));
        return;
    }
    m_reconnector->schedule();
}

QString MainWindow::connectionText() const
{
    return m_connectionLabel->text();
}

void MainWindow::setConnectionText(const QString &text)
{
    m_connectionLabel->setText(text);
    m_connectionLabel->setAccessibleDescription(text);
}

void MainWindow::showMessage(const QString &text)
{
    statusBar()->showMessage(text, MessageTimeoutMs);
}

void MainWindow::updateTitle()
{
    const int count = m_files->newCount();
    QString title = m_room->roomName().isEmpty()
        ? tr("Roomshare")
        : tr("%1 — Roomshare").arg(PeerText::shown(m_room->roomName()));
    if (count > 0)
        title = tr("(%1 new) %2").arg(count).arg(title);
    setWindowTitle(title);
}

QString MainWindow::sendingToText() const
{
    return m_ui->sendingToLabel->text();
}

void MainWindow::updateRecipients()
{
    const QString text = tr("Sending to: %1").arg(m_participants->recipientsText());
    m_ui->sendingToLabel->setText(text);
    m_ui->sendingToLabel->setAccessibleDescription(text);
    m_ui->sendButton->setAccessibleDescription(text);
}

void MainWindow::updateTransferButtons()
{
    m_ui->cancelUploadsButton->setEnabled(m_transfers->runningCount(TransferInfo::Direction::Upload)
                                          > 0);
    m_ui->cancelDownloadsButton->setEnabled(
        m_transfers->runningCount(TransferInfo::Direction::Download) > 0);
    m_ui->clearFinishedButton->setEnabled(m_transfers->hasFinished());
    bool canRetry = false;
    for (int row : selectedTransferRows()) {
        const auto status = m_transfers->transferAt(row).status;
        canRetry
            |= status == TransferInfo::Status::Failed || status == TransferInfo::Status::Cancelled;
    }
    m_ui->retryButton->setEnabled(canRetry && m_room->isConnected());
}

void MainWindow::updateFilesStack()
{
    m_ui->filesStack->setCurrentWidget(
        m_files->rowCount() > 0 ? static_cast<QWidget *>(m_ui->filesView) : m_ui->emptyFilesLabel);
}

void MainWindow::notifyFileAvailable(const FileInfo &file)
{
    // Names others chose: bidi tricks and invisible characters shown, not obeyed.
    const QString sender = PeerText::shown(file.sender);
    const QString name = PeerText::shown(file.name);
    QString text = file.broadcast
        ? tr("%1 shared “%2” (%3).").arg(sender, name, Format::size(file.size))
        : tr("%1 sent you “%2” (%3).").arg(sender, name, Format::size(file.size));
    if (file.isInFolder()) {
        // A folder is told once, with its first entry, not once per file.
        if (m_room->folderFiles(file.folderKey()).size() > 1) {
            updateTitle();
            return;
        }
        text = tr("%1 is sharing the folder “%2” (%3 files and folders).")
                   .arg(sender, PeerText::shown(file.folderName()))
                   .arg(file.groupSize);
    }
    showMessage(text);
    updateTitle();
    if (!m_settings->notificationsEnabled() || isActiveWindow())
        return;
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Roomshare"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->show();
    }
    m_tray->showMessage(tr("New file in %1").arg(PeerText::shown(m_room->roomName())), text,
                        QSystemTrayIcon::Information);
}

void MainWindow::onTransferFinished(const TransferInfo &info)
{
    updateTransferButtons();
    switch (info.status) {
    case TransferInfo::Status::Completed:
        if (info.direction == TransferInfo::Direction::Download)
            showMessage(tr("Downloaded “%1”.").arg(fileNameOf(info.localPath)));
        else
            showMessage(tr("Sent “%1”.").arg(PeerText::shown(info.name)));
        break;
    case TransferInfo::Status::Failed:
        showMessage(
            tr("“%1” failed: %2").arg(PeerText::shown(info.name), Format::transferError(info)));
        break;
    case TransferInfo::Status::Cancelled:
    case TransferInfo::Status::Pending:
    case TransferInfo::Status::Running:
        break;
    }
}

QStringList MainWindow::localFiles(const QMimeData *mime, bool *hasFolders) const
{
    QStringList paths;
    *hasFolders = false;
    if (!mime || !mime->hasUrls())
        return paths;
    const QList<QUrl> urls = mime->urls();
    for (const QUrl &url : urls) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        if (QFileInfo(path).isDir())
            *hasFolders = true;
        paths.append(path);
    }
    return paths;
}

bool MainWindow::sendFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return false;
    QStringList files;
    QStringList folders;
    QStringList missing;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir() && info.isReadable())
            folders.append(info.absoluteFilePath());
        else if (!info.isFile() || !info.isReadable())
            missing.append(info.fileName());
        else
            files.append(info.absoluteFilePath());
    }
    if (!missing.isEmpty()) {
        showMessage(tr("Can't read %1.").arg(missing.join(tr(", "))));
        return false;
    }
    if (!m_room->isConnected()) {
        showMessage(tr("You are not connected to the room; nothing was sent."));
        return false;
    }
    QPointer<MainWindow> self(this);
    // "Once per person": everyone present but you for a send to everyone, else the ticked.
    int recipients = int(m_participants->selectedClientIds().size());
    if (m_participants->isBroadcast()) {
        const auto people = m_room->participants();
        recipients
            = int(std::count_if(people.cbegin(), people.cend(), [this](const Participant &p) {
                  return p.clientId != m_room->clientId();
              }));
    }
    const QList<qint64> ids = m_room->sendFiles(
        files + folders, m_sendLimits->apply(m_participants->sendOptions(), recipients),
        [self](const QJsonObject &result) {
            const int code = result.value(QStringLiteral("result")).toInt();
            if (!self || code == 0)
                return;
            // Per-file failures also show in the transfers list; this catches refusals.
            self->showMessage(
                Format::error(ErrorCode(code), result.value(QStringLiteral("desc")).toString()));
        });
    if (ids.isEmpty())
        return false;
    if (!folders.isEmpty()) {
        showMessage(folders.size() == 1 && files.isEmpty()
                        ? tr("Sending the folder “%1” to %2.")
                              .arg(fileNameOf(folders.first()), m_participants->recipientsText())
                        : tr("Sending %1 files and folders to %2.")
                              .arg(ids.size())
                              .arg(m_participants->recipientsText()));
        return true;
    }
    showMessage(files.size() == 1
                    ? tr("Sending “%1” to %2.")
                          .arg(fileNameOf(files.first()), m_participants->recipientsText())
                    : tr("Sending %1 files to %2.")
                          .arg(files.size())
                          .arg(m_participants->recipientsText()));
    return true;
}

void MainWindow::downloadFile(qint64 fileIndex, bool askFolder)
{
    const FileInfo file = m_room->file(fileIndex);
    if (!file.isValid()) {
        showMessage(tr("That file is no longer available."));
        return;
    }
    QString dir = m_settings->downloadFolder();
    if (askFolder || m_settings->askWhereToSave()) {
        dir = QFileDialog::getExistingDirectory(this, tr("Save “%1” in").arg(file.name), dir);
        if (dir.isEmpty())
            return;
    }
    if (!QDir().mkpath(dir)) {
        showMessage(tr("Can't create the download folder %1.").arg(QDir::toNativeSeparators(dir)));
        return;
    }
    QPointer<MainWindow> self(this);
    const QString sender = file.sender;
    const qint64 id = m_room->recvFiles(
        fileIndex, QJsonObject{ { QStringLiteral("saveDir"), dir } },
        [self, sender](const QJsonObject &result) {
            const int code = result.value(QStringLiteral("result")).toInt();
            if (!self || code == 0)
                return;
            const auto error = ErrorCode(code);
            if (error == ErrorCode::FileNotAvailable || error == ErrorCode::FileWithdrawn)
                self->showMessage(
                    tr("%1's file is no longer available.").arg(PeerText::shown(sender)));
        });
    if (id < 0)
        showMessage(Format::error(m_room->lastError(), m_room->lastErrorText()));
}

void MainWindow::activateFile(const QModelIndex &proxyIndex)
{
    const QModelIndex source = m_filesProxy->mapToSource(proxyIndex);
    if (!source.isValid())
        return;
    const auto state
        = AvailableFilesModel::LocalState(source.data(AvailableFilesModel::LocalStateRole).toInt());
    if (state == AvailableFilesModel::LocalState::Downloading)
        return;
    const QString folderKey = source.data(AvailableFilesModel::FolderKeyRole).toString();
    if (!folderKey.isEmpty())
        return downloadFolder(folderKey);
    downloadFile(source.data(AvailableFilesModel::FileIndexRole).toLongLong());
}

QList<qint64> MainWindow::selectedFileIndexes() const
{
    QList<qint64> indexes;
    const QModelIndexList rows = m_ui->filesView->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        indexes.append(row.data(AvailableFilesModel::FileIndexRole).toLongLong());
    return indexes;
}

void MainWindow::showFilesMenu(const QPoint &pos)
{
    const QModelIndex proxyIndex = m_ui->filesView->indexAt(pos);
    if (!proxyIndex.isValid())
        return;
    const QModelIndex source = m_filesProxy->mapToSource(proxyIndex);
    const qint64 fileIndex = source.data(AvailableFilesModel::FileIndexRole).toLongLong();
    const QString localPath = source.data(AvailableFilesModel::LocalPathRole).toString();
    const bool downloaded = !localPath.isEmpty() && QFileInfo::exists(localPath);

    QMenu menu(this);
    QAction *download
        = menu.addAction(QIcon(QStringLiteral(":/icons/download.svg")), tr("&Download"));
    QAction *downloadTo = menu.addAction(tr("Download &To…"));
    menu.addSeparator();
    QAction *open = menu.addAction(tr("&Open"));
    QAction *showInFolder
        = menu.addAction(QIcon(QStringLiteral(":/icons/folder.svg")), tr("Show in &Folder"));
    open->setEnabled(downloaded);
    showInFolder->setEnabled(downloaded);
    menu.setDefaultAction(download);
    const QString folderKey = source.data(AvailableFilesModel::FolderKeyRole).toString();
    // Removing one entry of a folder row would look like removing the folder: not offered
    // for folders (roomshare-cli remove-file removes entries one by one).
    if (folderKey.isEmpty())
        m_meeting->addFileActions(
            &menu, fileIndex,
            source.data(AvailableFilesModel::FileInfoRole).value<FileInfo>().name);
    QAction *chosen = menu.exec(m_ui->filesView->viewport()->mapToGlobal(pos));
    if (chosen == download && !folderKey.isEmpty())
        downloadFolder(folderKey);
    else if (chosen == downloadTo && !folderKey.isEmpty())
        downloadFolder(folderKey, true);
    else if (chosen == download)
        downloadFile(fileIndex);
    else if (chosen == downloadTo)
        downloadFile(fileIndex, true);
    else if (chosen == open)
        openReceivedFile(localPath);
    else if (chosen == showInFolder)
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(localPath).absolutePath()));
}

void MainWindow::openReceivedFile(const QString &localPath)
{
    // A received program (or script, or shortcut) runs when "opened": ask first, default No.
    if (PeerText::isRiskyToOpen(localPath)) {
        const auto answer = QMessageBox::warning(
            this, tr("Open a program?"),
            tr("“%1” is a program or script: opening it runs it with your permissions. Only "
               "open it if you trust whoever sent it and expected it.\n\nOpen it anyway?")
                .arg(PeerText::shown(QFileInfo(localPath).fileName())),
            QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Open)
            return;
    }
    QDesktopServices::openUrl(QUrl::fromLocalFile(localPath));
}

QList<int> MainWindow::selectedTransferRows() const
{
    QList<int> rows;
    const QModelIndexList selected = m_ui->transfersView->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(index.row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

void MainWindow::cancelTransferAt(int row)
{
    const TransferInfo info = m_transfers->transferAt(row);
    if (info.isFinished() || info.id <= 0)
        return;
    if (!info.group.isEmpty())
        return cancelFolderTransfer(info);
    if (info.direction == TransferInfo::Direction::Upload)
        m_room->cancelUploads(info.id, false);
    else
        m_room->cancelDownloads(info.id, false);
}

void MainWindow::retryTransferAt(int row)
{
    const TransferInfo info = m_transfers->transferAt(row);
    if (info.status != TransferInfo::Status::Failed
        && info.status != TransferInfo::Status::Cancelled)
        return;
    if (!info.group.isEmpty())
        return retryFolderTransfer(info);
    if (info.direction == TransferInfo::Direction::Upload) {
        QJsonObject options{ { QStringLiteral("broadcast"), info.broadcast } };
        if (!info.broadcast)
            options.insert(QStringLiteral("clientList"),
                           QJsonArray::fromStringList(info.recipients));
        if (m_room->sendFiles({ info.localPath }, options).isEmpty())
            return;
    } else {
        if (!m_room->file(info.fileIndex).isValid()) {
            showMessage(
                tr("%1's file is no longer available.").arg(PeerText::shown(info.peerName)));
            return;
        }
        downloadFile(info.fileIndex);
    }
    m_transfers->removeTransfer(info.direction, info.id);
}

void MainWindow::showTransfersMenu(const QPoint &pos)
{
    const QModelIndex index = m_ui->transfersView->indexAt(pos);
    if (!index.isValid())
        return;
    const TransferInfo info = m_transfers->transferAt(index.row());
    QMenu menu(this);
    QAction *cancel = menu.addAction(QIcon(QStringLiteral(":/icons/cancel.svg")), tr("&Cancel"));
    QAction *retry = menu.addAction(QIcon(QStringLiteral(":/icons/retry.svg")), tr("&Retry"));
    QAction *open = menu.addAction(tr("&Open"));
    QAction *showInFolder = menu.addAction(tr("Show in &Folder"));
    QAction *remove = menu.addAction(tr("Remove from &List"));
    const bool failed = info.status == TransferInfo::Status::Failed
        || info.status == TransferInfo::Status::Cancelled;
    const bool haveFile
        = info.status == TransferInfo::Status::Completed && !info.localPath.isEmpty();
    cancel->setEnabled(!info.isFinished());
    retry->setEnabled(failed && m_room->isConnected());
    open->setEnabled(haveFile);
    showInFolder->setEnabled(haveFile);
    remove->setEnabled(info.isFinished());
    if (failed)
        menu.setDefaultAction(retry);
    QAction *chosen = menu.exec(m_ui->transfersView->viewport()->mapToGlobal(pos));
    if (chosen == cancel)
        cancelTransferAt(index.row());
    else if (chosen == retry)
        retryTransferAt(index.row());
    else if (chosen == open)
        openReceivedFile(info.localPath);
    else if (chosen == showInFolder)
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(info.localPath).absolutePath()));
    else if (chosen == remove)
        m_transfers->removeTransfer(info.direction, info.id);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_ui->transfersView && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Delete) {
            for (int row : selectedTransferRows())
                cancelTransferAt(row);
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::chooseAndSendFiles()
{
    if (!m_room->isConnected()) {
        showMessage(tr("You are not connected to the room."));
        return;
    }
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Send Files to %1").arg(m_participants->recipientsText()));
    sendFiles(paths);
}

void MainWindow::pasteFiles()
{
    bool hasFolders = false;
    const QStringList paths = localFiles(QGuiApplication::clipboard()->mimeData(), &hasFolders);
    if (paths.isEmpty()) {
        showMessage(tr("The clipboard holds no files to send."));
        return;
    }
    sendFiles(paths);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, this);
    dialog.exec();
}

void MainWindow::showDropOverlayFor(const QMimeData *mime)
{
    bool hasFolders = false;
    const QStringList paths = localFiles(mime, &hasFolders);
    if (!m_room->isConnected()) {
        m_overlay->showMessage(DropOverlay::Mode::Refuse, tr("Not connected"),
                               tr("Files can be shared once you are in the room."));
    } else {
        m_overlay->showMessage(DropOverlay::Mode::Accept, dropHeadline(int(paths.size())),
                               m_participants->isBroadcast()
                                   ? tr("To everyone in the room")
                                   : tr("Only to %1").arg(m_participants->recipientsText()));
    }
}

void MainWindow::showDropPreview(int fileCount)
{
    m_overlay->showMessage(DropOverlay::Mode::Accept, dropHeadline(fileCount),
                           m_participants->isBroadcast()
                               ? tr("To everyone in the room")
                               : tr("Only to %1").arg(m_participants->recipientsText()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    bool hasFolders = false;
    if (localFiles(event->mimeData(), &hasFolders).isEmpty()) {
        event->ignore();
        return;
    }
    // Accepted even for folders so the overlay can say why the drop will be refused.
    event->acceptProposedAction();
    showDropOverlayFor(event->mimeData());
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    event->acceptProposedAction();
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_overlay->hide();
    event->accept();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    m_overlay->hide();
    bool hasFolders = false;
    const QStringList paths = localFiles(event->mimeData(), &hasFolders);
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    sendFiles(paths);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::ActivationChange)
        updateTitle();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_leaving = true;
    m_reconnector->stop();
    m_room->disconnectFromRoom();
    if (m_tray)
        m_tray->hide();
    event->accept();
}

} // namespace Roomshare::Gui
