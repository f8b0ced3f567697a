#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHostAddress>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include "availablefilesmodel.h"
#include "dropoverlay.h"
#include "faultproxy.h"
#include "guilogging.h"
#include "hostaddresses.h"
#include "invite.h"
#include "mainwindow.h"
#include "meetingcontrols.h"
#include "myfilesmodel.h"
#include "participantsmodel.h"
#include "protocol.h"
#include "qrcodewidget.h"
#include "room.h"
#include "roomhost.h"
#include "sendlimits.h"
#include "settings.h"
#include "sharedbyyoupanel.h"
#include "testutil.h"
#include "transferdelegate.h"
#include "transfermodel.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

//! Every test runs a real RoomServer on 127.0.0.1:0, the window as Alice (moderator) and
//! real Room clients for Bob and Carol.
class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void dropSendsToPickedRecipients();
    void dropSharesFolder();
    void folderFromOthersAndCancel();
    void pickerChoiceReachesServer();
    void clickingCancelButtonCancelsUpload();
    void doubleClickDownloadsByteIdentical();
    void roomHostInvitesWork();
    void roomHostKeepsLinksAcrossRestarts();
    void reconnectsAfterDrop();
    void openLinkSwitchesRoomAfterAsking();
    void moderatorRemovesParticipantAndFile();
    void moderatorLocksRoom();
    void sendLimitsEndOfDay();
    void sendLimitsReachTheServer();
    void sharedByYouAcrossRestartAndWithdraw();
    void sharedByYouShowsReceipts();

private:
    //! Room "room-N" of a fresh server, the window joined as Alice, Bob and Carol joined.
    void setUpRoom();
    int participantRow(const QString &clientId) const;
    void check(const QString &clientId, bool checked);
    //! Sends a broadcast marker from the window and waits until \a room saw it, so every
    //! earlier announcement to \a room has arrived too.
    void syncWith(Room *room);
    QString makeFile(const QString &name, qint64 size);

    QTemporaryDir m_files;
    QTemporaryDir m_config;
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<Server::RoomServer> m_server;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Room> m_bob;
    std::unique_ptr<Room> m_carol;
    std::unique_ptr<QAbstractItemModelTester> m_testers[3];
    int m_roomCounter = 0;
    int m_markerCounter = 0;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_files.isValid());
    QVERIFY(m_config.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RoomshareTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
    initResources();
}

void TestMainWindow::init()
{
    m_data = std::make_unique<QTemporaryDir>();
    QString error;
    m_server = TestUtil::startServer(m_data->path(), 0, &error);
    QVERIFY2(m_server, qPrintable(error));
    Settings settings;
    settings.setDownloadFolder(m_files.filePath(QStringLiteral("downloads")));
    settings.setAskWhereToSave(false);
    settings.setNotificationsEnabled(false);
}

void TestMainWindow::cleanup()
{
    for (auto &tester : m_testers)
        tester.reset();
    m_window.reset();
    m_bob.reset();
    m_carol.reset();
    m_server.reset();
    m_data.reset();
}

