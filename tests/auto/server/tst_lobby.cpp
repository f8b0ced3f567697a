// The lobby over the raw protocol (docs/protocol.md "Lobby", "Invites from moderators"):
// knocks, the moderators' answers, the refusals and the per-address limits.

#include "protocolclient.h"
#include "roomserver.h"

#include <errors.h>
#include <invite.h>

#include <QDateTime>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <functional>
#include <memory>

using namespace Roomshare;
using namespace Roomshare::Server;
using namespace ProtocolTest;

namespace {

const QByteArray Secret = QByteArrayLiteral("lobby-secret-0123456789");

QString token(const QString &room, const QString &name, const QString &role)
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.role = role;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    return Token::sign(c, Secret);
}

QJsonObject knockMessage(const QString &name, const QString &room = QString())
{
    QJsonObject msg{ { s("type"), s("knock") }, { s("version"), 1 }, { s("name"), name } };
    if (!room.isEmpty())
        msg.insert(s("room"), room);
    return msg;
}

int codeOf(const QJsonObject &m)
{
    return m.value(s("code")).toInt();
}

} // namespace

class tst_Lobby : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void knockAdmitJoinAndReceiveFile();
    void knockDenied();
    void knockTimesOut();
    void knockRefused_data();
    void knockRefused();
    void knockWithoutRoomName();
    void participantCannotAnswerOrMint();
    void moderatorMintsInvites();
    void lateModeratorSeesPendingKnocks();
    void removedNameCannotKnock();
    void knockFloodIsLimited();
    void malformedLobbyRequests();
    void lockedRoom();

private:
    void startServer(const std::function<void(ServerOptions &)> &configure = {});
    std::unique_ptr<Client> connectClient();
    std::unique_ptr<Client> joinClient(const QString &name, const QString &role,
                                       const QString &room = s("standup"));

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RoomServer> m_server;
};

void tst_Lobby::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.server.debug=false\n"
                                                    "roomshare.server.info=false"));
}

void tst_Lobby::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

void tst_Lobby::startServer(const std::function<void(ServerOptions &)> &configure)
{
    m_server.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ServerOptions options;
    options.dataDir = m_dir->path();
    options.secret = Secret;
    options.maxFileSize = 0;
    options.sessionGraceMs = 0;
    if (configure)
        configure(options);
    m_server = std::make_unique<RoomServer>(options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

std::unique_ptr<Client> tst_Lobby::connectClient()
{
    auto c = std::make_unique<Client>();
    if (!c->open(m_server->url()))
        return nullptr;
    return c;
}

std::unique_ptr<Client> tst_Lobby::joinClient(const QString &name, const QString &role,
                                              const QString &room)
{
    auto c = connectClient();
    if (!c)
        return nullptr;
    const QJsonObject joined = c->join(token(room, name, role));
    if (joined.value(s("type")).toString() != QLatin1String("joined"))
        return nullptr;
    return c;
}

void tst_Lobby::knockAdmitJoinAndReceiveFile()
{
    // A short join timeout: waiting in the lobby must not count against it.
    startServer([](ServerOptions &o) { o.joinTimeoutMs = 300; });
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto erin = connectClient();
    QVERIFY(erin);
    const QJsonObject waiting = erin->request(knockMessage(s("  Erin "), s("standup")));
    QCOMPARE(waiting.value(s("type")).toString(), s("knock-waiting"));
    QCOMPARE(waiting.value(s("room")).toString(), s("standup"));
    const QString knockId = waiting.value(s("knockId")).toString();
    QVERIFY(!knockId.isEmpty());

    const QJsonObject seen = host->waitFor(s("knock"));
    QCOMPARE(seen.value(s("knockId")).toString(), knockId);
    QCOMPARE(seen.value(s("name")).toString(), s("Erin"));
    QCOMPARE(seen.value(s("address")).toString(), s("127.0.0.1"));

    QTest::qWait(700); // over twice the join timeout
    QCOMPARE(erin->socket().state(), QAbstractSocket::ConnectedState);

    const QJsonObject answered = host->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), knockId }, { s("admit"), true } });
    QCOMPARE(answered.value(s("type")).toString(), s("knock-answered"));
    QCOMPARE(answered.value(s("outcome")).toString(), s("admitted"));
    QCOMPARE(host->waitFor(s("knock-ended")).value(s("outcome")).toString(), s("admitted"));

    const QJsonObject admitted = erin->waitFor(s("knock-admitted"));
    const QString tok = admitted.value(s("token")).toString();
    QVERIFY(!tok.isEmpty());
    QCOMPARE(admitted.value(s("room")).toString(), s("standup"));
    const QJsonObject joined = erin->join(tok);
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("name")).toString(), s("Erin"));
    QCOMPARE(joined.value(s("role")).toString(), s("participant"));
    QCOMPARE(host->waitFor(s("participant-joined"))
                 .value(s("participant"))
                 .toObject()
                 .value(s("name"))
                 .toString(),
             s("Erin"));

    const QByteArray data = randomBytes(700 * 1024);
    const QJsonObject done = host->upload(s("agenda.bin"), data);
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const QJsonObject offered = erin->waitFor(s("file-available"));
    const qint64 index = offered.value(s("file")).toObject().value(s("index")).toInteger();
    QJsonObject failure;
    QCOMPARE(erin->download(index, &failure), data);
}

