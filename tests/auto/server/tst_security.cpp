// Attacks on the in-process RoomServer by hand-driven clients: forged and misused join
// tokens, access to other participants' files and transfers, moderator actions, hostile
// input (malformed, oversized, deeply nested, too fast), slow handshakes, connection caps
// and browser origins. docs/security.md lists what each is expected to do.

#include "protocolclient.h"
#include "roomserver.h"

#include <invite.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QLoggingCategory>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Roomshare;
using namespace Roomshare::Server;
using namespace ProtocolTest;

namespace {

const QByteArray Secret = QByteArrayLiteral("security-test-secret-0123456789");

JoinClaims claims(const QString &room, const QString &name, qint64 expiresIn = 3600,
                  const QString &role = s("participant"))
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.role = role;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    c.expiresAt = now + expiresIn;
    c.issuedAt = qMin(now, c.expiresAt - 60);
    c.notBefore = c.issuedAt;
    return c;
}

QString token(const QString &room, const QString &name, qint64 expiresIn = 3600,
              const QString &role = s("participant"))
{
    return Token::sign(claims(room, name, expiresIn, role), Secret);
}

QString b64(const QByteArray &data)
{
    return QString::fromLatin1(
        data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

//! A token with any header and payload, signed (or not) as the caller says.
QString forge(const QByteArray &header, const QJsonObject &payload, const QByteArray &signature)
{
    return b64(header) + QLatin1Char('.')
        + b64(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + QLatin1Char('.')
        + b64(signature);
}

QJsonObject validPayload(const QString &room = s("r"))
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return QJsonObject{ { s("room"), room },           { s("name"), s("Eve") },
                        { s("role"), s("moderator") }, { s("iat"), double(now) },
                        { s("nbf"), double(now) },     { s("exp"), double(now + 3600) },
                        { s("jti"), s("forged") } };
}

} // namespace

class tst_Security : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    // tokens
    void joinRefused_data();
    void joinRefused();
    void tokenOpensOnlyItsRoom();
    void sessionClosedWhenTokenExpires();
    void replayedJoin();
    // access
    void targetedFileIndistinguishable();
    void foreignTransfersUntouchable();
    void fileRemovePermissions();
    void participantRemove();
    void removalOfSharedLinkHolder();
    void removalSurvivesARestart();
    void serverNeverUsesClientNames();
    // hostile input
    void malformedRequests_data();
    void malformedRequests();
    void fatalMalformedInput_data();
    void fatalMalformedInput();
    void oversizedMessages();
    void oversizedRawFrame();
    void handshakeTimeout();
    void joinTimeout();
    void connectionCapPerAddress();
    void controlRateLimit();
    void dataRateLimit();
    void originAllowList();

private:
    void startServer(const std::function<void(ServerOptions &)> &configure = {});
    std::unique_ptr<Client> connectClient(const QString &origin = QString());
    std::unique_ptr<Client> joinClient(const QString &name, const QString &room = s("room"),
                                       const QString &role = s("participant"));

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RoomServer> m_server;
};

void tst_Security::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.server.debug=false\n"
                                                    "roomshare.server.info=false"));
}

void tst_Security::init()
{
    startServer();
}

void tst_Security::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