void TestMainWindow::setUpRoom()
{
    const QString roomName = QStringLiteral("room-%1").arg(++m_roomCounter);
    m_window = std::make_unique<MainWindow>();
    m_testers[0] = std::make_unique<QAbstractItemModelTester>(
        m_window->participantsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_testers[1] = std::make_unique<QAbstractItemModelTester>(
        m_window->availableFilesModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_testers[2] = std::make_unique<QAbstractItemModelTester>(
        m_window->transferModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy windowConnected(m_window->room(), &Room::connected);
    QVERIFY(m_window->joinRoom(TestUtil::invite(m_server->url(), roomName, QStringLiteral("Alice"),
                                                QStringLiteral("moderator")),
                               QString()));
    QTRY_COMPARE_WITH_TIMEOUT(windowConnected.count(), 1, 5000);

    m_bob = std::make_unique<Room>();
    m_carol = std::make_unique<Room>();
    QSignalSpy bobConnected(m_bob.get(), &Room::connected);
    QSignalSpy carolConnected(m_carol.get(), &Room::connected);
    QVERIFY(
        m_bob->connectToRoom(TestUtil::invite(m_server->url(), roomName, QStringLiteral("Bob"))));
    QVERIFY(m_carol->connectToRoom(
        TestUtil::invite(m_server->url(), roomName, QStringLiteral("Carol"))));
    QTRY_COMPARE_WITH_TIMEOUT(bobConnected.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(carolConnected.count(), 1, 5000);
    // Everyone + Alice + Bob + Carol
    QTRY_COMPARE_WITH_TIMEOUT(m_window->participantsModel()->rowCount(), 4, 5000);
    QVERIFY(m_window->connectionText().contains(QStringLiteral("Connected")));
}

int TestMainWindow::participantRow(const QString &clientId) const
{
    const ParticipantsModel *model = m_window->participantsModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row).data(ParticipantsModel::ClientIdRole).toString() == clientId)
            return row;
    }
    return -1;
}

void TestMainWindow::check(const QString &clientId, bool checked)
{
    // Through the view's model, as a click on the checkbox would.
    auto *view = m_window->findChild<QAbstractItemView *>(QStringLiteral("participantsView"));
    QVERIFY(view);
    const int row = participantRow(clientId);
    QVERIFY(row > 0);
    QVERIFY(view->model()->setData(view->model()->index(row, 0),
                                   checked ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole));
}

QString TestMainWindow::makeFile(const QString &name, qint64 size)
{
    return TestUtil::makeFile(m_files.path(), name, size);
}

void TestMainWindow::syncWith(Room *room)
{
    const QString marker = QStringLiteral("marker-%1.txt").arg(++m_markerCounter);
    QSignalSpy seen(room, &Room::fileAvailable);
    // A separate client sends the marker so the window's recipient choice stays untouched.
    Room sender;
    QSignalSpy connected(&sender, &Room::connected);
    QVERIFY(sender.connectToRoom(
        TestUtil::invite(m_server->url(), m_window->room()->roomName(), QStringLiteral("Marker"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 5000);
    QVERIFY(!sender.sendFiles({ makeFile(marker, 16) }, { { QStringLiteral("broadcast"), true } })
                 .isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(seen.cbegin(), seen.cend(),
                                         [&marker](const QList<QVariant> &args) {
                                             return args.at(0).value<FileInfo>().name == marker;
                                         }),
                             5000);
}

static QStringList namesOf(const QList<FileInfo> &files)
{
    QStringList names;
    for (const FileInfo &f : files)
        names << f.name;
    return names;
}

void TestMainWindow::dropSendsToPickedRecipients()
{
    setUpRoom();
    check(m_bob->clientId(), true);
    QCOMPARE(m_window->sendingToText(), QStringLiteral("Sending to: Bob"));

    const QString first = makeFile(QStringLiteral("dropped one.pdf"), 70000);
    const QString second = makeFile(QStringLiteral("dropped-two.png"), 1234);
    QMimeData mime;
    mime.setUrls({ QUrl::fromLocalFile(first), QUrl::fromLocalFile(second) });
    QSignalSpy bobSaw(m_bob.get(), &Room::fileAvailable);
    QSignalSpy carolSaw(m_carol.get(), &Room::fileAvailable);

    const QPoint pos = m_window->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QVERIFY(m_window->dropOverlay()->isVisible());
    QCOMPARE(m_window->dropOverlay()->mode(), DropOverlay::Mode::Accept);
    QVERIFY(m_window->dropOverlay()->detail().contains(QStringLiteral("Bob")));
    QVERIFY(m_window->dropOverlay()->headline().contains(QStringLiteral("2")));

    QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QVERIFY(drop.isAccepted());
    QVERIFY(!m_window->dropOverlay()->isVisible());

    QTRY_COMPARE_WITH_TIMEOUT(bobSaw.count(), 2, 10000);
    QStringList names = namesOf(m_bob->availableFileList());
    names.sort();
    QCOMPARE(names,
             QStringList({ QStringLiteral("dropped one.pdf"), QStringLiteral("dropped-two.png") }));
    QCOMPARE(m_bob->availableFileList().first().broadcast, false);
    QCOMPARE(m_window->transferModel()->rowCount(), 2);

    syncWith(m_carol.get());
    QCOMPARE(namesOf(m_carol->availableFileList()),
             QStringList{ QStringLiteral("marker-%1.txt").arg(m_markerCounter) });
}

// Issue 12: a dropped folder is shared with its tree, as one row of the transfers view.
void TestMainWindow::dropSharesFolder()
{
    setUpRoom();
    const QString root = m_files.filePath(QStringLiteral("Dropped Folder"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/inner/deeper")));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/empty")));
    for (const QString &dir : QStringList{ root, root + QStringLiteral("/inner"),
                                           root + QStringLiteral("/inner/deeper") }) {
        QVERIFY(!TestUtil::makeFile(dir, QStringLiteral("a.txt"), 300).isEmpty());
        QVERIFY(!TestUtil::makeFile(dir, QStringLiteral("b.bin"), 5000).isEmpty());
    }
    QMimeData mime;
    mime.setUrls({ QUrl::fromLocalFile(root) });
    const QPoint pos = m_window->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QCOMPARE(m_window->dropOverlay()->mode(), DropOverlay::Mode::Accept);
    QSignalSpy finished(m_window->transferModel(), &TransferModel::transferFinished);
    QDropEvent drop(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QVERIFY(drop.isAccepted());
    QCOMPARE(m_window->transferModel()->rowCount(), 1);
    QCOMPARE(m_window->transferModel()
                 ->index(0, TransferModel::NameColumn)
                 .data(TransferModel::EntryCountRole)
                 .toInt(),
             7);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(m_window->transferModel()->transferAt(0).status, TransferInfo::Status::Completed);
    QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("Dropped Folder")));
    QTRY_COMPARE_WITH_TIMEOUT(m_bob->availableFileList().size(), 7, 10000);
    const QString key = m_bob->availableFileList().first().folderKey();
    QCOMPARE(m_bob->folderFiles(key).size(), 7);
    for (const FileInfo &f : m_bob->availableFileList())
        QVERIFY2(f.path.startsWith(QStringLiteral("Dropped Folder")), qPrintable(f.path));
}

// A folder Bob sends is one row of the window's files; downloading the row recreates the
// tree. Cancelling a folder being sent (Delete on its row) withdraws what was announced.
void TestMainWindow::folderFromOthersAndCancel()
{
    setUpRoom();
    const QString bobRoot = m_files.filePath(QStringLiteral("bob-src/From Bob"));
    QVERIFY(QDir().mkpath(bobRoot + QStringLiteral("/sub")));
    QVERIFY(!TestUtil::makeFile(bobRoot, QStringLiteral("one.txt"), 10).isEmpty());
    QVERIFY(!TestUtil::makeFile(bobRoot + QStringLiteral("/sub"), QStringLiteral("two.txt"), 20)
                 .isEmpty());
    QCOMPARE(m_bob->sendFiles({ bobRoot }).size(), 2);
    AvailableFilesModel *files = m_window->availableFilesModel();
    QTRY_VERIFY_WITH_TIMEOUT(
        files->rowCount() == 1
            && files->index(0, 0).data(AvailableFilesModel::EntryCountRole).toInt() == 2,
        10000);
    QVERIFY(files->index(0, 0).data().toString().contains(QStringLiteral("From Bob")));
    QSignalSpy finished(m_window->transferModel(), &TransferModel::transferFinished);
    m_window->downloadFolder(
        files->index(0, 0).data(AvailableFilesModel::FolderKeyRole).toString());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(m_window->transferModel()->rowCount(), 1);
    const QString saved = m_files.filePath(QStringLiteral("downloads/From Bob"));
    QCOMPARE(m_window->transferModel()->transferAt(0).localPath, saved);
    QCOMPARE(TestUtil::sha256Of(saved + QStringLiteral("/sub/two.txt")),
             TestUtil::sha256Of(bobRoot + QStringLiteral("/sub/two.txt")));
    QTRY_COMPARE_WITH_TIMEOUT(files->index(0, AvailableFilesModel::StateColumn).data().toString(),
                              QStringLiteral("Downloaded"), 5000);

    // Cancel: a folder whose large entry is still on its way when some small ones are in.
    const QString root = m_files.filePath(QStringLiteral("Big Folder"));
    QVERIFY(QDir().mkpath(root));
    for (int i = 0; i < 6; ++i)
        QVERIFY(!TestUtil::makeFile(root, QStringLiteral("s%1").arg(i), 100).isEmpty());
    QVERIFY(!TestUtil::makeFile(root, QStringLiteral("zz-large.bin"), 96 << 20).isEmpty());
    QSignalSpy bobSaw(m_bob.get(), &Room::fileAvailable);
    QVERIFY(m_window->sendFiles({ root }));
    const int row = m_window->transferModel()->rowCount() - 1;
    QTRY_VERIFY_WITH_TIMEOUT(bobSaw.count() >= 1, 10000);
    QVERIFY(!m_window->transferModel()->transferAt(row).isFinished());
    auto *view = m_window->findChild<QAbstractItemView *>(QStringLiteral("transfersView"));
    QVERIFY(view);
    view->setFocus();
    view->selectionModel()->select(view->model()->index(row, 0),
                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QTest::keyClick(view, Qt::Key_Delete);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->transferModel()->transferAt(row).status,
                              TransferInfo::Status::Cancelled, 10000);
    // Nothing of it stays announced, for Bob or for someone joining now.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::none_of(m_bob->availableFileList().cbegin(), m_bob->availableFileList().cend(),
                     [](const FileInfo &f) { return f.path == QLatin1String("Big Folder"); }),
        10000);
    syncWith(m_carol.get());
    for (const FileInfo &f : m_carol->availableFileList())
        QVERIFY(f.path != QLatin1String("Big Folder"));
}

