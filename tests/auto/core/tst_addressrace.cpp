// Links that carry several addresses (alt=): the client races them and keeps the first that
// completes the handshake; when none does, the error names every address and its cause.
// The cross-machine cases (another namespace, the wrong-interface trap) are in
// tests/netns/test-rooms.sh; these run on loopback without root.

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include "errors.h"
#include "hostaddresses.h"
#include "invite.h"
#include "room.h"
#include "roomserver.h"
#include "testutil.h"
#include "tlsfiles.h"

using namespace Roomshare;
using namespace Roomshare::Server;

namespace {
QString s(const char *text)
{
    return QString::fromUtf8(text);
}

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return port;
}
} // namespace

class TestAddressRace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void alternateWinsWhenThePrimaryRefuses();
    void silentPrimaryLosesToAnAlternate();
    void everyAddressNamedWhenNoneAnswers();
    void wrongCertificateLosesEvenWhenItAnswers();
    void tlsRefusalNamesTheCause();
    void serverLinksCarryEveryAddress();

private:
    QString link(const RoomServer &server, const QList<ServerEndpoint> &endpoints,
                 bool withFingerprint = true) const;
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestAddressRace::initTestCase()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

QString TestAddressRace::link(const RoomServer &server, const QList<ServerEndpoint> &endpoints,
                              bool withFingerprint) const
{
    JoinClaims claims;
    claims.room = s("standup");
    claims.role = s("participant");
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + 600;
    InviteLink invite = InviteLink::forEndpoints(endpoints, server.isSecure(), claims.room,
                                                 Token::sign(claims, TestUtil::testSecret()));
    if (withFingerprint)
        invite.certFingerprint = server.certificateFingerprint();
    return invite.toString();
}

void TestAddressRace::alternateWinsWhenThePrimaryRefuses()
{
    auto server = TestUtil::startServer(m_tmp->filePath(s("refuses")));
    QVERIFY(server);
    const quint16 dead = closedPort();
    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(
        link(*server, { { s("127.0.0.1"), dead }, { s("127.0.0.1"), server->port() } }),
        s("Alice")));
    QVERIFY(connected.wait(5000));
    QCOMPARE(room.serverAddress(), s("127.0.0.1:%1").arg(server->port()));
    // The data channel follows the address that won.
    QTRY_VERIFY_WITH_TIMEOUT(room.usesDataChannel(), 5000);
}

void TestAddressRace::silentPrimaryLosesToAnAlternate()
{
    auto server = TestUtil::startServer(m_tmp->filePath(s("silent")));
    QVERIFY(server);
    // Accepts TCP but never answers the WebSocket upgrade: an address that swallows the
    // attempt. The alternate, tried 250 ms later, must win long before any timeout.
    QTcpServer mute;
    QVERIFY(mute.listen(QHostAddress::LocalHost, 0));
    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(room.connectToRoom(
        link(*server,
             { { s("127.0.0.1"), mute.serverPort() }, { s("127.0.0.1"), server->port() } }),
        s("Bob")));
    QVERIFY(connected.wait(10000));
    QCOMPARE(room.serverAddress(), s("127.0.0.1:%1").arg(server->port()));
    QVERIFY2(clock.elapsed() < room.heartbeatTimeout(),
             "the alternate had to wait for the silent address to time out");
}

void TestAddressRace::everyAddressNamedWhenNoneAnswers()
{
    auto server = TestUtil::startServer(m_tmp->filePath(s("none")));
    QVERIFY(server);
    const quint16 a = closedPort();
    const quint16 b = closedPort();
    Room room;
    room.setHeartbeat(500, 3000);
    QSignalSpy disconnected(&room, &Room::disconnected);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(
        room.connectToRoom(link(*server, { { s("127.0.0.1"), a }, { s("::1"), b } }), s("Carol")));
    QVERIFY(disconnected.wait(10000));
    QCOMPARE(connected.count(), 0);
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::RoomDisconnected);
    const QString text = disconnected.first().at(1).toString();
    QVERIFY2(text.contains(s("127.0.0.1:%1 (connection refused").arg(a)), qPrintable(text));
    QVERIFY2(text.contains(s("[::1]:%1 (").arg(b)), qPrintable(text));
    // (An unknown name is checked inside a network namespace, tests/netns/test-rooms.sh,
    // where the lookup cannot leave the machine.)
    // The EnableX-style refusal of a later call says why too.
    QJsonObject result;
    room.sendFiles({ TestUtil::makeFile(m_tmp->path(), s("x.txt"), 3) }, {},
                   [&](const QJsonObject &r) { result = r; });
    QCOMPARE(result.value(s("result")).toInt(), int(ErrorCode::RoomDisconnected));
    QVERIFY2(result.value(s("desc")).toString().contains(s("127.0.0.1:%1").arg(a)),
             qPrintable(result.value(s("desc")).toString()));
}

