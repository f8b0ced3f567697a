#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QLockFile>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

#include "errors.h"
#include "fileinfo.h"
#include "lobby.h"
#include "transferinfo.h"
#include "uploadstate.h"

class QWebSocket;
class QSslError;

namespace Roomshare {

namespace DataFrames {
class ChunkFrame;
}
struct ChunkHeader;
class Connector;
class DataChannel;
class TransferJob;
class TransferQueue;
class UploadJob;
class DownloadJob;
class RoomLink;

//! A connection to one meeting room: its participants, the files available to this
//! participant, and the transfers this participant runs. The file-share API follows the
//! EnableX Web SDK (sendFiles / recvFiles / cancelUploads / cancelDownloads, the
//! fs-upload-result and fs-download-result events) and adds typed signals and transfer
//! jobs for native front ends.
class Room final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Room)
public:
    //! Connecting: the first attempt after connectToRoom(). Reconnecting: the connection
    //! dropped unexpectedly and the Room is trying to get it back by itself (with backoff,
    //! for up to reconnectWindow()); participants, files and running jobs are kept, the
    //! jobs paused. It ends in Connected (jobs resume) or Disconnected (jobs fail with
    //! ConnectionLost, and disconnected() is emitted).
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    //! Called with the seed's JSON result object (see each method).
    using Callback = std::function<void(const QJsonObject &)>;

    explicit Room(QObject *parent = nullptr);
    ~Room() override;

    //! Connects with an invite link (roomshare://HOST:PORT/ROOM?token=...). \a displayName is
    //! used when the link's token names no participant. Returns false (and sets
    //! lastErrorText()) at once when the link is malformed; otherwise the outcome arrives
    //! as connected() or disconnected().
    //!
    //! A `roomshares://` link connects with TLS. Without `fp=` the server certificate must
    //! be valid for the host and chain to a system CA. With `fp=` the connection goes ahead
    //! only if the server's certificate (DER) hashes to exactly that SHA-256, CA or not;
    //! then only the trust errors of that very certificate (self-signed, unknown issuer,
    //! host name mismatch) are ignored, never expiry or others. Either failure ends in
    //! disconnected(TlsVerificationFailed, ...) before anything is sent.
    //!
    //! A link without a token (a *knock link*, `roomshare[s]://HOST:PORT/[ROOM]`) knocks
    //! instead of joining (docs/protocol.md, "Lobby"): \a displayName is then required (else
    //! false with InvalidRequest). The state stays Connecting while the room's moderators
    //! decide; knockWaiting() says the knock arrived. Admitted, the Room joins with the
    //! participant token the server signed, and inviteLink() becomes the full link with that
    //! token (so reconnecting works as for any link). Denied, timed out or refused, it ends
    //! in disconnected(NotPermitted or LimitExceeded or InvalidRequest, the server's text).
    //! A `roomshares://` knock link without `fp=` trusts the server's certificate on first
    //! use: whatever certificate the server shows is accepted (its trust errors ignored, not
    //! expiry or others), its fingerprint is pinned for the rest of this Room's life
    //! (reconnects, data channel, invite links it builds) and serverFingerprint() tells it,
    //! so the user can compare it with the host's (docs/security.md).
    bool connectToRoom(const QString &inviteLink, const QString &displayName = QString());
    //! Leaves the room on purpose (never reconnects). Running jobs fail with ConnectionLost.
    void disconnectFromRoom();

    //! How long the Room keeps trying to reconnect after an unexpected drop before it gives
    //! up (0 disables reconnecting). Default 60 s.
    void setReconnectWindow(int ms) { m_reconnectWindowMs = qMax(0, ms); }
    int reconnectWindow() const { return m_reconnectWindowMs; }
    //! Heartbeat: the Room pings the server every \a intervalMs and treats \a timeoutMs
    //! without hearing anything (not even a pong) as a dropped connection. Default 5 s / 15 s.
    void setHeartbeat(int intervalMs, int timeoutMs);
    int heartbeatInterval() const;
    int heartbeatTimeout() const;
    //! Whether chunks travel over a raw data channel beside the WebSocket (docs/protocol.md,
    //! "Data channel"): a second TCP/TLS connection to the same port, without WebSocket
    //! masking. On by default (off when ROOMSHARE_DATA_CHANNEL=0); takes effect on the next
    //! connection. Where the channel cannot be opened (a proxy, an older server) chunks go
    //! over the WebSocket as before.
    void setDataChannelEnabled(bool enabled);
    bool isDataChannelEnabled() const;
    //! True while connected with the data channel in use.
    bool usesDataChannel() const;

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    //! The secret that lets this participant resume its identity after a drop (empty when
    //! not joined). Treat it like a password.
    QString sessionId() const { return m_sessionId; }
    //! "HOST:PORT" of the room server: the address in use (of those the link names, the one
    //! that answered first), IPv6 in brackets.
    QString serverAddress() const;
    QString clientId() const { return m_clientId; }
    QString roomName() const { return m_roomName; }
    QString displayName() const { return m_displayName; }
    QString role() const { return m_role; }
    QString inviteLink() const { return m_inviteLink; }
    qint64 maxFileSize() const { return m_maxFileSize; }
    ErrorCode lastError() const { return m_lastError; }
    QString lastErrorText() const { return m_lastErrorText; }

    //! Everyone in the room, this participant included, in join order.
    QList<Participant> participants() const { return m_participants; }
    Participant participant(const QString &clientId) const;

    //! The EnableX `availableFiles`: one JSON object per file available to this participant.
    QJsonArray availableFiles() const;
    QList<FileInfo> availableFileList() const { return m_files.values(); }
    //! The file with room-wide \a index, or an invalid FileInfo.
    FileInfo file(qint64 index) const { return m_files.value(index); }

    //! Sends each local file in \a paths as its own upload job. \a options: `broadcast`
    //! (default true) and `clientList` (client ids, used when broadcast is false).
    //! \a callback is called with an error object {result, error, desc} once if the whole
    //! request is refused (1180 disconnected, 1185 empty list, 1189 no recipients);
    //! otherwise once per file with its final `upload-completed` or `upload-failed` object.
    //! Returns the upJobIds created (empty when refused).
    //! Sender-set limits in \a options: `expiresIn` (seconds; the server caps it at its
    //! `--file-ttl`) and `maxDownloads` (the file is withdrawn for everyone after that many
    //! completed downloads); absent or 0: the server's defaults.
    //! A folder among \a paths is shared with its tree (docs/protocol.md "Folders"): one
    //! job per file and per empty folder in it, all with the same TransferInfo::group, the
    //! recipients get the same tree. Symbolic links are followed only to files inside the
    //! folder. The whole request is refused when a folder breaks the limits (1201
    //! InvalidPath: a folder name the protocol does not allow, or deeper than
    //! FolderPaths::MaxDepth; 1202 FolderTooLarge: more than FolderPaths::MaxEntries
    //! entries) or is empty (1185).
    QList<qint64> sendFiles(const QStringList &paths, const QJsonObject &options = QJsonObject(),
                            const Callback &callback = Callback());
    //! Downloads the file with room-wide \a index. \a options: `saveDir` (default: the
    //! user's Downloads folder). \a callback gets `download-success` on completion or an
    //! error object {result, error, desc}. Returns the jobId, or -1 when refused at once.
    //! At most 16 downloads of a room run at once; the rest stay Pending until a running
    //! one finishes (so a folder of any size never hits the server's transfer limit).
    qint64 recvFiles(qint64 index, const QJsonObject &options = QJsonObject(),
                     const Callback &callback = Callback());
    //! Cancels the upload \a id, or every running upload when \a cancelAll is true.
    //! An upload that already completed is withdrawn from the room.
    void cancelUploads(qint64 id, bool cancelAll = false, const Callback &callback = Callback());
    //! Cancels the download \a id, or every running download when \a cancelAll is true.
    void cancelDownloads(qint64 id, bool cancelAll = false, const Callback &callback = Callback());

    // ---- shared folders (room_folders.cpp; docs/protocol.md "Folders")
    //! The files available now that are entries of the shared folder \a folderKey
    //! (FileInfo::folderKey()), in index order.
    QList<FileInfo> folderFiles(const QString &folderKey) const;
    //! Downloads every entry of the shared folder \a folderKey available now, each with
    //! recvFiles() (so \a callback is called per entry). Entries land below the save folder
    //! in a folder of the shared folder's name ("Photos", or "Photos (1)" when taken) with
    //! the sender's tree; every level is sanitised like a file name. Each call makes a new
    //! folder; recvFiles() of a single entry adds it to the folder made last. Returns the
    //! jobIds.
    QList<qint64> recvFolder(const QString &folderKey, const QJsonObject &options = QJsonObject(),
                             const Callback &callback = Callback());
    //! Cancels every upload of the shared folder \a group (TransferInfo::group): running
    //! ones stop, announced ones are withdrawn, so nothing of it stays in the room.
    //! \a callback gets {result: 0, response: {cancelled: [upJobIds]}} or 1190 for an unknown
    //! group.
    void cancelUploadGroup(const QString &group, const Callback &callback = Callback());
    //! Cancels every running download of the shared folder \a group (TransferInfo::group).
    void cancelDownloadGroup(const QString &group);

    //! Removes file \a index from the room for everyone: allowed to its sender and to
    //! moderators. Downloads of it in progress fail with 1193 and every participant who
    //! could see it gets fileRemoved() ("withdrawn" when the sender removed it, "removed"
    //! when a moderator did). \a callback gets {result: 0, response: {index}} or an error
    //! object: 1181 when the file does not exist or is not visible to this participant,
    //! 1199 when this participant may see it but is neither its sender nor a moderator,
    //! 1180 when not connected.
    void removeFile(qint64 index, const Callback &callback = Callback());
    //! The files this participant sent that are still in the room: from this session and
    //! from its earlier sessions (a resumed session, or any connection with the same named
    //! invite link; docs/protocol.md "Your own files"). \a callback is called once with
    //! {result: 0, response: {files: [...]}}, each entry an availableFiles() entry plus
    //! `recipients` (client ids; empty for a broadcast) and `downloads` (downloads the
    //! server sent completely), in index order; or an error object (1180 when not
    //! connected). withdraw one with removeFile().
    void listMyFiles(const Callback &callback);
    //! Whether this participant tells the server each time it downloaded a file and its
    //! SHA-256 matched (`download-verified`), so the sender gets a delivery receipt
    //! (docs/protocol.md "Delivery receipts"). On by default; off, the server keeps no
    //! record of this participant's downloads beyond the anonymous count.
    void setDeliveryReceipts(bool enabled) { m_deliveryReceipts = enabled; }
    bool deliveryReceipts() const { return m_deliveryReceipts; }
    //! Moderators only: removes participant \a clientId from the room. Its transfers stop
    //! at once, its connection is closed (it sees disconnected(NotPermitted, ...)) and the
    //! invite it joined with cannot bring it back while valid (see docs/security.md).
    //! Everyone else gets participantLeft(). \a callback gets {result: 0, response:
    //! {clientId}} or an error object: 1199 when this participant is not a moderator, 1189
    //! for an unknown client id or oneself, 1180 when not connected.
    void removeParticipant(const QString &clientId, const Callback &callback = Callback());
    //! Whether a moderator locked the room (from `joined`, then kept up to date): no new
    //! participant may join, even with a valid link, and nobody may knock. Those already in
    //! it (and moderators) can still come back after a drop.
    bool isLocked() const { return m_locked; }
    //! Moderators: locks the room, or unlocks it. \a callback gets {result: 0, response:
    //! {locked}} or an error object: 1199 when this participant is not a moderator, 1180
    //! when not connected. Everyone in the room gets lockedChanged().
    void setLocked(bool locked, const Callback &callback = Callback());

    // ---- the lobby (room_lobby.cpp; docs/protocol.md "Lobby", "Invites from moderators")
    //! True from connectToRoom() with a knock link until the knock is admitted or refused.
    bool isKnocking() const { return m_knocking; }
    //! Lower-case hex SHA-256 of the server's certificate when the link pinned it or it was
    //! trusted on first use (see connectToRoom()); empty for plain `ws://` or CA-verified
    //! servers reached with a token link.
    QString serverFingerprint() const;
    //! True when serverFingerprint() was trusted on first use rather than given by the link.
    bool isFingerprintTrustedOnFirstUse() const;
    //! Moderators: the knocks waiting for an answer, oldest first (the server sends them
    //! again after each join, so the list is rebuilt then).
    QList<KnockRequest> pendingKnocks() const { return m_knocks; }
    //! Whether people may knock on this room (from `joined`, updated by setLobbyEnabled()).
    bool isLobbyEnabled() const { return m_lobbyEnabled; }
    //! Moderators: admits or denies knock \a knockId. \a callback gets {result: 0, response:
    //! {knockId, outcome}} or an error object: 1199 when not a moderator, 1189 when the knock
    //! is no longer waiting, 1180 when not connected. knockEnded() follows either way.
    void answerKnock(const QString &knockId, KnockAnswer answer,
                     const Callback &callback = Callback());
    //! Moderators: lets people knock on this room, or not (then only links with tokens get
    //! in, and the knocks waiting are refused). \a callback gets {result: 0, response:
    //! {lobby}} or an error object (1199 when not a moderator, 1180 when not connected).
    void setLobbyEnabled(bool enabled, const Callback &callback = Callback());
    //! Moderators: asks the server to sign a participant link for this room, valid for
    //! \a ttlSeconds (60 s to the server's maximum, 7 days by default), for \a name (empty:
    //! a shared link whose users choose their names). The link is this room's own link (same
    //! addresses, `alt=` and `fp=`) with the new token. \a callback gets {result: 0,
    //! response: {link, token, expiresAt (ms since the epoch)}} or an error object (1199 when
    //! not a moderator, 1189 for a bad ttl or name, 1180 when not connected).
    void createInviteLink(const QString &name, qint64 ttlSeconds,
                          const Callback &callback = Callback());

    // ---- uploads that survive a restart (room_unfinished.cpp; docs/protocol.md "Resuming
    // an upload after a restart")
    //! Keeps a private record (UploadStateStore) of each upload in progress in \a folder,
    //! so that a later run can continue it; empty (the default) keeps none. Set it before
    //! connectToRoom(): a link with unfinished uploads recorded then joins with the session
    //! that owns them (`resume`), so the server lets it continue them. A record is removed
    //! when its upload completes, fails, is cancelled or discarded; it stays when the
    //! process ends without that (killed, crashed, quit mid-upload: the Room then does not
    //! send `leave`, so the server keeps the upload and the session). While a Room uses a
    //! link's records it holds a lock on them: a second process with the same link and
    //! folder keeps no records and resumes nothing.
    void setUploadStateFolder(const QString &folder);
    QString uploadStateFolder() const;
    //! The unfinished uploads an earlier run recorded for this room's link and that no job
    //! of this Room continues, newest first. Valid once connected().
    QList<UnfinishedUpload> unfinishedUploads() const;
    //! Continues the recorded upload \a uploadId from the server's durable offset (see
    //! UploadJob): the job reports `upload-resumed` {upJobId, offset, restarted: true}
    //! and then finishes as any upload. A source changed since (size or modification time)
    //! is not resumed: the server's upload is cancelled and the job fails with 1195 saying
    //! why. Returns the upJobId, or -1 when refused at once (1180 not connected, 1190 no
    //! such record) with \a callback told why.
    qint64 resumeUpload(quint32 uploadId, const Callback &callback = Callback());
    //! Gives up the recorded upload \a uploadId: cancels it on the server (`upload-cancel`)
    //! and forgets the record. \a callback gets {result: 0, response: {uploadId}} or an
    //! error object (1190 no such record; the server's answer when it refuses; the record
    //! is forgotten either way unless the room is not connected, 1180).
    void discardUpload(quint32 uploadId, const Callback &callback = Callback());
    //! True while uploads accepted by the server are running and recorded in the state
    //! folder: destroying the Room then does not send `leave`, so they can continue later.
    //! Neither destroying the Room nor disconnectFromRoom() sends `leave` while
    //! unfinishedUploads() is not empty (disconnectFromRoom() cancels this run's uploads
    //! instead), so those of earlier runs stay resumable.
    bool keepsUploadsForLater() const;

    //! Running jobs (finished jobs delete themselves).
    QList<TransferJob *> jobs() const;
    TransferJob *job(TransferInfo::Direction direction, qint64 id) const;

    //! The user's default download folder.
    static QString defaultDownloadDir();

    //! One entry sendFiles() will upload (internal; public for room_folders.cpp's walker).
    struct Outgoing
    {
        QString localPath;
        QString group; //!< empty: a file on its own
        QString folderPath;
        qint64 groupSize = 0;
        bool emptyFolder = false;
    };