void TestMainWindow::pickerChoiceReachesServer()
{
    setUpRoom();
    // Carol only, chosen in the picker; the files arrive by paste (Ctrl+V).
    check(m_carol->clientId(), true);
    check(m_bob->clientId(), true);
    check(m_bob->clientId(), false);
    QCOMPARE(m_window->sendingToText(), QStringLiteral("Sending to: Carol"));
    QVERIFY(!m_window->participantsModel()->isBroadcast());

    auto *mime = new QMimeData;
    mime->setUrls({ QUrl::fromLocalFile(makeFile(QStringLiteral("for carol.txt"), 5000)) });
    QGuiApplication::clipboard()->setMimeData(mime);
    QSignalSpy carolSaw(m_carol.get(), &Room::fileAvailable);
    auto *paste = m_window->findChild<QAction *>(QStringLiteral("actionPasteFiles"));
    QVERIFY(paste);
    QCOMPARE(paste->shortcut(), QKeySequence(QKeySequence::Paste));
    m_window->activateWindow();
    if (QTest::qWaitForWindowActive(m_window.get(), 2000))
        QTest::keyClick(m_window.get(), Qt::Key_V, Qt::ControlModifier);
    else
        paste->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(carolSaw.count(), 1, 10000);
    const FileInfo file = carolSaw.at(0).at(0).value<FileInfo>();
    QCOMPARE(file.name, QStringLiteral("for carol.txt"));
    QCOMPARE(file.broadcast, false);
    QCOMPARE(file.sender, QStringLiteral("Alice"));

    syncWith(m_bob.get());
    QCOMPARE(namesOf(m_bob->availableFileList()),
             QStringList{ QStringLiteral("marker-%1.txt").arg(m_markerCounter) });
    // The server agrees: Bob asking for Carol's file by index gets "not available".
    QSignalSpy refused(m_bob.get(), &Room::fsDownloadResult);
    QJsonObject result;
    m_bob->recvFiles(file.index, { { QStringLiteral("saveDir"), m_files.path() } },
                     [&result](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 5000);
    QCOMPARE(result.value(QStringLiteral("result")).toInt(), int(ErrorCode::FileNotAvailable));
}

void TestMainWindow::clickingCancelButtonCancelsUpload()
{
    setUpRoom();
    // Large enough (sparse, so it is cheap to create) to still be running when clicked.
    const QString path = m_files.filePath(QStringLiteral("huge.iso"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(3) << 30));
    }
    QSignalSpy bobSaw(m_bob.get(), &Room::fileAvailable);
    QVERIFY(m_window->sendFiles({ path }));
    TransferModel *model = m_window->transferModel();
    QCOMPARE(model->rowCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, 0).data(TransferModel::StatusRole).toInt(),
                              int(TransferInfo::Status::Running), 5000);
    QCOMPARE(model->index(0, 0).data(TransferModel::TotalBytesRole).toLongLong(), qint64(3) << 30);

    auto *view = m_window->findChild<QTreeView *>(QStringLiteral("transfersView"));
    QVERIFY(view);
    const QRect cell = view->visualRect(model->index(0, TransferModel::ProgressColumn));
    QVERIFY(cell.isValid());
    QSignalSpy cancelRequested(m_window->transferDelegate(), &TransferDelegate::cancelRequested);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      TransferDelegate::cancelButtonRect(cell, view->layoutDirection()).center());
    QCOMPARE(cancelRequested.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, 0).data(TransferModel::StatusRole).toInt(),
                              int(TransferInfo::Status::Cancelled), 5000);
    QVERIFY(model->index(0, 0).data(TransferModel::ProcessedBytesRole).toLongLong()
            < (qint64(3) << 30));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->uploadCount(), 0, 5000);
    QCOMPARE(bobSaw.count(), 0);
    QCOMPARE(m_server->fileCount(), 0);
}

