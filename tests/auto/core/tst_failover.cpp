// Issue 14, "A node dies": two real roomshare-server nodes on one real PostgreSQL and one
// real S3 bucket (Swift + s3api), real clients (the core Room library) holding invite
// links that name both nodes. Node 1 is killed (SIGKILL) under an upload and under a
// download: the clients find node 2 by themselves, resume their sessions there with the
// same client id, and the transfers continue from the durable offsets. Run by
// tests/extra/scaleout-nodes.sh, which starts both fixtures and passes
// ROOMSHARE_TEST_POSTGRES, S3_ENDPOINT, S3_REGION and the keys; each test function gets a
// database and a bucket of its own.

#include "faultproxy.h"
#include "room.h"
#include "serverprocess.h"
#include "testutil.h"
#include "transferjob.h"

#include <invite.h>
#include <s3client_p.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <memory>

#include <signal.h>

using namespace Roomshare;
using Roomshare::Server::S3Client;
using Roomshare::Server::S3Config;
using Roomshare::Server::S3Error;
using Roomshare::Server::S3Job;

namespace {

constexpr int Wait = 20000;
constexpr qint64 MiB = 1024 * 1024;
// Long enough for node 2 to find node 1 silent (three 2 s heartbeats, NodeEvents): a
// participant moved over must not be taken away then, nor a file announced again.
constexpr int PastNodeLostMs = 8000;

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

bool hasParticipant(const Room &room, const QString &clientId)
{
    const auto list = room.participants();
    return std::any_of(list.cbegin(), list.cend(),
                       [&](const Participant &p) { return p.clientId == clientId; });
}

bool runJob(S3Job *job, int timeoutMs = 30000)
{
    QEventLoop loop;
    QObject::connect(job, &S3Job::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!job->isFinished())
        loop.exec();
    return job->isFinished();
}

//! A bare WebSocket participant that counts every `file-available` on the wire: the Room
//! library drops a repeat of an index it knows, this does not.
class WireObserver
{
public:
    bool join(const QUrl &url, const QString &token)
    {
        QObject::connect(
            &m_socket, &QWebSocket::textMessageReceived, &m_socket, [this](const QString &text) {
                const QJsonObject msg = QJsonDocument::fromJson(text.toUtf8()).object();
                const QString type = msg.value(QLatin1String("type")).toString();
                if (type == QLatin1String("joined"))
                    m_joined = true;
                else if (type == QLatin1String("file-available"))
                    m_available.append(msg.value(QLatin1String("file"))
                                           .toObject()
                                           .value(QLatin1String("name"))
                                           .toString());
            });
        QSignalSpy connected(&m_socket, &QWebSocket::connected);
        m_socket.open(url);
        if (!connected.wait(Wait))
            return false;
        m_socket.sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{ { QStringLiteral("type"), QStringLiteral("join") },
                                       { QStringLiteral("token"), token } })
                .toJson(QJsonDocument::Compact)));
        QElapsedTimer t;
        t.start();
        while (!m_joined && t.elapsed() < Wait)
            QTest::qWait(10);
        return m_joined;
    }
    int count(const QString &name) const { return int(m_available.count(name)); }

private:
    QWebSocket m_socket;
    bool m_joined = false;
    QStringList m_available;
};

// What the core library says when an upload resumes: "... resumes at OFFSET of TOTAL (had
// sent SENT)"; SENT - OFFSET is what the client sends again.
QStringList g_resumeLines;
QtMessageHandler g_previousHandler = nullptr;

void recordResumes(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (text.contains(QLatin1String("resumes at")))
        g_resumeLines.append(text);
    if (g_previousHandler)
        g_previousHandler(type, context, text);
}

qint64 bytesSentAgain()
{
    static const QRegularExpression re(
        QStringLiteral("resumes at (\\d+) of \\d+ \\(had sent (\\d+)\\s*\\)"));
    for (const QString &line : std::as_const(g_resumeLines)) {
        const auto m = re.match(line);
        if (m.hasMatch())
            return m.captured(2).toLongLong() - m.captured(1).toLongLong();
    }
    return -1;
}

