// The client library's side of security, end to end against the real server: wss:// with a
// certificate generated at runtime and pinned in the link, refused certificates, the
// moderator API, and how a client learns that it was removed or that its invite expired.

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

#include "faultproxy.h"
#include "room.h"
#include "testutil.h"
#include "tlsfiles.h"
#include "transferjob.h"

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

class TestRoomSecurity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void generatedCertificate();
    void loadOrCreateKeepsKeyPrivate();
    void loadPemRejectsMismatchedKey();
    void wssEndToEndWithPinnedCertificate();
    void wssDataChannelWithPinnedCertificate();
    void dataChannelRefusesAnotherCertificate();
    void wrongPinFailsClearly();
    void selfSignedWithoutPinFails();
    void pinMustBeSha256();
    void moderatorRemovesFileAndParticipant();
    void participantCannotRemoveOthers();
    void lockedRoomRefusesNewJoins();
    void expiredSessionIsReported();
    void serverExecutableServesWss();
    void deliveryReceiptsOnlyToSenderAndModerators();

private:
    void startServer(bool tls, const std::function<void(ServerOptions &)> &configure = {});
    //! A link to the test server; \a fingerprint overrides the server's own pin.
    QString link(const QString &name, const QString &role = s("participant"), qint64 ttl = 3600,
                 const std::optional<QString> &fingerprint = std::nullopt) const;
    std::unique_ptr<Room> join(const QString &link);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<RoomServer> m_server;
    std::optional<Tls::Identity> m_identity;
};

void TestRoomSecurity::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QString error;
    m_identity = Tls::generateSelfSignedCertificate(s("roomshare test"),
                                                    { s("127.0.0.1"), s("localhost") }, 2, &error);
    QVERIFY2(m_identity, qPrintable(error));
}

void TestRoomSecurity::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

void TestRoomSecurity::cleanup()
{
    m_server.reset();
    m_tmp.reset();
}

void TestRoomSecurity::startServer(bool tls, const std::function<void(ServerOptions &)> &configure)
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

QString TestRoomSecurity::link(const QString &name, const QString &role, qint64 ttl,
                               const std::optional<QString> &fingerprint) const
{
    auto invite = InviteLink::parse(TestUtil::invite(m_server->url(), s("room"), name, role, ttl));
    if (!invite)
        return QString();
    invite->certFingerprint = fingerprint.value_or(m_server->certificateFingerprint());
    return invite->toString();
}

std::unique_ptr<Room> TestRoomSecurity::join(const QString &link)
{
    auto room = std::make_unique<Room>();
    QSignalSpy connected(room.get(), &Room::connected);
    if (!room->connectToRoom(link) || !connected.wait(Wait))
        return nullptr;
    return room;
}

void TestRoomSecurity::generatedCertificate()
{
    const QSslCertificate &cert = m_identity->certificate;
    QVERIFY(!cert.isNull());
    QVERIFY(cert.isSelfSigned());
    QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList{ s("roomshare test") });
    QVERIFY(cert.effectiveDate() <= QDateTime::currentDateTimeUtc());
    QVERIFY(cert.expiryDate() > QDateTime::currentDateTimeUtc().addDays(1));
    const auto sans = cert.subjectAlternativeNames();
    QVERIFY(sans.values(QSsl::IpAddressEntry).contains(s("127.0.0.1")));
    QVERIFY(sans.values(QSsl::DnsEntry).contains(s("localhost")));
    QCOMPARE(m_identity->key.algorithm(), QSsl::Ec);
    const QString fp = Tls::fingerprint(cert);
    QCOMPARE(fp.size(), 64);
    QCOMPARE(fp, fp.toLower());
    // A second certificate is a different one.
    const auto other = Tls::generateSelfSignedCertificate(s("x"), {});
    QVERIFY(other);
    QVERIFY(Tls::fingerprint(other->certificate) != fp);
}