void tst_Security::startServer(const std::function<void(ServerOptions &)> &configure)
{
    m_server.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ServerOptions options;
    options.dataDir = m_dir->path() + s("/data");
    options.secret = Secret;
    options.maxFileSize = 0;
    // Raw protocol clients that are closed (or kicked) without `leave`: count them as gone
    // at once rather than after the resume grace period (tested in tst_resume).
    options.sessionGraceMs = 0;
    if (configure)
        configure(options);
    m_server = std::make_unique<RoomServer>(options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

std::unique_ptr<Client> tst_Security::connectClient(const QString &origin)
{
    auto c = std::make_unique<Client>(origin);
    if (!c->open(m_server->url()))
        return nullptr;
    return c;
}

std::unique_ptr<Client> tst_Security::joinClient(const QString &name, const QString &room,
                                                 const QString &role)
{
    auto c = connectClient();
    if (!c)
        return nullptr;
    const QJsonObject joined = c->join(token(room, name, 3600, role));
    if (joined.value(s("type")).toString() != QLatin1String("joined"))
        return nullptr;
    return c;
}

// ---- tokens --------------------------------------------------------------------------

void tst_Security::joinRefused_data()
{
    QTest::addColumn<QJsonObject>("join");
    auto join = [](const QString &tok) {
        return QJsonObject{ { s("type"), s("join") }, { s("version"), 1 }, { s("token"), tok } };
    };
    const QByteArray hs256 = R"({"alg":"HS256","typ":"JWT"})";
    const auto sign = [&](const QByteArray &header, const QJsonObject &payload,
                          QCryptographicHash::Algorithm algorithm, const QByteArray &key) {
        const QByteArray input = b64(header).toLatin1() + '.'
            + b64(QJsonDocument(payload).toJson(QJsonDocument::Compact)).toLatin1();
        return forge(header, payload, QMessageAuthenticationCode::hash(input, key, algorithm));
    };

    QTest::addRow("no token") << QJsonObject{ { s("type"), s("join") }, { s("name"), s("Eve") } };
    QTest::addRow("token not a string")
        << QJsonObject{ { s("type"), s("join") }, { s("token"), 42 } };
    QTest::addRow("empty token") << join(QString());
    QTest::addRow("malformed: one part") << join(s("abc"));
    QTest::addRow("malformed: bad base64") << join(s("@@@.###.$$$"));
    QTest::addRow("malformed: header not json") << join(b64("nope") + s(".") + b64("{}") + s(".x"));
    QTest::addRow("alg none, no signature")
        << join(forge(R"({"alg":"none","typ":"JWT"})", validPayload(), QByteArray()));
    QTest::addRow("alg none, signed anyway") << join(
        sign(R"({"alg":"none","typ":"JWT"})", validPayload(), QCryptographicHash::Sha256, Secret));
    QTest::addRow("alg HS512") << join(
        sign(R"({"alg":"HS512","typ":"JWT"})", validPayload(), QCryptographicHash::Sha512, Secret));
    QTest::addRow("alg RS256 confusion") << join(
        sign(R"({"alg":"RS256","typ":"JWT"})", validPayload(), QCryptographicHash::Sha256, Secret));
    QTest::addRow("wrong signature")
        << join(sign(hs256, validPayload(), QCryptographicHash::Sha256, "another secret"));
    QTest::addRow("signature of another payload") << [&] {
        QStringList good = sign(hs256, validPayload(), QCryptographicHash::Sha256, Secret)
                               .split(QLatin1Char('.'));
        QJsonObject p = validPayload();
        p.insert(s("room"), s("other"));
        good[1] = b64(QJsonDocument(p).toJson(QJsonDocument::Compact));
        return join(good.join(QLatin1Char('.')));
    }();
    QTest::addRow("expired") << join(token(s("r"), s("Eve"), -60));
    QTest::addRow("expires now") << join(token(s("r"), s("Eve"), 0));
    JoinClaims future = claims(s("r"), s("Eve"));
    future.notBefore = QDateTime::currentSecsSinceEpoch() + 600;
    QTest::addRow("not yet valid") << join(Token::sign(future, Secret));
    QTest::addRow("wrong room") << [&] {
        QJsonObject j = join(token(s("other-room"), s("Eve")));
        j.insert(s("room"), s("r"));
        return j;
    }();
    QTest::addRow("room not a string") << [&] {
        QJsonObject j = join(token(s("r"), s("Eve")));
        j.insert(s("room"), 7);
        return j;
    }();
    QJsonObject noExp = validPayload();
    noExp.remove(s("exp"));
    QTest::addRow("no exp") << join(sign(hs256, noExp, QCryptographicHash::Sha256, Secret));
    QJsonObject badRole = validPayload();
    badRole.insert(s("role"), s("admin"));
    QTest::addRow("unknown role") << join(sign(hs256, badRole, QCryptographicHash::Sha256, Secret));
    QTest::addRow("huge token") << join(QString(100000, QLatin1Char('a')));
}

void tst_Security::joinRefused()
{
    QFETCH(QJsonObject, join);
    // Someone is in the room with a file: nothing of it may leak to a refused client.
    auto alice = joinClient(s("Alice"), s("r"));
    QVERIFY(alice);
    QCOMPARE(alice->upload(s("secret.pdf"), randomBytes(1000)).value(s("type")).toString(),
             s("upload-done"));

    auto c = connectClient();
    QVERIFY(c);
    const QJsonObject reply = c->request(join);
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), 1188);
    QVERIFY(c->waitForDisconnect());
    QCOMPARE(int(c->socket().closeCode()), 4001);
    // The error was the only message: no participants, no files.
    QVERIFY(c->messages().isEmpty());
    QVERIFY(c->binaries().isEmpty());
    QCOMPARE(m_server->participantCount(s("r")), 1);
    QVERIFY(!alice->hasMessage(s("participant-joined")));
}

void tst_Security::tokenOpensOnlyItsRoom()
{
    auto alice = joinClient(s("Alice"), s("a"));
    auto bob = joinClient(s("Bob"), s("b"));
    auto bob2 = joinClient(s("Bob2"), s("b"));
    QVERIFY(alice && bob && bob2);
    const QJsonObject done = bob->upload(s("b-only.txt"), randomBytes(100));
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    QVERIFY(bob2->waitFor(s("file-available")).value(s("file")).isObject());
    // Room a sees neither the file nor its participants.
    QVERIFY(!alice->hasMessage(s("file-available")));
    QVERIFY(!alice->hasMessage(s("participant-joined")));
    QCOMPARE(alice->request({ { s("type"), s("list") } }).value(s("files")).toArray().size(), 0);
    QCOMPARE(
        errorCode(alice->request({ { s("type"), s("download-begin") }, { s("index"), index } })),
        1181);
    QCOMPARE(errorCode(alice->request({ { s("type"), s("file-remove") }, { s("index"), index } })),
             1181);
    QCOMPARE(errorCode(alice->request(
                 { { s("type"), s("participant-remove") }, { s("clientId"), bob->clientId() } })),
             1199);
    QCOMPARE(m_server->fileCount(s("b")), 1);
}

