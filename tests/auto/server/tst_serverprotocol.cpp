// Drives the in-process RoomServer with raw QWebSockets that speak docs/protocol.md by hand,
// so these tests pin the wire contract the client library relies on.

#include "protocolclient.h"
#include "roomserver.h"
#include "serverconfig.h"
#include "storage_p.h"

#include <chunkheader.h>
#include <errors.h>
#include <invite.h>
#include <protocol.h>
#include <sha256.h>

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <functional>
#include <memory>

using namespace Roomshare;
using namespace Roomshare::Server;
using namespace ProtocolTest;

namespace {

const QByteArray Secret = QByteArrayLiteral("test-secret-0123456789");

QString token(const QString &room, const QString &name, const QByteArray &secret = Secret,
              qint64 expiresIn = 3600)
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + expiresIn;
    if (expiresIn <= 0) {
        c.issuedAt = c.expiresAt - 7200;
        c.notBefore = c.issuedAt;
    }
    return Token::sign(c, secret);
}

QString base64Url(const QByteArray &data)
{
    return QString::fromLatin1(
        data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

class tst_ServerProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void joinAndPresence();
    void joinNameRules();
    void joinRejected_data();
    void joinRejected();
    void messageBeforeJoin();
    void malformedControlMessage();
    void unknownType();
    void uploadDownloadRoundTrip();
    void downloadFlowControlAndResume();
    void wrongHashFails();
    void wholeFileCrc32c();
    void zeroCopyDownloads();
    void badChunks();
    void targetedVisibility();
    void lateJoinerSeesBroadcastFiles();
    void fileTooLarge();
    void indexesStableAndNeverReused();
    void withdrawFailsDownloadInProgress();
    void ownFilesAcrossSessionsAndRestart();
    void migratesOldDatabase();
    void downloadLimitAndExpiry();
    void cancelUploadMidway();
    void disconnectAbortsUpload();
    void dropKeepsUploadResumable();
    void zeroByteFile();
    void hashInUploadBegin();
    void foreignAndUnknownJobs();
    void expiry();
    void oversizedControlMessage();
    void idleConnectionsAreClosed();
    void dataChannelGreetingAndJoin();
    void dataChannelRoundTrip();
    void dataChannelUnknownKey();
    void dataChannelClaimedOnce();
    void dataChannelFromAnotherAddress();
    void unclaimedDataChannelExpires();
    void unclaimedDataChannelsCountAgainstCap();
    void badDataFrameLength_data();
    void badDataFrameLength();
    void closedDataChannelDropsConnection();
    void notAGreeting_data();
    void notAGreeting();
    void parseByteSize_data();
    void parseByteSize();

private:
    void startServer(const std::function<void(ServerOptions &)> &configure = {});
    //! A new server on the same data directory and options, as after a restart.
    void restartServer();
    std::unique_ptr<Client> connectClient();
    std::unique_ptr<Client> joinClient(const QString &name, const QString &room = s("room"));
    //! A client that greets a data channel first and names it in `join`; nullptr unless
    //! the server took the channel.
    std::unique_ptr<Client> joinDataClient(const QString &name, const QString &room = s("room"));
    int partialCount() const
    {
        return int(QDir(m_server->partialDir()).entryList(QDir::Files).size());
    }
    int storedCount() const
    {
        return int(QDir(m_server->filesDir()).entryList(QDir::Files).size());
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RoomServer> m_server;
    ServerOptions m_options;
    //! ROOMSHARE_TEST_POSTGRES (tests/extra/scaleout-pg.sh): every server of these tests
    //! then keeps its metadata in a fresh PostgreSQL database of that cluster.
    QUrl m_postgres;
    int m_databases = 0;
};

void tst_ServerProtocol::initTestCase()
{
    const QString postgres = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES");
    if (!postgres.isEmpty()) {
        m_postgres = QUrl(postgres);
        QSqlDatabase admin = QSqlDatabase::addDatabase(s("QPSQL"), s("admin"));
        admin.setHostName(m_postgres.host());
        admin.setPort(m_postgres.port(5432));
        admin.setUserName(m_postgres.userName());
        admin.setDatabaseName(m_postgres.path().mid(1));
        QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
    }
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.server.debug=false\n"
                                                    "roomshare.server.info=false"));
}

void tst_ServerProtocol::init()
{
    startServer();
}

void tst_ServerProtocol::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

void tst_ServerProtocol::startServer(const std::function<void(ServerOptions &)> &configure)
{
    m_server.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ServerOptions options;
    options.dataDir = m_dir->path();
    options.secret = Secret;
    options.maxFileSize = 0;
    options.fileTtlSeconds = 3600;
    // These tests speak the raw protocol and close sockets without `leave`: announce the
    // departure at once instead of after the resume grace period (tested in tst_resume).
    options.sessionGraceMs = 0;
    if (!m_postgres.isEmpty()) {
        const QString name
            = s("sp%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_databases);
        QSqlQuery create(QSqlDatabase::database(s("admin")));
        QVERIFY2(create.exec(s("CREATE DATABASE ") + name), qPrintable(create.lastError().text()));
        QUrl url = m_postgres;
        url.setPath(QLatin1Char('/') + name);
        options.databaseUrl = url.toString();
    }
    if (configure)
        configure(options);
    m_options = options;
    m_server = std::make_unique<RoomServer>(options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
    QVERIFY(m_server->port() != 0);
    QCOMPARE(m_server->url().scheme(), s("ws"));
}

void tst_ServerProtocol::restartServer()
{
    m_server.reset();
    m_server = std::make_unique<RoomServer>(m_options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

std::unique_ptr<Client> tst_ServerProtocol::connectClient()
{
    auto c = std::make_unique<Client>();
    if (!c->open(m_server->url()))
        return nullptr;
    return c;
}

std::unique_ptr<Client> tst_ServerProtocol::joinClient(const QString &name, const QString &room)
{
    auto c = connectClient();
    if (!c)
        return nullptr;
    const QJsonObject joined = c->join(token(room, name));
    if (joined.value(s("type")).toString() != QLatin1String("joined"))
        return nullptr;
    return c;
}

std::unique_ptr<Client> tst_ServerProtocol::joinDataClient(const QString &name, const QString &room)
{
    auto c = connectClient();
    if (!c || !c->openDataChannel(m_server->port()))
        return nullptr;
    const QJsonObject joined = c->join(token(room, name));
    if (joined.value(s("type")).toString() != QLatin1String("joined")
        || !joined.value(s("dataChannel")).toBool() || !c->usesDataChannel())
        return nullptr;
    return c;
}

void tst_ServerProtocol::joinAndPresence()
{
    QSignalSpy joinedSpy(m_server.get(), &RoomServer::participantJoined);
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined = alice->join(token(s("standup"), s("Alice")));
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("rid")).toInt(), 1);
    QCOMPARE(joined.value(s("room")).toString(), s("standup"));
    QCOMPARE(joined.value(s("name")).toString(), s("Alice"));
    QCOMPARE(joined.value(s("role")).toString(), s("participant"));
    QVERIFY(joined.value(s("clientId")).toString().startsWith(QLatin1Char('c')));
    QCOMPARE(joined.value(s("maxFileSize")).toInteger(), 0);
    QVERIFY(qAbs(joined.value(s("serverTime")).toInteger() - QDateTime::currentMSecsSinceEpoch())
            < 60000);
    QCOMPARE(joined.value(s("participants")).toArray().size(), 1);
    QVERIFY(joined.value(s("files")).toArray().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(joinedSpy.count(), 1, Timeout);

    // A token without a name: the client's name is used, trimmed.
    auto bob = connectClient();
    QVERIFY(bob);
    const QJsonObject bobJoined = bob->join(token(s("standup"), QString()), s("  Bob  "));
    QCOMPARE(bobJoined.value(s("type")).toString(), s("joined"));
    QCOMPARE(bobJoined.value(s("name")).toString(), s("Bob"));
    QVERIFY(bobJoined.value(s("clientId")).toString() != alice->clientId());
    const QJsonArray participants = bobJoined.value(s("participants")).toArray();
    QCOMPARE(participants.size(), 2);
    QStringList ids;
    for (const auto &p : participants)
        ids << p.toObject().value(s("clientId")).toString();
    QVERIFY(ids.contains(alice->clientId()));
    QVERIFY(ids.contains(bob->clientId()));

    const QJsonObject pj = alice->waitFor(s("participant-joined"));
    QCOMPARE(pj.value(s("participant")).toObject().value(s("clientId")).toString(),
             bob->clientId());
    QCOMPARE(pj.value(s("participant")).toObject().value(s("name")).toString(), s("Bob"));
    QVERIFY(!pj.contains(s("rid")));
    QVERIFY(!bob->hasMessage(s("participant-joined")));
    QCOMPARE(m_server->participantCount(s("standup")), 2);

    const QString bobId = bob->clientId();
    bob->socket().close();
    const QJsonObject left = alice->waitFor(s("participant-left"));
    QCOMPARE(left.value(s("clientId")).toString(), bobId);
    QCOMPARE(left.value(s("name")).toString(), s("Bob"));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->participantCount(), 1, Timeout);

    // Client ids are never reused.
    auto bob2 = joinClient(s("Bob"), s("standup"));
    QVERIFY(bob2);
    QVERIFY(bob2->clientId() != bobId);
    QVERIFY(bob2->clientId() != alice->clientId());
}

void tst_ServerProtocol::joinNameRules()
{
    auto c = connectClient();
    QVERIFY(c);
    // No name in token nor in join: 1189, but the connection stays open for a retry.
    QJsonObject reply = c->join(token(s("r"), QString()));
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), 1189);
    reply = c->join(token(s("r"), QString()), QString(65, QLatin1Char('x')));
    QCOMPARE(errorCode(reply), 1189);
    reply = c->join(token(s("r"), QString()), s("   "));
    QCOMPARE(errorCode(reply), 1189);
    reply = c->join(token(s("r"), QString()), QString(64, QLatin1Char('x')));
    QCOMPARE(reply.value(s("type")).toString(), s("joined"));
    // The token's name wins over the client's.
    auto d = connectClient();
    QVERIFY(d);
    reply = d->join(token(s("r"), s("Dora")), s("Mallory"));
    QCOMPARE(reply.value(s("name")).toString(), s("Dora"));
    // A second join on a joined connection is refused.
    reply = d->join(token(s("r"), s("Dora")));
    QCOMPARE(errorCode(reply), 1189);
}

