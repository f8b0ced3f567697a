// The security side of Connection: join deadline, token expiry, rate limits, bans and the
// moderator requests. Kept apart from connection.cpp (the transfer protocol) on purpose.

#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimer>
#include <QWebSocket>

#include <cmath>

namespace Roomshare::Server {

namespace {

// QTimer takes an int of milliseconds; long-lived tokens are re-checked at least daily.
constexpr qint64 MaxGuardIntervalMs = 24 * 3600 * 1000;
// Unsent bytes a connection may have queued (control messages and, without a data channel,
// chunks; downloads already pause at SocketHighWater) before it is dropped as not reading.
// Far above what a reading client ever has queued: a page of the file list is 128 KiB.
constexpr qint64 MaxSendBacklog = 8 * 1024 * 1024;
// A reply costs one extra control message per this many bytes (see accountSent).
constexpr qint64 ReplyCostBytes = 16 * 1024;

QJsonObject typed(const char *type)
{
    return QJsonObject{ { QStringLiteral("type"), QString::fromLatin1(type) } };
}

std::optional<qint64> exactInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

// A personal invite (with a name) is banned as a whole; a shared invite only together with
// the display name, or one removal would lock out everyone holding the link.
QString banKeyFor(const JoinClaims &claims, const QString &name)
{
    return claims.name.isEmpty() ? claims.tokenId + QLatin1Char('\n') + name.toCaseFolded()
                                 : claims.tokenId;
}

} // namespace

QHostAddress Connection::peerAddress() const
{
    return m_socket->peerAddress();
}

void Connection::startGuards()
{
    const ServerOptions &o = m_server->options;
    m_controlBucket.configure(o.controlMessagesPerSecond, o.controlMessageBurst);
    m_dataBucket.configure(o.dataMessagesPerSecond, o.dataMessageBurst);
    m_guardTimer.setSingleShot(true);
    connect(&m_guardTimer, &QTimer::timeout, this, [this] {
        if (m_closing)
            return;
        if (!isJoined()) {
            qCInfo(lcServer) << "closing a connection that did not join in time";
            sendError(
                QJsonValue(), ErrorCode::InvalidRequest,
                QStringLiteral("No \"join\" within %1 ms").arg(m_server->options.joinTimeoutMs));
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("join timeout"));
            return;
        }
        checkSessionExpiry();
    });
    if (o.joinTimeoutMs > 0)
        m_guardTimer.start(o.joinTimeoutMs);
}

void Connection::accountSent(const QJsonObject &msg, qint64 bytes)
{
    // A reply costs the control budget one message per ReplyCostBytes on top of the request
    // that asked for it, so a budget of small requests does not buy as many large replies.
    if (msg.contains(QLatin1String("rid")))
        m_controlBucket.charge(double(bytes / ReplyCostBytes));
    if (m_sendOverflow || m_socket->bytesToWrite() <= MaxSendBacklog)
        return;
    m_sendOverflow = true;
    qCInfo(lcServer) << "dropping" << m_clientId << "with" << m_socket->bytesToWrite()
                     << "bytes unsent: it does not read what it is sent";
    // Not here: sendJson runs inside loops over members and downloads.
    QTimer::singleShot(0, this, [this] {
        if (!m_closing)
            dropResumable();
    });
}

void Connection::dropResumable()
{
    m_closing = true;
    detachTransfers();
    closeDataChannel();
    m_socket->abort();
}

bool Connection::admitMessage(MessageKind kind)
{
    TokenBucket &bucket = kind == MessageKind::Control ? m_controlBucket : m_dataBucket;
    if (bucket.take())
        return true;
    qCInfo(lcServer) << "closing" << m_clientId << "over its message rate";
    sendError(QJsonValue(), ErrorCode::LimitExceeded,
              kind == MessageKind::Control
                  ? QStringLiteral("More than %1 control messages per second")
                        .arg(m_server->options.controlMessagesPerSecond)
                  : QStringLiteral("More than %1 data messages per second")
                        .arg(m_server->options.dataMessagesPerSecond));
    closeWith(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("rate limit"));
    return false;
}

