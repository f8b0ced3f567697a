// The host's meeting controls beyond removing files and participants
// (connection_security.cpp): locking the room (docs/protocol.md "Locking the room").

#include "connection_p.h"
#include "lobby_p.h"
#include "room_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

namespace Roomshare::Server {

bool Connection::handleMeetingRequest(const QString &type, const QJsonObject &msg,
                                      const QJsonValue &rid)
{
    if (type != QLatin1String("room-lock"))
        return false;
    if (m_role != QLatin1String("moderator")) {
        sendError(rid, ErrorCode::NotPermitted,
                  QStringLiteral("Only a moderator can lock or unlock the room"));
        return true;
    }
    handleRoomLock(msg, rid);
    return true;
}

void Connection::handleRoomLock(const QJsonObject &msg, const QJsonValue &rid)
{
    const QJsonValue locked = msg.value(QLatin1String("locked"));
    if (!locked.isBool())
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"locked\" must be true or false"));
    const bool lock = locked.toBool();
    qCInfo(lcServer) << m_clientId << (lock ? "locks" : "unlocks") << "room" << m_room->name();
    m_server->setRoomLocked(m_room, lock, m_clientId, this);
    m_server->nodes->locked(m_room->name(), lock, m_clientId);
    QJsonObject event = RoomServerPrivate::roomLockedEvent(lock, m_clientId);
    if (rid.isDouble())
        event.insert(QStringLiteral("rid"), rid);
    sendJson(event);
}

} // namespace Roomshare::Server
