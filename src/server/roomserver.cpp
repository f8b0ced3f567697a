#include "roomserver.h"
#include "connection_p.h"
#include "hostaddresses.h"
#include "listener_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <sha256.h>

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QWebSocket>

#include <allocator.h>
#include <filesync.h>

#include <cstdio>

namespace Roomshare::Server {

Q_LOGGING_CATEGORY(lcServer, "roomshare.server")

namespace {
// Even with a precise deadline the expiry timer wakes at least this often, which keeps
// expiry right if the wall clock jumps.
constexpr qint64 MaxExpiryCheckMs = 30000;
constexpr int MaxPendingConnections = 128;
// Ids reserved per database write (see nextClientId).
constexpr quint64 CounterBlock = 1000;
// Ids of cancelled or failed uploads remembered to ignore their late data.
constexpr int MaxRememberedUploads = 4096;

qint64 monotonicMs()
{
    QElapsedTimer clock;
    clock.start();
    return clock.msecsSinceReference();
}
} // namespace

RoomServerPrivate::RoomServerPrivate(RoomServer *q, ServerOptions options)
    : q(q)
    , options(std::move(options))
    , syncer(std::make_unique<Syncer>(q))
{
    lobby = std::make_unique<Lobby>(this);
    nodes = std::make_unique<NodeEvents>(this);
    commitTimer.setSingleShot(true);
    commitTimer.setInterval(0);
    commitTimer.callOnTimeout([this] { flushCommits(CommitSync::OffThread); });
}

Room *RoomServerPrivate::room(const QString &name)
{
    auto &slot = rooms[name];
    if (!slot) {
        slot = std::make_unique<Room>(name);
        db.saveRoom(name, slot->nextIndex());
        qCInfo(lcServer) << "room" << name << "created";
    }
    return slot.get();
}

QString RoomServerPrivate::nextClientId()
{
    // Counters are reserved in blocks in the database, so ids stay unique across restarts
    // and across servers sharing the database (a crash skips the rest of a block) without
    // a write per id.
    if (clientCounter >= clientCounterReserved) {
        const qint64 top = db.reserveCounter(QStringLiteral("client"), qint64(CounterBlock));
        if (top > 0) {
            clientCounterReserved = quint64(top);
            clientCounter = clientCounterReserved - CounterBlock;
        } else {
            qCWarning(lcServer) << "cannot reserve client ids; ids may repeat after a restart";
            clientCounterReserved = clientCounter + CounterBlock;
        }
    }
    return QLatin1Char('c') + QString::number(++clientCounter);
}

quint32 RoomServerPrivate::nextTransferId()
{
    // Upload and download ids share one counter so log lines are unambiguous; 0 is skipped
    // after the (theoretical) wrap-around.
    for (;;) {
        if (transferCounter == transferCounterReserved) {
            const qint64 top = db.reserveCounter(QStringLiteral("transfer"), qint64(CounterBlock));
            if (top > 0) {
                transferCounterReserved = quint32(top);
            } else {
                qCWarning(lcServer) << "cannot reserve transfer ids; ids may repeat";
                transferCounterReserved = transferCounter + quint32(CounterBlock);
            }
            transferCounter = transferCounterReserved - quint32(CounterBlock);
        }
        if (++transferCounter == 0)
            continue;
        if (!uploads.count(transferCounter) && !publishedUploads.contains(transferCounter))
            return transferCounter;
    }
}

int RoomServerPrivate::sessionGraceMs() const
{
    return options.sessionGraceMs >= 0 ? options.sessionGraceMs : options.idleTimeoutMs;
}

bool RoomServerPrivate::loadState(QString *error)
{
    if (!storage.open(options.dataDir, error))
        return false;
    const QString database = options.databaseUrl.isEmpty()
        ? QDir(storage.dataDir()).absoluteFilePath(QStringLiteral("roomshare.db"))
        : options.databaseUrl;
    if (!db.open(database, error))
        return false;
    if (!options.storage.isEmpty() && !openObjectStore(error))
        return false;
    // Listening before anything is loaded: an event sent meanwhile is applied after the
    // load (and one about what was loaded already changes nothing).
    if (!nodes->start(error))
        return false;
    // The first id handed out reserves a block (nextClientId()).
    clientCounter = clientCounterReserved = 0;
    transferCounter = transferCounterReserved = 0;

    const auto roomRows = db.loadRooms();
    for (auto it = roomRows.cbegin(); it != roomRows.cend(); ++it) {
        auto &slot = rooms[it.key()];
        slot = std::make_unique<Room>(it.key());
        slot->setNextIndex(it.value());
    }
    QSet<QString> knownFiles;
    QSet<QString> knownPartials;
    // A shared database (PostgreSQL) may hold other servers' uploads and files, whose data
    // is on their disks: never delete those rows, just leave them out here.
    const bool shared = db.backend() == Database::Backend::Postgres;

    // Uploads: a partial file is cut back to its durable offset. An upload whose partial is
    // gone but whose file is in files/ crashed between the rename and the publishing
    // transaction: if the bytes verify, publish it now (nobody has heard of it yet, so it
    // is still announced exactly once); otherwise forget it.
    const QList<Upload *> uploadRows = db.loadUploads();
    QList<Upload *> toPublish;
    for (Upload *raw : uploadRows) {
        std::unique_ptr<Upload> u(raw);
        if (objects) {
            adoptObjectUpload(std::move(u));
            continue;
        }
        const QString partial = storage.partialPath(u->storageId);
        const QString final = storage.filePath(u->storageId);
        if (QFile::exists(partial)) {
            QFile f(partial);
            const qint64 size = f.size();
            if (size < u->durable)
                u->durable = size; // cannot happen after fdatasync; be safe anyway
            if (size != u->durable && !f.resize(u->durable)) {
                qCWarning(lcServer) << "cannot truncate" << partial << "; dropping upload" << u->id;
                db.deleteUpload(u->id);
                continue;
            }
            u->received = u->durable;
            u->acked = u->durable;
            knownPartials.insert(u->storageId);
            addUpload(std::move(u));
        } else if (QFile::exists(final) && u->endReceived) {
            knownFiles.insert(u->storageId);
            toPublish.append(u.release());
        } else if (shared) {
            qCInfo(lcServer) << "upload" << u->id << "has no data here; leaving it alone";
        } else {
            qCInfo(lcServer) << "upload" << u->id << "lost its data; forgetting it";
            db.deleteUpload(u->id);
        }
    }

    const QList<StoredFile> fileRows = db.loadFiles();
    for (StoredFile f : fileRows) {
        f.storagePath = storage.filePath(f.storageId);
        // Objects are not checked one by one at start; a lost one fails its downloads.
        const bool present = objects || QFile::exists(f.storagePath);
        if (!present && shared) {
            // Another node's: listed, as those announced while this node runs are
            // (nodeevents.cpp), though its data is on that node's disk.
            qCInfo(lcServer) << "file" << f.index << "of room" << f.room
                             << "has no data here (another node's)";
        } else if (!present) {
            qCWarning(lcServer) << "file" << f.index << "of room" << f.room
                                << "lost its storage; removing it";
            db.deleteFile(f.room, f.index);
            continue;
        } else {
            knownFiles.insert(f.storageId);
        }
        publishedUploads.insert(f.uploadId, { f.room, f.index });
        room(f.room)->setDownloadCount(f.index, f.downloads);
        const StoredFilePtr stored = room(f.room)->insertFile(std::move(f));
        fileExpiry.schedule({ stored->room, stored->index }, stored->expiresAt);
    }

    const auto receipts = db.loadDeliveries();
    for (auto r = receipts.cbegin(); r != receipts.cend(); ++r) {
        Room *rm = room(r.key());
        for (auto f = r.value().cbegin(); f != r.value().cend(); ++f) {
            if (!rm->file(f.key()))
                continue;
            for (const Delivery &d : f.value())
                rm->addDelivery(f.key(), d);
        }
    }

    // Published with one group commit; publishedUploads tells which succeeded.
    std::vector<std::pair<quint32, QString>> recovered; // upload id, storage id
    for (Upload *raw : toPublish) {
        std::unique_ptr<Upload> u(raw);
        const QByteArray sha = Sha256::hashFile(storage.filePath(u->storageId));
        if (QFileInfo(storage.filePath(u->storageId)).size() == u->size
            && QString::fromLatin1(sha.toHex()) == u->clientSha256) {
            u->inPlace = true;
            Upload *kept = u.get();
            recovered.emplace_back(kept->id, kept->storageId);
            addUpload(std::move(u));
            queuePublish(kept);
        } else {
            qCWarning(lcServer) << "recovered upload" << u->id << "does not verify; dropping it";
            knownFiles.remove(u->storageId);
            db.deleteUpload(u->id);
        }
    }
    flushCommits();
    for (const auto &[id, storageId] : recovered) {
        if (publishedUploads.contains(id)) {
            qCInfo(lcServer) << "published upload" << id
                             << "that was interrupted before its announcement";
        } else {
            qCWarning(lcServer) << "cannot publish recovered upload" << id;
            knownFiles.remove(storageId);
        }
    }

    bans = db.loadBans(QDateTime::currentSecsSinceEpoch());
    const QList<Session *> sessionRows = db.loadSessions();
    QList<Session *> wereInRooms;
    for (Session *raw : sessionRows) {
        sessions[raw->id].reset(raw);
        sessionExpiry.schedule(raw->id, raw->lastSeenMs + options.partialTtlSeconds * 1000);
        // On a shared database, others' participants are those nodes' to keep or lose.
        if (raw->present && (!shared || raw->node.isEmpty() || raw->node == nodes->homeNode()))
            wereInRooms.append(raw);
        else
            raw->present = false;
    }
    // A restart is everyone's connection dropping at once: those who were in a room stay
    // members for the grace period, as after any drop. Otherwise the first one back would
    // see the others leave, and a file targeted at them would lose them as recipients.
    for (Session *s : std::as_const(wereInRooms)) {
        room(s->room)->addMember(s);
        startGrace(s);
        // The other nodes knew them under this node's previous run: now they are this run's.
        nodes->joined(*s);
    }

    if (objects)
        sweepObjectStore();
    else
        storage.sweep(knownPartials, knownFiles);
    qCInfo(lcServer) << "loaded" << rooms.size() << "rooms," << fileRows.size() << "files,"
                     << uploads.size() << "partial uploads," << sessions.size() << "sessions";
    return true;
}

// ---- sessions ------------------------------------------------------------------------

Session *RoomServerPrivate::newSession(const QString &roomName, const QString &name,
                                       const QString &role)
{
    auto s = std::make_unique<Session>();
    QByteArray secret(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()), 4);
    s->id = QString::fromLatin1(
        secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    s->room = roomName;
    s->clientId = nextClientId();
    s->name = name;
    s->role = role;
    Session *raw = s.get();
    sessions[raw->id] = std::move(s);
    sessionExpiry.schedule(raw->id,
                           QDateTime::currentMSecsSinceEpoch() + options.partialTtlSeconds * 1000);
    return raw;
}

Session *RoomServerPrivate::session(const QString &id) const
{
    const auto it = sessions.find(id);
    return it == sessions.end() ? nullptr : it->second.get();
}

void RoomServerPrivate::sendToMembers(Room *r, const QJsonObject &message, const Session *except)
{
    const auto members = r->members();
    for (Session *s : members) {
        if (s != except && s->connection)
            s->connection->sendJson(message);
    }
}

void RoomServerPrivate::enter(Session *s)
{
    Room *r = room(s->room);
    const QJsonObject event{ { QStringLiteral("type"), QStringLiteral("participant-joined") },
                             { QStringLiteral("participant"), s->participantJson() } };
    sendToMembers(r, event, s);
    r->addMember(s);
    s->present = true;
    nodes->joined(*s);
    Q_EMIT q->participantJoined(r->name(), s->clientId);
}

void RoomServerPrivate::detached(Session *s)
{
    s->connection = nullptr;
    s->lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    db.saveSession(*s);
    if (!s->present)
        return;
    startGrace(s);
}

void RoomServerPrivate::startGrace(Session *s)
{
    const int grace = sessionGraceMs();
    if (grace <= 0)
        return leave(s);
    s->graceTimer = std::make_unique<QTimer>();
    s->graceTimer->setSingleShot(true);
    const QString id = s->id;
    QObject::connect(s->graceTimer.get(), &QTimer::timeout, q, [this, id] {
        Session *gone = session(id);
        if (gone && !gone->connection) {
            // Deleting the timer from its own timeout is not safe; do it on the next turn.
            gone->graceTimer.release()->deleteLater();
            leave(gone);
        }
    });
    s->graceTimer->start(grace);
}

void RoomServerPrivate::leave(Session *s, const QString &reason)
{
    if (!s->present)
        return;
    s->present = false;
    db.saveSession(*s);
    Room *r = room(s->room);
    r->removeMember(s);
    const QJsonObject event{ { QStringLiteral("type"), QStringLiteral("participant-left") },
                             { QStringLiteral("clientId"), s->clientId },
                             { QStringLiteral("name"), s->name },
                             { QStringLiteral("reason"), reason } };
    sendToMembers(r, event);
    nodes->left(*s, reason);
    qCInfo(lcServer) << s->clientId << "left room" << r->name() << reason;
    Q_EMIT q->participantLeft(r->name(), s->clientId);
}

void RoomServerPrivate::endSession(Session *s, const QString &reason)
{
    s->graceTimer.reset();
    leave(s, reason);
    std::vector<quint32> owned;
    for (const auto &[id, u] : uploads) {
        if (u->sessionId == s->id)
            owned.push_back(id);
    }
    for (const quint32 id : owned)
        dropUpload(id);
    db.deleteSession(s->id);
    sessionExpiry.remove(s->id);
    sessions.erase(s->id);
}

// ---- uploads and files ---------------------------------------------------------------

Upload *RoomServerPrivate::upload(quint32 id) const
{
    const auto it = uploads.find(id);
    return it == uploads.end() ? nullptr : it->second.get();
}

Upload *RoomServerPrivate::addUpload(std::unique_ptr<Upload> u)
{
    Upload *raw = u.get();
    partialExpiry.schedule(raw->id, raw->lastActivityMs + options.partialTtlSeconds * 1000);
    uploads.emplace(raw->id, std::move(u));
    scheduleExpiry();
    return raw;
}

void RoomServerPrivate::noteUndurable(const Upload *u)
{
    if (u->object)
        return; // no checkpoints: S3 makes parts durable as they are stored
    checkpointsDue.scheduleIfAbsent(u->id, u->sinceDurable.msecsSinceReference() + 1000);
}

bool RoomServerPrivate::makeDurable(Upload *u)
{
    u->sinceDurable.restart();
    // In an object store, the parts S3 confirmed are recorded as they come (openObject).
    if (u->received == u->durable || u->object)
        return true;
    // The data first, then the record: a recorded offset never runs ahead of the disk.
    if (u->file && !Storage::sync(*u->file)) {
        qCWarning(lcServer) << "cannot sync upload" << u->id << u->file->errorString();
        return false;
    }
    if (!db.updateUploadProgress(u->id, u->received, u->lastActivityMs))
        return false;
    u->durable = u->received;
    return true;
}

void RoomServerPrivate::checkpoint(Upload *u)
{
    if (u->syncPending || !u->file || u->received == u->durable)
        return;
    u->sinceDurable.restart();
    const int fd = FileSync::duplicate(u->file->handle());
    if (fd < 0) {
        makeDurable(u);
        return;
    }
    u->syncPending = true;
    syncer->sync(fd,
                 [this, id = u->id, offset = u->received](bool ok) { onSynced(id, offset, ok); });
}

void RoomServerPrivate::onSynced(quint32 uploadId, qint64 offset, bool ok)
{
    Upload *u = upload(uploadId);
    if (!u)
        return; // published, dropped or cancelled meanwhile
    u->syncPending = false;
    if (ok && offset <= u->durable)
        return; // a synchronous makeDurable() got further meanwhile
    if (!ok || !db.recordCheckpoint(u->id, offset, u->lastActivityMs)) {
        qCWarning(lcServer) << "cannot make upload" << uploadId << "durable";
        Connection *connection = u->connection;
        dropUpload(uploadId);
        if (connection)
            connection->sendUploadFailed(uploadId, ErrorCode::StorageError,
                                         QStringLiteral("The server could not sync the file to "
                                                        "disk (disk full or failing)"));
        return;
    }
    u->durable = offset;
}

void RoomServerPrivate::dropUpload(quint32 id)
{
    const auto it = uploads.find(id);
    if (it == uploads.end())
        return;
    qCDebug(lcServer) << "upload" << id << "dropped";
    it->second->file.reset();
    if (objects)
        discardObjectUpload(*it->second);
    else
        Storage::remove(storage.partialPath(it->second->storageId));
    db.deleteUpload(id);
    partialExpiry.remove(id);
    checkpointsDue.remove(id);
    uploads.erase(it);
    if (endedUploads.size() >= MaxRememberedUploads)
        endedUploads.clear();
    endedUploads.insert(id);
}

void RoomServerPrivate::announce(Room *r, const StoredFilePtr &file)
{
    const auto members = r->members();
    for (Session *s : members) {
        if (s->connection)
            s->connection->offerFile(file);
    }
    Q_EMIT q->fileAvailable(r->name(), file->index);
}

void RoomServerPrivate::countDownload(Room *room, qint64 index)
{
    if (!room->file(index))
        return;
    // The row counts every node's downloads (nodes sharing a database): the limit holds
    // across them. The memory's count stands when the database cannot answer.
    const qint64 count = qMax(room->downloadCount(index) + 1, db.addDownload(room->name(), index));
    room->setDownloadCount(index, count);
    nodes->downloaded(room->name(), index, count);
    const qint64 limit = room->file(index)->maxDownloads;
    if (limit > 0 && count >= limit) {
        qCInfo(lcServer) << "file" << index << "reached its" << limit << "downloads";
        removeFile(room, index, QStringLiteral("withdrawn"));
    }
}

void RoomServerPrivate::recordDelivery(Room *r, const StoredFilePtr &file, const Delivery &delivery,
                                       Origin origin)
{
    if (!r->addDelivery(file->index, delivery))
        return;
    if (origin == Origin::ThisNode) {
        db.addDelivery(r->name(), file->index, delivery);
        nodes->delivered(r->name(), file->index, delivery);
    }
    // Only the sender (any session of its owner) and moderators hear of it.
    const QJsonObject event{ { QStringLiteral("type"), QStringLiteral("file-delivered") },
                             { QStringLiteral("index"), file->index },
                             { QStringLiteral("clientId"), delivery.clientId },
                             { QStringLiteral("name"), delivery.name },
                             { QStringLiteral("at"), delivery.at } };
    for (Session *s : r->members()) {
        const bool sender
            = s->clientId == file->senderId || (!file->owner.isEmpty() && s->owner == file->owner);
        if (s->connection && (sender || s->role == QLatin1String("moderator")))
            s->connection->sendJson(event);
    }
}

void RoomServerPrivate::removeFile(Room *r, qint64 index, const QString &reason, Origin origin)
{
    const StoredFilePtr file = r->takeFile(index);
    if (!file)
        return;
    fileExpiry.remove({ r->name(), index });
    qCInfo(lcServer) << "file" << index << "of room" << r->name() << "removed:" << reason
                     << (origin == Origin::OtherNode ? "(by another node)" : "");
    if (origin == Origin::ThisNode) {
        db.deleteFile(r->name(), index);
        nodes->removed(r->name(), index, reason);
    }
    publishedUploads.remove(file->uploadId);
    const auto members = r->members();
    for (Session *s : members) {
        if (s->connection)
            s->connection->withdrawFile(file, reason);
    }
    if (objects)
        objects->removeObject(file->storageId);
    else
        Storage::remove(file->storagePath);
    scheduleExpiry();
    Q_EMIT q->fileRemoved(r->name(), index, reason);
}

void RoomServerPrivate::connectionClosed(Connection *connection)
{
    connections.removeAll(connection);
    lobby->withdraw(connection);
    if (Session *s = connection->session(); s && s->connection == connection)
        detached(s);
    connection->deleteLater();
}

void RoomServerPrivate::onNewConnection()
{
    while (QWebSocket *socket = webSocketServer->nextPendingConnection()) {
        qCDebug(lcServer) << "connection from" << socket->peerAddress().toString()
                          << socket->peerPort();
        listener->upgraded(socket->peerAddress(), socket->peerPort());
        if (!admitConnection(socket))
            continue;
        auto *connection = new Connection(this, socket);
        connection->setParent(q);
        connections.append(connection);
    }
}

void RoomServerPrivate::onPingTimer()
{
    const auto all = connections;
    for (Connection *c : all)
        c->checkLiveness();
}

void RoomServerPrivate::onDurableTimer()
{
    // At most a second of received data is ever not yet durable.
    ++scanCounts.scans;
    const qint64 now = monotonicMs();
    for (const quint32 id : checkpointsDue.takeDue(now)) {
        ++scanCounts.visited;
        Upload *u = upload(id);
        if (!u || !u->connection || u->received == u->durable)
            continue; // indexed again by its next chunk
        if (u->sinceDurable.elapsed() >= 1000)
            checkpoint(u);
        // Still not durable: a checkpoint is on its way or the last one was recent.
        if (u->received != u->durable)
            checkpointsDue.schedule(id,
                                    qMax(u->sinceDurable.msecsSinceReference() + 1000, now + 1));
    }
}

void RoomServerPrivate::scheduleExpiry()
{
    const qint64 earliest
        = qMin(fileExpiry.earliest(), qMin(partialExpiry.earliest(), sessionExpiry.earliest()));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 wait
        = earliest == std::numeric_limits<qint64>::max() ? MaxExpiryCheckMs : earliest - now;
    expiryTimer.start(int(qBound<qint64>(0, wait, MaxExpiryCheckMs)));
}

void RoomServerPrivate::expireFiles()
{
    ++scanCounts.scans;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[roomName, index] : fileExpiry.takeDue(now)) {
        ++scanCounts.visited;
        if (const auto it = rooms.find(roomName); it != rooms.end())
            removeFile(it->second.get(), index, QStringLiteral("expired"));
    }
    expirePartials();
    scheduleExpiry();
}

