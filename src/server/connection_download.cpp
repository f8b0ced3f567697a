// Sending download chunks: by sendfile where the bytes need not pass through the server.
#include "chunkcrcs_p.h"
#include "connection_p.h"
#include "roomserver_p.h"
#include "zerocopywriter_p.h"

#include <protocol.h>

#include <QTcpSocket>
#include <QtEndian>

namespace Roomshare::Server {

Connection::ChunkSent Connection::sendDownloadChunk(Download &d, qint64 n)
{
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

} // namespace Roomshare::Server
