// Issue 14: the real roomshare-server with `--storage s3://BUCKET` on a real Swift + s3api
// (tests/fixtures/s3-swift.sh), driven by the real roomshare-cli. Run by
// tests/extra/scaleout-s3.sh, which starts the object store and exports S3_ENDPOINT,
// S3_REGION and the keys; each test function gets a bucket of its own.

#include "faultproxy.h"
#include "processtest.h"
#include "serverprocess.h"

#include <s3client_p.h>
#include <sha256.h>

#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace Roomshare::Server;
using ProcessTest::cliBin;
using ProcessTest::randomBytes;
using ProcessTest::serverBin;

namespace {

QString s(const char *text)
{
    return QString::fromUtf8(text);
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

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> events;
    for (const QByteArray &line : out.split('\n'))
        if (!line.isEmpty())
            events << QJsonDocument::fromJson(line).object();
    return events;
}

int countOf(const QList<QJsonObject> &events, const QString &type)
{
    int n = 0;
    for (const auto &e : events)
        n += e.value(QLatin1String("messageType")).toString() == type;
    return n;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

//! Waits for \a p while this thread's event loop runs (the fault proxy lives on it).
bool finish(QProcess &p, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < timeoutMs)
        QTest::qWait(20);
    return p.state() == QProcess::NotRunning;
}

} // namespace

class tst_S3Server : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void largeFileStoredAsObject();
    void serverKilledMidUploadResumes();
    void serverKilledBeforeAnnouncementPublishesOnce();
    void downloadCutResumesFromOffset();
    void stalledReadersDoNotHoldUploads();
    void bucketGoneRefusesUploadsWithTheReason();
    void lostObjectFailsItsDownloadWithTheReason();
    void startAbortsUnknownUploadsAndExpiryDeletes();
    void refusedAtStart_data();
    void refusedAtStart();
    void memoryStaysFlat();

private:
    std::unique_ptr<ServerProcess> newServer(const QStringList &extra = {});
    QString invite(quint16 port, const QString &name) const;
    //! One value from the server's SQLite database, -1 when there is none.
    qint64 dbValue(const QString &sql);
    QString dbText(const QString &sql);
    //! HEAD of the object under \a key: its size, -1 when missing (\a status: the HTTP code).
    qint64 headObject(const QString &key, int *status = nullptr);
    QByteArray sha256Of(const QString &path);

    S3Config m_config;
    std::unique_ptr<S3Client> m_client;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_data;
    QString m_secretFile;
    int m_serial = 0;
};

void tst_S3Server::initTestCase()
{
    const QString endpoint = qEnvironmentVariable("S3_ENDPOINT");
    if (endpoint.isEmpty())
        QFAIL("S3_ENDPOINT is not set: run tests/extra/scaleout-s3.sh BUILD_DIR");
    QVERIFY(QFileInfo(serverBin()).isExecutable());
    QVERIFY(QFileInfo(cliBin()).isExecutable());
    m_config.endpoint = QUrl(endpoint);
    m_config.region = qEnvironmentVariable("S3_REGION");
    m_config.accessKey = qEnvironmentVariable("AWS_ACCESS_KEY_ID");
    m_config.secretKey = qEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
}

