// Fault injection between real Room clients and the real room server class: a proxy cuts,
// resets, stalls or corrupts the stream, and every transfer must still complete with
// byte-identical results, re-sending only a window's worth of data.

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include "dataframes.h"
#include "faultproxy.h"
#include "protocol.h"
#include "room.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;
using Roomshare::Server::RoomServer;
using Roomshare::Server::ServerOptions;

namespace {
constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
constexpr qint64 FileSize = 32 * MiB;
constexpr int LongWait = 60000;
// Protocol overhead allowed on top of the payload in the proxy's byte counts: chunk and
// frame headers (~30 bytes per 256 KiB) and the JSON control messages.
constexpr qint64 OverheadSlack = 256 * KiB;
// How a data channel connection begins (docs/protocol.md, "Data channel"): the proxy cuts
// only connections that start with it.
const QByteArray DataChannelGreeting = DataFrames::Greeting.toByteArray();
} // namespace

class TestResume : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void uploadCut_data();
    void uploadCut();
    void downloadCut_data();
    void downloadCut();
    void uploadDataChannelCut_data();
    void uploadDataChannelCut();
    void downloadDataChannelCut_data();
    void downloadDataChannelCut();
    void chunksOvertakingTheirAcceptanceAreHeld();
    void dataChannelRefusedFallsBackToWebSocket();
    void dataChannelUnansweredFallsBackToWebSocket();
    void resetDuringBothDirections();
    void flippedByteOnUploadIsResent();
    void flippedByteOnDownloadIsRefetched();
    void stalledPeerDetectedOnBothSides();
    void takeoverKeepsClientIdAndAnnouncesNothing();
    void reconnectWindowPassesJobsFail();
    void downloadContinuesAfterAppRestart();
    void queuedUploadsSurviveADrop();

private:
    std::unique_ptr<Room> join(const QString &name, const QUrl &url);
    QString dir(const QString &name);
    QString inviteVia(const QUrl &url, const QString &name) const
    {
        return TestUtil::invite(url, QStringLiteral("standup"), name);
    }
    //! Uploads \a path from \a room; waits for the final callback.
    static QJsonObject sendAndWait(Room *room, const QString &path, TransferInfo *info = nullptr);
    static QJsonObject recvAndWait(Room *room, qint64 index, const QString &saveDir,
                                   TransferInfo *info = nullptr);
    static qint64 indexOf(const QJsonObject &uploadResult)
    {
        return qint64(uploadResult[QLatin1String("response")][QLatin1String("uploadInfo")]
                                  [QLatin1String("index")]
                                      .toDouble(-1));
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<RoomServer> m_server;
    std::unique_ptr<FaultProxy> m_proxy;
    QString m_source; //!< FileSize random bytes, made once
    QTemporaryDir m_sourceDir;
};

void TestResume::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_sourceDir.isValid());
    m_source = TestUtil::makeFile(m_sourceDir.path(), QStringLiteral("payload.bin"), FileSize);
    QVERIFY(!m_source.isEmpty());
}

void TestResume::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    ServerOptions o;
    o.dataDir = dir(QStringLiteral("server"));
    o.secret = TestUtil::testSecret();
    o.maxFileSize = 0;
    o.pingIntervalMs = 200;
    o.idleTimeoutMs = 1500;
    m_server = std::make_unique<RoomServer>(o);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
    m_proxy = std::make_unique<FaultProxy>(m_server->port());
    QVERIFY(m_proxy->listen());
}

void TestResume::cleanup()
{
    m_proxy.reset();
    m_server.reset();
    m_tmp.reset();
}

QString TestResume::dir(const QString &name)
{
    const QString path = m_tmp->filePath(name);
    QDir().mkpath(path);
    return path;
}