void TestRoomSecurity::loadOrCreateKeepsKeyPrivate()
{
    const QString dir = m_tmp->filePath(s("host/tls"));
    QString error;
    const auto first
        = Tls::loadOrCreateSelfSigned(dir, s("Roomshare room"), { s("127.0.0.1") }, &error);
    QVERIFY2(first, qPrintable(error));
    const QString keyPath = dir + s("/key.pem");
    QVERIFY(QFile::exists(keyPath));
    QCOMPARE(QFile::permissions(keyPath) & ~(QFileDevice::ReadUser | QFileDevice::WriteUser),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!(QFile::permissions(dir) & (QFileDevice::ReadOther | QFileDevice::ReadGroup)));
    // Kept across starts: links stay pinned to the same certificate.
    const auto second = Tls::loadOrCreateSelfSigned(dir, s("Roomshare room"), { s("127.0.0.1") });
    QVERIFY(second);
    QCOMPARE(Tls::fingerprint(second->certificate), Tls::fingerprint(first->certificate));
}

void TestRoomSecurity::loadPemRejectsMismatchedKey()
{
    const auto other = Tls::generateSelfSignedCertificate(s("other"), {});
    QVERIFY(other);
    auto write = [this](const char *name, const QByteArray &data) {
        QFile f(m_tmp->filePath(QString::fromLatin1(name)));
        return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
    };
    QVERIFY(write("cert.pem", m_identity->certificate.toPem()));
    QVERIFY(write("key.pem", m_identity->key.toPem()));
    QVERIFY(write("other-key.pem", other->key.toPem()));
    QVERIFY(write("garbage.pem", "-----BEGIN CERTIFICATE-----\nnope\n"));
    QString error;
    QVERIFY(Tls::loadPem(m_tmp->filePath(s("cert.pem")), m_tmp->filePath(s("key.pem")), &error));
    QVERIFY(
        !Tls::loadPem(m_tmp->filePath(s("cert.pem")), m_tmp->filePath(s("other-key.pem")), &error));
    QVERIFY2(error.contains(s("does not belong")), qPrintable(error));
    QVERIFY(
        !Tls::loadPem(m_tmp->filePath(s("garbage.pem")), m_tmp->filePath(s("key.pem")), &error));
    QVERIFY(
        !Tls::loadPem(m_tmp->filePath(s("missing.pem")), m_tmp->filePath(s("key.pem")), &error));
}

void TestRoomSecurity::wssEndToEndWithPinnedCertificate()
{
    startServer(true);
    QCOMPARE(m_server->url().scheme(), s("wss"));
    QCOMPARE(m_server->certificateFingerprint(), Tls::fingerprint(m_identity->certificate));
    const QString aliceLink = link(s("Alice"));
    QVERIFY(aliceLink.startsWith(s("roomshares://")));
    QVERIFY(aliceLink.contains(s("fp=") + m_server->certificateFingerprint()));
    auto alice = join(aliceLink);
    auto bob = join(link(s("Bob")));
    QVERIFY(alice && bob);

    const QString path = TestUtil::makeFile(m_tmp->path(), s("slides.bin"), 700 * 1024);
    QSignalSpy available(bob.get(), &Room::fileAvailable);
    QJsonObject sent;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) { sent = r; });
    QVERIFY(available.wait(Wait));
    const FileInfo file = available.first().first().value<FileInfo>();
    QJsonObject received;
    QVERIFY(QDir().mkpath(m_tmp->filePath(s("bob"))));
    bob->recvFiles(file.index, { { s("saveDir"), m_tmp->filePath(s("bob")) } },
                   [&](const QJsonObject &r) { received = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!received.isEmpty(), Wait);
    QCOMPARE(received.value(s("result")).toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(m_tmp->filePath(s("bob/slides.bin"))), TestUtil::sha256Of(path));

    // A plain ws:// client cannot talk to the wss:// server (and does not crash it).
    auto plain = InviteLink::parse(aliceLink);
    plain->secure = false;
    plain->certFingerprint.clear();
    Room cleartext;
    QSignalSpy disconnected(&cleartext, &Room::disconnected);
    QVERIFY(cleartext.connectToRoom(plain->toString()));
    QVERIFY(disconnected.wait(Wait));
    QVERIFY(alice->isConnected());
}

