#include "uploadjob.h"

#include "dataframes.h"
#include "jsonnumbers.h"

#include <QDateTime>
#include <QFileInfo>

#include "folderpaths.h"
#include <QJsonArray>
#include <QMimeDatabase>
#include <QTimer>

#include "logging.h"
#include "protocol.h"
#include "room.h"

namespace Roomshare {

namespace {
// Above this much unsent data in the socket we stop reading the file: the window alone
// would let eight MiB per upload pile up when several uploads share a slow link. Control
// messages queue behind this backlog, so it also bounds their latency during an upload.
constexpr qint64 MaxSocketBacklog = 1024 * 1024;
// A restored upload re-hashes what the server already holds this much per event-loop turn,
// so a window stays responsive while gigabytes are read.
constexpr qint64 RehashSlice = 16 * 1024 * 1024;

bool isTransient(const QJsonObject &reply)
{
    return reply.value(QLatin1String("transient")).toBool();
}
} // namespace

UploadJob::UploadJob(qint64 id, const QString &path, bool broadcast, const QStringList &recipients,
                     Room *room)
    : TransferJob(TransferInfo::Direction::Upload, id, room)
    , m_file(path)
{
    const QFileInfo fi(path);
    m_info.name = fi.fileName();
    m_info.localPath = fi.absoluteFilePath();
    m_info.totalBytes = fi.isFile() ? fi.size() : 0;
    m_info.mimeType = QMimeDatabase().mimeTypeForFile(fi, QMimeDatabase::MatchExtension).name();
    m_info.broadcast = broadcast;
    m_info.recipients = recipients;
}

void UploadJob::setFolder(const QString &group, const QString &folderPath, qint64 groupSize,
                          EntryKind kind)
{
    m_info.group = group;
    m_info.folderPath = folderPath;
    m_groupSize = groupSize;
    m_entryKind = kind;
    if (kind == EntryKind::EmptyFolder) {
        m_info.mimeType = FolderPaths::directoryMimeType();
        m_info.totalBytes = 0;
    }
}

UploadJob::UploadJob(qint64 id, const UnfinishedUpload &record, Room *room)
    : UploadJob(id, record.path, record.broadcast, record.recipients, room)
{
    m_restored = true;
    m_record = record;
    m_info.name = record.name.isEmpty() ? m_info.name : record.name;
    m_info.totalBytes = record.size;
    m_wireId = record.uploadId;
}

void UploadJob::doStart()
{
    if (m_restored)
        return startRestored();
    const QFileInfo fi(m_file.fileName());
    if (m_entryKind == EntryKind::EmptyFolder) {
        // Nothing to read: the entry only says the folder exists (and is empty).
        if (!fi.isDir() || fi.isSymLink())
            return fail(ErrorCode::LocalFileError,
                        QStringLiteral("%1 is no longer a folder").arg(m_info.localPath));
        m_sha256 = m_hash.hexResult();
        return begin();
    }
    if (fi.isDir())
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("%1 is a folder; only files can be sent").arg(m_info.name));
    if (!m_file.open(QIODevice::ReadOnly))
        return fail(
            ErrorCode::LocalFileError,
            QStringLiteral("Cannot read %1: %2").arg(m_info.localPath, m_file.errorString()));
    m_info.totalBytes = m_file.size();
    m_sourceModifiedMs = QFileInfo(m_file).lastModified().toMSecsSinceEpoch();
    if (room()->maxFileSize() > 0 && m_info.totalBytes > room()->maxFileSize())
        return fail(ErrorCode::FileTooLarge,
                    QStringLiteral("%1 is larger than the room's limit of %2 bytes")
                        .arg(m_info.name)
                        .arg(room()->maxFileSize()));
    if (m_info.totalBytes <= Protocol::ChunkSize) {
        // A file that fits in one chunk is hashed before it is announced, so the hash
        // travels with upload-begin and no upload-end is needed (one message less per
        // file). It is read again for sending, from the page cache.
        const QByteArray content = m_file.read(m_info.totalBytes);
        if (content.size() != m_info.totalBytes || !m_file.seek(0))
            return fail(ErrorCode::LocalFileError,
                        QStringLiteral("Reading %1 failed: %2")
                            .arg(m_info.localPath, m_file.errorString()));
        m_hash.addData(content);
        m_crc32c = crc32cOf(content);
        m_hashed = m_info.totalBytes;
        m_sha256 = m_hash.hexResult();
    }
    begin();
}

