// Join tokens and invite links.

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "chunkheader.h"
#include "invite.h"

using namespace Roomshare;

namespace {
const QByteArray Secret("s3cret-for-tests");

JoinClaims claims(qint64 ttl = 3600)
{
    JoinClaims c;
    c.room = QStringLiteral("standup");
    c.name = QStringLiteral("Alice");
    c.role = QStringLiteral("moderator");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + ttl;
    return c;
}

QString b64(const QByteArray &json)
{
    return QString::fromLatin1(
        json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

class TestInvite : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void rejects_data();
    void rejects();
    void linkRoundTrip();
    void linkAlternates();
    void webLink_data();
    void webLink();
    void knockLink();
    void linkRejects_data();
    void linkRejects();
    void chunkHeader();
    void hugeNumbersInClaims();
};

void TestInvite::roundTrip()
{
    const QString token = Token::sign(claims(), Secret);
    QString why;
    const auto c = Token::verify(token, Secret, QDateTime::currentSecsSinceEpoch(), &why);
    QVERIFY2(c, qPrintable(why));
    QCOMPARE(c->room, QStringLiteral("standup"));
    QCOMPARE(c->name, QStringLiteral("Alice"));
    QVERIFY(c->isModerator());
    QVERIFY(!c->tokenId.isEmpty());
    QVERIFY(c->issuedAt > 0);
    // Two tokens for the same claims differ by their unique id.
    QVERIFY(Token::sign(claims(), Secret) != Token::sign(claims(), Secret));
}

void TestInvite::rejects_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("reason");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString good = Token::sign(claims(), Secret);
    const auto parts = good.split(QLatin1Char('.'));
    QTest::addRow("empty") << QString() << "no token";
    QTest::addRow("garbage") << "not-a-token"
                             << "malformed";
    QTest::addRow("wrong secret") << Token::sign(claims(), "other") << "signature";
    QTest::addRow("expired") << Token::sign(claims(-1), Secret) << "expired";
    JoinClaims future = claims();
    future.notBefore = now + 600;
    QTest::addRow("not yet valid") << Token::sign(future, Secret) << "not yet valid";
    const QString noneHeader = b64(R"({"alg":"none","typ":"JWT"})");
    QTest::addRow("alg none") << noneHeader + QLatin1Char('.') + parts[1] + QLatin1Char('.')
                              << "algorithm";
    QTest::addRow("alg HS512") << b64(R"({"alg":"HS512","typ":"JWT"})") + QLatin1Char('.')
            + parts[1] + QLatin1Char('.')
            + parts[2] << "algorithm";
    // The payload changed (another room) but the signature is the old one.
    const QString otherRoom
        = b64(QJsonDocument(QJsonObject{ { QStringLiteral("room"), QStringLiteral("board") },
                                         { QStringLiteral("role"), QStringLiteral("moderator") },
                                         { QStringLiteral("exp"), double(now + 3600) } })
                  .toJson(QJsonDocument::Compact));
    QTest::addRow("tampered payload")
        << parts[0] + QLatin1Char('.') + otherRoom + QLatin1Char('.') + parts[2] << "signature";
    QTest::addRow("two parts") << parts[0] + QLatin1Char('.') + parts[1] << "malformed";
    QTest::addRow("huge") << QString(10000, QLatin1Char('a')) << "too long";
}

void TestInvite::rejects()
{
    QFETCH(QString, token);
    QFETCH(QString, reason);
    QString why;
    QVERIFY(!Token::verify(token, Secret, QDateTime::currentSecsSinceEpoch(), &why));
    QVERIFY2(why.contains(reason), qPrintable(why));
}

void TestInvite::linkRoundTrip()
{
    const QString token = Token::sign(claims(), Secret);
    InviteLink link = InviteLink::forServer(QUrl(QStringLiteral("ws://127.0.0.1:4567/")),
                                            QStringLiteral("standup"), token);
    const QString text = link.toString();
    QVERIFY(text.startsWith(QStringLiteral("roomshare://127.0.0.1:4567/standup?token=")));
    const auto parsed = InviteLink::parse(QStringLiteral("  ") + text + QStringLiteral("\n"));
    QVERIFY(parsed);
    QCOMPARE(parsed->room, QStringLiteral("standup"));
    QCOMPARE(parsed->token, token);
    QCOMPARE(parsed->serverUrl(), QUrl(QStringLiteral("ws://127.0.0.1:4567/")));
    QVERIFY(!parsed->secure);

    JoinClaims spaced = claims();
    spaced.room = QStringLiteral("Café board");
    const auto withSpaces
        = InviteLink::parse(InviteLink::forServer(QUrl(QStringLiteral("wss://[::1]:443/")),
                                                  spaced.room, Token::sign(spaced, Secret))
                                .toString());
    QVERIFY(withSpaces);
    QCOMPARE(withSpaces->room, QStringLiteral("Café board"));
    QVERIFY(withSpaces->secure);
    QCOMPARE(withSpaces->serverUrl().scheme(), QStringLiteral("wss"));
}

void TestInvite::webLink_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("room");
    QTest::addColumn<QString>("prefix");
    QTest::addRow("plain") << QStringLiteral("ws://127.0.0.1:4567/") << QStringLiteral("standup")
                           << QStringLiteral("http://127.0.0.1:4567/#standup?token=");
    QTest::addRow("tls, IPv6, awkward room")
        << QStringLiteral("wss://[::1]:7450/") << QStringLiteral("Café board?#&=/")
        << QStringLiteral("https://[::1]:7450/#Caf%C3%A9%20board%3F%23%26%3D%2F?token=");
}