void tst_Security::sessionClosedWhenTokenExpires()
{
    auto alice = joinClient(s("Alice"), s("r"));
    QVERIFY(alice);
    auto shortLived = connectClient();
    QVERIFY(shortLived);
    QCOMPARE(shortLived->join(token(s("r"), s("Brief"), 2)).value(s("type")).toString(),
             s("joined"));
    const QJsonObject err = shortLived->waitFor(s("error"), 4000);
    QCOMPARE(errorCode(err), 1188);
    QVERIFY(!err.contains(s("rid")));
    QVERIFY(shortLived->waitForDisconnect());
    QCOMPARE(int(shortLived->socket().closeCode()), 4003);
    const QJsonObject left = alice->waitFor(s("participant-left"));
    QCOMPARE(left.value(s("reason")).toString(), s("expired"));
    QCOMPARE(m_server->participantCount(s("r")), 1);
}

void tst_Security::replayedJoin()
{
    // The same token on a second connection (a copied link, a second device, a replay):
    // it is a new participant with its own client id, never the first one.
    const QString tok = token(s("r"), s("Alice"));
    auto first = connectClient();
    auto replay = connectClient();
    auto bob = joinClient(s("Bob"), s("r"));
    QVERIFY(first && replay && bob);
    QCOMPARE(first->join(tok).value(s("type")).toString(), s("joined"));
    QCOMPARE(replay->join(tok).value(s("type")).toString(), s("joined"));
    QVERIFY(first->clientId() != replay->clientId());

    // A file targeted at the first connection is invisible to the replay.
    const QJsonObject done
        = bob->upload(s("for-alice.txt"), randomBytes(300 * 1024), false, { first->clientId() });
    const qint64 index = done.value(s("file")).toObject().value(s("index")).toInteger();
    QVERIFY(first->waitFor(s("file-available")).contains(s("file")));
    QCOMPARE(replay->request({ { s("type"), s("list") } }).value(s("files")).toArray().size(), 0);
    QCOMPARE(
        errorCode(replay->request({ { s("type"), s("download-begin") }, { s("index"), index } })),
        1181);

    // The first connection's download cannot be driven or cancelled by the replay.
    const QJsonObject accepted = first->request(
        { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), 0 } });
    QCOMPARE(accepted.value(s("type")).toString(), s("download-accepted"));
    const qint64 downloadId = accepted.value(s("downloadId")).toInteger();
    QCOMPARE(errorCode(replay->request(
                 { { s("type"), s("download-cancel") }, { s("downloadId"), downloadId } })),
             1190);
    replay->send({ { s("type"), s("download-ack") },
                   { s("downloadId"), downloadId },
                   { s("offset"), 300 * 1024 } });
    QCOMPARE(replay->request({ { s("type"), s("list") } }).value(s("type")).toString(), s("files"));
    QVERIFY(replay->binaries().isEmpty());
    QVERIFY(!replay->hasMessage(s("file-available")));
}

// ---- access --------------------------------------------------------------------------

void tst_Security::targetedFileIndistinguishable()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto eve = joinClient(s("Eve"));
    QVERIFY(alice && bob && eve);
    const QJsonObject done
        = alice->upload(s("for-bob.txt"), randomBytes(5000), false, { bob->clientId() });
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const qint64 hidden = done.value(s("file")).toObject().value(s("index")).toInteger();
    const qint64 never = hidden + 1000;
    QVERIFY(bob->waitFor(s("file-available")).contains(s("file")));
    QTest::qWait(100);
    QVERIFY(!eve->hasMessage(s("file-available")));
    QCOMPARE(eve->request({ { s("type"), s("list") } }).value(s("files")).toArray().size(), 0);

    // Every access path answers exactly as for an index that never existed.
    const QList<QJsonObject> probes = {
        { { s("type"), s("download-begin") }, { s("offset"), 0 } },
        { { s("type"), s("download-begin") }, { s("offset"), 4000 } },
        { { s("type"), s("file-remove") } },
    };
    for (QJsonObject probe : probes) {
        probe.insert(s("index"), hidden);
        QJsonObject a = eve->request(probe);
        probe.insert(s("index"), never);
        QJsonObject b = eve->request(probe);
        a.remove(s("rid"));
        b.remove(s("rid"));
        QCOMPARE(errorCode(a), 1181);
        QCOMPARE(a.value(s("desc")).toString().replace(QString::number(hidden), s("N")),
                 b.value(s("desc")).toString().replace(QString::number(never), s("N")));
        QCOMPARE(a.value(s("error")), b.value(s("error")));
    }
    // A late joiner does not see it either, and the file is still there for Bob.
    auto late = joinClient(s("Late"));
    QVERIFY(late);
    QCOMPARE(late->request({ { s("type"), s("list") } }).value(s("files")).toArray().size(), 0);
    QCOMPARE(bob->request({ { s("type"), s("list") } }).value(s("files")).toArray().size(), 1);
}

