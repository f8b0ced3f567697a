#include "chunkcrcs_p.h"

#include <chunkheader.h>
#include <protocol.h>

#include <QIODevice>
#include <QtEndian>

namespace Roomshare::Server {

void ChunkCrcs::reset()
{
    *this = ChunkCrcs();
}

void ChunkCrcs::append(QByteArrayView payload, quint32 crc)
{
    const qint64 n = payload.size();
    if (n == 0)
        return;
    m_whole = crc32cCombine(m_whole, crc, n);
    const qint64 inBlock = m_length % Protocol::ChunkSize;
    const qint64 room = Protocol::ChunkSize - inBlock;
    if (n <= room) {
        // The reference client's chunks are exactly the blocks: nothing to compute.
        m_partial = inBlock == 0 ? crc : crc32cCombine(m_partial, crc, n);
    } else {
        // A chunk across a block boundary (another client's chunk size, or a resume at an odd
        // offset): its two parts need their own CRCs. A chunk is at most one block long, so
        // there are at most two parts.
        const quint32 first = crc32cOf(payload.first(room));
        m_blocks.push_back(inBlock == 0 ? first : crc32cCombine(m_partial, first, room));
        m_partial = crc32cOf(payload.sliced(room));
    }
    m_length += n;
    if (m_length % Protocol::ChunkSize == 0) {
        m_blocks.push_back(m_partial);
        m_partial = 0;
    }
}

bool ChunkCrcs::rebuild(QIODevice &in, qint64 length)
{
    reset();
    QByteArray buf(Protocol::ChunkSize, Qt::Uninitialized);
    while (m_length < length) {
        const qint64 want = qMin<qint64>(length - m_length, buf.size());
        if (in.read(buf.data(), want) != want)
            return false;
        const QByteArrayView part(buf.constData(), want);
        append(part, crc32cOf(part));
    }
    return true;
}

QByteArray ChunkCrcs::blocks() const
{
    const bool partial = m_length % Protocol::ChunkSize != 0;
    QByteArray out(qsizetype(m_blocks.size() + (partial ? 1 : 0)) * 4, Qt::Uninitialized);
    auto *d = reinterpret_cast<uchar *>(out.data());
    for (const quint32 crc : m_blocks) {
        qToBigEndian<quint32>(crc, d);
        d += 4;
    }
    if (partial)
        qToBigEndian<quint32>(m_partial, d);
    return out;
}

std::optional<quint32> blockCrc(const QByteArray &blocks, qint64 block)
{
    if (block < 0 || (block + 1) * 4 > blocks.size())
        return std::nullopt;
    return qFromBigEndian<quint32>(blocks.constData() + block * 4);
}

} // namespace Roomshare::Server
