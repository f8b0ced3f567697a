// The lobby side of Connection: knocking before a join, and the moderator requests that
// answer knocks, switch the lobby and mint invites. The bookkeeping lives in Lobby.

#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <jsonnumbers.h>
#include <protocol.h>

#include <QDateTime>

#include <cmath>

namespace Roomshare::Server {

namespace {

constexpr qint64 MinInviteTtlSeconds = 60;
constexpr qint64 DefaultInviteTtlSeconds = 86400;

QJsonObject typed(const char *type, const QJsonValue &rid)
{
    QJsonObject msg{ { QStringLiteral("type"), QString::fromLatin1(type) } };
    if (rid.isDouble())
        msg.insert(QStringLiteral("rid"), rid);
    return msg;
}

} // namespace

void Connection::enterLobby(const QString &knockId)
{
    m_knockId = knockId;
    m_guardTimer.stop();
}

void Connection::leaveLobby()
{
    m_knockId.clear();
    if (!m_closing && m_server->options.joinTimeoutMs > 0)
        m_guardTimer.start(m_server->options.joinTimeoutMs);
}

void Connection::handleKnock(const QJsonObject &msg, const QJsonValue &rid)
{
    if (m_knocked) {
        // A second knock on the same connection would dodge the per-address accounting.
        sendError(rid, ErrorCode::InvalidRequest, QStringLiteral("Only one knock per connection"));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("second knock"));
        return;
    }
    const QJsonValue version = msg.value(QLatin1String("version"));
    if (!version.isUndefined() && JsonNumbers::exactInteger(version) != Protocol::Version) {
        sendError(rid, ErrorCode::InvalidRequest,
                  QStringLiteral("Protocol version %1 is not supported (this server speaks %2)")
                      .arg(version.toVariant().toString())
                      .arg(Protocol::Version));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated,
                  QStringLiteral("unsupported version"));
        return;
    }
    if (m_server->lobby->knock(this, msg, rid) || m_closing)
        m_knocked = true;
}

bool Connection::handleLobbyRequest(const QString &type, const QJsonObject &msg,
                                    const QJsonValue &rid)
{
    const bool answer = type == QLatin1String("knock-answer");
    const bool settings = type == QLatin1String("room-settings");
    const bool invite = type == QLatin1String("invite-create");
    if (!answer && !settings && !invite)
        return false;
    if (m_role != QLatin1String("moderator")) {
        sendError(rid, ErrorCode::NotPermitted,
                  answer         ? QStringLiteral("Only a moderator can let people in")
                      : settings ? QStringLiteral("Only a moderator can change the room's settings")
                                 : QStringLiteral("Only a moderator can create invite links"));
        return true;
    }
    if (answer)
        m_server->lobby->answer(this, msg, rid);
    else if (settings)
        handleRoomSettings(msg, rid);
    else
        handleInviteCreate(msg, rid);
    return true;
}

void Connection::handleRoomSettings(const QJsonObject &msg, const QJsonValue &rid)
{
    const QJsonValue lobby = msg.value(QLatin1String("lobby"));
    if (!lobby.isUndefined() && !lobby.isBool())
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"lobby\" must be true or false"));
    if (lobby.isBool()) {
        qCInfo(lcServer) << m_clientId << "turns the lobby of" << m_room->name()
                         << (lobby.toBool() ? "on" : "off");
        m_server->lobby->setEnabled(m_room->name(), lobby.toBool());
        m_server->nodes->lobbySwitched(m_room->name(), lobby.toBool());
    }
    QJsonObject reply = typed("room-settings", rid);
    reply.insert(QStringLiteral("lobby"), m_server->lobby->isEnabled(m_room->name()));
    sendJson(reply);
}

void Connection::handleInviteCreate(const QJsonObject &msg, const QJsonValue &rid)
{
    const QJsonValue role = msg.value(QLatin1String("role"));
    if (!role.isUndefined() && !role.isString())
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"role\" must be a string"));
    if (role.isString() && role.toString() == QLatin1String("moderator"))
        return sendError(rid, ErrorCode::NotPermitted,
                         QStringLiteral("Moderator links come only from the server's operator "
                                        "(roomshare-server invite); moderators mint participant "
                                        "links"));
    if (role.isString() && role.toString() != QLatin1String("participant"))
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"role\" must be \"participant\""));
    const QJsonValue nameValue = msg.value(QLatin1String("name"));
    const QString name = nameValue.toString().trimmed();
    if (!nameValue.isUndefined()
        && (!nameValue.isString() || name.isEmpty() || name.size() > Protocol::MaxNameLength))
        return sendError(
            rid, ErrorCode::InvalidRequest,
            QStringLiteral("\"name\" must be 1 to %1 characters").arg(Protocol::MaxNameLength));
    const qint64 maxTtl = m_server->options.maxInviteTtlSeconds;
    const QJsonValue ttlValue = msg.value(QLatin1String("ttl"));
    const auto ttl = ttlValue.isUndefined()
        ? std::optional<qint64>(qMin(DefaultInviteTtlSeconds, maxTtl))
        : JsonNumbers::exactInteger(ttlValue);
    if (!ttl || *ttl < MinInviteTtlSeconds || *ttl > maxTtl)
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("\"ttl\" must be %1 to %2 seconds")
                             .arg(MinInviteTtlSeconds)
                             .arg(maxTtl));
    qint64 expiresAt = 0;
    const QString token = m_server->lobby->mintToken(m_room->name(), name, *ttl, &expiresAt);
    qCInfo(lcServer) << m_clientId << "mints a participant invite for" << m_room->name();
    QJsonObject reply = typed("invite-created", rid);
    reply.insert(QStringLiteral("token"), token);
    reply.insert(QStringLiteral("room"), m_room->name());
    reply.insert(QStringLiteral("expiresAt"), expiresAt);
    if (!name.isEmpty())
        reply.insert(QStringLiteral("name"), name);
    sendJson(reply);
}

} // namespace Roomshare::Server