void tst_Security::foreignTransfersUntouchable()
{
    auto alice = joinClient(s("Alice"));
    auto eve = joinClient(s("Eve"));
    QVERIFY(alice && eve);
    // Alice's upload in progress: Eve can neither cancel, end, nor feed it.
    const QByteArray data = randomBytes(600 * 1024);
    const QJsonObject accepted = alice->beginUpload(s("a.bin"), data.size());
    const quint32 uploadId = quint32(accepted.value(s("uploadId")).toInteger());
    alice->sendChunks(uploadId, data, 0, Protocol::ChunkSize);
    QCOMPARE(errorCode(eve->request(
                 { { s("type"), s("upload-cancel") }, { s("uploadId"), qint64(uploadId) } })),
             1190);
    QCOMPARE(errorCode(eve->request({ { s("type"), s("upload-end") },
                                      { s("uploadId"), qint64(uploadId) },
                                      { s("sha256"), sha256Hex(data) } })),
             1190);
    eve->sendChunks(uploadId, data, Protocol::ChunkSize);
    const QJsonObject eveFail = eve->waitFor(s("upload-failed"));
    QCOMPARE(errorCode(eveFail), 1198);
    // Alice's upload is unharmed.
    alice->sendChunks(uploadId, data, Protocol::ChunkSize);
    alice->send({ { s("type"), s("upload-end") },
                  { s("uploadId"), qint64(uploadId) },
                  { s("sha256"), sha256Hex(data) } });
    const QJsonObject done = alice->waitFor(s("upload-done"));
    QVERIFY(done.contains(s("file")));
    // Nor can Eve withdraw it once published.
    QCOMPARE(errorCode(eve->request(
                 { { s("type"), s("upload-cancel") }, { s("uploadId"), qint64(uploadId) } })),
             1190);
    QCOMPARE(m_server->fileCount(), 1);
}

void tst_Security::fileRemovePermissions()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto mod = joinClient(s("Mod"), s("room"), s("moderator"));
    QVERIFY(alice && bob && mod);
    const qint64 a1 = alice->upload(s("a1"), randomBytes(10))
                          .value(s("file"))
                          .toObject()
                          .value(s("index"))
                          .toInteger();
    const qint64 a2 = alice->upload(s("a2"), randomBytes(10))
                          .value(s("file"))
                          .toObject()
                          .value(s("index"))
                          .toInteger();
    const qint64 b1 = bob->upload(s("b1"), randomBytes(10))
                          .value(s("file"))
                          .toObject()
                          .value(s("index"))
                          .toInteger();
    QVERIFY(a1 > 0 && a2 > 0 && b1 > 0);

    // A participant cannot remove another's file it can see: 1199.
    QJsonObject r = bob->request({ { s("type"), s("file-remove") }, { s("index"), a1 } });
    QCOMPARE(errorCode(r), 1199);
    QCOMPARE(m_server->fileCount(), 3);
    // Its sender can: everyone who could see it hears "withdrawn".
    r = alice->request({ { s("type"), s("file-remove") }, { s("index"), a1 } });
    QCOMPARE(r.value(s("type")).toString(), s("file-removed"));
    QCOMPARE(r.value(s("reason")).toString(), s("withdrawn"));
    QCOMPARE(bob->waitFor(s("file-removed")).value(s("index")).toInteger(), a1);
    // A moderator can remove anyone's: "removed".
    r = mod->request({ { s("type"), s("file-remove") }, { s("index"), b1 } });
    QCOMPARE(r.value(s("type")).toString(), s("file-removed"));
    // (Alice also heard of her own a1 going: a sender is told of every file of theirs that
    // leaves the room.)
    const QJsonObject ev = alice->waitFor([b1](const QJsonObject &m) {
        return m.value(s("type")).toString() == QLatin1String("file-removed")
            && m.value(s("index")).toInteger() == b1;
    });
    QCOMPARE(ev.value(s("index")).toInteger(), b1);
    QCOMPARE(ev.value(s("reason")).toString(), s("removed"));
    // Gone is gone.
    QCOMPARE(errorCode(alice->request({ { s("type"), s("file-remove") }, { s("index"), a1 } })),
             1181);
    QCOMPARE(errorCode(bob->request({ { s("type"), s("file-remove") }, { s("index"), s("1") } })),
             1189);
    QCOMPARE(m_server->fileCount(), 1);
    QCOMPARE(QDir(m_server->filesDir()).entryList(QDir::Files).size(), 1);
}

void tst_Security::participantRemove()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    auto mod = joinClient(s("Mod"), s("room"), s("moderator"));
    QVERIFY(alice && bob && mod);
    QSignalSpy leftSpy(m_server.get(), &RoomServer::participantLeft);

    // Only moderators may remove.
    QCOMPARE(errorCode(alice->request(
                 { { s("type"), s("participant-remove") }, { s("clientId"), bob->clientId() } })),
             1199);
    QCOMPARE(errorCode(mod->request(
                 { { s("type"), s("participant-remove") }, { s("clientId"), s("c999999") } })),
             1189);
    QCOMPARE(errorCode(mod->request(
                 { { s("type"), s("participant-remove") }, { s("clientId"), mod->clientId() } })),
             1189);

    // Bob is downloading a large file and never acknowledges: the window keeps it running
    // (the file is larger than the 8 MiB window, or it could be sent whole before the check).
    const QByteArray data = randomBytes(12 * 1024 * 1024);
    const qint64 index = alice->upload(s("big.bin"), data)
                             .value(s("file"))
                             .toObject()
                             .value(s("index"))
                             .toInteger();
    QVERIFY(bob->waitFor(s("file-available")).contains(s("file")));
    const QJsonObject accepted = bob->request(
        { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), 0 } });
    QCOMPARE(accepted.value(s("type")).toString(), s("download-accepted"));
    QTRY_VERIFY_WITH_TIMEOUT(!bob->binaries().isEmpty(), Timeout);
    QCOMPARE(m_server->downloadCount(), 1);

    const QString bobId = bob->clientId();
    const QJsonObject removed
        = mod->request({ { s("type"), s("participant-remove") }, { s("clientId"), bobId } });
    QCOMPARE(removed.value(s("type")).toString(), s("participant-removed"));
    QCOMPARE(removed.value(s("clientId")).toString(), bobId);
    // At once: the server's download is gone and the room no longer lists Bob.
    QCOMPARE(m_server->downloadCount(), 0);
    QCOMPARE(m_server->participantCount(s("room")), 2);
    const QJsonObject left = alice->waitFor(s("participant-left"));
    QCOMPARE(left.value(s("clientId")).toString(), bobId);
    QCOMPARE(left.value(s("reason")).toString(), s("removed"));
    QCOMPARE(leftSpy.count(), 1);
    const QJsonObject told = bob->waitFor(s("error"));
    QCOMPARE(errorCode(told), 1199);
    QVERIFY(bob->waitForDisconnect());
    QCOMPARE(int(bob->socket().closeCode()), 4004);
    QVERIFY(bob->binaries().size() * Protocol::ChunkSize < data.size());
    QTest::qWait(50);
    QCOMPARE(leftSpy.count(), 1); // the later close is not a second departure
    // (That the invite Bob used no longer works is removalOfSharedLinkHolder's subject.)
}

