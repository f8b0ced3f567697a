#include "downloadjob.h"

#include "jsonnumbers.h"

#include <QDir>
#include <QFileInfo>

#include "filenames.h"
#include "logging.h"
#include "protocol.h"
#include "room.h"

namespace Roomshare {

namespace {
const QString PartialSuffix = QStringLiteral(".roomshare-part");
} // namespace

DownloadJob::DownloadJob(qint64 id, const FileInfo &file, const QString &saveDir, Room *room)
    : TransferJob(TransferInfo::Direction::Download, id, room)
    , m_file(file)
    , m_saveDir(saveDir)
    , m_safeName(FileNames::sanitize(file.name))
{
    m_info.name = file.name;
    m_info.totalBytes = file.size;
    m_info.mimeType = file.mimeType;
    m_info.fileIndex = file.index;
    m_info.peerName = file.sender;
    m_info.broadcast = file.broadcast;
}

DownloadJob::~DownloadJob()
{
    // Destroyed unfinished (the Room went away): no partial file may be left looking like data.
    discardPartial();
}

void DownloadJob::doStart()
{
    if (!QDir().mkpath(m_saveDir))
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("Cannot create the folder %1").arg(m_saveDir));
    const QString partialPath = FileNames::uniquePath(m_saveDir, m_safeName + PartialSuffix);
    if (!FileNames::isInside(m_saveDir, partialPath))
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("Refusing to write outside %1").arg(m_saveDir));
    m_partial.setFileName(partialPath);
    // NewOnly: never truncate a file someone else just created under the same name.
    if (!m_partial.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fail(
            ErrorCode::LocalFileError,
            QStringLiteral("Cannot write %1: %2").arg(partialPath, m_partial.errorString()));
    m_ownsPartial = true;

    room()->request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-begin") },
                     { QStringLiteral("index"), double(m_file.index) },
                     { QStringLiteral("offset"), 0 } },
        [this, r = room(), guard = QPointer<DownloadJob>(this)](const QJsonObject &reply) {
            const bool accepted = reply.value(QLatin1String("type")).toString()
                == QLatin1String("download-accepted");
            if (!guard || isFinished()) {
                // Cancelled while the server was accepting: stop the stream it started.
                if (accepted)
                    r->sendControl(
                        QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-cancel") },
                                     { QStringLiteral("downloadId"),
                                       reply.value(QLatin1String("downloadId")) } });
                return;
            }
            if (!accepted)
                return fail(
                    ErrorCode(
                        reply.value(QLatin1String("code")).toInt(int(ErrorCode::DownloadFailed))),
                    reply.value(QLatin1String("desc")).toString());
            m_wireId = JsonNumbers::toTransferId(reply.value(QLatin1String("downloadId")));
            m_info.totalBytes = JsonNumbers::toInteger(reply.value(QLatin1String("size")));
            m_expectedSha = reply.value(QLatin1String("sha256")).toString().toLower();
            room()->m_downloadsByWireId.insert(m_wireId, this);
            setRunning();
        });
}

void DownloadJob::handleChunk(const ChunkHeader &header, QByteArrayView payload)
{
    if (isFinished())
        return;
    if (qint64(header.offset) != m_written || m_written + payload.size() > m_info.totalBytes)
        return fail(ErrorCode::ProtocolError, QStringLiteral("The server sent data out of order"));
    if (!header.verify(payload))
        return fail(ErrorCode::IntegrityError,
                    QStringLiteral("A chunk of %1 arrived damaged").arg(m_info.name));
    if (m_partial.write(payload.data(), payload.size()) != payload.size())
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("Writing %1 failed: %2")
                        .arg(m_partial.fileName(), m_partial.errorString()));
    m_hash.addData(payload);
    m_written += payload.size();
    addProcessed(payload.size());
    if (m_written - m_lastAck >= Protocol::AckInterval || m_written == m_info.totalBytes)
        ack();
}

void DownloadJob::ack()
{
    m_lastAck = m_written;
    room()->sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-ack") },
                                     { QStringLiteral("downloadId"), double(m_wireId) },
                                     { QStringLiteral("offset"), double(m_written) } });
}

void DownloadJob::handleEnd()
{
    if (isFinished())
        return;
    if (m_written != m_info.totalBytes)
        return fail(ErrorCode::ProtocolError,
                    QStringLiteral("The download of %1 ended early").arg(m_info.name));
    if (!m_partial.flush())
        return fail(ErrorCode::LocalFileError, m_partial.errorString());
    m_partial.close();
    if (m_hash.hexResult() != m_expectedSha)
        return fail(ErrorCode::IntegrityError,
                    QStringLiteral("%1 arrived damaged: its checksum does not match the sender's")
                        .arg(m_info.name));
    // The final name is chosen only now so a file that appeared meanwhile is never overwritten;
    // QFile::rename refuses to replace an existing file, so a race just picks the next name.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QString target = FileNames::uniquePath(m_saveDir, m_safeName);
        if (!FileNames::isInside(m_saveDir, target))
            break;
        if (m_partial.rename(target)) {
            m_ownsPartial = false;
            m_info.localPath = QFileInfo(target).absoluteFilePath();
            finish(TransferInfo::Status::Completed);
            return;
        }
    }
    fail(ErrorCode::LocalFileError,
         QStringLiteral("Cannot give %1 its final name in %2").arg(m_safeName, m_saveDir));
}

void DownloadJob::handleFailed(ErrorCode code, const QString &desc)
{
    fail(code, desc);
}

void DownloadJob::handleConnectionLost()
{
    fail(ErrorCode::ConnectionLost,
         QStringLiteral("The connection to the room was lost while receiving %1").arg(m_info.name));
}

void DownloadJob::doCancel()
{
    if (m_wireId != 0 && room()->isConnected())
        room()->request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-cancel") },
                                     { QStringLiteral("downloadId"), double(m_wireId) } },
                        [](const QJsonObject &) {});
    discardPartial();
}

void DownloadJob::discardPartial()
{
    m_partial.close();
    if (m_ownsPartial)
        QFile::remove(m_partial.fileName());
    m_ownsPartial = false;
}

void DownloadJob::fail(ErrorCode code, const QString &desc)
{
    if (isFinished())
        return;
    qCInfo(lcCore) << "download" << m_info.id << m_info.name << "failed:" << int(code) << desc;
    discardPartial();
    finish(TransferInfo::Status::Failed, code, desc.isEmpty() ? Roomshare::errorText(code) : desc);
}

} // namespace Roomshare
