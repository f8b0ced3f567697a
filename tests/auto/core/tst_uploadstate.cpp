// Issue 16, the library side of uploads that survive a restart: a Room that goes away
// mid-upload (as a killed process's would: no `leave`) leaves a private record; the next
// Room with the same link and state folder joins as the same session and lists the upload.
// A source that changed since is never resumed: the job fails with 1195 saying what changed
// and the server's upload is cancelled. In-process server, the real Room, a fault proxy.

#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "faultproxy.h"
#include "processtest.h"
#include "room.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;
using Roomshare::Server::RoomServer;

using ProcessTest::filesUnder;

class TestUploadState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void changedSourceIsNotResumed();
    void resumedInProcess();
    void secondProcessLeavesTheSessionAlone();

private:
    //! A Room with the state folder, joined through the proxy as Alice.
    std::unique_ptr<Room> join();
    //! Starts sending \a path and destroys the Room once the proxy stopped the link after
    //! \a bytes; returns the Room's client id.
    QString sendAndAbandon(const QString &path, qint64 bytes);

    QTemporaryDir m_tmp;
    std::unique_ptr<RoomServer> m_server;
    std::unique_ptr<FaultProxy> m_proxy;
    QString m_link;
};

void TestUploadState::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_server = TestUtil::startServer(m_tmp.filePath(QStringLiteral("server")));
    QVERIFY(m_server);
    m_proxy = std::make_unique<FaultProxy>(m_server->port());
    QVERIFY(m_proxy->listen());
    m_link = TestUtil::invite(m_proxy->url(), QStringLiteral("standup"), QStringLiteral("Alice"));
}

std::unique_ptr<Room> TestUploadState::join()
{
    auto room = std::make_unique<Room>();
    room->setUploadStateFolder(m_tmp.filePath(QStringLiteral("state")));
    QSignalSpy connected(room.get(), &Room::connected);
    if (!room->connectToRoom(m_link) || !connected.wait(10000))
        return nullptr;
    return room;
}

QString TestUploadState::sendAndAbandon(const QString &path, qint64 bytes)
{
    auto room = join();
    if (!room)
        return QString();
    m_proxy->stallAfter(FaultProxy::ClientToServer, bytes);
    room->sendFiles({ path });
    const UploadStateStore store(room->uploadStateFolder());
    const QString key = UploadStateStore::linkKey(
        m_link.section(QStringLiteral("token="), 1).section(QLatin1Char('&'), 0, 0));
    QElapsedTimer t;
    t.start();
    while ((!m_proxy->isStalled() || store.list(key).isEmpty()) && t.elapsed() < 20000)
        QTest::qWait(20);
    if (!m_proxy->isStalled() || store.list(key).size() != 1)
        return QString();
    const QString clientId = room->clientId();
    room.reset(); // as a killed process: no `leave`, the record stays
    while (m_proxy->connectionCount() > 0 && t.elapsed() < 30000)
        QTest::qWait(20);
    m_proxy->setStalled(false);
    return clientId;
}

void TestUploadState::changedSourceIsNotResumed()
{
    const QString path
        = TestUtil::makeFile(m_tmp.path(), QStringLiteral("notes.bin"), 8 * 1024 * 1024);
    const QString before = sendAndAbandon(path, 3 * 1024 * 1024);
    QVERIFY(!before.isEmpty());
    QCOMPARE(filesUnder(m_tmp.filePath(QStringLiteral("server/partial"))).size(), 1);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        QVERIFY(f.write("one more line\n") > 0);
    }

    auto room = join();
    QVERIFY(room);
    QCOMPARE(room->clientId(), before); // the recorded session, resumed
    const auto unfinished = room->unfinishedUploads();
    QCOMPARE(unfinished.size(), 1);
    QCOMPARE(unfinished.first().path, path);
    QSignalSpy changed(room.get(), &Room::unfinishedUploadsChanged);
    QJsonObject result;
    const qint64 id = room->resumeUpload(unfinished.first().uploadId,
                                         [&](const QJsonObject &r) { result = r; });
    QVERIFY(id > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 10000);
    QCOMPARE(result.value(QLatin1String("messageType")).toString(),
             QStringLiteral("upload-failed"));
    QCOMPARE(result.value(QLatin1String("result")).toInt(), int(ErrorCode::LocalFileError));
    const QString desc = result.value(QLatin1String("desc")).toString();
    QVERIFY2(desc.contains(QLatin1String("changed since"))
                 && desc.contains(QLatin1String("discarded")),
             qPrintable(desc));
    QVERIFY(changed.size() >= 1);
    QVERIFY(room->unfinishedUploads().isEmpty());
    // The server's upload was cancelled: its partial data is gone.
    QTRY_COMPARE_WITH_TIMEOUT(filesUnder(m_tmp.filePath(QStringLiteral("server/partial"))),
                              QStringList(), 10000);
    room->disconnectFromRoom();
}

