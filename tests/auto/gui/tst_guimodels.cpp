#include <QAbstractItemModelTester>
#include <QDir>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "availablefilesmodel.h"
#include "guilogging.h"
#include "participantsmodel.h"
#include "reconnector.h"
#include "room.h"
#include "systemuser.h"
#include "testutil.h"
#include "transferjob.h"
#include "transfermodel.h"
#include "unfinisheduploadsmodel.h"
#include "uploadstate.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

namespace {
TransferInfo makeInfo(qint64 id, qint64 processed, qint64 total,
                      TransferInfo::Status status = TransferInfo::Status::Running)
{
    TransferInfo info;
    info.direction = id % 2 ? TransferInfo::Direction::Upload : TransferInfo::Direction::Download;
    info.id = id;
    info.name = QStringLiteral("file-%1.bin").arg(id);
    info.totalBytes = total;
    info.processedBytes = processed;
    info.status = status;
    return info;
}

FileInfo makeFile(qint64 index, const QString &name, bool broadcast = true)
{
    FileInfo f;
    f.index = index;
    f.name = name;
    f.size = 1000 * index;
    f.sender = QStringLiteral("Bob");
    f.senderId = QStringLiteral("c2");
    f.createdAt = QDateTime::currentDateTime();
    f.expiresAt = f.createdAt.addDays(1);
    f.broadcast = broadcast;
    return f;
}
} // namespace

class TestGuiModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void transferModelCoalescesHundredJobs();
    void transferModelPerRunSignals();
    void transferModelRemoveFinished();
    void transferModelWithRealJobs();
    void foldersAreOneRow();
    void folderWithRealJobs();
    void participantsPicker();
    void availableFiles();
    void reconnectorBacksOff();
    void unfinishedUploads();
    void fullNameFromGecos_data();
    void fullNameFromGecos();
    void systemFullName();

private:
    QTemporaryDir m_dir;
};

void TestGuiModels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    initResources();
    QVERIFY(m_dir.isValid());
}

void TestGuiModels::transferModelCoalescesHundredJobs()
{
    TransferModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setFlushInterval(50);
    for (int i = 1; i <= 100; ++i)
        model.updateTransfer(makeInfo(i, 0, qint64(i) << 30));
    QCOMPARE(model.rowCount(), 100);

    QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
    // Ten rounds of progress from 100 jobs: 1000 updates between two flushes.
    for (int round = 1; round <= 10; ++round) {
        for (int i = 1; i <= 100; ++i)
            model.updateTransfer(makeInfo(i, (qint64(i) << 30) * round / 10, qint64(i) << 30));
    }
    QCOMPARE(spy.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 2000);
    // More than half the rows changed: one signal over all rows and columns.
    QCOMPARE(spy.at(0).at(0).value<QModelIndex>(), model.index(0, 0));
    QCOMPARE(spy.at(0).at(1).value<QModelIndex>(), model.index(99, TransferModel::ColumnCount - 1));
    QCOMPARE(model.index(99, 0).data(TransferModel::ProgressPerMilleRole).toInt(), 1000);
    QCOMPARE(model.index(42, 0).data(TransferModel::ProcessedBytesRole).toLongLong(),
             qint64(43) << 30);

    // Continuous updates over time flush at most once per interval.
    spy.clear();
    QElapsedTimer clock;
    clock.start();
    int updates = 0;
    while (clock.elapsed() < 500) {
        for (int i = 1; i <= 100; ++i, ++updates)
            model.updateTransfer(makeInfo(i, updates, qint64(i) << 30));
        QTest::qWait(5);
    }
    model.flush();
    QVERIFY2(spy.count() <= 500 / 50 + 2, qPrintable(QString::number(spy.count())));
    QVERIFY(updates > 1000);
}