Q_SIGNALS:
    void stateChanged(Roomshare::Room::State state);
    //! Joined: clientId(), participants() and availableFiles() are filled. Emitted again after
    //! each successful reconnection (participants and files are then updated with
    //! participantJoined/participantLeft/fileAvailable/fileRemoved for what changed).
    void connected();
    //! The connection ended or could not be made; \a error says why (None after
    //! disconnectFromRoom()). Emitted once per connectToRoom() that got past its checks,
    //! when the Room gives up: not for a drop it recovers from by reconnecting.
    void disconnected(Roomshare::ErrorCode error, const QString &text);
    void participantJoined(const Roomshare::Participant &participant);
    void participantLeft(const Roomshare::Participant &participant);
    //! A new file became available to this participant (also reported as
    //! fs-download-result / download-available).
    void fileAvailable(const Roomshare::FileInfo &file);
    //! A file left availableFiles(): \a reason is "withdrawn", "expired" or "removed".
    void fileRemoved(qint64 index, const QString &reason);
    //! A file this participant sent (in this or an earlier session of the same link) left
    //! the room: withdrawn, removed by a moderator, expired or at its download limit
    //! (\a reason as in file-removed, docs/protocol.md).
    void ownFileRemoved(qint64 index, const QString &reason);
    //! availableFiles() was replaced as a whole (on join).
    void availableFilesReset();
    //! The EnableX `fs-upload-result` event: {messageType, result, description, response}.
    //! Besides the EnableX message types, "upload-resumed" reports a job that continues
    //! after a reconnection: response {upJobId, offset}, plus `restarted: true` when the
    //! upload was begun by an earlier run (resumeUpload()).
    void fsUploadResult(const QJsonObject &event);
    //! The EnableX `fs-download-result` event; "download-resumed" has response {jobId, offset}.
    void fsDownloadResult(const QJsonObject &event);
    //! A job was created; it has not started yet, so connecting to it now misses nothing.
    void jobAdded(Roomshare::TransferJob *job);
    //! The knock reached the server and waits for a moderator of \a room: a UI can now say
    //! "Waiting for the host to let you in". The state stays Connecting.
    void knockWaiting(const QString &room);
    //! Moderators: someone knocked (also for each knock already waiting when this moderator
    //! joins). It is in pendingKnocks() when this is emitted.
    void knockReceived(const Roomshare::KnockRequest &knock);
    //! Moderators: knock \a knockId is no longer waiting (already removed from
    //! pendingKnocks()). After a reconnection the knocks still waiting are received again.
    void knockEnded(const QString &knockId, Roomshare::KnockOutcome outcome);
    //! isLobbyEnabled() changed.
    void lobbyEnabledChanged(bool enabled);
    //! isLocked() changed (a moderator locked or unlocked the room, or a join said so).
    void lockedChanged(bool locked);
    //! Senders and moderators: participant \a clientId (\a name) downloaded file \a index
    //! and verified it. Also reported as fs-upload-result "file-delivered" with response
    //! {index, clientId, name}.
    void fileDelivered(qint64 index, const QString &clientId, const QString &name);
    //! unfinishedUploads() changed (a record was resumed, discarded or forgotten).
    void unfinishedUploadsChanged();