int countNamed(const QSignalSpy &spy, const QString &name)
{
    int n = 0;
    for (const QList<QVariant> &args : spy) {
        if (args.at(0).value<FileInfo>().name == name)
            ++n;
    }
    return n;
}

} // namespace

class tst_Failover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void fileSentOnOneNodeDownloadedOnTheOther();
    void uploadContinuesOnTheOtherNode();
    void downloadContinuesOnTheOtherNode();
    void movesWhileItsNodeLives();
    void killedAroundPublishingAnnouncedOnce_data();
    void killedAroundPublishingAnnouncedOnce();

private:
    std::unique_ptr<ServerProcess> startNode(const QString &name,
                                             const QProcessEnvironment &env
                                             = QProcessEnvironment::systemEnvironment());
    //! Joins through a link naming node \a first and then node \a second (`alt=`).
    std::unique_ptr<Room> join(const ServerProcess &first, const ServerProcess &second,
                               const QString &name);
    std::unique_ptr<Room> join(const QUrl &first, quint16 second, const QString &name);
    //! A WireObserver joined to \a node as \a name.
    std::unique_ptr<WireObserver> observe(const ServerProcess &node, const QString &name);
    qint64 dbValue(const QString &sql);
    //! Waits (bounded) until \a job's callback ran; the result object.
    QJsonObject waitFor(bool *done, QJsonObject *result, int timeoutMs = Wait);

    QUrl m_admin;
    QString m_dbName;
    S3Config m_s3;
    std::unique_ptr<S3Client> m_client;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_secretFile;
    int m_serial = 0;
    std::unique_ptr<ServerProcess> m_node1;
    std::unique_ptr<ServerProcess> m_node2;
};

void tst_Failover::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    g_previousHandler = qInstallMessageHandler(recordResumes);
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.core.info=true"));
    const QString url = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES");
    const QString endpoint = qEnvironmentVariable("S3_ENDPOINT");
    if (url.isEmpty() || endpoint.isEmpty())
        QFAIL("ROOMSHARE_TEST_POSTGRES or S3_ENDPOINT is not set: run "
              "tests/extra/scaleout-nodes.sh");
    m_admin = QUrl(url);
    QSqlDatabase admin = QSqlDatabase::addDatabase(s("QPSQL"), s("admin"));
    admin.setHostName(m_admin.host());
    admin.setPort(m_admin.port(5432));
    admin.setUserName(m_admin.userName());
    admin.setDatabaseName(m_admin.path().mid(1));
    QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
    m_s3.endpoint = QUrl(endpoint);
    m_s3.region = qEnvironmentVariable("S3_REGION");
    m_s3.accessKey = qEnvironmentVariable("AWS_ACCESS_KEY_ID");
    m_s3.secretKey = qEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
}

void tst_Failover::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_secretFile = m_tmp->filePath(s("secret"));
    QFile f(m_secretFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(TestUtil::testSecret());
    f.close();
    m_dbName = s("f%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_serial);
    QSqlQuery q(QSqlDatabase::database(s("admin")));
    QVERIFY2(q.exec(s("CREATE DATABASE %1").arg(m_dbName)), qPrintable(q.lastError().text()));
    QSqlDatabase db = QSqlDatabase::addDatabase(s("QPSQL"), s("test"));
    db.setHostName(m_admin.host());
    db.setPort(m_admin.port(5432));
    db.setUserName(m_admin.userName());
    db.setDatabaseName(m_dbName);
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));

    m_s3.bucket = s("tst-failover-%1-%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(m_serial);
    m_client = std::make_unique<S3Client>(m_s3);
    std::unique_ptr<S3Job> job(m_client->createBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));

    m_node1 = startNode(s("node1"));
    QVERIFY(m_node1);
    m_node2 = startNode(s("node2"));
    QVERIFY(m_node2);
}

void tst_Failover::cleanup()
{
    m_node1.reset();
    m_node2.reset();
    QSqlDatabase::database(s("test")).close();
    QSqlDatabase::removeDatabase(s("test"));
    m_client.reset();
    m_tmp.reset();
}

