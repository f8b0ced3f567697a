// Knock to join: see docs/protocol.md ("Lobby") and docs/security.md for the limits.

#include "connection_p.h"
#include "lobby_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <invite.h>
#include <protocol.h>

#include <QDateTime>

namespace Roomshare::Server {

namespace {

// A refused or ended knock closes with this (docs/protocol.md, "Close codes").
constexpr auto NotLetInCode = QWebSocketProtocol::CloseCode(4005);
constexpr auto TooManyKnocksCode = QWebSocketProtocol::CloseCode(4029);
// Budgets of addresses that have not knocked for a while are full again and worth nothing;
// they are pruned once this many accumulate so the table stays small.
constexpr int BudgetPruneThreshold = 1024;

QJsonObject typed(const char *type)
{
    return QJsonObject{ { QStringLiteral("type"), QString::fromLatin1(type) } };
}

QJsonObject errorMessage(const QJsonValue &rid, ErrorCode code, const QString &desc)
{
    QJsonObject msg = typed("error");
    if (rid.isDouble())
        msg.insert(QStringLiteral("rid"), rid);
    msg.insert(QStringLiteral("code"), int(code));
    msg.insert(QStringLiteral("error"), errorTitle(code));
    msg.insert(QStringLiteral("desc"), desc);
    return msg;
}

QString addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : address.toString();
}

QString outcomeName(Lobby::Outcome outcome)
{
    switch (outcome) {
    case Lobby::Outcome::Admitted:
        return QStringLiteral("admitted");
    case Lobby::Outcome::Denied:
        return QStringLiteral("denied");
    case Lobby::Outcome::Timeout:
        return QStringLiteral("timeout");
    case Lobby::Outcome::Withdrawn:
        break;
    }
    return QStringLiteral("withdrawn");
}

} // namespace

Lobby::Lobby(RoomServerPrivate *server)
    : m_server(server)
{
    m_clock.start();
}

Lobby::~Lobby() = default;

bool Lobby::takeBudget(const QString &address)
{
    const ServerOptions &o = m_server->options;
    if (o.knocksPerMinutePerAddress <= 0 || o.knockBurstPerAddress <= 0)
        return true;
    const qint64 now = m_clock.elapsed();
    const double perMs = o.knocksPerMinutePerAddress / 60000.0;
    const double burst = o.knockBurstPerAddress;
    if (m_budgets.size() >= BudgetPruneThreshold) {
        for (auto it = m_budgets.begin(); it != m_budgets.end();) {
            const bool full = it->tokens + double(now - it->lastMs) * perMs >= burst;
            it = full ? m_budgets.erase(it) : std::next(it);
        }
    }
    auto it = m_budgets.find(address);
    if (it == m_budgets.end())
        it = m_budgets.insert(address, Budget{ burst, now });
    it->tokens = qMin(burst, it->tokens + double(now - it->lastMs) * perMs);
    it->lastMs = now;
    if (it->tokens < 1.0)
        return false;
    it->tokens -= 1.0;
    return true;
}

bool Lobby::isEnabled(const QString &room) const
{
    return m_roomEnabled.value(room, m_server->options.lobbyEnabled);
}

bool Lobby::hasModeratorPresent(const QString &room) const
{
    const auto it = m_server->rooms.find(room);
    if (it == m_server->rooms.end())
        return false;
    for (const Session *s : it->second->members()) {
        if (s->connection && s->role == QLatin1String("moderator"))
            return true;
    }
    // A moderator connected to another node sees the knock too (remoteKnock()).
    for (const RemoteMember &m : it->second->remoteMembers()) {
        if (m.participant.value(QLatin1String("role")).toString() == QLatin1String("moderator"))
            return true;
    }
    return false;
}

QString Lobby::pickRoom(QString *why) const
{
    QStringList candidates;
    for (const auto &[name, room] : m_server->rooms) {
        if (isEnabled(name) && hasModeratorPresent(name))
            candidates.append(name);
    }
    if (candidates.size() == 1)
        return candidates.first();
    *why = candidates.isEmpty()
        ? QStringLiteral("No room on this server has a host who can let you in right now")
        : QStringLiteral("This server has %1 rooms; the knock must name one")
              .arg(candidates.size());
    return QString();
}

