#include "nodeevents_p.h"

#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace Roomshare::Server {

namespace {

const QString Channel = QStringLiteral("roomshare_events");
// PostgreSQL refuses payloads of 8000 bytes or more.
constexpr qsizetype MaxPayload = 7999;

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

} // namespace

NodeEvents::NodeEvents(RoomServerPrivate *d)
    : d(d)
{
    m_heartbeat.setInterval(HeartbeatMs);
    m_heartbeat.callOnTimeout([this] { onHeartbeat(); });
}

bool NodeEvents::start(QString *error)
{
    if (d->db.backend() != Database::Backend::Postgres)
        return true;
    m_nodeId = QString::number(QRandomGenerator::system()->generate64(), 36);
    QFile home(QDir(d->storage.dataDir()).filePath(str("node")));
    if (home.open(QIODevice::ReadOnly))
        m_homeNode = QString::fromLatin1(home.readAll()).trimmed();
    home.close();
    if (m_homeNode.isEmpty()) {
        m_homeNode = QString::number(QRandomGenerator::system()->generate64(), 36);
        if (!home.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || home.write(m_homeNode.toLatin1() + '\n') <= 0 || !home.flush()) {
            *error = QStringLiteral("cannot write %1: %2").arg(home.fileName(), home.errorString());
            return false;
        }
    }
    d->db.setHomeNode(m_homeNode);
    m_clock.start();
    m_lastHeard.clear();
    m_selfHeard = 0;
    if (!d->db.listen(Channel, [this](const QString &payload) { received(payload); })) {
        *error = QStringLiteral("cannot listen for the other nodes' events in the database");
        return false;
    }
    d->db.setPublishHook([this](const StoredFile &file) { return published(file); });
    d->db.setReconnectedHandler([this] { resync(); });
    m_active = true;
    m_heartbeat.start();
    qCInfo(lcServer) << "node" << m_nodeId << "listening for the other nodes' events";
    return send({ { str("t"), str("hello") } });
}

void NodeEvents::stop()
{
    m_active = false;
    m_heartbeat.stop();
    d->db.setPublishHook({});
    d->db.setReconnectedHandler({});
}

bool NodeEvents::send(QJsonObject event)
{
    if (!m_active)
        return true;
    event.insert(str("node"), m_nodeId);
    const QString payload = QString::fromUtf8(QJsonDocument(event).toJson(QJsonDocument::Compact));
    if (payload.toUtf8().size() > MaxPayload) {
        qCWarning(lcServer) << "node event too large for the other nodes; not sent"
                            << event.value(str("t")).toString();
        return false;
    }
    return d->db.notify(Channel, payload);
}

void NodeEvents::joined(const Session &s)
{
    send({ { str("t"), str("joined") },
           { str("room"), s.room },
           { str("p"), s.participantJson() } });
}

void NodeEvents::left(const Session &s, const QString &reason)
{
    send({ { str("t"), str("left") },
           { str("room"), s.room },
           { str("clientId"), s.clientId },
           { str("name"), s.name },
           { str("reason"), reason } });
}

void NodeEvents::removed(const QString &room, qint64 index, const QString &reason)
{
    send({ { str("t"), str("removed") },
           { str("room"), room },
           { str("index"), index },
           { str("reason"), reason } });
}

void NodeEvents::downloaded(const QString &room, qint64 index, qint64 count)
{
    send({ { str("t"), str("downloaded") },
           { str("room"), room },
           { str("index"), index },
           { str("count"), count } });
}

void NodeEvents::catchUp(Room *r)
{
    if (!m_active)
        return;
    // Indexes are taken under the room row's lock and committed in that order, so what
    // this node has not heard of yet is above the highest index it lists.
    const QList<StoredFilePtr> known = r->files();
    const qint64 last = known.isEmpty() ? 0 : known.last()->index;
    const QList<StoredFile> rows = d->db.loadFilesAfter(r->name(), last);
    for (const StoredFile &row : rows) {
        if (!r->file(row.index))
            adopt(row);
    }
}

void NodeEvents::delivered(const QString &room, qint64 index, const Delivery &delivery)
{
    send({ { str("t"), str("delivered") },
           { str("room"), room },
           { str("index"), index },
           { str("clientId"), delivery.clientId },
           { str("name"), delivery.name },
           { str("at"), delivery.at } });
}

void NodeEvents::banned(const QString &key, qint64 until)
{
    send({ { str("t"), str("ban") }, { str("key"), key }, { str("until"), until } });
}

void NodeEvents::tookOver(const Session &s)
{
    send({ { str("t"), str("takeover") },
           { str("room"), s.room },
           { str("p"), s.participantJson() } });
}