void TestAddressRace::wrongCertificateLosesEvenWhenItAnswers()
{
    // Two TLS servers with different certificates: the link pins the second one's. The
    // first answers first (it is the link's host) but must lose; the pinned one wins.
    QString error;
    const auto impostorId = Tls::generateSelfSignedCertificate(s("impostor"), {}, 30, &error);
    const auto realId = Tls::generateSelfSignedCertificate(s("real"), {}, 30, &error);
    QVERIFY2(impostorId && realId, qPrintable(error));
    auto make = [&](const QString &dir, const Tls::Identity &id) {
        ServerOptions o;
        o.dataDir = m_tmp->filePath(dir);
        o.secret = TestUtil::testSecret();
        o.tlsCertificate = id.certificate;
        o.tlsKey = id.key;
        auto server = std::make_unique<RoomServer>(o);
        return server->listen() ? std::move(server) : nullptr;
    };
    auto impostor = make(s("impostor"), *impostorId);
    auto real = make(s("real"), *realId);
    QVERIFY(impostor && real);
    const QString text
        = link(*real, { { s("127.0.0.1"), impostor->port() }, { s("127.0.0.1"), real->port() } });
    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(text, s("Dave")));
    QVERIFY(connected.wait(5000));
    QCOMPARE(room.serverAddress(), s("127.0.0.1:%1").arg(real->port()));
    QCOMPARE(impostor->participantCount(), 0);

    // Only the impostor: 1200, naming the address and both fingerprints.
    Room alone;
    QSignalSpy refused(&alone, &Room::disconnected);
    QVERIFY(alone.connectToRoom(link(*real, { { s("127.0.0.1"), impostor->port() } }), s("Dave")));
    QVERIFY(refused.wait(5000));
    QCOMPARE(refused.first().at(0).value<ErrorCode>(), ErrorCode::TlsVerificationFailed);
    const QString why = refused.first().at(1).toString();
    QVERIFY2(why.contains(s("127.0.0.1:%1").arg(impostor->port())), qPrintable(why));
    QVERIFY2(why.contains(real->certificateFingerprint()), qPrintable(why));
}

void TestAddressRace::tlsRefusalNamesTheCause()
{
    // Over TLS Qt reports the end of a refused connection before its cause.
    auto server = TestUtil::startServer(m_tmp->filePath(s("tlsrefused")));
    QVERIFY(server);
    const quint16 dead = closedPort();
    JoinClaims claims;
    claims.room = s("standup");
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + 600;
    const QString text = InviteLink::forEndpoints({ { s("127.0.0.1"), dead } }, true, claims.room,
                                                  Token::sign(claims, TestUtil::testSecret()))
                             .toString();
    Room room;
    QSignalSpy disconnected(&room, &Room::disconnected);
    QVERIFY(room.connectToRoom(text, s("Erin")));
    QVERIFY(disconnected.wait(5000));
    const QString why = disconnected.first().at(1).toString();
    QVERIFY2(why.contains(s("127.0.0.1:%1 (connection refused").arg(dead)), qPrintable(why));
}

void TestAddressRace::serverLinksCarryEveryAddress()
{
    ServerOptions o;
    o.dataDir = m_tmp->filePath(s("wildcard"));
    o.secret = TestUtil::testSecret();
    o.listenAddress = QHostAddress(QHostAddress::Any);
    RoomServer server(o);
    QVERIFY(server.listen());
    const auto candidates = HostAddresses::candidates(o.listenAddress);
    const auto endpoints = server.endpoints();
    if (candidates.isEmpty()) {
        // No network: this computer only, said as loopback.
        QCOMPARE(endpoints.size(), 1);
        QCOMPARE(endpoints.first().host, s("127.0.0.1"));
    } else {
        QVERIFY(endpoints.size() >= candidates.size());
        for (int i = 0; i < candidates.size(); ++i)
            QCOMPARE(QHostAddress(endpoints.at(i).host), candidates.at(i));
        for (const QHostAddress &a : candidates)
            QVERIFY(!a.isLoopback() && !a.isLinkLocal());
    }
    JoinClaims claims;
    claims.room = s("standup");
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + 600;
    const auto invite = InviteLink::parse(server.inviteLink(claims));
    QVERIFY(invite);
    QCOMPARE(invite->serverUrls().size(), endpoints.size());

    // --public-url wins over what the machine has.
    ServerOptions p = o;
    p.dataDir = m_tmp->filePath(s("public"));
    p.publicUrls = { QUrl(s("wss://files.example.org:443/")), QUrl(s("ws://198.51.100.7:7450/")) };
    RoomServer proxied(p);
    QVERIFY(proxied.listen());
    const auto viaProxy = InviteLink::parse(proxied.inviteLink(claims));
    QVERIFY(viaProxy);
    QVERIFY(viaProxy->secure);
    QCOMPARE(viaProxy->host, s("files.example.org"));
    QCOMPARE(viaProxy->port, quint16(443));
    QCOMPARE(viaProxy->alternates.size(), 1);
    QVERIFY(viaProxy->certFingerprint.isEmpty()); // the proxy's certificate, not ours
}

QTEST_GUILESS_MAIN(TestAddressRace)
#include "tst_addressrace.moc"