void tst_Lobby::knockDenied()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto erin = connectClient();
    QVERIFY(erin);
    const QString knockId
        = erin->request(knockMessage(s("Erin"), s("standup"))).value(s("knockId")).toString();
    QVERIFY(!knockId.isEmpty());
    QVERIFY(!host->waitFor(s("knock")).isEmpty());
    host->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), knockId }, { s("admit"), false } });
    const QJsonObject refusal = erin->waitFor(s("error"));
    QCOMPARE(codeOf(refusal), int(ErrorCode::NotPermitted));
    QCOMPARE(refusal.value(s("desc")).toString(), s("The host did not let you in"));
    QVERIFY(erin->waitForDisconnect());
    QCOMPARE(int(erin->socket().closeCode()), 4005);
    QCOMPARE(host->waitFor(s("knock-ended")).value(s("outcome")).toString(), s("denied"));
    QVERIFY(!erin->hasMessage(s("knock-admitted")));
    // The knock is gone: answering it again is an error.
    const QJsonObject again = host->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), knockId }, { s("admit"), true } });
    QCOMPARE(codeOf(again), int(ErrorCode::InvalidRequest));
}

void tst_Lobby::knockTimesOut()
{
    startServer([](ServerOptions &o) { o.knockTimeoutMs = 300; });
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto erin = connectClient();
    QVERIFY(erin);
    QCOMPARE(erin->request(knockMessage(s("Erin"), s("standup"))).value(s("type")).toString(),
             s("knock-waiting"));
    const QJsonObject refusal = erin->waitFor(s("error"));
    QCOMPARE(codeOf(refusal), int(ErrorCode::NotPermitted));
    QVERIFY2(refusal.value(s("desc")).toString().contains(s("Nobody let you in")),
             qPrintable(refusal.value(s("desc")).toString()));
    QVERIFY(erin->waitForDisconnect());
    QCOMPARE(int(erin->socket().closeCode()), 4005);
    QCOMPARE(host->waitFor(s("knock-ended")).value(s("outcome")).toString(), s("timeout"));
}