void tst_Security::removalOfSharedLinkHolder()
{
    // Personal token: banned as a whole. Shared (nameless) token: banned with the name.
    const QString personal = token(s("room"), s("Bob"));
    const QString shared = token(s("room"), QString());
    auto mod = joinClient(s("Mod"), s("room"), s("moderator"));
    auto bob = connectClient();
    auto guest = connectClient();
    QVERIFY(mod && bob && guest);
    QCOMPARE(bob->join(personal).value(s("type")).toString(), s("joined"));
    QCOMPARE(guest->join(shared, s("Mallory")).value(s("type")).toString(), s("joined"));
    for (Client *c : { bob.get(), guest.get() }) {
        QCOMPARE(mod->request({ { s("type"), s("participant-remove") },
                                { s("clientId"), c->clientId() } })
                     .value(s("type"))
                     .toString(),
                 s("participant-removed"));
        QVERIFY(c->waitForDisconnect());
    }
    auto bobAgain = connectClient();
    QVERIFY(bobAgain);
    const QJsonObject r1 = bobAgain->join(personal);
    QCOMPARE(errorCode(r1), 1188);
    QVERIFY(bobAgain->waitForDisconnect());
    QCOMPARE(int(bobAgain->socket().closeCode()), 4001);

    auto malloryAgain = connectClient();
    QVERIFY(malloryAgain);
    QCOMPARE(errorCode(malloryAgain->join(shared, s("  MALLORY "))), 1188);
    // Others holding the shared link still get in.
    auto friendly = connectClient();
    QVERIFY(friendly);
    QCOMPARE(friendly->join(shared, s("Carol")).value(s("type")).toString(), s("joined"));
}

// Issue 16: the ban of a removed participant is in the database, so a restart of the server
// (same data folder) does not let the same invite back in; other invites still work.
void tst_Security::removalSurvivesARestart()
{
    const QString personal = token(s("room"), s("Bob"));
    auto mod = joinClient(s("Mod"), s("room"), s("moderator"));
    auto bob = connectClient();
    QVERIFY(mod && bob);
    QCOMPARE(bob->join(personal).value(s("type")).toString(), s("joined"));
    QCOMPARE(
        mod->request({ { s("type"), s("participant-remove") }, { s("clientId"), bob->clientId() } })
            .value(s("type"))
            .toString(),
        s("participant-removed"));
    QVERIFY(bob->waitForDisconnect());
    mod.reset();
    bob.reset();

    const ServerOptions options = m_server->options();
    m_server.reset();
    m_server = std::make_unique<RoomServer>(options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));

    auto bobAgain = connectClient();
    QVERIFY(bobAgain);
    QCOMPARE(errorCode(bobAgain->join(personal)), 1188);
    QVERIFY(bobAgain->waitForDisconnect());
    QCOMPARE(int(bobAgain->socket().closeCode()), 4001);
    auto carol = joinClient(s("Carol"));
    QVERIFY(carol);
}

