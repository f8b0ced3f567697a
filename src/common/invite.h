#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace Roomshare {

//! What a join token grants: one room, under one name and role, for a time window.
struct JoinClaims
{
    QString room;
    QString name; //!< may be empty: the participant then chooses a display name when joining
    QString role = QStringLiteral("participant"); //!< "participant" or "moderator"
    qint64 issuedAt = 0; //!< iat, seconds since the epoch
    qint64 notBefore = 0; //!< nbf
    qint64 expiresAt = 0; //!< exp
    QString tokenId; //!< jti, unique per token

    bool isModerator() const { return role == QLatin1String("moderator"); }
};

//! Join tokens are compact JWS (RFC 7515) with the algorithm pinned to HS256.
namespace Token {
//! Signs \a claims with \a secret. Fills iat/nbf/jti when they are zero or empty.
QString sign(JoinClaims claims, const QByteArray &secret);
//! Verifies signature, algorithm, type and time window at \a now (seconds since the epoch).
//! On failure returns std::nullopt and sets \a why to a human reason.
std::optional<JoinClaims> verify(const QString &token, const QByteArray &secret, qint64 now,
                                 QString *why = nullptr);
//! Decodes the payload without checking the signature (clients use it to show the room
//! and their name before joining). Never use the result for access decisions.
std::optional<JoinClaims> peek(const QString &token);
} // namespace Token

//! One address a server may be reached at: a host name or IP address and a port.
struct ServerEndpoint
{
    QString host;
    quint16 port = 0;

    bool operator==(const ServerEndpoint &other) const
    {
        return host.compare(other.host, Qt::CaseInsensitive) == 0 && port == other.port;
    }
    //! `HOST:PORT`, IPv6 addresses in brackets.
    QString toString() const;
};

//! An invite link: `roomshare://HOST:PORT/ROOM?token=TOKEN` (or `roomshares://` for TLS,
//! optionally with `&fp=SHA256HEX` pinning the server certificate), and `&alt=` with the
//! other addresses the server may be reached at (comma-separated `HOST[:PORT]`, IPv6 in
//! brackets; the port defaults to the link's). Clients try every address and keep the
//! first whose handshake completes (docs/protocol.md, "Invite links").
//!
//! A link without a token (a *knock link*) names a server and optionally a room; the
//! client asks the room's moderators to let it in (docs/protocol.md, "Lobby").
struct InviteLink
{
    QString host;
    quint16 port = 0;
    bool secure = false;
    QString room; //!< may be empty only on a knock link
    QString token; //!< empty on a knock link
    QString certFingerprint; //!< lower-case hex SHA-256 of the server's DER certificate, or empty
    QList<ServerEndpoint> alternates; //!< further addresses of the same server, in order

    bool isKnockLink() const { return token.isEmpty(); }
    //! The WebSocket URL of the primary address.
    QUrl serverUrl() const;
    //! The WebSocket URLs of every address: the primary first, then the alternates, without
    //! duplicates.
    QList<QUrl> serverUrls() const;
    QString toString() const;
    //! The web invite link: `https://HOST:PORT/#ROOM?token=TOKEN` (`http://` without TLS),
    //! which opens the browser participant's page that the server serves at `/`. The room
    //! and token travel in the fragment, so they never reach a request line or a log.
    //! Browsers cannot pin a certificate and do not race addresses: no `fp`, no `alt`.
    QString toWebString() const;
    //! Parses \a text (whitespace around it is ignored). \a error gets the reason on failure.
    //! A link without a token is accepted (a knock link); callers that need a token check
    //! isKnockLink(). A web link (toWebString()) parses into the same host, port, room and
    //! token, with `secure` for https.
    static std::optional<InviteLink> parse(const QString &text, QString *error = nullptr);
    //! Builds a link for the server at \a wsUrl (ws:// or wss://).
    static InviteLink forServer(const QUrl &wsUrl, const QString &room, const QString &token);
    //! Builds a link naming every address of \a endpoints (the first is the primary; at
    //! least one), for a server speaking TLS when \a secure.
    static InviteLink forEndpoints(const QList<ServerEndpoint> &endpoints, bool secure,
                                   const QString &room, const QString &token);
};

} // namespace Roomshare
