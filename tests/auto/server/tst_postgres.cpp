// Issue 14: the real roomshare-server on a real PostgreSQL (--database). Run by
// tests/extra/scaleout-pg.sh, which starts the cluster (tests/fixtures/postgres.sh) and
// passes its URL in ROOMSHARE_TEST_POSTGRES; each test function gets a database of its own.

#include "protocolclient.h"
#include "serverprocess.h"
#include "testutil.h"

#include <sha256.h>

#include <QDateTime>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace Roomshare;
using namespace ProtocolTest;

namespace {

QString joinToken(const QString &room, const QString &name)
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    return Token::sign(c, TestUtil::testSecret());
}

qint64 indexOf(const QJsonObject &message)
{
    return message.value(s("file")).toObject().value(s("index")).toInteger();
}

} // namespace

class tst_Postgres : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void uploadResumesAfterKillFromDurableOffset();
    void indexesNeverReusedAcrossRestarts();
    void idsUniqueAcrossTwoServers();
    void indexesUniqueAcrossTwoServers();
    void carriesOnAfterPostgresRestart();
    void uploadRefusedWithTheCauseWhileDown();
    void badDatabaseRefusedAtStart_data();
    void badDatabaseRefusedAtStart();

private:
    //! A server process on data folder \a name and this test's database.
    std::unique_ptr<ServerProcess> newServer(const QString &name);
    std::unique_ptr<Client> join(const ServerProcess &server, const QString &name,
                                 const QString &resume = QString(), QJsonObject *joined = nullptr);
    //! One value of this test's database, -1 when there is no row.
    qint64 queryValue(const QString &sql, const QVariantList &values);

    QUrl m_admin; //!< the cluster's database (ROOMSHARE_TEST_POSTGRES)
    QString m_dbName; //!< this test function's own database
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_secretFile;
    int m_serial = 0;
};

void tst_Postgres::initTestCase()
{
    const QString url = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES");
    if (url.isEmpty())
        QFAIL("ROOMSHARE_TEST_POSTGRES is not set: run tests/extra/scaleout-pg.sh");
    m_admin = QUrl(url);
    QVERIFY(QSqlDatabase::isDriverAvailable(s("QPSQL")));
    QSqlDatabase admin = QSqlDatabase::addDatabase(s("QPSQL"), s("admin"));
    admin.setHostName(m_admin.host());
    admin.setPort(m_admin.port(5432));
    admin.setUserName(m_admin.userName());
    admin.setDatabaseName(m_admin.path().mid(1));
    QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
}

void tst_Postgres::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_secretFile = m_tmp->filePath(s("secret"));
    QFile f(m_secretFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(TestUtil::testSecret());
    f.close();
    m_dbName = s("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_serial);
    QSqlQuery q(QSqlDatabase::database(s("admin")));
    QVERIFY2(q.exec(s("CREATE DATABASE %1").arg(m_dbName)), qPrintable(q.lastError().text()));
    QSqlDatabase mine = QSqlDatabase::addDatabase(s("QPSQL"), s("mine"));
    mine.setHostName(m_admin.host());
    mine.setPort(m_admin.port(5432));
    mine.setUserName(m_admin.userName());
    mine.setDatabaseName(m_dbName);
    QVERIFY2(mine.open(), qPrintable(mine.lastError().text()));
}

void tst_Postgres::cleanup()
{
    QSqlDatabase::database(s("mine")).close();
    QSqlDatabase::removeDatabase(s("mine"));
    m_tmp.reset();
}

std::unique_ptr<ServerProcess> tst_Postgres::newServer(const QString &name)
{
    const QString data = m_tmp->filePath(name);
    QDir().mkpath(data);
    auto server = std::make_unique<ServerProcess>(data, m_secretFile);
    QUrl url = m_admin;
    url.setPath(QLatin1Char('/') + m_dbName);
    server->extraArguments = { s("--database"), url.toString() };
    return server;
}

std::unique_ptr<Client> tst_Postgres::join(const ServerProcess &server, const QString &name,
                                           const QString &resume, QJsonObject *joined)
{
    auto c = std::make_unique<Client>();
    if (!c->open(server.url()))
        return nullptr;
    QJsonObject extra;
    if (!resume.isEmpty())
        extra.insert(s("resume"), resume);
    const QJsonObject reply = c->join(joinToken(s("room"), name), QString(), extra);
    if (joined)
        *joined = reply;
    if (reply.value(s("type")).toString() != QLatin1String("joined"))
        return nullptr;
    return c;
}

qint64 tst_Postgres::queryValue(const QString &sql, const QVariantList &values)
{
    QSqlQuery q(QSqlDatabase::database(s("mine")));
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return -1;
    }
    return q.next() ? q.value(0).toLongLong() : -1;
}