void tst_ServerProtocol::joinRejected_data()
{
    QTest::addColumn<QString>("tok");
    const QByteArray payload = QJsonDocument(QJsonObject{
                                                 { s("room"), s("r") },
                                                 { s("name"), s("Eve") },
                                                 { s("role"), s("moderator") },
                                                 { s("iat"), 0 },
                                                 { s("nbf"), 0 },
                                                 { s("exp"), 4102444800.0 },
                                             })
                                   .toJson(QJsonDocument::Compact);
    const QString none = base64Url(QByteArrayLiteral(R"({"alg":"none","typ":"JWT"})"))
        + QLatin1Char('.') + base64Url(payload) + QLatin1Char('.');
    JoinClaims future;
    future.room = s("r");
    future.name = s("Fay");
    future.notBefore = QDateTime::currentSecsSinceEpoch() + 3600;
    future.issuedAt = future.notBefore;
    future.expiresAt = future.notBefore + 3600;

    QTest::addRow("bad signature") << token(s("r"), s("Eve"), QByteArrayLiteral("other secret"));
    QTest::addRow("expired") << token(s("r"), s("Eve"), Secret, -60);
    QTest::addRow("not yet valid") << Token::sign(future, Secret);
    QTest::addRow("alg none") << none;
    QTest::addRow("garbage") << s("not.a.token");
    QTest::addRow("empty") << QString();
}

void tst_ServerProtocol::joinRejected()
{
    QFETCH(QString, tok);
    auto c = connectClient();
    QVERIFY(c);
    const QJsonObject reply = c->join(tok, s("Eve"));
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), 1188);
    QCOMPARE(reply.value(s("error")).toString(), errorTitle(ErrorCode::InvalidInvite));
    QVERIFY(!reply.value(s("desc")).toString().isEmpty());
    QVERIFY(c->waitForDisconnect());
    QCOMPARE(int(c->socket().closeCode()), 4001);
    QCOMPARE(m_server->participantCount(), 0);
}

void tst_ServerProtocol::messageBeforeJoin()
{
    auto c = connectClient();
    QVERIFY(c);
    const QJsonObject reply = c->request({ { s("type"), s("list") } });
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), 1189);
    QVERIFY(c->waitForDisconnect());
    QCOMPARE(int(c->socket().closeCode()), 1008);

    auto d = connectClient();
    QVERIFY(d);
    d->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, 1, 0, QByteArray("x")));
    QVERIFY(d->waitForDisconnect());
    QCOMPARE(int(d->socket().closeCode()), 1008);
}

void tst_ServerProtocol::malformedControlMessage()
{
    auto notObject = joinClient(s("A"));
    QVERIFY(notObject);
    notObject->sendRaw(s("[1,2,3]"));
    QCOMPARE(errorCode(notObject->waitFor(s("error"))), 1189);
    QVERIFY(notObject->waitForDisconnect());
    QCOMPARE(int(notObject->socket().closeCode()), 1008);

    auto noType = joinClient(s("B"));
    QVERIFY(noType);
    noType->sendRaw(s(R"({"rid":4,"type":17})"));
    const QJsonObject err = noType->waitFor(s("error"));
    QCOMPARE(errorCode(err), 1189);
    QCOMPARE(err.value(s("rid")).toInt(), 4);
    QVERIFY(noType->waitForDisconnect());
    QCOMPARE(int(noType->socket().closeCode()), 1008);
}

void tst_ServerProtocol::unknownType()
{
    auto c = joinClient(s("A"));
    QVERIFY(c);
    QJsonObject reply = c->request({ { s("type"), s("frobnicate") } });
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), 1189);
    QCOMPARE(reply.value(s("error")).toString(), errorTitle(ErrorCode::InvalidRequest));
    // The connection survives an unknown type.
    reply = c->request({ { s("type"), s("list") } });
    QCOMPARE(reply.value(s("type")).toString(), s("files"));
    QCOMPARE(c->socket().state(), QAbstractSocket::ConnectedState);
}

void tst_ServerProtocol::uploadDownloadRoundTrip()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy availableSpy(m_server.get(), &RoomServer::fileAvailable);

    const QByteArray data = randomBytes(3 * 1024 * 1024 + 123);
    const QJsonObject done = alice->upload(s("Q3 report.pdf"), data);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("name")).toString(), s("Q3 report.pdf"));
    QCOMPARE(file.value(s("size")).toInteger(), data.size());
    QCOMPARE(file.value(s("type")).toString(), s("application/octet-stream"));
    QCOMPARE(file.value(s("sha256")).toString(), sha256Hex(data));
    QCOMPARE(file.value(s("sender")).toString(), s("Alice"));
    QCOMPARE(file.value(s("senderId")).toString(), alice->clientId());
    QCOMPARE(file.value(s("broadcast")).toBool(), true);
    const qint64 index = file.value(s("index")).toInteger();
    QCOMPARE(index, 1);
    QVERIFY(file.value(s("expiresAt")).toInteger() > file.value(s("createdAt")).toInteger());

    // Acks came at least every AckInterval and at the end.
    QList<qint64> acks;
    for (const auto &m : std::as_const(alice->messages())) {
        if (m.value(s("type")).toString() == QLatin1String("upload-ack"))
            acks << m.value(s("offset")).toInteger();
    }
    QVERIFY(acks.size() >= 3);
    QCOMPARE(acks.last(), data.size());
    qint64 previous = 0;
    for (qint64 a : acks) {
        QVERIFY(a - previous <= Protocol::AckInterval + Protocol::ChunkSize);
        previous = a;
    }

    const QJsonObject available = bob->waitFor(s("file-available"));
    QCOMPARE(available.value(s("file")).toObject(), file);
    QCOMPARE(availableSpy.count(), 1);
    QVERIFY(!alice->hasMessage(s("file-available")));
    QCOMPARE(partialCount(), 0);
    QCOMPARE(storedCount(), 1);

    // The sender does not see its own file; the recipient does.
    QVERIFY(alice->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());
    const QJsonArray bobFiles
        = bob->request({ { s("type"), s("list") } }).value(s("files")).toArray();
    QCOMPARE(bobFiles.size(), 1);
    QCOMPARE(bobFiles.first().toObject(), file);

    QJsonObject failure;
    const QByteArray received = bob->download(index, &failure);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    QCOMPARE(received.size(), data.size());
    QVERIFY(received == data);
    QCOMPARE(sha256Hex(received), file.value(s("sha256")).toString());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 0, Timeout);

    // The sender cannot download its own file.
    QCOMPARE(
        errorCode(alice->request({ { s("type"), s("download-begin") }, { s("index"), index } })),
        1181);
}

void tst_ServerProtocol::downloadFlowControlAndResume()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const qint64 size = Protocol::DownloadWindow + 3 * Protocol::ChunkSize + 7;
    const QByteArray data = randomBytes(size);
    const QJsonObject done = alice->upload(s("big.bin"), data);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();

    const QJsonObject accepted = bob->request(
        { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), 0 } });
    QCOMPARE(accepted.value(s("type")).toString(), s("download-accepted"));
    QCOMPARE(accepted.value(s("size")).toInteger(), size);
    QCOMPARE(accepted.value(s("index")).toInteger(), index);
    QCOMPARE(accepted.value(s("offset")).toInteger(), 0);
    QCOMPARE(accepted.value(s("sha256")).toString(), sha256Hex(data));
    const qint64 id = accepted.value(s("downloadId")).toInteger();

    // Without acks the server stops at the window.
    auto receivedBytes = [&] {
        qint64 n = 0;
        for (const auto &b : std::as_const(bob->binaries()))
            n += b.size() - ChunkHeader::Size;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(receivedBytes(), Protocol::DownloadWindow, Timeout);
    QTest::qWait(200);
    QCOMPARE(receivedBytes(), Protocol::DownloadWindow);
    QVERIFY(!bob->hasMessage(s("download-end")));

    bob->send({ { s("type"), s("download-ack") },
                { s("downloadId"), id },
                { s("offset"), Protocol::DownloadWindow } });
    QVERIFY(!bob->waitFor(s("download-end")).isEmpty());
    QCOMPARE(receivedBytes(), size);
    QByteArray received;
    for (const auto &b : std::as_const(bob->binaries())) {
        const auto h = ChunkHeader::decode(b);
        QVERIFY(h);
        QCOMPARE(h->kind, ChunkHeader::Kind::Download);
        QCOMPARE(qint64(h->transferId), id);
        QCOMPARE(qint64(h->offset), qint64(received.size()));
        QVERIFY(h->verify(QByteArrayView(b).sliced(ChunkHeader::Size)));
        received.append(QByteArrayView(b).sliced(ChunkHeader::Size));
    }
    QVERIFY(received == data);

    // Resume from an offset; past the end is refused, the very end is an empty download.
    bob->binaries().clear();
    const qint64 from = size - 1000;
    const QJsonObject resumed = bob->request(
        { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), from } });
    QCOMPARE(resumed.value(s("offset")).toInteger(), from);
    QVERIFY(!bob->waitFor(s("download-end")).isEmpty());
    // Chunks follow the 256 KiB blocks: the rest of the block `from` is in, then the last
    // (7-byte) block.
    QTRY_COMPARE_WITH_TIMEOUT(bob->binaries().size(), qsizetype(2), Timeout);
    QCOMPARE(qint64(ChunkHeader::decode(bob->binaries().first())->offset), from);
    QCOMPARE(bob->binaries().first().mid(ChunkHeader::Size)
                 + bob->binaries().last().mid(ChunkHeader::Size),
             data.mid(from));
    QCOMPARE(errorCode(bob->request({ { s("type"), s("download-begin") },
                                      { s("index"), index },
                                      { s("offset"), size + 1 } })),
             1189);
    QCOMPARE(
        errorCode(bob->request(
            { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), -1 } })),
        1189);
}

void tst_ServerProtocol::wrongHashFails()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray data = randomBytes(600 * 1024);
    const QJsonObject failed
        = alice->upload(s("x.bin"), data, true, {}, QString(64, QLatin1Char('0')));
    QCOMPARE(failed.value(s("type")).toString(), s("upload-failed"));
    QCOMPARE(errorCode(failed), 1191);
    QCOMPARE(failed.value(s("error")).toString(), s("integrity check failed"));
    QCOMPARE(partialCount(), 0);
    QCOMPARE(storedCount(), 0);
    QCOMPARE(m_server->fileCount(), 0);
    QTest::qWait(100);
    QVERIFY(!bob->hasMessage(s("file-available")));
    QVERIFY(bob->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());
}