bool Lobby::isNameBanned(const QString &room, const QString &name) const
{
    const auto it = m_bannedNames.constFind(room + QLatin1Char('\n') + name.toCaseFolded());
    return it != m_bannedNames.constEnd() && it.value() > QDateTime::currentSecsSinceEpoch();
}

void Lobby::banName(const QString &room, const QString &name, qint64 until)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (auto it = m_bannedNames.begin(); it != m_bannedNames.end();)
        it = it.value() <= now ? m_bannedNames.erase(it) : std::next(it);
    m_bannedNames.insert(room + QLatin1Char('\n') + name.toCaseFolded(), until);
}

bool Lobby::knock(Connection *knocker, const QJsonObject &msg, const QJsonValue &rid)
{
    const ServerOptions &o = m_server->options;
    auto refuse = [&](ErrorCode code, const QString &why) {
        qCInfo(lcServer) << "knock refused:" << why;
        knocker->sendJson(errorMessage(rid, code, why));
        knocker->closeWith(code == ErrorCode::LimitExceeded ? TooManyKnocksCode : NotLetInCode,
                           QStringLiteral("knock refused"));
        return false;
    };
    const QJsonValue nameValue = msg.value(QLatin1String("name"));
    const QString name = nameValue.toString().trimmed();
    if (!nameValue.isString() || name.isEmpty() || name.size() > Protocol::MaxNameLength) {
        // Nothing was spent yet: the client may knock again with a proper name.
        knocker->sendJson(
            errorMessage(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("A knock needs a \"name\" of 1 to %1 characters")
                             .arg(Protocol::MaxNameLength)));
        return false;
    }
    const QJsonValue roomValue = msg.value(QLatin1String("room"));
    if (!roomValue.isUndefined() && !roomValue.isString())
        return refuse(ErrorCode::InvalidRequest, QStringLiteral("\"room\" must be a string"));

    // The budget is spent before anything about the rooms is looked at, so probing for
    // room names costs knocks too.
    const QString address = addressKey(knocker->peerAddress());
    if (!takeBudget(address)) {
        return refuse(ErrorCode::LimitExceeded,
                      QStringLiteral("Too many knocks from your address; at most %1 a minute")
                          .arg(o.knocksPerMinutePerAddress));
    }

    QString room = roomValue.toString();
    if (room.isEmpty()) {
        QString why;
        room = pickRoom(&why);
        if (room.isEmpty())
            return refuse(ErrorCode::InvalidRequest, why);
    }
    const QString shown = room.left(64);
    if (!isEnabled(room))
        return refuse(ErrorCode::NotPermitted,
                      QStringLiteral("Room %1 takes only invite links").arg(shown));
    if (const auto it = m_server->rooms.find(room);
        it != m_server->rooms.end() && it->second->isLocked())
        return refuse(ErrorCode::NotPermitted,
                      QStringLiteral("Room %1 is locked: nobody new can join it now").arg(shown));
    // An unknown room answers like an empty one, so knocking does not tell which rooms exist.
    if (!hasModeratorPresent(room))
        return refuse(ErrorCode::NotPermitted,
                      QStringLiteral("Nobody in room %1 can let you in right now").arg(shown));
    if (isNameBanned(room, name))
        return refuse(ErrorCode::NotPermitted,
                      QStringLiteral("A moderator removed %1 from room %2").arg(name, shown));

    int fromAddress = 0;
    int inRoom = 0;
    for (const auto &[id, k] : m_knocks) {
        fromAddress += k->address == address ? 1 : 0;
        inRoom += k->room == room ? 1 : 0;
    }
    if (o.maxPendingKnocksPerAddress > 0 && fromAddress >= o.maxPendingKnocksPerAddress)
        return refuse(ErrorCode::LimitExceeded,
                      QStringLiteral("At most %1 knocks from one address may wait at once")
                          .arg(o.maxPendingKnocksPerAddress));
    if (o.maxPendingKnocksPerRoom > 0 && inRoom >= o.maxPendingKnocksPerRoom)
        return refuse(ErrorCode::LimitExceeded,
                      QStringLiteral("Too many people are waiting to join room %1").arg(shown));

    auto knock = std::make_unique<Knock>();
    // Unique across the nodes sharing a database, whose moderators answer by id.
    knock->id = m_server->nodes->isActive()
        ? QStringLiteral("k%1-%2").arg(++m_counter).arg(m_server->nodes->nodeId())
        : QStringLiteral("k%1").arg(++m_counter);
    knock->room = room;
    knock->name = name;
    knock->address = address;
    knock->connection = knocker;
    const QString id = knock->id;
    knock->timer.setSingleShot(true);
    QObject::connect(&knock->timer, &QTimer::timeout, m_server->q, [this, id] {
        end(id, Outcome::Timeout,
            QStringLiteral("Nobody let you in within %1 s")
                .arg((m_server->options.knockTimeoutMs + 999) / 1000));
    });
    if (o.knockTimeoutMs > 0)
        knock->timer.start(o.knockTimeoutMs);
    knocker->enterLobby(id);

    QJsonObject waiting = typed("knock-waiting");
    if (rid.isDouble())
        waiting.insert(QStringLiteral("rid"), rid);
    waiting.insert(QStringLiteral("knockId"), id);
    waiting.insert(QStringLiteral("room"), room);
    knocker->sendJson(waiting);
    qCInfo(lcServer) << "knock" << id << "on room" << room << "from" << address;
    const QJsonObject event = knockEvent(*knock);
    m_knocks.emplace(id, std::move(knock));
    sendToModerators(room, event);
    m_server->nodes->knocked(event);
    return true;
}

