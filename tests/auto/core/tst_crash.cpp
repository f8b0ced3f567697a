// kill -9 of the real roomshare-server executable at many points of uploads and downloads,
// then a restart on the same data folder and port: every transfer completes byte-identical,
// each file is announced exactly once. Also the CLI riding out a server restart.

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QUuid>

#include "faultproxy.h"
#include "protocol.h"
#include "room.h"
#include "serverprocess.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;

namespace {
constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 FileSize = 24 * MiB;
constexpr int LongWait = 60000;
// The received bytes the server has not made durable yet: at most 8 MiB (checkpoints
// every 4 MiB run on a thread and may lag by one more interval) or a second's worth.
constexpr qint64 DurableInterval = 8 * MiB;

//! Spins the event loop without sleeping until \a job has moved \a bytes (or is gone), so
//! the kill lands right at the chosen point of a fast loopback transfer.
bool waitForBytes(const QPointer<TransferJob> &job, qint64 bytes, int timeoutMs = LongWait)
{
    QElapsedTimer t;
    t.start();
    while (job && job->processedBytes() < bytes && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return job && job->processedBytes() >= bytes;
}

//! Counts fileAvailable per index, to prove "announced exactly once".
struct AnnouncementCounter
{
    QHash<qint64, int> counts;
    void attach(Room *room)
    {
        QObject::connect(room, &Room::fileAvailable, room,
                         [this](const FileInfo &f) { ++counts[f.index]; });
        QObject::connect(room, &Room::availableFilesReset, room, [this, room] {
            for (const auto &f : room->availableFileList())
                ++counts[f.index];
        });
    }
};

} // namespace

class TestCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void killDuringUpload_data();
    void killDuringUpload();
    void killDuringDownload_data();
    void killDuringDownload();
    void killBetweenLastChunkAndAnnouncement();
    void killDuringGroupCommitOfSmallFiles();
    void restartSweepsLeftoversAndKeepsIndexes();
    void restartKeepsMembersForTheGracePeriod();
    void cliSendAndRecvRideOutRestarts();

private:
    std::unique_ptr<Room> join(const QString &name);
    //! \a room downloads file \a index into the folder "bob"; it must be \a source's bytes.
    void downloadAndCompare(Room *room, qint64 index, const QString &source);
    QString dir(const QString &name);
    bool restart(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    static qint64 indexOf(const QJsonObject &uploadResult)
    {
        return qint64(uploadResult[QLatin1String("response")][QLatin1String("uploadInfo")]
                                  [QLatin1String("index")]
                                      .toDouble(-1));
    }

    QTemporaryDir m_sourceDir;
    QString m_source;
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<ServerProcess> m_server;
};

void TestCrash::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(!qEnvironmentVariable("ROOMSHARE_SERVER_BIN").isEmpty());
    QVERIFY(m_sourceDir.isValid());
    m_source = TestUtil::makeFile(m_sourceDir.path(), QStringLiteral("payload.bin"), FileSize);
    QVERIFY(!m_source.isEmpty());
}

void TestCrash::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    const QString secret = m_tmp->filePath(QStringLiteral("secret"));
    QFile f(secret);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(TestUtil::testSecret());
    f.close();
    m_server = std::make_unique<ServerProcess>(dir(QStringLiteral("data")), secret);
    QVERIFY(m_server->start());
}

void TestCrash::cleanup()
{
    m_server.reset();
    m_tmp.reset();
}

QString TestCrash::dir(const QString &name)
{
    const QString path = m_tmp->filePath(name);
    QDir().mkpath(path);
    return path;
}

bool TestCrash::restart(const QProcessEnvironment &env)
{
    m_server->kill();
    return m_server->start(env);
}