// Issue 17: the server checks a whole-file CRC-32C composed from the chunks' CRCs instead
// of hashing the upload itself; an older client (no crc32c) gets its SHA-256 checked from
// the file on disk. Either way nothing whose bytes differ from the sender's is published.
void tst_ServerProtocol::wholeFileCrc32c()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 4321);
    const quint32 crc = crc32cOf(data);
    auto finished = [&](quint32 id) {
        return alice->waitFor([id](const QJsonObject &m) {
            const QString t = m.value(s("type")).toString();
            return (t == QLatin1String("upload-done") || t == QLatin1String("upload-failed"))
                && m.value(s("uploadId")).toInteger() == id;
        });
    };
    // Chunks of another size than the server's blocks, so that they straddle them.
    auto sendOddChunks = [&](quint32 id, const QByteArray &bytes) {
        for (qint64 off = 0; off < bytes.size(); off += 100000) {
            const qint64 n = qMin<qint64>(100000, bytes.size() - off);
            alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, quint64(off),
                                                  QByteArrayView(bytes).sliced(off, n)));
        }
    };
    auto begin = [&](const QString &name) {
        return quint32(alice->beginUpload(name, data.size()).value(s("uploadId")).toInteger());
    };
    auto end = [&](quint32 id, const QJsonValue &crcValue, const QString &sha) {
        QJsonObject msg{ { s("type"), s("upload-end") },
                         { s("uploadId"), qint64(id) },
                         { s("sha256"), sha } };
        if (!crcValue.isUndefined())
            msg.insert(s("crc32c"), crcValue);
        alice->send(msg);
    };

    // The right CRC: published.
    quint32 id = begin(s("good.bin"));
    sendOddChunks(id, data);
    end(id, qint64(crc), sha256Hex(data));
    QJsonObject done = finished(id);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 goodIndex = done.value(s("file")).toObject().value(s("index")).toInteger();
    QCOMPARE(bob->waitFor(s("file-available")).value(s("file")).toObject().value(s("index")),
             goodIndex);

    // A CRC that is not the bytes': 1191, nothing kept.
    id = begin(s("wrong-crc.bin"));
    alice->sendChunks(id, data, 0);
    end(id, qint64(crc ^ 1), sha256Hex(data));
    QJsonObject failed = finished(id);
    QCOMPARE(failed.value(s("type")).toString(), s("upload-failed"));
    QCOMPARE(errorCode(failed), 1191);

    // A chunk damaged in a way its own checksum cannot see (the bytes changed and the chunk
    // CRC recomputed over them, as by a faulty sender or proxy): the whole-file CRC, which
    // the sender computed over what it meant to send, catches it.
    QByteArray damaged = data;
    damaged[2 * Protocol::ChunkSize + 77] = char(damaged[2 * Protocol::ChunkSize + 77] ^ 0x20);
    id = begin(s("damaged.bin"));
    alice->sendChunks(id, damaged, 0);
    end(id, qint64(crc), sha256Hex(data));
    failed = finished(id);
    QCOMPARE(errorCode(failed), 1191);

    // Not an unsigned 32-bit integer: 1189.
    id = begin(s("bad-field.bin"));
    end(id, s("e3069283"), sha256Hex(data));
    QCOMPARE(errorCode(finished(id)), 1189);

    // An older client without crc32c: its SHA-256 is checked from the disk, on a worker
    // thread for a file of this size. Damaged bytes are refused; the right ones published.
    id = begin(s("old-client-damaged.bin"));
    alice->sendChunks(id, damaged, 0);
    end(id, QJsonValue(QJsonValue::Undefined), sha256Hex(data));
    QCOMPARE(errorCode(finished(id)), 1191);
    id = begin(s("old-client.bin"));
    sendOddChunks(id, data);
    end(id, QJsonValue(QJsonValue::Undefined), sha256Hex(data));
    done = finished(id);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    QCOMPARE(done.value(s("file")).toObject().value(s("sha256")).toString(), sha256Hex(data));

    // A one-chunk file with its hash and CRC in upload-begin; a wrong CRC there is refused.
    const QByteArray small = data.left(5000);
    QJsonObject smallDone = alice->upload(
        s("small.bin"), small, true, {}, QString(),
        { { s("sha256"), sha256Hex(small) }, { s("crc32c"), qint64(crc32cOf(small)) } });
    QCOMPARE(smallDone.value(s("type")).toString(), s("upload-done"));
    smallDone = alice->upload(
        s("small-wrong.bin"), small, true, {}, QString(),
        { { s("sha256"), sha256Hex(small) }, { s("crc32c"), qint64(crc32cOf(small) ^ 8) } });
    QCOMPARE(errorCode(smallDone), 1191);

    // Only the three good files exist; the refused ones left nothing behind.
    QTRY_COMPARE_WITH_TIMEOUT(partialCount(), 0, Timeout);
    QCOMPARE(storedCount(), 3);
    QCOMPARE(m_server->fileCount(), 3);
    const QJsonArray listed
        = bob->request({ { s("type"), s("list") } }).value(s("files")).toArray();
    QCOMPARE(listed.size(), 3);
    for (const QJsonValue &f : listed)
        QVERIFY(!f.toObject().value(s("name")).toString().contains(QLatin1String("wrong"))
                && !f.toObject().value(s("name")).toString().contains(QLatin1String("damaged")));
}

// Downloads over a plain TCP data channel go out by sendfile with the block CRCs kept from
// the upload: byte-identical, every frame's CRC right, from offset 0 and from an offset
// inside a block, and again after a restart (the CRCs are in the database).
void tst_ServerProtocol::zeroCopyDownloads()
{
    auto alice = joinDataClient(s("Alice"));
    auto bob = joinDataClient(s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray data = randomBytes(2 * 1024 * 1024 + 999);
    const QJsonObject accepted = alice->beginUpload(s("zc.bin"), data.size());
    const quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    // Odd chunk sizes: the server's block CRCs are composed and split, not just copied.
    for (qint64 off = 0; off < data.size(); off += 70001) {
        const qint64 n = qMin<qint64>(70001, data.size() - off);
        alice->sendChunk(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, quint64(off),
                                             QByteArrayView(data).sliced(off, n)));
    }
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) },
                  { s("crc32c"), qint64(crc32cOf(data)) } });
    const QJsonObject done = alice->waitFor(s("upload-done"));
    QCOMPARE(done.value(s("uploadId")).toInteger(), id);
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();

    QJsonObject failure;
    QByteArray received = bob->download(index, &failure);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    QVERIFY(received == data);
    const qint64 blocks = (data.size() + Protocol::ChunkSize - 1) / Protocol::ChunkSize;
    QCOMPARE(m_server->zeroCopyChunks(), blocks);

    // Resumed inside a block: the rest of that block is read and checksummed, the blocks
    // after it go by sendfile.
    const qint64 from = Protocol::ChunkSize + 12345;
    received = bob->download(index, &failure, from);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    QVERIFY(received == data.mid(from));
    QCOMPARE(m_server->zeroCopyChunks(), blocks + blocks - 2);

    bob.reset();
    alice.reset();
    restartServer();
    auto carol = joinDataClient(s("Carol"));
    QVERIFY(carol);
    received = carol->download(index, &failure);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    QVERIFY(received == data);
    QCOMPARE(m_server->zeroCopyChunks(), blocks);
}

void tst_ServerProtocol::badChunks()
{
    auto alice = joinClient(s("Alice"));
    QVERIFY(alice);
    const QByteArray data = randomBytes(1000);

    // Wrong offset: ignored and nacked with the unchanged offset; the upload goes on.
    QJsonObject accepted = alice->beginUpload(s("a"), data.size());
    quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 10, data.mid(10)));
    QJsonObject nack = alice->waitFor(s("upload-nack"));
    QCOMPARE(nack.value(s("uploadId")).toInteger(), id);
    QCOMPARE(nack.value(s("offset")).toInteger(), 0);
    // Stray chunks behind a nacked one are dropped silently (one nack per offset).
    alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 20, data.mid(20)));
    alice->sendChunks(id, data, 0);
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    QCOMPARE(alice->waitFor(s("upload-done")).value(s("uploadId")).toInteger(), id);
    QVERIFY(!alice->hasMessage(s("upload-nack")));

    // Corrupt payload (CRC mismatch): nacked, never written, offset unchanged; the resent
    // chunk is accepted.
    accepted = alice->beginUpload(s("b"), data.size());
    id = quint32(accepted.value(s("uploadId")).toInteger());
    QByteArray chunk = ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 0, data);
    chunk[ChunkHeader::Size + 5] = char(chunk[ChunkHeader::Size + 5] ^ 0x55);
    alice->sendBinary(chunk);
    nack = alice->waitFor(s("upload-nack"));
    QCOMPARE(nack.value(s("uploadId")).toInteger(), id);
    QCOMPARE(nack.value(s("offset")).toInteger(), 0);
    alice->sendChunks(id, data, 0);
    QCOMPARE(alice->waitFor(s("upload-ack")).value(s("offset")).toInteger(), data.size());
    alice->send({ { s("type"), s("upload-cancel") }, { s("uploadId"), qint64(id) } });

    // Only chunks failing their CRC again and again fail the upload: 1191.
    accepted = alice->beginUpload(s("b2"), data.size());
    id = quint32(accepted.value(s("uploadId")).toInteger());
    chunk = ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 0, data);
    chunk[ChunkHeader::Size + 5] = char(chunk[ChunkHeader::Size + 5] ^ 0x55);
    for (int i = 0; i < 9; ++i)
        alice->sendBinary(chunk);
    QJsonObject failed = alice->waitFor(s("upload-failed"));
    QCOMPARE(errorCode(failed), 1191);
    QCOMPARE(failed.value(s("uploadId")).toInteger(), id);

    // More bytes than declared: 1198.
    accepted = alice->beginUpload(s("c"), 10);
    id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, 0, data.left(11)));
    QCOMPARE(errorCode(alice->waitFor(s("upload-failed"))), 1198);

    // A chunk for an upload that never existed: 1198.
    alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, 987654, 0, data));
    failed = alice->waitFor(s("upload-failed"));
    QCOMPARE(errorCode(failed), 1198);
    QCOMPARE(failed.value(s("uploadId")).toInteger(), 987654);

    QCOMPARE(alice->socket().state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(partialCount(), 0, Timeout);
    QCOMPARE(m_server->uploadCount(), 0);
}