std::unique_ptr<ServerProcess> tst_Failover::startNode(const QString &name,
                                                       const QProcessEnvironment &env)
{
    const QString data = m_tmp->filePath(name);
    QDir().mkpath(data);
    auto node = std::make_unique<ServerProcess>(data, m_secretFile);
    QUrl url = m_admin;
    url.setPath(QLatin1Char('/') + m_dbName);
    node->extraArguments
        = { s("--database"),          url.toString(),     s("--storage"),
            s("s3://") + m_s3.bucket, s("--s3-endpoint"), m_s3.endpoint.toString() };
    if (!node->start(env))
        return nullptr;
    return node;
}

std::unique_ptr<Room> tst_Failover::join(const ServerProcess &first, const ServerProcess &second,
                                         const QString &name)
{
    return join(first.url(), second.port(), name);
}

std::unique_ptr<Room> tst_Failover::join(const QUrl &first, quint16 second, const QString &name)
{
    JoinClaims c;
    c.room = s("standup");
    c.name = name;
    c.role = s("participant");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    InviteLink link = InviteLink::forServer(first, c.room, Token::sign(c, TestUtil::testSecret()));
    link.alternates.append(ServerEndpoint{ s("127.0.0.1"), second });
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(link.toString()) || !connected.wait(Wait))
        return nullptr;
    return r;
}

std::unique_ptr<WireObserver> tst_Failover::observe(const ServerProcess &node, const QString &name)
{
    JoinClaims c;
    c.room = s("standup");
    c.name = name;
    c.role = s("participant");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    auto observer = std::make_unique<WireObserver>();
    if (!observer->join(node.url(), Token::sign(c, TestUtil::testSecret())))
        return nullptr;
    return observer;
}

qint64 tst_Failover::dbValue(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(s("test")));
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

QJsonObject tst_Failover::waitFor(bool *done, QJsonObject *result, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!*done && t.elapsed() < timeoutMs)
        QTest::qWait(10);
    return *result;
}

void tst_Failover::fileSentOnOneNodeDownloadedOnTheOther()
{
    auto alice = join(*m_node1, *m_node2, s("Alice"));
    QVERIFY(alice);
    auto bob = join(*m_node2, *m_node1, s("Bob"));
    QVERIFY(bob);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    const QString path = TestUtil::makeFile(m_tmp->path(), s("report.bin"), 12 * MiB);
    bool sent = false;
    QJsonObject sendResult;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        sendResult = r;
        sent = true;
    });
    QCOMPARE(waitFor(&sent, &sendResult).value(s("result")).toInt(-1), 0);
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(bobAvailable, s("report.bin")), 1, Wait);
    const FileInfo file = bobAvailable.constLast().at(0).value<FileInfo>();

    // Node 2 never saw these bytes: they come from the bucket.
    const QString saveDir = m_tmp->filePath(s("bob"));
    QDir().mkpath(saveDir);
    bool got = false;
    QJsonObject recvResult;
    bob->recvFiles(file.index, { { s("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        recvResult = r;
        got = true;
    });
    QCOMPARE(waitFor(&got, &recvResult).value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(saveDir).filePath(s("report.bin"))), TestUtil::sha256Of(path));
}

