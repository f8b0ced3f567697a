#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Roomshare::Server {

//! Everything a RoomServer needs to run. The defaults match `roomshare-server`'s.
struct ServerOptions
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    //! Where clients reach this server when that is not where it listens (a name, a reverse
    //! proxy, NAT): `ws://HOST:PORT` or `wss://HOST:PORT`; links name the first and carry
    //! the others as alternates. Empty: the links carry the addresses found on this
    //! machine (RoomServer::endpoints()).
    QList<QUrl> publicUrls;
    //! A host name that resolves to this machine, added to the links as the last alternate.
    QString advertisedHostName;
    quint16 port = 0; //!< 0 picks an ephemeral port; RoomServer::port() tells which
    //! Folder for received files and metadata: RoomServer keeps `partial/`, `files/` and
    //! the database `roomshare.db` below it.
    QString dataDir;
    //! Where the metadata lives instead of `roomshare.db`: a PostgreSQL URL,
    //! `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB` (Database::open()). Empty: SQLite.
    QString databaseUrl;
    //! Where file data lives instead of `partial/` and `files/`: `s3://BUCKET` for an
    //! S3-compatible object store (docs/scale-out.md, Part 2). Empty: the local disk.
    QString storage;
    //! With an s3:// storage: `http://HOST:PORT` or `https://...` (empty: AWS's), the
    //! region (empty: us-east-1) and an AWS shared-credentials file (empty: the
    //! AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY environment variables).
    QString s3Endpoint;
    QString s3Region;
    QString s3CredentialsFile;
    //! HMAC key that join tokens are verified with. Must not be empty.
    QByteArray secret;
    qint64 maxFileSize = qint64(16) * 1024 * 1024 * 1024; //!< bytes; 0 means unlimited
    qint64 fileTtlSeconds = 86400; //!< how long a completed file stays available
    //! How long an abandoned partial upload (no data received) is kept for resuming.
    qint64 partialTtlSeconds = 86400;
    int pingIntervalMs = 5000; //!< WebSocket ping period
    int idleTimeoutMs = 15000; //!< a connection silent this long (not even a pong) is closed
    //! How long a participant whose connection dropped stays present (so a quick reconnect
    //! announces nothing) before `participant-left` goes out; negative: idleTimeoutMs.
    int sessionGraceMs = -1;
    //! Uploads in progress per session (else 1196), whether their connection is there or
    //! not: reconnecting does not reset it, and it bounds the files upload-resume opens.
    //! (Named before sessions existed.)
    int maxUploadsPerConnection = 32;
    int maxDownloadsPerConnection = 32; //!< concurrent downloads per connection (else 1196)

    // Security limits (docs/security.md).
    //! With both set the server speaks `wss://` only (TLS); with both null, plain `ws://`.
    QSslCertificate tlsCertificate;
    QSslKey tlsKey;
    //! The opening handshake (TCP accept to WebSocket upgrade, TLS included) must finish
    //! within this; otherwise the TCP connection is dropped.
    int handshakeTimeoutMs = 10000;
    //! A connection must send a valid `join` within this after the upgrade (else 1008).
    int joinTimeoutMs = 10000;
    //! Open connections per remote IP address, joined or not; more are closed with 4029.
    int maxConnectionsPerAddress = 32;
    //! Token buckets per connection: sustained messages per second and burst size, for
    //! control (text) and data (binary) messages. Exceeding one sends 1196 and closes (1008).
    //! A legitimate client sending many small files spends one control message (upload-begin
    //! with the file's sha256; two with a separate upload-end) and one data message per file,
    //! at a few thousand files a second on loopback.
    int controlMessagesPerSecond = 5000;
    int controlMessageBurst = 10000;
    int dataMessagesPerSecond = 20000;
    int dataMessageBurst = 20000;
    //! Browser origins allowed to connect (exact `scheme://host[:port]`, or "*" for any).
    //! Connections without an Origin header (native clients) are always accepted.
    QStringList allowedOrigins;

    // The lobby and moderator-minted invites (docs/protocol.md "Lobby", docs/security.md).
    //! Whether people without a token may knock; a moderator can still switch it per room.
    bool lobbyEnabled = true;
    //! How long a knock waits for a moderator's answer before it is refused.
    int knockTimeoutMs = 120000;
    //! Knocks per remote address: a token bucket of this many per minute, this burst.
    int knocksPerMinutePerAddress = 5;
    int knockBurstPerAddress = 5;
    //! Knocks waiting for an answer at once, per remote address and per room.
    int maxPendingKnocksPerAddress = 3;
    int maxPendingKnocksPerRoom = 50;
    //! Lifetime of the participant token an admitted knocker receives.
    qint64 knockTokenTtlSeconds = 86400;
    //! Longest lifetime a moderator may give an invite it mints (`invite-create`).
    qint64 maxInviteTtlSeconds = 7 * 86400;
    // Caps across connections (docs/security.md, "Limits").
    //! Uploads in progress in one room, all its sessions together (else 1196).
    int maxUploadsPerRoom = 1024;
    //! Sessions one join token (its jti) may create while the server runs (else 1196 and
    //! close 1008 at `join`); each is a participant persisted with an fsync. A resume does
    //! not count.
    int maxSessionsPerToken = 1000;
    //! Present participants of one room (else 1196 and close 1008 at `join`): with names
    //! bounded, this keeps the participant list of `joined` well inside one message.
    int maxParticipantsPerRoom = 500;
};

} // namespace Roomshare::Server
