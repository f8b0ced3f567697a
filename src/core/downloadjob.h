#pragma once

#include <QFile>

#include "chunkheader.h"
#include "fileinfo.h"
#include "sha256.h"
#include "transferjob.h"

namespace Roomshare {

//! Fetches one room file into a partial file in the save folder; the file takes its final,
//! sanitised, non-clashing name only after its SHA-256 matched (docs/protocol.md, "Downloads").
class DownloadJob final : public TransferJob
{
    Q_OBJECT
public:
    DownloadJob(qint64 id, const FileInfo &file, const QString &saveDir, Room *room);
    ~DownloadJob() override;

    quint32 wireId() const { return m_wireId; }

    // Server messages, routed by Room.
    void handleChunk(const ChunkHeader &header, QByteArrayView payload);
    void handleEnd();
    void handleFailed(ErrorCode code, const QString &desc);
    void handleConnectionLost();

protected:
    void doStart() override;
    void doCancel() override;

private:
    void fail(ErrorCode code, const QString &desc);
    void discardPartial();
    void ack();

    FileInfo m_file;
    QString m_saveDir;
    QString m_safeName;
    QFile m_partial;
    Sha256 m_hash;
    QString m_expectedSha;
    qint64 m_written = 0;
    qint64 m_lastAck = 0;
    quint32 m_wireId = 0;
    bool m_ownsPartial = false;
};

} // namespace Roomshare
