#include "chunkheader.h"

#include <QtEndian>

#include <zlib.h>

#include <array>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define ROOMSHARE_CRC32C_X86 1
#endif

namespace Roomshare {

namespace {

constexpr quint32 Crc32cPolynomial = 0x82F63B78; // reflected Castagnoli polynomial

constexpr std::array<quint32, 256> makeCrc32cTable()
{
    std::array<quint32, 256> table{};
    for (quint32 i = 0; i < 256; ++i) {
        quint32 crc = i;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1) ? (crc >> 1) ^ Crc32cPolynomial : crc >> 1;
        table[i] = crc;
    }
    return table;
}

quint32 crc32cSoftware(quint32 crc, const uchar *p, qsizetype n)
{
    static constexpr auto table = makeCrc32cTable();
    for (qsizetype i = 0; i < n; ++i)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

#ifdef ROOMSHARE_CRC32C_X86
__attribute__((target("sse4.2"))) quint32 crc32cHardware(quint32 crc, const uchar *p, qsizetype n)
{
    quint64 c = crc;
    while (n >= 8) {
        quint64 word;
        memcpy(&word, p, sizeof word);
        c = _mm_crc32_u64(c, word);
        p += 8;
        n -= 8;
    }
    auto c32 = quint32(c);
    while (n-- > 0)
        c32 = _mm_crc32_u8(c32, *p++);
    return c32;
}
#endif

} // namespace

quint32 crc32cOf(QByteArrayView data)
{
    const auto *p = reinterpret_cast<const uchar *>(data.data());
#ifdef ROOMSHARE_CRC32C_X86
    static const bool hasSse42 = __builtin_cpu_supports("sse4.2");
    if (hasSse42)
        return ~crc32cHardware(~0u, p, data.size());
#endif
    return ~crc32cSoftware(~0u, p, data.size());
}

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
    fill(message.data(), message.size(), kind, transferId, offset, checksum);
}

void ChunkHeader::fill(char *message, qint64 size, Kind kind, quint32 transferId, quint64 offset,
                       Checksum checksum)
{
    Q_ASSERT(size >= Size);
    auto *d = reinterpret_cast<uchar *>(message);
    d[0] = uchar(kind);
    const QByteArrayView payload(message + Size, size - Size);
    quint32 crc = 0;
    d[1] = 0;
    if (checksum == Checksum::Crc32c) {
        d[1] = HasCrc32c;
        crc = crc32cOf(payload);
    } else if (checksum == Checksum::Crc32) {
        d[1] = HasCrc32;
        crc = crc32Of(payload);
    }
    d[2] = 0;
    d[3] = 0;
    qToBigEndian<quint32>(transferId, d + 4);
    qToBigEndian<quint64>(offset, d + 8);
    qToBigEndian<quint32>(crc, d + 16);
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
    if (flags & HasCrc32c)
        return crc32cOf(payload) == crc32;
    if (flags & HasCrc32)
        return crc32Of(payload) == crc32;
    return false;
}

} // namespace Roomshare