// The same guarantee as on SQLite (tst_crash, dropKeepsUploadResumable): after kill -9 the
// upload resumes from the offset recorded in PostgreSQL, the file is published once, with
// the right bytes, and the session and its client id are the same.
void tst_Postgres::uploadResumesAfterKillFromDurableOffset()
{
    auto server = newServer(s("data"));
    QVERIFY(server->start());
    QJsonObject joined;
    auto alice = join(*server, s("Alice"), QString(), &joined);
    QVERIFY(alice);
    const QString sessionId = joined.value(s("sessionId")).toString();
    const QString aliceId = alice->clientId();
    const QByteArray data = randomBytes(10 * 1024 * 1024 + 123);
    const qint64 sent = 6 * 1024 * 1024;
    const QJsonObject accepted = alice->beginUpload(s("big.bin"), data.size());
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    const quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0, sent);
    QVERIFY(!alice
                 ->waitFor([](const QJsonObject &m) {
                     return m.value(s("type")).toString() == QLatin1String("upload-ack")
                         && m.value(s("offset")).toInteger() >= 6 * 1024 * 1024;
                 })
                 .isEmpty());
    // Checkpoints are recorded every 4 MiB and every second: wait for one in PostgreSQL.
    const QString durableSql = s("SELECT durable FROM uploads WHERE id = ?");
    QTRY_VERIFY_WITH_TIMEOUT(queryValue(durableSql, { qint64(id) }) > 0, 10000);
    server->kill();
    const qint64 durable = queryValue(durableSql, { qint64(id) });
    QVERIFY(durable > 0 && durable <= sent);
    alice.reset();

    QVERIFY(server->start());
    QJsonObject rejoined;
    auto again = join(*server, s("Alice"), sessionId, &rejoined);
    QVERIFY(again);
    QCOMPARE(rejoined.value(s("resumed")).toBool(), true);
    QCOMPARE(again->clientId(), aliceId);
    const QJsonObject resumed
        = again->request({ { s("type"), s("upload-resume") }, { s("uploadId"), qint64(id) } });
    QCOMPARE(resumed.value(s("type")).toString(), s("upload-accepted"));
    QCOMPARE(resumed.value(s("offset")).toInteger(), durable);
    again->sendChunks(id, data, durable);
    again->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    const QJsonObject done = again->waitFor(s("upload-done"));
    QCOMPARE(done.value(s("uploadId")).toInteger(), id);
    QCOMPARE(indexOf(done), 1);
    QCOMPARE(queryValue(durableSql, { qint64(id) }), -1); // the publish deleted the row
    QCOMPARE(queryValue(s("SELECT count(*) FROM files WHERE room = 'room'"), {}), 1);
    QCOMPARE(queryValue(s("SELECT size FROM files WHERE room = 'room' AND idx = 1"), {}),
             data.size());

    // A newcomer after one more restart sees it once and gets the same bytes.
    again.reset();
    server->kill();
    QVERIFY(server->start());
    QJsonObject bobJoined;
    auto bob = join(*server, s("Bob"), QString(), &bobJoined);
    QVERIFY(bob);
    const QJsonArray files = bobJoined.value(s("files")).toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().toObject().value(s("sha256")).toString(), sha256Hex(data));
    QCOMPARE(bob->download(1), data);
}

// Indexes are room-wide and never reused: not after a withdrawal, not after a restart.
void tst_Postgres::indexesNeverReusedAcrossRestarts()
{
    auto server = newServer(s("data"));
    QVERIFY(server->start());
    auto alice = join(*server, s("Alice"));
    QVERIFY(alice);
    const QJsonObject one = alice->upload(s("one"), randomBytes(100));
    const QJsonObject two = alice->upload(s("two"), randomBytes(200));
    QCOMPARE(indexOf(one), 1);
    QCOMPARE(indexOf(two), 2);
    const QJsonObject cancelled = alice->request(
        { { s("type"), s("upload-cancel") }, { s("uploadId"), two.value(s("uploadId")) } });
    QCOMPARE(cancelled.value(s("type")).toString(), s("upload-cancelled"));
    QCOMPARE(queryValue(s("SELECT count(*) FROM files"), {}), 1);

    alice.reset();
    server->kill();
    QVERIFY(server->start());
    auto bob = join(*server, s("Bob"));
    QVERIFY(bob);
    const QJsonObject three = bob->upload(s("three"), randomBytes(300));
    QCOMPARE(indexOf(three), 3);
    QCOMPARE(queryValue(s("SELECT next_index FROM rooms WHERE name = 'room'"), {}), 4);
    QVERIFY(three.value(s("uploadId")).toInteger() != one.value(s("uploadId")).toInteger());
    QVERIFY(three.value(s("uploadId")).toInteger() != two.value(s("uploadId")).toInteger());
}