void tst_ServerProtocol::targetedVisibility()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto carol = joinClient(s("Carol"));
    QVERIFY(alice && bob && carol);

    // Only unknown recipients: refused.
    QCOMPARE(errorCode(alice->beginUpload(s("t"), 10, false, { s("c999") })), 1189);
    QCOMPARE(errorCode(alice->beginUpload(s("t"), 10, false, { alice->clientId() })), 1189);
    QCOMPARE(errorCode(alice->request({ { s("type"), s("upload-begin") },
                                        { s("name"), s("t") },
                                        { s("size"), 10 },
                                        { s("broadcast"), false } })),
             1189);

    const QByteArray data = randomBytes(5000);
    const QJsonObject done
        = alice->upload(s("for bob.txt"), data, false, { bob->clientId(), s("c999") });
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("broadcast")).toBool(), false);
    const qint64 index = file.value(s("index")).toInteger();

    QCOMPARE(bob->waitFor(s("file-available")).value(s("file")).toObject(), file);
    QTest::qWait(100);
    QVERIFY(!carol->hasMessage(s("file-available")));
    QVERIFY(carol->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());
    QVERIFY(alice->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());

    // For Carol the file does not exist: same error as an index never used.
    const QJsonObject hidden
        = carol->request({ { s("type"), s("download-begin") }, { s("index"), index } });
    const QJsonObject missing
        = carol->request({ { s("type"), s("download-begin") }, { s("index"), 999 } });
    QCOMPARE(errorCode(hidden), 1181);
    QCOMPARE(errorCode(missing), 1181);
    QCOMPARE(hidden.value(s("error")), missing.value(s("error")));
    QCOMPARE(hidden.value(s("desc")).toString(),
             missing.value(s("desc")).toString().replace(s("999"), QString::number(index)));

    QJsonObject failure;
    QCOMPARE(bob->download(index, &failure), data);
    QVERIFY(failure.isEmpty());

    // A targeted file is not offered to a later joiner either.
    auto dave = joinClient(s("Dave"));
    QVERIFY(dave);
    QVERIFY(dave->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());
}

void tst_ServerProtocol::lateJoinerSeesBroadcastFiles()
{
    auto alice = joinClient(s("Alice"));
    QVERIFY(alice);
    const QJsonObject done = alice->upload(s("slides.pdf"), randomBytes(2048));
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    alice.reset(); // the file outlives its sender's connection
    QTRY_COMPARE_WITH_TIMEOUT(m_server->participantCount(), 0, Timeout);

    auto bob = connectClient();
    QVERIFY(bob);
    const QJsonObject joined = bob->join(token(s("room"), s("Bob")));
    const QJsonArray files = joined.value(s("files")).toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().toObject(), done.value(s("file")).toObject());
    QCOMPARE(joined.value(s("participants")).toArray().size(), 1);

    // Rooms are separate.
    auto other = connectClient();
    QVERIFY(other);
    QVERIFY(other->join(token(s("other room"), s("Zed"))).value(s("files")).toArray().isEmpty());
    QCOMPARE(m_server->roomCount(), 2);
}

void tst_ServerProtocol::fileTooLarge()
{
    startServer([](ServerOptions &o) { o.maxFileSize = 1000; });
    auto alice = joinClient(s("Alice"));
    QVERIFY(alice);
    auto bob = connectClient();
    QVERIFY(bob);
    QCOMPARE(bob->join(token(s("room"), s("Bob"))).value(s("maxFileSize")).toInteger(), 1000);

    const QJsonObject tooLarge = alice->beginUpload(s("big"), 1001);
    QCOMPARE(tooLarge.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(tooLarge), 1187);
    QCOMPARE(errorCode(alice->beginUpload(s("neg"), -1)), 1189);
    QCOMPARE(errorCode(alice->beginUpload(QString(), 10)), 1189);
    QCOMPARE(errorCode(alice->beginUpload(QString(1025, QLatin1Char('n')), 10)), 1189);
    QCOMPARE(errorCode(alice->request({ { s("type"), s("upload-begin") }, { s("name"), s("x") } })),
             1189);
    QCOMPARE(
        errorCode(alice->request(
            { { s("type"), s("upload-begin") }, { s("name"), s("x") }, { s("size"), s("10") } })),
        1189);

    const QJsonObject done = alice->upload(s("fits"), randomBytes(1000));
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
}

void tst_ServerProtocol::indexesStableAndNeverReused()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto carol = joinClient(s("Carol"));
    QVERIFY(alice && bob && carol);

    const QJsonObject first = alice->upload(s("one"), randomBytes(100));
    const QJsonObject second = alice->upload(s("two"), randomBytes(200));
    QCOMPARE(first.value(s("file")).toObject().value(s("index")).toInteger(), 1);
    QCOMPARE(second.value(s("file")).toObject().value(s("index")).toInteger(), 2);
    const QJsonObject third = bob->upload(s("three"), randomBytes(300));
    QCOMPARE(third.value(s("file")).toObject().value(s("index")).toInteger(), 3);

    for (Client *c : { bob.get(), carol.get() }) {
        const QJsonObject a1 = c->waitFor(s("file-available"));
        const QJsonObject a2 = c->waitFor(s("file-available"));
        QCOMPARE(a1.value(s("file")).toObject().value(s("index")).toInteger(), 1);
        QCOMPARE(a2.value(s("file")).toObject().value(s("index")).toInteger(), 2);
    }
    QCOMPARE(carol->waitFor(s("file-available"))
                 .value(s("file"))
                 .toObject()
                 .value(s("index"))
                 .toInteger(),
             3);

    // Withdraw file 2: everyone who could see it is told.
    QSignalSpy removedSpy(m_server.get(), &RoomServer::fileRemoved);
    const qint64 uploadId = second.value(s("uploadId")).toInteger();
    const QJsonObject cancelled
        = alice->request({ { s("type"), s("upload-cancel") }, { s("uploadId"), uploadId } });
    QCOMPARE(cancelled.value(s("type")).toString(), s("upload-cancelled"));
    QCOMPARE(cancelled.value(s("uploadId")).toInteger(), uploadId);
    for (Client *c : { bob.get(), carol.get() }) {
        const QJsonObject removed = c->waitFor(s("file-removed"));
        QCOMPARE(removed.value(s("index")).toInteger(), 2);
        QCOMPARE(removed.value(s("reason")).toString(), s("withdrawn"));
    }
    // The sender is told too (its list of own files drops the file), once.
    QCOMPARE(alice->waitFor(s("file-removed")).value(s("index")).toInteger(), 2);
    QCOMPARE(removedSpy.count(), 1);
    QCOMPARE(storedCount(), 2);
    QCOMPARE(errorCode(bob->request({ { s("type"), s("download-begin") }, { s("index"), 2 } })),
             1181);
    // Withdrawing again: the job is gone.
    QCOMPARE(errorCode(alice->request(
                 { { s("type"), s("upload-cancel") }, { s("uploadId"), uploadId } })),
             1190);

    const QJsonObject fourth = carol->upload(s("four"), randomBytes(10));
    QCOMPARE(fourth.value(s("file")).toObject().value(s("index")).toInteger(), 4);
    QList<qint64> bobIndexes;
    for (const auto &f : bob->request({ { s("type"), s("list") } }).value(s("files")).toArray())
        bobIndexes << f.toObject().value(s("index")).toInteger();
    QCOMPARE(bobIndexes, (QList<qint64>{ 1, 4 }));
}

void tst_ServerProtocol::withdrawFailsDownloadInProgress()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QJsonObject done
        = alice->upload(s("big"), randomBytes(Protocol::DownloadWindow + Protocol::ChunkSize));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    const QJsonObject accepted
        = bob->request({ { s("type"), s("download-begin") }, { s("index"), index } });
    const qint64 downloadId = accepted.value(s("downloadId")).toInteger();
    // Bob does not ack, so the download stalls at the window.
    QTRY_COMPARE_WITH_TIMEOUT(bob->binaries().size(),
                              qsizetype(Protocol::DownloadWindow / Protocol::ChunkSize), Timeout);

    QCOMPARE(alice
                 ->request({ { s("type"), s("upload-cancel") },
                             { s("uploadId"), done.value(s("uploadId")) } })
                 .value(s("type"))
                 .toString(),
             s("upload-cancelled"));
    const QJsonObject failed = bob->waitFor(s("download-failed"));
    QCOMPARE(errorCode(failed), 1193);
    QCOMPARE(failed.value(s("downloadId")).toInteger(), downloadId);
    QCOMPARE(bob->waitFor(s("file-removed")).value(s("index")).toInteger(), index);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 0, Timeout);
    QCOMPARE(storedCount(), 0);
    // The download is over: cancelling it is an unknown job.
    QCOMPARE(errorCode(bob->request(
                 { { s("type"), s("download-cancel") }, { s("downloadId"), downloadId } })),
             1190);
}

namespace {

QJsonArray myFiles(Client &c)
{
    const QJsonObject reply = c.request({ { s("type"), s("list") }, { s("mine"), true } });
    return reply.value(s("type")).toString() == QLatin1String("files")
        ? reply.value(s("files")).toArray()
        : QJsonArray{ reply };
}

QList<qint64> indexesOf(const QJsonArray &files)
{
    QList<qint64> out;
    for (const auto &f : files)
        out.append(f.toObject().value(s("index")).toInteger(-1));
    return out;
}

} // namespace

