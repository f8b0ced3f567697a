// Room (the client library) in the lobby against a real server: knocking with a token-less
// link (TLS trust on first use included), the moderator's answers and minted links.

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "room.h"
#include "testutil.h"
#include "tlsfiles.h"

using namespace Roomshare;
using Roomshare::Server::RoomServer;
using Roomshare::Server::ServerOptions;
namespace Tls = Roomshare::Server::Tls;

namespace {
constexpr int Wait = 10000;

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}
} // namespace

class TestRoomLobby : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void knockAdmittedOverTlsTrustOnFirstUse();
    void knockDenied();
    void firstUsePinHoldsOnReconnect();
    void knockLinkNeedsAName();
    void lobbySwitchedOff();
    void moderatorCreatesInviteLink();

private:
    void startServer(bool tls, const std::function<void(ServerOptions &)> &configure = {});
    //! A moderator link (pinned with fp= under TLS) to room "standup".
    QString moderatorLink() const;
    //! The knock link of the server: no token, no fp.
    QString knockLink() const;
    std::unique_ptr<Room> join(const QString &link);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<RoomServer> m_server;
    std::optional<Tls::Identity> m_identity;
};

void TestRoomLobby::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QString error;
    m_identity = Tls::generateSelfSignedCertificate(s("roomshare lobby test"),
                                                    { s("127.0.0.1"), s("localhost") }, 2, &error);
    QVERIFY2(m_identity, qPrintable(error));
}

void TestRoomLobby::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

void TestRoomLobby::cleanup()
{
    m_server.reset();
    m_tmp.reset();
}