std::unique_ptr<Room> TestResume::join(const QString &name, const QUrl &url)
{
    auto r = std::make_unique<Room>();
    r->setHeartbeat(200, 1500);
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(inviteVia(url, name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

QJsonObject TestResume::sendAndWait(Room *room, const QString &path, TransferInfo *info)
{
    QJsonObject result;
    bool done = false;
    const auto ids = room->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QPointer<TransferJob> job = room->job(TransferInfo::Direction::Upload, ids.value(0));
    if (job && info)
        QObject::connect(job, &TransferJob::finished, room,
                         [info](TransferJob *j) { *info = j->info(); });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < LongWait)
        QTest::qWait(5);
    return result;
}

QJsonObject TestResume::recvAndWait(Room *room, qint64 index, const QString &saveDir,
                                    TransferInfo *info)
{
    QJsonObject result;
    bool done = false;
    const qint64 id = room->recvFiles(index, { { QStringLiteral("saveDir"), saveDir } },
                                      [&](const QJsonObject &r) {
                                          result = r;
                                          done = true;
                                      });
    QPointer<TransferJob> job = room->job(TransferInfo::Direction::Download, id);
    if (job && info)
        QObject::connect(job, &TransferJob::finished, room,
                         [info](TransferJob *j) { *info = j->info(); });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < LongWait)
        QTest::qWait(5);
    return result;
}

void TestResume::uploadCut_data()
{
    QTest::addColumn<qint64>("cutAt");
    for (const int percent : { 3, 25, 50, 75, 97 })
        QTest::addRow("%d%%", percent) << FileSize * percent / 100;
}

void TestResume::uploadCut()
{
    QFETCH(qint64, cutAt);
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    auto bob = join(QStringLiteral("Bob"), m_server->url());
    QVERIFY(alice && bob);
    const QString aliceId = alice->clientId();
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QList<QJsonObject> resumedEvents;
    connect(alice.get(), &Room::fsUploadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("upload-resumed"))
            resumedEvents.append(e);
    });
    // Counted as forwarded: what the proxy read past the cut in the same read never
    // crossed, and under a sanitizer one read can take megabytes.
    const qint64 before = m_proxy->bytesForwarded(FaultProxy::ClientToServer);
    m_proxy->cutAfter(FaultProxy::ClientToServer, cutAt);
    TransferInfo info;
    const QJsonObject result = sendAndWait(alice.get(), m_source, &info);
    QCOMPARE(result.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(m_proxy->cutsDone(), 1);
    QCOMPARE(resumedEvents.size(), 1);
    const qint64 offset = qint64(
        resumedEvents.at(0)[QLatin1String("response")][QLatin1String("offset")].toDouble(-1));
    QVERIFY(offset >= 0 && offset <= cutAt);
    QCOMPARE(alice->clientId(), aliceId); // same identity after the resume

    const qint64 wire = m_proxy->bytesForwarded(FaultProxy::ClientToServer) - before;
    qInfo("upload cut at %lld of %lld: resumed at %lld, re-sent %lld bytes (client count), "
          "%lld bytes on the wire beyond the file size",
          cutAt, FileSize, offset, info.resentBytes, wire - FileSize);
    QVERIFY(info.resentBytes <= Protocol::UploadWindow + Protocol::ChunkSize);
    QVERIFY(wire - FileSize <= Protocol::UploadWindow + Protocol::ChunkSize + OverheadSlack);

    // Byte-identical at the other end, announced exactly once, nobody saw Alice leave.
    const qint64 index = indexOf(result);
    QTRY_COMPARE(bobAvailable.size(), 1);
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    QCOMPARE(bobLeft.size(), 0);
    QCOMPARE(m_server->fileCount(), 1);
    QCOMPARE(TestUtil::filesIn(m_server->partialDir()), QStringList());
}

void TestResume::downloadCut_data()
{
    QTest::addColumn<qint64>("cutAt");
    for (const int percent : { 3, 25, 50, 75, 97 })
        QTest::addRow("%d%%", percent) << FileSize * percent / 100;
}