void tst_Failover::uploadContinuesOnTheOtherNode()
{
    // Alice's link names node 1 first, then node 2; Bob is on node 2.
    auto alice = join(*m_node1, *m_node2, s("Alice"));
    QVERIFY(alice);
    auto bob = join(*m_node2, *m_node1, s("Bob"));
    QVERIFY(bob);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*bob, alice->clientId()), Wait);
    const QString aliceId = alice->clientId();
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    auto carol = observe(*m_node2, s("Carol"));
    QVERIFY(carol);
    QSignalSpy bobJoined(bob.get(), &Room::participantJoined);

    const QString path = TestUtil::makeFile(m_tmp->path(), s("big.bin"), 64 * MiB);
    QPointer<TransferJob> job;
    connect(alice.get(), &Room::jobAdded, this, [&](TransferJob *j) { job = j; });
    qint64 resumedAt = -1;
    qint64 processedAtKill = -1;
    QElapsedTimer sinceKill;
    qint64 takeoverMs = -1;
    bool sent = false;
    QJsonObject sendResult;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        sendResult = r;
        sent = true;
    });
    QVERIFY(job);
    connect(job, &TransferJob::resumed, this, [&](qint64 offset) {
        resumedAt = offset;
        takeoverMs = sinceKill.elapsed();
    });

    // Node 1 dies once S3 holds two parts (16 MiB) of the upload.
    QElapsedTimer t;
    t.start();
    qint64 durable = 0;
    while (durable < 16 * MiB && !sent && t.elapsed() < Wait) {
        QTest::qWait(20);
        durable = dbValue(s("SELECT COALESCE(MAX(durable), 0) FROM uploads"));
    }
    QVERIFY2(!sent, "the upload ended before node 1 could be killed");
    QVERIFY2(durable >= 16 * MiB, qPrintable(s("durable offset %1").arg(durable)));
    processedAtKill = job->processedBytes();
    g_resumeLines.clear();
    ::kill(pid_t(m_node1->pid()), SIGKILL);
    sinceKill.start();
    m_node1->kill(); // reaps it

    QCOMPARE(waitFor(&sent, &sendResult, 60000).value(s("result")).toInt(-1), 0);
    qInfo("upload: durable %lld when node 1 was killed, client progress %lld; resumed on "
          "node 2 at %lld, %lld ms after the kill; bytes sent again: %lld",
          durable, processedAtKill, resumedAt, takeoverMs, bytesSentAgain());
    // The session moved: same client id, resumed from at least what the database recorded.
    QCOMPARE(alice->clientId(), aliceId);
    QVERIFY2(resumedAt >= durable, qPrintable(s("resumed at %1").arg(resumedAt)));
    QVERIFY(resumedAt <= 64 * MiB);

    // Announced exactly once, also after node 1 is found silent; Alice never left.
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(bobAvailable, s("big.bin")), 1, Wait);
    QTest::qWait(PastNodeLostMs);
    QCOMPARE(countNamed(bobAvailable, s("big.bin")), 1);
    QCOMPARE(carol->count(s("big.bin")), 1);
    QCOMPARE(bobLeft.size(), 0);
    QCOMPARE(bobJoined.size(), 0);
    QVERIFY(hasParticipant(*bob, aliceId));
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 1);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM uploads")), 0);

    // The bytes in the bucket are the file's.
    const FileInfo file = bobAvailable.constLast().at(0).value<FileInfo>();
    QCOMPARE(file.sha256, QString::fromLatin1(TestUtil::sha256Of(path).toHex()));
    const QString saveDir = m_tmp->filePath(s("bob"));
    QDir().mkpath(saveDir);
    bool got = false;
    QJsonObject recvResult;
    bob->recvFiles(file.index, { { s("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        recvResult = r;
        got = true;
    });
    QCOMPARE(waitFor(&got, &recvResult, 60000).value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(saveDir).filePath(s("big.bin"))), TestUtil::sha256Of(path));
}