void tst_S3Server::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_data = m_tmp->filePath(s("data"));
    m_secretFile = m_tmp->filePath(s("secret"));
    QVERIFY(writeFile(m_secretFile, "0123456789abcdef0123456789abcdef"));
    m_config.bucket
        = s("tst-s3server-%1-%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_serial);
    m_client = std::make_unique<S3Client>(m_config);
    std::unique_ptr<S3Job> job(m_client->createBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
}

void tst_S3Server::cleanup()
{
    QSqlDatabase::removeDatabase(s("server"));
    m_client.reset();
    m_tmp.reset();
}

std::unique_ptr<ServerProcess> tst_S3Server::newServer(const QStringList &extra)
{
    QDir().mkpath(m_data);
    auto server = std::make_unique<ServerProcess>(m_data, m_secretFile);
    server->extraArguments = QStringList{ s("--storage"), s("s3://") + m_config.bucket,
                                          s("--s3-endpoint"), m_config.endpoint.toString() }
        + extra;
    return server;
}

QString tst_S3Server::invite(quint16 port, const QString &name) const
{
    QProcess p;
    p.start(serverBin(),
            { s("invite"), s("--secret-file"), m_secretFile, s("--url"),
              s("ws://127.0.0.1:%1").arg(port), s("--room"), s("r"), s("--name"), name });
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return QString();
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

qint64 tst_S3Server::dbValue(const QString &sql)
{
    const QString text = dbText(sql);
    return text.isNull() ? -1 : text.toLongLong();
}

QString tst_S3Server::dbText(const QString &sql)
{
    // A fresh connection each time: the server writes the file between the reads.
    QSqlDatabase::removeDatabase(s("server"));
    QString out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(s("QSQLITE"), s("server"));
        db.setDatabaseName(m_data + s("/roomshare.db"));
        db.setConnectOptions(s("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                out = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(s("server"));
    return out;
}

qint64 tst_S3Server::headObject(const QString &key, int *status)
{
    std::unique_ptr<S3Job> job(m_client->head(key));
    if (!runJob(job.get()))
        return -2;
    if (status)
        *status = job->httpStatus();
    return job->error() == S3Error::None ? job->contentLength() : -1;
}

QByteArray tst_S3Server::sha256Of(const QString &path)
{
    return Roomshare::Sha256::hashFile(path).toHex();
}

void tst_S3Server::largeFileStoredAsObject()
{
    auto server = newServer();
    QVERIFY(server->start());
    const QString alice = invite(server->port(), s("Alice"));
    const QString bob = invite(server->port(), s("Bob"));
    QVERIFY(!alice.isEmpty() && !bob.isEmpty());
    // 24 MiB: three parts of 8 MiB.
    const QString file = m_tmp->filePath(s("big.bin"));
    QVERIFY(writeFile(file, randomBytes(24 * 1024 * 1024)));

    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(finish(send, 60000));
    const QByteArray sendErr = send.readAllStandardError();
    QVERIFY2(send.exitCode() == 0, sendErr.constData());
    QCOMPARE(countOf(jsonLines(send.readAllStandardOutput()), s("upload-completed")), 1);

    // The bytes are in the bucket, not on the server's disk.
    const QString storage = dbText(s("SELECT storage FROM files WHERE idx = 1"));
    QVERIFY(!storage.isEmpty());
    QCOMPARE(headObject(s("roomshare/") + storage), qint64(24 * 1024 * 1024));
    QVERIFY(ProcessTest::filesUnder(m_data + s("/files")).isEmpty());
    QVERIFY(ProcessTest::filesUnder(m_data + s("/partial")).isEmpty());

    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(), { s("recv"), bob, s("--all"), s("--out"), out });
    QVERIFY(finish(recv, 60000));
    QVERIFY2(recv.exitCode() == 0, recv.readAllStandardError().constData());
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{ s("big.bin") });
    QCOMPARE(sha256Of(out + s("/big.bin")), sha256Of(file));
}

void tst_S3Server::serverKilledMidUploadResumes()
{
    auto server = newServer();
    QVERIFY(server->start());
    FaultProxy proxy(server->port());
    QVERIFY(proxy.listen());
    const QString alice = invite(proxy.port(), s("Alice"));
    const QString bob = invite(server->port(), s("Bob"));
    QVERIFY(!alice.isEmpty() && !bob.isEmpty());
    const QString file = m_tmp->filePath(s("cut.bin"));
    QVERIFY(writeFile(file, randomBytes(40 * 1024 * 1024)));

    // The link stops dead after 20 MiB: the server holds two whole parts in S3 (16 MiB)
    // and the start of a third in memory when it is killed.
    proxy.stallAfter(FaultProxy::ClientToServer, 20 * 1024 * 1024);
    QProcess send;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(s("XDG_DATA_HOME"), m_tmp->filePath(s("state")));
    send.setProcessEnvironment(env);
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(send.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(proxy.isStalled(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(dbValue(s("SELECT durable FROM uploads")) >= 16 * 1024 * 1024, 20000);
    const qint64 recorded = dbValue(s("SELECT durable FROM uploads"));
    server->kill(); // SIGKILL
    proxy.setStalled(false);
    QTRY_COMPARE_WITH_TIMEOUT(proxy.connectionCount(), 0, 10000);
    QVERIFY(server->start()); // same bucket, same database, same port

    QVERIFY(finish(send, 90000));
    const QByteArray err = send.readAllStandardError();
    QVERIFY2(send.exitCode() == 0, err.constData());
    const auto events = jsonLines(send.readAllStandardOutput());
    QVERIFY2(countOf(events, s("room-reconnected")) >= 1, err.constData());
    QCOMPARE(countOf(events, s("upload-completed")), 1);

    // Resumed from the parts S3 held, not from the start.
    const QString log = QString::fromUtf8(server->stderrText());
    const auto m = QRegularExpression(s("S3 upload of \"?roomshare/[^ \"]+\"? resumed at (\\d+)"))
                       .match(log);
    QVERIFY2(m.hasMatch(), qPrintable(log));
    const qint64 resumedAt = m.captured(1).toLongLong();
    qInfo() << "killed with" << recorded << "bytes recorded durable; S3 held" << resumedAt;
    QVERIFY(resumedAt >= recorded);
    QCOMPARE(resumedAt % (8 * 1024 * 1024), 0);
    QVERIFY(resumedAt >= 16 * 1024 * 1024);

    // Announced once: one file in the room, one row, downloaded identical.
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 1);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM uploads")), 0);
    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(), { s("recv"), bob, s("--all"), s("--out"), out });
    QVERIFY(finish(recv, 60000));
    QVERIFY2(recv.exitCode() == 0, recv.readAllStandardError().constData());
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{ s("cut.bin") });
    QCOMPARE(sha256Of(out + s("/cut.bin")), sha256Of(file));
}

void tst_S3Server::serverKilledBeforeAnnouncementPublishesOnce()
{
    // The most delicate moment: the object is complete (CompleteMultipartUpload answered)
    // and the publish transaction has not run. The test hook holds the server there; it is
    // killed, started again, and the sender's resume finds the complete object: the file
    // is published from it, checked by its SHA-256, and announced exactly once.
    auto server = newServer();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(s("ROOMSHARE_FAULT_PAUSE_BEFORE_ANNOUNCE_MS"), s("60000"));
    QVERIFY(server->start(env));
    const quint16 port = server->port();
    const QString alice = invite(port, s("Alice"));
    const QString bob = invite(port, s("Bob"));
    const QString file = m_tmp->filePath(s("late.bin"));
    QVERIFY(writeFile(file, randomBytes(12 * 1024 * 1024 + 4321)));
    QProcess send;
    QProcessEnvironment cliEnv = QProcessEnvironment::systemEnvironment();
    cliEnv.insert(s("XDG_DATA_HOME"), m_tmp->filePath(s("state")));
    send.setProcessEnvironment(cliEnv);
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(send.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(server->stderrText().contains("fault-pause-before-announce"), 30000);
    const QString storage = dbText(s("SELECT storage FROM uploads"));
    QVERIFY(!storage.isEmpty());
    QCOMPARE(headObject(s("roomshare/") + storage), qint64(12 * 1024 * 1024 + 4321));
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 0);
    server->kill();
    QVERIFY(server->start()); // without the hook, same port
    QCOMPARE(server->port(), port);

    QVERIFY(finish(send, 60000));
    const QByteArray err = send.readAllStandardError();
    QVERIFY2(send.exitCode() == 0, err.constData());
    QCOMPARE(countOf(jsonLines(send.readAllStandardOutput()), s("upload-completed")), 1);
    QVERIFY2(server->stderrText().contains("was completed before the stop"),
             server->stderrText().constData());
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 1);
    QCOMPARE(dbText(s("SELECT storage FROM files")), storage);
    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(), { s("recv"), bob, s("--all"), s("--out"), out });
    QVERIFY(finish(recv, 60000));
    QVERIFY2(recv.exitCode() == 0, recv.readAllStandardError().constData());
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{ s("late.bin") });
    QCOMPARE(sha256Of(out + s("/late.bin")), sha256Of(file));
}