void RoomServerPrivate::expirePartials()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 ttlMs = options.partialTtlSeconds * 1000;
    for (const quint32 id : partialExpiry.takeDue(now)) {
        ++scanCounts.visited;
        Upload *u = upload(id);
        if (!u)
            continue;
        if (u->lastActivityMs + ttlMs > now) {
            partialExpiry.schedule(id, u->lastActivityMs + ttlMs); // it received data since
            continue;
        }
        qCInfo(lcServer) << "partial upload" << id << "abandoned; deleting it";
        if (Connection *c = u->connection) {
            c->sendUploadFailed(id, ErrorCode::UploadFailed,
                                QStringLiteral("Upload %1 received nothing for %2 seconds and "
                                               "was abandoned")
                                    .arg(id)
                                    .arg(options.partialTtlSeconds));
        }
        dropUpload(id);
    }
    // Sessions nobody came back to are forgotten after the same time.
    for (const QString &id : sessionExpiry.takeDue(now)) {
        ++scanCounts.visited;
        Session *s = session(id);
        if (!s)
            continue;
        if (s->connection || s->present)
            sessionExpiry.schedule(id, now + ttlMs);
        else if (s->lastSeenMs + ttlMs > now)
            sessionExpiry.schedule(id, s->lastSeenMs + ttlMs);
        else {
            db.deleteSession(id);
            sessions.erase(id);
        }
    }
}