std::unique_ptr<Room> TestCrash::join(const QString &name)
{
    auto r = std::make_unique<Room>();
    r->setReconnectWindow(LongWait);
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(m_server->url(), QStringLiteral("standup"), name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

void TestCrash::downloadAndCompare(Room *room, qint64 index, const QString &source)
{
    QJsonObject dl;
    room->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                    [&](const QJsonObject &r) { dl = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!dl.isEmpty(), LongWait);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(
        TestUtil::sha256Of(QDir(dir(QStringLiteral("bob"))).filePath(QFileInfo(source).fileName())),
        TestUtil::sha256Of(source));
}

void TestCrash::killDuringUpload_data()
{
    QTest::addColumn<int>("percent");
    // Later points would let the server receive everything still in flight (the window is
    // a third of the file) before it dies: the upload would simply complete.
    for (const int p : { 5, 25, 45, 60 })
        QTest::addRow("%d%%", p) << p;
}

void TestCrash::killDuringUpload()
{
    QFETCH(int, percent);
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    AnnouncementCounter announced;
    announced.attach(bob.get());
    QJsonObject result;
    const auto ids = alice->sendFiles({ m_source }, {}, [&](const QJsonObject &r) { result = r; });
    QPointer<TransferJob> job = alice->job(TransferInfo::Direction::Upload, ids.value(0));
    QVERIFY(job);
    TransferInfo info;
    connect(job, &TransferJob::finished, this, [&](TransferJob *j) { info = j->info(); });
    QVERIFY2(waitForBytes(job, FileSize * percent / 100), "the upload finished before the kill");
    const qint64 acked = job->processedBytes();
    QVERIFY(restart());
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), LongWait);
    QCOMPARE(result.value(QLatin1String("result")).toInt(-1), 0);
    QVERIFY(info.resumeCount >= 1);
    qInfo("server killed at %lld of %lld bytes acknowledged: %lld bytes re-sent after the "
          "resume",
          acked, FileSize, info.resentBytes);
    QVERIFY(info.resentBytes <= Protocol::UploadWindow + DurableInterval + 2 * Protocol::ChunkSize);

    const qint64 index = indexOf(result);
    QTRY_VERIFY_WITH_TIMEOUT(bob->file(index).isValid(), 10000);
    downloadAndCompare(bob.get(), index, m_source);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(announced.counts.value(index), 1);
    QCOMPARE(bob->availableFileList().size(), 1);
}

void TestCrash::killDuringDownload_data()
{
    QTest::addColumn<int>("percent");
    for (const int p : { 10, 35, 60 })
        QTest::addRow("%d%%", p) << p;
}

void TestCrash::killDuringDownload()
{
    QFETCH(int, percent);
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QJsonObject up;
    alice->sendFiles({ m_source }, {}, [&](const QJsonObject &r) { up = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!up.isEmpty(), LongWait);
    const qint64 index = indexOf(up);
    QTRY_VERIFY(bob->file(index).isValid());
    QList<qint64> offsets;
    connect(bob.get(), &Room::fsDownloadResult, this, [&](const QJsonObject &e) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("download-resumed"))
            offsets << qint64(e[QLatin1String("response")][QLatin1String("offset")].toDouble());
    });
    QJsonObject dl;
    const qint64 id
        = bob->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                         [&](const QJsonObject &r) { dl = r; });
    QPointer<TransferJob> job = bob->job(TransferInfo::Direction::Download, id);
    QVERIFY2(waitForBytes(job, FileSize * percent / 100), "the download finished before the kill");
    const qint64 had = job->processedBytes();
    QVERIFY(restart());
    QTRY_VERIFY_WITH_TIMEOUT(!dl.isEmpty(), LongWait);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QVERIFY2(offsets.size() == 1, qPrintable(QString::number(offsets.size())));
    qInfo("server killed with %lld of %lld bytes received: resumed at %lld", had, FileSize,
          offsets.value(0));
    QVERIFY(offsets.value(0) >= had);
    QCOMPARE(TestUtil::sha256Of(
                 QDir(dir(QStringLiteral("bob"))).filePath(QStringLiteral("payload.bin"))),
             TestUtil::sha256Of(m_source));
}