void TestResume::downloadCut()
{
    QFETCH(qint64, cutAt);
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QVERIFY(index > 0);
    QTRY_VERIFY(bob->file(index).isValid());
    QList<QJsonObject> resumedEvents;
    connect(bob.get(), &Room::fsDownloadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("download-resumed"))
            resumedEvents.append(e);
    });
    // Counted as forwarded: what the proxy read past the cut in the same read never
    // crossed, and under a sanitizer one read can take megabytes.
    const qint64 before = m_proxy->bytesForwarded(FaultProxy::ServerToClient);
    m_proxy->cutAfter(FaultProxy::ServerToClient, cutAt);
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(m_proxy->cutsDone(), 1);
    QCOMPARE(resumedEvents.size(), 1);
    const qint64 offset = qint64(
        resumedEvents.at(0)[QLatin1String("response")][QLatin1String("offset")].toDouble(-1));
    QVERIFY(offset >= 0 && offset <= cutAt);
    // The proxy's cut resets the connection, which discards what the client's socket still
    // held: a cut within the first window can come before the client wrote any of it (seen
    // at 3 % under a sanitizer, resumed from 0). Past one window it must have written some.
    if (cutAt >= Protocol::DownloadWindow)
        QVERIFY2(offset > 0, "the download started over instead of resuming");
    const qint64 wire = m_proxy->bytesForwarded(FaultProxy::ServerToClient) - before;
    qInfo("download cut at %lld of %lld: resumed at %lld, %lld bytes on the wire beyond the "
          "file size",
          cutAt, FileSize, offset, wire - FileSize);
    QVERIFY(wire - FileSize <= Protocol::DownloadWindow + Protocol::ChunkSize + OverheadSlack);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    // Only the finished file is left in the folder: no partial, no sidecar.
    QCOMPARE(TestUtil::filesIn(dir(QStringLiteral("bob"))),
             QStringList{ QStringLiteral("payload.bin") });
}

void TestResume::uploadDataChannelCut_data()
{
    QTest::addColumn<qint64>("cutAt");
    for (const int percent : { 10, 50, 90 })
        QTest::addRow("%d%%", percent) << FileSize * percent / 100;
}

void TestResume::uploadDataChannelCut()
{
    // Only the data channel breaks; the WebSocket beside it stays up as far as the proxy
    // is concerned. Both ends treat it as a drop of the connection and the upload resumes.
    QFETCH(qint64, cutAt);
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    auto bob = join(QStringLiteral("Bob"), m_server->url());
    QVERIFY(alice && bob);
    QVERIFY(alice->usesDataChannel());
    const QString aliceId = alice->clientId();
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QList<QJsonObject> resumedEvents;
    connect(alice.get(), &Room::fsUploadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("upload-resumed"))
            resumedEvents.append(e);
    });
    m_proxy->cutAfter(FaultProxy::ClientToServer, cutAt, DataChannelGreeting);
    TransferInfo info;
    const QJsonObject result = sendAndWait(alice.get(), m_source, &info);
    QVERIFY2(result.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(result).toJson().constData());
    // The cut happened on the data channel, so the chunks travelled there.
    QCOMPARE(m_proxy->cutsDone(), 1);
    QCOMPARE(resumedEvents.size(), 1);
    const qint64 offset = qint64(
        resumedEvents.at(0)[QLatin1String("response")][QLatin1String("offset")].toDouble(-1));
    QVERIFY(offset >= 0 && offset <= cutAt);
    QCOMPARE(info.resumeCount, 1);
    QVERIFY(info.resentBytes <= Protocol::UploadWindow + Protocol::ChunkSize);
    QCOMPARE(alice->clientId(), aliceId);
    QVERIFY(alice->usesDataChannel()); // a new channel with the new connection

    const qint64 index = indexOf(result);
    QTRY_COMPARE(bobAvailable.size(), 1);
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    QCOMPARE(bobAvailable.size(), 1); // announced exactly once
    QCOMPARE(bobLeft.size(), 0);
    QCOMPARE(m_server->fileCount(), 1);
    QCOMPARE(TestUtil::filesIn(m_server->partialDir()), QStringList());
}