bool NodeEvents::published(const StoredFile &file)
{
    // Inside the publish transaction: delivered to the others at its commit, never if it
    // rolls back.
    return send({ { str("t"), str("published") },
                  { str("room"), file.room },
                  { str("index"), file.index } });
}

void NodeEvents::received(const QString &payload)
{
    const QJsonObject event = QJsonDocument::fromJson(payload.toUtf8()).object();
    const QString node = event.value(str("node")).toString();
    const QString type = event.value(str("t")).toString();
    if (node.isEmpty() || type.isEmpty()) {
        qCWarning(lcServer) << "ignoring a malformed node event" << payload.left(200);
        return;
    }
    if (node == m_nodeId) {
        if (type == QLatin1String("beat"))
            m_selfHeard = m_clock.elapsed();
        return;
    }
    m_lastHeard.insert(node, m_clock.elapsed());
    if (type == QLatin1String("joined"))
        onJoined(event);
    else if (type == QLatin1String("left"))
        onLeft(event);
    else if (type == QLatin1String("published"))
        onPublished(event);
    else if (type == QLatin1String("removed"))
        onRemoved(event);
    else if (type == QLatin1String("downloaded"))
        onDownloaded(event);
    else if (type == QLatin1String("delivered"))
        onDelivered(event);
    else if (type == QLatin1String("hello"))
        onHello(node);
    else if (type == QLatin1String("ban"))
        onBan(event);
    else if (type == QLatin1String("remove"))
        onRemoveParticipant(event);
    else if (type == QLatin1String("lock"))
        onLock(event);
    else if (type == QLatin1String("lobby"))
        d->lobby->setEnabled(event.value(str("room")).toString(), event.value(str("on")).toBool());
    else if (type == QLatin1String("knock"))
        d->lobby->remoteKnock(node, event.value(str("k")).toObject());
    else if (type == QLatin1String("knock-ended"))
        d->lobby->remoteKnockEnded(event.value(str("k")).toObject());
    else if (type == QLatin1String("knock-answer"))
        onKnockAnswer(event);
    else if (type == QLatin1String("takeover"))
        onTakeover(event);
    else if (type != QLatin1String("beat"))
        qCDebug(lcServer) << "ignoring node event" << type;
}

void NodeEvents::removeParticipant(const QString &room, const QString &clientId,
                                   const QString &moderatorName, const QString &node)
{
    send({ { str("t"), str("remove") },
           { str("to"), node },
           { str("room"), room },
           { str("clientId"), clientId },
           { str("by"), moderatorName } });
}

void NodeEvents::locked(const QString &room, bool locked, const QString &by)
{
    send({ { str("t"), str("lock") },
           { str("room"), room },
           { str("locked"), locked },
           { str("by"), by } });
}

void NodeEvents::lobbySwitched(const QString &room, bool enabled)
{
    send({ { str("t"), str("lobby") }, { str("room"), room }, { str("on"), enabled } });
}

void NodeEvents::knocked(const QJsonObject &knockEvent)
{
    send({ { str("t"), str("knock") }, { str("k"), knockEvent } });
}

void NodeEvents::knockEnded(const QJsonObject &ended)
{
    send({ { str("t"), str("knock-ended") }, { str("k"), ended } });
}

void NodeEvents::answerKnock(const QString &node, const QString &knockId, bool admit)
{
    send({ { str("t"), str("knock-answer") },
           { str("to"), node },
           { str("knockId"), knockId },
           { str("admit"), admit } });
}

void NodeEvents::onKnockAnswer(const QJsonObject &event)
{
    if (event.value(str("to")).toString() == m_nodeId)
        d->lobby->remoteAnswer(event.value(str("knockId")).toString(),
                               event.value(str("admit")).toBool());
}

void NodeEvents::onLock(const QJsonObject &event)
{
    const QString name = event.value(str("room")).toString();
    if (name.isEmpty())
        return;
    // A room nobody has joined here yet is made, so that its first join here is refused.
    d->setRoomLocked(d->room(name), event.value(str("locked")).toBool(),
                     event.value(str("by")).toString(), nullptr);
}

void NodeEvents::onRemoveParticipant(const QJsonObject &event)
{
    if (event.value(str("to")).toString() != m_nodeId)
        return; // every node hears it; only the one holding the participant acts
    const auto it = d->rooms.find(event.value(str("room")).toString());
    if (it == d->rooms.end())
        return;
    const QString clientId = event.value(str("clientId")).toString();
    for (Session *member : it->second->members()) {
        if (member->clientId == clientId) {
            qCInfo(lcServer) << "node" << event.value(str("node")).toString()
                             << "removes participant" << clientId;
            d->removeParticipant(it->second.get(), member, event.value(str("by")).toString(),
                                 nullptr);
            return;
        }
    }
}