void tst_Security::serverNeverUsesClientNames()
{
    auto alice = joinClient(s("Alice"));
    auto bob = joinClient(s("Bob"));
    QVERIFY(alice && bob);
    const QStringList names = { s("../../../../escape.txt"),
                                s("/etc/passwd"),
                                s("..\\..\\win.ini"),
                                s("C:\\evil.txt"),
                                s("a/b/c"),
                                s("con"),
                                QStringLiteral("x\u202Etxt.exe"),
                                s(".."),
                                QString(1024, QLatin1Char('n')) };
    for (const QString &name : names) {
        const QJsonObject done = alice->upload(name, randomBytes(64));
        QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
        // The name travels as data, unchanged; receivers sanitise it.
        QCOMPARE(done.value(s("file")).toObject().value(s("name")).toString(), name);
    }
    // On disk: only server-generated names, and only below the data folder.
    const QStringList stored = QDir(m_server->filesDir()).entryList(QDir::Files);
    QCOMPARE(stored.size(), names.size());
    static const QRegularExpression generated(s("^[0-9a-f-]{32,}$"));
    for (const QString &f : stored)
        QVERIFY2(generated.match(f).hasMatch(), qPrintable(f));
    QDirIterator it(m_dir->path(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QVERIFY2(path.startsWith(m_server->dataDir()), qPrintable(path));
        QVERIFY(!path.contains(s("escape")) && !path.contains(s("evil")));
    }
}

// ---- hostile input -------------------------------------------------------------------

void tst_Security::malformedRequests_data()
{
    // Each gets an error reply (with its rid) and the connection stays usable.
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("code");
    const char *rows[][2] = {
        { "unknown type", R"({"type":"frobnicate"})" },
        { "type with NUL", "{\"type\":\"list\\u0000\"}" },
        { "upload-begin no fields", R"({"type":"upload-begin"})" },
        { "upload-begin size string", R"({"type":"upload-begin","name":"a","size":"10"})" },
        { "upload-begin size negative", R"({"type":"upload-begin","name":"a","size":-1})" },
        { "upload-begin size fractional", R"({"type":"upload-begin","name":"a","size":1.5})" },
        { "upload-begin size > 2^53",
          R"({"type":"upload-begin","name":"a","size":9007199254740994})" },
        { "upload-begin size 1e308", R"({"type":"upload-begin","name":"a","size":1e308})" },
        { "upload-begin size null", R"({"type":"upload-begin","name":"a","size":null})" },
        { "upload-begin name number", R"({"type":"upload-begin","name":5,"size":1})" },
        { "upload-begin name empty", R"({"type":"upload-begin","name":"","size":1})" },
        { "upload-begin broadcast string",
          R"({"type":"upload-begin","name":"a","size":1,"broadcast":"no"})" },
        { "upload-begin clientList object",
          R"({"type":"upload-begin","name":"a","size":1,"broadcast":false,"clientList":{}})" },
        { "upload-begin clientList numbers",
          R"({"type":"upload-begin","name":"a","size":1,"broadcast":false,"clientList":[1,2]})" },
        { "upload-begin clientList nobody",
          R"({"type":"upload-begin","name":"a","size":1,"broadcast":false,"clientList":["c0"]})" },
        { "upload-begin mime array", R"({"type":"upload-begin","name":"a","size":1,"mime":[]})" },
        { "upload-end id string", R"({"type":"upload-end","uploadId":"1","sha256":"00"})" },
        { "upload-end id negative", R"({"type":"upload-end","uploadId":-1})" },
        { "upload-end id > 2^32", R"({"type":"upload-end","uploadId":4294967296})" },
        { "upload-cancel no id", R"({"type":"upload-cancel"})" },
        { "download-begin index string", R"({"type":"download-begin","index":"1"})" },
        { "download-begin offset string", R"({"type":"download-begin","index":1,"offset":"0"})" },
        { "download-ack offset missing", R"({"type":"download-ack","downloadId":1})" },
        { "download-cancel id bool", R"({"type":"download-cancel","downloadId":true})" },
        { "file-remove index object", R"({"type":"file-remove","index":{}})" },
        { "participant-remove id number", R"({"type":"participant-remove","clientId":7})" },
        { "join again", R"({"type":"join","token":"x"})" },
    };
    for (const auto &row : rows) {
        const int code = QByteArray(row[0]).startsWith("participant-remove") ? 1199 : 1189;
        QTest::addRow("%s", row[0]) << QString::fromUtf8(row[1]) << code;
    }
    QTest::addRow("download-begin unknown index")
        << s(R"({"type":"download-begin","index":-5})") << 1181;
    QTest::addRow("download-begin index 2^53")
        << s(R"({"type":"download-begin","index":9007199254740992})") << 1181;
    QTest::addRow("upload-cancel unknown")
        << s(R"({"type":"upload-cancel","uploadId":77})") << 1190;
}

void tst_Security::malformedRequests()
{
    QFETCH(QString, json);
    QFETCH(int, code);
    auto c = joinClient(s("A"));
    auto other = joinClient(s("B")); // so clientList checks have a room to look at
    QVERIFY(c && other);
    // The text goes out as written (no re-encoding), with a rid in front.
    c->sendRaw(s(R"({"rid":4242,)") + json.mid(1));
    const QJsonObject reply
        = c->waitFor([](const QJsonObject &m) { return m.value(s("rid")).toInt() == 4242; });
    QCOMPARE(reply.value(s("type")).toString(), s("error"));
    QCOMPARE(errorCode(reply), code);
    QVERIFY(!reply.value(s("desc")).toString().isEmpty());
    QCOMPARE(c->request({ { s("type"), s("list") } }).value(s("type")).toString(), s("files"));
    QCOMPARE(m_server->uploadCount(), 0);
}

void tst_Security::fatalMalformedInput_data()
{
    // Each gets an error (when it can be parsed that far) and a 1008 close; never a crash.
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<bool>("mustClose");
    QTest::addRow("invalid utf-8") << QByteArray("{\"type\":\"\xff\xfe\"}") << false;
    QTest::addRow("lone surrogate escape") << QByteArray(R"({"type":"\ud800"})") << false;
    QTest::addRow("index 1e400") << QByteArray(R"({"type":"download-begin","index":1e400})")
                                 << false;
    QTest::addRow("not json") << QByteArray("hello") << true;
    QTest::addRow("truncated json") << QByteArray(R"({"type":"list")") << true;
    QTest::addRow("array") << QByteArray("[1,2,3]") << true;
    QTest::addRow("string") << QByteArray(R"("list")") << true;
    QTest::addRow("number") << QByteArray("42") << true;
    QTest::addRow("null") << QByteArray("null") << true;
    QTest::addRow("empty") << QByteArray() << true;
    QTest::addRow("type number") << QByteArray(R"({"type":17})") << true;
    QTest::addRow("type missing") << QByteArray(R"({"rid":1})") << true;
    QTest::addRow("10k [") << QByteArray(10000, '[') << true;
    QTest::addRow("10k [ closed") << QByteArray(10000, '[') + QByteArray(10000, ']') << true;
    QTest::addRow("deep inside a valid message") << QByteArray(R"({"type":"list","x":)")
            + QByteArray(5000, '[') + QByteArray(5000, ']')
            + '}' << true;
    QTest::addRow("10k {") << QByteArray(10000, '{') << true;
    QTest::addRow("trailing garbage") << QByteArray(R"({"type":"list"} x)") << true;
}

void tst_Security::fatalMalformedInput()
{
    QFETCH(QByteArray, raw);
    QFETCH(bool, mustClose);
    auto c = joinClient(s("A"));
    QVERIFY(c);
    c->sendRaw(QString::fromUtf8(raw));
    QCOMPARE(errorCode(c->waitFor(s("error"))), 1189);
    if (c->waitForDisconnect(mustClose ? Timeout : 300)) {
        QCOMPARE(int(c->socket().closeCode()), 1008);
    } else {
        // These decode to a harmless object (invalid UTF-8 becomes U+FFFD, a huge number
        // is not an integer): answered as a bad request, and the connection lives on.
        QVERIFY(!mustClose);
        QCOMPARE(c->request({ { s("type"), s("list") } }).value(s("type")).toString(), s("files"));
    }
    // The server is fine.
    QVERIFY(joinClient(s("Next")));
}

void tst_Security::oversizedMessages()
{
    // Text over the control limit: 1009 (Qt refuses it before buffering all of it).
    auto text = joinClient(s("T"));
    QVERIFY(text);
    text->sendRaw(QString(int(Protocol::MaxControlMessage) + 1024, QLatin1Char('x')));
    QVERIFY(text->waitForDisconnect());
    QCOMPARE(int(text->socket().closeCode()), 1009);
    // A JSON object one byte over the control limit, so under the data limit that Qt
    // checks: 1009 from the server's own check.
    auto json = joinClient(s("J"));
    QVERIFY(json);
    const QString head = s(R"({"type":"list","pad":")");
    const QString tail = s("\"}");
    json->sendRaw(head
                  + QString(int(Protocol::MaxControlMessage) + 1 - head.size() - tail.size(),
                            QLatin1Char('p'))
                  + tail);
    QVERIFY(json->waitForDisconnect());
    QCOMPARE(int(json->socket().closeCode()), 1009);
    // Binary over the data limit.
    auto binary = joinClient(s("B"));
    QVERIFY(binary);
    binary->sendBinary(QByteArray(int(Protocol::MaxDataMessage) + 4096, 'b'));
    QVERIFY(binary->waitForDisconnect());
    QCOMPARE(int(binary->socket().closeCode()), 1009);
    // Before join, too.
    auto early = connectClient();
    QVERIFY(early);
    early->sendBinary(QByteArray(4 * 1024 * 1024, 'b'));
    QVERIFY(early->waitForDisconnect());
    QCOMPARE(int(early->socket().closeCode()), 1009);
    QCOMPARE(m_server->participantCount(), 0);
}

namespace {

//! A raw TCP connection that performs the WebSocket opening handshake by hand.
bool rawHandshake(QTcpSocket &tcp, quint16 port)
{
    // The server runs on this thread: wait with the event loop, never with waitFor*().
    tcp.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return tcp.state() == QAbstractSocket::ConnectedState; }, Timeout))
        return false;
    tcp.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray response;
    if (!QTest::qWaitFor(
            [&] {
                // Only the HTTP response: frames after it are the caller's.
                while (!response.contains("\r\n\r\n") && tcp.bytesAvailable())
                    response += tcp.read(1);
                return response.contains("\r\n\r\n");
            },
            Timeout))
        return false;
    if (!response.startsWith("HTTP/1.1 101"))
        qWarning() << "handshake response:" << response;
    return response.startsWith("HTTP/1.1 101");
}