void RoomServerPrivate::closeAll()
{
    if (listener)
        listener->dropPending();
    flushCommits(); // verified uploads are published, not left half done
    const auto all = connections;
    connections.clear();
    // Knocks end first, while every moderator they are reported to still exists (ending one
    // after its moderator's connection was deleted wrote to freed memory; ASan found it).
    for (Connection *c : all)
        lobby->withdraw(c);
    for (Connection *c : all) {
        c->shutdown();
        delete c;
    }
    for (auto &[id, s] : sessions) {
        s->connection = nullptr;
        s->present = false;
        s->graceTimer.reset();
    }
    for (auto &[id, u] : uploads) {
        makeDurable(u.get());
        u->file.reset();
        u->connection = nullptr;
    }
    uploads.clear();
    sessions.clear();
    publishedUploads.clear();
    rooms.clear();
    fileExpiry.clear();
    partialExpiry.clear();
    sessionExpiry.clear();
    checkpointsDue.clear();
    expiryTimer.stop();
    pingTimer.stop();
    durableTimer.stop();
    nodes->stop();
    db.close();
}

// ---- RoomServer ----------------------------------------------------------------------

RoomServer::RoomServer(ServerOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<RoomServerPrivate>(this, std::move(options)))
{
    tuneAllocatorForChunks();
    d->pingTimer.setInterval(qMax(100, d->options.pingIntervalMs));
    connect(&d->pingTimer, &QTimer::timeout, this, [this] { d->onPingTimer(); });
    d->expiryTimer.setSingleShot(true);
    connect(&d->expiryTimer, &QTimer::timeout, this, [this] { d->expireFiles(); });
    d->durableTimer.setInterval(250);
    connect(&d->durableTimer, &QTimer::timeout, this, [this] { d->onDurableTimer(); });
}