void UploadJob::begin()
{
    m_begun = true;
    QJsonObject msg{ { QStringLiteral("type"), QStringLiteral("upload-begin") },
                     { QStringLiteral("name"), m_info.name },
                     { QStringLiteral("size"), double(m_info.totalBytes) },
                     { QStringLiteral("mime"), m_info.mimeType },
                     { QStringLiteral("broadcast"), m_info.broadcast } };
    if (!m_info.broadcast)
        msg.insert(QStringLiteral("clientList"), QJsonArray::fromStringList(m_info.recipients));
    if (!m_sha256.isEmpty()) {
        msg.insert(QStringLiteral("sha256"), m_sha256);
        msg.insert(QStringLiteral("crc32c"), double(m_crc32c));
    }
    if (m_expiresIn > 0)
        msg.insert(QStringLiteral("expiresIn"), double(m_expiresIn));
    if (m_maxDownloads > 0)
        msg.insert(QStringLiteral("maxDownloads"), double(m_maxDownloads));
    if (!m_info.group.isEmpty()) {
        msg.insert(QStringLiteral("group"), m_info.group);
        msg.insert(QStringLiteral("path"), m_info.folderPath);
        msg.insert(QStringLiteral("groupSize"), double(m_groupSize));
    }
    room()->request(
        msg, [this, r = room(), guard = QPointer<UploadJob>(this)](const QJsonObject &reply) {
            const bool accepted
                = reply.value(QLatin1String("type")).toString() == QLatin1String("upload-accepted");
            if (!guard || isFinished()) {
                // Cancelled while the server was accepting: release what it set up for us.
                if (accepted)
                    r->sendControl(QJsonObject{
                        { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                        { QStringLiteral("uploadId"), reply.value(QLatin1String("uploadId")) } });
                return;
            }
            if (isTransient(reply)) {
                m_paused = true; // the connection dropped; resumeAfterReconnect() asks again
                return;
            }
            if (!accepted)
                return fail(
                    ErrorCode(
                        reply.value(QLatin1String("code")).toInt(int(ErrorCode::UploadFailed))),
                    reply.value(QLatin1String("desc")).toString());
            const quint32 wireId
                = JsonNumbers::toTransferId(reply.value(QLatin1String("uploadId")));
            // An id another job of ours already uses would mix two uploads' acknowledgements.
            if (wireId == 0 || r->m_uploadsByWireId.value(wireId))
                return fail(
                    ErrorCode::ProtocolError,
                    QStringLiteral("The server answered with an invalid upload id %1").arg(wireId));
            m_wireId = wireId;
            // The server took the hash from upload-begin; a server that did not sends no
            // endReceived and gets its upload-end.
            m_endSent = reply.value(QLatin1String("endReceived")).toBool();
            room()->m_uploadsByWireId.insert(m_wireId, this);
            room()->rememberUpload(this);
            setRunning();
            pump();
        });
}

void UploadJob::startRestored()
{
    QString why;
    const bool unchanged = m_record.sourceUnchanged(&why);
    if (unchanged && !m_file.open(QIODevice::ReadOnly))
        why = QStringLiteral("Cannot read %1: %2").arg(m_info.localPath, m_file.errorString());
    if (!why.isEmpty()) {
        // Never continue with other bytes than the ones the server holds: give its upload up.
        room()->sendControl(
            QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                         { QStringLiteral("uploadId"), double(m_wireId) } });
        return fail(ErrorCode::LocalFileError,
                    QStringLiteral("%1; the unfinished upload was discarded. Send the file again "
                                   "to start over.")
                        .arg(why));
    }
    m_sourceModifiedMs = m_record.modifiedMs;
    m_serverMayHold = m_info.totalBytes;
    m_begun = true; // by an earlier run: it goes on with upload-resume, never upload-begin
    m_paused = true;
    resumeAfterReconnect();
}