// docs/protocol.md "Your own files": one named invite is one sender across its sessions, a
// resume and a restart; a shared invite's sessions are each their own.
void tst_ServerProtocol::ownFilesAcrossSessionsAndRestart()
{
    const QString aliceLink = token(s("room"), s("Alice"));
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject aliceJoined = alice->join(aliceLink);
    QCOMPARE(aliceJoined.value(s("type")).toString(), s("joined"));
    const QString aliceSession = aliceJoined.value(s("sessionId")).toString();
    auto bob = joinClient(s("Bob"));
    QVERIFY(bob);
    const QJsonObject all = alice->upload(s("all.txt"), randomBytes(1000));
    const QJsonObject toBob
        = alice->upload(s("bob.txt"), randomBytes(2000), false, { bob->clientId() });
    const qint64 allIndex = all.value(s("file")).toObject().value(s("index")).toInteger();
    const qint64 bobIndex = toBob.value(s("file")).toObject().value(s("index")).toInteger();
    QCOMPARE(indexesOf(myFiles(*alice)), (QList<qint64>{ allIndex, bobIndex }));
    QVERIFY(myFiles(*bob).isEmpty());

    // Bob downloads both; the counts follow.
    QVERIFY(bob->download(allIndex).size() == 1000);
    QVERIFY(bob->download(bobIndex).size() == 2000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 0, Timeout);
    QJsonArray mine = myFiles(*alice);
    QCOMPARE(mine.size(), 2);
    QCOMPARE(mine.at(0).toObject().value(s("downloads")).toInteger(), 1);
    QCOMPARE(mine.at(0).toObject().value(s("recipients")).toArray(), QJsonArray());
    QCOMPARE(mine.at(1).toObject().value(s("recipients")).toArray(), QJsonArray{ bob->clientId() });
    QCOMPARE(mine.at(1).toObject().value(s("name")).toString(), s("bob.txt"));

    // A second connection with the same named link (a new session) sees them too.
    auto alice2 = connectClient();
    QVERIFY(alice2);
    QCOMPARE(alice2->join(aliceLink).value(s("type")).toString(), s("joined"));
    QVERIFY(alice2->clientId() != alice->clientId());
    QCOMPARE(indexesOf(myFiles(*alice2)), (QList<qint64>{ allIndex, bobIndex }));

    // A shared link: each session is its own sender.
    const QString shared = token(s("room"), QString());
    auto carol = connectClient();
    QVERIFY(carol);
    QCOMPARE(carol->join(shared, s("Carol")).value(s("type")).toString(), s("joined"));
    const qint64 carolIndex = carol->upload(s("carol.txt"), randomBytes(10))
                                  .value(s("file"))
                                  .toObject()
                                  .value(s("index"))
                                  .toInteger();
    auto dave = connectClient();
    QVERIFY(dave);
    QCOMPARE(dave->join(shared, s("Dave")).value(s("type")).toString(), s("joined"));
    QVERIFY(myFiles(*dave).isEmpty());
    QCOMPARE(indexesOf(myFiles(*carol)), QList<qint64>{ carolIndex });
    QCOMPARE(
        errorCode(dave->request({ { s("type"), s("file-remove") }, { s("index"), carolIndex } })),
        1199);

    // After a restart: a resumed session and a fresh one with the link both see the files
    // with their counts.
    alice.reset();
    alice2.reset();
    bob.reset();
    carol.reset();
    dave.reset();
    restartServer();
    auto resumed = connectClient();
    QVERIFY(resumed);
    const QJsonObject rejoined
        = resumed->join(aliceLink, QString(), { { s("resume"), aliceSession } });
    QCOMPARE(rejoined.value(s("resumed")).toBool(), true);
    mine = myFiles(*resumed);
    QCOMPARE(indexesOf(mine), (QList<qint64>{ allIndex, bobIndex }));
    QCOMPARE(mine.at(0).toObject().value(s("downloads")).toInteger(), 1);
    QCOMPARE(mine.at(1).toObject().value(s("downloads")).toInteger(), 1);
    auto fresh = connectClient();
    QVERIFY(fresh);
    QCOMPARE(fresh->join(aliceLink).value(s("type")).toString(), s("joined"));
    QCOMPARE(indexesOf(myFiles(*fresh)), (QList<qint64>{ allIndex, bobIndex }));

    // The fresh session withdraws a file the first one sent; everyone is told.
    auto erin = joinClient(s("Erin"));
    QVERIFY(erin);
    const QJsonObject removed
        = fresh->request({ { s("type"), s("file-remove") }, { s("index"), allIndex } });
    QCOMPARE(removed.value(s("type")).toString(), s("file-removed"));
    QCOMPARE(removed.value(s("reason")).toString(), s("withdrawn"));
    QCOMPARE(erin->waitFor(s("file-removed")).value(s("index")).toInteger(), allIndex);
    QCOMPARE(indexesOf(myFiles(*resumed)), QList<qint64>{ bobIndex });
    QCOMPARE(errorCode(fresh->request({ { s("type"), s("list") }, { s("mine"), 1 } })), 1189);
}

// A database written by the server before owners and download counts: its file and its
// session survive, the resumed session owns the file by its clientId, and downloads are
// counted from then on.
void tst_ServerProtocol::migratesOldDatabase()
{
    if (!m_postgres.isEmpty())
        QSKIP("the migration of an old SQLite file; PostgreSQL tables are created new");
    m_server.reset();
    for (const QString &name : { s("roomshare.db"), s("roomshare.db-wal"), s("roomshare.db-shm") })
        QFile::remove(m_dir->filePath(name));
    const QByteArray content("old bytes");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        Roomshare::Server::Storage storage;
        QString error;
        QVERIFY2(storage.open(m_dir->path(), &error), qPrintable(error));
        const QString storageId = Roomshare::Server::Storage::newId();
        QFile data(storage.filePath(storageId));
        QVERIFY(data.open(QIODevice::WriteOnly));
        QCOMPARE(data.write(content), content.size());
        data.close();
        QSqlDatabase db = QSqlDatabase::addDatabase(s("QSQLITE"), s("old"));
        db.setDatabaseName(m_dir->filePath(s("roomshare.db")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        const QStringList oldSchema = {
            s("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER)"),
            s("CREATE TABLE rooms (name TEXT PRIMARY KEY, next_index INTEGER)"),
            s("CREATE TABLE files (room TEXT, idx INTEGER, storage TEXT, name TEXT, size INTEGER, "
              "mime TEXT, sha256 TEXT, sender TEXT, sender_id TEXT, created_at INTEGER, "
              "expires_at INTEGER, broadcast INTEGER, recipients TEXT, upload_id INTEGER, "
              "PRIMARY KEY (room, idx))"),
            s("CREATE TABLE sessions (id TEXT PRIMARY KEY, room TEXT, client_id TEXT, name TEXT, "
              "role TEXT, last_seen INTEGER)"),
            s("CREATE TABLE uploads (id INTEGER PRIMARY KEY, storage TEXT, room TEXT, session "
              "TEXT, sender_id TEXT, sender TEXT, name TEXT, size INTEGER, mime TEXT, broadcast "
              "INTEGER, recipients TEXT, durable INTEGER, last_activity INTEGER, end_sha256 TEXT)"),
            s("INSERT INTO rooms VALUES ('room', 2)"),
            s("INSERT INTO files VALUES ('room', 1, '%1', 'old.txt', %2, 'text/plain', '%3', "
              "'Alice', 'c9077', %4, %5, 1, '[]', 7)")
                .arg(storageId)
                .arg(content.size())
                .arg(sha256Hex(content))
                .arg(now)
                .arg(now + 3600 * 1000),
            s("INSERT INTO sessions VALUES ('oldsession', 'room', 'c9077', 'Alice', "
              "'participant', %1)")
                .arg(now),
        };
        for (const QString &sql : oldSchema)
            QVERIFY2(q.exec(sql), qPrintable(sql));
        db.close();
    }
    QSqlDatabase::removeDatabase(s("old"));

    restartServer();
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined = alice->join(token(s("room"), s("Alice")), QString(),
                                           { { s("resume"), s("oldsession") } });
    QCOMPARE(joined.value(s("resumed")).toBool(), true);
    QCOMPARE(alice->clientId(), s("c9077"));
    QJsonArray mine = myFiles(*alice);
    QCOMPARE(indexesOf(mine), QList<qint64>{ 1 });
    QCOMPARE(mine.at(0).toObject().value(s("downloads")).toInteger(), 0);
    auto bob = joinClient(s("Bob"));
    QVERIFY(bob);
    QVERIFY(bob->download(1) == content);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 0, Timeout);
    QCOMPARE(myFiles(*alice).at(0).toObject().value(s("downloads")).toInteger(), 1);

    alice.reset();
    bob.reset();
    restartServer();
    auto again = connectClient();
    QVERIFY(again);
    QCOMPARE(
        again->join(token(s("room"), s("Alice")), QString(), { { s("resume"), s("oldsession") } })
            .value(s("resumed"))
            .toBool(),
        true);
    mine = myFiles(*again);
    QCOMPARE(indexesOf(mine), QList<qint64>{ 1 });
    QCOMPARE(mine.at(0).toObject().value(s("downloads")).toInteger(), 1);
}

// docs/protocol.md "Expiry and download limits": maxDownloads 1 withdraws the file after
// the first completed download (the next participant gets 1181); expiresIn is capped by
// the server's TTL (3600 s here).
void tst_ServerProtocol::downloadLimitAndExpiry()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto carol = joinClient(s("Carol"));
    QVERIFY(alice && bob && carol);
    const QByteArray data = randomBytes(3000);
    const QJsonObject once = alice->upload(s("once.txt"), data, true, {}, QString(),
                                           { { s("maxDownloads"), 1 }, { s("expiresIn"), 36000 } });
    QCOMPARE(once.value(s("type")).toString(), s("upload-done"));
    const QJsonObject file = once.value(s("file")).toObject();
    QCOMPARE(file.value(s("maxDownloads")).toInteger(), 1);
    QCOMPARE(file.value(s("expiresAt")).toInteger() - file.value(s("createdAt")).toInteger(),
             3600 * 1000);
    const QJsonObject brief = alice
                                  ->upload(s("brief.txt"), randomBytes(10), true, {}, QString(),
                                           { { s("expiresIn"), 60 } })
                                  .value(s("file"))
                                  .toObject();
    QCOMPARE(brief.value(s("expiresAt")).toInteger() - brief.value(s("createdAt")).toInteger(),
             60 * 1000);
    QVERIFY(!brief.contains(s("maxDownloads")));

    const qint64 index = file.value(s("index")).toInteger();
    QJsonObject failure;
    QVERIFY(bob->download(index, &failure) == data);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    const QJsonObject removed = carol->waitFor([index](const QJsonObject &m) {
        return m.value(s("type")).toString() == QLatin1String("file-removed")
            && m.value(s("index")).toInteger() == index;
    });
    QCOMPARE(removed.value(s("reason")).toString(), s("withdrawn"));
    // The sender is told as well, so a list of one's own files can drop it.
    const QJsonObject toSender = alice->waitFor([index](const QJsonObject &m) {
        return m.value(s("type")).toString() == QLatin1String("file-removed")
            && m.value(s("index")).toInteger() == index;
    });
    QCOMPARE(toSender.value(s("reason")).toString(), s("withdrawn"));
    QCOMPARE(
        errorCode(carol->request({ { s("type"), s("download-begin") }, { s("index"), index } })),
        1181);

    QCOMPARE(errorCode(alice->beginUpload(s("x"), 1, true, {}, { { s("maxDownloads"), 0 } })),
             1189);
    QCOMPARE(errorCode(alice->beginUpload(s("x"), 1, true, {}, { { s("expiresIn"), s("1h") } })),
             1189);
}