//! Reads until the peer closes; returns the close code of its close frame (or 0).
int readCloseCode(QTcpSocket &tcp)
{
    QByteArray data;
    (void)QTest::qWaitFor(
        [&] {
            data += tcp.readAll();
            return tcp.state() == QAbstractSocket::UnconnectedState;
        },
        Timeout * 2);
    data += tcp.readAll();
    // Server frames are unmasked; find the close frame (opcode 8).
    int i = 0;
    while (i + 2 <= data.size()) {
        const int opcode = data[i] & 0x0f;
        qint64 len = data[i + 1] & 0x7f;
        int header = 2;
        if (len == 126) {
            len = (quint8(data[i + 2]) << 8) | quint8(data[i + 3]);
            header = 4;
        } else if (len == 127) {
            return -1;
        }
        if (opcode == 8 && len >= 2 && i + header + 2 <= data.size())
            return (quint8(data[i + header]) << 8) | quint8(data[i + header + 1]);
        i += header + int(len);
    }
    return 0;
}

} // namespace

void tst_Security::oversizedRawFrame()
{
    // A frame header announcing a payload far beyond the frame limit: the server must close
    // on the header, without waiting for (or allocating) the payload.
    for (const quint64 length :
         { quint64(Protocol::MaxFrame) * 4, quint64(1) << 62, ~quint64(0) }) {
        QTcpSocket tcp;
        QVERIFY(rawHandshake(tcp, m_server->port()));
        QByteArray frame;
        frame.append(char(0x82)); // FIN, binary
        frame.append(char(0x80 | 127)); // masked, 64-bit length
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((length >> shift) & 0xff));
        frame.append("\x01\x02\x03\x04", 4); // mask
        frame.append(QByteArray(1024, 'z'));
        tcp.write(frame);
        const int code = readCloseCode(tcp);
        QVERIFY2(code == 1009 || code == 1002, qPrintable(QString::number(code)));
        QCOMPARE(tcp.state(), QAbstractSocket::UnconnectedState);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, Timeout);
}

