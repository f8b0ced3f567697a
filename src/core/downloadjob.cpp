#include "downloadjob.h"

#include "jsonnumbers.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSet>

#include "filenames.h"
#include "logging.h"
#include "protocol.h"
#include "room.h"

namespace Roomshare {

namespace {
const QString PartialSuffix = QStringLiteral(".roomshare-part");
const QString SidecarSuffix = QStringLiteral(".json");
// Consecutive damaged chunks before the download fails with 1191.
constexpr int MaxCrcFailures = 8;

// Partial files in use by a job of this process, so two jobs never share one.
QSet<QString> &busyPartials()
{
    static QSet<QString> set;
    return set;
}

bool isTransient(const QJsonObject &reply)
{
    return reply.value(QLatin1String("transient")).toBool();
}
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
    m_info.group = file.folderKey();
    m_info.folderPath = file.path;
}

void DownloadJob::setFolder(const QString &root, const QStringList &components)
{
    m_folderRoot = root;
    m_folders = components;
    if (m_file.isEmptyFolderEntry())
        m_folders.append(m_safeName);
}

DownloadJob::~DownloadJob()
{
    // Destroyed unfinished (the Room or the app went away): the partial file and its sidecar
    // stay, clearly named as partial, so a later download of the same file continues it.
    releasePartial();
}

void DownloadJob::doStart()
{
    if (!m_folderRoot.isEmpty()) {
        QString error;
        const QString folder = FileNames::makeFolders(m_folderRoot, m_folders, &error);
        if (folder.isEmpty())
            return fail(ErrorCode::LocalFileError, error);
        m_saveDir = folder;
    }
    if (!QDir().mkpath(m_saveDir))
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("Cannot create the folder %1").arg(m_saveDir));
    if (!adoptPartial() && !createPartial())
        return;
    requestBegin(m_written > 0);
}