bool UploadJob::rehashPrefix()
{
    const qint64 until = qMin(m_sent, m_hashed + RehashSlice);
    if (!m_file.seek(m_hashed)) {
        fail(ErrorCode::LocalFileError,
             QStringLiteral("Cannot seek in %1: %2").arg(m_info.localPath, m_file.errorString()));
        return false;
    }
    while (m_hashed < until) {
        // A fresh buffer each time: the hashing thread keeps the previous one.
        QByteArray buf(int(qMin<qint64>(Protocol::ChunkSize, until - m_hashed)), Qt::Uninitialized);
        if (m_file.read(buf.data(), buf.size()) != buf.size()) {
            fail(ErrorCode::LocalFileError,
                 QStringLiteral("Reading %1 failed (was it changed or removed while sending?)")
                     .arg(m_info.localPath));
            return false;
        }
        m_hash.addData(buf);
        m_crc32c = crc32cCombine(m_crc32c, crc32cOf(buf), buf.size());
        m_hashed += buf.size();
    }
    if (m_hashed < m_sent) {
        QTimer::singleShot(0, this, &UploadJob::pump);
        return false;
    }
    if (!m_file.seek(m_sent)) {
        fail(ErrorCode::LocalFileError,
             QStringLiteral("Cannot seek in %1: %2").arg(m_info.localPath, m_file.errorString()));
        return false;
    }
    return true;
}

void UploadJob::resumeAfterReconnect()
{
    if (isFinished() || !m_paused)
        return;
    if (!m_begun) {
        m_paused = false; // still queued: doStart() opens the file and begins later
        return;
    }
    if (m_wireId == 0) {
        m_paused = false;
        return begin(); // never accepted: start over (nothing was sent)
    }
    // Stay paused until the server says where to continue: chunks sent before that would
    // land at the wrong offset and be rejected.
    room()->request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-resume") },
                     { QStringLiteral("uploadId"), double(m_wireId) } },
        [this, guard = QPointer<UploadJob>(this)](const QJsonObject &reply) {
            if (!guard || isFinished())
                return;
            if (isTransient(reply))
                return; // dropped again; still paused, asked again after the next reconnect
            const QString type = reply.value(QLatin1String("type")).toString();
            if (type == QLatin1String("upload-done")) {
                // It completed while we were away; the server kept the answer for us.
                return handleDone(
                    FileInfo::fromJson(reply.value(QLatin1String("file")).toObject()));
            }
            if (type != QLatin1String("upload-accepted"))
                return fail(
                    ErrorCode(
                        reply.value(QLatin1String("code")).toInt(int(ErrorCode::UploadFailed))),
                    QStringLiteral("Cannot resume sending %1: %2")
                        .arg(m_info.name, reply.value(QLatin1String("desc")).toString()));
            const qint64 offset = JsonNumbers::toInteger(reply.value(QLatin1String("offset")), -1);
            // The server cannot hold bytes it was never sent (a hostile server, or a man in
            // the middle on ws://, could say so): continuing there would skip data and hash.
            if (offset < 0 || offset > m_info.totalBytes
                || offset > qMax(qMax(m_sentMax, m_sent), m_serverMayHold)
                || JsonNumbers::toTransferId(reply.value(QLatin1String("uploadId"))) != m_wireId)
                return fail(ErrorCode::ProtocolError,
                            QStringLiteral("The server resumed at offset %1").arg(offset));
            qCInfo(lcCore) << "upload" << m_info.id << "resumes at" << offset << "of"
                           << m_info.totalBytes << "(had sent" << m_sent << ")";
            room()->m_uploadsByWireId.insert(m_wireId, this);
            m_paused = false;
            rewindTo(offset);
            m_endSent = false; // send it again; the server ignores a repeat
            m_acked = offset;
            // A restored job starts here: it is running from the server's offset on.
            setRunning();
            setResumed(offset);
            pump();
        });
}

void UploadJob::rewindTo(qint64 offset)
{
    m_sent = offset;
    m_window.restart(offset);
    if (!m_file.seek(offset))
        fail(ErrorCode::LocalFileError,
             QStringLiteral("Cannot seek in %1: %2").arg(m_info.localPath, m_file.errorString()));
}