void NodeEvents::onJoined(const QJsonObject &event)
{
    const QJsonObject participant = event.value(str("p")).toObject();
    RemoteMember member{ participant.value(str("clientId")).toString(), participant,
                         event.value(str("node")).toString() };
    const QString roomName = event.value(str("room")).toString();
    if (member.clientId.isEmpty() || roomName.isEmpty())
        return;
    Room *r = d->room(roomName);
    if (r->hasLocalMember(member.clientId))
        return; // connected here now: this node is the one that announces it
    if (!r->addRemoteMember(member))
        return; // known already (a `hello` answer, or its node restarted)
    d->sendToMembers(
        r, { { str("type"), str("participant-joined") }, { str("participant"), participant } });
}

void NodeEvents::onLeft(const QJsonObject &event)
{
    const auto it = d->rooms.find(event.value(str("room")).toString());
    if (it == d->rooms.end())
        return;
    Room *r = it->second.get();
    const auto member = r->takeRemoteMember(event.value(str("clientId")).toString());
    if (!member)
        return;
    d->sendToMembers(r,
                     { { str("type"), str("participant-left") },
                       { str("clientId"), member->clientId },
                       { str("name"), event.value(str("name")).toString() },
                       { str("reason"), event.value(str("reason")).toString() } });
}

void NodeEvents::onPublished(const QJsonObject &event)
{
    const QString roomName = event.value(str("room")).toString();
    const qint64 index = event.value(str("index")).toInteger();
    if (d->room(roomName)->file(index))
        return; // loaded at start already
    // The row, not the message, says who may see it.
    if (std::optional<StoredFile> row = d->db.loadFile(roomName, index))
        adopt(std::move(*row));
}

void NodeEvents::onTakeover(const QJsonObject &event)
{
    const QJsonObject participant = event.value(str("p")).toObject();
    RemoteMember member{ participant.value(str("clientId")).toString(), participant,
                         event.value(str("node")).toString() };
    const QString roomName = event.value(str("room")).toString();
    if (member.clientId.isEmpty() || roomName.isEmpty())
        return;
    Room *r = d->room(roomName);
    // Held here (this node lost the client but not its life): it moves without leaving.
    const bool wasHere = d->releaseSession(r, member.clientId);
    // Now the sender's: a lost node's departure no longer takes it away. Announced only
    // if this node had let it go already (node-lost came first).
    if (r->addRemoteMember(member) && !wasHere) {
        d->sendToMembers(
            r, { { str("type"), str("participant-joined") }, { str("participant"), participant } });
    }
}

void NodeEvents::adopt(StoredFile row)
{
    Room *r = d->room(row.room);
    // Its sender may resume the upload here (a takeover): upload-done, not a new upload.
    d->publishedUploads.insert(row.uploadId, { row.room, row.index });
    // The data is on the sending node's disk until the storage is shared (docs/scale-out.md).
    row.storagePath = d->storage.filePath(row.storageId);
    r->setDownloadCount(row.index, row.downloads);
    const StoredFilePtr file = r->insertFile(std::move(row));
    d->fileExpiry.schedule({ file->room, file->index }, file->expiresAt);
    d->scheduleExpiry();
    d->announce(r, file);
}

void NodeEvents::resync()
{
    // Notifications sent while the connection was down are lost: ask the others for their
    // participants again, and take the files published meanwhile from their rows.
    send({ { str("t"), str("hello") } });
    qCInfo(lcServer) << "node" << m_nodeId << "reconnected";
    catchUpFiles();
    reconcile();
}

void NodeEvents::reconcile()
{
    if (!m_active)
        return;
    // Departures: a remote member whose session row is no longer present left (or was
    // removed) while this node's notifications were lost.
    if (const auto present = d->db.presentClients()) {
        for (const auto &[name, r] : d->rooms) {
            QStringList gone;
            for (const RemoteMember &m : r->remoteMembers()) {
                if (!present->contains(name + QLatin1Char('\n') + m.clientId))
                    gone.append(m.clientId);
            }
            for (const QString &clientId : std::as_const(gone)) {
                const auto member = r->takeRemoteMember(clientId);
                qCInfo(lcServer) << "participant" << clientId << "of room" << name
                                 << "left while this node heard nothing";
                d->sendToMembers(r.get(),
                                 { { str("type"), str("participant-left") },
                                   { str("clientId"), clientId },
                                   { str("name"), member->participant.value(str("name")) },
                                   { str("reason"), str("left") } });
            }
        }
    }
    // Removals: a file listed here whose row is gone was withdrawn, removed or expired.
    bool ok = false;
    const QList<StoredFile> rows = d->db.loadFiles(&ok);
    if (!ok)
        return;
    QSet<QString> listed;
    for (const StoredFile &row : rows)
        listed.insert(row.room + QLatin1Char('\n') + QString::number(row.index));
    for (const auto &[name, r] : d->rooms) {
        for (const StoredFilePtr &f : r->files()) {
            if (!listed.contains(name + QLatin1Char('\n') + QString::number(f->index))) {
                qCInfo(lcServer) << "file" << f->index << "of room" << name
                                 << "was removed while this node heard nothing";
                d->removeFile(r.get(), f->index, str("removed"),
                              RoomServerPrivate::Origin::OtherNode);
            }
        }
    }
}