void tst_Security::handshakeTimeout()
{
    startServer([](ServerOptions &o) { o.handshakeTimeoutMs = 300; });
    // Connects and says nothing.
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, m_server->port());
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::ConnectedState, Timeout);
    // Starts the HTTP request and never finishes it.
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, m_server->port());
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::ConnectedState, Timeout);
    slow.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
    QElapsedTimer t;
    t.start();
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 3000);
    QVERIFY(t.elapsed() < 3000);
    QCOMPARE(m_server->connectionCount(), 0);
}

void tst_Security::joinTimeout()
{
    startServer([](ServerOptions &o) { o.joinTimeoutMs = 300; });
    auto idle = connectClient();
    QVERIFY(idle);
    QVERIFY(idle->waitForDisconnect(3000));
    QCOMPARE(int(idle->socket().closeCode()), 1008);
    QCOMPARE(errorCode(idle->waitFor(s("error"), 0)), 1189);
    // A client that joins in time stays, well past the deadline.
    auto prompt = joinClient(s("Prompt"));
    QVERIFY(prompt);
    QTest::qWait(600);
    QCOMPARE(prompt->socket().state(), QAbstractSocket::ConnectedState);
}

void tst_Security::connectionCapPerAddress()
{
    startServer([](ServerOptions &o) { o.maxConnectionsPerAddress = 3; });
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(connectClient());
        QVERIFY(clients.back());
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 3, Timeout);
    auto fourth = std::make_unique<Client>();
    fourth->open(m_server->url());
    QVERIFY(fourth->waitForDisconnect());
    QCOMPARE(int(fourth->socket().closeCode()), 4029);
    QCOMPARE(m_server->connectionCount(), 3);
    // A slot frees up when one leaves.
    clients.front()->socket().close();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 2, Timeout);
    QVERIFY(connectClient());
}

void tst_Security::controlRateLimit()
{
    startServer([](ServerOptions &o) {
        o.controlMessagesPerSecond = 20;
        o.controlMessageBurst = 40;
    });
    auto polite = joinClient(s("Polite"));
    auto flood = joinClient(s("Flood"));
    QVERIFY(polite && flood);
    // Within the budget: every request answered.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(polite->request({ { s("type"), s("list") } }).value(s("type")).toString(),
                 s("files"));
    for (int i = 0; i < 500; ++i)
        flood->send({ { s("type"), s("list") }, { s("rid"), i } });
    QVERIFY(flood->waitForDisconnect());
    QCOMPARE(int(flood->socket().closeCode()), 1008);
    QCOMPARE(
        errorCode(flood->waitFor([](const QJsonObject &m) { return errorCode(m) == 1196; }, 0)),
        1196);
    // At most a burst's worth was served.
    int served = 0;
    for (const auto &m : flood->messages())
        served += m.value(s("type")).toString() == QLatin1String("files");
    QVERIFY2(served <= 45, qPrintable(QString::number(served)));
    QCOMPARE(polite->socket().state(), QAbstractSocket::ConnectedState);
}

void tst_Security::dataRateLimit()
{
    startServer([](ServerOptions &o) {
        o.dataMessagesPerSecond = 50;
        o.dataMessageBurst = 50;
    });
    auto flood = joinClient(s("Flood"));
    QVERIFY(flood);
    for (int i = 0; i < 2000; ++i)
        flood->sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, 1, 0, QByteArray()));
    QVERIFY(flood->waitForDisconnect());
    QCOMPARE(int(flood->socket().closeCode()), 1008);
}

void tst_Security::originAllowList()
{
    // Default: native clients (no Origin) in, browsers out.
    QVERIFY(connectClient());
    {
        Client browser(s("https://evil.example"));
        QVERIFY(!browser.open(m_server->url()));
    }
    startServer([](ServerOptions &o) { o.allowedOrigins = { s("https://meet.example") }; });
    QVERIFY(connectClient());
    {
        Client allowed(s("https://meet.example"));
        QVERIFY(allowed.open(m_server->url()));
        QCOMPARE(allowed.join(token(s("r"), s("Web"))).value(s("type")).toString(), s("joined"));
        Client other(s("https://meet.example.evil.example"));
        QVERIFY(!other.open(m_server->url()));
        Client null(s("null"));
        QVERIFY(!null.open(m_server->url()));
    }
    startServer([](ServerOptions &o) { o.allowedOrigins = { s("*") }; });
    Client any(s("https://anything.example"));
    QVERIFY(any.open(m_server->url()));
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
