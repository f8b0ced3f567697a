#pragma once

#include "database_p.h"
#include "deadlinequeue_p.h"
#include "lobby_p.h"
#include "nodeevents_p.h"
#include "room_p.h"
#include "roomserver.h"
#include "s3storage_p.h"
#include "slicescheduler_p.h"
#include "storage_p.h"
#include "syncer_p.h"

#include <errors.h>

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <QWebSocketServer>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace Roomshare::Server {

class Connection;
class Listener;

//! The state shared by all connections: rooms, sessions, uploads in progress, storage,
//! the database, id counters and timers.
class RoomServerPrivate final
{
public:
    explicit RoomServerPrivate(RoomServer *q, ServerOptions options);

    //! Creates the room on first use.
    Room *room(const QString &name);
    QString nextClientId();
    quint32 nextTransferId();
    int sessionGraceMs() const;

    //! Loads rooms, files, sessions and uploads from the database and reconciles them with
    //! the storage folders (see docs/protocol.md, "Persistence").
    bool loadState(QString *error);

    // ---- sessions
    Session *newSession(const QString &room, const QString &name, const QString &role);
    Session *session(const QString &id) const;
    //! Makes \a session present in its room, announcing `participant-joined` to the others.
    void enter(Session *session);
    //! \a session's connection went away without leaving: it stays present for the grace
    //! period, then leaves.
    void detached(Session *session);
    //! Keeps present \a session a member for the grace period, then lets it leave.
    void startGrace(Session *session);
    //! Announces `participant-left` (with \a reason: left, expired, removed) and removes
    //! \a session from its room's members.
    void leave(Session *session, const QString &reason = QStringLiteral("left"));
    //! The participant is gone for good (left on purpose, expired, removed): leave(), drop
    //! its uploads and forget the session.
    void endSession(Session *session, const QString &reason = QStringLiteral("left"));

    // ---- sessions of other nodes (roomserver_takeover.cpp); no-ops on a single node
    //! A `join` resumes session \a id of \a room, which this node does not hold: when the
    //! shared database says another node saved it last (that node died, or the client
    //! moved), its row replaces any stale copy in memory, as not present, and true is
    //! returned; the join then checks it like any resumed session and, once admitted,
    //! calls takeOver().
    bool loadForeignSession(const QString &id, const QString &room);
    //! Makes \a session (loaded by loadForeignSession()) this node's: a member here at
    //! once when the room still counts it as another node's (nobody sees it leave), its
    //! uploads in progress loaded from their rows (continued from the parts S3 holds; on
    //! local disk refused on resume, strandedUploads), files published meanwhile read
    //! from their rows, and `takeover` sent so the other nodes move it over.
    void takeOver(Session *session);
    //! Another node took over \a clientId of \a room: if it is a member here, its
    //! connection is closed as taken over, and it and its uploads are forgotten without
    //! touching rows or data. True if it was a member here.
    bool releaseSession(Room *room, const QString &clientId);
    //! Uploads of taken-over sessions whose bytes are on another node's local disk:
    //! upload id -> that node's lasting name. Their `upload-resume` is refused (1194).
    QHash<quint32, QString> strandedUploads;

    // ---- uploads
    Upload *upload(quint32 id) const;
    //! Takes in a new or loaded upload and indexes its expiry.
    Upload *addUpload(std::unique_ptr<Upload> upload);
    //! \a upload received data not yet durable: its checkpoint is due a second after its
    //! last one (onDurableTimer).
    void noteUndurable(const Upload *upload);
    //! fdatasync()s the partial file and records the offset as durable, now (for drops,
    //! resumes, publishing and shutdown).
    bool makeDurable(Upload *upload);
    //! The periodic checkpoint: the same, with the sync on the Syncer's thread; the offset
    //! is recorded when it completes (onSynced). One at a time per upload.
    void checkpoint(Upload *upload);
    void onSynced(quint32 uploadId, qint64 offset, bool ok);
    //! Ends an upload: deletes its partial data and its row; remembers the id so late data
    //! is ignored.
    void dropUpload(quint32 id);
    //! Ends an upload in progress like dropUpload() and tells its connection (if any)
    //! `upload-failed` with \a code.
    void failUpload(quint32 id, ErrorCode code, const QString &desc);

    // ---- file data in an object store (roomserver_s3.cpp); all unused when objects is null
    //! Opens `--storage s3://BUCKET` and checks the bucket; false with the reason.
    bool openObjectStore(QString *error);
    //! A recorded upload loaded at start: its data is in the object store, resumed from
    //! the parts S3 holds when its client comes back.
    void adoptObjectUpload(std::unique_ptr<Upload> upload);
    //! Aborts the multipart uploads nobody knows of (not with a shared database).
    void sweepObjectStore();
    //! Starts the object of the new upload \a upload; once it exists the upload is recorded
    //! and `upload-accepted` goes to \a connection, else 1194.
    void beginObjectUpload(Upload *upload, Connection *connection, const QJsonValue &rid);
    //! Finds the object of \a upload, recorded before a restart, and its parts; then
    //! \a connection continues the `upload-resume` from the durable offset (or gets 1194).
    void resumeObjectUpload(Upload *upload, Connection *connection, const QJsonValue &rid);
    //! The first phase of publishing with an object store: the held chunks go out, the
    //! multipart upload is completed, (\a verify) the object's SHA-256 is read back; then
    //! queuePublish() again, now for the publish transaction.
    void sealObjectUpload(Upload *upload, bool verify);
    //! Deletes the data of upload \a upload, whatever state its object is in.
    void discardObjectUpload(Upload &upload);
    //! Creates (or \a resume: finds) the object of \a upload: \a opened, or \a openFailed
    //! after the upload was dropped. Later failures fail the upload (1194); each part
    //! stored is recorded as the durable offset.
    void openObject(Upload *upload, bool resume, std::function<void()> opened,
                    std::function<void(const QString &)> openFailed);

    // ---- group commit (roomserver_publish.cpp)
    //! Records the new upload \a id in the database with the next group commit, then
    //! answers `upload-accepted` (with \a rid) on \a connection; 1194 if it cannot be
    //! recorded.
    void queueRecord(quint32 id, Connection *connection, const QJsonValue &rid);
    //! Sends the `upload-ack` of upload \a id (its last) with the next group commit.
    void queueAck(quint32 id);
    //! Publishes the verified upload with the next group commit (see flushCommits()).
    void queuePublish(Upload *upload);
    //! For a complete upload whose sender gave no whole-file CRC-32C (an older client, or
    //! one whose CRC a restart lost): reads the partial file back and publishes it if it
    //! hashes to the sender's SHA-256, else fails it with 1191. Large files are hashed on
    //! verifyPool, off the event loop.
    void verifySha256(Upload *upload);
    //! How flushCommits() makes the data of the uploads to publish durable.
    enum class CommitSync {
        Inline, //!< on this thread, now: the whole group commit is done when it returns
        OffThread, //!< on the Syncer's thread; the rest follows when it is done
    };
    //! The group commit: everything queued since the last one, with one sync per step
    //! instead of one per upload. For the uploads to publish, in this order: their data
    //! fdatasync'ed (several small files with one syncfs), one transaction records the new
    //! uploads and the final offset and `upload-end` hash of those to publish, the renames
    //! into `files/` and one fsync of each folder, one transaction publishes them all; then
    //! `upload-accepted`, `upload-done` and `file-available` go out (after the queued acks).
    //! Runs at the end of the event-loop turn in which the first item was queued (so all
    //! messages that arrived together share it), with the data sync OffThread; groups are
    //! committed one at a time, in order. Called directly it is Inline, and finishes a
    //! group whose sync is still running first.
    void flushCommits(CommitSync sync = CommitSync::Inline);
    struct PendingRecord
    {
        quint32 uploadId = 0;
        QPointer<Connection> connection;
        QJsonValue rid;
    };
    struct GroupCommit
    {
        std::vector<PendingRecord> records;
        std::vector<quint32> publishes;
        std::vector<quint32> syncedOffThread; //!< uploads whose data the Syncer syncs
    };
    //! The Syncer synced the data of the group \a generation (\a synced: each file of
    //! GroupCommit::syncedOffThread): the group commit goes on, unless it was finished
    //! meanwhile.
    void onGroupSynced(quint64 generation, std::vector<bool> synced);
    //! Steps 1 (for the files \a synced does not hold) to 5 of the group commit.
    void commitGroup(GroupCommit group, const QHash<quint32, bool> &synced);
    void announce(Room *room, const StoredFilePtr &file);
    //! Where a change comes from: this node, or another sharing the database (NodeEvents).
    enum class Origin { ThisNode, OtherNode };
    //! Withdraws or expires file \a index: fails its downloads, tells everyone who could
    //! see it, deletes its storage. From this node, it also deletes the row and tells the
    //! other nodes.
    void removeFile(Room *room, qint64 index, const QString &reason,
                    Origin origin = Origin::ThisNode);
    //! A download of file \a index of \a room was sent completely: counted in memory and in
    //! the database, and the other nodes learn the new count.
    void countDownload(Room *room, qint64 index);
    //! A recipient reported \a file verified: recorded once per client, and the sender's
    //! sessions and the room's moderators get `file-delivered`. From this node, it is also
    //! written to the database and sent to the other nodes, whose senders hear of it too.
    void recordDelivery(Room *room, const StoredFilePtr &file, const Delivery &delivery,
                        Origin origin = Origin::ThisNode);

    // Security (roomserver_security.cpp).
    //! Applies the handshake timeout and the Origin check to a new QWebSocketServer.
    void configureSecurity(QWebSocketServer *server);
    //! The Origin allow-list: connections without an Origin always pass (native clients).
    bool isOriginAllowed(const QString &origin) const;
    //! False (and the socket closed with 4029) when its address has too many connections.
    bool admitConnection(QWebSocket *socket);
    //! Participants a moderator removed stay out while their token lives, across restarts
    //! (the bans are in the database): see docs/security.md.
    void ban(const QString &room, const QString &banKey, qint64 until);
    bool isBanned(const QString &room, const QString &banKey) const;
    //! A moderator's `participant-remove` of \a target, a member here: it and every other
    //! session of the same ban key but \a except are banned and removed.
    void removeParticipant(Room *room, Session *target, const QString &moderatorName,
                           const Session *except);
    //! Locks or unlocks \a room as \a by (a client id) asked, here or on another node:
    //! knocks waiting are denied, and when that changes anything, every member connected
    //! here but \a except gets `room-locked`.
    void setRoomLocked(Room *room, bool locked, const QString &by, const Connection *except);
    static QJsonObject roomLockedEvent(bool locked, const QString &by);
    //! The member \a clientId of \a room connected to another node, if there is one.
    std::optional<RemoteMember> remoteMember(const Room *room, const QString &clientId) const;
    void sendToMembers(Room *room, const QJsonObject &message, const Session *except = nullptr);
    void connectionClosed(Connection *connection);

    void onNewConnection();
    void onPingTimer();
    void onDurableTimer();
    void scheduleExpiry();
    void expireFiles();
    void expirePartials();
    void closeAll();

    RoomServer *const q;
    const ServerOptions options;
    QString advertisedHostName; //!< set after start, once the host name lookup answers
    QWebSocketServer *webSocketServer = nullptr; //!< never listens; fed by listener
    Listener *listener = nullptr;
    Storage storage;
    std::unique_ptr<Syncer> syncer; //!< destroyed with this, before q
    Database db;
    //! `--storage s3://BUCKET`; null: file data on the local disk (storage). Declared before
    //! uploads, which refer to its S3Upload objects.
    std::unique_ptr<S3Storage> objects;
    std::unique_ptr<NodeEvents> nodes; //!< events to and from other nodes (PostgreSQL)
    std::map<QString, std::unique_ptr<Room>> rooms;
    std::map<QString, std::unique_ptr<Session>> sessions;
    std::map<quint32, std::unique_ptr<Upload>> uploads;
    QHash<quint32, QPair<QString, qint64>> publishedUploads; //!< uploadId -> (room, index)
    QSet<quint32> endedUploads; //!< cancelled, failed or expired
    QList<Connection *> connections;
    QTimer pingTimer;
    QTimer expiryTimer;
    QTimer durableTimer;
    std::vector<PendingRecord> pendingRecords;
    std::vector<quint32> pendingPublishes;
    std::vector<quint32> pendingAcks;
    QTimer commitTimer; //!< single shot, 0 ms: runs flushCommits(CommitSync::OffThread)
    std::optional<GroupCommit> syncingGroup; //!< its data sync is on the Syncer's thread
    quint64 groupGeneration = 0; //!< tells a stale onGroupSynced() from the current one
    //! Turns of the event loop for the data channels' frames (Connection::readDataFrames).
    SliceScheduler dataTurns;
    quint64 clientCounter = 0;
    quint64 clientCounterReserved = 0;
    quint32 transferCounter = 0;
    QHash<QString, qint64> bans; //!< room + '\n' + ban key -> token expiry (s since epoch)
    std::unique_ptr<Lobby> lobby; //!< knocks waiting for a moderator (lobby.cpp)
    quint32 transferCounterReserved = 0;
    RoomServer::ScanCounts scanCounts;
    qint64 zeroCopyChunks = 0; //!< RoomServer::zeroCopyChunks()
    // What the periodic scans look at, by deadline: each scan takes only what is due, so
    // idle uploads, sessions and files cost nothing until their time comes. An entry is
    // indexed under the deadline it had when indexed; a scan that finds the deadline moved
    // (an upload received data, a session reconnected) indexes it again.
    DeadlineQueue<std::pair<QString, qint64>> fileExpiry; //!< (room, index), at expiresAt
    DeadlineQueue<quint32> partialExpiry; //!< upload id, at lastActivityMs + partial TTL
    DeadlineQueue<QString> sessionExpiry; //!< session id, at lastSeenMs + partial TTL
    //! Upload ids holding data not yet durable, at their next checkpoint (monotonic ms).
    DeadlineQueue<quint32> checkpointsDue;
    //! verifySha256()'s threads. Last member: destroyed first, waiting for its tasks.
    QThreadPool verifyPool;
};

} // namespace Roomshare::Server