RoomServer::~RoomServer()
{
    close();
    // Connections that closed and await deleteLater still refer to d: delete them now.
    qDeleteAll(findChildren<Connection *>(QString(), Qt::FindDirectChildrenOnly));
}

bool RoomServer::listen(QString *error)
{
    auto fail = [error](const QString &why) {
        qCWarning(lcServer).noquote() << why;
        if (error)
            *error = why;
        return false;
    };
    if (isListening())
        return true;
    if (d->options.secret.isEmpty())
        return fail(QStringLiteral("no secret configured; join tokens could not be verified"));
    QString why;
    if (!d->loadState(&why)) {
        d->closeAll();
        return fail(why);
    }

    if (d->options.tlsCertificate.isNull() != d->options.tlsKey.isNull())
        return fail(QStringLiteral("TLS needs both a certificate and its key"));
    // TLS and the first line are handled by the Listener, which hands WebSocket peers on.
    auto *server = new QWebSocketServer(QStringLiteral("roomshare-server"),
                                        QWebSocketServer::NonSecureMode, this);
    d->configureSecurity(server);
    connect(server, &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    d->webSocketServer = server;
    auto *listener = new Listener(d.get(), this);
    // The kernel's queue of connections not yet accepted (setMaxPendingConnections would
    // bound Qt's own queue, which the Listener does not use).
    listener->setListenBacklogSize(MaxPendingConnections);
    if (!listener->listen(d->options.listenAddress, d->options.port)) {
        const QString message = QStringLiteral("cannot listen on %1 port %2: %3")
                                    .arg(d->options.listenAddress.toString())
                                    .arg(d->options.port)
                                    .arg(listener->errorString());
        delete listener;
        delete server;
        d->webSocketServer = nullptr;
        d->closeAll();
        return fail(message);
    }
    d->listener = listener;
    d->pingTimer.start();
    d->durableTimer.start();
    d->scheduleExpiry();
    qCInfo(lcServer).noquote() << "listening on" << url().toString() << "data in"
                               << d->storage.dataDir();
    return true;
}

void RoomServer::close()
{
    if (!d->listener)
        return;
    d->closeAll();
    d->listener->close();
    delete d->listener;
    d->listener = nullptr;
    delete d->webSocketServer;
    d->webSocketServer = nullptr;
}

bool RoomServer::isListening() const
{
    return d->listener && d->listener->isListening();
}

QUrl RoomServer::url() const
{
    if (!isListening())
        return QUrl();
    QHostAddress address = d->listener->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4
        || address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHost);
    QUrl url;
    url.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(address.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

QList<ServerEndpoint> RoomServer::endpoints() const
{
    if (!isListening())
        return {};
    QList<ServerEndpoint> out;
    for (const QUrl &url : d->options.publicUrls) {
        const bool secure = url.scheme() == QLatin1String("wss");
        const ServerEndpoint e{ url.host(), quint16(url.port(secure ? 443 : 80)) };
        if (!out.contains(e))
            out.append(e);
    }
    if (!out.isEmpty())
        return out;
    const auto addresses = HostAddresses::candidates(d->listener->serverAddress());
    for (const QHostAddress &a : addresses)
        out.append({ a.toString(), port() });
    const QString name
        = d->advertisedHostName.isEmpty() ? d->options.advertisedHostName : d->advertisedHostName;
    if (!name.isEmpty() && !out.isEmpty())
        out.append({ name, port() });
    if (out.isEmpty())
        out.append({ url().host(), port() });
    return out;
}

void RoomServer::setAdvertisedHostName(const QString &name)
{
    d->advertisedHostName = name;
}

bool RoomServer::linksAreSecure() const
{
    if (!d->options.publicUrls.isEmpty())
        return d->options.publicUrls.constFirst().scheme() == QLatin1String("wss");
    return isSecure();
}

QString RoomServer::inviteLink(const JoinClaims &claims) const
{
    InviteLink link = InviteLink::forEndpoints(endpoints(), linksAreSecure(), claims.room,
                                               Token::sign(claims, d->options.secret));
    // A proxy in front that ends TLS itself shows its own certificate, which the system's
    // CAs vouch for; ours would not match it.
    if (link.secure && isSecure())
        link.certFingerprint = certificateFingerprint();
    return link.toString();
}

QString RoomServer::webInviteLink(const JoinClaims &claims) const
{
    return InviteLink::forEndpoints(endpoints().mid(0, 1), linksAreSecure(), claims.room,
                                    Token::sign(claims, d->options.secret))
        .toWebString();
}

quint16 RoomServer::port() const
{
    return isListening() ? d->listener->serverPort() : 0;
}

const ServerOptions &RoomServer::options() const
{
    return d->options;
}

QString RoomServer::dataDir() const
{
    return d->storage.dataDir();
}

QString RoomServer::partialDir() const
{
    return d->storage.partialDir();
}

QString RoomServer::filesDir() const
{
    return d->storage.filesDir();
}

int RoomServer::connectionCount() const
{
    return int(d->connections.size());
}

int RoomServer::roomCount() const
{
    return int(d->rooms.size());
}

int RoomServer::participantCount(const QString &room) const
{
    int n = 0;
    for (const auto &[name, r] : d->rooms) {
        if (room.isEmpty() || name == room)
            n += int(r->members().size());
    }
    return n;
}

int RoomServer::fileCount(const QString &room) const
{
    int n = 0;
    for (const auto &[name, r] : d->rooms) {
        if (room.isEmpty() || name == room)
            n += r->fileCount();
    }
    return n;
}

int RoomServer::uploadCount() const
{
    return int(d->uploads.size());
}

int RoomServer::sessionCount() const
{
    return int(d->sessions.size());
}

qint64 RoomServer::largestSendBacklog() const
{
    qint64 largest = 0;
    for (const Connection *c : d->connections)
        largest = qMax(largest, c->dataBacklog());
    return largest;
}

qint64 RoomServer::largestUnclaimedReadAhead() const
{
    return d->listener ? d->listener->largestUnclaimedReadAhead() : 0;
}

RoomServer::ScanCounts RoomServer::scanCounts() const
{
    return d->scanCounts;
}

qint64 RoomServer::zeroCopyChunks() const
{
    return d->zeroCopyChunks;
}

int RoomServer::downloadCount() const
{
    int n = 0;
    for (const Connection *c : d->connections)
        n += c->downloadCount();
    return n;
}

} // namespace Roomshare::Server
