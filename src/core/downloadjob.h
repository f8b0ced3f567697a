#pragma once

#include <QFile>

#include "backgroundsha256.h"
#include "chunkheader.h"
#include "fileinfo.h"
#include "transferjob.h"

namespace Roomshare {

//! Fetches one room file into a partial file in the save folder; the file takes its final,
//! sanitised, non-clashing name only after its SHA-256 matched (docs/protocol.md, "Downloads").
//!
//! The partial file `NAME.roomshare-part` has a sidecar `NAME.roomshare-part.json`
//! ({index, sha256, size, room, server}); a later download of a file with the same sha256
//! and size into the same folder continues it, even after the app restarted. Only cancel
//! and failure delete them; a job destroyed unfinished (the app quit) leaves both behind.
class DownloadJob final : public TransferJob
{
    Q_OBJECT
public:
    DownloadJob(qint64 id, const FileInfo &file, const QString &saveDir, Room *room);
    ~DownloadJob() override;

    quint32 wireId() const { return m_wireId; }
    //! An entry of a shared folder (docs/protocol.md "Folders"): it is saved in the folder
    //! \a components (already sanitised) below \a root (a folder inside the save folder),
    //! created when the job starts; an empty folder's entry creates the folder of its name
    //! there and saves nothing else. Call before start().
    void setFolder(const QString &root, const QStringList &components);

    // Server messages, routed by Room.
    //! \a message is the whole data message (header and payload).
    void handleChunk(const ChunkHeader &header, const QByteArray &message);
    void handleEnd();
    //! All bytes are in and the server said the download ended: verify and rename.
    void complete();
    void handleFailed(ErrorCode code, const QString &desc);
    //! The connection dropped: pause while the Room reconnects, else fail with 1197.
    void handleConnectionLost();
    //! The Room is connected again: continue from the bytes in the partial file.
    void resumeAfterReconnect();

protected:
    void doStart() override;
    void doCancel() override;

private:
    //! Opens a partial file with a matching sidecar, if any; true when one was taken.
    bool adoptPartial();
    bool createPartial();
    void requestBegin(bool resuming);
    //! A damaged chunk: drop the stream and ask again from the current offset.
    void refetch();
    void fail(ErrorCode code, const QString &desc);
    //! The disk refused a chunk (full, failing): 1195 naming the folder, the partial kept
    //! (cut back to the bytes written whole) for a later download to continue.
    void stopOnWriteFailure();
    void discardPartial();
    void releasePartial();
    void ack();

    FileInfo m_file;
    QString m_saveDir;
    QString m_folderRoot; //!< set for a shared folder's entry: m_saveDir is made below it
    QStringList m_folders;
    QString m_safeName;
    QFile m_partial;
    BackgroundSha256 m_hash;
    QString m_expectedSha;
    qint64 m_written = 0;
    qint64 m_lastAck = 0;
    quint32 m_wireId = 0;
    bool m_ownsPartial = false;
    bool m_paused = false;
    bool m_endReceived = false; //!< `download-end` seen; chunks may still trail it
    bool m_adopted = false;
    int m_crcFailures = 0;
};

} // namespace Roomshare