void tst_Lobby::knockRefused_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("room");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("text");
    QTest::addRow("no moderator present")
        << s("participant") << s("standup") << int(ErrorCode::NotPermitted)
        << s("Nobody in room standup can let you in right now");
    QTest::addRow("unknown room") << s("moderator") << s("retro") << int(ErrorCode::NotPermitted)
                                  << s("Nobody in room retro can let you in right now");
    QTest::addRow("lobby off on the server")
        << s("no-lobby") << s("standup") << int(ErrorCode::NotPermitted)
        << s("Room standup takes only invite links");
    QTest::addRow("lobby off by the moderator")
        << s("room-settings") << s("standup") << int(ErrorCode::NotPermitted)
        << s("Room standup takes only invite links");
    QTest::addRow("room locked by the moderator")
        << s("room-lock") << s("standup") << int(ErrorCode::NotPermitted)
        << s("Room standup is locked: nobody new can join it now");
    QTest::addRow("no room and none open")
        << s("participant") << QString() << int(ErrorCode::InvalidRequest)
        << s("No room on this server has a host who can let you in right now");
}

void tst_Lobby::knockRefused()
{
    QFETCH(QString, setup);
    QFETCH(QString, room);
    QFETCH(int, code);
    QFETCH(QString, text);
    startServer([&](ServerOptions &o) { o.lobbyEnabled = setup != QLatin1String("no-lobby"); });
    auto member = joinClient(
        s("Hana"), setup == QLatin1String("participant") ? s("participant") : s("moderator"));
    QVERIFY(member);
    if (setup == QLatin1String("room-settings")) {
        const QJsonObject reply
            = member->request({ { s("type"), s("room-settings") }, { s("lobby"), false } });
        QCOMPARE(reply.value(s("type")).toString(), s("room-settings"));
        QCOMPARE(reply.value(s("lobby")).toBool(true), false);
    }
    if (setup == QLatin1String("room-lock")) {
        const QJsonObject reply
            = member->request({ { s("type"), s("room-lock") }, { s("locked"), true } });
        QCOMPARE(reply.value(s("type")).toString(), s("room-locked"));
        QCOMPARE(reply.value(s("locked")).toBool(), true);
    }
    auto erin = connectClient();
    QVERIFY(erin);
    const QJsonObject refusal = erin->request(knockMessage(s("Erin"), room));
    QCOMPARE(codeOf(refusal), code);
    QCOMPARE(refusal.value(s("desc")).toString(), text);
    QVERIFY(erin->waitForDisconnect());
    QCOMPARE(int(erin->socket().closeCode()), 4005);
    QTest::qWait(50);
    QVERIFY(!member->hasMessage(s("knock")));
}

void tst_Lobby::knockWithoutRoomName()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto guest = joinClient(s("Gus"), s("participant"), s("retro")); // no moderator there
    QVERIFY(guest);
    auto erin = connectClient();
    QVERIFY(erin);
    const QJsonObject waiting = erin->request(knockMessage(s("Erin")));
    QCOMPARE(waiting.value(s("type")).toString(), s("knock-waiting"));
    QCOMPARE(waiting.value(s("room")).toString(), s("standup"));
    QCOMPARE(host->waitFor(s("knock")).value(s("name")).toString(), s("Erin"));

    // A second room with a moderator: a knock without a room is ambiguous.
    auto other = joinClient(s("Olga"), s("moderator"), s("retro"));
    QVERIFY(other);
    auto fred = connectClient();
    QVERIFY(fred);
    const QJsonObject refusal = fred->request(knockMessage(s("Fred")));
    QCOMPARE(codeOf(refusal), int(ErrorCode::InvalidRequest));
    QVERIFY(refusal.value(s("desc")).toString().contains(s("must name one")));
    QVERIFY(fred->waitForDisconnect());

    // A nameless knock is refused but the connection may knock again properly.
    auto gina = connectClient();
    QVERIFY(gina);
    QCOMPARE(codeOf(gina->request(knockMessage(s("   "), s("standup")))),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(gina->request(knockMessage(s("Gina"), s("standup"))).value(s("type")).toString(),
             s("knock-waiting"));
}