void TestGuiModels::transferModelPerRunSignals()
{
    TransferModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 1; i <= 100; ++i)
        model.updateTransfer(makeInfo(i, 0, 1000));
    QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
    // Rows 5 and 6 are adjacent, row 50 stands alone: two signals.
    model.updateTransfer(makeInfo(6, 10, 1000));
    model.updateTransfer(makeInfo(51, 10, 1000));
    model.updateTransfer(makeInfo(7, 10, 1000));
    model.updateTransfer(makeInfo(6, 20, 1000));
    model.flush();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(0).at(0).value<QModelIndex>().row(), 5);
    QCOMPARE(spy.at(0).at(1).value<QModelIndex>().row(), 6);
    QCOMPARE(spy.at(1).at(0).value<QModelIndex>().row(), 50);
    QCOMPARE(spy.at(1).at(1).value<QModelIndex>().row(), 50);
    model.flush();
    QCOMPARE(spy.count(), 2);
}

void TestGuiModels::transferModelRemoveFinished()
{
    TransferModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 1; i <= 10; ++i) {
        model.updateTransfer(makeInfo(
            i, 0, 1000, i % 3 ? TransferInfo::Status::Completed : TransferInfo::Status::Running));
    }
    TransferInfo failed = makeInfo(11, 5, 1000, TransferInfo::Status::Failed);
    failed.direction = TransferInfo::Direction::Download;
    failed.error = ErrorCode::FileWithdrawn;
    failed.peerName = QStringLiteral("Bob");
    model.updateTransfer(failed);
    const QModelIndex state = model.index(10, TransferModel::StateColumn);
    QCOMPARE(state.data(TransferModel::ErrorTextRole).toString(),
             QStringLiteral("Bob's file is no longer available."));
    QVERIFY(state.data().toString().contains(QStringLiteral("Bob's file is no longer available")));
    QVERIFY(model.hasFinished());
    model.updateTransfer(makeInfo(3, 500, 1000)); // pending update across the removal
    model.removeFinished();
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.hasFinished());
    QCOMPARE(model.rowOf(TransferInfo::Direction::Upload, 3), 0);
    QCOMPARE(model.rowOf(TransferInfo::Direction::Download, 6), 1);
    model.updateTransfer(makeInfo(9, 700, 1000));
    model.flush();
    QCOMPARE(model.index(2, 0).data(TransferModel::ProcessedBytesRole).toLongLong(), 700);
}