void tst_S3Server::downloadCutResumesFromOffset()
{
    // A download cut after 10 MiB continues with a ranged GET from the offset the client
    // asks for, not from the start of the object.
    auto server = newServer();
    QVERIFY(server->start());
    FaultProxy proxy(server->port());
    QVERIFY(proxy.listen());
    const QString alice = invite(server->port(), s("Alice"));
    const QString bob = invite(proxy.port(), s("Bob"));
    const QString file = m_tmp->filePath(s("read.bin"));
    QVERIFY(writeFile(file, randomBytes(24 * 1024 * 1024 + 99)));
    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(finish(send, 60000));
    QVERIFY2(send.exitCode() == 0,
             QByteArray(send.readAllStandardError() + send.readAllStandardOutput()).constData());

    proxy.cutAfter(FaultProxy::ServerToClient, 10 * 1024 * 1024);
    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(), { s("recv"), bob, s("--all"), s("--out"), out });
    QVERIFY(finish(recv, 60000));
    const QByteArray err = recv.readAllStandardError();
    QVERIFY2(recv.exitCode() == 0, err.constData());
    QVERIFY2(countOf(jsonLines(recv.readAllStandardOutput()), s("room-reconnected")) >= 1,
             err.constData());
    const auto m = QRegularExpression(s("download \\d+ of file 1 from ([1-9]\\d*)"))
                       .match(QString::fromUtf8(server->stderrText()));
    QVERIFY2(m.hasMatch(), server->stderrText().constData());
    qInfo() << "download resumed at" << m.captured(1).toLongLong();
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{ s("read.bin") });
    QCOMPARE(sha256Of(out + s("/read.bin")), sha256Of(file));
}

