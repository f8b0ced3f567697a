// The group commit: recording new uploads and publishing verified ones, many at a time.
// See docs/protocol.md, "Persistence (server)".

#include "connection_p.h"
#include "filesync.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <sha256.h>

#include <QDateTime>
#include <QThread>

#include <cstdio>

namespace Roomshare::Server {

namespace {
// Files with at most this much not yet durable (checkpoints sync the rest as it arrives)
// are synced together with one syncfs() (Storage::syncGroup()); larger ones one by one.
constexpr qint64 SmallUnsyncedBytes = 1024 * 1024;

// Test-only (docs/protocol.md, "Test hooks"): sleep this long between moving verified
// uploads into place and the transaction that publishes them, so a test can kill the
// server at the most delicate moment.
int faultPauseBeforeAnnounceMs()
{
    static const int ms = qEnvironmentVariableIntValue("ROOMSHARE_FAULT_PAUSE_BEFORE_ANNOUNCE_MS");
    return ms;
}

// Test-only, the same after the publish transaction committed and before anyone is told:
// a node killed then has announced the files to the other nodes, not to its own clients.
int faultPauseAfterPublishMs()
{
    static const int ms = qEnvironmentVariableIntValue("ROOMSHARE_FAULT_PAUSE_AFTER_PUBLISH_MS");
    return ms;
}
} // namespace

void RoomServerPrivate::failUpload(quint32 id, ErrorCode code, const QString &desc)
{
    Upload *u = upload(id);
    if (!u)
        return;
    qCInfo(lcServer) << "upload" << id << "failed:" << int(code) << desc;
    if (Connection *c = u->connection)
        c->sendUploadFailed(id, code, desc);
    dropUpload(id);
}

void RoomServerPrivate::queueRecord(quint32 id, Connection *connection, const QJsonValue &rid)
{
    pendingRecords.push_back(PendingRecord{ id, connection, rid });
    if (!commitTimer.isActive())
        commitTimer.start();
}

void RoomServerPrivate::queueAck(quint32 id)
{
    pendingAcks.push_back(id);
    if (!commitTimer.isActive())
        commitTimer.start();
}

void RoomServerPrivate::queuePublish(Upload *u)
{
    // With an object store, publishing is two-phase: the object is completed first.
    if (objects && !u->inPlace)
        return sealObjectUpload(u, false);
    u->publishQueued = true;
    pendingPublishes.push_back(u->id);
    if (!commitTimer.isActive())
        commitTimer.start();
}

void RoomServerPrivate::flushCommits(CommitSync sync)
{
    commitTimer.stop();
    // Written to the socket buffers now, sent with everything else of this turn.
    for (const quint32 id : std::exchange(pendingAcks, {})) {
        if (const Upload *u = upload(id); u && u->connection)
            u->connection->sendUploadAckNow(*u);
    }
    if (syncingGroup) {
        // Groups are committed in order: what was queued since waits for this one.
        if (sync == CommitSync::OffThread)
            return;
        // Called directly (shutdown, tests): that group is finished here, its data synced
        // again on this thread (cheap: the Syncer's sync may have done it). Its completion
        // finds nothing left to do.
        GroupCommit group = std::move(*syncingGroup);
        syncingGroup.reset();
        ++groupGeneration;
        commitGroup(std::move(group), {});
    }
    if (pendingRecords.empty() && pendingPublishes.empty())
        return;
    GroupCommit group{ std::exchange(pendingRecords, {}), std::exchange(pendingPublishes, {}), {} };
    if (sync == CommitSync::OffThread) {
        // Step 1, the data sync, on the Syncer's thread: under writeback it takes tens to
        // hundreds of milliseconds, during which the event loop goes on serving everyone.
        std::vector<int> fds;
        bool together = true;
        for (const quint32 id : group.publishes) {
            Upload *u = upload(id);
            if (!u || !u->publishQueued || !u->file)
                continue;
            const int fd = u->file->flush() ? FileSync::duplicate(u->file->handle()) : -1;
            if (fd < 0)
                continue; // synced (and its failure reported) on this thread
            fds.push_back(fd);
            group.syncedOffThread.push_back(id);
            together = together && u->received - u->durable <= SmallUnsyncedBytes;
        }
        if (!fds.empty()) {
            syncingGroup = std::move(group);
            const quint64 generation = ++groupGeneration;
            syncer->syncGroup(std::move(fds), together,
                              [this, generation](std::vector<bool> synced) {
                                  onGroupSynced(generation, std::move(synced));
                              });
            return;
        }
    }
    commitGroup(std::move(group), {});
}

void RoomServerPrivate::onGroupSynced(quint64 generation, std::vector<bool> synced)
{
    if (!syncingGroup || generation != groupGeneration)
        return;
    GroupCommit group = std::move(*syncingGroup);
    syncingGroup.reset();
    QHash<quint32, bool> outcome;
    for (size_t i = 0; i < group.syncedOffThread.size() && i < synced.size(); ++i)
        outcome.insert(group.syncedOffThread[i], synced[i]);
    commitGroup(std::move(group), outcome);
    if (!pendingRecords.empty() || !pendingPublishes.empty())
        commitTimer.start();
}

void RoomServerPrivate::commitGroup(GroupCommit group, const QHash<quint32, bool> &synced)
{
    // What was cancelled, failed or dropped since it was queued is skipped.
    std::vector<PendingRecord> records;
    for (PendingRecord &r : group.records) {
        if (upload(r.uploadId))
            records.push_back(std::move(r));
    }
    std::vector<Upload *> batch;
    for (const quint32 id : group.publishes) {
        if (Upload *u = upload(id); u && u->publishQueued)
            batch.push_back(u);
    }
    auto failBatch = [this, &batch](const QString &why) {
        for (Upload *u : std::exchange(batch, {}))
            failUpload(u->id, ErrorCode::StorageError, why);
    };

    // 1. The bytes, unless the Syncer did it (flushCommits()). Several small files are
    // synced together: a cache flush per file was most of what many small files cost
    // (benchmark row 7).
    std::vector<Upload *> toSync;
    std::vector<int> fds;
    bool together = true;
    for (Upload *u : batch) {
        if (!u->file || synced.contains(u->id))
            continue;
        toSync.push_back(u);
        fds.push_back(u->file->flush() ? u->file->handle() : -1);
        together = together && u->received - u->durable <= SmallUnsyncedBytes;
    }
    QHash<quint32, bool> outcome = synced;
    const std::vector<bool> syncedHere = Storage::syncGroup(fds, together);
    for (size_t i = 0; i < toSync.size(); ++i)
        outcome.insert(toSync[i]->id, fds[i] >= 0 && syncedHere[i]);
    for (auto it = batch.begin(); it != batch.end();) {
        Upload *u = *it;
        if (u->file && !outcome.value(u->id)) {
            it = batch.erase(it);
            failUpload(u->id, ErrorCode::StorageError,
                       QStringLiteral("The server could not sync the file to disk"));
            continue;
        }
        if (u->file) {
            u->file->close();
            u->file.reset();
        }
        ++it;
    }

    // 2. One transaction: the new uploads, and the final offset and upload-end hash of
    // those to publish (so a crash after the renames can be finished at start).
    bool recorded = db.beginBatch();
    for (const PendingRecord &r : records) {
        if (recorded)
            recorded = db.insertUpload(*upload(r.uploadId));
    }
    for (Upload *u : batch) {
        if (recorded && !u->inPlace)
            recorded = db.setUploadEnd(u->id, u->received, u->lastActivityMs, u->clientSha256);
    }
    if (recorded) {
        recorded = db.commitBatch();
    } else {
        db.rollbackBatch();
    }
    for (const PendingRecord &r : records) {
        if (!recorded)
            dropUpload(r.uploadId);
        if (r.connection)
            r.connection->answerUploadBegin(r.uploadId, r.rid, recorded,
                                            recorded ? QString() : db.lastErrorText());
    }
    if (!recorded) {
        failBatch(
            QStringLiteral("The server could not record the upload: %1").arg(db.lastErrorText()));
        return;
    }
    for (Upload *u : batch)
        u->durable = u->received;

    // 3. Into place: the renames, then one fsync of each folder for all of them.
    for (auto it = batch.begin(); it != batch.end();) {
        Upload *u = *it;
        if (!u->inPlace && !storage.moveIntoPlace(u->storageId)) {
            it = batch.erase(it);
            failUpload(u->id, ErrorCode::StorageError,
                       QStringLiteral("cannot move the upload into place"));
            continue;
        }
        ++it;
    }
    if (batch.empty())
        return;
    storage.syncFolders();
    if (const int pause = faultPauseBeforeAnnounceMs(); pause > 0) {
        for (const Upload *u : batch) {
            qCWarning(lcServer).noquote()
                << "fault hook: upload" << u->id << "in place, pausing before the announcement";
            std::fprintf(stderr, "roomshare-server: fault-pause-before-announce %u\n", u->id);
        }
        std::fflush(stderr);
        QThread::msleep(ulong(pause));
    }

    // 4. One transaction publishes them all: from its commit on they are listed for
    // everyone, so each is announced exactly once.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QHash<QString, qint64> localNext;
    QList<StoredFile> files;
    files.reserve(qsizetype(batch.size()));
    for (const Upload *u : batch) {
        Room *r = room(u->room);
        localNext.insert(r->name(), r->nextIndex());
        StoredFile file; // its index comes from the publishing transaction
        file.room = u->room;
        file.name = u->name;
        file.size = u->size;
        file.mime = u->mime;
        file.sha256 = u->clientSha256;
        file.senderName = u->senderName;
        file.senderId = u->senderId;
        file.owner = u->owner;
        file.createdAt = now;
        // The sender may ask for less than the server's TTL, never more.
        const qint64 ttl = u->expiresIn > 0 ? qMin(u->expiresIn, options.fileTtlSeconds)
                                            : options.fileTtlSeconds;
        file.expiresAt = now + ttl * 1000;
        file.maxDownloads = u->maxDownloads;
        file.folder = u->folder;
        file.broadcast = u->broadcast;
        file.recipients = u->recipients;
        file.storageId = u->storageId;
        file.storagePath = storage.filePath(u->storageId);
        file.uploadId = u->id;
        if (u->crcsValid && u->crcs.length() == u->size)
            file.blockCrcs = u->crcs.blocks();
        files.append(std::move(file));
    }
    if (!db.publish(files, localNext)) {
        // Undo the renames so the uploads are dropped cleanly (nothing partial is kept).
        for (const Upload *u : batch) {
            if (!u->inPlace)
                storage.moveBack(u->storageId);
        }
        return failBatch(
            QStringLiteral("The server could not record the file: %1").arg(db.lastErrorText()));
    }
    if (const int pause = faultPauseAfterPublishMs(); pause > 0) {
        for (const Upload *u : batch)
            std::fprintf(stderr, "roomshare-server: fault-pause-after-publish %u\n", u->id);
        std::fflush(stderr);
        QThread::msleep(ulong(pause));
    }

    // 5. Tell the senders and announce.
    for (qsizetype i = 0; i < files.size(); ++i) {
        Upload *u = batch[size_t(i)];
        const quint32 uploadId = u->id;
        Connection *sender = u->connection;
        Room *r = room(u->room);
        r->setNextIndex(files[i].index + 1);
        partialExpiry.remove(uploadId);
        checkpointsDue.remove(uploadId);
        uploads.erase(uploadId);
        const StoredFilePtr stored = r->insertFile(std::move(files[i]));
        fileExpiry.schedule({ r->name(), stored->index }, stored->expiresAt);
        publishedUploads.insert(uploadId, { r->name(), stored->index });
        qCInfo(lcServer) << "upload" << uploadId << "complete: file" << stored->index << "of room"
                         << r->name();
        if (sender) {
            const QJsonObject done{ { QStringLiteral("type"), QStringLiteral("upload-done") },
                                    { QStringLiteral("uploadId"), qint64(uploadId) },
                                    { QStringLiteral("file"), stored->toJson() } };
            sender->sendJson(done);
        }
        announce(r, stored);
    }
    scheduleExpiry();
}

void RoomServerPrivate::verifySha256(Upload *upload)
{
    // Up to this size the read-back costs less than a thread hand-over.
    constexpr qint64 InlineBytes = 1024 * 1024;
    if (objects)
        return sealObjectUpload(upload, true);
    upload->verifying = true;
    const quint32 id = upload->id;
    const QString path = storage.partialPath(upload->storageId);
    const qint64 size = upload->size;
    const QString expected = upload->clientSha256;
    auto finish = [this, id, expected](const QString &actual) {
        Upload *u = this->upload(id);
        if (!u)
            return; // cancelled or failed meanwhile
        u->verifying = false;
        if (actual != expected) {
            qCInfo(lcServer) << "upload" << id << "hash mismatch";
            return failUpload(
                id, ErrorCode::IntegrityError,
                QStringLiteral("The received bytes hash to %1, not %2")
                    .arg(actual.isEmpty() ? QStringLiteral("nothing") : actual, expected));
        }
        queuePublish(u);
    };
    auto hash = [path, size] {
        const QByteArray sha = Sha256::hashFile(path, size);
        return sha.isEmpty() ? QString() : QString::fromLatin1(sha.toHex());
    };
    if (size <= InlineBytes)
        return finish(hash());
    verifyPool.start([q = q, hash, finish] {
        const QString actual = hash();
        QMetaObject::invokeMethod(
            q, [finish, actual] { finish(actual); }, Qt::QueuedConnection);
    });
}

} // namespace Roomshare::Server