bool DownloadJob::adoptPartial()
{
    const QString wantSha = m_file.sha256.toLower();
    if (wantSha.isEmpty())
        return false;
    const auto sidecars
        = QDir(m_saveDir).entryInfoList({ QLatin1Char('*') + PartialSuffix + SidecarSuffix },
                                        QDir::Files | QDir::Hidden | QDir::NoSymLinks);
    for (const QFileInfo &fi : sidecars) {
        QFile f(fi.absoluteFilePath());
        if (fi.size() > 64 * 1024 || !f.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        if (o.value(QLatin1String("sha256")).toString().toLower() != wantSha
            || JsonNumbers::toInteger(o.value(QLatin1String("size")), -1) != m_file.size)
            continue;
        QString partialPath = fi.absoluteFilePath();
        partialPath.chop(SidecarSuffix.size());
        if (busyPartials().contains(partialPath) || !FileNames::isInside(m_saveDir, partialPath))
            continue;
        QFile partial(partialPath);
        if (!partial.exists() || partial.size() > m_file.size)
            continue;
        m_partial.setFileName(partialPath);
        // Never through a symbolic link planted since isInside() looked (O_NOFOLLOW).
        if (!FileNames::openExistingNoFollow(&m_partial))
            continue;
        // Rebuild the running hash from what is already there.
        m_hash.reset();
        QByteArray buf(1 << 20, Qt::Uninitialized);
        qint64 done = 0;
        bool ok = true;
        while (ok) {
            const qint64 n = m_partial.read(buf.data(), buf.size());
            if (n < 0)
                ok = false;
            if (n <= 0)
                break;
            m_hash.addData(buf, 0, n);
            done += n;
        }
        if (!ok) {
            m_partial.close();
            continue;
        }
        m_written = done;
        m_lastAck = done;
        m_info.processedBytes = done;
        m_ownsPartial = true;
        m_adopted = true;
        busyPartials().insert(partialPath);
        qCInfo(lcCore) << "download" << m_info.id << "continues" << partialPath << "at" << done;
        return true;
    }
    return false;
}

bool DownloadJob::createPartial()
{
    const QString partialPath = FileNames::uniquePath(m_saveDir, m_safeName + PartialSuffix);
    if (!FileNames::isInside(m_saveDir, partialPath)) {
        fail(ErrorCode::LocalFileError,
             QStringLiteral("Refusing to write outside %1").arg(m_saveDir));
        return false;
    }
    m_partial.setFileName(partialPath);
    // O_EXCL|O_NOFOLLOW: never truncate a file someone else just created under the same
    // name, never write through a symbolic link.
    if (!FileNames::openNew(&m_partial)) {
        fail(ErrorCode::LocalFileError,
             QStringLiteral("Cannot write %1: %2").arg(partialPath, m_partial.errorString()));
        return false;
    }
    m_ownsPartial = true;
    busyPartials().insert(partialPath);
    // The same for the sidecar: a symlink planted under its name (the folder may be shared)
    // must not make us overwrite its target. Without a sidecar the partial just cannot be
    // continued later.
    QFile sidecar(partialPath + SidecarSuffix);
    if (FileNames::openNew(&sidecar)) {
        const QJsonObject o{ { QStringLiteral("index"), double(m_file.index) },
                             { QStringLiteral("sha256"), m_file.sha256.toLower() },
                             { QStringLiteral("size"), double(m_file.size) },
                             { QStringLiteral("name"), m_file.name },
                             { QStringLiteral("room"), room()->roomName() },
                             { QStringLiteral("server"), room()->serverAddress() } };
        sidecar.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    return true;
}

void DownloadJob::requestBegin(bool resuming)
{
    room()->request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-begin") },
                     { QStringLiteral("index"), double(m_file.index) },
                     { QStringLiteral("offset"), double(m_written) } },
        [this, resuming, r = room(),
         guard = QPointer<DownloadJob>(this)](const QJsonObject &reply) {
            const bool accepted = reply.value(QLatin1String("type")).toString()
                == QLatin1String("download-accepted");
            if (!guard || isFinished() || m_wireId != 0) {
                // Cancelled (or superseded) while the server was accepting: stop the stream.
                if (accepted)
                    r->sendControl(
                        QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-cancel") },
                                     { QStringLiteral("downloadId"),
                                       reply.value(QLatin1String("downloadId")) } });
                return;
            }
            if (isTransient(reply)) {
                m_paused = true; // the connection dropped; resumeAfterReconnect() asks again
                return;
            }
            if (!accepted)
                return fail(
                    ErrorCode(
                        reply.value(QLatin1String("code")).toInt(int(ErrorCode::DownloadFailed))),
                    reply.value(QLatin1String("desc")).toString());
            const QString sha = reply.value(QLatin1String("sha256")).toString().toLower();
            const qint64 size = JsonNumbers::toInteger(reply.value(QLatin1String("size")));
            if (!m_expectedSha.isEmpty() && (sha != m_expectedSha || size != m_info.totalBytes))
                return fail(ErrorCode::FileWithdrawn,
                            QStringLiteral("%1 changed on the server").arg(m_info.name));
            // A hostile server's id, size or offset must not steer the job: the file's size is
            // what the listing said, and an id already in use would mix two downloads.
            const quint32 wireId
                = JsonNumbers::toTransferId(reply.value(QLatin1String("downloadId")));
            if (wireId == 0 || r->m_downloadsByWireId.value(wireId) || size != m_file.size
                || m_written > size)
                return fail(ErrorCode::ProtocolError,
                            QStringLiteral("The server answered with an invalid download of %1")
                                .arg(m_info.name));
            m_wireId = wireId;
            m_endReceived = false;
            m_info.totalBytes = size;
            m_expectedSha = sha;
            room()->m_downloadsByWireId.insert(m_wireId, this);
            setRunning();
            if (resuming)
                setResumed(m_written);
            if (m_written == m_info.totalBytes && m_lastAck != m_written)
                ack();
        });
}

void DownloadJob::resumeAfterReconnect()
{
    if (isFinished() || !m_paused)
        return;
    m_paused = false;
    if (status() == TransferInfo::Status::Pending && !m_partial.isOpen())
        return; // not started yet: doStart() opens the partial and asks the server
    m_wireId = 0;
    requestBegin(true);
}

void DownloadJob::handleChunk(const ChunkHeader &header, const QByteArray &message)
{
    const QByteArrayView payload = QByteArrayView(message).sliced(ChunkHeader::Size);
    if (isFinished() || m_paused)
        return;
    if (qint64(header.offset) != m_written || m_written + payload.size() > m_info.totalBytes)
        return fail(ErrorCode::ProtocolError, QStringLiteral("The server sent data out of order"));
    if (!header.verify(payload)) {
        m_info.resentBytes += payload.size();
        if (++m_crcFailures > MaxCrcFailures)
            return fail(ErrorCode::IntegrityError,
                        QStringLiteral("Chunks of %1 keep arriving damaged").arg(m_info.name));
        qCInfo(lcCore) << "download" << m_info.id << "chunk at" << header.offset
                       << "arrived damaged; fetching again";
        return refetch();
    }
    m_crcFailures = 0;
    if (m_partial.write(payload.data(), payload.size()) != payload.size())
        return stopOnWriteFailure();
    m_hash.addData(message, ChunkHeader::Size);
    m_written += payload.size();
    addProcessed(payload.size());
    if (m_written - m_lastAck >= Protocol::AckInterval || m_written == m_info.totalBytes)
        ack();
    if (m_endReceived && m_written == m_info.totalBytes)
        complete();
}