void tst_S3Server::stalledReadersDoNotHoldUploads()
{
    // Ten downloads whose readers stop dead each hold an S3 thread (their GETs wait for
    // room in their buffers). An upload must still get its parts into the bucket: the
    // GETs have a pool of their own.
    auto server = newServer();
    QVERIFY(server->start());
    FaultProxy proxy(server->port());
    QVERIFY(proxy.listen());
    const QString alice = invite(server->port(), s("Alice"));
    const QString file = m_tmp->filePath(s("shared.bin"));
    QVERIFY(writeFile(file, randomBytes(64 * 1024 * 1024)));
    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(finish(send, 60000));
    QVERIFY2(send.exitCode() == 0,
             QByteArray(send.readAllStandardError() + send.readAllStandardOutput()).constData());

    // Slow readers: the proxy takes 100 kB/s in all, so the server's sockets to it fill
    // (a stalled proxy would keep reading into its own memory).
    proxy.setRate(FaultProxy::ServerToClient, 100 * 1000);
    constexpr int Readers = 10;
    std::vector<std::unique_ptr<QProcess>> readers;
    for (int i = 0; i < Readers; ++i) {
        const QString link = invite(proxy.port(), s("Reader%1").arg(i));
        QVERIFY(!link.isEmpty());
        auto p = std::make_unique<QProcess>();
        p->start(cliBin(),
                 { s("recv"), link, s("--all"), s("--out"), m_tmp->filePath(s("r%1").arg(i)) });
        readers.push_back(std::move(p));
    }
    QTRY_VERIFY_WITH_TIMEOUT(server->stderrText().count("of file 1 from 0") == Readers, 30000);
    // Their GETs fill their buffers and wait.
    QTest::qWait(1500);
    for (const auto &p : readers)
        QCOMPARE(p->state(), QProcess::Running);

    const QString other = m_tmp->filePath(s("other.bin"));
    QVERIFY(writeFile(other, randomBytes(20 * 1024 * 1024)));
    QProcess second;
    second.start(cliBin(), { s("send"), alice, other });
    QVERIFY2(finish(second, 30000), "the upload waited behind the stalled downloads");
    QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 2);
    for (const auto &p : readers)
        p->kill();
    for (const auto &p : readers)
        p->waitForFinished(5000);
}

void tst_S3Server::bucketGoneRefusesUploadsWithTheReason()
{
    // The bucket disappears under a running server: a new upload is refused at once with
    // the store's reason (not a disk-full guess), and the server serves on.
    auto server = newServer();
    QVERIFY(server->start());
    std::unique_ptr<S3Job> drop(m_client->remove(QString())); // DELETE on the bucket
    QVERIFY(runJob(drop.get()));
    QVERIFY2(drop->error() == S3Error::None, qPrintable(drop->errorString()));
    const QString alice = invite(server->port(), s("Alice"));
    const QString file = m_tmp->filePath(s("lost.bin"));
    QVERIFY(writeFile(file, randomBytes(1024 * 1024)));
    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(finish(send, 30000));
    QCOMPARE(send.exitCode(), 1);
    const QByteArray out = send.readAllStandardOutput();
    QVERIFY2(out.contains("The server cannot store files right now: S3 POST"), out.constData());
    QVERIFY2(out.contains("NoSuchBucket"), out.constData());
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM uploads")), 0);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 0);
    // Still serving: a newcomer joins (and finds nothing).
    QProcess list;
    list.start(cliBin(), { s("list"), invite(server->port(), s("Bob")) });
    QVERIFY(finish(list, 30000));
    QVERIFY2(list.exitCode() == 0, list.readAllStandardError().constData());
    // The bucket again, for cleanup's sake.
    std::unique_ptr<S3Job> again(m_client->createBucket());
    QVERIFY(runJob(again.get()));
}