void tst_Lobby::participantCannotAnswerOrMint()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    auto bob = joinClient(s("Bob"), s("participant"));
    QVERIFY(host && bob);
    auto erin = connectClient();
    QVERIFY(erin);
    const QString knockId
        = erin->request(knockMessage(s("Erin"), s("standup"))).value(s("knockId")).toString();
    QVERIFY(!knockId.isEmpty());
    QVERIFY(!host->waitFor(s("knock")).isEmpty());
    QVERIFY(!bob->hasMessage(s("knock"))); // participants are not told

    const QJsonObject answer = bob->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), knockId }, { s("admit"), true } });
    QCOMPARE(codeOf(answer), int(ErrorCode::NotPermitted));
    const QJsonObject mint = bob->request({ { s("type"), s("invite-create") }, { s("ttl"), 600 } });
    QCOMPARE(codeOf(mint), int(ErrorCode::NotPermitted));
    const QJsonObject settings
        = bob->request({ { s("type"), s("room-settings") }, { s("lobby"), false } });
    QCOMPARE(codeOf(settings), int(ErrorCode::NotPermitted));
    // The knock still waits: nobody let Erin in.
    QTest::qWait(50);
    QVERIFY(!erin->hasMessage(s("knock-admitted")));
    QCOMPARE(erin->socket().state(), QAbstractSocket::ConnectedState);
}

void tst_Lobby::moderatorMintsInvites()
{
    startServer([](ServerOptions &o) { o.maxInviteTtlSeconds = 7200; });
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const QJsonObject created = host->request(
        { { s("type"), s("invite-create") }, { s("name"), s("Bob") }, { s("ttl"), 3600 } });
    QCOMPARE(created.value(s("type")).toString(), s("invite-created"));
    const qint64 expiresAt = created.value(s("expiresAt")).toInteger();
    QVERIFY(expiresAt >= before + 3600 && expiresAt <= before + 3700);
    auto bob = connectClient();
    QVERIFY(bob);
    const QJsonObject joined = bob->join(created.value(s("token")).toString());
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    QCOMPARE(joined.value(s("name")).toString(), s("Bob"));
    QCOMPARE(joined.value(s("role")).toString(), s("participant"));
    QCOMPARE(joined.value(s("room")).toString(), s("standup"));

    QCOMPARE(
        codeOf(host->request({ { s("type"), s("invite-create") }, { s("role"), s("moderator") } })),
        int(ErrorCode::NotPermitted));
    QCOMPARE(codeOf(host->request({ { s("type"), s("invite-create") }, { s("ttl"), 7201 } })),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(codeOf(host->request({ { s("type"), s("invite-create") }, { s("ttl"), 10 } })),
             int(ErrorCode::InvalidRequest));
    // Without a name the link is shared: the joiner picks a name.
    const QJsonObject shared = host->request({ { s("type"), s("invite-create") } });
    QCOMPARE(shared.value(s("type")).toString(), s("invite-created"));
    const auto claims = Token::peek(shared.value(s("token")).toString());
    QVERIFY(claims);
    QVERIFY(claims->name.isEmpty());
    QCOMPARE(claims->role, s("participant"));
}

void tst_Lobby::lateModeratorSeesPendingKnocks()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto erin = connectClient();
    auto fred = connectClient();
    QVERIFY(erin && fred);
    const QString erinKnock
        = erin->request(knockMessage(s("Erin"), s("standup"))).value(s("knockId")).toString();
    const QString fredKnock
        = fred->request(knockMessage(s("Fred"), s("standup"))).value(s("knockId")).toString();
    QVERIFY(!erinKnock.isEmpty() && !fredKnock.isEmpty());

    auto cohost = joinClient(s("Cora"), s("moderator"));
    QVERIFY(cohost);
    QCOMPARE(cohost->waitFor(s("knock")).value(s("knockId")).toString(), erinKnock);
    QCOMPARE(cohost->waitFor(s("knock")).value(s("knockId")).toString(), fredKnock);

    // Fred gives up: both moderators hear that his knock ended.
    fred->socket().close();
    const auto withdrawn = [&](const QJsonObject &m) {
        return m.value(s("type")).toString() == QLatin1String("knock-ended")
            && m.value(s("knockId")).toString() == fredKnock;
    };
    QCOMPARE(host->waitFor(withdrawn).value(s("outcome")).toString(), s("withdrawn"));
    QCOMPARE(cohost->waitFor(withdrawn).value(s("outcome")).toString(), s("withdrawn"));

    // The latecomer can answer: Erin gets in.
    cohost->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), erinKnock }, { s("admit"), true } });
    QVERIFY(!erin->waitFor(s("knock-admitted")).isEmpty());
}

