#pragma once

#include "chunkcrcs_p.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace Roomshare::Server {

class Connection;
class S3Upload;

//! Where a file sits in a shared folder (docs/protocol.md, "Folders"); empty for a file
//! sent on its own.
struct FolderTag
{
    QString group; //!< the sender's id for one shared folder
    QString path; //!< the relative folder, "/"-separated, the shared folder's name first
    qint64 groupSize = 0; //!< entries the sender declared for the whole folder

    bool isEmpty() const { return group.isEmpty(); }
    //! The key that counts a folder's entries: one sender's group.
    QString key(const QString &owner) const { return owner + QLatin1Char('\n') + group; }
};

//! A complete, verified file offered in a room. Immutable once published.
struct StoredFile
{
    qint64 index = 0;
    QString room;
    QString name; //!< as the sender sent it; never used as a path
    qint64 size = 0;
    QString mime;
    QString sha256; //!< lower-case hex
    QString senderName;
    QString senderId;
    qint64 createdAt = 0; //!< ms since the epoch
    qint64 expiresAt = 0; //!< ms since the epoch
    bool broadcast = true;
    QSet<QString> recipients; //!< client ids, for targeted files
    QString storageId;
    QString storagePath;
    quint32 uploadId = 0; //!< the upload it came from, so its sender can withdraw it
    //! The sender's identity across sessions (Session::owner); empty for files stored
    //! before it was recorded, which only the sending clientId owns.
    QString owner;
    qint64 downloads = 0; //!< as loaded from the database; live: Room::downloadCount()
    qint64 maxDownloads = 0; //!< withdrawn after this many completed downloads; 0: no limit
    //! The CRC-32C of each ChunkSize block (ChunkCrcs::blocks()), kept from the upload so
    //! downloads need not read the bytes; empty when unknown (files stored before it was
    //! recorded), and then computed while serving.
    QByteArray blockCrcs;
    FolderTag folder;

    //! The visibility rule of docs/protocol.md: never the sender; everyone else for a
    //! broadcast file; only the named recipients for a targeted one.
    bool isVisibleTo(const QString &clientId) const;
    QJsonObject toJson() const;
};

using StoredFilePtr = std::shared_ptr<const StoredFile>;

//! A participant's identity in a room, which outlives any one connection: a client that
//! reconnects with `join {resume: sessionId}` gets the same clientId back. Persisted.
struct Session
{
    QString id; //!< the secret bearer value (128 random bits, base64url)
    QString room;
    QString clientId;
    QString name;
    QString role;
    qint64 lastSeenMs = 0;
    Connection *connection = nullptr; //!< the live connection, if any
    bool present = false; //!< announced as joined and not (yet) as left
    QString banKey; //!< what a moderator's removal bans (in memory only)
    qint64 tokenExpiresAt = 0; //!< of the token it last joined with (s since the epoch)
    QString tokenId; //!< jti of the token that created or last resumed it (in memory only)
    //! Who the files this session sends belong to, beyond the session: "t:" + the jti for a
    //! named invite (every session joined with that link is one participant), else "s:" +
    //! the session id. Persisted.
    QString owner;
    //! The lasting name of the server node that saved it last (NodeEvents::homeNode());
    //! empty on a single node. Persisted.
    QString node;
    //! Files whose download the server sent completely to this session (in memory): only
    //! those can be reported as verified.
    QSet<qint64> sentFiles;
    std::unique_ptr<QTimer> graceTimer; //!< runs while present without a connection

    QJsonObject participantJson() const;
};

//! A recipient's report that it downloaded a file and checked its SHA-256
//! (docs/protocol.md "Delivery receipts"). Persisted.
struct Delivery
{
    QString clientId;
    QString name;
    qint64 at = 0; //!< ms since the epoch
};

//! An upload in progress. Owned by the server, not by a connection, so that it survives
//! disconnects (and, through the database, restarts) and can be resumed.
struct Upload
{
    quint32 id = 0;
    QString storageId;
    QString room;
    QString sessionId; //!< the owner
    QString owner; //!< Session::owner of the sender
    qint64 expiresIn = 0; //!< seconds the sender asked the file to stay; 0: the server's TTL
    qint64 maxDownloads = 0; //!< see StoredFile::maxDownloads
    FolderTag folder;
    QString senderId;
    QString senderName;
    QString name;
    qint64 size = 0;
    QString mime;
    bool broadcast = true;
    QSet<QString> recipients;
    std::unique_ptr<QFile> file; //!< open while a connection feeds it
    //! Over [0, received) when crcsValid, from the chunks' verified CRC-32Cs: the server
    //! makes no SHA-256 pass of its own over what it receives.
    ChunkCrcs crcs;
    bool crcsValid = false;
    qint64 received = 0; //!< bytes written to the partial file
    qint64 durable = 0; //!< bytes synced to disk and recorded in the database
    bool syncPending = false; //!< a checkpoint is on the Syncer's thread
    qint64 acked = 0;
    bool endReceived = false;
    QString clientSha256;
    //! The whole file's CRC-32C the sender gave (`upload-end` or `upload-begin`); without
    //! one (an older client, or after a restart) the server checks the SHA-256 instead.
    std::optional<quint32> clientCrc32c;
    //! The SHA-256 of the complete partial file is being checked on a worker thread.
    bool verifying = false;
    qint64 lastActivityMs = 0;
    QElapsedTimer sinceDurable;
    Connection *connection = nullptr; //!< the connection that feeds it, if any
    qint64 nackedAt = -1; //!< offset last nacked; further stray chunks are dropped silently
    int crcFailures = 0; //!< consecutive
    //! Verified and waiting for the next group commit (RoomServerPrivate::queuePublish).
    bool publishQueued = false;
    //! Already moved to `files/` (recovered at start after a crash), or its object complete
    //! in the object store: only to be recorded.
    bool inPlace = false;
    //! With an object store instead of `file`: the object being written (roomserver_s3.cpp);
    //! null until opened or resumed by this process.
    std::shared_ptr<S3Upload> object;
};