void NodeEvents::catchUpFiles()
{
    if (!m_active)
        return;
    const QList<StoredFile> rows = d->db.loadFiles();
    int adopted = 0;
    for (const StoredFile &row : rows) {
        if (!d->room(row.room)->file(row.index)) {
            adopt(row);
            ++adopted;
        }
    }
    if (adopted > 0)
        qCInfo(lcServer) << "node" << m_nodeId << "listed" << adopted
                         << "files published meanwhile";
}

void NodeEvents::onRemoved(const QJsonObject &event)
{
    const auto it = d->rooms.find(event.value(str("room")).toString());
    if (it == d->rooms.end())
        return;
    d->removeFile(it->second.get(), event.value(str("index")).toInteger(),
                  event.value(str("reason")).toString(), RoomServerPrivate::Origin::OtherNode);
}

void NodeEvents::onDownloaded(const QJsonObject &event)
{
    const auto it = d->rooms.find(event.value(str("room")).toString());
    if (it == d->rooms.end())
        return;
    Room *r = it->second.get();
    const qint64 index = event.value(str("index")).toInteger();
    const qint64 count = event.value(str("count")).toInteger();
    // Counts only grow; an older event arriving late changes nothing.
    if (r->file(index) && count > r->downloadCount(index))
        r->setDownloadCount(index, count);
}

void NodeEvents::onDelivered(const QJsonObject &event)
{
    const auto it = d->rooms.find(event.value(str("room")).toString());
    if (it == d->rooms.end())
        return;
    Room *r = it->second.get();
    const StoredFilePtr file = r->file(event.value(str("index")).toInteger());
    const Delivery delivery{ event.value(str("clientId")).toString(),
                             event.value(str("name")).toString(),
                             event.value(str("at")).toInteger() };
    if (file && !delivery.clientId.isEmpty())
        d->recordDelivery(r, file, delivery, RoomServerPrivate::Origin::OtherNode);
}

void NodeEvents::onBan(const QJsonObject &event)
{
    // The row is in `bans` already (the banning node wrote it); memory is what joins check.
    const QString key = event.value(str("key")).toString();
    const qint64 until = event.value(str("until")).toInteger();
    if (!key.isEmpty() && until > d->bans.value(key))
        d->bans.insert(key, until);
}

void NodeEvents::onHello(const QString &node)
{
    // A new node knows nobody yet: tell it who is here.
    qCInfo(lcServer) << "node" << node << "said hello";
    const QHash<QString, bool> &switched = d->lobby->switchedRooms();
    for (auto it = switched.cbegin(); it != switched.cend(); ++it)
        lobbySwitched(it.key(), it.value());
    for (const auto &[name, r] : d->rooms) {
        if (r->isLocked())
            locked(name, true, QString());
        for (const Session *s : r->members()) {
            if (s->present)
                joined(*s);
        }
    }
}

void NodeEvents::onHeartbeat()
{
    d->db.checkConnection();
    send({ { str("t"), str("beat") } });
    const qint64 now = m_clock.elapsed();
    const qint64 silence = qint64(HeartbeatMs) * LostAfterBeats;
    // Not hearing itself means this node is the one cut off: nobody else is judged then.
    if (now - m_selfHeard > silence)
        return;
    QStringList lost;
    for (auto it = m_lastHeard.cbegin(); it != m_lastHeard.cend(); ++it) {
        if (now - it.value() > silence)
            lost.append(it.key());
    }
    for (const QString &node : std::as_const(lost)) {
        qCWarning(lcServer) << "node" << node << "fell silent; its participants leave";
        m_lastHeard.remove(node);
        dropNode(node, str("node-lost"));
    }
}

void NodeEvents::dropNode(const QString &node, const QString &reason)
{
    for (const auto &[name, r] : d->rooms) {
        const QList<RemoteMember> gone = r->takeRemoteMembersOf(node);
        for (const RemoteMember &m : gone) {
            d->sendToMembers(r.get(),
                             { { str("type"), str("participant-left") },
                               { str("clientId"), m.clientId },
                               { str("name"), m.participant.value(str("name")).toString() },
                               { str("reason"), reason } });
        }
    }
}

} // namespace Roomshare::Server