void tst_Lobby::removedNameCannotKnock()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    auto erin = connectClient();
    QVERIFY(erin);
    const QString knockId
        = erin->request(knockMessage(s("Erin"), s("standup"))).value(s("knockId")).toString();
    QCOMPARE(host->waitFor(s("knock")).value(s("knockId")).toString(), knockId);
    host->request(
        { { s("type"), s("knock-answer") }, { s("knockId"), knockId }, { s("admit"), true } });
    const QString tok = erin->waitFor(s("knock-admitted")).value(s("token")).toString();
    const QString clientId = erin->join(tok).value(s("clientId")).toString();
    QVERIFY(!clientId.isEmpty());
    QCOMPARE(host->request({ { s("type"), s("participant-remove") }, { s("clientId"), clientId } })
                 .value(s("type"))
                 .toString(),
             s("participant-removed"));
    QVERIFY(erin->waitForDisconnect());

    auto again = connectClient();
    QVERIFY(again);
    const QJsonObject refusal = again->request(knockMessage(s("ERIN"), s("standup")));
    QCOMPARE(codeOf(refusal), int(ErrorCode::NotPermitted));
    QVERIFY(again->waitForDisconnect());
    QTest::qWait(50);
    QVERIFY(!host->hasMessage(s("knock")));
    // Nor does the admitted token work again.
    auto rejoin = connectClient();
    QVERIFY(rejoin);
    QCOMPARE(codeOf(rejoin->join(tok)), int(ErrorCode::InvalidInvite));
}

void tst_Lobby::knockFloodIsLimited()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    auto bob = joinClient(s("Bob"), s("participant"));
    QVERIFY(host && bob);

    // A transfer is under way while the flood arrives.
    const QByteArray data = randomBytes(3 * 1024 * 1024 + 123);
    const QJsonObject accepted = host->beginUpload(s("slides.bin"), data.size());
    QCOMPARE(accepted.value(s("type")).toString(), s("upload-accepted"));
    const quint32 uploadId = quint32(accepted.value(s("uploadId")).toInteger());
    host->sendChunks(uploadId, data, 0, data.size() / 2);

    constexpr int Knocks = 100;
    constexpr int Batch = 10;
    int waiting = 0;
    int limited = 0;
    int other = 0;
    std::vector<std::unique_ptr<Client>> pending;
    for (int first = 0; first < Knocks; first += Batch) {
        std::vector<std::unique_ptr<Client>> batch;
        for (int i = first; i < first + Batch; ++i) {
            auto c = connectClient();
            QVERIFY(c);
            c->send(knockMessage(QStringLiteral("Flood %1").arg(i), s("standup")));
            batch.push_back(std::move(c));
        }
        for (auto &c : batch) {
            const QJsonObject reply = c->waitFor([](const QJsonObject &m) {
                const QString t = m.value(s("type")).toString();
                return t == QLatin1String("knock-waiting") || t == QLatin1String("error");
            });
            if (reply.value(s("type")).toString() == QLatin1String("knock-waiting")) {
                ++waiting;
                pending.push_back(std::move(c));
            } else if (codeOf(reply) == int(ErrorCode::LimitExceeded)) {
                ++limited;
                QVERIFY(c->waitForDisconnect());
                QCOMPARE(int(c->socket().closeCode()), 4029);
            } else {
                ++other;
            }
        }
        if (first == Knocks / 2)
            host->sendChunks(uploadId, data, data.size() / 2);
    }
    QCOMPARE(other, 0);
    QCOMPARE(waiting, 3); // ServerOptions::maxPendingKnocksPerAddress
    QCOMPARE(limited, Knocks - waiting);

    host->send({ { s("type"), s("upload-end") },
                 { s("uploadId"), qint64(uploadId) },
                 { s("sha256"), sha256Hex(data) } });
    const QJsonObject done = host->waitFor(s("upload-done"));
    QCOMPARE(done.value(s("type")).toString(), s("upload-done"));
    const QJsonObject offered = bob->waitFor(s("file-available"));
    QJsonObject failure;
    QCOMPARE(
        bob->download(offered.value(s("file")).toObject().value(s("index")).toInteger(), &failure),
        data);

    int notified = 0;
    for (const QJsonObject &m : std::as_const(host->messages()))
        notified += m.value(s("type")).toString() == QLatin1String("knock") ? 1 : 0;
    QCOMPARE(notified, waiting);
    QVERIFY(!bob->hasMessage(s("knock")));
}