void TestInvite::webLink()
{
    QFETCH(QString, server);
    QFETCH(QString, room);
    QFETCH(QString, prefix);
    JoinClaims c = claims();
    c.room = room;
    const QString token = Token::sign(c, Secret);
    const InviteLink link = InviteLink::forServer(QUrl(server), room, token);
    const QString web = link.toWebString();
    QCOMPARE(web, prefix + token);
    // The same claims as the roomshare:// link, whichever of the two is parsed.
    const auto parsed = InviteLink::parse(web);
    QVERIFY(parsed);
    QCOMPARE(parsed->room, room);
    QCOMPARE(parsed->token, token);
    QCOMPARE(parsed->host, link.host);
    QCOMPARE(parsed->port, link.port);
    QCOMPARE(parsed->secure, link.secure);
    QCOMPARE(parsed->serverUrl(), QUrl(server));
    QCOMPARE(parsed->toWebString(), web);
    // A web link whose token names another room is refused like a native one.
    JoinClaims other = claims();
    other.room = QStringLiteral("elsewhere");
    QString why;
    QVERIFY(!InviteLink::parse(
        InviteLink::forServer(QUrl(server), room, Token::sign(other, Secret)).toWebString(), &why));
    QVERIFY(why.contains(QStringLiteral("another room")));
}

void TestInvite::linkAlternates()
{
    const QString token = Token::sign(claims(), Secret);
    InviteLink link = InviteLink::forEndpoints({ { QStringLiteral("10.1.0.2"), 7450 },
                                                 { QStringLiteral("fd00::2"), 7450 },
                                                 { QStringLiteral("host.example"), 7451 },
                                                 { QStringLiteral("10.1.0.2"), 7450 } },
                                               true, QStringLiteral("standup"), token);
    link.certFingerprint = QString(64, QLatin1Char('a'));
    const QString text = link.toString();
    // The port is left out where it is the link's own; the primary is not repeated.
    QVERIFY2(text.contains(QStringLiteral("alt=%5Bfd00::2%5D,host.example:7451"))
                 || text.contains(QStringLiteral("alt=[fd00::2],host.example:7451")),
             qPrintable(text));
    const auto parsed = InviteLink::parse(text);
    QVERIFY(parsed);
    QCOMPARE(parsed->host, QStringLiteral("10.1.0.2"));
    QCOMPARE(parsed->alternates.size(), 2);
    const QList<QUrl> urls = parsed->serverUrls();
    QCOMPARE(urls.size(), 3);
    QCOMPARE(urls.at(0), QUrl(QStringLiteral("wss://10.1.0.2:7450/")));
    QCOMPARE(urls.at(1), QUrl(QStringLiteral("wss://[fd00::2]:7450/")));
    QCOMPARE(urls.at(2), QUrl(QStringLiteral("wss://host.example:7451/")));
    QCOMPARE(InviteLink::parse(parsed->toString())->toString(), parsed->toString());
}

void TestInvite::knockLink()
{
    // No token: a link that knocks. The room may be absent too (join by address).
    auto link = InviteLink::parse(QStringLiteral("roomshare://10.0.0.5:7450/standup"));
    QVERIFY(link);
    QVERIFY(link->isKnockLink());
    QCOMPARE(link->room, QStringLiteral("standup"));
    link = InviteLink::parse(QStringLiteral("roomshares://10.0.0.5:7450/"));
    QVERIFY(link);
    QVERIFY(link->isKnockLink());
    QVERIFY(link->room.isEmpty());
    QVERIFY(!InviteLink::parse(QStringLiteral("roomshare://10.0.0.5:7450/standup?token="))
                 ->token.size());
    QCOMPARE(InviteLink::parse(QStringLiteral("roomshare://10.0.0.5:7450/standup"))->toString(),
             QStringLiteral("roomshare://10.0.0.5:7450/standup"));
}