void TestMainWindow::doubleClickDownloadsByteIdentical()
{
    setUpRoom();
    const QString source = makeFile(QStringLiteral("from bob.bin"), 3 * 1024 * 1024 + 17);
    QSignalSpy windowSaw(m_window->room(), &Room::fileAvailable);
    QVERIFY(!m_bob->sendFiles({ source }, { { QStringLiteral("broadcast"), true } }).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(windowSaw.count(), 1, 10000);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("1 new")));

    auto *view = m_window->findChild<QTreeView *>(QStringLiteral("filesView"));
    QVERIFY(view);
    QTRY_VERIFY(view->isVisible());
    QCOMPARE(view->model()->rowCount(), 1);
    const QRect rect = view->visualRect(view->model()->index(0, AvailableFilesModel::NameColumn));
    QVERIFY(rect.isValid());
    // Through the window system, as a real double-click arrives: press, release, press,
    // double-click, release (the QWidget overload sends only the double-click event).
    QTest::mouseDClick(m_window->windowHandle(), Qt::LeftButton, {},
                       view->viewport()->mapTo(m_window.get(), rect.center()));

    AvailableFilesModel *files = m_window->availableFilesModel();
    QTRY_COMPARE_WITH_TIMEOUT(files->index(0, 0).data(AvailableFilesModel::LocalStateRole).toInt(),
                              int(AvailableFilesModel::LocalState::Downloaded), 10000);
    const QString local = files->index(0, 0).data(AvailableFilesModel::LocalPathRole).toString();
    QVERIFY(local.startsWith(m_files.filePath(QStringLiteral("downloads"))));
    QCOMPARE(TestUtil::sha256Of(local), TestUtil::sha256Of(source));
    QFile a(local), b(source);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.readAll() == b.readAll());
    QVERIFY(!m_window->windowTitle().contains(QStringLiteral("new")));
    // A downloaded row drags out as a file URL.
    std::unique_ptr<QMimeData> mime(files->mimeData({ files->index(0, 0) }));
    QVERIFY(mime);
    QCOMPARE(mime->urls().value(0).toLocalFile(), local);
}