void tst_Failover::downloadContinuesOnTheOtherNode()
{
    // Alice sends through node 2; Bob downloads through node 1, which dies under him.
    auto alice = join(*m_node2, *m_node1, s("Alice"));
    QVERIFY(alice);
    auto bob = join(*m_node1, *m_node2, s("Bob"));
    QVERIFY(bob);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*alice, bob->clientId()), Wait);
    const QString bobId = bob->clientId();
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy aliceLeft(alice.get(), &Room::participantLeft);
    const QString path = TestUtil::makeFile(m_tmp->path(), s("video.bin"), 64 * MiB);
    bool sent = false;
    QJsonObject sendResult;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        sendResult = r;
        sent = true;
    });
    QCOMPARE(waitFor(&sent, &sendResult, 60000).value(s("result")).toInt(-1), 0);
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(bobAvailable, s("video.bin")), 1, Wait);
    const FileInfo file = bobAvailable.constLast().at(0).value<FileInfo>();

    QPointer<TransferJob> job;
    connect(bob.get(), &Room::jobAdded, this, [&](TransferJob *j) { job = j; });
    qint64 processedAtKill = -1;
    qint64 resumedAt = -1;
    qint64 takeoverMs = -1;
    QElapsedTimer sinceKill;
    const QString saveDir = m_tmp->filePath(s("bob"));
    QDir().mkpath(saveDir);
    bool got = false;
    QJsonObject recvResult;
    bob->recvFiles(file.index, { { s("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        recvResult = r;
        got = true;
    });
    QVERIFY(job);
    // Killed from the progress signal itself: the rest of 64 MiB cannot be in flight.
    const qint64 node1Pid = m_node1->pid();
    connect(job, &TransferJob::progressChanged, this, [&](qint64 done, qint64) {
        if (processedAtKill < 0 && done >= 8 * MiB) {
            processedAtKill = done;
            ::kill(pid_t(node1Pid), SIGKILL);
            sinceKill.start();
        }
    });
    connect(job, &TransferJob::resumed, this, [&](qint64 offset) {
        resumedAt = offset;
        takeoverMs = sinceKill.elapsed();
    });
    QCOMPARE(waitFor(&got, &recvResult, 60000).value(s("result")).toInt(-1), 0);
    m_node1->kill();
    qInfo("download: %lld bytes received when node 1 was killed; continued on node 2 at %lld, "
          "%lld ms after the kill",
          processedAtKill, resumedAt, takeoverMs);
    QVERIFY2(processedAtKill >= 8 * MiB && processedAtKill < 64 * MiB,
             qPrintable(s("killed at %1").arg(processedAtKill)));
    // Continued, not started again, and byte-identical (the client checked the SHA-256 too).
    QVERIFY2(resumedAt > 0, qPrintable(s("resumed at %1").arg(resumedAt)));
    QCOMPARE(TestUtil::sha256Of(QDir(saveDir).filePath(s("video.bin"))), TestUtil::sha256Of(path));
    QCOMPARE(bob->clientId(), bobId);
    // Bob moved to node 2 without Alice seeing him leave, also after node 1 is found lost.
    QTest::qWait(PastNodeLostMs);
    QCOMPARE(aliceLeft.size(), 0);
    QVERIFY(hasParticipant(*alice, bobId));
}

void tst_Failover::movesWhileItsNodeLives()
{
    // Alice reaches node 1 through a proxy, which then stops forwarding to it: her client
    // goes to node 2 while node 1 still runs and still holds her session. Node 1 must let
    // it go (the `takeover` event), not let it leave after its grace period.
    FaultProxy proxy(m_node1->port());
    QVERIFY(proxy.listen());
    auto alice = join(proxy.url(), m_node2->port(), s("Alice"));
    QVERIFY(alice);
    auto carol = join(*m_node1, *m_node2, s("Carol"));
    QVERIFY(carol);
    auto bob = join(*m_node2, *m_node1, s("Bob"));
    QVERIFY(bob);
    const QString aliceId = alice->clientId();
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*bob, aliceId), Wait);
    QSignalSpy carolLeft(carol.get(), &Room::participantLeft);
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    QSignalSpy carolAvailable(carol.get(), &Room::fileAvailable);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);

    const QString path = TestUtil::makeFile(m_tmp->path(), s("moved.bin"), 40 * MiB);
    bool sent = false;
    QJsonObject sendResult;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        sendResult = r;
        sent = true;
    });
    QElapsedTimer t;
    t.start();
    qint64 durable = 0;
    while (durable < 8 * MiB && !sent && t.elapsed() < Wait) {
        QTest::qWait(20);
        durable = dbValue(s("SELECT COALESCE(MAX(durable), 0) FROM uploads"));
    }
    QVERIFY2(!sent && durable >= 8 * MiB, qPrintable(s("durable offset %1").arg(durable)));
    // Node 1 out of Alice's reach: the proxy's connections reset, new ones refused.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 deadPort = closed.serverPort();
    closed.close();
    proxy.setTargetPort(deadPort);
    proxy.resetAll();

    QCOMPARE(waitFor(&sent, &sendResult, 60000).value(s("result")).toInt(-1), 0);
    QCOMPARE(alice->clientId(), aliceId);
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(carolAvailable, s("moved.bin")), 1, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(bobAvailable, s("moved.bin")), 1, Wait);
    // Past node 1's grace period for a dropped connection (3 s here) and node-lost's time.
    QTest::qWait(PastNodeLostMs);
    QCOMPARE(carolLeft.size(), 0);
    QCOMPARE(bobLeft.size(), 0);
    QVERIFY(hasParticipant(*carol, aliceId));
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 1);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM uploads")), 0);
    // Carol, on node 1, downloads what node 2 completed.
    const FileInfo file = carolAvailable.constLast().at(0).value<FileInfo>();
    const QString saveDir = m_tmp->filePath(s("carol"));
    QDir().mkpath(saveDir);
    bool got = false;
    QJsonObject recvResult;
    carol->recvFiles(file.index, { { s("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        recvResult = r;
        got = true;
    });
    QCOMPARE(waitFor(&got, &recvResult, 60000).value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(saveDir).filePath(s("moved.bin"))), TestUtil::sha256Of(path));
}