void TestInvite::linkRejects_data()
{
    QTest::addColumn<QString>("link");
    const QString token = Token::sign(claims(), Secret);
    QTest::addRow("http") << QStringLiteral("http://127.0.0.1:1/standup?token=") + token;
    QTest::addRow("web link without fragment") << QStringLiteral("https://127.0.0.1:1/");
    QTest::addRow("web link with a path")
        << QStringLiteral("https://127.0.0.1:1/x#standup?token=") + token;
    QTest::addRow("web link for another room")
        << QStringLiteral("https://127.0.0.1:1/#board?token=") + token;
    QTest::addRow("ftp") << QStringLiteral("ftp://127.0.0.1:1/#standup?token=") + token;
    QTest::addRow("no port") << QStringLiteral("roomshare://127.0.0.1/standup?token=") + token;
    QTest::addRow("no room") << QStringLiteral("roomshare://127.0.0.1:1/?token=") + token;
    QTest::addRow("noncharacter in room")
        << QStringLiteral("roomshare://127.0.0.1:1/stand") + QChar(0xffff) + QStringLiteral("up");
    QTest::addRow("token outside the JWS alphabet")
        << QStringLiteral("roomshare://127.0.0.1:1/standup?token=") + token + QChar(0xffff);
    QTest::addRow("control character in room")
        << QStringLiteral("roomshare://127.0.0.1:1/stand%07up");
    QTest::addRow("bad alt") << QStringLiteral("roomshare://127.0.0.1:1/standup?alt=a:b:c&token=")
            + token;
    QTest::addRow("alt with user")
        << QStringLiteral("roomshare://127.0.0.1:1/standup?alt=u@h&token=") + token;
    QTest::addRow("too many alts") << QStringLiteral("roomshare://127.0.0.1:1/standup?token=")
            + token + QStringLiteral("&alt=")
            + QStringList(17, QStringLiteral("10.0.0.1")).join(QLatin1Char(','));
    QTest::addRow("other room") << QStringLiteral("roomshare://127.0.0.1:1/board?token=") + token;
    QTest::addRow("junk token") << QStringLiteral("roomshare://127.0.0.1:1/standup?token=abc");
    QTest::addRow("empty") << QString();
}

void TestInvite::linkRejects()
{
    QFETCH(QString, link);
    QString why;
    QVERIFY(!InviteLink::parse(link, &why));
    QVERIFY(!why.isEmpty());
}