void TestMainWindow::roomHostInvitesWork()
{
    RoomHost host;
    host.setDataDir(m_files.filePath(QStringLiteral("host")));
    // Any free port: 7450 may be taken on a test machine.
    host.setPreferredPort(0);
    QString error;
    QVERIFY2(host.start(&error), qPrintable(error));
    const QString participantLink = host.participantInviteLink();
    const auto parsed = InviteLink::parse(participantLink);
    QVERIFY(parsed);
    QVERIFY(Token::peek(parsed->token)->name.isEmpty());

    // On the network by default: the link names every address of this computer others may
    // reach, the default route's first (loopback only on a machine without a network).
    const auto candidates = Server::HostAddresses::candidates(QHostAddress(QHostAddress::Any));
    QCOMPARE(parsed->serverUrls().size(), qMax<qsizetype>(1, candidates.size()));
    if (!candidates.isEmpty()) {
        QCOMPARE(QHostAddress(parsed->host), candidates.first());
        QCOMPARE(QHostAddress(parsed->host), Server::HostAddresses::primary());
    }

    MainWindow window;
    auto *hostPtr = new RoomHost;
    hostPtr->setDataDir(m_files.filePath(QStringLiteral("host2")));
    hostPtr->setReach(RoomHost::Reach::ThisComputer);
    hostPtr->setPreferredPort(0);
    QVERIFY(hostPtr->start());
    window.setHost(hostPtr);
    // TLS by default, pinned to the host's generated certificate; loopback only, as asked.
    QVERIFY(window.inviteLink().startsWith(QStringLiteral("roomshares://127.0.0.1:")));
    QVERIFY(window.inviteLink().contains(QStringLiteral("&fp=")));
    QVERIFY(!window.inviteLink().contains(QStringLiteral("alt=")));
    auto *addresses = window.findChild<QLabel *>(QStringLiteral("inviteAddressesLabel"));
    QVERIFY(addresses);
    QVERIFY2(addresses->text().contains(QStringLiteral("Only this computer")),
             qPrintable(addresses->text()));
    auto *qr = window.findChild<QrCodeWidget *>(QStringLiteral("qrCode"));
    QVERIFY(qr);
    // The QR code carries the web link: the same host, port, room and token.
    QVERIFY(window.webInviteLink().startsWith(QStringLiteral("https://127.0.0.1:")));
    QCOMPARE(qr->text(), window.webInviteLink());
    const auto web = InviteLink::parse(window.webInviteLink());
    QVERIFY(web);
    QCOMPARE(web->token, InviteLink::parse(window.inviteLink())->token);
    QCOMPARE(web->port, InviteLink::parse(window.inviteLink())->port);
    auto *certificate = window.findChild<QLabel *>(QStringLiteral("certificateLabel"));
    QVERIFY(certificate);
    QVERIFY(certificate->text().contains(
        InviteLink::parse(window.inviteLink())->certFingerprint.left(2).toUpper() + u':'));
    QVERIFY(!qr->image().isNull());
    QSignalSpy windowConnected(window.room(), &Room::connected);
    QVERIFY(window.joinRoom(hostPtr->hostInviteLink(QStringLiteral("Host")), QString()));
    QTRY_COMPARE_WITH_TIMEOUT(windowConnected.count(), 1, 5000);
    QCOMPARE(window.room()->role(), QStringLiteral("moderator"));

    Room guest;
    QSignalSpy guestConnected(&guest, &Room::connected);
    QVERIFY(guest.connectToRoom(window.inviteLink(), QStringLiteral("Guest")));
    QTRY_COMPARE_WITH_TIMEOUT(guestConnected.count(), 1, 5000);
    QCOMPARE(guest.displayName(), QStringLiteral("Guest"));
    QTRY_COMPARE_WITH_TIMEOUT(window.participantsModel()->rowCount(), 3, 5000);
}

void TestMainWindow::roomHostKeepsLinksAcrossRestarts()
{
    const QString dir = m_files.filePath(QStringLiteral("host-restart"));
    QString link;
    quint16 port = 0;
    {
        RoomHost host;
        host.setDataDir(dir);
        host.setPreferredPort(0);
        QVERIFY(host.start());
        port = host.port();
        link = host.participantInviteLink();
        // While it runs, a second host preferring the same port takes the next one.
        RoomHost other;
        other.setDataDir(m_files.filePath(QStringLiteral("host-other")));
        other.setPreferredPort(port);
        QVERIFY(other.start());
        QVERIFY(other.port() != port);
    }
    RoomHost again;
    again.setDataDir(dir);
    again.setPreferredPort(port);
    QVERIFY(again.start());
    QCOMPARE(again.port(), port);
    // The link given out before the restart still gets in: same port, secret and certificate.
    Room guest;
    QSignalSpy connected(&guest, &Room::connected);
    QVERIFY(guest.connectToRoom(link, QStringLiteral("Guest")));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 5000);
}

void TestMainWindow::reconnectsAfterDrop()
{
    setUpRoom();
    const quint16 port = m_server->port();
    QSignalSpy dropped(m_window->room(), &Room::disconnected);
    QSignalSpy reconnected(m_window->room(), &Room::connected);
    // Bob and Carol just go away (the core would otherwise bring them back too).
    m_bob->setReconnectWindow(0);
    m_carol->setReconnectWindow(0);
    m_server.reset();
    // The core reconnects by itself now: the room waits in Reconnecting, it is not dropped.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->room()->state(), Room::State::Reconnecting, 5000);
    QCOMPARE(dropped.count(), 0);
    // ... and the window says so.
    QVERIFY2(m_window->connectionText().contains(QStringLiteral("reconnecting")),
             qPrintable(m_window->connectionText()));

    // The same server comes back on the same port before the first retry (1 s).
    Server::ServerOptions options;
    options.dataDir = m_data->path();
    options.secret = TestUtil::testSecret();
    options.port = port;
    // Bob and Carol stay members for the grace period after the restart (tst_crash); a
    // short one lets the list settle quickly.
    options.sessionGraceMs = 1000;
    m_server = std::make_unique<Server::RoomServer>(options);
    QVERIFY(m_server->listen());
    QTRY_COMPARE_WITH_TIMEOUT(reconnected.count(), 1, 8000);
    QVERIFY(m_window->connectionText().startsWith(QStringLiteral("Connected")));
    // Everyone + Alice, once the two who did not come back have left.
    QTRY_COMPARE_WITH_TIMEOUT(m_window->participantsModel()->rowCount(), 2, 10000);
}

