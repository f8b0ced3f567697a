// Room's side of the lobby (docs/protocol.md "Lobby", "Invites from moderators"):
// knocking with a token-less link, the moderators' view of knocks, and minted invites.
// Kept out of room.cpp, which only calls in at a few points.

#include "events.h"
#include "invite.h"
#include "jsonnumbers.h"
#include "lobby.h"
#include "logging.h"
#include "protocol.h"
#include "room.h"

#include "roomlink_p.h"
#include "roomreplies_p.h"

namespace Roomshare {

using RoomReplies::isType;
using RoomReplies::success;
constexpr auto errorCodeOf = RoomReplies::codeOf;

KnockRequest KnockRequest::fromJson(const QJsonObject &o)
{
    KnockRequest k;
    k.id = o.value(QLatin1String("knockId")).toString();
    k.name = o.value(QLatin1String("name")).toString();
    k.address = o.value(QLatin1String("address")).toString();
    k.room = o.value(QLatin1String("room")).toString();
    return k;
}

QString Lobby::outcomeName(KnockOutcome outcome)
{
    switch (outcome) {
    case KnockOutcome::Admitted:
        return QStringLiteral("admitted");
    case KnockOutcome::Denied:
        return QStringLiteral("denied");
    case KnockOutcome::TimedOut:
        return QStringLiteral("timeout");
    case KnockOutcome::Withdrawn:
        break;
    }
    return QStringLiteral("withdrawn");
}

KnockOutcome Lobby::outcomeFromName(const QString &name)
{
    if (name == QLatin1String("admitted"))
        return KnockOutcome::Admitted;
    if (name == QLatin1String("denied"))
        return KnockOutcome::Denied;
    if (name == QLatin1String("timeout"))
        return KnockOutcome::TimedOut;
    return KnockOutcome::Withdrawn;
}

void Room::sendKnock()
{
    // A CA-verified server raised no errors; pin it anyway so reconnects meet the same one.
    m_link->pinPeerCertificate();
    QJsonObject knock{ { QStringLiteral("type"), QStringLiteral("knock") },
                       { QStringLiteral("version"), Protocol::Version },
                       { QStringLiteral("name"), m_requestedName } };
    if (!m_roomName.isEmpty())
        knock.insert(QStringLiteral("room"), m_roomName);
    qCInfo(lcCore) << "knocking on"
                   << (m_roomName.isEmpty() ? QStringLiteral("the server's room") : m_roomName);
    m_link->request(knock, [this](const QJsonObject &reply) {
        if (isType(reply, "knock-waiting")) {
            m_roomName = reply.value(QLatin1String("room")).toString(m_roomName);
            qCInfo(lcCore) << "knocked on room" << m_roomName << "; waiting for a moderator";
            Q_EMIT knockWaiting(m_roomName);
            return;
        }
        if (reply.value(QLatin1String("transient")).toBool())
            return;
        m_link->stopReconnectClock();
        m_lastError = ErrorCode::None;
        fail(errorCodeOf(reply, ErrorCode::NotPermitted),
             reply.value(QLatin1String("desc")).toString());
        m_link->close();
    });
}

void Room::handleKnockAdmitted(const QJsonObject &msg)
{
    const QString token = msg.value(QLatin1String("token")).toString();
    if (!m_knocking || token.isEmpty())
        return;
    m_knocking = false;
    m_token = token;
    m_roomName = msg.value(QLatin1String("room")).toString(m_roomName);
    if (auto link = InviteLink::parse(m_inviteLink)) {
        link->token = token;
        link->room = m_roomName;
        if (link->secure && link->certFingerprint.isEmpty())
            link->certFingerprint = m_link->pinnedFingerprint();
        m_inviteLink = link->toString();
    }
    qCInfo(lcCore) << "let into room" << m_roomName << "; joining";
    m_link->setKnocking(false);
    m_link->prepareJoin();
}

bool Room::handleLobbyEvent(const QString &type, const QJsonObject &msg)
{
    if (type == QLatin1String("knock-admitted")) {
        handleKnockAdmitted(msg);
        return true;
    }
    if (type == QLatin1String("error") && m_knocking) {
        // Denied or timed out: the server closes next; disconnected() carries this text.
        m_lastError = ErrorCode::None;
        fail(errorCodeOf(msg, ErrorCode::NotPermitted),
             msg.value(QLatin1String("desc")).toString());
        return true;
    }
    if (type == QLatin1String("knock")) {
        const KnockRequest knock = KnockRequest::fromJson(msg);
        if (!knock.isValid())
            return true;
        for (const KnockRequest &k : std::as_const(m_knocks)) {
            if (k.id == knock.id)
                return true;
        }
        m_knocks.append(knock);
        Q_EMIT knockReceived(knock);
        return true;
    }
    if (type == QLatin1String("knock-ended")) {
        const QString id = msg.value(QLatin1String("knockId")).toString();
        for (qsizetype i = 0; i < m_knocks.size(); ++i) {
            if (m_knocks.at(i).id == id) {
                m_knocks.removeAt(i);
                Q_EMIT knockEnded(
                    id, Lobby::outcomeFromName(msg.value(QLatin1String("outcome")).toString()));
                break;
            }
        }
        return true;
    }
    return false;
}

void Room::resetLobby(const QJsonObject &joined)
{
    const bool enabled = joined.value(QLatin1String("lobby")).toBool(true);
    if (enabled != m_lobbyEnabled) {
        m_lobbyEnabled = enabled;
        Q_EMIT lobbyEnabledChanged(enabled);
    }
    // The server sends the knocks still waiting right after `joined`.
    for (const KnockRequest &k : std::exchange(m_knocks, {}))
        Q_EMIT knockEnded(k.id, KnockOutcome::Withdrawn);
}

void Room::answerKnock(const QString &knockId, KnockAnswer answer, const Callback &callback)
{
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("knock-answer") },
                         { QStringLiteral("knockId"), knockId },
                         { QStringLiteral("admit"), answer == KnockAnswer::Admit } },
            [callback](const QJsonObject &reply) {
                if (!callback)
                    return;
                callback(isType(reply, "knock-answered")
                             ? success("knock answered",
                                       QJsonObject{ { QStringLiteral("knockId"),
                                                      reply.value(QLatin1String("knockId")) },
                                                    { QStringLiteral("outcome"),
                                                      reply.value(QLatin1String("outcome")) } })
                             : Events::error(errorCodeOf(reply, ErrorCode::InvalidRequest),
                                             reply.value(QLatin1String("desc")).toString()));
            });
}