void TestInvite::chunkHeader()
{
    const QByteArray payload("hello chunk");
    const QByteArray msg = ChunkHeader::encode(ChunkHeader::Kind::Download, 0xA1B2C3D4,
                                               0x0102030405060708ull, payload);
    QCOMPARE(msg.size(), ChunkHeader::Size + payload.size());
    const auto h = ChunkHeader::decode(msg);
    QVERIFY(h);
    QCOMPARE(h->kind, ChunkHeader::Kind::Download);
    QCOMPARE(h->transferId, 0xA1B2C3D4u);
    QCOMPARE(h->offset, 0x0102030405060708ull);
    QVERIFY(h->verify(QByteArrayView(msg).sliced(ChunkHeader::Size)));
    QByteArray flipped = msg;
    flipped[ChunkHeader::Size + 3] = char(flipped[ChunkHeader::Size + 3] ^ 0x01);
    QVERIFY(
        !ChunkHeader::decode(flipped)->verify(QByteArrayView(flipped).sliced(ChunkHeader::Size)));
    QVERIFY(!ChunkHeader::decode(QByteArray(10, 'x')));
    QByteArray badKind = msg;
    badKind[0] = 0x7F;
    QVERIFY(!ChunkHeader::decode(badKind));
    // CRC-32C by default (the standard check value), CRC-32 accepted, no checksum refused.
    QCOMPARE(crc32cOf(QByteArrayView("123456789")), 0xE3069283u);
    QCOMPARE(crc32Of(QByteArrayView("123456789")), 0xCBF43926u);
    QCOMPARE(h->flags, quint8(ChunkHeader::HasCrc32c));
    const QByteArray zlibCrc = ChunkHeader::encode(ChunkHeader::Kind::Upload, 1, 0, payload,
                                                   ChunkHeader::Checksum::Crc32);
    QVERIFY(
        ChunkHeader::decode(zlibCrc)->verify(QByteArrayView(zlibCrc).sliced(ChunkHeader::Size)));
    const QByteArray unchecked = ChunkHeader::encode(ChunkHeader::Kind::Upload, 1, 0, payload,
                                                     ChunkHeader::Checksum::None);
    QVERIFY(!ChunkHeader::decode(unchecked)->verify(
        QByteArrayView(unchecked).sliced(ChunkHeader::Size)));
    // Hardware and table paths agree on every length and alignment around the 8-byte steps.
    QByteArray data(1000, Qt::Uninitialized);
    for (int i = 0; i < data.size(); ++i)
        data[i] = char(i * 37 + 11);
    quint32 reference = 0xFFFFFFFF;
    for (int len = 0; len <= 40; ++len) {
        for (int start = 0; start < 9; ++start) {
            const QByteArrayView v = QByteArrayView(data).sliced(start, len);
            quint32 crc = 0xFFFFFFFF;
            for (char ch : v) {
                crc ^= uchar(ch);
                for (int bit = 0; bit < 8; ++bit)
                    crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
            reference = ~crc;
            QCOMPARE(crc32cOf(v), reference);
        }
    }
    // The three-chain path (blocks of 3 x 256 and 3 x 8192 bytes, joined by shifting)
    // agrees too, at every length around its block boundaries.
    QByteArray big(3 * 8192 * 2 + 3 * 256 * 2 + 64, Qt::Uninitialized);
    for (int i = 0; i < big.size(); ++i)
        big[i] = char((i * 2654435761u) >> 13);
    auto bitwise = [](QByteArrayView v) {
        quint32 crc = 0xFFFFFFFF;
        for (char ch : v) {
            crc ^= uchar(ch);
            for (int bit = 0; bit < 8; ++bit)
                crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    };
    for (const int base : { 3 * 256, 3 * 8192, 3 * 8192 + 3 * 256, 2 * 3 * 8192 }) {
        for (int delta = -9; delta <= 9; ++delta) {
            const QByteArrayView v = QByteArrayView(big).sliced(1, base + delta);
            QCOMPARE(crc32cOf(v), bitwise(v));
        }
    }
    // Combining the CRCs of two parts gives the CRC of the whole, at every split point
    // (and for parts of a whole chunk, the lengths the server composes).
    for (int split = 0; split <= big.size(); split += 97) {
        const QByteArrayView a = QByteArrayView(big).first(split);
        const QByteArrayView b = QByteArrayView(big).sliced(split);
        QCOMPARE(crc32cCombine(crc32cOf(a), crc32cOf(b), b.size()), crc32cOf(big));
    }
    QCOMPARE(crc32cCombine(0xE3069283u, 0, 0), 0xE3069283u);
    const QByteArray chunk(256 * 1024, 'q');
    const quint32 chunkCrc = crc32cOf(chunk);
    QCOMPARE(crc32cCombine(crc32cCombine(chunkCrc, chunkCrc, chunk.size()), chunkCrc, chunk.size()),
             crc32cOf(chunk.repeated(3)));
    QVERIFY(crc32cCombine(chunkCrc, chunkCrc, chunk.size())
            != crc32cOf(QByteArray(chunk).append(chunk.first(100))));
    // Big-endian on the wire.
    QCOMPARE(quint8(msg[4]), quint8(0xA1));
    QCOMPARE(quint8(msg[8]), quint8(0x01));
}

void TestInvite::hugeNumbersInClaims()
{
    // fuzz_invite found an "iat" of 1.8e20, which was cast to qint64: undefined behaviour
    // (the ASan+UBSan run of this suite would report it). Numbers beyond what a double holds
    // exactly are clamped instead, and such a token is still refused by verify().
    const QString payload = b64(R"({"room":"standup","role":"participant","iat":1.76e20,)"
                                R"("nbf":1e300,"exp":-1e30,"jti":"a"})");
    const QString token = b64(R"({"alg":"HS256","typ":"JWT"})") + QLatin1Char('.') + payload
        + QStringLiteral(".c2ln");
    const auto peeked = Token::peek(token);
    QVERIFY(peeked);
    QCOMPARE(peeked->issuedAt, qint64(9007199254740992));
    QCOMPARE(peeked->notBefore, qint64(9007199254740992));
    QCOMPARE(peeked->expiresAt, qint64(-9007199254740992));
    QString why;
    QVERIFY(!Token::verify(token, Secret, QDateTime::currentSecsSinceEpoch(), &why));
}

QTEST_GUILESS_MAIN(TestInvite)
#include "tst_invite.moc"
