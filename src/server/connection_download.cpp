// Downloads: `download-begin`, acks, cancels and `download-verified`, and sending the chunks
// (by sendfile where the bytes need not pass through the server).
#include "chunkcrcs_p.h"
#include "connection_p.h"
#include "connection_wire_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"
#include "zerocopywriter_p.h"

#include <jsonnumbers.h>
#include <protocol.h>

#include <QScopedValueRollback>
#include <QTcpSocket>
#include <QWebSocket>
#include <QtEndian>

#include <cstring>

namespace Roomshare::Server {

using namespace ConnectionWire;

namespace {

// Above this much unsent data in the socket, downloads pause until bytesWritten, so a
// slow recipient costs a bounded amount of memory whatever the window allows. The kernel's
// socket buffer holds more on top; 1 MiB keeps 20 recipients within the RSS target and
// control replies from queueing long behind data.
constexpr qint64 SocketHighWater = 1024 * 1024;
// What a download from an object store buffers ahead of the socket: eight chunks, so the
// next ones are there when acks open the window, and memory stays flat whatever the size.
constexpr qint64 ObjectReadAhead = 8 * Protocol::ChunkSize;

} // namespace

Connection::ChunkSent Connection::sendDownloadChunk(Download &d, qint64 n)
{
    if (d.object) {
        // Cut from the GET's buffer; the transfer waits while the buffer is full.
        if (d.object->bytesAvailable() < n)
            return d.object->isFinished() ? ChunkSent::ReadFailed : ChunkSent::Waiting;
        DataFrames::ChunkFrame chunk(n);
        const QByteArray bytes = d.object->read(n);
        std::memcpy(chunk.payload(), bytes.constData(), size_t(n));
        chunk.fill(ChunkHeader::Kind::Download, d.id, quint64(d.sent));
        sendChunk(chunk);
        return ChunkSent::Sent;
    }
    const qint64 size = d.file->size;
    const qint64 blocks = (size + Protocol::ChunkSize - 1) / Protocol::ChunkSize;
    const bool whole = d.sent % Protocol::ChunkSize == 0
        && (n == Protocol::ChunkSize || d.sent + n == size)
        && d.file->blockCrcs.size() == blocks * 4;
    const auto crc
        = whole ? blockCrc(d.file->blockCrcs, d.sent / Protocol::ChunkSize) : std::nullopt;
    if (crc && m_zeroCopy && m_data) {
        // Qt's buffer must be empty, or the frame would overtake bytes queued there.
        if (m_data->bytesToWrite() > 0)
            return ChunkSent::Later;
        QByteArray head(DataFrames::LengthSize + ChunkHeader::Size, Qt::Uninitialized);
        qToBigEndian<quint32>(quint32(ChunkHeader::Size + n), head.data());
        ChunkHeader::write(head.data() + DataFrames::LengthSize, ChunkHeader::Kind::Download, d.id,
                           quint64(d.sent), *crc);
        m_zeroCopy->write(std::move(head), d.source, d.sent, n);
        ++m_server->zeroCopyChunks;
        return ChunkSent::Sent;
    }
    // Read straight into the frame: no second copy of the payload. (sendfile does not move
    // the file position, hence the seek.)
    DataFrames::ChunkFrame chunk(n);
    if ((d.source->pos() != d.sent && !d.source->seek(d.sent))
        || d.source->read(chunk.payload(), n) != n)
        return ChunkSent::ReadFailed;
    chunk.fill(ChunkHeader::Kind::Download, d.id, quint64(d.sent));
    sendChunk(chunk);
    return ChunkSent::Sent;
}

void Connection::handleDownloadBegin(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto index = JsonNumbers::exactInteger(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"index\" must be an integer"));
    const QJsonValue offsetValue = msg.value(QLatin1String("offset"));
    const auto offset = offsetValue.isUndefined() ? std::optional<qint64>(0)
                                                  : JsonNumbers::exactInteger(offsetValue);
    if (!offset)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"offset\" must be an integer"));
    const StoredFilePtr file = m_room->visibleFile(*index, m_clientId);
    if (!file) {
        return sendError(rid, ErrorCode::FileNotAvailable,
                         QStringLiteral("No file %1 is available to you").arg(*index));
    }
    if (*offset < 0 || *offset > file->size) {
        return sendError(
            rid, ErrorCode::InvalidRequest,
            QStringLiteral("Offset %1 is outside the file (0 to %2)").arg(*offset).arg(file->size));
    }
    if (int(m_downloads.size()) >= m_server->options.maxDownloadsPerConnection) {
        return sendError(rid, ErrorCode::LimitExceeded,
                         QStringLiteral("At most %1 downloads at a time")
                             .arg(m_server->options.maxDownloadsPerConnection));
    }
    auto download = std::make_unique<Download>();
    download->id = m_server->nextTransferId();
    download->file = file;
    if (m_server->objects) {
        const quint32 downloadId = download->id;
        download->object.reset(
            m_server->objects->read(file->storageId, *offset, ObjectReadAhead, nullptr));
        connect(download->object.get(), &S3Job::readyRead, this, [this] { pumpDownloads(); });
        connect(download->object.get(), &S3Job::finished, this, [this, downloadId](S3Job *job) {
            if (job->error() == S3Error::None)
                return pumpDownloads(); // the rest is in the buffer
            if (!m_downloads.count(downloadId))
                return;
            qCWarning(lcServer).noquote() << "download" << downloadId
                                          << "from the object store failed:" << job->errorString();
            // The same detail as a failed upload's (the request, the address, the cause).
            dropDownload(
                downloadId, ErrorCode::DownloadFailed,
                QStringLiteral("The server could not read the file from its object store: %1")
                    .arg(job->errorString()));
        });
    } else {
        download->source = std::make_shared<QFile>(file->storagePath);
    }
    if (download->source
        && (!download->source->open(QIODevice::ReadOnly) || !download->source->seek(*offset))) {
        qCWarning(lcServer) << "cannot read" << file->storagePath
                            << download->source->errorString();
        return sendError(rid, ErrorCode::DownloadFailed,
                         QStringLiteral("The server cannot read file %1").arg(*index));
    }
    download->sent = *offset;
    download->acked = *offset;
    download->window.restart(*offset);
    const quint32 id = download->id;
    m_downloads.emplace(id, std::move(download));
    qCInfo(lcServer) << m_clientId << "download" << id << "of file" << *index << "from" << *offset;

    QJsonObject reply = message("download-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("downloadId"), qint64(id));
    reply.insert(QStringLiteral("index"), *index);
    reply.insert(QStringLiteral("size"), file->size);
    reply.insert(QStringLiteral("sha256"), file->sha256);
    reply.insert(QStringLiteral("offset"), *offset);
    sendJson(reply);
    pumpDownloads();
}

