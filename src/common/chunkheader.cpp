#include "chunkheader.h"

#include <QtEndian>

#include <zlib.h>

namespace Roomshare {

quint32 crc32Of(QByteArrayView data)
{
    uLong crc = ::crc32(0L, Z_NULL, 0);
    const auto *p = reinterpret_cast<const Bytef *>(data.data());
    qsizetype left = data.size();
    // zlib takes uInt lengths; feed large views in slices.
    while (left > 0) {
        const uInt n = uInt(qMin<qsizetype>(left, 1 << 30));
        crc = ::crc32(crc, p, n);
        p += n;
        left -= n;
    }
    return quint32(crc);
}

void ChunkHeader::fill(QByteArray &message, Kind kind, quint32 transferId, quint64 offset,
                       Checksum checksum)
{
    Q_ASSERT(message.size() >= Size);
    auto *d = reinterpret_cast<uchar *>(message.data());
    d[0] = uchar(kind);
    const bool withCrc = checksum == Checksum::Crc32;
    d[1] = withCrc ? HasCrc32 : 0;
    d[2] = 0;
    d[3] = 0;
    qToBigEndian<quint32>(transferId, d + 4);
    qToBigEndian<quint64>(offset, d + 8);
    qToBigEndian<quint32>(withCrc ? crc32Of(QByteArrayView(message).sliced(Size)) : 0, d + 16);
}

QByteArray ChunkHeader::encode(Kind kind, quint32 transferId, quint64 offset,
                               QByteArrayView payload, Checksum checksum)
{
    QByteArray out(Size + payload.size(), Qt::Uninitialized);
    if (!payload.isEmpty())
        memcpy(out.data() + Size, payload.data(), size_t(payload.size()));
    fill(out, kind, transferId, offset, checksum);
    return out;
}

std::optional<ChunkHeader> ChunkHeader::decode(QByteArrayView message)
{
    if (message.size() < Size)
        return std::nullopt;
    const auto *d = reinterpret_cast<const uchar *>(message.data());
    if (d[0] != quint8(Kind::Upload) && d[0] != quint8(Kind::Download))
        return std::nullopt;
    ChunkHeader h;
    h.kind = Kind(d[0]);
    h.flags = d[1];
    h.transferId = qFromBigEndian<quint32>(d + 4);
    h.offset = qFromBigEndian<quint64>(d + 8);
    h.crc32 = qFromBigEndian<quint32>(d + 16);
    return h;
}

bool ChunkHeader::verify(QByteArrayView payload) const
{
    return !(flags & HasCrc32) || crc32Of(payload) == crc32;
}

} // namespace Roomshare