void TestRoomLobby::startServer(bool tls, const std::function<void(ServerOptions &)> &configure)
{
    ServerOptions o;
    o.dataDir = m_tmp->filePath(s("server"));
    o.secret = TestUtil::testSecret();
    if (tls) {
        o.tlsCertificate = m_identity->certificate;
        o.tlsKey = m_identity->key;
    }
    if (configure)
        configure(o);
    m_server = std::make_unique<RoomServer>(o);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

QString TestRoomLobby::moderatorLink() const
{
    auto invite = InviteLink::parse(
        TestUtil::invite(m_server->url(), s("standup"), s("Hana"), s("moderator")));
    if (!invite)
        return QString();
    invite->certFingerprint = m_server->certificateFingerprint();
    return invite->toString();
}

QString TestRoomLobby::knockLink() const
{
    return QStringLiteral("%1://127.0.0.1:%2/standup")
        .arg(m_server->isSecure() ? s("roomshares") : s("roomshare"))
        .arg(m_server->port());
}

std::unique_ptr<Room> TestRoomLobby::join(const QString &link)
{
    auto room = std::make_unique<Room>();
    QSignalSpy connected(room.get(), &Room::connected);
    if (!room->connectToRoom(link) || !connected.wait(Wait))
        return nullptr;
    return room;
}

void TestRoomLobby::knockAdmittedOverTlsTrustOnFirstUse()
{
    startServer(true);
    auto host = join(moderatorLink());
    QVERIFY(host);
    QVERIFY(host->isLobbyEnabled());
    QSignalSpy received(host.get(), &Room::knockReceived);
    QSignalSpy ended(host.get(), &Room::knockEnded);

    Room erin;
    QSignalSpy waiting(&erin, &Room::knockWaiting);
    QSignalSpy connected(&erin, &Room::connected);
    QSignalSpy disconnected(&erin, &Room::disconnected);
    QVERIFY2(erin.connectToRoom(knockLink(), s("Erin")), qPrintable(erin.lastErrorText()));
    QVERIFY(erin.isKnocking());
    QVERIFY(waiting.wait(Wait));
    QCOMPARE(waiting.first().first().toString(), s("standup"));
    QCOMPARE(erin.state(), Room::State::Connecting);
    // The self-signed certificate was trusted on first use and is now pinned.
    QCOMPARE(erin.serverFingerprint(), m_server->certificateFingerprint());
    QVERIFY(erin.isFingerprintTrustedOnFirstUse());

    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Wait);
    const auto knock = received.first().first().value<KnockRequest>();
    QCOMPARE(knock.name, s("Erin"));
    QCOMPARE(host->pendingKnocks().size(), 1);
    QJsonObject answered;
    host->answerKnock(knock.id, KnockAnswer::Admit, [&](const QJsonObject &r) { answered = r; });
    QVERIFY2(connected.wait(Wait), qPrintable(erin.lastErrorText()));
    QVERIFY(!erin.isKnocking());
    QCOMPARE(erin.role(), s("participant"));
    QCOMPARE(erin.displayName(), s("Erin"));
    QTRY_COMPARE_WITH_TIMEOUT(answered.value(s("result")).toInt(-1), 0, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, Wait);
    QCOMPARE(ended.first().at(1).value<KnockOutcome>(), KnockOutcome::Admitted);
    QVERIFY(host->pendingKnocks().isEmpty());
    // The data channel opens against the pinned certificate too.
    if (erin.isDataChannelEnabled())
        QVERIFY(erin.usesDataChannel());

    // The room's link is now a full one: token and the pinned fingerprint.
    const auto full = InviteLink::parse(erin.inviteLink());
    QVERIFY(full);
    QVERIFY(!full->isKnockLink());
    QCOMPARE(full->certFingerprint, m_server->certificateFingerprint());
    QCOMPARE(full->room, s("standup"));

    // And the file arrives.
    const QString path = TestUtil::makeFile(m_tmp->path(), s("agenda.bin"), 300 * 1024 + 7);
    QSignalSpy available(&erin, &Room::fileAvailable);
    host->sendFiles({ path });
    QVERIFY(available.wait(Wait));
    const auto file = available.first().first().value<FileInfo>();
    QJsonObject got;
    erin.recvFiles(file.index, { { s("saveDir"), m_tmp->filePath(s("erin")) } },
                   [&](const QJsonObject &r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty(), Wait);
    QCOMPARE(got.value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(m_tmp->filePath(s("erin/agenda.bin"))), TestUtil::sha256Of(path));
    QCOMPARE(disconnected.size(), 0);
}

void TestRoomLobby::firstUsePinHoldsOnReconnect()
{
    startServer(true);
    auto host = join(moderatorLink());
    QVERIFY(host);
    QSignalSpy received(host.get(), &Room::knockReceived);
    Room erin;
    erin.setReconnectWindow(Wait);
    QSignalSpy connected(&erin, &Room::connected);
    QSignalSpy disconnected(&erin, &Room::disconnected);
    QVERIFY(erin.connectToRoom(knockLink(), s("Erin")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Wait);
    host->answerKnock(received.first().first().value<KnockRequest>().id, KnockAnswer::Admit);
    QVERIFY(connected.wait(Wait));
    const QString pinned = erin.serverFingerprint();
    QCOMPARE(pinned, m_server->certificateFingerprint());

    // The same address now presents another certificate: the first-use pin refuses it.
    const quint16 port = m_server->port();
    host.reset();
    m_server.reset();
    QString error;
    const auto other
        = Tls::generateSelfSignedCertificate(s("impostor"), { s("127.0.0.1") }, 2, &error);
    QVERIFY2(other, qPrintable(error));
    startServer(true, [&](ServerOptions &o) {
        o.port = port;
        o.tlsCertificate = other->certificate;
        o.tlsKey = other->key;
    });
    QVERIFY(m_server->certificateFingerprint() != pinned);
    QVERIFY(disconnected.wait(Wait * 2));
    QCOMPARE(disconnected.first().first().value<ErrorCode>(), ErrorCode::TlsVerificationFailed);
    // Refused for not being the pinned certificate (not merely for being self-signed).
    QVERIFY2(disconnected.first().at(1).toString().contains(pinned),
             qPrintable(disconnected.first().at(1).toString()));
    QCOMPARE(connected.size(), 1);
    QCOMPARE(erin.serverFingerprint(), pinned);
}

void TestRoomLobby::knockDenied()
{
    startServer(false);
    auto host = join(moderatorLink());
    QVERIFY(host);
    QSignalSpy received(host.get(), &Room::knockReceived);
    QSignalSpy ended(host.get(), &Room::knockEnded);
    Room erin;
    QSignalSpy disconnected(&erin, &Room::disconnected);
    QVERIFY(erin.connectToRoom(knockLink(), s("Erin")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Wait);
    host->answerKnock(received.first().first().value<KnockRequest>().id, KnockAnswer::Deny);
    QVERIFY(disconnected.wait(Wait));
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QCOMPARE(disconnected.first().at(1).toString(), s("The host did not let you in"));
    QCOMPARE(erin.state(), Room::State::Disconnected);
    QVERIFY(!erin.isKnocking());
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 1, Wait);
    QCOMPARE(ended.first().at(1).value<KnockOutcome>(), KnockOutcome::Denied);
}

void TestRoomLobby::knockLinkNeedsAName()
{
    startServer(false);
    Room erin;
    QVERIFY(!erin.connectToRoom(knockLink()));
    QCOMPARE(erin.lastError(), ErrorCode::InvalidRequest);
    QCOMPARE(erin.state(), Room::State::Disconnected);
}

void TestRoomLobby::lobbySwitchedOff()
{
    startServer(false);
    auto host = join(moderatorLink());
    QVERIFY(host);
    QSignalSpy changed(host.get(), &Room::lobbyEnabledChanged);
    QJsonObject result;
    host->setLobbyEnabled(false, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(-1), 0);
    QCOMPARE(changed.size(), 1);
    QVERIFY(!host->isLobbyEnabled());

    Room erin;
    QSignalSpy disconnected(&erin, &Room::disconnected);
    QVERIFY(erin.connectToRoom(knockLink(), s("Erin")));
    QVERIFY(disconnected.wait(Wait));
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QCOMPARE(disconnected.first().at(1).toString(), s("Room standup takes only invite links"));
}

void TestRoomLobby::moderatorCreatesInviteLink()
{
    startServer(true);
    auto host = join(moderatorLink());
    QVERIFY(host);
    QJsonObject result;
    host->createInviteLink(s("Bob"), 3600, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(-1), 0);
    const QString link = result.value(s("response")).toObject().value(s("link")).toString();
    const auto parsed = InviteLink::parse(link);
    QVERIFY2(parsed, qPrintable(link));
    QCOMPARE(parsed->certFingerprint, m_server->certificateFingerprint());
    QCOMPARE(parsed->room, s("standup"));
    QVERIFY(!parsed->isKnockLink());
    auto bob = join(link);
    QVERIFY(bob);
    QCOMPARE(bob->displayName(), s("Bob"));
    QCOMPARE(bob->role(), s("participant"));

    // A participant cannot mint links.
    QJsonObject refused;
    bob->createInviteLink(QString(), 3600, [&](const QJsonObject &r) { refused = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!refused.isEmpty(), Wait);
    QCOMPARE(refused.value(s("result")).toInt(), int(ErrorCode::NotPermitted));
}

QTEST_GUILESS_MAIN(TestRoomLobby)
#include "tst_roomlobby.moc"