private:
    friend class UploadJob;
    friend class DownloadJob;
    friend struct RoomFuzzAccess; //!< tests/fuzz/fuzz_client.cpp feeds server messages
    using ReplyHandler = std::function<void(const QJsonObject &reply)>;

    void setState(State state);
    void fail(ErrorCode code, const QString &text);
    //! The text of a 1180 refusal: the EnableX sentence and why the room is disconnected.
    QString disconnectedText() const;
    void scheduleReconnect();
    //! Ends the connection for good: fails pending requests and jobs, clears the room.
    void finishDisconnect();
    //! A `joined` whose file list arrives in pages (docs/protocol.md, "Paging the file
    //! list"): what it said, kept up to date by the events that arrive while the remaining
    //! pages are fetched. The room counts as joined once the last page is in.
    struct JoinInProgress
    {
        bool reconnected = false;
        bool resumed = false;
        QList<Participant> participants;
        QMap<qint64, FileInfo> files;
        qint64 after = 0; //!< the cursor of the next page
        int pages = 1;
    };
    // room_paging.cpp
    //! Adds a `joined` or `files` page to m_joining; true when it was the last one, false
    //! when the next page has been asked for (or the page was malformed and the connection
    //! is being closed).
    bool absorbFilePage(const QJsonObject &page);
    void requestFilePage();
    //! While a paged join is in progress, applies membership and file events to it instead
    //! of to the room; true when \a type was one of those.
    bool absorbEventWhileJoining(const QString &type, const QJsonObject &msg);
    //! The join is complete: the room takes m_joining's participants and files.
    void completeJoin();
    void refreshAfterResume(const JoinInProgress &join);
    //! Sends `join` (or `knock`) once the link is ready, naming the data channel if one
    //! was greeted.
    void sendJoin();
    //! The link's WebSocket closed: reconnect, or end the session.
    void onSocketDisconnected(int closeCode, const QString &why);
    void onConnectFailed(Roomshare::ErrorCode code, const QString &text);
    //! Hands a download chunk (header already decoded) to its job.
    void dispatchChunk(const ChunkHeader &header, const QByteArray &message);
    void handleJoined(const QJsonObject &msg);
    void handleEvent(const QString &type, const QJsonObject &msg);
    // Lobby hooks (room_lobby.cpp).
    //! Sends `knock` instead of `join` (knock links).
    void sendKnock();
    //! Lobby events; false when \a type is not one.
    bool handleLobbyEvent(const QString &type, const QJsonObject &msg);
    //! `joined` (re)starts the moderator's view of the lobby.
    void resetLobby(const QJsonObject &joined);
    void handleKnockAdmitted(const QJsonObject &msg);
    // Moderation (room_moderation.cpp).
    //! `room-locked` and the like; false when \a type is not one.
    bool handleModerationEvent(const QString &type, const QJsonObject &msg);
    void applyLocked(bool locked);
    //! One page of listMyFiles() after \a after, appended to \a files.
    void requestMyFiles(qint64 after, int pages, QJsonArray files, const Callback &callback);
    void registerJob(TransferJob *job);
    // Folders (room_folders.cpp).
    //! \a paths with each folder among them walked into its entries; false with \a code
    //! and \a text when a folder breaks the limits or is empty.
    bool expandFolders(const QStringList &paths, QList<Outgoing> *out, ErrorCode *code,
                       QString *text) const;
    void applyFolder(UploadJob *job, const Outgoing &entry);
    //! Gives a folder entry's download its place below \a saveDir; false with \a error.
    bool placeInFolder(DownloadJob *job, const FileInfo &info, const QString &saveDir,
                       QString *error);
    //! Connects \a job's signals to the room's events and \a callback (sendFiles and
    //! resumeUpload).
    void wireUpload(UploadJob *job, const Callback &callback);
    // room_unfinished.cpp
    //! Records \a job (accepted by the server) in the state folder.
    void rememberUpload(const UploadJob *job);
    //! \a job finished: forgets its record, unless it only lost the connection for good
    //! (the server keeps the upload; a later run may continue it).
    void forgetUpload(const UploadJob *job);
    //! Takes the state folder's lock for the link with \a token (sets m_linkKey) and returns
    //! the session that owns its newest recorded upload, or empty. When another live
    //! process holds the lock (the same link open twice), this Room keeps no records and
    //! resumes nothing: two processes resuming one session would take it over in turns.
    QString adoptUploadState(const QString &token);
    //! Whether disconnectFromRoom() may send `leave`: not while uploads of an earlier run
    //! wait in this session (the server would drop them); this run's uploads are then
    //! cancelled instead, so nothing is left behind on the server.
    bool mayLeave();

    // for jobs
    void request(QJsonObject msg, ReplyHandler handler);
    void sendControl(const QJsonObject &msg);
    void sendChunk(const DataFrames::ChunkFrame &chunk);
    qint64 socketBacklog() const;
    void cancelAfterReconnect(quint32 uploadWireId) { m_cancelAfterResume.append(uploadWireId); }
    void emitUploadEvent(const QJsonObject &event) { Q_EMIT fsUploadResult(event); }
    void emitDownloadEvent(const QJsonObject &event) { Q_EMIT fsDownloadResult(event); }

    std::unique_ptr<UploadStateStore> m_uploadState; //!< null: keep no records
    QString m_linkKey; //!< UploadStateStore::linkKey() of m_token; empty: keep no records
    std::unique_ptr<QLockFile> m_uploadStateLock; //!< held while m_linkKey is set
    std::unique_ptr<RoomLink> m_link; //!< sockets, heartbeat, reconnection backoff, requests
    State m_state = State::Disconnected;
    QString m_sessionId;
    int m_reconnectWindowMs = 60000;
    QList<quint32> m_cancelAfterResume;
    QString m_inviteLink;
    QString m_token;
    QString m_clientId;
    QString m_roomName;
    QString m_displayName;
    QString m_requestedName;
    QString m_role;
    qint64 m_maxFileSize = 0;
    ErrorCode m_lastError = ErrorCode::None;
    QString m_lastErrorText;
    bool m_closing = false;
    bool m_endedByServer = false; //!< an unsolicited 1199/1188: removed or expired, no retry
    QList<Participant> m_participants;
    QMap<qint64, FileInfo> m_files;
    std::optional<JoinInProgress> m_joining;
    qint64 m_nextUploadJobId = 1;
    qint64 m_nextDownloadJobId = 1;
    QMap<qint64, QPointer<UploadJob>> m_uploads;
    QMap<qint64, QPointer<DownloadJob>> m_downloads;
    QHash<quint32, QPointer<UploadJob>> m_uploadsByWireId;
    QHash<quint32, QPointer<DownloadJob>> m_downloadsByWireId;
    QHash<qint64, quint32> m_completedUploads; //!< upJobId -> uploadId, for withdrawing
    QHash<qint64, QString> m_uploadGroups; //!< upJobId -> shared folder group
    QHash<QString, QString> m_folderRoots; //!< save folder + folder key -> its folder there
    TransferQueue *m_uploadQueue; //!< starts uploads a few at a time (sendFiles of many files)
    TransferQueue *m_downloadQueue; //!< starts downloads a few at a time (folders, many files)
    bool m_knocking = false; //!< connected with a knock link, not admitted yet
    bool m_lobbyEnabled = true;
    bool m_locked = false; //!< a moderator locked the room
    bool m_deliveryReceipts = true;
    QList<KnockRequest> m_knocks; //!< moderators: knocks waiting for an answer
};

} // namespace Roomshare