void TestUploadState::resumedInProcess()
{
    const QString path
        = TestUtil::makeFile(m_tmp.path(), QStringLiteral("deck.bin"), 12 * 1024 * 1024);
    QVERIFY(!sendAndAbandon(path, 5 * 1024 * 1024).isEmpty());

    auto room = join();
    QVERIFY(room);
    const auto unfinished = room->unfinishedUploads();
    QCOMPARE(unfinished.size(), 1);
    QSignalSpy events(room.get(), &Room::fsUploadResult);
    QJsonObject result;
    QVERIFY(room->resumeUpload(unfinished.first().uploadId, [&](const QJsonObject &r) {
        result = r;
    }) > 0);
    // While it runs it is a job of this room, not an unfinished upload of an earlier one.
    QVERIFY(room->unfinishedUploads().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 20000);
    QCOMPARE(result.value(QLatin1String("messageType")).toString(),
             QStringLiteral("upload-completed"));
    qint64 offset = -1;
    for (const auto &args : std::as_const(events)) {
        const QJsonObject e = args.first().toJsonObject();
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("upload-resumed")) {
            const QJsonObject r = e.value(QLatin1String("response")).toObject();
            QVERIFY(r.value(QLatin1String("restarted")).toBool());
            offset = qint64(r.value(QLatin1String("offset")).toDouble());
        }
    }
    QVERIFY2(offset > 0 && offset <= 5 * 1024 * 1024, qPrintable(QString::number(offset)));
    // The server checked the whole file's SHA-256, re-hashed prefix included.
    const QJsonObject info = result.value(QLatin1String("response"))
                                 .toObject()
                                 .value(QLatin1String("uploadInfo"))
                                 .toObject();
    QCOMPARE(qint64(info.value(QLatin1String("size")).toDouble()), qint64(12 * 1024 * 1024));
    QVERIFY(UploadStateStore(room->uploadStateFolder())
                .list(UploadStateStore::linkKey(
                    m_link.section(QStringLiteral("token="), 1).section(QLatin1Char('&'), 0, 0)))
                .isEmpty());
    room->disconnectFromRoom();
}

// The same link open twice (a second app instance, two CLI runs at once): only the first
// takes the recorded session; the second joins as a new participant instead of taking the
// session over in turns with the first.
void TestUploadState::secondProcessLeavesTheSessionAlone()
{
    const QString path
        = TestUtil::makeFile(m_tmp.path(), QStringLiteral("minutes.bin"), 8 * 1024 * 1024);
    const QString before = sendAndAbandon(path, 3 * 1024 * 1024);
    QVERIFY(!before.isEmpty());
    auto first = join();
    QVERIFY(first);
    QCOMPARE(first->clientId(), before);
    auto second = join();
    QVERIFY(second);
    QVERIFY(second->clientId() != before);
    QVERIFY(second->unfinishedUploads().isEmpty());
    QTest::qWait(500);
    QCOMPARE(first->state(), Room::State::Connected);
    QCOMPARE(first->unfinishedUploads().size(), 1);
    QJsonObject discarded;
    first->discardUpload(first->unfinishedUploads().first().uploadId,
                         [&](const QJsonObject &r) { discarded = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!discarded.isEmpty(), 10000);
    QCOMPARE(discarded.value(QLatin1String("result")).toInt(), 0);
    QVERIFY(first->unfinishedUploads().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(filesUnder(m_tmp.filePath(QStringLiteral("server/partial"))),
                              QStringList(), 10000);
    // Once the first is gone, its lock goes with it: the next Room sees the link's records
    // again (here one for an upload the server never had).
    first.reset();
    second.reset();
    UnfinishedUpload ghost;
    ghost.linkKey = UploadStateStore::linkKey(
        m_link.section(QStringLiteral("token="), 1).section(QLatin1Char('&'), 0, 0));
    ghost.sessionId = QStringLiteral("no-such-session");
    ghost.uploadId = 4242;
    ghost.path = path;
    ghost.size = QFileInfo(path).size();
    ghost.modifiedMs = QFileInfo(path).lastModified().toMSecsSinceEpoch();
    ghost.savedAtMs = 1;
    QVERIFY(UploadStateStore(m_tmp.filePath(QStringLiteral("state"))).save(ghost));
    auto third = join();
    QVERIFY(third);
    QCOMPARE(third->unfinishedUploads().size(), 1);
    // Not the server's: resuming it ends with the server's 1190 and forgets it.
    QJsonObject result;
    QVERIFY(third->resumeUpload(4242, [&](const QJsonObject &r) { result = r; }) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 10000);
    QCOMPARE(result.value(QLatin1String("result")).toInt(), int(ErrorCode::UnknownJob));
    QVERIFY(third->unfinishedUploads().isEmpty());
    third->disconnectFromRoom();
}

QTEST_MAIN(TestUploadState)
#include "tst_uploadstate.moc"
