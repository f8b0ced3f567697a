// Disk full and write errors, expiry of partial uploads and files, and a bounded soak of
// connect / send / cancel / disconnect cycles that must leave no descriptors or memory
// behind.

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUrlQuery>
#include <QWebSocket>

#include "chunkheader.h"
#include "protocol.h"
#include "room.h"
#include "testutil.h"
#include "transferjob.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

using namespace Roomshare;
using Roomshare::Server::RoomServer;
using Roomshare::Server::ServerOptions;

namespace {
constexpr qint64 MiB = 1024 * 1024;
constexpr int LongWait = 60000;

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::AllEntries)
                   .size());
}

qint64 residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts.at(1).toLongLong() * 4096 : -1;
}
} // namespace

class TestStorage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void diskFull();
    void receiverDiskFull();
    void writeErrorInjection();
    void syncErrorInjection();
    void partialUploadsExpire();
    void filesExpireAndStorageIsReclaimed();
    void soakConnectSendCancelDisconnect();

private:
    std::unique_ptr<RoomServer>
    startServer(const QString &dataDir, const std::function<void(ServerOptions &)> &configure = {});
    std::unique_ptr<Room> join(const QUrl &url, const QString &name,
                               const QString &room = QStringLiteral("standup"));
    static QJsonObject sendAndWait(Room *room, const QString &path);
    //! Starts the roomshare-server executable on a fresh data folder \a name with one extra
    //! environment variable (the fault hooks are read once per process); its URL, or an
    //! empty one on failure.
    QUrl startServerProcess(QProcess &server, const QString &name, const QString &variable,
                            const QString &value);

    QTemporaryDir m_tmp;
    QString m_mount;
};

void TestStorage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
}

void TestStorage::cleanup()
{
    if (!m_mount.isEmpty()) {
        ::umount2(QFile::encodeName(m_mount).constData(), MNT_DETACH);
        m_mount.clear();
    }
}

std::unique_ptr<RoomServer>
TestStorage::startServer(const QString &dataDir,
                         const std::function<void(ServerOptions &)> &configure)
{
    ServerOptions o;
    o.dataDir = dataDir;
    o.secret = TestUtil::testSecret();
    o.maxFileSize = 0;
    if (configure)
        configure(o);
    auto server = std::make_unique<RoomServer>(o);
    if (!server->listen())
        return nullptr;
    return server;
}