void TestRoomSecurity::wssDataChannelWithPinnedCertificate()
{
    // The data channel is a second TLS connection; it trusts exactly the certificate the
    // pinned WebSocket connection verified, so with a self-signed one it comes up too.
    startServer(true);
    auto alice = join(link(s("Alice")));
    auto bob = join(link(s("Bob")));
    // Carol goes without it: both kinds share a wss room.
    auto carol = std::make_unique<Room>();
    carol->setDataChannelEnabled(false);
    QSignalSpy carolConnected(carol.get(), &Room::connected);
    QVERIFY(carol->connectToRoom(link(s("Carol"))));
    QVERIFY(carolConnected.wait(Wait));
    QVERIFY(alice && bob);
    QVERIFY(alice->usesDataChannel());
    QVERIFY(bob->usesDataChannel());
    QVERIFY(!carol->usesDataChannel());

    const QString path = TestUtil::makeFile(m_tmp->path(), s("deck.bin"), 5 * 1024 * 1024 + 99);
    QSignalSpy available(bob.get(), &Room::fileAvailable);
    QJsonObject sent;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) { sent = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!sent.isEmpty() && available.size() == 1, Wait * 3);
    QCOMPARE(sent.value(s("result")).toInt(-1), 0);
    const FileInfo file = available.first().first().value<FileInfo>();
    QTRY_VERIFY_WITH_TIMEOUT(carol->file(file.index).isValid(), Wait);
    QJsonObject bobGot;
    QJsonObject carolGot;
    QVERIFY(QDir().mkpath(m_tmp->filePath(s("bob"))));
    QVERIFY(QDir().mkpath(m_tmp->filePath(s("carol"))));
    bob->recvFiles(file.index, { { s("saveDir"), m_tmp->filePath(s("bob")) } },
                   [&](const QJsonObject &r) { bobGot = r; });
    carol->recvFiles(file.index, { { s("saveDir"), m_tmp->filePath(s("carol")) } },
                     [&](const QJsonObject &r) { carolGot = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!bobGot.isEmpty() && !carolGot.isEmpty(), Wait * 3);
    QCOMPARE(bobGot.value(s("result")).toInt(-1), 0);
    QCOMPARE(carolGot.value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(m_tmp->filePath(s("bob/deck.bin"))), TestUtil::sha256Of(path));
    QCOMPARE(TestUtil::sha256Of(m_tmp->filePath(s("carol/deck.bin"))), TestUtil::sha256Of(path));
    QVERIFY(alice->usesDataChannel() && bob->usesDataChannel());
}

namespace {

//! A TLS server with its own certificate that counts handshakes and data channel
//! greetings: what an attacker behind the room's address would see.
class Impostor final : public QTcpServer
{
public:
    explicit Impostor(const Tls::Identity &identity)
    {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setLocalCertificate(identity.certificate);
        m_tls.setPrivateKey(identity.key);
        m_tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    int handshakes = 0;
    int greetings = 0;

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSocketDescriptor(descriptor);
        socket->setSslConfiguration(m_tls);
        connect(socket, &QSslSocket::encrypted, this, [this] { ++handshakes; });
        connect(socket, &QSslSocket::readyRead, this, [this, socket] {
            if (socket->readAll().startsWith("ROOMSHARE-DATA/1")) {
                ++greetings;
                socket->write("OK forged-key\n");
            }
        });
        socket->startServerEncryption();
    }

private:
    QSslConfiguration m_tls;
};

} // namespace