bool Connection::admitJoin(const JoinClaims &claims, const QJsonObject &msg, const QJsonValue &rid,
                           const QString &name)
{
    auto refuse = [&](const QString &why) {
        qCInfo(lcServer) << "join refused:" << why;
        sendError(rid, ErrorCode::InvalidInvite, QStringLiteral("Join refused: %1").arg(why));
        closeWith(QWebSocketProtocol::CloseCode(4001), QStringLiteral("join refused"));
        return false;
    };
    // The token alone decides the room; a client that also names one must name the same.
    const QJsonValue room = msg.value(QLatin1String("room"));
    if (!room.isUndefined() && (!room.isString() || room.toString() != claims.room))
        return refuse(QStringLiteral("the token is for another room"));
    if (m_server->isBanned(claims.room, banKeyFor(claims, name)))
        return refuse(QStringLiteral("a moderator removed you from this room"));
    // A locked room lets back only those already in it (a resumed session) and moderators,
    // who can unlock it.
    const QJsonValue resumeField = msg.value(QLatin1String("resume"));
    const Session *back
        = resumeField.isString() ? m_server->session(resumeField.toString()) : nullptr;
    if (const auto locked = m_server->rooms.find(claims.room); locked != m_server->rooms.end()
        && locked->second->isLocked() && claims.role != QLatin1String("moderator")
        && !(back && back->room == claims.room)) {
        qCInfo(lcServer) << "join refused: room" << claims.room << "is locked";
        sendError(rid, ErrorCode::NotPermitted,
                  QStringLiteral("Room %1 is locked: a moderator has closed it to new "
                                 "participants; ask them to unlock it")
                      .arg(claims.room.left(64)));
        closeWith(QWebSocketProtocol::CloseCode(4001), QStringLiteral("room locked"));
        return false;
    }
    // A room holds so many participants at most (a participant already present that
    // resumes is not a new one).
    const int members = m_server->options.maxParticipantsPerRoom;
    const QJsonValue resumeValue = msg.value(QLatin1String("resume"));
    const Session *returning
        = resumeValue.isString() ? m_server->session(resumeValue.toString()) : nullptr;
    const auto roomIt = m_server->rooms.find(claims.room);
    // Nor is one moving over from another node (a takeover): the room counts it already,
    // as that node's member.
    const bool movingIn = returning && returning->room == claims.room
        && roomIt != m_server->rooms.end()
        && m_server->remoteMember(roomIt->second.get(), returning->clientId);
    if (members > 0 && roomIt != m_server->rooms.end()
        && !(returning && returning->room == claims.room && returning->present) && !movingIn
        && roomIt->second->memberCount() >= members) {
        sendError(rid, ErrorCode::LimitExceeded,
                  QStringLiteral("The room is full (%1 participants)").arg(members));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("room full"));
        return false;
    }
    // Each join without a resumable session creates a participant (persisted with an
    // fsync): a token cannot create them without end.
    const int cap = m_server->options.maxSessionsPerToken;
    const QJsonValue resume = msg.value(QLatin1String("resume"));
    const Session *resumed = resume.isString() ? m_server->session(resume.toString()) : nullptr;
    if (cap > 0 && !claims.tokenId.isEmpty() && !(resumed && resumed->room == claims.room)) {
        int sessions = 0;
        for (const auto &[id, s] : m_server->sessions)
            sessions += s->tokenId == claims.tokenId ? 1 : 0;
        if (sessions >= cap) {
            qCInfo(lcServer) << "join refused: token" << claims.tokenId << "has" << sessions
                             << "sessions";
            sendError(rid, ErrorCode::LimitExceeded,
                      QStringLiteral("This invite has been used for %1 participants already; "
                                     "ask for a new link")
                          .arg(cap));
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("too many sessions for this invite"));
            return false;
        }
    }
    return true;
}

bool Connection::admitNewUpload(const QJsonValue &rid)
{
    // Per session, not per connection: a reconnect must not grant a fresh allowance (the
    // uploads left behind stay resumable, each a file open once resumed).
    int ofSession = 0;
    int ofRoom = 0;
    for (const auto &[id, u] : m_server->uploads) {
        ofSession += u->sessionId == m_session->id ? 1 : 0;
        ofRoom += u->room == m_room->name() ? 1 : 0;
    }
    const ServerOptions &o = m_server->options;
    if (o.maxUploadsPerConnection > 0 && ofSession >= o.maxUploadsPerConnection) {
        sendError(rid, ErrorCode::LimitExceeded,
                  QStringLiteral("At most %1 uploads at a time").arg(o.maxUploadsPerConnection));
        return false;
    }
    if (o.maxUploadsPerRoom > 0 && ofRoom >= o.maxUploadsPerRoom) {
        sendError(rid, ErrorCode::LimitExceeded,
                  QStringLiteral("This room already has %1 uploads in progress; try again later")
                      .arg(o.maxUploadsPerRoom));
        return false;
    }
    return true;
}

Session *Connection::resumableSession(const QString &id, const QString &room)
{
    Session *session = m_server->session(id);
    if (!session || session->room != room)
        return nullptr;
    // A connected session ends when its token expires (checkSessionExpiry); one that was
    // away at that moment ends here, when it tries to come back. tokenExpiresAt is in the
    // database, so a restart changes nothing (0, unknown, only for sessions recorded before
    // the column existed: the partial TTL bounds those).
    if (session->tokenExpiresAt > 0
        && session->tokenExpiresAt <= QDateTime::currentSecsSinceEpoch()) {
        qCInfo(lcServer) << "not resuming" << session->clientId << ": its invite expired";
        if (Connection *stale = session->connection; stale && stale != this)
            stale->takenOver();
        m_server->endSession(session, QStringLiteral("expired"));
        return nullptr;
    }
    return session;
}