void TestGuiModels::transferModelWithRealJobs()
{
    QTemporaryDir data;
    // The default server allows 32 uploads per connection; this one takes all 100 at once.
    Server::ServerOptions options;
    options.dataDir = data.path();
    options.secret = TestUtil::testSecret();
    options.maxUploadsPerConnection = 128;
    auto server = std::make_unique<Server::RoomServer>(options);
    QVERIFY(server->listen());
    Room room;
    TransferModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRoom(&room);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(
        TestUtil::invite(server->url(), QStringLiteral("jobs"), QStringLiteral("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 5000);

    QStringList paths;
    for (int i = 0; i < 100; ++i)
        paths << TestUtil::makeFile(m_dir.path(), QStringLiteral("job-%1.bin").arg(i), 512 * 1024);
    int progressSignals = 0;
    connect(&room, &Room::jobAdded, this, [&progressSignals](TransferJob *job) {
        connect(job, &TransferJob::progressChanged, job, [&progressSignals] { ++progressSignals; });
    });
    QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy finished(&model, &TransferModel::transferFinished);
    const QList<qint64> ids
        = room.sendFiles(paths, QJsonObject{ { QStringLiteral("broadcast"), true } });
    QCOMPARE(ids.size(), 100);
    QCOMPARE(model.rowCount(), 100);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 100, 60000);
    model.flush();
    int completed = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        completed += model.transferAt(row).status == TransferInfo::Status::Completed;
    QCOMPARE(completed, 100);
    qDebug() << "progress signals" << progressSignals << "dataChanged" << dataChanged.count();
    QVERIFY(dataChanged.count() < progressSignals);
    QCOMPARE(model.runningCount(TransferInfo::Direction::Upload), 0);
}

// Issue 12: the entries of a shared folder are one row in both models.
void TestGuiModels::foldersAreOneRow()
{
    TransferModel transfers;
    QAbstractItemModelTester tester(&transfers,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy finished(&transfers, &TransferModel::transferFinished);
    auto entry = [](qint64 id, qint64 done, TransferInfo::Status status) {
        TransferInfo t = makeInfo(id, done, 1000, status);
        t.direction = TransferInfo::Direction::Upload;
        t.group = QStringLiteral("g1");
        t.folderPath = id == 3 ? QStringLiteral("Photos/2024") : QStringLiteral("Photos");
        return t;
    };
    transfers.updateTransfer(entry(1, 100, TransferInfo::Status::Running));
    transfers.updateTransfer(makeInfo(2, 0, 50)); // a file on its own, between them
    transfers.updateTransfer(entry(3, 0, TransferInfo::Status::Pending));
    transfers.updateTransfer(entry(5, 1000, TransferInfo::Status::Completed));
    transfers.flush();
    QCOMPARE(transfers.rowCount(), 2);
    QCOMPARE(transfers.rowOf(TransferInfo::Direction::Upload, 3), 0);
    QCOMPARE(transfers.rowOf(TransferInfo::Direction::Upload, 5), 0);
    const QModelIndex name = transfers.index(0, TransferModel::NameColumn);
    QCOMPARE(name.data(TransferModel::EntryCountRole).toInt(), 3);
    QVERIFY(name.data().toString().startsWith(QStringLiteral("Photos")));
    QCOMPARE(name.data(TransferModel::TotalBytesRole).toLongLong(), 3000);
    QCOMPARE(name.data(TransferModel::ProcessedBytesRole).toLongLong(), 1100);
    QCOMPARE(name.data(TransferModel::ProgressPerMilleRole).toInt(), 366);
    QCOMPARE(transfers.transferAt(0).status, TransferInfo::Status::Running);
    QCOMPARE(transfers.runningCount(TransferInfo::Direction::Upload), 1);
    QCOMPARE(transfers.runningCount(TransferInfo::Direction::Download), 1);
    QCOMPARE(transfers.entriesAt(0).size(), 3);
    // Completed only when every entry is.
    transfers.updateTransfer(entry(1, 1000, TransferInfo::Status::Completed));
    QCOMPARE(transfers.transferAt(0).status, TransferInfo::Status::Pending);
    TransferInfo failed = entry(3, 10, TransferInfo::Status::Failed);
    failed.error = ErrorCode::LocalFileError;
    failed.errorText = QStringLiteral("Cannot read it");
    transfers.updateTransfer(failed);
    QCOMPARE(transfers.transferAt(0).status, TransferInfo::Status::Failed);
    QCOMPARE(transfers.transferAt(0).error, ErrorCode::LocalFileError);
    transfers.removeFinished();
    QCOMPARE(transfers.rowCount(), 1);
    QCOMPARE(transfers.rowOf(TransferInfo::Direction::Upload, 3), -1);
    QCOMPARE(transfers.rowOf(TransferInfo::Direction::Upload, 1), -1);
    QCOMPARE(transfers.rowOf(TransferInfo::Direction::Download, 2), 0);
    QCOMPARE(finished.count(), 0); // updateTransfer() alone reports no job's end

    AvailableFilesModel files;
    QAbstractItemModelTester filesTester(&files,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto folderFile = [](qint64 index, const QString &path) {
        FileInfo f = makeFile(index, QStringLiteral("e-%1.txt").arg(index));
        f.group = QStringLiteral("g7");
        f.path = path;
        f.groupSize = 3;
        return f;
    };
    files.resetFiles({ folderFile(1, QStringLiteral("Trip")), makeFile(2, QStringLiteral("x.pdf")),
                       folderFile(3, QStringLiteral("Trip/day 1")) });
    QCOMPARE(files.rowCount(), 2);
    QCOMPARE(files.index(0, 0).data(AvailableFilesModel::FolderKeyRole).toString(),
             QStringLiteral("c2:g7"));
    QCOMPARE(files.index(0, 0).data(AvailableFilesModel::EntryCountRole).toInt(), 2);
    QCOMPARE(files.index(0, AvailableFilesModel::SizeColumn)
                 .data(AvailableFilesModel::SortRole)
                 .toLongLong(),
             4000);
    // Two of three entries: the row says so and is never "Downloaded".
    QVERIFY(files.index(0, AvailableFilesModel::StateColumn)
                .data()
                .toString()
                .contains(QStringLiteral("2 of 3")));
    QCOMPARE(files.newCount(), 2);
    const QString root = m_dir.filePath(QStringLiteral("Trip"));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/day 1")));
    files.setLocalState(1, AvailableFilesModel::LocalState::Downloaded,
                        TestUtil::makeFile(root, QStringLiteral("e-1.txt"), 1));
    files.setLocalState(
        3, AvailableFilesModel::LocalState::Downloaded,
        TestUtil::makeFile(root + QStringLiteral("/day 1"), QStringLiteral("e-3.txt"), 1));
    QCOMPARE(files.index(0, 0).data(AvailableFilesModel::LocalStateRole).toInt(),
             int(AvailableFilesModel::LocalState::New));
    files.addFile(folderFile(4, QStringLiteral("Trip/day 1/evening")));
    QCOMPARE(files.rowCount(), 2);
    QCOMPARE(files.filesAt(0).size(), 3);
    files.setLocalState(4, AvailableFilesModel::LocalState::Downloading);
    QCOMPARE(files.index(0, 0).data(AvailableFilesModel::LocalStateRole).toInt(),
             int(AvailableFilesModel::LocalState::Downloading));
    QVERIFY(QDir().mkpath(root + QStringLiteral("/day 1/evening")));
    files.setLocalState(
        4, AvailableFilesModel::LocalState::Downloaded,
        TestUtil::makeFile(root + QStringLiteral("/day 1/evening"), QStringLiteral("e-4.txt"), 1));
    QCOMPARE(files.index(0, AvailableFilesModel::StateColumn).data().toString(),
             QStringLiteral("Downloaded"));
    QCOMPARE(files.index(0, 0).data(AvailableFilesModel::LocalPathRole).toString(),
             QDir(root).absolutePath());
    QCOMPARE(files.newCount(), 1);
    std::unique_ptr<QMimeData> mime(files.mimeData({ files.index(0, 0) }));
    QVERIFY(mime);
    QCOMPARE(mime->urls(), QList<QUrl>{ QUrl::fromLocalFile(QDir(root).absolutePath()) });
    // Entries leave one by one; the row goes with the last.
    files.removeFile(1);
    files.removeFile(3);
    QCOMPARE(files.rowCount(), 2);
    files.removeFile(4);
    QCOMPARE(files.rowCount(), 1);
    QCOMPARE(files.fileAt(0).name, QStringLiteral("x.pdf"));
}

// A real folder through the real server: one row for the sender's upload, one in the
// recipient's files, one for its download, each with the folder's sums.
void TestGuiModels::folderWithRealJobs()
{
    QTemporaryDir data;
    auto server = TestUtil::startServer(data.path());
    QVERIFY(server);
    Room alice;
    Room bob;
    TransferModel sent;
    TransferModel received;
    AvailableFilesModel offered;
    QAbstractItemModelTester t1(&sent, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&received, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t3(&offered, QAbstractItemModelTester::FailureReportingMode::QtTest);
    sent.setRoom(&alice);
    received.setRoom(&bob);
    offered.setRoom(&bob);
    for (Room *r : { &alice, &bob }) {
        QSignalSpy connected(r, &Room::connected);
        QVERIFY(r->connectToRoom(
            TestUtil::invite(server->url(), QStringLiteral("folders"),
                             r == &alice ? QStringLiteral("Alice") : QStringLiteral("Bob"))));
        QVERIFY(connected.wait(5000));
    }
    const QString root = m_dir.filePath(QStringLiteral("Album"));
    qint64 total = 0;
    for (int i = 0; i < 30; ++i) {
        const QString dir = root + (i % 3 ? QStringLiteral("/sub %1").arg(i % 3) : QString());
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(!TestUtil::makeFile(dir, QStringLiteral("p%1.jpg").arg(i), 1000 + i).isEmpty());
        total += 1000 + i;
    }
    QSignalSpy sentFinished(&sent, &TransferModel::transferFinished);
    QCOMPARE(alice.sendFiles({ root }).size(), 30);
    QCOMPARE(sent.rowCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(sentFinished.count(), 1, 20000);
    QCOMPARE(sent.transferAt(0).status, TransferInfo::Status::Completed);
    QCOMPARE(sent.transferAt(0).totalBytes, total);
    QCOMPARE(sent.transferAt(0).localPath, QDir(root).absolutePath());

    QTRY_COMPARE_WITH_TIMEOUT(offered.index(0, 0).data(AvailableFilesModel::EntryCountRole).toInt(),
                              30, 20000);
    QCOMPARE(offered.rowCount(), 1);
    const QString key = offered.index(0, 0).data(AvailableFilesModel::FolderKeyRole).toString();
    QSignalSpy receivedFinished(&received, &TransferModel::transferFinished);
    const QString dl = m_dir.filePath(QStringLiteral("bob-dl"));
    QCOMPARE(bob.recvFolder(key, { { QStringLiteral("saveDir"), dl } }).size(), 30);
    QTRY_COMPARE_WITH_TIMEOUT(receivedFinished.count(), 1, 20000);
    QCOMPARE(received.rowCount(), 1);
    QCOMPARE(received.transferAt(0).status, TransferInfo::Status::Completed);
    QCOMPARE(received.transferAt(0).localPath, QDir(dl).filePath(QStringLiteral("Album")));
    QTRY_COMPARE_WITH_TIMEOUT(offered.index(0, AvailableFilesModel::StateColumn).data().toString(),
                              QStringLiteral("Downloaded"), 5000);
    QCOMPARE(offered.index(0, 0).data(AvailableFilesModel::LocalPathRole).toString(),
             QDir(dl).filePath(QStringLiteral("Album")));
}

void TestGuiModels::participantsPicker()
{
    ParticipantsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &ParticipantsModel::recipientsChanged);
    const Participant alice{ QStringLiteral("c1"), QStringLiteral("Alice"),
                             QStringLiteral("moderator") };
    const Participant bob{ QStringLiteral("c2"), QStringLiteral("Bob"),
                           QStringLiteral("participant") };
    const Participant carol{ QStringLiteral("c3"), QStringLiteral("Carol"),
                             QStringLiteral("participant") };
    model.setParticipants({ alice, bob }, QStringLiteral("c1"));
    model.addParticipant(carol);
    QCOMPARE(model.rowCount(), 4);
    QVERIFY(model.isBroadcast());
    QCOMPARE(model.recipientsText(), QStringLiteral("Everyone"));
    QCOMPARE(model.index(0).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
    QCOMPARE(model.index(1).data().toString(), QStringLiteral("Alice (you, moderator)"));
    QVERIFY(!(model.flags(model.index(1)) & Qt::ItemIsUserCheckable));
    QVERIFY(!model.setData(model.index(1), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(!model.setData(model.index(0), Qt::Unchecked, Qt::CheckStateRole));

    QVERIFY(model.setData(model.index(2), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(model.setData(model.index(3), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(changed.count(), 2);
    QVERIFY(!model.isBroadcast());
    QCOMPARE(model.index(0).data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    QCOMPARE(model.recipientsText(), QStringLiteral("Bob and Carol"));
    QCOMPARE(model.sendOptions().value(QStringLiteral("broadcast")).toBool(), false);
    QCOMPARE(model.sendOptions().value(QStringLiteral("clientList")).toArray(),
             QJsonArray({ QStringLiteral("c2"), QStringLiteral("c3") }));

    model.removeParticipant(QStringLiteral("c2"));
    QCOMPARE(model.selectedNames(), QStringList{ QStringLiteral("Carol") });
    QVERIFY(model.setData(model.index(2), Qt::Unchecked, Qt::CheckStateRole));
    QVERIFY(model.isBroadcast()); // never an empty choice
    QVERIFY(model.setData(model.index(2), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(model.setData(model.index(0), Qt::Checked, Qt::CheckStateRole));
    QVERIFY(model.isBroadcast());
    QCOMPARE(model.sendOptions(), QJsonObject({ { QStringLiteral("broadcast"), true } }));
    model.setSelectedClientIds({ QStringLiteral("c3") });
    model.removeParticipant(QStringLiteral("c3"));
    QVERIFY(model.isBroadcast());
}

void TestGuiModels::availableFiles()
{
    AvailableFilesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy newCount(&model, &AvailableFilesModel::newCountChanged);
    model.resetFiles(
        { makeFile(1, QStringLiteral("a.pdf")), makeFile(2, QStringLiteral("b.png"), false) });
    model.addFile(makeFile(5, QStringLiteral("c.zip")));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.newCount(), 3);
    QCOMPARE(model.index(1, AvailableFilesModel::AudienceColumn).data().toString(),
             QStringLiteral("Only you"));
    QCOMPARE(model.index(2, AvailableFilesModel::SizeColumn)
                 .data(AvailableFilesModel::SortRole)
                 .toLongLong(),
             5000);
    QCOMPARE(model.index(0, AvailableFilesModel::StateColumn).data().toString(),
             QStringLiteral("New"));
    QVERIFY(!model.index(0, AvailableFilesModel::NameColumn).data(Qt::DecorationRole).isNull());
    QVERIFY(!(model.flags(model.index(0, 0)) & Qt::ItemIsDragEnabled));
    QVERIFY(!model.mimeData({ model.index(0, 0) }));

    const QString local = TestUtil::makeFile(m_dir.path(), QStringLiteral("a.pdf"), 10);
    model.setLocalState(1, AvailableFilesModel::LocalState::Downloading);
    QCOMPARE(model.index(0, AvailableFilesModel::StateColumn).data().toString(),
             QStringLiteral("Downloading"));
    model.setLocalState(1, AvailableFilesModel::LocalState::Downloaded, local);
    QCOMPARE(model.newCount(), 2);
    QVERIFY(model.flags(model.index(0, 0)) & Qt::ItemIsDragEnabled);
    std::unique_ptr<QMimeData> mime(model.mimeData({ model.index(0, 0), model.index(0, 3) }));
    QVERIFY(mime);
    QCOMPARE(mime->urls(), QList<QUrl>{ QUrl::fromLocalFile(local) });

    // A reset keeps what happened to files that stay.
    model.resetFiles(
        { makeFile(1, QStringLiteral("a.pdf")), makeFile(7, QStringLiteral("d.mp3")) });
    QCOMPARE(model.index(0, 0).data(AvailableFilesModel::LocalPathRole).toString(), local);
    model.removeFile(1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.newCount(), 1);
    QVERIFY(newCount.count() >= 3);
}

void TestGuiModels::reconnectorBacksOff()
{
    Reconnector reconnector;
    reconnector.setDelays(1, 4);
    QCOMPARE(reconnector.nextDelay(), 1);
    QSignalSpy countdown(&reconnector, &Reconnector::countdown);
    QSignalSpy due(&reconnector, &Reconnector::attemptDue);
    reconnector.schedule();
    QCOMPARE(countdown.count(), 1);
    QCOMPARE(countdown.at(0).at(0).toInt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(due.count(), 1, 3000);
    QCOMPARE(reconnector.nextDelay(), 2);
    reconnector.schedule();
    QCOMPARE(reconnector.nextDelay(), 4);
    reconnector.stop();
    reconnector.schedule();
    QCOMPARE(reconnector.nextDelay(), 4); // capped
    reconnector.reset();
    QVERIFY(!reconnector.isWaiting());
    QCOMPARE(reconnector.nextDelay(), 1);
}

// The records an earlier run left, as the app lists them after a restart: the store keeps
// them private and newest first, and the model tells a changed source apart.
void TestGuiModels::unfinishedUploads()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("state"));
    UploadStateStore store(folder);
    const QString key = UploadStateStore::linkKey(QStringLiteral("eyJ.secret.token"));
    QVERIFY(!key.contains(QLatin1String("secret")));
    auto makeSource = [&](const QString &name, const QByteArray &content) {
        QFile f(dir.filePath(name));
        f.open(QIODevice::WriteOnly);
        f.write(content);
        f.close();
        UnfinishedUpload u;
        u.linkKey = key;
        u.server = QStringLiteral("127.0.0.1:7450");
        u.room = QStringLiteral("standup");
        u.sessionId = QStringLiteral("q3X0session");
        u.path = QFileInfo(f).absoluteFilePath();
        u.name = name;
        u.size = content.size();
        u.modifiedMs = QFileInfo(f).lastModified().toMSecsSinceEpoch();
        return u;
    };
    UnfinishedUpload a = makeSource(QStringLiteral("a.bin"), QByteArray(1000, 'a'));
    a.uploadId = 7;
    a.savedAtMs = 1000;
    UnfinishedUpload b = makeSource(QStringLiteral("b.bin"), QByteArray(2000, 'b'));
    b.uploadId = 9;
    b.savedAtMs = 2000;
    QVERIFY(store.save(a));
    QVERIFY(store.save(b));
    QVERIFY(store.save(b)); // replacing a record works
    QCOMPARE(QFileInfo(folder).permissions() & 0x0077, QFile::Permissions());
    const QStringList files = QDir(folder).entryList(QDir::Files);
    QCOMPARE(files.size(), 2);
    for (const QString &f : files)
        QCOMPARE(QFileInfo(QDir(folder).filePath(f)).permissions() & 0x0077, QFile::Permissions());
    QCOMPARE(store.list(UploadStateStore::linkKey(QStringLiteral("another"))).size(), 0);
    const auto listed = store.list(key);
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed.first().uploadId, 9u); // newest first
    QCOMPARE(listed.first().sessionId, QStringLiteral("q3X0session"));

    // b.bin grows: it cannot be resumed, and the row says so.
    {
        QFile f(b.path);
        QVERIFY(f.open(QIODevice::Append));
        f.write("more");
    }
    QString why;
    QVERIFY(a.sourceUnchanged(&why));
    QVERIFY(why.isEmpty());
    QVERIFY(!b.sourceUnchanged(&why));
    QVERIFY2(why.contains(QLatin1String("2000")) && why.contains(QLatin1String("2004")),
             qPrintable(why));

    UnfinishedUploadsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.setUploads(listed);
    QCOMPARE(resets.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex first = model.index(0, 0);
    QCOMPARE(first.data(UnfinishedUploadsModel::UploadIdRole).toLongLong(), 9);
    QVERIFY(first.data(UnfinishedUploadsModel::ChangedRole).toBool());
    QVERIFY(first.data(UnfinishedUploadsModel::ProblemRole)
                .toString()
                .contains(QLatin1String("changed")));
    QVERIFY(first.data(Qt::DisplayRole).toString().startsWith(QLatin1String("b.bin")));
    const QModelIndex second = model.index(1, 0);
    QVERIFY(!second.data(UnfinishedUploadsModel::ChangedRole).toBool());
    QCOMPARE(second.data(UnfinishedUploadsModel::PathRole).toString(), a.path);
    QCOMPARE(second.data(UnfinishedUploadsModel::SizeRole).toLongLong(), 1000);

    store.remove(key, 9);
    model.setUploads(store.list(key));
    QCOMPARE(model.rowCount(), 1);
    model.setUploads({});
    QCOMPARE(model.rowCount(), 0);
}

void TestGuiModels::fullNameFromGecos_data()
{
    QTest::addColumn<QString>("gecos");
    QTest::addColumn<QString>("login");
    QTest::addColumn<QString>("name");
    QTest::addRow("full") << QStringLiteral("Alice Example,Room 4,555-0100,,")
                          << QStringLiteral("alice") << QStringLiteral("Alice Example");
    QTest::addRow("name only") << QStringLiteral("  Bob  Builder ") << QStringLiteral("bob")
                               << QStringLiteral("Bob Builder");
    QTest::addRow("ampersand") << QStringLiteral("& Smith,,,") << QStringLiteral("carol")
                               << QStringLiteral("Carol Smith");
    QTest::addRow("unicode") << QStringLiteral("Zoë Ångström,,,") << QStringLiteral("zoe")
                             << QStringLiteral("Zoë Ångström");
    QTest::addRow("empty") << QString() << QStringLiteral("dave") << QString();
    QTest::addRow("only commas") << QStringLiteral(",,,") << QStringLiteral("erin") << QString();
}

void TestGuiModels::fullNameFromGecos()
{
    QFETCH(QString, gecos);
    QFETCH(QString, login);
    QFETCH(QString, name);
    QCOMPARE(SystemUser::nameFromGecos(gecos, login), name);
}

void TestGuiModels::systemFullName()
{
    // Whatever this machine's account is called, the prefill is trimmed and never "root".
    const QString name = SystemUser::fullName();
    QCOMPARE(name, name.simplified());
    QVERIFY(name != QLatin1String("root"));
}

QTEST_MAIN(TestGuiModels)
#include "tst_guimodels.moc"