void TestRoomSecurity::dataChannelRefusesAnotherCertificate()
{
    // The WebSocket reaches the real server (pinned certificate); the data channel, the
    // next connection to the same address, reaches an impostor with another certificate.
    // The client must not greet it (nor send it a byte of any file): it joins without a
    // data channel and its transfers go over the verified WebSocket.
    startServer(true);
    const auto other = Tls::generateSelfSignedCertificate(s("impostor"), { s("127.0.0.1") });
    QVERIFY(other);
    Impostor impostor(*other);
    QVERIFY(impostor.listen(QHostAddress::LocalHost));
    FaultProxy proxy(m_server->port());
    QVERIFY(proxy.listen());
    proxy.routeFrom(2, impostor.serverPort());
    auto invite = InviteLink::parse(link(s("Bob")));
    QVERIFY(invite);
    invite->host = s("127.0.0.1");
    invite->port = proxy.port();
    auto bob = join(invite->toString());
    QVERIFY(bob);
    QVERIFY(!bob->usesDataChannel());
    QCOMPARE(impostor.greetings, 0);
    QCOMPARE(impostor.handshakes, 0);

    auto alice = join(link(s("Alice")));
    QVERIFY(alice);
    const QString path = TestUtil::makeFile(m_tmp->path(), s("memo.bin"), 2 * 1024 * 1024 + 5);
    QSignalSpy available(bob.get(), &Room::fileAvailable);
    QJsonObject sent;
    alice->sendFiles({ path }, {}, [&](const QJsonObject &r) { sent = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!sent.isEmpty() && available.size() == 1, Wait * 3);
    const FileInfo file = available.first().first().value<FileInfo>();
    QJsonObject got;
    QVERIFY(QDir().mkpath(m_tmp->filePath(s("bob"))));
    bob->recvFiles(file.index, { { s("saveDir"), m_tmp->filePath(s("bob")) } },
                   [&](const QJsonObject &r) { got = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!got.isEmpty(), Wait * 3);
    QCOMPARE(got.value(s("result")).toInt(-1), 0);
    QCOMPARE(TestUtil::sha256Of(m_tmp->filePath(s("bob/memo.bin"))), TestUtil::sha256Of(path));
    QCOMPARE(impostor.greetings, 0);
}

void TestRoomSecurity::wrongPinFailsClearly()
{
    startServer(true);
    const QString wrong = QString(64, QLatin1Char('a'));
    Room room;
    QSignalSpy disconnected(&room, &Room::disconnected);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(link(s("Mallory"), s("participant"), 3600, wrong)));
    QVERIFY(disconnected.wait(Wait));
    QCOMPARE(connected.count(), 0);
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::TlsVerificationFailed);
    const QString text = disconnected.first().at(1).toString();
    QVERIFY2(text.contains(s("does not match")) && text.contains(wrong)
                 && text.contains(m_server->certificateFingerprint()),
             qPrintable(text));
    QCOMPARE(room.lastError(), ErrorCode::TlsVerificationFailed);
    QCOMPARE(m_server->participantCount(), 0);
}

void TestRoomSecurity::selfSignedWithoutPinFails()
{
    startServer(true);
    Room room;
    QSignalSpy disconnected(&room, &Room::disconnected);
    QVERIFY(room.connectToRoom(link(s("Trusting"), s("participant"), 3600, QString())));
    QVERIFY(disconnected.wait(Wait));
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::TlsVerificationFailed);
    QVERIFY2(disconnected.first().at(1).toString().contains(s("not trusted")),
             qPrintable(disconnected.first().at(1).toString()));
    QCOMPARE(m_server->participantCount(), 0);
}

void TestRoomSecurity::pinMustBeSha256()
{
    startServer(true);
    auto invite = InviteLink::parse(link(s("A")));
    QVERIFY(invite);
    QString base = invite->toString();
    base.truncate(base.indexOf(s("&fp=")));
    QString why;
    QVERIFY(!InviteLink::parse(base + s("&fp=abc"), &why));
    QVERIFY(!InviteLink::parse(base + s("&fp=") + QString(64, QLatin1Char('g')), &why));
    // A pin on a cleartext link makes no sense and is refused rather than ignored.
    QString cleartext = base;
    cleartext.replace(s("roomshares://"), s("roomshare://"));
    QVERIFY(!InviteLink::parse(cleartext + s("&fp=") + QString(64, QLatin1Char('a')), &why));
    // The colon-separated upper-case form that tools print is accepted.
    QString colons;
    const QString fp = m_server->certificateFingerprint().toUpper();
    for (int i = 0; i < fp.size(); i += 2)
        colons += (i ? s(":") : QString()) + fp.mid(i, 2);
    const auto parsed = InviteLink::parse(base + s("&fp=") + colons, &why);
    QVERIFY2(parsed, qPrintable(why));
    QCOMPARE(parsed->certFingerprint, m_server->certificateFingerprint());
    QVERIFY(join(parsed->toString()));
}