//! A participant of the room connected to another server node sharing the database
//! (nodeevents.cpp): known from that node's `joined` notification until its `left`, or
//! until that node falls silent.
struct RemoteMember
{
    QString clientId;
    QJsonObject participant; //!< as in `joined` / `participant-joined`
    QString node; //!< the node it is connected to (NodeEvents::nodeId() there)
};

//! One room: its present members in join order and its files by index. A room outlives
//! its members so that files stay available and indexes are never reused.
class Room final
{
public:
    explicit Room(const QString &name)
        : m_name(name)
    { }

    QString name() const { return m_name; }

    //! Present sessions (connected, or disconnected for less than the grace period).
    const QList<Session *> &members() const { return m_members; }
    void addMember(Session *session);
    void removeMember(Session *session);
    //! A present participant here or on another node (a valid recipient).
    bool hasMember(const QString &clientId) const;
    bool hasLocalMember(const QString &clientId) const;
    //! Members connected to other nodes, in the order they were heard of.
    const QList<RemoteMember> &remoteMembers() const { return m_remoteMembers; }
    //! Adds \a member, or updates the node of the one with its clientId: false when it
    //! was known already (nothing to announce).
    bool addRemoteMember(const RemoteMember &member);
    //! Removes and returns the remote member \a clientId, if there is one.
    std::optional<RemoteMember> takeRemoteMember(const QString &clientId);
    //! Removes and returns the remote members connected to \a node.
    QList<RemoteMember> takeRemoteMembersOf(const QString &node);
    //! Present participants on every node (for the room's size limit).
    qsizetype memberCount() const { return m_members.size() + m_remoteMembers.size(); }

    qint64 nextIndex() const { return m_nextIndex; }
    void setNextIndex(qint64 next) { m_nextIndex = next; }
    //! Stores \a file under its index (already assigned).
    StoredFilePtr insertFile(StoredFile file);
    //! Removes and returns file \a index, or nullptr if there is none.
    StoredFilePtr takeFile(qint64 index);
    StoredFilePtr file(qint64 index) const;
    //! File \a index if \a clientId may see it, else nullptr (same answer as "no such file").
    StoredFilePtr visibleFile(qint64 index, const QString &clientId) const;
    QList<StoredFilePtr> visibleFiles(const QString &clientId) const;
    //! Calls \a visit with each file whose index is above \a after, in increasing index
    //! order, until it returns false.
    void forEachFileAfter(qint64 after,
                          const std::function<bool(const StoredFilePtr &)> &visit) const;
    QList<StoredFilePtr> files() const;
    //! Completed downloads of file \a index (persisted in the files table).
    qint64 downloadCount(qint64 index) const { return m_downloadCounts.value(index); }
    void setDownloadCount(qint64 index, qint64 count) { m_downloadCounts.insert(index, count); }
    //! The delivery receipts of file \a index, in the order they arrived.
    QList<Delivery> deliveries(qint64 index) const { return m_deliveries.value(index); }
    //! Adds a receipt; false when \a delivery's client already has one for \a index.
    bool addDelivery(qint64 index, const Delivery &delivery);
    int fileCount() const { return int(m_files.size()); }
    //! Published files of the folder FolderTag::key() \a key.
    int folderFileCount(const QString &key) const { return m_folderFiles.value(key); }

    //! Locked by a moderator: no new participant joins and nobody may knock (in memory; a
    //! restarted server starts with every room unlocked).
    bool isLocked() const { return m_locked; }
    void setLocked(bool locked) { m_locked = locked; }

private:
    QString m_name;
    bool m_locked = false;
    QList<Session *> m_members;
    QList<RemoteMember> m_remoteMembers;
    std::map<qint64, StoredFilePtr> m_files;
    QHash<qint64, qint64> m_downloadCounts;
    QHash<qint64, QList<Delivery>> m_deliveries;
    QHash<QString, int> m_folderFiles; //!< FolderTag::key() -> published files
    qint64 m_nextIndex = 1;
};

} // namespace Roomshare::Server