void TestResume::downloadDataChannelCut_data()
{
    QTest::addColumn<qint64>("cutAt");
    for (const int percent : { 10, 50, 90 })
        QTest::addRow("%d%%", percent) << FileSize * percent / 100;
}

void TestResume::downloadDataChannelCut()
{
    QFETCH(qint64, cutAt);
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    QVERIFY(bob->usesDataChannel());
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QVERIFY(index > 0);
    QTRY_VERIFY(bob->file(index).isValid());
    QList<QJsonObject> resumedEvents;
    connect(bob.get(), &Room::fsDownloadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("download-resumed"))
            resumedEvents.append(e);
    });
    m_proxy->cutAfter(FaultProxy::ServerToClient, cutAt, DataChannelGreeting);
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QVERIFY2(dl.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(dl).toJson().constData());
    QCOMPARE(m_proxy->cutsDone(), 1);
    QCOMPARE(resumedEvents.size(), 1);
    const qint64 offset = qint64(
        resumedEvents.at(0)[QLatin1String("response")][QLatin1String("offset")].toDouble(-1));
    QVERIFY(offset > 0 && offset <= cutAt);
    QCOMPARE(got.resumeCount, 1);
    QVERIFY(bob->usesDataChannel());
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    QCOMPARE(TestUtil::filesIn(dir(QStringLiteral("bob"))),
             QStringList{ QStringLiteral("payload.bin") });
    // The reconnection did not announce the file again.
    QCOMPARE(bobAvailable.size(), 1);
}

void TestResume::chunksOvertakingTheirAcceptanceAreHeld()
{
    // The server answers download-begin on the WebSocket and starts sending chunks on the
    // data channel; the proxy holds the WebSocket back so the chunks arrive first. The
    // client must keep them until the reply is handled, not drop them and refetch.
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    QVERIFY(bob->usesDataChannel());
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QVERIFY(index > 0);
    QTRY_VERIFY(bob->file(index).isValid());

    const QByteArray webSocket = QByteArrayLiteral("GET ");
    const qint64 before
        = m_proxy->bytesForwardedWhereClientBegan(FaultProxy::ServerToClient, DataChannelGreeting);
    const qint64 repliesBefore
        = m_proxy->bytesForwardedWhereClientBegan(FaultProxy::ServerToClient, webSocket);
    m_proxy->holdWhereClientBegan(FaultProxy::ServerToClient, webSocket);
    TransferInfo got;
    QJsonObject result;
    const qint64 id
        = bob->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                         [&](const QJsonObject &r) { result = r; });
    QPointer<TransferJob> job = bob->job(TransferInfo::Direction::Download, id);
    QVERIFY(job);
    connect(job, &TransferJob::finished, this, [&got](TransferJob *j) { got = j->info(); });
    // Several chunks reached Bob while download-accepted was still held back.
    QTRY_VERIFY(
        m_proxy->bytesForwardedWhereClientBegan(FaultProxy::ServerToClient, DataChannelGreeting)
        > before + 2 * Protocol::ChunkSize);
    QCOMPARE(m_proxy->bytesForwardedWhereClientBegan(FaultProxy::ServerToClient, webSocket),
             repliesBefore);
    m_proxy->releaseHeld();

    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), LongWait);
    QVERIFY2(result.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(result).toJson().constData());
    QCOMPARE(got.resumeCount, 0);
    QCOMPARE(got.resentBytes, 0); // nothing was dropped and fetched again
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
}