void Room::setLobbyEnabled(bool enabled, const Callback &callback)
{
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("room-settings") },
                         { QStringLiteral("lobby"), enabled } },
            [this, callback](const QJsonObject &reply) {
                const bool ok = isType(reply, "room-settings");
                if (ok) {
                    const bool now = reply.value(QLatin1String("lobby")).toBool();
                    if (now != m_lobbyEnabled) {
                        m_lobbyEnabled = now;
                        Q_EMIT lobbyEnabledChanged(now);
                    }
                }
                if (!callback)
                    return;
                callback(ok ? success("room settings changed",
                                      QJsonObject{ { QStringLiteral("lobby"), m_lobbyEnabled } })
                            : Events::error(errorCodeOf(reply, ErrorCode::InvalidRequest),
                                            reply.value(QLatin1String("desc")).toString()));
            });
}

void Room::createInviteLink(const QString &name, qint64 ttlSeconds, const Callback &callback)
{
    QJsonObject msg{ { QStringLiteral("type"), QStringLiteral("invite-create") },
                     { QStringLiteral("role"), QStringLiteral("participant") },
                     { QStringLiteral("ttl"), double(ttlSeconds) } };
    if (!name.trimmed().isEmpty())
        msg.insert(QStringLiteral("name"), name.trimmed());
    request(msg, [this, callback](const QJsonObject &reply) {
        if (!callback)
            return;
        const QString token = reply.value(QLatin1String("token")).toString();
        auto link = InviteLink::parse(m_inviteLink);
        if (!isType(reply, "invite-created") || token.isEmpty() || !link) {
            callback(Events::error(errorCodeOf(reply, ErrorCode::InvalidRequest),
                                   reply.value(QLatin1String("desc")).toString()));
            return;
        }
        link->token = token;
        link->room = reply.value(QLatin1String("room")).toString(m_roomName);
        if (link->secure && link->certFingerprint.isEmpty())
            link->certFingerprint = m_link->pinnedFingerprint();
        const qint64 expiresAt = JsonNumbers::toInteger(reply.value(QLatin1String("expiresAt")));
        callback(success("invite created",
                         QJsonObject{ { QStringLiteral("link"), link->toString() },
                                      { QStringLiteral("token"), token },
                                      { QStringLiteral("expiresAt"), double(expiresAt * 1000) } }));
    });
}

} // namespace Roomshare
