#pragma once

#include <QByteArray>
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

//! An invite link: `roomshare://HOST:PORT/ROOM?token=TOKEN` (or `roomshares://` for TLS,
//! optionally with `&fp=SHA256HEX` pinning the server certificate).
struct InviteLink
{
    QString host;
    quint16 port = 0;
    bool secure = false;
    QString room;
    QString token;
    QString certFingerprint; //!< lower-case hex SHA-256 of the server's DER certificate, or empty

    //! The WebSocket URL to connect to.
    QUrl serverUrl() const;
    QString toString() const;
    //! Parses \a text (whitespace around it is ignored). \a error gets the reason on failure.
    static std::optional<InviteLink> parse(const QString &text, QString *error = nullptr);
    //! Builds a link for the server at \a wsUrl (ws:// or wss://).
    static InviteLink forServer(const QUrl &wsUrl, const QString &room, const QString &token);
};

} // namespace Roomshare