void TestResume::resetDuringBothDirections()
{
    // One client uploading and downloading at once through the proxy; the proxy resets
    // every connection twice. Everything completes.
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QTRY_VERIFY(bob->file(index).isValid());
    QJsonObject up, down;
    bob->sendFiles({ m_source }, {}, [&](const QJsonObject &r) { up = r; });
    bob->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                   [&](const QJsonObject &r) { down = r; });
    for (int i = 0; i < 2; ++i) {
        QTRY_VERIFY(m_proxy->bytesForwarded(FaultProxy::ServerToClient) > (i + 1) * 8 * MiB);
        m_proxy->resetAll();
        QTRY_COMPARE(bob->state(), Room::State::Connected);
    }
    QTRY_VERIFY_WITH_TIMEOUT(!up.isEmpty() && !down.isEmpty(), LongWait);
    QVERIFY2(up.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(up).toJson().constData());
    QVERIFY2(down.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(down).toJson().constData());
    QCOMPARE(TestUtil::sha256Of(
                 QDir(dir(QStringLiteral("bob"))).filePath(QStringLiteral("payload.bin"))),
             TestUtil::sha256Of(m_source));
}

void TestResume::flippedByteOnUploadIsResent()
{
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    auto bob = join(QStringLiteral("Bob"), m_server->url());
    QVERIFY(alice && bob);
    // Deep inside the stream, so it lands in a chunk's payload (the server then rejects the
    // chunk by its CRC and the client sends it again).
    m_proxy->flipAt(FaultProxy::ClientToServer, 5 * MiB + 12345);
    TransferInfo info;
    const QJsonObject result = sendAndWait(alice.get(), m_source, &info);
    QCOMPARE(result.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(m_proxy->flipsDone(), 1);
    QCOMPARE(info.resumeCount, 0); // no reconnection needed: a nack did it
    QVERIFY(info.resentBytes >= Protocol::ChunkSize);
    QVERIFY(info.resentBytes <= Protocol::UploadWindow + Protocol::ChunkSize);
    qInfo("flipped byte on upload: %lld bytes re-sent", info.resentBytes);
    TransferInfo got;
    QTRY_VERIFY(bob->file(indexOf(result)).isValid());
    recvAndWait(bob.get(), indexOf(result), dir(QStringLiteral("bob")), &got);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
}

void TestResume::flippedByteOnDownloadIsRefetched()
{
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QTRY_VERIFY(bob->file(index).isValid());
    m_proxy->flipAt(FaultProxy::ServerToClient, 7 * MiB + 4321);
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(m_proxy->flipsDone(), 1);
    QCOMPARE(got.resumeCount, 0);
    QVERIFY(got.resentBytes > 0); // the damaged chunk was discarded
    qInfo("flipped byte on download: %lld bytes discarded", got.resentBytes);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
}

void TestResume::stalledPeerDetectedOnBothSides()
{
    // Server: ping 200 ms, idle timeout 1.5 s. Client: the same.
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    QVERIFY(alice);
    const QString id = alice->clientId();
    QTRY_COMPARE(m_server->connectionCount(), 1);
    // A stalled event loop (the disk's writeback on a busy machine) delays detection by
    // as long as it lasts: the bounds allow exactly the longest stall seen meanwhile.
    qint64 longestStall = 0;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setInterval(20);
    QObject::connect(&ticker, &QTimer::timeout, &ticker,
                     [&] { longestStall = std::max(longestStall, sinceTick.restart() - 20); });
    QElapsedTimer t;
    t.start();
    sinceTick.start();
    ticker.start();
    m_proxy->setStalled(true);
    QTRY_COMPARE_WITH_TIMEOUT(alice->state(), Room::State::Reconnecting, 10000);
    const qint64 clientDetected = t.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, 10000);
    const qint64 serverDetected = t.elapsed();
    ticker.stop();
    qInfo("stalled peer detected by the client after %lld ms, by the server after %lld ms "
          "(timeout 1500 ms, ping 200 ms; longest event-loop stall %lld ms)",
          clientDetected, serverDetected, longestStall);
    // Not before the timeout less one ping interval; no later than the timeout plus one
    // interval, a scheduling margin and any stall of the loop.
    const qint64 latest = 1500 + 200 + 300 + longestStall;
    QVERIFY2(
        clientDetected >= 1300 && clientDetected <= latest,
        qPrintable(
            QStringLiteral("client: %1 ms, allowed 1300..%2").arg(clientDetected).arg(latest)));
    QVERIFY2(serverDetected <= latest + 200,
             qPrintable(QStringLiteral("server: %1 ms, allowed up to %2")
                            .arg(serverDetected)
                            .arg(latest + 200)));
    m_proxy->setStalled(false);
    QTRY_COMPARE_WITH_TIMEOUT(alice->state(), Room::State::Connected, 10000);
    QCOMPARE(alice->clientId(), id);
}