void tst_S3Server::lostObjectFailsItsDownloadWithTheReason()
{
    // An object deleted behind the server's back: its download fails with 1183 and the
    // store's answer (the request and the cause), and the room's other file still downloads.
    auto server = newServer();
    QVERIFY(server->start());
    const QString alice = invite(server->port(), s("Alice"));
    const QString lost = m_tmp->filePath(s("lost.bin"));
    const QString kept = m_tmp->filePath(s("kept.bin"));
    QVERIFY(writeFile(lost, randomBytes(2 * 1024 * 1024)));
    QVERIFY(writeFile(kept, randomBytes(3 * 1024 * 1024)));
    QProcess send;
    send.start(cliBin(), { s("send"), alice, lost, kept });
    QVERIFY(finish(send, 60000));
    QVERIFY2(send.exitCode() == 0, send.readAllStandardError().constData());
    const QString storage = dbText(s("SELECT storage FROM files WHERE name = 'lost.bin'"));
    QVERIFY(!storage.isEmpty());
    std::unique_ptr<S3Job> drop(m_client->remove(s("roomshare/") + storage));
    QVERIFY(runJob(drop.get()));
    QVERIFY2(drop->error() == S3Error::None, qPrintable(drop->errorString()));

    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(),
               { s("recv"), invite(server->port(), s("Bob")), s("--all"), s("--out"), out });
    QVERIFY(finish(recv, 60000));
    QCOMPARE(recv.exitCode(), 1); // one transfer failed
    const QList<QJsonObject> events = jsonLines(recv.readAllStandardOutput());
    QJsonObject failed;
    for (const QJsonObject &e : events) {
        if (e.value(s("messageType")).toString() == s("download-failed"))
            failed = e;
    }
    QCOMPARE(failed.value(s("result")).toInt(), 1183);
    const QString desc = failed.value(s("desc")).toString();
    QVERIFY2(desc.startsWith(s("The server could not read the file from its object store: S3 GET")),
             qPrintable(desc));
    QVERIFY2(desc.contains(m_config.endpoint.toString()) && desc.contains(s("404")),
             qPrintable(desc));
    QCOMPARE(countOf(events, s("download-completed")), 1);
    QCOMPARE(QDir(out).entryList(QDir::Files), QStringList{ s("kept.bin") });
    QCOMPARE(sha256Of(out + s("/kept.bin")), sha256Of(kept));
}

void tst_S3Server::startAbortsUnknownUploadsAndExpiryDeletes()
{
    // A multipart upload under the server's prefix that no upload row knows of.
    std::unique_ptr<S3Job> create(m_client->createMultipartUpload(s("roomshare/stray")));
    QVERIFY(runJob(create.get()));
    QVERIFY2(create->error() == S3Error::None, qPrintable(create->errorString()));
    // One outside the prefix is not the server's business.
    std::unique_ptr<S3Job> other(m_client->createMultipartUpload(s("elsewhere/keep")));
    QVERIFY(runJob(other.get()));
    QVERIFY(other->error() == S3Error::None);

    auto server = newServer({ s("--file-ttl"), s("2") });
    QVERIFY(server->start());
    std::unique_ptr<S3Job> list(m_client->listMultipartUploads(QString()));
    QVERIFY(runJob(list.get()));
    QVERIFY(list->error() == S3Error::None);
    QStringList keys;
    for (const S3MultipartUpload &u : list->multipartUploads())
        keys << u.key;
    QCOMPARE(keys, QStringList{ s("elsewhere/keep") });

    // A file that expires after 2 s takes its object with it.
    const QString alice = invite(server->port(), s("Alice"));
    const QString file = m_tmp->filePath(s("short.bin"));
    QVERIFY(writeFile(file, randomBytes(300 * 1024)));
    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QVERIFY(finish(send, 30000));
    QVERIFY2(send.exitCode() == 0,
             QByteArray(send.readAllStandardError() + send.readAllStandardOutput()).constData());
    const QString storage = dbText(s("SELECT storage FROM files WHERE idx = 1"));
    QVERIFY(!storage.isEmpty());
    QCOMPARE(headObject(s("roomshare/") + storage), qint64(300 * 1024));
    int status = 0;
    QTRY_VERIFY_WITH_TIMEOUT(headObject(s("roomshare/") + storage, &status) == -1, 15000);
    QCOMPARE(status, 404);
    QCOMPARE(dbValue(s("SELECT COUNT(*) FROM files")), 0);
}