void tst_ServerProtocol::cancelUploadMidway()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray data = randomBytes(2 * 1024 * 1024);
    const QJsonObject accepted = alice->beginUpload(s("half"), data.size());
    const quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0, data.size() / 2);
    QVERIFY(!alice->waitFor(s("upload-ack")).isEmpty());
    QCOMPARE(partialCount(), 1);

    const QJsonObject cancelled
        = alice->request({ { s("type"), s("upload-cancel") }, { s("uploadId"), qint64(id) } });
    QCOMPARE(cancelled.value(s("type")).toString(), s("upload-cancelled"));
    QCOMPARE(partialCount(), 0);
    // Data still in flight for the cancelled upload is ignored, as is its upload-end.
    alice->sendChunks(id, data, data.size() / 2);
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    QCOMPARE(alice->request({ { s("type"), s("list") } }).value(s("type")).toString(), s("files"));
    QVERIFY(!alice->hasMessage(s("upload-failed")));
    QVERIFY(!alice->hasMessage(s("upload-done")));
    QVERIFY(!alice->hasMessage(s("error")));
    QVERIFY(!bob->hasMessage(s("file-available")));
    QVERIFY(bob->request({ { s("type"), s("list") } }).value(s("files")).toArray().isEmpty());
    QCOMPARE(partialCount(), 0);
    QCOMPARE(storedCount(), 0);
    QCOMPARE(m_server->uploadCount(), 0);
}

void tst_ServerProtocol::disconnectAbortsUpload()
{
    // Leaving on purpose (`leave`) ends the uploads in progress and deletes their data.
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QByteArray data = randomBytes(1024 * 1024);
    const quint32 id
        = quint32(alice->beginUpload(s("x"), data.size() * 2).value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0);
    QVERIFY(!alice->waitFor(s("upload-ack")).isEmpty());
    QCOMPARE(partialCount(), 1);
    const QString aliceId = alice->clientId();
    alice->send({ { s("type"), s("leave") } });
    QVERIFY(alice->waitForDisconnect());
    QCOMPARE(bob->waitFor(s("participant-left")).value(s("clientId")).toString(), aliceId);
    QTRY_COMPARE_WITH_TIMEOUT(partialCount(), 0, Timeout);
    QCOMPARE(m_server->uploadCount(), 0);
    QVERIFY(!bob->hasMessage(s("file-available")));
}

void tst_ServerProtocol::dropKeepsUploadResumable()
{
    // A connection that just ends keeps its uploads: the same session resumes them from
    // the server's durable offset, and the file is announced once.
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined = alice->join(token(s("room"), s("Alice")));
    const QString sessionId = joined.value(s("sessionId")).toString();
    QCOMPARE(QByteArray::fromBase64(sessionId.toLatin1(), QByteArray::Base64UrlEncoding).size(),
             16);
    QCOMPARE(joined.value(s("resumed")).toBool(true), false);
    auto bob = joinClient(s("Bob"));
    QVERIFY(bob);
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 77);
    const quint32 id
        = quint32(alice->beginUpload(s("x"), data.size()).value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0, 1024 * 1024);
    QVERIFY(!alice->waitFor(s("upload-ack")).isEmpty());
    const QString aliceId = alice->clientId();
    alice->socket().abort();
    alice.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, Timeout);
    QCOMPARE(m_server->uploadCount(), 1);
    QCOMPARE(partialCount(), 1);

    // Someone else cannot resume it, not even in another room with the session id.
    auto mallory = connectClient();
    QVERIFY(mallory);
    QJsonObject other = mallory->request({ { s("type"), s("join") },
                                           { s("token"), token(s("other"), s("Mallory")) },
                                           { s("resume"), sessionId } });
    QVERIFY(other.value(s("clientId")).toString() != aliceId);
    QCOMPARE(other.value(s("resumed")).toBool(true), false);
    QCOMPARE(errorCode(mallory->request(
                 { { s("type"), s("upload-resume") }, { s("uploadId"), qint64(id) } })),
             1190);

    auto again = connectClient();
    QVERIFY(again);
    const QJsonObject rejoined = again->request({ { s("type"), s("join") },
                                                  { s("token"), token(s("room"), s("Alice")) },
                                                  { s("resume"), sessionId } });
    QCOMPARE(rejoined.value(s("clientId")).toString(), aliceId);
    QCOMPARE(rejoined.value(s("resumed")).toBool(), true);
    const QJsonObject accepted
        = again->request({ { s("type"), s("upload-resume") }, { s("uploadId"), qint64(id) } });
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    QCOMPARE(accepted.value(s("offset")).toInteger(), 1024 * 1024);
    again->sendChunks(id, data, 1024 * 1024);
    again->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    QCOMPARE(again->waitFor(s("upload-done")).value(s("uploadId")).toInteger(), id);
    const qint64 index = bob->waitFor(s("file-available"))
                             .value(s("file"))
                             .toObject()
                             .value(s("index"))
                             .toInteger();
    QCOMPARE(bob->download(index), data);
    QTest::qWait(100);
    QVERIFY(!bob->hasMessage(s("file-available")));
    // Resuming a finished upload tells how it ended.
    const QJsonObject done
        = again->request({ { s("type"), s("upload-resume") }, { s("uploadId"), qint64(id) } });
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    QCOMPARE(done.value(s("file")).toObject().value(s("index")).toInteger(), index);
}

void tst_ServerProtocol::zeroByteFile()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QJsonObject done = alice->upload(s("empty.txt"), QByteArray());
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("size")).toInteger(), 0);
    QCOMPARE(file.value(s("sha256")).toString(), sha256Hex(QByteArray()));
    const qint64 index = file.value(s("index")).toInteger();
    QCOMPARE(bob->waitFor(s("file-available")).value(s("file")).toObject(), file);

    const QJsonObject accepted
        = bob->request({ { s("type"), s("download-begin") }, { s("index"), index } });
    QCOMPARE(accepted.value(s("type")).toString(), s("download-accepted"));
    QCOMPARE(accepted.value(s("size")).toInteger(), 0);
    const QJsonObject end = bob->waitFor(s("download-end"));
    QCOMPARE(end.value(s("downloadId")), accepted.value(s("downloadId")));
    QVERIFY(bob->binaries().isEmpty());
}

void tst_ServerProtocol::hashInUploadBegin()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    auto begin = [&](const QString &name, qint64 size, const QJsonValue &sha) {
        return alice->request({ { s("type"), s("upload-begin") },
                                { s("name"), name },
                                { s("size"), size },
                                { s("sha256"), sha } });
    };

    // The hash with the begin stands for upload-end: the last byte completes the upload.
    const QByteArray data = randomBytes(5000);
    QJsonObject accepted = begin(s("early.bin"), data.size(), sha256Hex(data).toUpper());
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    QCOMPARE(accepted.value(s("endReceived")).toBool(), true);
    quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0);
    const QJsonObject done = alice->waitFor(s("upload-done"));
    QCOMPARE(done.value(s("uploadId")).toInteger(), id);
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("sha256")).toString(), sha256Hex(data));
    QCOMPARE(bob->waitFor(s("file-available")).value(s("file")).toObject(), file);
    QCOMPARE(bob->download(file.value(s("index")).toInteger()), data);

    // A plain begin is not answered with endReceived: the client must send upload-end.
    accepted = alice->beginUpload(s("plain.bin"), 10);
    QVERIFY(!accepted.contains(s("endReceived")));
    alice->send(
        { { s("type"), s("upload-cancel") }, { s("uploadId"), accepted.value(s("uploadId")) } });

    // A wrong hash fails the upload once the bytes are in, as with upload-end.
    accepted = begin(s("wrong.bin"), data.size(), QString(64, QLatin1Char('0')));
    id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0);
    QJsonObject failed = alice->waitFor(s("upload-failed"));
    QCOMPARE(failed.value(s("uploadId")).toInteger(), id);
    QCOMPARE(errorCode(failed), 1191);

    // An upload-end with another hash contradicts the begin (1198); the same hash is harmless.
    accepted = begin(s("twice.bin"), data.size(), sha256Hex(data));
    id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(QByteArrayLiteral("other")) } });
    failed = alice->waitFor(s("upload-failed"));
    QCOMPARE(failed.value(s("uploadId")).toInteger(), id);
    QCOMPARE(errorCode(failed), 1198);

    // Malformed hashes are refused with the begin.
    QCOMPARE(errorCode(begin(s("bad.bin"), 10, s("abc"))), 1189);
    QCOMPARE(errorCode(begin(s("bad.bin"), 10, 42)), 1189);

    // An empty file with its hash is complete at once; with another hash it is refused.
    accepted = begin(s("empty.txt"), 0, sha256Hex(QByteArray()));
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    QCOMPARE(alice->waitFor(s("upload-done")).value(s("uploadId")), accepted.value(s("uploadId")));
    QCOMPARE(errorCode(begin(s("empty2.txt"), 0, sha256Hex(QByteArrayLiteral("x")))), 1191);

    QCOMPARE(m_server->fileCount(), 2);
    QCOMPARE(partialCount(), 0);
    QCOMPARE(m_server->uploadCount(), 0);
}

void tst_ServerProtocol::foreignAndUnknownJobs()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QJsonObject accepted = alice->beginUpload(s("x"), 100);
    const qint64 id = accepted.value(s("uploadId")).toInteger();
    // Only the sender may cancel.
    QCOMPARE(errorCode(bob->request({ { s("type"), s("upload-cancel") }, { s("uploadId"), id } })),
             1190);
    QCOMPARE(
        errorCode(bob->request({ { s("type"), s("upload-cancel") }, { s("uploadId"), 4242 } })),
        1190);
    QCOMPARE(
        errorCode(bob->request({ { s("type"), s("download-cancel") }, { s("downloadId"), 4242 } })),
        1190);
    QCOMPARE(m_server->uploadCount(), 1);

    // Cancelling a download in progress.
    const QJsonObject done
        = bob->upload(s("y"), randomBytes(Protocol::DownloadWindow + Protocol::ChunkSize));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    const QJsonObject dl
        = alice->request({ { s("type"), s("download-begin") }, { s("index"), index } });
    const qint64 downloadId = dl.value(s("downloadId")).toInteger();
    QCOMPARE(errorCode(bob->request(
                 { { s("type"), s("download-cancel") }, { s("downloadId"), downloadId } })),
             1190);
    const QJsonObject cancelled
        = alice->request({ { s("type"), s("download-cancel") }, { s("downloadId"), downloadId } });
    QCOMPARE(cancelled.value(s("type")).toString(), s("download-cancelled"));
    QCOMPARE(cancelled.value(s("downloadId")).toInteger(), downloadId);
    QCOMPARE(m_server->downloadCount(), 0);
    QVERIFY(!alice->hasMessage(s("download-end")));
}