void TestResume::takeoverKeepsClientIdAndAnnouncesNothing()
{
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    auto bob = join(QStringLiteral("Bob"), m_server->url());
    QVERIFY(alice && bob);
    const QString id = alice->clientId();
    QSignalSpy left(bob.get(), &Room::participantLeft);
    QSignalSpy joined(bob.get(), &Room::participantJoined);
    QSignalSpy aliceDisconnected(alice.get(), &Room::disconnected);
    QSignalSpy aliceConnected(alice.get(), &Room::connected);
    m_proxy->resetAll();
    QTRY_COMPARE(aliceConnected.size(), 1);
    QCOMPARE(alice->clientId(), id);
    QCOMPARE(aliceDisconnected.size(), 0);
    QTest::qWait(300);
    QCOMPARE(left.size(), 0);
    QCOMPARE(joined.size(), 0);
    QCOMPARE(m_server->participantCount(), 2);
    // Leaving on purpose is announced at once.
    alice->disconnectFromRoom();
    QTRY_COMPARE_WITH_TIMEOUT(left.size(), 1, 1000);
}

void TestResume::reconnectWindowPassesJobsFail()
{
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    QVERIFY(alice);
    alice->setReconnectWindow(1500);
    m_proxy->setTargetPort(1); // nothing listens there: every attempt fails
    QJsonObject result;
    alice->sendFiles({ m_source }, {}, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY(m_proxy->bytesForwarded(FaultProxy::ClientToServer) > 2 * MiB);
    QSignalSpy disconnected(alice.get(), &Room::disconnected);
    m_proxy->resetAll();
    QTRY_COMPARE(alice->state(), Room::State::Reconnecting);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 5000);
    QCOMPARE(disconnected.at(0).at(0).value<ErrorCode>(), ErrorCode::ConnectionLost);
    QCOMPARE(result.value(QLatin1String("result")).toInt(), int(ErrorCode::ConnectionLost));
    QCOMPARE(alice->state(), Room::State::Disconnected);
}

void TestResume::downloadContinuesAfterAppRestart()
{
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    QVERIFY(alice);
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    const QString saveDir = dir(QStringLiteral("bob"));
    {
        // First "run" of the app: dies (the Room is destroyed) half-way through. The
        // proxy cuts the download at half the file and then goes silent, so the download
        // can neither finish nor resume before the "app" is gone, however fast it runs.
        auto bob = join(QStringLiteral("Bob"), m_proxy->url());
        QVERIFY(bob);
        QTRY_VERIFY(bob->file(index).isValid());
        m_proxy->cutAfter(FaultProxy::ServerToClient, FileSize / 2);
        const qint64 id = bob->recvFiles(index, { { QStringLiteral("saveDir"), saveDir } });
        QPointer<TransferJob> job = bob->job(TransferInfo::Direction::Download, id);
        QVERIFY(job);
        QTRY_COMPARE(m_proxy->cutsDone(), 1);
        m_proxy->setStalled(true);
        QTRY_COMPARE(bob->state(), Room::State::Reconnecting);
        QVERIFY(job && job->processedBytes() >= FileSize / 4);
    }
    m_proxy->setStalled(false);
    const QStringList left = TestUtil::filesIn(saveDir);
    QCOMPARE(left,
             (QStringList{ QStringLiteral("payload.bin.roomshare-part"),
                           QStringLiteral("payload.bin.roomshare-part.json") }));
    const qint64 partial = QFileInfo(QDir(saveDir).filePath(left.at(0))).size();
    QVERIFY(partial >= FileSize / 4);

    // Second run: the same file into the same folder continues the partial.
    auto bob = join(QStringLiteral("Bob2"), m_server->url());
    QVERIFY(bob);
    QList<QJsonObject> resumed;
    connect(bob.get(), &Room::fsDownloadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("download-resumed"))
            resumed.append(e);
    });
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, saveDir, &got);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(resumed.size(), 1);
    QCOMPARE(qint64(resumed.at(0)[QLatin1String("response")][QLatin1String("offset")].toDouble()),
             partial);
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    QCOMPARE(TestUtil::filesIn(saveDir), QStringList{ QStringLiteral("payload.bin") });
}