void TestRoomSecurity::moderatorRemovesFileAndParticipant()
{
    startServer(true);
    // Bob reaches the server through a proxy, so that his download can be held in flight
    // (on loopback 40 MiB would otherwise finish before the moderator's request lands).
    FaultProxy proxy(m_server->port());
    QVERIFY(proxy.listen());
    auto bobInvite = InviteLink::parse(link(s("Bob")));
    QVERIFY(bobInvite);
    bobInvite->port = proxy.port();
    auto mod = join(link(s("Mod"), s("moderator")));
    auto alice = join(link(s("Alice")));
    auto bob = join(bobInvite->toString());
    QVERIFY(mod && alice && bob);

    // Alice's file, removed by the moderator.
    QSignalSpy bobFiles(bob.get(), &Room::fileAvailable);
    alice->sendFiles({ TestUtil::makeFile(m_tmp->path(), s("a.txt"), 1000) });
    QVERIFY(bobFiles.wait(Wait));
    const qint64 index = bobFiles.first().first().value<FileInfo>().index;
    QTRY_VERIFY_WITH_TIMEOUT(mod->file(index).isValid(), Wait);
    QSignalSpy bobRemoved(bob.get(), &Room::fileRemoved);
    QSignalSpy modRemoved(mod.get(), &Room::fileRemoved);
    QSignalSpy aliceOwnRemoved(alice.get(), &Room::ownFileRemoved);
    QJsonObject result;
    mod->removeFile(index, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 0);
    QCOMPARE(result.value(s("response")).toObject().value(s("index")).toInteger(), index);
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.count(), 1, Wait);
    QCOMPARE(bobRemoved.first().at(1).toString(), s("removed"));
    QCOMPARE(modRemoved.count(), 1);
    QVERIFY(!bob->file(index).isValid());
    QVERIFY(!mod->file(index).isValid());
    // Alice, its sender, is told too: her list of own files refreshes on it.
    QTRY_COMPARE_WITH_TIMEOUT(aliceOwnRemoved.count(), 1, Wait);
    QCOMPARE(aliceOwnRemoved.first().at(0).toLongLong(), index);
    QCOMPARE(aliceOwnRemoved.first().at(1).toString(), s("removed"));

    // Bob, mid-download of a bigger file, removed: his download fails at once, his room
    // reports why, and everyone else sees him leave.
    QSignalSpy more(bob.get(), &Room::fileAvailable);
    alice->sendFiles({ TestUtil::makeFile(m_tmp->path(), s("big.bin"), 40 * 1024 * 1024) });
    QVERIFY(more.wait(Wait * 3));
    const qint64 big = more.first().first().value<FileInfo>().index;
    QVERIFY(QDir().mkpath(m_tmp->filePath(s("bob"))));
    // Nothing from the server reaches Bob from here until the removal is done: the server
    // sends no more than its window of the file and waits for Bob's acknowledgements.
    proxy.holdWhereClientBegan(FaultProxy::ServerToClient, {});
    QJsonObject download;
    bob->recvFiles(big, { { s("saveDir"), m_tmp->filePath(s("bob")) } },
                   [&](const QJsonObject &r) { download = r; });
    QTRY_COMPARE_WITH_TIMEOUT(m_server->downloadCount(), 1, Wait);
    QSignalSpy bobGone(bob.get(), &Room::disconnected);
    QSignalSpy aliceSeesLeave(alice.get(), &Room::participantLeft);
    const QString bobId = bob->clientId();
    result = {};
    mod->removeParticipant(bobId, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 0);
    QCOMPARE(m_server->downloadCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(aliceSeesLeave.count(), 1, Wait);
    QCOMPARE(aliceSeesLeave.first().first().value<Participant>().clientId, bobId);
    proxy.releaseHeld();
    QTRY_COMPARE_WITH_TIMEOUT(bobGone.count(), 1, Wait);
    QCOMPARE(bobGone.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY2(bobGone.first().at(1).toString().contains(s("removed")),
             qPrintable(bobGone.first().at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(!download.isEmpty(), Wait);
    QVERIFY(download.value(s("result")).toInt() != 0);
    // Nothing partial left behind in Bob's folder.
    QCOMPARE(QDir(m_tmp->filePath(s("bob"))).entryList(QDir::Files | QDir::Hidden).size(), 0);
}

void TestRoomSecurity::participantCannotRemoveOthers()
{
    startServer(false);
    auto alice = join(link(s("Alice")));
    auto bob = join(link(s("Bob")));
    QVERIFY(alice && bob);
    QSignalSpy bobFiles(bob.get(), &Room::fileAvailable);
    alice->sendFiles({ TestUtil::makeFile(m_tmp->path(), s("a.txt"), 10) });
    QVERIFY(bobFiles.wait(Wait));
    const qint64 index = bobFiles.first().first().value<FileInfo>().index;
    QJsonObject result;
    bob->removeFile(index, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 1199);
    result = {};
    bob->removeFile(index + 100, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 1181);
    result = {};
    bob->removeParticipant(alice->clientId(), [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 1199);
    QVERIFY(alice->isConnected());
    QCOMPARE(m_server->fileCount(), 1);
    // The sender itself may.
    result = {};
    alice->removeFile(index, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!bob->file(index).isValid(), Wait);
}

void TestRoomSecurity::lockedRoomRefusesNewJoins()
{
    startServer(false);
    auto mod = join(link(s("Mod"), s("moderator")));
    auto alice = join(link(s("Alice")));
    QVERIFY(mod && alice);
    QVERIFY(!mod->isLocked());

    // Only moderators lock.
    QJsonObject result;
    alice->setLocked(true, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 1199);
    QVERIFY(!alice->isLocked());

    QSignalSpy aliceLock(alice.get(), &Room::lockedChanged);
    result = {};
    mod->setLocked(true, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 0);
    QCOMPARE(result.value(s("response")).toObject().value(s("locked")).toBool(), true);
    QVERIFY(mod->isLocked());
    QTRY_COMPARE_WITH_TIMEOUT(aliceLock.count(), 1, Wait);
    QCOMPARE(aliceLock.first().first().toBool(), true);
    QVERIFY(alice->isLocked());

    // A valid link no longer gets in, and says why.
    Room carol;
    QSignalSpy carolConnected(&carol, &Room::connected);
    QSignalSpy carolGone(&carol, &Room::disconnected);
    QVERIFY(carol.connectToRoom(link(s("Carol"))));
    QTRY_COMPARE_WITH_TIMEOUT(carolGone.count(), 1, Wait);
    QCOMPARE(carolConnected.count(), 0);
    QCOMPARE(carolGone.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    const QString why = carolGone.first().at(1).toString();
    QVERIFY2(why.contains(s("locked")), qPrintable(why));
    QCOMPARE(mod->participants().size(), 2);

    // The lobby is closed too.
    Room knocker;
    QSignalSpy knockerGone(&knocker, &Room::disconnected);
    QVERIFY(knocker.connectToRoom(
        QStringLiteral("roomshare://127.0.0.1:%1/room").arg(m_server->port()), s("Kim")));
    QTRY_COMPARE_WITH_TIMEOUT(knockerGone.count(), 1, Wait);
    QCOMPARE(knockerGone.first().at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY2(knockerGone.first().at(1).toString().contains(s("locked")),
             qPrintable(knockerGone.first().at(1).toString()));

    // A moderator still gets in (to unlock) and learns the room is locked at join.
    auto mod2 = join(link(s("Mod2"), s("moderator")));
    QVERIFY(mod2);
    QVERIFY(mod2->isLocked());

    // Unlocked, the same link is admitted again.
    result = {};
    mod2->setLocked(false, [&](const QJsonObject &r) { result = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), Wait);
    QCOMPARE(result.value(s("result")).toInt(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!alice->isLocked() && !mod->isLocked(), Wait);
    QVERIFY(carol.connectToRoom(link(s("Carol"))));
    QTRY_COMPARE_WITH_TIMEOUT(carolConnected.count(), 1, Wait);
    QVERIFY(!carol.isLocked());
}

void TestRoomSecurity::expiredSessionIsReported()
{
    startServer(false);
    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QSignalSpy disconnected(&room, &Room::disconnected);
    QVERIFY(room.connectToRoom(link(s("Brief"), s("participant"), 2)));
    QVERIFY(connected.wait(Wait));
    QVERIFY(disconnected.wait(Wait));
    QCOMPARE(disconnected.first().at(0).value<ErrorCode>(), ErrorCode::InvalidInvite);
    QVERIFY(disconnected.first().at(1).toString().contains(s("expired")));
}

void TestRoomSecurity::serverExecutableServesWss()
{
    const QString bin = qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
    if (bin.isEmpty())
        QSKIP("ROOMSHARE_SERVER_BIN not set");
    auto write = [this](const char *name, const QByteArray &data) {
        QFile f(m_tmp->filePath(QString::fromLatin1(name)));
        return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
    };
    QVERIFY(write("cert.pem", m_identity->certificate.toPem()));
    QVERIFY(write("key.pem", m_identity->key.toPem()));
    const QString fp = Tls::fingerprint(m_identity->certificate);

    QProcess server;
    server.start(bin,
                 { s("--listen"), s("127.0.0.1:0"), s("--data"), m_tmp->filePath(s("data")),
                   s("--tls-cert"), m_tmp->filePath(s("cert.pem")), s("--tls-key"),
                   m_tmp->filePath(s("key.pem")), s("--room"), s("standup") });
    QVERIFY(server.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += server.readAllStandardOutput()).count('\n') >= 2, Wait);
    const QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'));
    QVERIFY2(lines.at(0).startsWith(s("roomshare-server listening on wss://127.0.0.1:")),
             qPrintable(lines.at(0)));
    QVERIFY(lines.at(1).startsWith(s("invite: roomshares://")));
    QVERIFY(lines.at(1).contains(s("fp=") + fp));
    const QString hostLink = lines.at(1).mid(8);
    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(hostLink, s("Host")));
    QVERIFY2(connected.wait(Wait), qPrintable(room.lastErrorText() + s(" ") + hostLink));
    QCOMPARE(room.role(), s("moderator"));
    room.disconnectFromRoom();

    // `invite --tls-cert` pins the same fingerprint.
    const QString url = lines.at(0).mid(QStringLiteral("roomshare-server listening on ").size());
    QProcess invite;
    invite.start(bin,
                 { s("invite"), s("--secret-file"), m_tmp->filePath(s("data/secret")), s("--url"),
                   url, s("--room"), s("standup"), s("--name"), s("Zoe"), s("--tls-cert"),
                   m_tmp->filePath(s("cert.pem")) });
    QVERIFY(invite.waitForFinished(Wait));
    const QString inviteLink = QString::fromUtf8(invite.readAllStandardOutput()).trimmed();
    QVERIFY2(inviteLink.startsWith(s("roomshares://")) && inviteLink.contains(s("fp=") + fp),
             qPrintable(inviteLink));
    Room zoe;
    QSignalSpy zoeConnected(&zoe, &Room::connected);
    QVERIFY(zoe.connectToRoom(inviteLink));
    QVERIFY(zoeConnected.wait(Wait));
    QCOMPARE(zoe.displayName(), s("Zoe"));
    zoe.disconnectFromRoom();

    // --tls-cert without --tls-key is a usage error.
    QProcess half;
    half.start(bin,
               { s("--listen"), s("127.0.0.1:0"), s("--data"), m_tmp->filePath(s("d2")),
                 s("--tls-cert"), m_tmp->filePath(s("cert.pem")) });
    QVERIFY(half.waitForFinished(Wait));
    QVERIFY(half.exitCode() != 0);
    server.terminate();
    QVERIFY(server.waitForFinished(Wait));
}

QTEST_GUILESS_MAIN(TestRoomSecurity)
// docs/protocol.md "Delivery receipts": a broadcast to Bob, Carol and Dave, downloaded by
// Bob and Carol: the sender (and a moderator) hear of exactly those two, Dave nothing; Erin
// with receipts off downloads too and the server records nothing for her.
void TestRoomSecurity::deliveryReceiptsOnlyToSenderAndModerators()
{
    startServer(false);
    auto alice = join(link(s("Alice")));
    auto mod = join(link(s("Mod"), s("moderator")));
    auto bob = join(link(s("Bob")));
    auto carol = join(link(s("Carol")));
    auto dave = join(link(s("Dave")));
    auto erin = join(link(s("Erin")));
    QVERIFY(alice && mod && bob && carol && dave && erin);
    erin->setDeliveryReceipts(false);
    QSignalSpy aliceDelivered(alice.get(), &Room::fileDelivered);
    QSignalSpy modDelivered(mod.get(), &Room::fileDelivered);
    QSignalSpy daveDelivered(dave.get(), &Room::fileDelivered);
    QSignalSpy aliceEvents(alice.get(), &Room::fsUploadResult);
    QSignalSpy daveSees(dave.get(), &Room::fileAvailable);
    alice->sendFiles({ TestUtil::makeFile(m_tmp->path(), s("minutes.txt"), 5000) });
    QTRY_COMPARE_WITH_TIMEOUT(daveSees.count(), 1, Wait);
    const qint64 index = daveSees.first().first().value<FileInfo>().index;
    QTRY_VERIFY_WITH_TIMEOUT(erin->file(index).isValid() && bob->file(index).isValid()
                                 && carol->file(index).isValid(),
                             Wait);

    QJsonObject bobDone, carolDone, erinDone;
    bob->recvFiles(index, { { s("saveDir"), m_tmp->filePath(s("bob")) } },
                   [&](const QJsonObject &r) { bobDone = r; });
    carol->recvFiles(index, { { s("saveDir"), m_tmp->filePath(s("carol")) } },
                     [&](const QJsonObject &r) { carolDone = r; });
    QTRY_COMPARE_WITH_TIMEOUT(aliceDelivered.count(), 2, Wait);
    QCOMPARE(bobDone.value(s("result")).toInt(), 0);
    QCOMPARE(carolDone.value(s("result")).toInt(), 0);
    QSet<QString> names;
    for (const auto &args : std::as_const(aliceDelivered)) {
        QCOMPARE(args.at(0).toLongLong(), index);
        names.insert(args.at(2).toString());
    }
    QCOMPARE(names, (QSet<QString>{ s("Bob"), s("Carol") }));
    QTRY_COMPARE_WITH_TIMEOUT(modDelivered.count(), 2, Wait);
    const auto delivered
        = std::count_if(aliceEvents.cbegin(), aliceEvents.cend(), [](const auto &a) {
              return a.first().toJsonObject().value(s("messageType")).toString()
                  == s("file-delivered");
          });
    QCOMPARE(delivered, 2);

    // Erin, receipts off: downloaded and counted, but no receipt.
    erin->recvFiles(index, { { s("saveDir"), m_tmp->filePath(s("erin")) } },
                    [&](const QJsonObject &r) { erinDone = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!erinDone.isEmpty(), Wait);
    QCOMPARE(erinDone.value(s("result")).toInt(), 0);

    // A round trip on Erin's connection: the server has handled anything she sent with her
    // download (a receipt would be recorded by now), so what follows is final.
    QJsonObject erinSync;
    erin->listMyFiles([&](const QJsonObject &r) { erinSync = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!erinSync.isEmpty(), Wait);
    QCOMPARE(erinSync.value(s("result")).toInt(), 0);

    // The sender's own listing agrees.
    QJsonObject mine;
    alice->listMyFiles([&](const QJsonObject &r) { mine = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!mine.isEmpty(), Wait);
    const QJsonObject entry
        = mine.value(s("response")).toObject().value(s("files")).toArray().first().toObject();
    QCOMPARE(entry.value(s("downloads")).toInteger(), 3);
    QStringList deliveredTo;
    for (const auto &d : entry.value(s("deliveredTo")).toArray())
        deliveredTo.append(d.toObject().value(s("name")).toString());
    deliveredTo.sort();
    QCOMPARE(deliveredTo, (QStringList{ s("Bob"), s("Carol") }));
    QCOMPARE(aliceDelivered.count(), 2);
    QCOMPARE(daveDelivered.count(), 0);

    // In the server's database: exactly Bob's and Carol's receipts, none for Erin.
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(s("QSQLITE"), s("receipts"));
        db.setDatabaseName(QDir(m_tmp->filePath(s("server"))).filePath(s("roomshare.db")));
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(s("SELECT name FROM deliveries ORDER BY name")));
        QStringList rows;
        while (q.next())
            rows.append(q.value(0).toString());
        QCOMPARE(rows, (QStringList{ s("Bob"), s("Carol") }));
        db.close();
    }
    QSqlDatabase::removeDatabase(s("receipts"));
}

#include "tst_roomsecurity.moc"