QJsonObject Lobby::knockEvent(const Knock &knock) const
{
    QJsonObject event = typed("knock");
    event.insert(QStringLiteral("knockId"), knock.id);
    event.insert(QStringLiteral("name"), knock.name);
    event.insert(QStringLiteral("address"), knock.address);
    event.insert(QStringLiteral("room"), knock.room);
    return event;
}

void Lobby::sendToModerators(const QString &room, const QJsonObject &message) const
{
    const auto it = m_server->rooms.find(room);
    if (it == m_server->rooms.end())
        return;
    for (const Session *s : it->second->members()) {
        if (s->connection && s->role == QLatin1String("moderator"))
            s->connection->sendJson(message);
    }
}

void Lobby::showPending(Connection *moderator)
{
    if (!moderator->room())
        return;
    for (const auto &[id, k] : m_knocks) {
        if (k->room == moderator->room()->name())
            moderator->sendJson(knockEvent(*k));
    }
    for (const auto &[id, k] : m_remoteKnocks) {
        if (k.event.value(QLatin1String("room")).toString() == moderator->room()->name())
            moderator->sendJson(k.event);
    }
}

void Lobby::remoteKnock(const QString &node, const QJsonObject &knockEvent)
{
    const QString id = knockEvent.value(QLatin1String("knockId")).toString();
    if (id.isEmpty())
        return;
    m_remoteKnocks[id] = RemoteKnock{ node, knockEvent };
    sendToModerators(knockEvent.value(QLatin1String("room")).toString(), knockEvent);
}

void Lobby::remoteKnockEnded(const QJsonObject &ended)
{
    const auto it = m_remoteKnocks.find(ended.value(QLatin1String("knockId")).toString());
    if (it == m_remoteKnocks.end())
        return;
    const QString room = it->second.event.value(QLatin1String("room")).toString();
    m_remoteKnocks.erase(it);
    sendToModerators(room, ended);
}

void Lobby::remoteAnswer(const QString &knockId, bool admit)
{
    qCInfo(lcServer) << "another node's moderator answers knock" << knockId;
    end(knockId, admit ? Outcome::Admitted : Outcome::Denied,
        QStringLiteral("The host did not let you in"));
}

