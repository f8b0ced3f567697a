// The security side of RoomServer: TLS, handshake timeout, Origin allow-list, per-address
// connection cap and the ban list. Kept apart from roomserver.cpp on purpose.

#include "connection_p.h"
#include "listener_p.h"
#include "roomserver.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"
#include "tlsfiles.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslConfiguration>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>

namespace Roomshare::Server {

void RoomServerPrivate::configureSecurity(QWebSocketServer *server)
{
    if (options.handshakeTimeoutMs > 0)
        server->setHandshakeTimeout(options.handshakeTimeoutMs);
    // Runs during the opening handshake: a refused Origin never gets a WebSocket (HTTP 403).
    QObject::connect(server, &QWebSocketServer::originAuthenticationRequired, q,
                     [this](QWebSocketCorsAuthenticator *auth) {
                         // The Listener checked the Origin against the request's Host
                         // already; this only repeats its verdict.
                         const bool ok = isOriginAllowed(auth->origin())
                             || (listener && listener->isApprovedOrigin(auth->origin()));
                         if (!ok)
                             qCInfo(lcServer) << "refused Origin" << auth->origin().left(200);
                         auth->setAllowed(ok);
                     });
}

bool RoomServerPrivate::isOriginAllowed(const QString &origin) const
{
    if (origin.isEmpty())
        return true;
    for (const QString &allowed : options.allowedOrigins) {
        if (allowed == QLatin1String("*") || allowed.compare(origin, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool RoomServerPrivate::admitConnection(QWebSocket *socket)
{
    const int cap = options.maxConnectionsPerAddress;
    if (cap <= 0)
        return true;
    const QHostAddress address = socket->peerAddress();
    int count = 0;
    for (const Connection *c : std::as_const(connections)) {
        if (c->peerAddress().isEqual(address))
            ++count;
    }
    if (count < cap)
        return true;
    qCInfo(lcServer) << "refusing connection: already" << count << "from" << address.toString();
    socket->setParent(q);
    const QJsonObject error{ { QStringLiteral("type"), QStringLiteral("error") },
                             { QStringLiteral("code"), int(ErrorCode::LimitExceeded) },
                             { QStringLiteral("error"), errorTitle(ErrorCode::LimitExceeded) },
                             { QStringLiteral("desc"),
                               QStringLiteral("At most %1 connections per address").arg(cap) } };
    socket->sendTextMessage(QString::fromUtf8(QJsonDocument(error).toJson(QJsonDocument::Compact)));
    // 4029 (like HTTP 429); Qt treats the standard 1013 as an invalid close code.
    socket->close(QWebSocketProtocol::CloseCode(4029), QStringLiteral("too many connections"));
    QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
    return false;
}

void RoomServerPrivate::ban(const QString &room, const QString &banKey, qint64 until)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // Entries of expired tokens are useless: such a token is refused anyway.
    for (auto it = bans.begin(); it != bans.end();)
        it = it.value() <= now ? bans.erase(it) : std::next(it);
    const QString key = room + QLatin1Char('\n') + banKey;
    bans.insert(key, until);
    // Kept in the database too: a restart must not let a removed participant back in.
    db.saveBan(key, until, now);
    nodes->banned(key, until); // and on every node sharing the database
}

void RoomServerPrivate::removeParticipant(Room *room, Session *target, const QString &moderatorName,
                                          const Session *except)
{
    // Best effort: the removed name cannot knock its way back in either (docs/security.md).
    lobby->banName(room->name(), target->name,
                   target->tokenExpiresAt > 0 ? target->tokenExpiresAt
                                              : QDateTime::currentSecsSinceEpoch() + 86400);
    // Not only the session named: every one of the same invite (a personal link open on two
    // devices), or of the same shared link under the same name, goes at once. They share
    // the ban key, so none of them could come back anyway.
    const QString banKey = target->banKey;
    QList<Session *> removed{ target };
    for (Session *member : room->members()) {
        if (member != target && member != except && !banKey.isEmpty() && member->banKey == banKey)
            removed.append(member);
    }
    for (Session *session : std::as_const(removed)) {
        ban(room->name(), session->banKey, session->tokenExpiresAt);
        if (Connection *c = session->connection)
            c->removeByModerator(moderatorName);
        else // dropped and within its grace period: it must not come back by resuming either
            endSession(session, QStringLiteral("removed"));
    }
}

QJsonObject RoomServerPrivate::roomLockedEvent(bool locked, const QString &by)
{
    return { { QStringLiteral("type"), QStringLiteral("room-locked") },
             { QStringLiteral("locked"), locked },
             { QStringLiteral("by"), by } };
}

void RoomServerPrivate::setRoomLocked(Room *room, bool locked, const QString &by,
                                      const Connection *except)
{
    const bool changed = room->isLocked() != locked;
    room->setLocked(locked);
    if (locked)
        lobby->roomLocked(room->name());
    if (!changed)
        return;
    const QJsonObject event = roomLockedEvent(locked, by);
    for (const Session *member : room->members()) {
        if (member->connection && member->connection != except)
            member->connection->sendJson(event);
    }
}

std::optional<RemoteMember> RoomServerPrivate::remoteMember(const Room *room,
                                                            const QString &clientId) const
{
    for (const RemoteMember &m : room->remoteMembers()) {
        if (m.clientId == clientId)
            return m;
    }
    return std::nullopt;
}

bool RoomServerPrivate::isBanned(const QString &room, const QString &banKey) const
{
    const auto it = bans.constFind(room + QLatin1Char('\n') + banKey);
    return it != bans.constEnd() && it.value() > QDateTime::currentSecsSinceEpoch();
}

bool RoomServer::isSecure() const
{
    return !d->options.tlsCertificate.isNull();
}

QString RoomServer::certificateFingerprint() const
{
    return Tls::fingerprint(d->options.tlsCertificate);
}

} // namespace Roomshare::Server