void tst_Lobby::malformedLobbyRequests()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    QVERIFY(host);
    // room-settings without "lobby" reads the setting; a non-boolean is refused.
    const QJsonObject read = host->request({ { s("type"), s("room-settings") } });
    QCOMPARE(read.value(s("lobby")).toBool(false), true);
    QCOMPARE(codeOf(host->request({ { s("type"), s("room-settings") }, { s("lobby"), s("no") } })),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(codeOf(host->request({ { s("type"), s("knock-answer") }, { s("knockId"), 3 } })),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(codeOf(host->request({ { s("type"), s("invite-create") }, { s("name"), s(" ") } })),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(
        codeOf(host->request({ { s("type"), s("invite-create") }, { s("role"), s("admin") } })),
        int(ErrorCode::InvalidRequest));

    // An unsupported version, and a second knock on one connection, close it.
    auto erin = connectClient();
    QVERIFY(erin);
    QJsonObject v2 = knockMessage(s("Erin"), s("standup"));
    v2.insert(s("version"), 2);
    QCOMPARE(codeOf(erin->request(v2)), int(ErrorCode::InvalidRequest));
    QVERIFY(erin->waitForDisconnect());
    auto fred = connectClient();
    QVERIFY(fred);
    QCOMPARE(fred->request(knockMessage(s("Fred"), s("standup"))).value(s("type")).toString(),
             s("knock-waiting"));
    QCOMPARE(codeOf(fred->request(knockMessage(s("Fred"), s("standup")))),
             int(ErrorCode::InvalidRequest));
    QVERIFY(fred->waitForDisconnect());
    const auto ended = [](const QJsonObject &m) {
        return m.value(s("type")).toString() == QLatin1String("knock-ended");
    };
    QCOMPARE(host->waitFor(ended).value(s("outcome")).toString(), s("withdrawn"));
    // A message other than join while waiting also ends the knock.
    auto gina = connectClient();
    QVERIFY(gina);
    QCOMPARE(gina->request(knockMessage(s("Gina"), s("standup"))).value(s("type")).toString(),
             s("knock-waiting"));
    gina->send({ { s("type"), s("list") } });
    QVERIFY(gina->waitForDisconnect());
    QCOMPARE(host->waitFor(ended).value(s("outcome")).toString(), s("withdrawn"));
}

void tst_Lobby::lockedRoom()
{
    startServer();
    auto host = joinClient(s("Hana"), s("moderator"));
    auto bob = connectClient();
    QVERIFY(host && bob);
    const QJsonObject bobJoined = bob->join(token(s("standup"), s("Bob"), s("participant")));
    QCOMPARE(bobJoined.value(s("locked")).toBool(true), false);
    const QString bobSession = bobJoined.value(s("sessionId")).toString();
    auto erin = connectClient();
    QVERIFY(erin);
    QCOMPARE(erin->request(knockMessage(s("Erin"), s("standup"))).value(s("type")).toString(),
             s("knock-waiting"));
    QVERIFY(!host->waitFor(s("knock")).isEmpty());

    // Only moderators, and only with a boolean.
    QJsonObject reply = bob->request({ { s("type"), s("room-lock") }, { s("locked"), true } });
    QCOMPARE(codeOf(reply), int(ErrorCode::NotPermitted));
    QCOMPARE(reply.value(s("desc")).toString(), s("Only a moderator can lock or unlock the room"));
    reply = host->request({ { s("type"), s("room-lock") }, { s("locked"), s("yes") } });
    QCOMPARE(codeOf(reply), int(ErrorCode::InvalidRequest));

    // Locking tells the others and turns the waiting knock away.
    reply = host->request({ { s("type"), s("room-lock") }, { s("locked"), true } });
    QCOMPARE(reply.value(s("type")).toString(), s("room-locked"));
    const QJsonObject event = bob->waitFor(s("room-locked"));
    QCOMPARE(event.value(s("locked")).toBool(), true);
    QCOMPARE(event.value(s("by")).toString(), host->clientId());
    QVERIFY(!event.contains(s("rid")));
    const QJsonObject refusal = erin->waitFor(s("error"));
    QCOMPARE(codeOf(refusal), int(ErrorCode::NotPermitted));
    QCOMPARE(refusal.value(s("desc")).toString(),
             s("Room standup was locked: nobody new can join it now"));
    QVERIFY(erin->waitForDisconnect());
    QCOMPARE(int(erin->socket().closeCode()), 4005);
    QCOMPARE(host->waitFor(s("knock-ended")).value(s("outcome")).toString(), s("denied"));

    // Bob drops and comes back by resuming: still admitted, and told the room is locked.
    bob.reset();
    auto bobAgain = connectClient();
    QVERIFY(bobAgain);
    const QJsonObject resumed = bobAgain->join(token(s("standup"), s("Bob"), s("participant")),
                                               QString(), { { s("resume"), bobSession } });
    QCOMPARE(resumed.value(s("type")).toString(), s("joined"));
    QCOMPARE(resumed.value(s("resumed")).toBool(), true);
    QCOMPARE(resumed.value(s("locked")).toBool(), true);

    // A new join with the same link is not.
    auto bobTwice = connectClient();
    QVERIFY(bobTwice);
    const QJsonObject refused = bobTwice->join(token(s("standup"), s("Bob"), s("participant")));
    QCOMPARE(codeOf(refused), int(ErrorCode::NotPermitted));
    QCOMPARE(refused.value(s("desc")).toString(),
             s("Room standup is locked: a moderator has closed it to new participants; ask them "
               "to unlock it"));
    QVERIFY(bobTwice->waitForDisconnect());
    QCOMPARE(int(bobTwice->socket().closeCode()), 4001);

    // Unlocked, it is.
    reply = host->request({ { s("type"), s("room-lock") }, { s("locked"), false } });
    QCOMPARE(reply.value(s("locked")).toBool(true), false);
    QCOMPARE(bobAgain->waitFor(s("room-locked")).value(s("locked")).toBool(true), false);
    auto bobThrice = connectClient();
    QVERIFY(bobThrice);
    QCOMPARE(bobThrice->join(token(s("standup"), s("Bob"), s("participant")))
                 .value(s("type"))
                 .toString(),
             s("joined"));
}

QTEST_GUILESS_MAIN(tst_Lobby)
#include "tst_lobby.moc"