void tst_S3Server::refusedAtStart_data()
{
    QTest::addColumn<QString>("bucket");
    QTest::addColumn<QString>("endpoint"); // empty: the fixture's
    QTest::addColumn<QString>("secret"); // empty: the right one
    QTest::addColumn<QString>("expected");
    QTest::newRow("missing bucket") << s("no-such-bucket") << QString() << QString()
                                    << s("bucket \"no-such-bucket\" at %1 does not exist");
    QTest::newRow("wrong credentials")
        << QString() << QString() << s("wrong")
        << s("at %1: the credentials were refused (access key test:tester)");
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QString nowhere = s("http://127.0.0.1:%1").arg(closed.serverPort());
    closed.close();
    QTest::newRow("nothing listening")
        << QString() << nowhere << QString()
        << s("at %1 cannot be reached: S3 HEAD %1/BUCKET: Couldn't connect to server");
}

void tst_S3Server::refusedAtStart()
{
    QFETCH(QString, bucket);
    QFETCH(QString, endpoint);
    QFETCH(QString, secret);
    QFETCH(QString, expected);
    if (bucket.isEmpty())
        bucket = m_config.bucket;
    if (endpoint.isEmpty())
        endpoint = m_config.endpoint.toString();
    expected = expected.arg(endpoint).replace(s("BUCKET"), bucket);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!secret.isEmpty())
        env.insert(s("AWS_SECRET_ACCESS_KEY"), secret);
    QDir().mkpath(m_data);
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(serverBin(),
            { s("--listen"), s("127.0.0.1:0"), s("--data"), m_data, s("--secret-file"),
              m_secretFile, s("--storage"), s("s3://") + bucket, s("--s3-endpoint"), endpoint });
    QVERIFY(p.waitForFinished(30000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(!out.contains(s("listening on")), qPrintable(out));
    QVERIFY2(err.contains(s("roomshare-server: cannot use the object store: ")), qPrintable(err));
    QVERIFY2(err.contains(expected), qPrintable(err + s("\nexpected: ") + expected));
    QVERIFY(!err.contains(s("testing"))); // the secret is never printed
}

void tst_S3Server::memoryStaysFlat()
{
    // A 256 MiB file up and down through the object store: the server's RSS is sampled
    // and reported (the figure, not an assertion: memory belongs in benchmarks); the bytes
    // must arrive intact.
    auto server = newServer();
    QVERIFY(server->start());
    const QString alice = invite(server->port(), s("Alice"));
    const QString bob = invite(server->port(), s("Bob"));
    const QString file = m_tmp->filePath(s("huge.bin"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 16; ++i)
            QVERIFY(f.write(randomBytes(16 * 1024 * 1024)) == 16 * 1024 * 1024);
    }
    const qint64 idle = server->residentBytes();
    qint64 peak = idle;
    auto sample = [&] {
        peak = qMax(peak, server->residentBytes());
    };
    QProcess send;
    send.start(cliBin(), { s("send"), alice, file });
    QElapsedTimer t;
    t.start();
    while (send.state() != QProcess::NotRunning && t.elapsed() < 120000) {
        sample();
        QTest::qWait(50);
    }
    QVERIFY2(send.exitCode() == 0,
             QByteArray(send.readAllStandardError() + send.readAllStandardOutput()).constData());
    const qint64 upPeak = peak;
    peak = server->residentBytes();
    const QString out = m_tmp->filePath(s("out"));
    QProcess recv;
    recv.start(cliBin(), { s("recv"), bob, s("--all"), s("--out"), out });
    t.restart();
    while (recv.state() != QProcess::NotRunning && t.elapsed() < 120000) {
        sample();
        QTest::qWait(50);
    }
    QVERIFY2(recv.exitCode() == 0, recv.readAllStandardError().constData());
    qInfo("server RSS: %.1f MiB idle, %.1f MiB peak while uploading 256 MiB, %.1f MiB peak "
          "while downloading it (all 256 MiB buffered would add 256 MiB)",
          double(idle) / (1 << 20), double(upPeak) / (1 << 20), double(peak) / (1 << 20));
    QCOMPARE(sha256Of(out + s("/huge.bin")), sha256Of(file));
}

QTEST_GUILESS_MAIN(tst_S3Server)
#include "tst_s3server.moc"