void TestResume::queuedUploadsSurviveADrop()
{
    // More files than the room runs at once: some are queued (not started) when the
    // connection drops, some start while the room is reconnecting. All must complete.
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    QVERIFY(alice);
    const QString srcDir = dir(QStringLiteral("many"));
    QStringList files;
    for (int i = 0; i < 40; ++i)
        files << TestUtil::makeFile(srcDir, QStringLiteral("f%1.bin").arg(i), 256 * 1024);
    int ok = 0;
    int okAtReset = -1;
    QList<int> failures;
    // The drop comes from the second completion itself: polling for it could see all 40
    // done on a fast machine and test nothing.
    alice->sendFiles(files, {}, [&](const QJsonObject &r) {
        const int code = r.value(QLatin1String("result")).toInt(-1);
        if (code == 0)
            ++ok;
        else
            failures << code;
        if (ok == 2 && okAtReset < 0) {
            okAtReset = ok + int(failures.size());
            m_proxy->resetAll();
        }
    });
    QTRY_VERIFY(okAtReset >= 0);
    QVERIFY(okAtReset < files.size());
    QTRY_VERIFY_WITH_TIMEOUT(ok + failures.size() == files.size(), 30000);
    QCOMPARE(failures, QList<int>());
    QCOMPARE(m_server->fileCount(QStringLiteral("standup")), files.size());
}

void TestResume::dataChannelRefusedFallsBackToWebSocket()
{
    // A proxy that passes only WebSocket closes the data channel at once: the client joins
    // without it and every chunk travels on the WebSocket, both ways.
    m_proxy->refuseWhereClientBegan(DataChannelGreeting);
    auto alice = join(QStringLiteral("Alice"), m_proxy->url());
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(alice && bob);
    QCOMPARE(m_proxy->refusedCount(), 2);
    QVERIFY(!alice->usesDataChannel());
    QVERIFY(!bob->usesDataChannel());
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QVERIFY(index > 0);
    QTRY_VERIFY(bob->file(index).isValid());
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QVERIFY2(dl.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(dl).toJson().constData());
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
    QCOMPARE(
        m_proxy->bytesForwardedWhereClientBegan(FaultProxy::ClientToServer, DataChannelGreeting),
        0);
}

void TestResume::dataChannelUnansweredFallsBackToWebSocket()
{
    // The greeting goes out but no answer ever comes back (a proxy that buffers unknown
    // protocols): after its wait the client joins without the channel, and the server
    // drops the unclaimed channel at its deadline.
    m_proxy->holdWhereClientBegan(FaultProxy::ServerToClient, DataChannelGreeting);
    auto bob = join(QStringLiteral("Bob"), m_proxy->url());
    QVERIFY(bob);
    QVERIFY(!bob->usesDataChannel());
    auto alice = join(QStringLiteral("Alice"), m_server->url());
    QVERIFY(alice);
    QVERIFY(alice->usesDataChannel());
    const qint64 index = indexOf(sendAndWait(alice.get(), m_source));
    QVERIFY(index > 0);
    QTRY_VERIFY(bob->file(index).isValid());
    TransferInfo got;
    const QJsonObject dl = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")), &got);
    QVERIFY2(dl.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(dl).toJson().constData());
    QCOMPARE(TestUtil::sha256Of(got.localPath), TestUtil::sha256Of(m_source));
}

QTEST_GUILESS_MAIN(TestResume)
#include "tst_resume.moc"