void tst_ServerProtocol::expiry()
{
    startServer([](ServerOptions &o) { o.fileTtlSeconds = 1; });
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy removedSpy(m_server.get(), &RoomServer::fileRemoved);
    const QJsonObject done = alice->upload(s("short-lived"), randomBytes(10));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("expiresAt")).toInteger() - file.value(s("createdAt")).toInteger(), 1000);
    const QJsonObject removed = bob->waitFor(s("file-removed"), 3000);
    QCOMPARE(removed.value(s("index")).toInteger(), index);
    QCOMPARE(removed.value(s("reason")).toString(), s("expired"));
    QCOMPARE(removedSpy.count(), 1);
    QCOMPARE(storedCount(), 0);
    QCOMPARE(m_server->fileCount(), 0);
    QCOMPARE(errorCode(bob->request({ { s("type"), s("download-begin") }, { s("index"), index } })),
             1181);
}

void tst_ServerProtocol::oversizedControlMessage()
{
    auto c = joinClient(s("Alice"));
    QVERIFY(c);
    // Just over the control limit, but under the data limit Qt enforces by itself.
    QJsonObject big{ { s("type"), s("list") }, { s("rid"), 1 } };
    big.insert(s("pad"), QString(int(Protocol::MaxControlMessage), QLatin1Char('x')));
    c->send(big);
    QVERIFY(c->waitForDisconnect());
    QCOMPARE(int(c->socket().closeCode()), 1009);

    auto d = joinClient(s("Bob"));
    QVERIFY(d);
    d->sendBinary(QByteArray(int(Protocol::MaxDataMessage) + 1, 'x'));
    QVERIFY(d->waitForDisconnect());
    QCOMPARE(int(d->socket().closeCode()), 1009);
}

void tst_ServerProtocol::idleConnectionsAreClosed()
{
    startServer([](ServerOptions &o) {
        o.pingIntervalMs = 100;
        o.idleTimeoutMs = 400;
    });
    // A WebSocket that answers pings stays connected.
    auto alive = joinClient(s("Alice"));
    QVERIFY(alive);

    // A peer that completes the handshake and then says nothing (no pongs) is closed.
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(silent.waitForConnected(Timeout));
    silent.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    QTRY_VERIFY_WITH_TIMEOUT((response += silent.readAll()).contains("\r\n\r\n"), Timeout);
    QVERIFY(response.startsWith("HTTP/1.1 101"));
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 2, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, Timeout);
    QCOMPARE(alive->socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->participantCount(), 1);
}

void tst_ServerProtocol::dataChannelGreetingAndJoin()
{
    DataClient data;
    QVERIFY(data.connectTo(m_server->port()));
    const QByteArray answer = data.greet();
    QVERIFY2(answer.startsWith("OK "), answer.constData());
    // The key is unguessable (128 bits, base64url) and nothing else follows the line.
    const QString key = data.key();
    QCOMPARE(QByteArray::fromBase64(key.toLatin1(),
                                    QByteArray::Base64UrlEncoding
                                        | QByteArray::AbortOnBase64DecodingErrors)
                 .size(),
             16);
    QVERIFY(data.frames().isEmpty());
    QVERIFY(data.pending().isEmpty());
    // A greeted channel is not a WebSocket connection.
    QCOMPARE(m_server->connectionCount(), 0);

    auto c = connectClient();
    QVERIFY(c);
    const QJsonObject joined
        = c->join(token(s("room"), s("Alice")), QString(), { { s("dataKey"), key } });
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("dataChannel")).toBool(false), true);
    QCOMPARE(data.socket().state(), QAbstractSocket::ConnectedState);

    // Without a key: no data channel.
    auto plain = connectClient();
    QVERIFY(plain);
    const QJsonObject plainJoined = plain->join(token(s("room"), s("Bob")));
    QCOMPARE(plainJoined.value(s("type")).toString(), s("joined"));
    QCOMPARE(plainJoined.value(s("dataChannel")).toBool(true), false);
    QCOMPARE(m_server->connectionCount(), 2);
}

void tst_ServerProtocol::dataChannelRoundTrip()
{
    auto alice = joinDataClient(s("Alice"));
    auto bob = joinDataClient(s("Bob"));
    auto carol = joinClient(s("Carol"));
    QVERIFY(alice && bob && carol);
    QVERIFY(!carol->usesDataChannel());

    // The first half of the chunks over the data channel, the rest as WebSocket binary
    // messages, which the server still takes from a client with a data channel.
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 4321);
    const qint64 half = 2 * Protocol::AckInterval; // acknowledged as such
    const QJsonObject accepted = alice->beginUpload(s("mixed.bin"), data.size());
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    const quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0, half);
    QVERIFY(!alice
                 ->waitFor([half](const QJsonObject &m) {
                     return m.value(s("type")).toString() == QLatin1String("upload-ack")
                         && m.value(s("offset")).toInteger() == half;
                 })
                 .isEmpty());
    for (qint64 off = half; off < data.size(); off += Protocol::ChunkSize) {
        const qint64 n = qMin(Protocol::ChunkSize, data.size() - off);
        alice->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, id, quint64(off),
                                              QByteArrayView(data).sliced(off, n)));
    }
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    const QJsonObject done = alice->waitFor(s("upload-done"));
    QCOMPARE(done.value(s("uploadId")).toInteger(), id);
    const QJsonObject file = done.value(s("file")).toObject();
    QCOMPARE(file.value(s("sha256")).toString(), sha256Hex(data));
    const qint64 index = file.value(s("index")).toInteger();

    // A second file entirely over the data channel.
    QVERIFY(bob->waitFor(s("file-available")).value(s("file")).toObject() == file);
    QVERIFY(carol->waitFor(s("file-available")).value(s("file")).toObject() == file);
    const QByteArray second = randomBytes(2 * 1024 * 1024 + 17);
    const QJsonObject secondDone = alice->upload(s("second.bin"), second);
    QCOMPARE(secondDone.value(s("type")).toString(), s("upload-done"));
    const qint64 secondIndex = secondDone.value(s("file")).toObject().value(s("index")).toInteger();

    // Bob downloads over his data channel: frames, and no binary WebSocket message.
    const std::pair<qint64, QByteArray> files[] = { { index, data }, { secondIndex, second } };
    for (const auto &[idx, expected] : files) {
        QJsonObject failure;
        const QByteArray received = bob->download(idx, &failure);
        QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
        QCOMPARE(received.size(), expected.size());
        QVERIFY(received == expected);
    }
    QVERIFY(bob->binaries().isEmpty());
    QVERIFY(bob->dataChannel()->pending().isEmpty());

    // Carol, without a data channel, gets the same bytes as binary messages.
    QJsonObject failure;
    const QByteArray received = carol->download(index, &failure);
    QVERIFY2(failure.isEmpty(), QJsonDocument(failure).toJson().constData());
    QVERIFY(received == data);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 0, Timeout);
    QCOMPARE(partialCount(), 0);
    QCOMPARE(storedCount(), 2);
    // Nothing went to Alice, who only sent.
    QVERIFY(alice->binaries().isEmpty());
    QVERIFY(alice->dataChannel()->frames().isEmpty());
}

void tst_ServerProtocol::dataChannelUnknownKey()
{
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined = alice->join(token(s("room"), s("Alice")), QString(),
                                           { { s("dataKey"), s("AAAAAAAAAAAAAAAAAAAAAA") } });
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("dataChannel")).toBool(true), false);
    // A key that is not a string is ignored the same way.
    auto bob = connectClient();
    QVERIFY(bob);
    const QJsonObject bobJoined
        = bob->join(token(s("room"), s("Bob")), QString(), { { s("dataKey"), 42 } });
    QCOMPARE(bobJoined.value(s("type")).toString(), s("joined"));
    QCOMPARE(bobJoined.value(s("dataChannel")).toBool(true), false);

    // Data goes over the WebSocket as before.
    const QByteArray data = randomBytes(1024 * 1024 + 5);
    const QJsonObject done = alice->upload(s("x.bin"), data);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    QVERIFY(!bob->waitFor(s("file-available")).isEmpty());
    QCOMPARE(bob->download(index), data);
}

void tst_ServerProtocol::dataChannelClaimedOnce()
{
    DataClient data;
    QVERIFY(data.open(m_server->port()));
    auto alice = connectClient();
    auto mallory = connectClient();
    QVERIFY(alice && mallory);
    QVERIFY(alice->join(token(s("room"), s("Alice")), QString(), { { s("dataKey"), data.key() } })
                .value(s("dataChannel"))
                .toBool());
    const QJsonObject second = mallory->join(token(s("room"), s("Mallory")), QString(),
                                             { { s("dataKey"), data.key() } });
    QCOMPARE(second.value(s("type")).toString(), s("joined"));
    QCOMPARE(second.value(s("dataChannel")).toBool(true), false);

    // The channel still belongs to Alice: a download she starts arrives on it.
    const QByteArray bytes = randomBytes(300 * 1024);
    const QJsonObject done = mallory->upload(s("m.bin"), bytes);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    const QJsonObject accepted = alice->request(
        { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), 0 } });
    QCOMPARE(accepted.value(s("type")).toString(), s("download-accepted"));
    QVERIFY(!alice->waitFor(s("download-end")).isEmpty());
    auto framedBytes = [&data] {
        qint64 n = 0;
        for (const auto &f : std::as_const(data.frames()))
            n += f.size() - ChunkHeader::Size;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(framedBytes(), bytes.size(), Timeout);
    QVERIFY(alice->binaries().isEmpty());
    QVERIFY(mallory->binaries().isEmpty());
}

void tst_ServerProtocol::dataChannelFromAnotherAddress()
{
    // The key alone is not enough: the channel must come from the WebSocket's address.
    DataClient data;
    if (!data.connectTo(m_server->port(), QHostAddress(s("127.0.0.2"))))
        QSKIP("cannot connect from 127.0.0.2 here");
    QCOMPARE(data.socket().localAddress(), QHostAddress(s("127.0.0.2")));
    QVERIFY(data.greet().startsWith("OK "));
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined
        = alice->join(token(s("room"), s("Alice")), QString(), { { s("dataKey"), data.key() } });
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("dataChannel")).toBool(true), false);
}