// Two server processes on one database hand out disjoint client and upload ids, and so
// does each after a restart (ids come in blocks reserved in one UPDATE ... RETURNING).
void tst_Postgres::idsUniqueAcrossTwoServers()
{
    auto first = newServer(s("node1"));
    auto second = newServer(s("node2"));
    QVERIFY(first->start());
    QVERIFY(second->start());
    QSet<QString> clientIds;
    QSet<qint64> uploadIds;
    std::vector<std::unique_ptr<Client>> clients;
    auto joinSome = [&](ServerProcess &server, const QString &prefix) {
        for (int i = 0; i < 5; ++i) {
            auto c = join(server, prefix + QString::number(i));
            QVERIFY(c);
            QVERIFY2(!clientIds.contains(c->clientId()), qPrintable(c->clientId()));
            clientIds.insert(c->clientId());
            const QJsonObject accepted = c->beginUpload(s("x"), 10);
            QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
            const qint64 id = accepted.value(s("uploadId")).toInteger();
            QVERIFY2(!uploadIds.contains(id), qPrintable(QString::number(id)));
            uploadIds.insert(id);
            clients.push_back(std::move(c));
        }
    };
    joinSome(*first, s("A"));
    joinSome(*second, s("B"));
    joinSome(*first, s("C"));
    joinSome(*second, s("D"));
    QCOMPARE(clientIds.size(), 20);
    QCOMPARE(uploadIds.size(), 20);
    QCOMPARE(queryValue(s("SELECT count(*) FROM uploads"), {}), 20);
    QCOMPARE(queryValue(s("SELECT count(DISTINCT client_id) FROM sessions"), {}), 20);

    clients.clear();
    first->kill();
    QVERIFY(first->start());
    joinSome(*first, s("E"));
    joinSome(*second, s("F"));
    QCOMPARE(clientIds.size(), 30);
    QCOMPARE(uploadIds.size(), 30);
}

// Two servers publishing to the same room take their indexes from its row in one
// transaction each, not from their memory: neither gives out an index the other gave.
void tst_Postgres::indexesUniqueAcrossTwoServers()
{
    auto first = newServer(s("node1"));
    auto second = newServer(s("node2"));
    QVERIFY(first->start());
    QVERIFY(second->start());
    auto alice = join(*first, s("Alice"));
    auto bob = join(*second, s("Bob"));
    QVERIFY(alice && bob);
    QList<qint64> indexes;
    for (int i = 0; i < 3; ++i) {
        for (Client *c : { alice.get(), bob.get() }) {
            const QJsonObject done = c->upload(s("f%1").arg(i), randomBytes(100 + i));
            QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
            indexes << indexOf(done);
        }
    }
    QCOMPARE(indexes, (QList<qint64>{ 1, 2, 3, 4, 5, 6 }));
    QCOMPARE(queryValue(s("SELECT count(DISTINCT idx) FROM files WHERE room = 'room'"), {}), 6);
    QCOMPARE(queryValue(s("SELECT next_index FROM rooms WHERE name = 'room'"), {}), 7);
}