void Lobby::answer(Connection *moderator, const QJsonObject &msg, const QJsonValue &rid)
{
    const QJsonValue idValue = msg.value(QLatin1String("knockId"));
    const QJsonValue admitValue = msg.value(QLatin1String("admit"));
    if (!idValue.isString() || !admitValue.isBool()) {
        moderator->sendJson(
            errorMessage(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("knock-answer needs \"knockId\" (string) and \"admit\" "
                                        "(true or false)")));
        return;
    }
    const QString id = idValue.toString();
    const auto it = m_knocks.find(id);
    if (const auto remote = m_remoteKnocks.find(id); it == m_knocks.end()
        && remote != m_remoteKnocks.end()
        && remote->second.event.value(QLatin1String("room")).toString()
            == moderator->room()->name()) {
        // Waiting on another node: that node ends it, and its knock-ended comes back here.
        const bool admit = admitValue.toBool();
        qCInfo(lcServer) << moderator->clientId() << "answers knock" << id << "on node"
                         << remote->second.node;
        m_server->nodes->answerKnock(remote->second.node, id, admit);
        QJsonObject reply = typed("knock-answered");
        if (rid.isDouble())
            reply.insert(QStringLiteral("rid"), rid);
        reply.insert(QStringLiteral("knockId"), id);
        reply.insert(QStringLiteral("outcome"),
                     admit ? QStringLiteral("admitted") : QStringLiteral("denied"));
        moderator->sendJson(reply);
        return;
    }
    if (it == m_knocks.end() || it->second->room != moderator->room()->name()) {
        moderator->sendJson(
            errorMessage(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("No knock %1 is waiting (answered, withdrawn or timed out)")
                             .arg(id.left(64))));
        return;
    }
    const Outcome outcome = admitValue.toBool() ? Outcome::Admitted : Outcome::Denied;
    qCInfo(lcServer) << moderator->clientId() << "answers knock" << id << outcomeName(outcome);
    QJsonObject reply = typed("knock-answered");
    if (rid.isDouble())
        reply.insert(QStringLiteral("rid"), rid);
    reply.insert(QStringLiteral("knockId"), id);
    reply.insert(QStringLiteral("outcome"), outcomeName(outcome));
    moderator->sendJson(reply);
    end(id, outcome, QStringLiteral("The host did not let you in"));
}

void Lobby::withdraw(Connection *knocker)
{
    const QString id = knocker->knockId();
    if (!id.isEmpty())
        end(id, Outcome::Withdrawn);
}

void Lobby::setEnabled(const QString &room, bool enabled)
{
    m_roomEnabled.insert(room, enabled);
    if (enabled)
        return;
    QStringList waiting;
    for (const auto &[id, k] : m_knocks) {
        if (k->room == room)
            waiting.append(id);
    }
    for (const QString &id : std::as_const(waiting))
        end(id, Outcome::Denied,
            QStringLiteral("Room %1 takes only invite links now").arg(room.left(64)));
}

void Lobby::roomLocked(const QString &room)
{
    QStringList waiting;
    for (const auto &[id, k] : m_knocks) {
        if (k->room == room)
            waiting.append(id);
    }
    for (const QString &id : std::as_const(waiting))
        end(id, Outcome::Denied,
            QStringLiteral("Room %1 was locked: nobody new can join it now").arg(room.left(64)));
}

QString Lobby::mintToken(const QString &room, const QString &name, qint64 ttlSeconds,
                         qint64 *expiresAt) const
{
    JoinClaims claims;
    claims.room = room;
    claims.name = name;
    claims.role = QStringLiteral("participant");
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + ttlSeconds;
    if (expiresAt)
        *expiresAt = claims.expiresAt;
    return Token::sign(claims, m_server->options.secret);
}

void Lobby::end(const QString &knockId, Outcome outcome, const QString &text)
{
    auto node = m_knocks.extract(knockId);
    if (node.empty())
        return;
    const std::unique_ptr<Knock> knock = std::move(node.mapped());
    Connection *knocker = knock->connection;
    knocker->leaveLobby();
    switch (outcome) {
    case Outcome::Admitted: {
        qint64 expiresAt = 0;
        const QString token = mintToken(knock->room, knock->name,
                                        m_server->options.knockTokenTtlSeconds, &expiresAt);
        QJsonObject admitted = typed("knock-admitted");
        admitted.insert(QStringLiteral("knockId"), knock->id);
        admitted.insert(QStringLiteral("token"), token);
        admitted.insert(QStringLiteral("room"), knock->room);
        admitted.insert(QStringLiteral("expiresAt"), expiresAt);
        knocker->sendJson(admitted);
        break;
    }
    case Outcome::Denied:
    case Outcome::Timeout:
        knocker->sendJson(errorMessage(QJsonValue(), ErrorCode::NotPermitted, text));
        knocker->closeWith(NotLetInCode, QStringLiteral("not let in"));
        break;
    case Outcome::Withdrawn:
        break;
    }
    QJsonObject ended = typed("knock-ended");
    ended.insert(QStringLiteral("knockId"), knock->id);
    ended.insert(QStringLiteral("outcome"), outcomeName(outcome));
    sendToModerators(knock->room, ended);
    m_server->nodes->knockEnded(ended);
}

} // namespace Roomshare::Server