void UploadJob::pump()
{
    if (isFinished() || m_wireId == 0 || m_paused || !room()->isConnected())
        return;
    if (m_hashed < m_sent && !rehashPrefix())
        return;
    while (m_sent < m_info.totalBytes && m_sent - m_acked < m_window.window()
           && room()->socketBacklog() < MaxSocketBacklog) {
        const qint64 n = qMin(Protocol::ChunkSize, m_info.totalBytes - m_sent);
        DataFrames::ChunkFrame chunk(n);
        const qint64 got = m_file.read(chunk.payload(), n);
        if (got != n)
            return fail(
                ErrorCode::LocalFileError,
                QStringLiteral("Reading %1 failed (was it changed or removed while sending?)")
                    .arg(m_info.localPath));
        // The header first: once the buffer is shared with the hashing thread, writing to it
        // would copy it.
        chunk.fill(ChunkHeader::Kind::Upload, m_wireId, quint64(m_sent));
        // Bytes sent again after a rewind were hashed the first time round.
        if (m_sent + n > m_hashed) {
            const qint64 skip = m_hashed - m_sent;
            m_hash.addData(chunk.frame(), chunk.frame().size() - n + skip, n - skip);
            // The whole file's CRC-32C for upload-end, composed from the chunks' (which the
            // server verifies and composes the same way): no pass of its own.
            const auto header
                = ChunkHeader::decode(QByteArrayView(chunk.frame()).sliced(DataFrames::LengthSize));
            const quint32 crc
                = skip == 0 && header ? header->crc32 : crc32cOf(chunk.payloadView().sliced(skip));
            m_crc32c = crc32cCombine(m_crc32c, crc, n - skip);
            m_hashed = m_sent + n;
        }
        room()->sendChunk(chunk);
        if (m_sent < m_sentMax)
            m_info.resentBytes += qMin(n, m_sentMax - m_sent);
        m_sent += n;
        m_window.sent(m_sent, AckWindow::nowNs());
        m_sentMax = qMax(m_sentMax, m_sent);
    }
    if (m_sent == m_info.totalBytes && !m_endSent) {
        if (m_sha256.isEmpty())
            m_sha256 = m_hash.hexResult(); // m_hashed == totalBytes here
        m_endSent = true;
        room()->sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-end") },
                                         { QStringLiteral("uploadId"), double(m_wireId) },
                                         { QStringLiteral("sha256"), m_sha256 },
                                         { QStringLiteral("crc32c"), double(m_crc32c) } });
    }
}

void UploadJob::handleAck(qint64 offset)
{
    if (isFinished() || m_paused || offset <= m_acked || offset > m_sent)
        return;
    addProcessed(offset - m_acked);
    m_acked = offset;
    m_window.acked(offset, AckWindow::nowNs());
    pump();
}

void UploadJob::handleNack(qint64 offset)
{
    // The server rejected the chunk at offset (damaged or out of place) and everything
    // after it: send again from there. Its offset never moves backwards.
    if (isFinished() || m_paused || offset < m_acked || offset >= m_sent)
        return;
    qCInfo(lcCore) << "upload" << m_info.id << "chunk at" << offset << "rejected; resending";
    if (offset > m_acked) {
        addProcessed(offset - m_acked);
        m_acked = offset;
    }
    rewindTo(offset);
    pump();
}

void UploadJob::handleDone(const FileInfo &file)
{
    if (isFinished())
        return;
    m_announced = file;
    m_info.fileIndex = file.index;
    qCDebug(lcCore) << "upload" << m_info.id << "done; window" << m_window.window() << "min rtt ms"
                    << double(m_window.minRttNs()) / 1e6 << "rate MB/s" << m_window.rate() / 1e6;
    if (m_info.processedBytes < m_info.totalBytes)
        addProcessed(m_info.totalBytes - m_info.processedBytes);
    m_file.close();
    finish(TransferInfo::Status::Completed);
}

void UploadJob::handleFailed(ErrorCode code, const QString &desc)
{
    fail(code, desc);
}

void UploadJob::handleConnectionLost()
{
    if (isFinished())
        return;
    if (room()->state() == Room::State::Reconnecting) {
        m_paused = true;
        return;
    }
    fail(ErrorCode::ConnectionLost,
         QStringLiteral("The connection to the room was lost while sending %1").arg(m_info.name));
}

void UploadJob::doCancel()
{
    m_file.close();
    if (m_wireId == 0)
        return;
    if (room()->isConnected())
        room()->request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                                     { QStringLiteral("uploadId"), double(m_wireId) } },
                        [](const QJsonObject &) {});
    else
        room()->cancelAfterReconnect(m_wireId);
}

void UploadJob::fail(ErrorCode code, const QString &desc)
{
    if (isFinished())
        return;
    qCInfo(lcCore) << "upload" << m_info.id << m_info.name << "failed:" << int(code) << desc;
    m_file.close();
    finish(TransferInfo::Status::Failed, code, desc.isEmpty() ? Roomshare::errorText(code) : desc);
}

} // namespace Roomshare