// A link handed over by a second start (SingleInstance): malformed ones are explained and
// change nothing; with transfers running the window asks before leaving the room.
void TestMainWindow::openLinkSwitchesRoomAfterAsking()
{
    setUpRoom();
    const QString firstRoom = m_window->room()->roomName();
    QSignalSpy left(m_window->room(), &Room::disconnected);

    m_window->openLink(QStringLiteral("roomshare://[broken"));
    QMessageBox *bad = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (bad = m_window->findChild<QMessageBox *>(QStringLiteral("badLinkMessage"))), 2000);
    QTRY_VERIFY_WITH_TIMEOUT(bad->isVisible(), 2000);
    QVERIFY(bad->text().contains(QStringLiteral("cannot be opened")));
    bad->button(QMessageBox::Ok)->click();
    QCOMPARE(left.count(), 0);
    QVERIFY(m_window->room()->isConnected());

    // A running upload (sparse, cheap to create, too large to finish here).
    const QString path = m_files.filePath(QStringLiteral("huge.iso"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(3) << 30));
    }
    QVERIFY(m_window->sendFiles({ path }));
    TransferModel *model = m_window->transferModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, 0).data(TransferModel::StatusRole).toInt(),
                              int(TransferInfo::Status::Running), 5000);

    const QString other
        = TestUtil::invite(m_server->url(), QStringLiteral("other"), QStringLiteral("Alice"));
    m_window->openLink(other);
    QMessageBox *question = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (question = m_window->findChild<QMessageBox *>(QStringLiteral("switchRoomQuestion"))),
        2000);
    QVERIFY(question->text().contains(QStringLiteral("1 transfer")));
    question->button(QMessageBox::No)->click();
    QTest::qWait(100);
    QCOMPARE(left.count(), 0);
    QCOMPARE(m_window->room()->roomName(), firstRoom);
    QCOMPARE(model->index(0, 0).data(TransferModel::StatusRole).toInt(),
             int(TransferInfo::Status::Running));

    m_window->openLink(other);
    QTRY_VERIFY_WITH_TIMEOUT(
        (question = m_window->findChild<QMessageBox *>(QStringLiteral("switchRoomQuestion"))),
        2000);
    QSignalSpy joined(m_window->room(), &Room::connected);
    question->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(joined.count(), 1, 5000);
    QCOMPARE(m_window->room()->roomName(), QStringLiteral("other"));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->uploadCount(), 0, 5000);
    QCOMPARE(m_server->fileCount(), 0);
}

void TestMainWindow::moderatorRemovesParticipantAndFile()
{
    setUpRoom();
    MeetingControls *controls = m_window->meetingControls();
    QVERIFY(controls->isModerator());
    QStringList questions;
    bool answer = false;
    controls->setConfirm([&](const QString &, const QString &question) {
        questions << question;
        return answer;
    });

    // A file Carol sent, removed for everyone from the window.
    QSignalSpy windowFiles(m_window->room(), &Room::fileAvailable);
    QVERIFY(!m_carol->sendFiles({ makeFile(QStringLiteral("agenda.txt"), 100) }).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(windowFiles.count(), 1, 5000);
    const FileInfo file = windowFiles.first().first().value<FileInfo>();
    QSignalSpy bobRemoved(m_bob.get(), &Room::fileRemoved);
    answer = false;
    QVERIFY(!controls->removeFile(file.index, file.name));
    QCOMPARE(m_server->fileCount(), 1);
    answer = true;
    QVERIFY(controls->removeFile(file.index, file.name));
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.count(), 1, 5000);
    QCOMPARE(bobRemoved.first().at(0).toLongLong(), file.index);
    QCOMPARE(bobRemoved.first().at(1).toString(), QStringLiteral("removed"));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->availableFilesModel()->rowCount(), 0, 5000);
    QCOMPARE(m_server->fileCount(), 0);

    // Declined: nothing happens.
    answer = false;
    QVERIFY(!controls->removeParticipant(m_bob->clientId(), QStringLiteral("Bob")));
    QCOMPARE(questions.size(), 3);
    QVERIFY(questions.last().contains(QStringLiteral("Bob")));
    QVERIFY(m_bob->isConnected());

    // Confirmed: Bob is told who removed him, and the window's list loses him.
    answer = true;
    QSignalSpy bobGone(m_bob.get(), &Room::disconnected);
    QVERIFY(controls->removeParticipant(m_bob->clientId(), QStringLiteral("Bob")));
    QTRY_COMPARE_WITH_TIMEOUT(bobGone.count(), 1, 5000);
    QCOMPARE(bobGone.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    const QString why = bobGone.first().at(1).toString();
    QVERIFY2(why.contains(QStringLiteral("Alice")) && why.contains(QStringLiteral("removed you")),
             qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->participantsModel()->rowCount(), 3, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->statusBar()->currentMessage().contains(QStringLiteral("Removed Bob")), 5000);
}