void tst_ServerProtocol::unclaimedDataChannelExpires()
{
    startServer([](ServerOptions &o) {
        o.handshakeTimeoutMs = 200;
        o.joinTimeoutMs = 400;
    });
    DataClient data;
    QVERIFY(data.open(m_server->port()));
    // A greeting that never finishes is dropped as well.
    DataClient partial;
    QVERIFY(partial.connectTo(m_server->port()));
    partial.socket().write("ROOMSHARE-DA");
    QVERIFY(data.waitForDisconnect(5000));
    QVERIFY(partial.waitForDisconnect(5000));
    QVERIFY(partial.frames().isEmpty() && partial.pending().isEmpty());

    // Its key is gone with it.
    auto alice = connectClient();
    QVERIFY(alice);
    const QJsonObject joined
        = alice->join(token(s("room"), s("Alice")), QString(), { { s("dataKey"), data.key() } });
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("dataChannel")).toBool(true), false);

    // A channel claimed in time is not touched by the deadline.
    auto bob = joinDataClient(s("Bob"));
    QVERIFY(bob);
    QTest::qWait(600);
    QCOMPARE(bob->dataChannel()->socket().state(), QAbstractSocket::ConnectedState);
    const QJsonObject done = bob->upload(s("late.bin"), randomBytes(100 * 1024));
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
}

void tst_ServerProtocol::unclaimedDataChannelsCountAgainstCap()
{
    startServer([](ServerOptions &o) { o.maxConnectionsPerAddress = 2; });
    auto first = std::make_unique<DataClient>();
    DataClient second;
    QVERIFY(first->open(m_server->port()));
    QVERIFY(second.open(m_server->port()));
    // A third unidentified connection from the address is refused at once.
    DataClient third;
    if (third.connectTo(m_server->port()))
        QVERIFY(third.waitForDisconnect());
    QVERIFY(third.key().isEmpty());
    QVERIFY(third.frames().isEmpty() && third.pending().isEmpty());

    // When one goes, there is room for a WebSocket that claims the other.
    first.reset();
    std::unique_ptr<Client> alice;
    QTRY_VERIFY_WITH_TIMEOUT((alice = connectClient()) != nullptr, Timeout);
    const QJsonObject joined
        = alice->join(token(s("room"), s("Alice")), QString(), { { s("dataKey"), second.key() } });
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("dataChannel")).toBool(), true);
}

void tst_ServerProtocol::badDataFrameLength_data()
{
    QTest::addColumn<quint32>("length");
    QTest::addRow("empty") << quint32(0);
    QTest::addRow("shorter than a chunk header") << quint32(ChunkHeader::Size - 1);
    QTest::addRow("one over the limit") << quint32(Protocol::MaxDataMessage + 1);
    QTest::addRow("4 GiB") << quint32(0xffffffff);
}

void tst_ServerProtocol::badDataFrameLength()
{
    QFETCH(quint32, length);
    auto alice = joinDataClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QString aliceId = alice->clientId();
    // A good frame first: the stream is fine up to the bad prefix.
    const quint32 id = quint32(
        alice->beginUpload(s("x.bin"), 10 * 1024 * 1024).value(s("uploadId")).toInteger());
    const QByteArray data = randomBytes(Protocol::AckInterval);
    alice->sendChunks(id, data, 0);
    QVERIFY(!alice->waitFor(s("upload-ack")).isEmpty());
    alice->dataChannel()->sendLengthAndBytes(length, QByteArray(ChunkHeader::Size, 'x'));

    const QJsonObject error = alice->waitFor(s("error"));
    QCOMPARE(errorCode(error), 1198);
    QVERIFY2(error.value(s("desc")).toString().startsWith(s("Broken data channel: ")),
             qPrintable(error.value(s("desc")).toString()));
    QVERIFY(alice->waitForDisconnect());
    QCOMPARE(int(alice->socket().closeCode()), 1008);
    QVERIFY(alice->dataChannel()->waitForDisconnect());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, Timeout);
    QCOMPARE(bob->socket().state(), QAbstractSocket::ConnectedState);
    QCOMPARE(bob->waitFor(s("participant-left")).value(s("clientId")).toString(), aliceId);
}

void tst_ServerProtocol::closedDataChannelDropsConnection()
{
    // Closing the data channel is a drop of the whole connection: the WebSocket goes too,
    // the upload keeps its durable offset and the session resumes with a new channel.
    auto alice = connectClient();
    QVERIFY(alice && alice->openDataChannel(m_server->port()));
    const QJsonObject joined = alice->join(token(s("room"), s("Alice")));
    QVERIFY(joined.value(s("dataChannel")).toBool());
    const QString sessionId = joined.value(s("sessionId")).toString();
    const QString aliceId = alice->clientId();
    auto bob = joinClient(s("Bob"));
    QVERIFY(bob);
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 99);
    const quint32 id
        = quint32(alice->beginUpload(s("x"), data.size()).value(s("uploadId")).toInteger());
    alice->sendChunks(id, data, 0, 1024 * 1024);
    QVERIFY(!alice
                 ->waitFor([](const QJsonObject &m) {
                     return m.value(s("type")).toString() == QLatin1String("upload-ack")
                         && m.value(s("offset")).toInteger() == 1024 * 1024;
                 })
                 .isEmpty());
    alice->dataChannel()->socket().disconnectFromHost();
    QVERIFY(alice->waitForDisconnect());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 1, Timeout);
    QCOMPARE(m_server->uploadCount(), 1);
    QCOMPARE(partialCount(), 1);

    auto again = connectClient();
    QVERIFY(again && again->openDataChannel(m_server->port()));
    const QJsonObject rejoined
        = again->join(token(s("room"), s("Alice")), QString(), { { s("resume"), sessionId } });
    QCOMPARE(rejoined.value(s("type")).toString(), s("joined"));
    QCOMPARE(rejoined.value(s("clientId")).toString(), aliceId);
    QCOMPARE(rejoined.value(s("resumed")).toBool(), true);
    QCOMPARE(rejoined.value(s("dataChannel")).toBool(), true);
    const QJsonObject accepted
        = again->request({ { s("type"), s("upload-resume") }, { s("uploadId"), qint64(id) } });
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    const qint64 offset = accepted.value(s("offset")).toInteger();
    QCOMPARE(offset, 1024 * 1024);
    again->sendChunks(id, data, offset);
    again->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(id) },
                  { s("sha256"), sha256Hex(data) } });
    QCOMPARE(again->waitFor(s("upload-done")).value(s("uploadId")).toInteger(), id);
    const qint64 index = bob->waitFor(s("file-available"))
                             .value(s("file"))
                             .toObject()
                             .value(s("index"))
                             .toInteger();
    QCOMPARE(bob->download(index), data);
    QTest::qWait(100);
    QVERIFY(!bob->hasMessage(s("file-available")));
}

void tst_ServerProtocol::notAGreeting_data()
{
    QTest::addColumn<QByteArray>("firstLine");
    QTest::addColumn<QByteArray>("answer"); //!< what the answer starts with, if any
    const QByteArray refused("HTTP/1.1 400");
    QTest::addRow("other version") << QByteArray("ROOMSHARE-DATA/2\n") << refused;
    QTest::addRow("greeting with CRLF") << QByteArray("ROOMSHARE-DATA/1\r\n") << refused;
    QTest::addRow("lower case") << QByteArray("roomshare-data/1\n") << refused;
    QTest::addRow("HELLO") << QByteArray("HELLO\r\n\r\n") << refused;
    // Plain HTTP gets the browser page, or 404 off its paths (issue 11, tst_webpage).
    QTest::addRow("HTTP without upgrade")
        << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("HTTP/1.1 200");
    QTest::addRow("HTTP, another path")
        << QByteArray("GET /x HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray("HTTP/1.1 404");
}

void tst_ServerProtocol::notAGreeting()
{
    QFETCH(QByteArray, firstLine);
    QFETCH(QByteArray, answer);
    startServer([](ServerOptions &o) { o.handshakeTimeoutMs = 500; });
    auto alice = joinDataClient(s("Alice"));
    QVERIFY(alice);

    DataClient data;
    QVERIFY(data.connectTo(m_server->port()));
    const QByteArray got = data.greet(firstLine);
    // Either the expected HTTP answer or nothing, and closed.
    QVERIFY2(got.isEmpty() || got.startsWith(answer), got.constData());
    QVERIFY(data.waitForDisconnect(5000));
    QVERIFY(data.key().isEmpty());
    QCOMPARE(m_server->connectionCount(), 1);

    // The server goes on serving: a new client gets a channel, Alice transfers.
    auto bob = joinDataClient(s("Bob"));
    QVERIFY(bob);
    const QByteArray bytes = randomBytes(512 * 1024 + 3);
    const QJsonObject done = alice->upload(s("after.bin"), bytes);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    QVERIFY(!bob->waitFor(s("file-available")).isEmpty());
    QCOMPARE(bob->download(index), bytes);
}

void tst_ServerProtocol::parseByteSize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected"); // -1: invalid
    QTest::addRow("plain") << s("512") << qint64(512);
    QTest::addRow("zero") << s("0") << qint64(0);
    QTest::addRow("K") << s("64K") << qint64(64 * 1024);
    QTest::addRow("M") << s("3M") << qint64(3 * 1024 * 1024);
    QTest::addRow("G lower") << s("16g") << qint64(16) * 1024 * 1024 * 1024;
    QTest::addRow("TiB") << s("1TiB") << (qint64(1) << 40);
    QTest::addRow("KB") << s("2KB") << qint64(2048);
    QTest::addRow("bytes B") << s("10B") << qint64(10);
    QTest::addRow("negative") << s("-1") << qint64(-1);
    QTest::addRow("empty") << QString() << qint64(-1);
    QTest::addRow("junk") << s("12X") << qint64(-1);
    QTest::addRow("fraction") << s("1.5G") << qint64(-1);
    QTest::addRow("overflow") << s("9999999999T") << qint64(-1);
}

void tst_ServerProtocol::parseByteSize()
{
    QFETCH(QString, text);
    QFETCH(qint64, expected);
    const auto parsed = Config::parseByteSize(text);
    if (expected < 0)
        QVERIFY(!parsed);
    else
        QCOMPARE(parsed.value_or(-1), expected);
}

QTEST_GUILESS_MAIN(tst_ServerProtocol)
#include "tst_serverprotocol.moc"