void Connection::handleDownloadAck(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("downloadId")));
    const auto offset = JsonNumbers::exactInteger(msg.value(QLatin1String("offset")));
    if (!id || !offset)
        return sendError(rid, ErrorCode::InvalidRequest,
                         str("\"downloadId\" and \"offset\" must be integers"));
    const auto it = m_downloads.find(*id);
    if (it == m_downloads.end())
        return; // acks may trail the end or a cancel of the download
    Download &download = *it->second;
    // An ack can only confirm bytes that were sent; clamp rather than trust it.
    download.acked = qBound(download.acked, *offset, download.sent);
    download.window.acked(download.acked, AckWindow::nowNs());
    pumpDownloads();
}

void Connection::handleDownloadVerified(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto index = JsonNumbers::exactInteger(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"index\" must be an integer"));
    const StoredFilePtr file = m_room->visibleFile(*index, m_clientId);
    if (!file)
        return sendError(rid, ErrorCode::FileNotAvailable,
                         QStringLiteral("No file %1 is available to you").arg(*index));
    if (!m_session->sentFiles.contains(*index))
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("You have not downloaded file %1 completely").arg(*index));
    m_server->recordDelivery(m_room, file,
                             Delivery{ m_clientId, m_name, QDateTime::currentMSecsSinceEpoch() });
    QJsonObject reply = message("delivery-recorded");
    setRid(reply, rid);
    reply.insert(QStringLiteral("index"), *index);
    sendJson(reply);
}