void TestCrash::killBetweenLastChunkAndAnnouncement()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ROOMSHARE_FAULT_PAUSE_BEFORE_ANNOUNCE_MS"), QStringLiteral("60000"));
    QVERIFY(restart(env));
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    AnnouncementCounter announced;
    announced.attach(bob.get());
    const QString small
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("small.bin"), 3 * MiB);
    QJsonObject result;
    alice->sendFiles({ small }, {}, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(m_server->stderrText().contains("fault-pause-before-announce"),
                             LongWait);
    // The verified file is already in place; nobody has been told.
    const QString data = dir(QStringLiteral("data"));
    QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/partial")), QStringList());
    QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/files")).size(), 1);
    QVERIFY(result.isEmpty());
    QVERIFY(announced.counts.isEmpty());

    QVERIFY(restart()); // without the hook
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), LongWait);
    QCOMPARE(result.value(QLatin1String("result")).toInt(-1), 0);
    const qint64 index = indexOf(result);
    QVERIFY(index > 0);
    QTRY_VERIFY_WITH_TIMEOUT(bob->file(index).isValid(), 10000);
    QTest::qWait(300);
    QCOMPARE(announced.counts.value(index), 1);
    QCOMPARE(bob->availableFileList().size(), 1);

    // Once more: a further restart neither loses it nor publishes it again.
    QVERIFY(restart());
    QTRY_COMPARE_WITH_TIMEOUT(bob->state(), Room::State::Reconnecting, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(bob->state(), Room::State::Connected, LongWait);
    QCOMPARE(bob->availableFileList().size(), 1);
    QCOMPARE(announced.counts.value(index), 1);
    QJsonObject dl;
    bob->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                   [&](const QJsonObject &r) { dl = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!dl.isEmpty(), LongWait);
    QCOMPARE(dl.value(QLatin1String("result")).toInt(-1), 0);
    QCOMPARE(
        TestUtil::sha256Of(QDir(dir(QStringLiteral("bob"))).filePath(QStringLiteral("small.bin"))),
        TestUtil::sha256Of(small));
}

void TestCrash::killDuringGroupCommitOfSmallFiles()
{
    // Many small files are published together (one group commit). Killed while a group is
    // in place but not yet recorded, with other uploads accepted or still unanswered: after
    // the restart every file arrives exactly once, byte-identical.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("ROOMSHARE_FAULT_PAUSE_BEFORE_ANNOUNCE_MS"), QStringLiteral("60000"));
    QVERIFY(restart(env));
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    AnnouncementCounter announced;
    announced.attach(bob.get());
    constexpr int Count = 40;
    QStringList paths;
    QSet<QString> hashes;
    for (int i = 0; i < Count; ++i) {
        paths << TestUtil::makeFile(dir(QStringLiteral("alice")),
                                    QStringLiteral("small%1.bin").arg(i), 4096 + i);
        hashes.insert(QString::fromLatin1(TestUtil::sha256Of(paths.last()).toHex()));
    }
    QCOMPARE(hashes.size(), Count);
    QList<QJsonObject> results;
    alice->sendFiles(paths, {}, [&](const QJsonObject &r) { results.append(r); });
    QTRY_VERIFY_WITH_TIMEOUT(m_server->stderrText().contains("fault-pause-before-announce"),
                             LongWait);
    QVERIFY(results.isEmpty());
    QVERIFY(announced.counts.isEmpty());
    QTest::qWait(200); // let the server print every upload of the group
    qInfo("killed with %lld uploads of the group in place, not yet recorded",
          qint64(m_server->stderrText().count("fault-pause-before-announce")));

    QVERIFY(restart()); // without the hook
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), Count, LongWait);
    QSet<qint64> indexes;
    for (const QJsonObject &r : std::as_const(results)) {
        QCOMPARE(r.value(QLatin1String("result")).toInt(-1), 0);
        indexes.insert(indexOf(r));
    }
    QCOMPARE(indexes.size(), Count);
    QTRY_COMPARE_WITH_TIMEOUT(bob->availableFileList().size(), Count, 10000);
    QTest::qWait(300);
    QSet<QString> offered;
    for (const FileInfo &f : bob->availableFileList()) {
        QCOMPARE(announced.counts.value(f.index), 1);
        QVERIFY(indexes.contains(f.index));
        offered.insert(f.sha256);
    }
    QCOMPARE(offered, hashes);

    // The bytes behind the announcements are the sent ones.
    int downloaded = 0;
    for (const FileInfo &f : bob->availableFileList()) {
        bob->recvFiles(f.index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                       [&](const QJsonObject &r) {
                           QCOMPARE(r.value(QLatin1String("result")).toInt(-1), 0);
                           ++downloaded;
                       });
    }
    QTRY_COMPARE_WITH_TIMEOUT(downloaded, Count, LongWait);
    QSet<QString> received;
    for (const QString &name : TestUtil::filesIn(dir(QStringLiteral("bob"))))
        received.insert(QString::fromLatin1(
            TestUtil::sha256Of(QDir(dir(QStringLiteral("bob"))).filePath(name)).toHex()));
    QCOMPARE(received, hashes);
}