void tst_Failover::killedAroundPublishingAnnouncedOnce_data()
{
    QTest::addColumn<QString>("hook");
    QTest::addColumn<QString>("line");
    // The object complete in the bucket, no `files` row: node 2 finds it on the resume
    // and publishes it.
    QTest::newRow("before the publish transaction")
        << s("ROOMSHARE_FAULT_PAUSE_BEFORE_ANNOUNCE_MS") << s("fault-pause-before-announce");
    // Published (the other nodes told by the commit), the sender not told yet: node 2
    // answers its resume with upload-done and announces nothing again.
    QTest::newRow("after the publish transaction")
        << s("ROOMSHARE_FAULT_PAUSE_AFTER_PUBLISH_MS") << s("fault-pause-after-publish");
}

void tst_Failover::killedAroundPublishingAnnouncedOnce()
{
    QFETCH(QString, hook);
    QFETCH(QString, line);
    // Node 1 again, holding still at the delicate moment.
    m_node1.reset();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(hook, s("30000"));
    m_node1 = startNode(s("node1"), env);
    QVERIFY(m_node1);
    auto alice = join(*m_node1, *m_node2, s("Alice"));
    QVERIFY(alice);
    auto bob = join(*m_node2, *m_node1, s("Bob"));
    QVERIFY(bob);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*bob, alice->clientId()), Wait);
    const QString aliceId = alice->clientId();
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    auto carol = observe(*m_node2, s("Carol"));
    QVERIFY(carol);

    const QString path = TestUtil::makeFile(m_tmp->path(), s("edge.bin"), 12 * MiB);
    bool sent = false;
    QJsonObject sendResult;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) {
        sendResult = r;
        sent = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(m_node1->stderrText().contains(line.toLatin1()), Wait);
    QVERIFY(!sent);
    ::kill(pid_t(m_node1->pid()), SIGKILL);
    m_node1->kill();

    QCOMPARE(waitFor(&sent, &sendResult, 60000).value(s("result")).toInt(-1), 0);
    QCOMPARE(alice->clientId(), aliceId);
    QTRY_COMPARE_WITH_TIMEOUT(countNamed(bobAvailable, s("edge.bin")), 1, Wait);
    QTest::qWait(PastNodeLostMs);
    QCOMPARE(countNamed(bobAvailable, s("edge.bin")), 1);
    QCOMPARE(carol->count(s("edge.bin")), 1);
    QCOMPARE(bobLeft.size(), 0);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 1);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM uploads")), 0);
    const FileInfo file = bobAvailable.constLast().at(0).value<FileInfo>();
    QCOMPARE(file.sha256, QString::fromLatin1(TestUtil::sha256Of(path).toHex()));
    const QString saveDir = m_tmp->filePath(s("bob"));
    QDir().mkpath(saveDir);
    bool got = false;
    QJsonObject recvResult;
    bob->recvFiles(file.index, { { s("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        recvResult = r;
        got = true;
    });
    QCOMPARE(waitFor(&got, &recvResult).value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(saveDir).filePath(s("edge.bin"))), TestUtil::sha256Of(path));
}

QTEST_MAIN(tst_Failover)
#include "tst_failover.moc"
