#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

#include "errors.h"

namespace Roomshare {

//! A copyable snapshot of a transfer job, for models and views that outlive the job.
struct TransferInfo
{
    Q_GADGET
public:
    enum class Direction { Upload, Download };
    Q_ENUM(Direction)
    //! Cancelled is distinct from Failed so a view can tell "you stopped it" from "it broke".
    enum class Status { Pending, Running, Completed, Failed, Cancelled };
    Q_ENUM(Status)

    Direction direction = Direction::Upload;
    qint64 id = 0; //!< upJobId for uploads, jobId for downloads (unique per Room and direction)
    QString name; //!< file name as shown (for downloads: the sender's name, unsanitised)
    QString mimeType;
    qint64 totalBytes = 0;
    qint64 processedBytes = 0;
    qint64 bytesPerSecond = 0; //!< smoothed over the last seconds; 0 when unknown
    //! Uploads: bytes sent more than once, because the connection dropped or the server
    //! rejected a damaged chunk. Downloads: bytes received and discarded (damaged chunks).
    qint64 resentBytes = 0;
    int resumeCount = 0; //!< how often the job continued after a reconnection
    Status status = Status::Pending;
    ErrorCode error = ErrorCode::None;
    QString errorText; //!< a human sentence; empty unless Failed or Cancelled
    QString localPath; //!< upload: the source; download: the final path once Completed
    qint64 fileIndex = -1; //!< the room-wide index (downloads; uploads once announced)
    bool broadcast = true; //!< uploads: sent to everyone
    QStringList recipients; //!< uploads: client ids when not broadcast
    QString peerName; //!< downloads: the sender's display name
    //! The shared folder this job is an entry of (docs/protocol.md "Folders"); empty for a
    //! file on its own. Every job of one shared folder has the same group (uploads: this
    //! Room's id for it; downloads: the sender's client id, ":" and the sender's group id),
    //! unique per Room and direction.
    QString group;
    //! The entry's relative folder, "/"-separated, the shared folder's name first, as the
    //! sender sent it (unsanitised for downloads); empty for a file on its own.
    QString folderPath;
    //! The shared folder's name: the first component of folderPath.
    QString folderName() const { return folderPath.section(QLatin1Char('/'), 0, 0); }

    bool isFinished() const
    {
        return status == Status::Completed || status == Status::Failed
            || status == Status::Cancelled;
    }
    //! Seconds left at the current speed, or -1 when unknown.
    qint64 secondsLeft() const
    {
        if (bytesPerSecond <= 0 || isFinished())
            return -1;
        return (totalBytes - processedBytes + bytesPerSecond - 1) / bytesPerSecond;
    }
};

} // namespace Roomshare

Q_DECLARE_METATYPE(Roomshare::TransferInfo)
