#include "invite.h"

#include "jsonnumbers.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QStringList>
#include <QUrlQuery>
#include <QUuid>

#include <algorithm>

namespace Roomshare {

namespace {

constexpr auto b64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr int MaxTokenLength = 4096;

QByteArray hmac(const QByteArray &data, const QByteArray &secret)
{
    return QMessageAuthenticationCode::hash(data, secret, QCryptographicHash::Sha256);
}

// Constant-time comparison so a forged signature cannot be found byte by byte.
bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (int i = 0; i < a.size(); ++i)
        diff |= uchar(a[i]) ^ uchar(b[i]);
    return diff == 0;
}

std::optional<QJsonObject> decodePart(const QByteArray &part)
{
    auto decoded = QByteArray::fromBase64Encoding(
        part, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(*decoded, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool fail(QString *why, const QString &text)
{
    if (why)
        *why = text;
    return false;
}

std::optional<JoinClaims> claimsFrom(const QJsonObject &p)
{
    const auto room = p.value(QLatin1String("room"));
    const auto name = p.value(QLatin1String("name"));
    const auto role = p.value(QLatin1String("role"));
    const auto exp = p.value(QLatin1String("exp"));
    if (!room.isString() || room.toString().isEmpty() || (!name.isUndefined() && !name.isString())
        || !role.isString() || !exp.isDouble())
        return std::nullopt;
    JoinClaims c;
    c.room = room.toString();
    c.name = name.toString();
    c.role = role.toString();
    if (c.role != QLatin1String("participant") && c.role != QLatin1String("moderator"))
        return std::nullopt;
    // Casting a double beyond qint64 is undefined behaviour (fuzz_invite found an "iat" of
    // 1.8e20); JsonNumbers clamps to the range doubles hold exactly.
    c.expiresAt = JsonNumbers::toInteger(exp);
    c.issuedAt = JsonNumbers::toInteger(p.value(QLatin1String("iat")));
    c.notBefore = JsonNumbers::toInteger(p.value(QLatin1String("nbf")));
    c.tokenId = p.value(QLatin1String("jti")).toString();
    return c;
}

} // namespace

QString Token::sign(JoinClaims claims, const QByteArray &secret)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (claims.issuedAt == 0)
        claims.issuedAt = now;
    if (claims.notBefore == 0)
        claims.notBefore = claims.issuedAt;
    if (claims.tokenId.isEmpty())
        claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject header{ { QStringLiteral("alg"), QStringLiteral("HS256") },
                              { QStringLiteral("typ"), QStringLiteral("JWT") } };
    QJsonObject payload{ { QStringLiteral("room"), claims.room },
                         { QStringLiteral("role"), claims.role },
                         { QStringLiteral("iat"), double(claims.issuedAt) },
                         { QStringLiteral("nbf"), double(claims.notBefore) },
                         { QStringLiteral("exp"), double(claims.expiresAt) },
                         { QStringLiteral("jti"), claims.tokenId } };
    if (!claims.name.isEmpty())
        payload.insert(QStringLiteral("name"), claims.name);
    const QByteArray signingInput
        = QJsonDocument(header).toJson(QJsonDocument::Compact).toBase64(b64) + '.'
        + QJsonDocument(payload).toJson(QJsonDocument::Compact).toBase64(b64);
    return QString::fromLatin1(signingInput + '.' + hmac(signingInput, secret).toBase64(b64));
}

std::optional<JoinClaims> Token::verify(const QString &token, const QByteArray &secret, qint64 now,
                                        QString *why)
{
    if (token.isEmpty())
        return fail(why, QStringLiteral("no token")), std::nullopt;
    if (token.size() > MaxTokenLength)
        return fail(why, QStringLiteral("token too long")), std::nullopt;
    const QByteArray raw = token.toLatin1();
    const auto parts = raw.split('.');
    if (parts.size() != 3)
        return fail(why, QStringLiteral("malformed token")), std::nullopt;
    const auto header = decodePart(parts[0]);
    if (!header)
        return fail(why, QStringLiteral("malformed token header")), std::nullopt;
    // RFC 8725: the algorithm is pinned; "none" and every other value are refused.
    if (header->value(QLatin1String("alg")).toString() != QLatin1String("HS256"))
        return fail(why, QStringLiteral("token algorithm not accepted")), std::nullopt;
    const auto typ = header->value(QLatin1String("typ"));
    if (!typ.isUndefined() && typ.toString() != QLatin1String("JWT"))
        return fail(why, QStringLiteral("token type not accepted")), std::nullopt;
    const QByteArray expected = hmac(parts[0] + '.' + parts[1], secret);
    auto signature = QByteArray::fromBase64Encoding(
        parts[2], QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!signature || !equalConstantTime(*signature, expected))
        return fail(why, QStringLiteral("token signature is not valid")), std::nullopt;
    const auto payload = decodePart(parts[1]);
    if (!payload)
        return fail(why, QStringLiteral("malformed token payload")), std::nullopt;
    auto claims = claimsFrom(*payload);
    if (!claims)
        return fail(why, QStringLiteral("token claims are missing or wrong")), std::nullopt;
    if (now >= claims->expiresAt)
        return fail(why, QStringLiteral("token expired")), std::nullopt;
    if (now < claims->notBefore)
        return fail(why, QStringLiteral("token not yet valid")), std::nullopt;
    return claims;
}

std::optional<JoinClaims> Token::peek(const QString &token)
{
    const auto parts = token.toLatin1().split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const auto payload = decodePart(parts[1]);
    if (!payload)
        return std::nullopt;
    return claimsFrom(*payload);
}

namespace {

QString bracketed(const QString &host)
{
    return host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
}

QUrl webSocketUrl(bool secure, const ServerEndpoint &endpoint)
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(endpoint.host);
    url.setPort(endpoint.port);
    url.setPath(QStringLiteral("/"));
    return url;
}

// One `alt` item: HOST, HOST:PORT, [V6] or [V6]:PORT. QUrl does the host checks (and
// normalises IPv6 forms), so an item is valid exactly when it would be as a link's host.
std::optional<ServerEndpoint> parseAlternate(const QString &item, quint16 defaultPort)
{
    const QString text = item.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    QUrl url;
    url.setScheme(QStringLiteral("roomshare"));
    url.setAuthority(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty())
        return std::nullopt;
    ServerEndpoint endpoint;
    endpoint.host = url.host();
    endpoint.port = url.port() > 0 ? quint16(url.port()) : defaultPort;
    return endpoint;
}

constexpr int MaxAlternates = 16;

// Control characters and Unicode noncharacters never name a room (tokens are JSON and
// may hold them; a link is text people copy), and URLs do not carry noncharacters
// faithfully (QUrl turns U+FFFF into U+FFFD), so a link with one would not survive being
// printed and read again.
bool isPrintable(const QString &text)
{
    const auto codePoints = text.toUcs4();
    return std::none_of(codePoints.cbegin(), codePoints.cend(), [](char32_t c) {
        return QChar::isNonCharacter(c) || QChar::category(c) == QChar::Other_Control;
    });
}

} // namespace

QString ServerEndpoint::toString() const
{
    return bracketed(host) + QLatin1Char(':') + QString::number(port);
}

QUrl InviteLink::serverUrl() const
{
    return webSocketUrl(secure, { host, port });
}

QList<QUrl> InviteLink::serverUrls() const
{
    QList<ServerEndpoint> all{ { host, port } };
    for (const ServerEndpoint &e : alternates)
        if (!all.contains(e))
            all.append(e);
    QList<QUrl> urls;
    for (const ServerEndpoint &e : std::as_const(all))
        urls.append(webSocketUrl(secure, e));
    return urls;
}

QString InviteLink::toString() const
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("roomshares") : QStringLiteral("roomshare"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QLatin1Char('/') + room);
    QUrlQuery q;
    if (!token.isEmpty())
        q.addQueryItem(QStringLiteral("token"), token);
    if (!certFingerprint.isEmpty())
        q.addQueryItem(QStringLiteral("fp"), certFingerprint);
    QStringList alt;
    for (const ServerEndpoint &e : alternates) {
        if (e == ServerEndpoint{ host, port })
            continue;
        // The port is left out where it is the link's own.
        alt.append(e.port == port ? bracketed(e.host) : e.toString());
    }
    if (!alt.isEmpty())
        q.addQueryItem(QStringLiteral("alt"), alt.join(QLatin1Char(',')));
    url.setQuery(q);
    return url.toString(QUrl::FullyEncoded);
}