std::unique_ptr<Room> TestStorage::join(const QUrl &url, const QString &name, const QString &room)
{
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(url, room, name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

QJsonObject TestStorage::sendAndWait(Room *room, const QString &path)
{
    QJsonObject result;
    bool done = false;
    room->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < LongWait)
        QTest::qWait(5);
    return result;
}

void TestStorage::diskFull()
{
    // A real small file system: an 8 MiB tmpfs this test mounts itself.
    const QString mountPoint = m_tmp.filePath(QStringLiteral("small-disk"));
    QDir().mkpath(mountPoint);
    if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=8M") != 0) {
        const QByteArray why = qt_error_string(errno).toLocal8Bit();
        // As root (CI runs as root) the test must run: failing to mount is a failure.
        QVERIFY2(::geteuid() != 0, QByteArray("root cannot mount a tmpfs: " + why).constData());
        QSKIP("Cannot mount a tmpfs here (needs root); writeErrorInjection covers the same "
              "path with ROOMSHARE_FAULT_WRITE_ERROR_AFTER");
    }
    m_mount = mountPoint;
    auto server = startServer(mountPoint);
    QVERIFY(server);
    auto alice = join(server->url(), QStringLiteral("Alice"));
    auto bob = join(server->url(), QStringLiteral("Bob"));
    auto carol = join(server->url(), QStringLiteral("Carol"), QStringLiteral("other-room"));
    auto dave = join(server->url(), QStringLiteral("Dave"), QStringLiteral("other-room"));
    QVERIFY(alice && bob && carol && dave);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    const QString srcDir = m_tmp.filePath(QStringLiteral("src"));
    QDir().mkpath(srcDir);
    const QString big = TestUtil::makeFile(srcDir, QStringLiteral("big.bin"), 12 * MiB);
    const QString small = TestUtil::makeFile(srcDir, QStringLiteral("small.bin"), 1 * MiB);

    // The big upload fills the disk and fails with 1194; the other room's upload, running
    // at the same time, completes.
    QJsonObject bigResult, smallResult;
    alice->sendFiles({ big }, {}, [&](const QJsonObject &r) { bigResult = r; });
    carol->sendFiles({ small }, {}, [&](const QJsonObject &r) { smallResult = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!bigResult.isEmpty() && !smallResult.isEmpty(), LongWait);
    QCOMPARE(bigResult.value(QLatin1String("result")).toInt(), int(ErrorCode::StorageError));
    const QString desc = bigResult.value(QLatin1String("desc")).toString();
    QVERIFY2(desc.contains(QLatin1String("disk full")), qPrintable(desc));
    QCOMPARE(smallResult.value(QLatin1String("result")).toInt(-1), 0);
    // Nothing partial is published or left behind.
    QTest::qWait(200);
    QCOMPARE(bobAvailable.size(), 0);
    QCOMPARE(server->fileCount(QStringLiteral("standup")), 0);
    QCOMPARE(TestUtil::filesIn(server->partialDir()), QStringList());

    // The failed upload's space was freed: the next upload fits and works.
    const QString medium = TestUtil::makeFile(srcDir, QStringLiteral("medium.bin"), 3 * MiB);
    const QJsonObject ok = sendAndWait(alice.get(), medium);
    QCOMPARE(ok.value(QLatin1String("result")).toInt(-1), 0);
    QTRY_COMPARE(bobAvailable.size(), 1);
}

// The receiver's disk fills (issue 16): that download ends with 1195 naming the folder, keeps
// what it received, harms no other download, and continues from there once there is space.
void TestStorage::receiverDiskFull()
{
    const QString mountPoint = m_tmp.filePath(QStringLiteral("receiver-disk"));
    QDir().mkpath(mountPoint);
    if (::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", 0, "size=8M") != 0) {
        const QByteArray why = qt_error_string(errno).toLocal8Bit();
        QVERIFY2(::geteuid() != 0, QByteArray("root cannot mount a tmpfs: " + why).constData());
        QSKIP("Cannot mount a tmpfs here (needs root)");
    }
    m_mount = mountPoint;
    auto server = startServer(m_tmp.filePath(QStringLiteral("receiver-disk-server")));
    QVERIFY(server);
    auto alice = join(server->url(), QStringLiteral("Alice"));
    auto bob = join(server->url(), QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    const QString srcDir = m_tmp.filePath(QStringLiteral("receiver-src"));
    QDir().mkpath(srcDir);
    const QString big = TestUtil::makeFile(srcDir, QStringLiteral("big.bin"), 12 * MiB);
    const QString small = TestUtil::makeFile(srcDir, QStringLiteral("small.bin"), 3 * MiB);
    QCOMPARE(sendAndWait(alice.get(), big).value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(sendAndWait(alice.get(), small).value(QLatin1String("result")).toInt(-1), 0);
    QTRY_COMPARE(bob->availableFileList().size(), 2);
    qint64 bigIndex = -1, smallIndex = -1;
    for (const FileInfo &f : bob->availableFileList())
        (f.name == QLatin1String("big.bin") ? bigIndex : smallIndex) = f.index;

    const QString otherDir = m_tmp.filePath(QStringLiteral("receiver-other"));
    QDir().mkpath(otherDir);
    QJsonObject bigResult, smallResult;
    bob->recvFiles(bigIndex, { { QStringLiteral("saveDir"), mountPoint } },
                   [&](const QJsonObject &r) { bigResult = r; });
    bob->recvFiles(smallIndex, { { QStringLiteral("saveDir"), otherDir } },
                   [&](const QJsonObject &r) { smallResult = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!bigResult.isEmpty() && !smallResult.isEmpty(), LongWait);
    QCOMPARE(bigResult.value(QLatin1String("result")).toInt(), int(ErrorCode::LocalFileError));
    const QString desc = bigResult.value(QLatin1String("desc")).toString();
    QVERIFY2(desc.contains(mountPoint) && desc.contains(QLatin1String("kept")), qPrintable(desc));
    QCOMPARE(smallResult.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(otherDir).filePath(QStringLiteral("small.bin"))),
             TestUtil::sha256Of(small));
    // The partial is kept, nothing is shown as complete.
    const QStringList left = TestUtil::filesIn(mountPoint);
    QVERIFY2(!left.contains(QStringLiteral("big.bin")), qPrintable(left.join(QLatin1Char(','))));
    QString partial;
    for (const QString &name : left) {
        if (name.endsWith(QLatin1String(".roomshare-part")))
            partial = QDir(mountPoint).filePath(name);
    }
    QVERIFY2(!partial.isEmpty(), qPrintable(left.join(QLatin1Char(','))));
    const qint64 kept = QFileInfo(partial).size();
    QVERIFY2(kept > 0 && kept < 12 * MiB, qPrintable(QString::number(kept)));
    QTRY_COMPARE(server->downloadCount(), 0); // the server's stream was stopped too

    // Space again: the same download continues from what was kept.
    QVERIFY(
        ::mount("tmpfs", QFile::encodeName(mountPoint).constData(), "tmpfs", MS_REMOUNT, "size=32M")
        == 0);
    qint64 startedAt = -1;
    QMetaObject::Connection added
        = connect(bob.get(), &Room::jobAdded, this, [&](TransferJob *job) {
              connect(job, &TransferJob::started, this,
                      [&, job] { startedAt = job->info().processedBytes; });
          });
    QJsonObject again;
    bob->recvFiles(bigIndex, { { QStringLiteral("saveDir"), mountPoint } },
                   [&](const QJsonObject &r) { again = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!again.isEmpty(), LongWait);
    disconnect(added);
    QCOMPARE(again.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(startedAt, kept);
    QCOMPARE(TestUtil::sha256Of(QDir(mountPoint).filePath(QStringLiteral("big.bin"))),
             TestUtil::sha256Of(big));
    qInfo("receiver disk full: %lld of %lld bytes kept; the retry continued from there", kept,
          qint64(12 * MiB));
}

QUrl TestStorage::startServerProcess(QProcess &server, const QString &name, const QString &variable,
                                     const QString &value)
{
    const QString data = m_tmp.filePath(name);
    QDir().mkpath(data);
    const QString secretFile = QDir(data).filePath(QStringLiteral("secret"));
    QFile f(secretFile);
    if (!f.open(QIODevice::WriteOnly) || f.write(TestUtil::testSecret()) <= 0)
        return QUrl();
    f.close();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(variable, value);
    server.setProcessEnvironment(env);
    server.start(qEnvironmentVariable("ROOMSHARE_SERVER_BIN"),
                 { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                   QStringLiteral("--data"), data, QStringLiteral("--secret-file"), secretFile });
    if (!server.waitForStarted() || !server.waitForReadyRead(10000))
        return QUrl();
    const QString line = QString::fromUtf8(server.readLine()).trimmed();
    const QUrl url(line.section(QLatin1Char(' '), -1));
    if (url.port() <= 0) {
        qWarning() << "unexpected first line from the server:" << line;
        return QUrl();
    }
    return url;
}

void TestStorage::writeErrorInjection()
{
    // The same failure through the test-only hook, with the server executable (the hook is
    // read once per process).
    const QString data = m_tmp.filePath(QStringLiteral("inject"));
    QProcess server;
    const QUrl url = startServerProcess(server, QStringLiteral("inject"),
                                        QStringLiteral("ROOMSHARE_FAULT_WRITE_ERROR_AFTER"),
                                        QString::number(2 * MiB));
    QVERIFY(url.isValid());
    {
        auto alice = join(url, QStringLiteral("Alice"));
        QVERIFY(alice);
        const QString srcDir = m_tmp.filePath(QStringLiteral("src2"));
        QDir().mkpath(srcDir);
        const QJsonObject r = sendAndWait(
            alice.get(), TestUtil::makeFile(srcDir, QStringLiteral("x.bin"), 4 * MiB));
        QCOMPARE(r.value(QLatin1String("result")).toInt(), int(ErrorCode::StorageError));
        QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/partial")), QStringList());
        QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/files")), QStringList());
    }
    server.kill();
    server.waitForFinished();
}

void TestStorage::syncErrorInjection()
{
    // A checkpoint's fdatasync (on the Syncer's thread) failing: that upload fails with
    // 1194 and leaves nothing behind; an upload too small to need a checkpoint, sent at
    // the same time, completes.
    const QString data = m_tmp.filePath(QStringLiteral("inject-sync"));
    QProcess server;
    const QUrl url = startServerProcess(server, QStringLiteral("inject-sync"),
                                        QStringLiteral("ROOMSHARE_FAULT_SYNC_ERROR_AFTER"),
                                        QStringLiteral("0"));
    QVERIFY(url.isValid());
    {
        auto alice = join(url, QStringLiteral("Alice"));
        auto carol = join(url, QStringLiteral("Carol"));
        auto bob = join(url, QStringLiteral("Bob"));
        QVERIFY(alice && carol && bob);
        QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
        const QString srcDir = m_tmp.filePath(QStringLiteral("src-sync"));
        QDir().mkpath(srcDir);
        QJsonObject bigResult, smallResult;
        alice->sendFiles({ TestUtil::makeFile(srcDir, QStringLiteral("big.bin"), 24 * MiB) }, {},
                         [&](const QJsonObject &r) { bigResult = r; });
        carol->sendFiles({ TestUtil::makeFile(srcDir, QStringLiteral("small.bin"), 256 * 1024) },
                         {}, [&](const QJsonObject &r) { smallResult = r; });
        QTRY_VERIFY_WITH_TIMEOUT(!bigResult.isEmpty() && !smallResult.isEmpty(), LongWait);
        QCOMPARE(bigResult.value(QLatin1String("result")).toInt(), int(ErrorCode::StorageError));
        const QString desc = bigResult.value(QLatin1String("desc")).toString();
        QVERIFY2(desc.contains(QLatin1String("sync")), qPrintable(desc));
        QCOMPARE(smallResult.value(QLatin1String("result")).toInt(-1), 0);
        QTRY_COMPARE(bobAvailable.size(), 1);
        QCOMPARE(bobAvailable.at(0).at(0).value<FileInfo>().name, QStringLiteral("small.bin"));
        QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/partial")), QStringList());
    }
    server.kill();
    server.waitForFinished();
}

void TestStorage::partialUploadsExpire()
{
    const QString data = m_tmp.filePath(QStringLiteral("expire-partial"));
    auto server = startServer(data, [](ServerOptions &o) {
        o.partialTtlSeconds = 2;
        o.sessionGraceMs = 0;
    });
    QVERIFY(server);
    // A sender that starts an upload and vanishes (no `leave`): a raw protocol client.
    QWebSocket ws;
    QList<QJsonObject> replies;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
        replies << QJsonDocument::fromJson(text.toUtf8()).object();
    });
    ws.open(server->url());
    QTRY_COMPARE(ws.state(), QAbstractSocket::ConnectedState);
    auto send = [&](const QJsonObject &o) {
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    };
    send({ { QStringLiteral("type"), QStringLiteral("join") },
           { QStringLiteral("rid"), 1 },
           { QStringLiteral("token"),
             QUrlQuery(
                 QUrl(TestUtil::invite(server->url(), QStringLiteral("r"), QStringLiteral("A"))))
                 .queryItemValue(QStringLiteral("token")) } });
    QTRY_COMPARE(replies.size(), 1);
    send({ { QStringLiteral("type"), QStringLiteral("upload-begin") },
           { QStringLiteral("rid"), 2 },
           { QStringLiteral("name"), QStringLiteral("x") },
           { QStringLiteral("size"), 10 * MiB } });
    QTRY_COMPARE(replies.size(), 2);
    const quint32 id = quint32(replies.at(1).value(QLatin1String("uploadId")).toInteger());
    QVERIFY(id > 0);
    ws.sendBinaryMessage(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 0,
                                             QByteArray(int(Protocol::ChunkSize), 'x')));
    QTest::qWait(100);
    ws.abort();
    QTRY_COMPARE(server->connectionCount(), 0);
    // Kept for resuming, also across a restart...
    QCOMPARE(server->uploadCount(), 1);
    server->close();
    QVERIFY(server->listen());
    QCOMPARE(server->uploadCount(), 1);
    QCOMPARE(TestUtil::filesIn(server->partialDir()).size(), 1);
    // ...until nobody resumed it for the partial TTL: then it and its storage are gone.
    QTRY_COMPARE_WITH_TIMEOUT(server->uploadCount(), 0, 6000);
    QCOMPARE(TestUtil::filesIn(server->partialDir()), QStringList());
}

void TestStorage::filesExpireAndStorageIsReclaimed()
{
    const QString data = m_tmp.filePath(QStringLiteral("expire-files"));
    auto server = startServer(data, [](ServerOptions &o) { o.fileTtlSeconds = 1; });
    QVERIFY(server);
    auto alice = join(server->url(), QStringLiteral("Alice"));
    auto bob = join(server->url(), QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy removed(bob.get(), &Room::fileRemoved);
    const QString srcDir = m_tmp.filePath(QStringLiteral("src4"));
    QDir().mkpath(srcDir);
    const QJsonObject r
        = sendAndWait(alice.get(), TestUtil::makeFile(srcDir, QStringLiteral("f.bin"), 100000));
    QCOMPARE(r.value(QLatin1String("result")).toInt(-1), 0);
    const QJsonObject info = r[QLatin1String("response")][QLatin1String("uploadInfo")].toObject();
    QCOMPARE(qint64(info.value(QLatin1String("expiresAt")).toDouble()
                    - info.value(QLatin1String("createdAt")).toDouble()),
             1000);
    QTRY_COMPARE_WITH_TIMEOUT(removed.size(), 1, 5000);
    QCOMPARE(removed.at(0).at(1).toString(), QStringLiteral("expired"));
    QCOMPARE(TestUtil::filesIn(server->filesDir()), QStringList());
    // And it stays gone after a restart (the database forgot it too).
    alice.reset();
    bob.reset();
    server->close();
    QVERIFY(server->listen());
    QCOMPARE(server->fileCount(), 0);
}

void TestStorage::soakConnectSendCancelDisconnect()
{
    // Bounded in count and in time; ROOMSHARE_SOAK_CYCLES lowers it (sanitizer runs).
    const int cycles = qEnvironmentVariableIsSet("ROOMSHARE_SOAK_CYCLES")
        ? qEnvironmentVariableIntValue("ROOMSHARE_SOAK_CYCLES")
        : 2000;
    constexpr qint64 MaxSeconds = 90;
    const QString data = m_tmp.filePath(QStringLiteral("soak"));
    // The ordinary session grace period: every cycle leaves on purpose, so no session may
    // wait for a resume (a `leave` overtaken by the data channel's close once left one).
    auto server = startServer(data);
    QVERIFY(server);
    const QString srcDir = m_tmp.filePath(QStringLiteral("src5"));
    QDir().mkpath(srcDir);
    const QString small = TestUtil::makeFile(srcDir, QStringLiteral("s.bin"), 64 * 1024);
    const QString medium = TestUtil::makeFile(srcDir, QStringLiteral("m.bin"), 2 * MiB);
    auto listener = join(server->url(), QStringLiteral("Listener"));
    QVERIFY(listener);
    const QString link
        = TestUtil::invite(server->url(), QStringLiteral("standup"), QStringLiteral("Cycler"));

    auto cycle = [&](int i) {
        Room room;
        QSignalSpy connected(&room, &Room::connected);
        if (!room.connectToRoom(link) || !connected.wait(5000))
            return false;
        switch (i % 4) {
        case 0: { // send and cancel at once
            const auto ids = room.sendFiles({ medium });
            room.cancelUploads(ids.value(0));
            break;
        }
        case 1: { // send a small file to the end, then withdraw it
            bool done = false;
            const auto ids
                = room.sendFiles({ small }, {}, [&](const QJsonObject &) { done = true; });
            QElapsedTimer t;
            t.start();
            while (!done && t.elapsed() < 5000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            room.cancelUploads(ids.value(0));
            break;
        }
        case 2: // send and just leave mid-way
            room.sendFiles({ medium });
            QCoreApplication::processEvents(QEventLoop::AllEvents, 2);
            break;
        case 3: // connect and leave
            break;
        }
        room.disconnectFromRoom();
        return true;
    };
    auto settle = [&] {
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(server->participantCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(server->uploadCount(), 0, 10000);
        QTest::qWait(50);
    };

    // Warm up so caches and pools settle, then measure.
    for (int i = 0; i < 40; ++i)
        QVERIFY(cycle(i));
    settle();
    const int fdBefore = openDescriptors();
    const qint64 rssBefore = residentBytes();
    QElapsedTimer t;
    t.start();
    int done = 0;
    for (; done < cycles && t.elapsed() < MaxSeconds * 1000; ++done)
        QVERIFY(cycle(done));
    settle();
    const int fdAfter = openDescriptors();
    const qint64 rssAfter = residentBytes();
    qInfo("soak: %d cycles in %lld ms; descriptors %d -> %d; RSS %lld -> %lld KiB", done,
          t.elapsed(), fdBefore, fdAfter, rssBefore / 1024, rssAfter / 1024);
    QVERIFY(done >= qMin(cycles, 200));
    QVERIFY2(fdAfter <= fdBefore + 4, "file descriptors leaked");
    const qint64 slack = (qEnvironmentVariableIsSet("ROOMSHARE_SOAK_RSS_SLACK_MB")
                              ? qEnvironmentVariableIntValue("ROOMSHARE_SOAK_RSS_SLACK_MB")
                              : 24)
        * MiB;
    QVERIFY2(rssAfter <= rssBefore + slack, "memory grew");
    QCOMPARE(server->participantCount(), 1);
    QCOMPARE(TestUtil::filesIn(server->partialDir()), QStringList());
}

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