void Connection::handleDownloadCancel(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("downloadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"downloadId\" must be an integer"));
    if (!m_downloads.count(*id)) {
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no download %1 in progress").arg(*id));
    }
    dropDownload(*id, ErrorCode::None, QString());
    qCInfo(lcServer) << "download" << *id << "cancelled";
    QJsonObject reply = message("download-cancelled");
    setRid(reply, rid);
    reply.insert(QStringLiteral("downloadId"), qint64(*id));
    sendJson(reply);
}

void Connection::dropDownload(quint32 downloadId, ErrorCode code, const QString &desc)
{
    if (!m_downloads.erase(downloadId) || code == ErrorCode::None)
        return;
    sendJson(failureMessage("download-failed", "downloadId", downloadId, code, desc));
}

void Connection::pumpDownloads()
{
    // sendBinaryMessage may re-enter through bytesWritten on some platforms.
    if (m_pumping || m_closing)
        return;
    const QScopedValueRollback<bool> guard(m_pumping, true);
    while (!m_downloads.empty() && dataBacklog() < SocketHighWater
           && m_socket->state() == QAbstractSocket::ConnectedState) {
        // One chunk per download per round, starting after the last one served.
        std::vector<quint32> order;
        order.reserve(m_downloads.size());
        for (auto it = m_downloads.upper_bound(m_lastServedDownload); it != m_downloads.end(); ++it)
            order.push_back(it->first);
        for (auto it = m_downloads.begin();
             it != m_downloads.end() && it->first <= m_lastServedDownload; ++it)
            order.push_back(it->first);

        bool progressed = false;
        for (const quint32 id : order) {
            // A frame half out by sendfile must be finished before anything else is written.
            if (dataBacklog() >= SocketHighWater || (m_zeroCopy && m_zeroCopy->pending() > 0))
                break;
            const auto it = m_downloads.find(id);
            if (it == m_downloads.end())
                continue;
            Download &d = *it->second;
            const qint64 size = d.file->size;
            if (d.sent < size) {
                if (d.sent - d.acked >= d.window.window())
                    continue;
                // Chunks follow the blocks whose CRC-32Cs the upload left (a download
                // resumed inside a block first completes that block).
                const qint64 n
                    = qMin(Protocol::ChunkSize - d.sent % Protocol::ChunkSize, size - d.sent);
                const ChunkSent sent = sendDownloadChunk(d, n);
                if (sent == ChunkSent::Later)
                    break;
                if (sent == ChunkSent::Waiting)
                    continue;
                if (sent == ChunkSent::ReadFailed) {
                    qCWarning(lcServer) << "read failed for download" << id
                                        << (d.source ? d.source->errorString() : QString());
                    dropDownload(id, ErrorCode::DownloadFailed,
                                 str("The server could not read the file"));
                    progressed = true;
                    continue;
                }
                d.sent += n;
                d.window.sent(d.sent, AckWindow::nowNs());
                m_lastServedDownload = id;
                progressed = true;
            }
            if (d.sent == size) {
                const qint64 index = d.file->index;
                if (m_session)
                    m_session->sentFiles.insert(index);
                QJsonObject end = message("download-end");
                end.insert(QStringLiteral("downloadId"), qint64(id));
                sendJson(end);
                qCDebug(lcServer) << "download" << id << "sent completely; window"
                                  << d.window.window() << "min rtt ms"
                                  << double(d.window.minRttNs()) / 1e6 << "rate MB/s"
                                  << d.window.rate() / 1e6;
                m_downloads.erase(id);
                progressed = true;
                // After download-end: a download limit reached here withdraws the file,
                // which must not fail the download that reached it.
                m_server->countDownload(m_room, index);
            }
        }
        if (!progressed)
            break;
    }
}

} // namespace Roomshare::Server