// PostgreSQL restarted while the room is idle: the server reconnects at its next
// statement and carries on (uploads, joins, and what it wrote survives its own restart).
void tst_Postgres::carriesOnAfterPostgresRestart()
{
    const QString restart = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES_RESTART");
    QVERIFY2(!restart.isEmpty(), "ROOMSHARE_TEST_POSTGRES_RESTART is not set");
    auto server = newServer(s("data"));
    QVERIFY(server->start());
    auto alice = join(*server, s("Alice"));
    auto bob = join(*server, s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray first = randomBytes(1000);
    QCOMPARE(indexOf(alice->upload(s("before"), first)), 1);

    QSqlDatabase::database(s("mine")).close();
    QSqlDatabase::database(s("admin")).close();
    QProcess pg;
    pg.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    pg.startCommand(restart);
    QVERIFY(pg.waitForFinished(60000));
    QCOMPARE(pg.exitCode(), 0);
    QVERIFY(QSqlDatabase::database(s("mine")).open());
    QVERIFY(QSqlDatabase::database(s("admin")).open());

    const QByteArray second = randomBytes(3 * 1024 * 1024 + 5);
    const QJsonObject done = bob->upload(s("after"), second);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    QCOMPARE(indexOf(done), 2);
    auto carol = join(*server, s("Carol"));
    QVERIFY(carol);
    QVERIFY(carol->clientId() != alice->clientId() && carol->clientId() != bob->clientId());
    QCOMPARE(queryValue(s("SELECT count(*) FROM files"), {}), 2);
    QCOMPARE(queryValue(s("SELECT count(*) FROM sessions"), {}), 3);

    alice.reset();
    bob.reset();
    carol.reset();
    server->kill();
    QVERIFY(server->start());
    QJsonObject joined;
    auto dave = join(*server, s("Dave"), QString(), &joined);
    QVERIFY(dave);
    QCOMPARE(joined.value(s("files")).toArray().size(), 2);
    QCOMPARE(dave->download(1), first);
    QCOMPARE(dave->download(2), second);
}

// PostgreSQL down under a running server: an upload is refused with 1194 naming the database
// (its address, never a guess about the disk) and the cause; once it is back, the next
// upload is published and the earlier file still downloads.
void tst_Postgres::uploadRefusedWithTheCauseWhileDown()
{
    const QString pause = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES_PAUSE");
    const QString resume = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES_RESUME");
    QVERIFY2(!pause.isEmpty() && !resume.isEmpty(),
             "ROOMSHARE_TEST_POSTGRES_PAUSE / _RESUME are not set");
    auto server = newServer(s("data"));
    QVERIFY(server->start());
    auto alice = join(*server, s("Alice"));
    QVERIFY(alice);
    const QByteArray first = randomBytes(1000);
    QCOMPARE(indexOf(alice->upload(s("before"), first)), 1);

    auto run = [](const QString &command) {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.startCommand(command);
        return p.waitForFinished(60000) && p.exitCode() == 0;
    };
    QSqlDatabase::database(s("mine")).close();
    QSqlDatabase::database(s("admin")).close();
    QVERIFY(run(pause));
    const QJsonObject refused = alice->upload(s("during"), randomBytes(200 * 1024));
    QVERIFY(run(resume));
    QVERIFY(QSqlDatabase::database(s("mine")).open());
    QVERIFY(QSqlDatabase::database(s("admin")).open());

    QCOMPARE(refused.value(s("code")).toInt(), 1194);
    const QString why = refused.value(s("desc")).toString();
    const QString address = s("database postgresql://%1@%2:%3/")
                                .arg(m_admin.userName(), m_admin.host())
                                .arg(m_admin.port(5432));
    QVERIFY2(why.startsWith(s("The server cannot store files right now: ") + address),
             qPrintable(why));
    QVERIFY2(why.contains(s("Connection refused"), Qt::CaseInsensitive), qPrintable(why));
    QVERIFY2(!why.contains(s("disk")), qPrintable(why));

    const QByteArray second = randomBytes(300 * 1024 + 7);
    QCOMPARE(indexOf(alice->upload(s("after"), second)), 2);
    auto bob = join(*server, s("Bob"));
    QVERIFY(bob);
    QCOMPARE(bob->download(1), first);
    QCOMPARE(bob->download(2), second);
}

void tst_Postgres::badDatabaseRefusedAtStart_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");
    QTest::addRow("nothing listening") << s("postgresql://roomshare@127.0.0.1:1/roomshare")
                                       << s("cannot open the database "
                                            "postgresql://roomshare@127.0.0.1:1/roomshare: ");
    QTest::addRow("no such database") << s("postgresql://%1@%2:%3/missing")
                                             .arg(m_admin.userName(), m_admin.host())
                                             .arg(m_admin.port(5432))
                                      << s("database \"missing\" does not exist");
    QTest::addRow("no user") << s("postgresql://127.0.0.1:5432/roomshare") << s(": no user");
    QTest::addRow("bad port, password hidden")
        << s("postgresql://roomshare:hunter2@127.0.0.1:99999/roomshare")
        << s("bad database URL postgresql://roomshare@127.0.0.1:99999/roomshare: ");
    QTest::addRow("not a URL") << s("sqlite:///tmp/x.db")
                               << s("--database must be a postgresql://");
}

// A database the server cannot use stops it at start with the address and the cause.
void tst_Postgres::badDatabaseRefusedAtStart()
{
    QFETCH(QString, url);
    QFETCH(QString, expected);
    QProcess p;
    p.start(qEnvironmentVariable("ROOMSHARE_SERVER_BIN"),
            { s("--listen"), s("127.0.0.1:0"), s("--data"), m_tmp->filePath(s("data")),
              s("--secret-file"), m_secretFile, s("--database"), url });
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(s("roomshare-server: ")) && err.contains(expected), qPrintable(err));
    QVERIFY2(!err.contains(s("hunter2")), qPrintable(err));
    QVERIFY(!p.readAllStandardOutput().contains("listening on"));
}

QTEST_GUILESS_MAIN(tst_Postgres)
#include "tst_postgres.moc"