QString InviteLink::toWebString() const
{
    QUrl url;
    url.setScheme(secure ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(QStringLiteral("/"));
    QString fragment = QString::fromLatin1(QUrl::toPercentEncoding(room));
    if (!token.isEmpty())
        fragment += QStringLiteral("?token=") + token;
    url.setFragment(fragment, QUrl::TolerantMode);
    return url.toString(QUrl::FullyEncoded);
}

std::optional<InviteLink> InviteLink::parse(const QString &text, QString *error)
{
    QUrl url(text.trimmed(), QUrl::StrictMode);
    if (url.isValid()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))) {
        // A web link: the same claims, carried in the fragment. Rewritten into the
        // roomshare[s]:// form so both go through one set of checks below. Any other web
        // address (a path, a query, no fragment) is not an invite.
        const QString fragment = url.fragment(QUrl::FullyEncoded);
        if ((!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery()
            || fragment.isEmpty()) {
            if (error)
                *error = QStringLiteral("not a Roomshare web link (it must look like "
                                        "https://HOST:PORT/#ROOM?token=...)");
            return std::nullopt;
        }
        const qsizetype q = fragment.indexOf(QLatin1Char('?'));
        QUrl native;
        native.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("roomshares")
                                                                : QStringLiteral("roomshare"));
        native.setHost(url.host());
        native.setPort(url.port(url.scheme() == QLatin1String("https") ? 443 : 80));
        native.setPath(QLatin1Char('/') + fragment.left(q < 0 ? fragment.size() : q),
                       QUrl::StrictMode);
        if (q >= 0)
            native.setQuery(fragment.mid(q + 1), QUrl::StrictMode);
        url = native;
    }
    auto bad = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!url.isValid())
        return bad(QStringLiteral("not a link"));
    InviteLink link;
    if (url.scheme() == QLatin1String("roomshare"))
        link.secure = false;
    else if (url.scheme() == QLatin1String("roomshares"))
        link.secure = true;
    else
        return bad(QStringLiteral(
            "not a Roomshare invite link (it must start with roomshare://, roomshares:// or, "
            "for a web link, https:// or http://)"));
    link.host = url.host();
    if (link.host.isEmpty())
        return bad(QStringLiteral("the link names no server"));
    if (url.port() <= 0)
        return bad(QStringLiteral("the link names no port"));
    link.port = quint16(url.port());
    link.room = url.path(QUrl::FullyDecoded).mid(1);
    if (!isPrintable(link.room))
        return bad(QStringLiteral("the link's room name holds characters a room name cannot"));
    const QUrlQuery q(url);
    link.token = q.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded);
    if (link.room.isEmpty() && !link.token.isEmpty())
        return bad(QStringLiteral("the link names no room"));
    // Accept the colon-separated form tools print (AB:CD:...), store plain lower-case hex.
    link.certFingerprint
        = q.queryItemValue(QStringLiteral("fp")).remove(QLatin1Char(':')).toLower();
    if (!link.certFingerprint.isEmpty()) {
        if (!link.secure)
            return bad(QStringLiteral("a certificate fingerprint needs a roomshares:// link"));
        const bool hex = link.certFingerprint.size() == 64
            && std::all_of(link.certFingerprint.cbegin(), link.certFingerprint.cend(), [](QChar c) {
                             return (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
                                 || (c >= QLatin1Char('a') && c <= QLatin1Char('f'));
                         });
        if (!hex)
            return bad(QStringLiteral("the link's certificate fingerprint is not a SHA-256"));
    }
    const QString alt = q.queryItemValue(QStringLiteral("alt"), QUrl::FullyDecoded);
    if (!alt.isEmpty()) {
        const QStringList items = alt.split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (items.size() > MaxAlternates)
            return bad(
                QStringLiteral("the link names more than %1 other addresses").arg(MaxAlternates));
        for (const QString &item : items) {
            const auto endpoint = parseAlternate(item, link.port);
            if (!endpoint)
                return bad(QStringLiteral("the link's other address \"%1\" is not HOST[:PORT]")
                               .arg(item.left(80)));
            if (!link.alternates.contains(*endpoint))
                link.alternates.append(*endpoint);
        }
    }
    if (link.token.isEmpty())
        return link;
    // A compact JWS is base64url parts joined by dots; anything else cannot be one, and
    // some characters (noncharacters) would not even survive printing the link again.
    const bool jwsAlphabet = std::all_of(link.token.cbegin(), link.token.cend(), [](QChar c) {
        return (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-')
            || c == QLatin1Char('_') || c == QLatin1Char('.');
    });
    if (!jwsAlphabet)
        return bad(QStringLiteral("the link's join token is malformed"));
    const auto claims = Token::peek(link.token);
    if (!claims)
        return bad(QStringLiteral("the link's join token is malformed"));
    if (claims->room != link.room)
        return bad(QStringLiteral("the link's token is for another room"));
    return link;
}

InviteLink InviteLink::forServer(const QUrl &wsUrl, const QString &room, const QString &token)
{
    const bool secure = wsUrl.scheme() == QLatin1String("wss");
    return forEndpoints({ { wsUrl.host(), quint16(wsUrl.port(secure ? 443 : 80)) } }, secure, room,
                        token);
}

InviteLink InviteLink::forEndpoints(const QList<ServerEndpoint> &endpoints, bool secure,
                                    const QString &room, const QString &token)
{
    InviteLink link;
    link.secure = secure;
    if (!endpoints.isEmpty()) {
        link.host = endpoints.first().host;
        link.port = endpoints.first().port;
        link.alternates = endpoints.mid(1);
    }
    link.room = room;
    link.token = token;
    return link;
}

} // namespace Roomshare