void Connection::startSession(const JoinClaims &claims, const QString &name)
{
    m_tokenExpiresAt = claims.expiresAt;
    m_tokenId = claims.tokenId;
    m_banKey = banKeyFor(claims, name);
    if (m_session) {
        m_session->banKey = m_banKey;
        m_session->tokenExpiresAt = m_tokenExpiresAt;
        m_session->tokenId = m_tokenId;
    }
    checkSessionExpiry();
}

void Connection::checkSessionExpiry()
{
    if (m_closing || !isJoined())
        return;
    const qint64 left = m_tokenExpiresAt * 1000 - QDateTime::currentMSecsSinceEpoch();
    if (left > 0) {
        m_guardTimer.start(int(qMin(left, MaxGuardIntervalMs)));
        return;
    }
    qCInfo(lcServer) << m_clientId << "session ended: its invite expired";
    sendError(QJsonValue(), ErrorCode::InvalidInvite,
              QStringLiteral("Your invite expired; ask for a new link to stay in the room"));
    leaveRoom(QStringLiteral("expired"));
    closeWith(QWebSocketProtocol::CloseCode(4003), QStringLiteral("invite expired"));
}

void Connection::leaveRoom(const QString &reason)
{
    Session *session = m_session;
    if (!m_room)
        return;
    // From here on the room no longer lists, offers files to, or hears from this
    // participant, and its session cannot be resumed; connectionClosed() later finds no
    // session and stays silent.
    detachTransfers();
    m_session = nullptr;
    m_room = nullptr;
    if (session && session->connection == this) {
        session->connection = nullptr;
        m_server->endSession(session, reason);
    }
}

bool Connection::ownsFile(const StoredFile &file) const
{
    return file.senderId == m_clientId
        || (m_session && !file.owner.isEmpty() && file.owner == m_session->owner);
}

void Connection::removeByModerator(const QString &moderatorName)
{
    if (m_closing)
        return;
    // Transfers stop before anything else; leaveRoom() then drops the uploads with the
    // session.
    detachTransfers();
    sendError(QJsonValue(), ErrorCode::NotPermitted,
              QStringLiteral("%1 (moderator) removed you from the room").arg(moderatorName));
    leaveRoom(QStringLiteral("removed"));
    closeWith(QWebSocketProtocol::CloseCode(4004), QStringLiteral("removed by a moderator"));
}

void Connection::handleFileRemove(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto index = exactInteger(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"index\" must be an integer"));
    const StoredFilePtr file = m_room->file(*index);
    const bool moderator = m_role == QLatin1String("moderator");
    const bool own = file && ownsFile(*file);
    // A file this participant may not see does not exist for it: same answer as a gap.
    if (!file || (!moderator && !own && !file->isVisibleTo(m_clientId))) {
        return sendError(rid, ErrorCode::FileNotAvailable,
                         QStringLiteral("No file %1 is available to you").arg(*index));
    }
    if (!moderator && !own) {
        return sendError(
            rid, ErrorCode::NotPermitted,
            QStringLiteral("Only its sender or a moderator can remove file %1").arg(*index));
    }
    qCInfo(lcServer) << m_clientId << "removes file" << *index;
    m_server->removeFile(m_room, *index,
                         own ? QStringLiteral("withdrawn") : QStringLiteral("removed"));
    QJsonObject reply = typed("file-removed");
    if (rid.isDouble())
        reply.insert(QStringLiteral("rid"), rid);
    reply.insert(QStringLiteral("index"), *index);
    reply.insert(QStringLiteral("reason"),
                 own ? QStringLiteral("withdrawn") : QStringLiteral("removed"));
    sendJson(reply);
}

void Connection::handleParticipantRemove(const QJsonObject &msg, const QJsonValue &rid)
{
    if (m_role != QLatin1String("moderator")) {
        return sendError(rid, ErrorCode::NotPermitted,
                         QStringLiteral("Only a moderator can remove participants"));
    }
    const QJsonValue idValue = msg.value(QLatin1String("clientId"));
    if (!idValue.isString())
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"clientId\" must be a string"));
    const QString clientId = idValue.toString();
    if (clientId == m_clientId)
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("You cannot remove yourself"));
    Session *target = nullptr;
    for (Session *member : m_room->members()) {
        if (member->clientId == clientId)
            target = member;
    }
    if (target) {
        qCInfo(lcServer) << m_clientId << "removes participant" << clientId;
        m_server->removeParticipant(m_room, target, m_name, m_session);
    } else if (const auto remote = m_server->remoteMember(m_room, clientId)) {
        // Connected to another node sharing the database: that node removes it (and its
        // `left` reaches everyone, this moderator included).
        qCInfo(lcServer) << m_clientId << "removes participant" << clientId << "on node"
                         << remote->node;
        m_server->nodes->removeParticipant(m_room->name(), clientId, m_name, remote->node);
    } else {
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("No participant %1 in this room").arg(clientId.left(64)));
    }
    QJsonObject reply = typed("participant-removed");
    if (rid.isDouble())
        reply.insert(QStringLiteral("rid"), rid);
    reply.insert(QStringLiteral("clientId"), clientId);
    sendJson(reply);
}

} // namespace Roomshare::Server