void DownloadJob::refetch()
{
    // Stop the stream (its chunks still in flight are dropped by Room once the id is
    // forgotten) and ask for the rest again from the current offset.
    room()->sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-cancel") },
                                     { QStringLiteral("downloadId"), double(m_wireId) } });
    room()->m_downloadsByWireId.remove(m_wireId);
    m_wireId = 0;
    requestBegin(false);
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
    if (isFinished() || m_paused)
        return;
    // Over the data channel the last chunks may arrive after `download-end`, which takes
    // the WebSocket; TCP keeps them in order, so they do come (or the connection drops).
    m_endReceived = true;
    if (m_written == m_info.totalBytes)
        complete();
}

void DownloadJob::complete()
{
    if (!m_partial.flush())
        return fail(ErrorCode::LocalFileError, m_partial.errorString());
    m_partial.close();
    if (m_hash.hexResult() != m_expectedSha)
        return fail(ErrorCode::IntegrityError,
                    QStringLiteral("%1 arrived damaged: its checksum does not match the sender's")
                        .arg(m_info.name));
    if (m_file.isEmptyFolderEntry()) {
        // The folder itself (made in doStart()) is the whole entry: the zero bytes go.
        discardPartial();
        m_info.localPath = QFileInfo(m_saveDir).absoluteFilePath();
        finish(TransferInfo::Status::Completed);
        return;
    }
    // The final name is chosen only now so a file that appeared meanwhile is never overwritten;
    // renameNoReplace refuses to replace anything (a symlink planted after uniquePath()
    // looked included), so a race just picks the next name.
    for (int attempt = 0; attempt < 100; ++attempt) {
        const QString target = FileNames::uniquePath(m_saveDir, m_safeName);
        if (!FileNames::isInside(m_saveDir, target))
            break;
        const QString partialPath = m_partial.fileName();
        if (FileNames::renameNoReplace(partialPath, target)) {
            QFile::remove(partialPath + SidecarSuffix);
            busyPartials().remove(partialPath);
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
    if (isFinished())
        return;
    if (room()->state() == Room::State::Reconnecting) {
        m_paused = true;
        return;
    }
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

void DownloadJob::releasePartial()
{
    m_partial.close();
    if (m_ownsPartial)
        busyPartials().remove(m_partial.fileName());
}

void DownloadJob::discardPartial()
{
    releasePartial();
    if (m_ownsPartial) {
        QFile::remove(m_partial.fileName());
        QFile::remove(m_partial.fileName() + SidecarSuffix);
    }
    m_ownsPartial = false;
}

void DownloadJob::stopOnWriteFailure()
{
    if (isFinished())
        return;
    const QString reason = m_partial.errorString();
    const QString path = m_partial.fileName();
    const QString folder = QFileInfo(path).absolutePath();
    // The stream stops at once; nothing else of this room waits on this disk.
    if (m_wireId != 0 && room()->isConnected())
        room()->sendControl(
            QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-cancel") },
                         { QStringLiteral("downloadId"), double(m_wireId) } });
    // What reached the disk is kept, cut back to the last chunk written whole, so asking
    // for the file again once there is space continues from there (the sidecar names it).
    (void)m_partial.flush();
    const bool kept = m_partial.resize(m_written);
    releasePartial();
    if (!kept || m_written == 0) {
        discardPartial();
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("Cannot write %1 in %2: %3").arg(m_info.name, folder, reason));
    }
    m_ownsPartial = false;
    qCInfo(lcCore) << "download" << m_info.id << m_info.name << "stopped at" << m_written
                   << "bytes, partial kept:" << reason;
    finish(TransferInfo::Status::Failed, ErrorCode::LocalFileError,
           QStringLiteral("Cannot write %1 in %2: %3. The %4 bytes received are kept in %5; "
                          "download it again once there is space and it continues from there")
               .arg(m_info.name, folder, reason)
               .arg(m_written)
               .arg(QFileInfo(path).fileName()));
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