void TestMainWindow::moderatorLocksRoom()
{
    setUpRoom();
    QAction *lock = m_window->meetingControls()->lockAction();
    QVERIFY(lock->isEnabled() && lock->isCheckable() && !lock->isChecked());
    QSignalSpy carolLock(m_carol.get(), &Room::lockedChanged);
    lock->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(carolLock.count(), 1, 5000);
    QVERIFY(m_window->room()->isLocked());
    QVERIFY(lock->isChecked());

    Room dave;
    QSignalSpy daveConnected(&dave, &Room::connected);
    QSignalSpy daveGone(&dave, &Room::disconnected);
    QVERIFY(dave.connectToRoom(
        TestUtil::invite(m_server->url(), m_window->room()->roomName(), QStringLiteral("Dave"))));
    QTRY_COMPARE_WITH_TIMEOUT(daveGone.count(), 1, 5000);
    QCOMPARE(daveGone.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY2(daveGone.first().at(1).toString().contains(QStringLiteral("locked")),
             qPrintable(daveGone.first().at(1).toString()));

    lock->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(carolLock.count(), 2, 5000);
    QVERIFY(!m_window->room()->isLocked());
    QVERIFY(!lock->isChecked());
    QVERIFY(dave.connectToRoom(
        TestUtil::invite(m_server->url(), m_window->room()->roomName(), QStringLiteral("Dave"))));
    QTRY_COMPARE_WITH_TIMEOUT(daveConnected.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->participantsModel()->rowCount(), 5, 5000);
}

// "Shared by you": the window's own files with recipients and counts, still listed after a
// server restart; Withdraw removes one for Bob and Carol and ends Dave's download (held in
// flight by a proxy) with 1193; Copy Name puts the name on the clipboard.
void TestMainWindow::sharedByYouAcrossRestartAndWithdraw()
{
    setUpRoom();
    SharedByYouPanel *panel = m_window->sharedByYouPanel();
    MyFilesModel *model = panel->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Room *room = m_window->room();
    QSignalSpy completed(room, &Room::fsUploadResult);
    QVERIFY(!room->sendFiles({ makeFile(QStringLiteral("big.bin"), 3 * Protocol::DownloadWindow) },
                             { { QStringLiteral("broadcast"), true } })
                 .isEmpty());
    QVERIFY(!room->sendFiles({ makeFile(QStringLiteral("notes.txt"), 300) },
                             { { QStringLiteral("broadcast"), false },
                               { QStringLiteral("clientList"), QJsonArray{ m_bob->clientId() } } })
                 .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
    const auto rowNamed = [model](const QString &name) {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, 0).data(MyFilesModel::FileNameRole).toString() == name)
                return r;
        }
        return -1;
    };
    const int notesRow = rowNamed(QStringLiteral("notes.txt"));
    QVERIFY(notesRow >= 0 && rowNamed(QStringLiteral("big.bin")) >= 0);
    QCOMPARE(model->index(notesRow, MyFilesModel::RecipientsColumn).data().toString(),
             QStringLiteral("Bob"));
    QCOMPARE(model->index(1 - notesRow, MyFilesModel::RecipientsColumn).data().toString(),
             QStringLiteral("Everyone"));
    QCOMPARE(model->index(notesRow, MyFilesModel::DownloadsColumn).data().toLongLong(), 0);
    const qint64 bigIndex
        = model->index(1 - notesRow, 0).data(MyFilesModel::FileIndexRole).toLongLong();

    // The server restarts on the same port; the window resumes and lists them again.
    const quint16 port = m_server->port();
    QSignalSpy reconnected(room, &Room::connected);
    QSignalSpy bobBack(m_bob.get(), &Room::connected);
    QSignalSpy carolBack(m_carol.get(), &Room::connected);
    m_server.reset();
    QTRY_COMPARE_WITH_TIMEOUT(room->state(), Room::State::Reconnecting, 5000);
    QSignalSpy refreshed(model, &MyFilesModel::refreshed);
    Server::ServerOptions options;
    options.dataDir = m_data->path();
    options.secret = TestUtil::testSecret();
    options.port = port;
    m_server = std::make_unique<Server::RoomServer>(options);
    QVERIFY(m_server->listen());
    QTRY_COMPARE_WITH_TIMEOUT(reconnected.count(), 1, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(refreshed.count(), 1, 5000);
    QCOMPARE(model->rowCount(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(bobBack.count(), 1, 8000);
    QTRY_COMPARE_WITH_TIMEOUT(carolBack.count(), 1, 8000);

    // Dave downloads the big file through a proxy that holds everything the server sends:
    // the server sends its window and waits for acknowledgements that cannot come.
    FaultProxy proxy(m_server->port());
    QVERIFY(proxy.listen());
    auto daveInvite = InviteLink::parse(
        TestUtil::invite(m_server->url(), room->roomName(), QStringLiteral("Dave")));
    QVERIFY(daveInvite);
    daveInvite->port = proxy.port();
    Room dave;
    QSignalSpy daveConnected(&dave, &Room::connected);
    QVERIFY(dave.connectToRoom(daveInvite->toString()));
    QTRY_COMPARE_WITH_TIMEOUT(daveConnected.count(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(dave.file(bigIndex).isValid(), 5000);
    proxy.holdWhereClientBegan(FaultProxy::ServerToClient, {});
    QJsonObject daveResult;
    dave.recvFiles(bigIndex,
                   { { QStringLiteral("saveDir"), m_files.filePath(QStringLiteral("dave")) } },
                   [&](const QJsonObject &r) { daveResult = r; });
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 1, 5000);

    // Withdraw from the panel.
    QSignalSpy bobRemoved(m_bob.get(), &Room::fileRemoved);
    QSignalSpy carolRemoved(m_carol.get(), &Room::fileRemoved);
    QAbstractItemModel *viewModel = panel->view()->model();
    panel->view()->selectionModel()->clearSelection();
    QVERIFY(!panel->withdrawSelected());
    for (int r = 0; r < viewModel->rowCount(); ++r) {
        const QModelIndex i = viewModel->index(r, 0);
        if (i.data(MyFilesModel::FileIndexRole).toLongLong() == bigIndex)
            panel->view()->selectionModel()->select(
                i, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    QVERIFY(panel->findChild<QPushButton *>(QStringLiteral("withdrawButton"))->isEnabled());
    QVERIFY(panel->withdrawSelected());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(carolRemoved.count(), 1, 5000);
    QCOMPARE(bobRemoved.first().at(0).toLongLong(), bigIndex);
    QCOMPARE(bobRemoved.first().at(1).toString(), QStringLiteral("withdrawn"));
    QCOMPARE(carolRemoved.first().at(1).toString(), QStringLiteral("withdrawn"));
    QCOMPARE(m_server->downloadCount(), 0);
    QCOMPARE(m_server->fileCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->statusBar()->currentMessage().contains(QStringLiteral("withdrawn")), 5000);
    proxy.releaseHeld();
    QTRY_VERIFY_WITH_TIMEOUT(!daveResult.isEmpty(), 5000);
    QCOMPARE(daveResult.value(QStringLiteral("result")).toInt(), 1193);

    // Copy Name.
    panel->view()->selectionModel()->select(
        viewModel->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QVERIFY(panel->copySelectedNames());
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("notes.txt"));
}

// A targeted send to Bob, Carol and Dave; Bob and Carol download: the window shows who,
// "2 of 3". The window's own receipts follow Settings.
void TestMainWindow::sharedByYouShowsReceipts()
{
    setUpRoom();
    Room *room = m_window->room();
    QVERIFY(room->deliveryReceipts());
    m_window->findChild<Settings *>()->setDeliveryReceipts(false);
    QVERIFY(!room->deliveryReceipts());
    m_window->findChild<Settings *>()->setDeliveryReceipts(true);
    QVERIFY(room->deliveryReceipts());

    Room dave;
    QSignalSpy daveConnected(&dave, &Room::connected);
    QVERIFY(dave.connectToRoom(
        TestUtil::invite(m_server->url(), room->roomName(), QStringLiteral("Dave"))));
    QTRY_COMPARE_WITH_TIMEOUT(daveConnected.count(), 1, 5000);
    MyFilesModel *model = m_window->sharedByYouPanel()->model();
    QSignalSpy bobSees(m_bob.get(), &Room::fileAvailable);
    QSignalSpy carolSees(m_carol.get(), &Room::fileAvailable);
    QVERIFY(!room->sendFiles(
                     { makeFile(QStringLiteral("plan.txt"), 2000) },
                     { { QStringLiteral("broadcast"), false },
                       { QStringLiteral("clientList"),
                         QJsonArray{ m_bob->clientId(), m_carol->clientId(), dave.clientId() } } })
                 .isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(bobSees.count(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(carolSees.count(), 1, 5000);
    const qint64 index = bobSees.first().first().value<FileInfo>().index;
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
    QCOMPARE(model->index(0, MyFilesModel::DeliveredColumn).data().toString(), QString());
    m_bob->recvFiles(index,
                     { { QStringLiteral("saveDir"), m_files.filePath(QStringLiteral("b")) } });
    m_carol->recvFiles(index,
                       { { QStringLiteral("saveDir"), m_files.filePath(QStringLiteral("c")) } });
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, MyFilesModel::DeliveredColumn).data().toString(),
                              QStringLiteral("Bob and Carol (2 of 3)"), 5000);
    QCOMPARE(model->index(0, MyFilesModel::DownloadsColumn).data().toLongLong(), 2);
}

// "Until the end of the day": the seconds to the coming local midnight, never under a minute.
void TestMainWindow::sendLimitsEndOfDay()
{
    const QDate day(2026, 12, 2);
    QCOMPARE(SendLimits::expiresInSeconds(SendLimits::Keep::EndOfDay, QDateTime(day, QTime(18, 0))),
             qint64(6 * 3600));
    QCOMPARE(
        SendLimits::expiresInSeconds(SendLimits::Keep::EndOfDay, QDateTime(day, QTime(23, 59, 59))),
        qint64(60));
    QCOMPARE(SendLimits::expiresInSeconds(SendLimits::Keep::OneHour, QDateTime(day, QTime(9, 0))),
             qint64(3600));
    QCOMPARE(SendLimits::expiresInSeconds(SendLimits::Keep::RoomLimit, QDateTime(day, QTime())),
             qint64(0));
}

// The choice next to Send files…: a file kept for 1 hour, once per person, sent to Bob only,
// reaches the server with that expiry and is withdrawn once Bob has it.
void TestMainWindow::sendLimitsReachTheServer()
{
    setUpRoom();
    SendLimits *limits = m_window->sendLimits();
    QVERIFY(limits->isVisible());
    limits->setKeep(SendLimits::Keep::OneHour);
    limits->setOncePerPerson(true);
    check(m_bob->clientId(), true);
    QSignalSpy bobSaw(m_bob.get(), &Room::fileAvailable);
    const QDateTime before = QDateTime::currentDateTime();
    QVERIFY(m_window->sendFiles({ makeFile(QStringLiteral("hour.txt"), 5000) }));
    QTRY_COMPARE_WITH_TIMEOUT(bobSaw.count(), 1, 10000);
    const FileInfo file = bobSaw.first().first().value<FileInfo>();
    const qint64 left = before.secsTo(file.expiresAt);
    QVERIFY2(left > 3500 && left <= 3700, qPrintable(QString::number(left)));

    QVERIFY(QDir().mkpath(m_files.filePath(QStringLiteral("bob-hour"))));
    QSignalSpy removed(m_bob.get(), &Room::fileRemoved);
    QJsonObject got;
    m_bob->recvFiles(
        file.index, { { QStringLiteral("saveDir"), m_files.filePath(QStringLiteral("bob-hour")) } },
        [&](const QJsonObject &r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty(), 10000);
    QCOMPARE(got.value(QLatin1String("result")).toInt(-1), 0);
    // Bob was the only recipient: one download and the file is gone for everyone.
    QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->fileCount(), 0, 5000);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