void TestCrash::restartSweepsLeftoversAndKeepsIndexes()
{
    auto alice = join(QStringLiteral("Alice"));
    QVERIFY(alice);
    const QString small
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("a.bin"), 100000);
    QJsonObject first;
    alice->sendFiles({ small }, {}, [&](const QJsonObject &r) { first = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!first.isEmpty(), LongWait);
    QCOMPARE(indexOf(first), 1);
    alice.reset();

    const QString data = dir(QStringLiteral("data"));
    m_server->kill();
    // Leftovers of a crash: storage the database does not know.
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QVERIFY(
        TestUtil::makeFile(data + QStringLiteral("/partial"), uuid + QStringLiteral(".part"), 1000)
            .size());
    QVERIFY(TestUtil::makeFile(data + QStringLiteral("/files"),
                               QUuid::createUuid().toString(QUuid::WithoutBraces), 1000)
                .size());
    QVERIFY(TestUtil::makeFile(data + QStringLiteral("/files"), QStringLiteral("not-ours.txt"), 10)
                .size());
    QVERIFY(m_server->start());
    QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/partial")), QStringList());
    QCOMPARE(TestUtil::filesIn(data + QStringLiteral("/files")).size(), 2); // ours + not-ours.txt

    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(bob);
    QCOMPARE(bob->availableFileList().size(), 1);
    QCOMPARE(bob->availableFileList().at(0).index, 1);
    QJsonObject second;
    bob->sendFiles({ small }, {}, [&](const QJsonObject &r) { second = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!second.isEmpty(), LongWait);
    QCOMPARE(indexOf(second), 2); // never reused
}

void TestCrash::restartKeepsMembersForTheGracePeriod()
{
    // A restart drops everyone at once. Whoever is back first must still see the others and
    // be able to target a file at them; those who never come back leave after the grace.
    constexpr int GraceSeconds = 8;
    m_server->extraArguments = { QStringLiteral("--idle-timeout"), QString::number(GraceSeconds) };
    QVERIFY(restart());
    FaultProxy proxy(m_server->port());
    QVERIFY(proxy.listen());
    auto alice = join(QStringLiteral("Alice"));
    QVERIFY(alice);
    auto bob = std::make_unique<Room>();
    bob->setReconnectWindow(LongWait);
    QSignalSpy bobConnected(bob.get(), &Room::connected);
    QVERIFY(bob->connectToRoom(
        TestUtil::invite(proxy.url(), QStringLiteral("standup"), QStringLiteral("Bob"))));
    QVERIFY(bobConnected.wait(10000));
    const QString bobId = bob->clientId();
    QTRY_COMPARE(alice->participants().size(), 2);

    QElapsedTimer sinceRestart;
    QList<qint64> bobLeftAt;
    connect(alice.get(), &Room::participantLeft, this, [&](const Participant &p) {
        if (p.clientId == bobId)
            bobLeftAt << sinceRestart.elapsed();
    });
    // Bob cannot come back until the proxy lets WebSocket handshakes through again.
    proxy.refuseWhereClientBegan("GET ");
    QSignalSpy aliceConnected(alice.get(), &Room::connected);
    QVERIFY(restart());
    sinceRestart.start();
    QVERIFY(aliceConnected.wait(LongWait));
    QVERIFY2(bobLeftAt.isEmpty(), "Bob was reported gone as soon as Alice was back");
    bool bobListed = false;
    for (const Participant &p : alice->participants())
        bobListed = bobListed || p.clientId == bobId;
    QVERIFY2(bobListed, "Alice's participant list lost Bob across the restart");

    const QString small
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("for-bob.bin"), 300000);
    QJsonObject sent;
    alice->sendFiles({ small },
                     { { QStringLiteral("broadcast"), false },
                       { QStringLiteral("clientList"), QJsonArray{ bobId } } },
                     [&](const QJsonObject &r) { sent = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!sent.isEmpty(), LongWait);
    QVERIFY2(sent.value(QLatin1String("result")).toInt(-1) == 0,
             QJsonDocument(sent).toJson(QJsonDocument::Compact).constData());
    QVERIFY2(bobLeftAt.isEmpty(), "Bob left before the grace period was over");

    // Bob stays away: he leaves once the grace period is over, not before, not never.
    QTRY_VERIFY_WITH_TIMEOUT(!bobLeftAt.isEmpty(), GraceSeconds * 1000 + 10000);
    QCOMPARE(bobLeftAt.size(), 1);

    // Back later, he resumes his session and the file targeted at him is there.
    QSignalSpy bobJoined(alice.get(), &Room::participantJoined);
    proxy.refuseWhereClientBegan({});
    const qint64 index = indexOf(sent);
    QTRY_VERIFY_WITH_TIMEOUT(bob->file(index).isValid(), LongWait);
    QCOMPARE(bob->clientId(), bobId);
    QTRY_VERIFY(!bobJoined.isEmpty());
    downloadAndCompare(bob.get(), index, small);
}

void TestCrash::cliSendAndRecvRideOutRestarts()
{
    const QString cli = qEnvironmentVariable("ROOMSHARE_CLI_BIN");
    QVERIFY(!cli.isEmpty());
    const QString big
        = TestUtil::makeFile(dir(QStringLiteral("src")), QStringLiteral("big.bin"), 64 * MiB);
    const QString link
        = TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Script"));
    auto readEvents = [](QProcess &p, QList<QJsonObject> &events, QByteArray &buffer) {
        buffer += p.readAllStandardOutput();
        int nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
            events << QJsonDocument::fromJson(buffer.left(nl)).object();
            buffer.remove(0, nl + 1);
        }
    };
    auto types = [](const QList<QJsonObject> &events) {
        QStringList out;
        for (const auto &e : events)
            out << e.value(QLatin1String("messageType")).toString();
        return out;
    };
    const QString partialDir = dir(QStringLiteral("data")) + QStringLiteral("/partial");
    auto partialBytes = [&] {
        qint64 n = 0;
        for (const QString &f : TestUtil::filesIn(partialDir))
            n += QFileInfo(QDir(partialDir).filePath(f)).size();
        return n;
    };

    // send: the server dies mid-upload and comes back; the command still succeeds.
    QProcess send;
    send.start(cli,
               { QStringLiteral("send"), link, big, QStringLiteral("--reconnect-window"),
                 QStringLiteral("30") });
    QVERIFY(send.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(partialBytes() > 4 * MiB || send.state() == QProcess::NotRunning,
                             LongWait);
    QVERIFY2(send.state() == QProcess::Running, "the upload finished before the kill");
    QVERIFY(restart());
    QVERIFY(send.waitForFinished(LongWait));
    QList<QJsonObject> events;
    QByteArray buffer;
    readEvents(send, events, buffer);
    QCOMPARE(send.exitCode(), 0);
    const QStringList sendTypes = types(events);
    QVERIFY2(sendTypes.contains(QStringLiteral("upload-resumed")),
             qPrintable(sendTypes.join(QLatin1Char(' '))));
    QVERIFY(sendTypes.contains(QStringLiteral("upload-completed")));

    // recv: the same, for a download.
    const QString out = dir(QStringLiteral("out"));
    QProcess recv;
    recv.start(cli,
               { QStringLiteral("recv"), link, QStringLiteral("--index"), QStringLiteral("1"),
                 QStringLiteral("--out"), out, QStringLiteral("--reconnect-window"),
                 QStringLiteral("30") });
    QVERIFY(recv.waitForStarted());
    const QString part = QDir(out).filePath(QStringLiteral("big.bin.roomshare-part"));
    QTRY_VERIFY_WITH_TIMEOUT(
        QFileInfo(part).size() > 4 * MiB || recv.state() == QProcess::NotRunning, LongWait);
    QVERIFY2(recv.state() == QProcess::Running, "the download finished before the kill");
    QVERIFY(restart());
    QVERIFY(recv.waitForFinished(LongWait));
    events.clear();
    buffer.clear();
    readEvents(recv, events, buffer);
    QCOMPARE(recv.exitCode(), 0);
    const QStringList recvTypes = types(events);
    QVERIFY2(recvTypes.contains(QStringLiteral("download-resumed")),
             qPrintable(recvTypes.join(QLatin1Char(' '))));
    QCOMPARE(TestUtil::sha256Of(QDir(out).filePath(QStringLiteral("big.bin"))),
             TestUtil::sha256Of(big));
}

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
