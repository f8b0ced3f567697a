#pragma once

#include <QFile>

#include "ackwindow.h"
#include "backgroundsha256.h"
#include "chunkheader.h"
#include "fileinfo.h"
#include "transferjob.h"
#include "uploadstate.h"

namespace Roomshare {

//! Streams one local file to the room server (docs/protocol.md, "Uploads"). Internal to
//! the core library: front ends see it as a TransferJob.
class UploadJob final : public TransferJob
{
    Q_OBJECT
public:
    UploadJob(qint64 id, const QString &path, bool broadcast, const QStringList &recipients,
              Room *room);
    //! Continues \a record, an upload an earlier run of this client began (see
    //! Room::resumeUpload()): checks that the source is unchanged, asks the server for its
    //! durable offset with `upload-resume`, re-hashes the file up to there and goes on.
    //! A changed source is never resumed: the server's upload is cancelled and the job
    //! fails with LocalFileError saying what changed.
    UploadJob(qint64 id, const UnfinishedUpload &record, Room *room);

    //! Whether the job continues an upload of an earlier run.
    bool isRestored() const { return m_restored; }
    //! The source's modification time when the job opened it (ms since the epoch).
    qint64 sourceModifiedMs() const { return m_sourceModifiedMs; }

    quint32 wireId() const { return m_wireId; }
    //! Sender-set limits sent with `upload-begin` (0: the server's defaults): the file
    //! expires after \a expiresIn seconds (capped by the server's TTL) and is withdrawn
    //! after \a maxDownloads completed downloads.
    void setLimits(qint64 expiresIn, qint64 maxDownloads)
    {
        m_expiresIn = expiresIn;
        m_maxDownloads = maxDownloads;
    }
    FileInfo announced() const { return m_announced; }
    //! What one entry of a shared folder is (docs/protocol.md "Folders").
    enum class EntryKind { File, EmptyFolder };
    //! Makes this job an entry of the shared folder \a group (\a groupSize entries), in the
    //! relative folder \a folderPath ("/"-separated, the shared folder's name first). An
    //! EmptyFolder entry sends no bytes: a zero-byte upload of type inode/directory whose
    //! name is the folder's. Call before start().
    void setFolder(const QString &group, const QString &folderPath, qint64 groupSize,
                   EntryKind kind);

    // Server messages, routed by Room.
    void handleAck(qint64 offset);
    void handleNack(qint64 offset);
    void handleDone(const FileInfo &file);
    void handleFailed(ErrorCode code, const QString &desc);
    //! The connection dropped: pause while the Room reconnects, else fail with 1197.
    void handleConnectionLost();
    //! The Room is connected again: continue from the server's offset (`upload-resume`).
    void resumeAfterReconnect();
    void pump();

protected:
    void doStart() override;
    void doCancel() override;

private:
    void begin();
    void startRestored();
    //! Feeds the file's first m_sent bytes to the hash a slice per event-loop turn (a
    //! restored upload: another process sent them); true once done.
    bool rehashPrefix();
    //! Continues sending from \a offset (already written on the server).
    void rewindTo(qint64 offset);
    void fail(ErrorCode code, const QString &desc);

    QFile m_file;
    BackgroundSha256 m_hash;
    qint64 m_hashed = 0; //!< bytes fed to m_hash; re-sent bytes are not hashed twice
    quint32 m_crc32c = 0; //!< CRC-32C of the first m_hashed bytes
    qint64 m_sent = 0;
    qint64 m_sentMax = 0; //!< the furthest m_sent ever got, to count re-sent bytes
    qint64 m_acked = 0;
    AckWindow m_window; //!< how far m_sent may run ahead of m_acked
    quint32 m_wireId = 0;
    bool m_endSent = false;
    bool m_paused = false;
    QString m_sha256; //!< the whole file's hash once known
    qint64 m_expiresIn = 0;
    qint64 m_maxDownloads = 0;
    qint64 m_groupSize = 0;
    EntryKind m_entryKind = EntryKind::File;
    bool m_begun = false; //!< begin() was called (the source is open, for a file)
    FileInfo m_announced;
    bool m_restored = false;
    qint64 m_serverMayHold = 0; //!< restored: the server may hold up to this many bytes
    qint64 m_sourceModifiedMs = 0;
    UnfinishedUpload m_record;
};

} // namespace Roomshare
