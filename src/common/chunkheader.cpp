#include "chunkheader.h"

#include "protocol.h"

#include <QtEndian>

#include <zlib.h>

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define ROOMSHARE_CRC32C_X86 1
#endif

namespace Roomshare {

static_assert(Protocol::MaxDataMessage == Protocol::ChunkSize + ChunkHeader::Size,
              "docs/protocol.md: a data message is the header plus at most one chunk");

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
// The crc32 instruction has a latency of three cycles but can start one per cycle, so a
// single dependency chain runs at a third of the CPU's speed. Three chains over three
// adjacent blocks run at full speed; the block CRCs are then joined by "shifting" a CRC
// over a block of zeros, a linear map applied with four table lookups. The server spent
// a fifth of a download's CPU in the single-chain version.
constexpr qsizetype LongBlock = 8192;
constexpr qsizetype ShortBlock = 256;

__attribute__((target("sse4.2"))) quint32 crc32cSerial(quint32 crc, const uchar *p, qsizetype n)
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

//! The tables of the map "run the CRC register over \a zeros zero bytes", one per byte of
//! the register; the map is linear, so it is the XOR of the four lookups.
struct ShiftTable
{
    std::array<std::array<quint32, 256>, 4> t{};

    __attribute__((target("sse4.2"))) explicit ShiftTable(qsizetype zeros)
    {
        static const std::array<uchar, LongBlock> zeroBytes{};
        for (int byte = 0; byte < 4; ++byte) {
            for (quint32 v = 0; v < 256; ++v)
                t[byte][v] = crc32cSerial(v << (8 * byte), zeroBytes.data(), zeros);
        }
    }

    quint32 shift(quint32 crc) const
    {
        return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff]
            ^ t[3][crc >> 24];
    }
};

//! Consumes whole groups of three \a block-sized blocks from \a p.
__attribute__((target("sse4.2"))) quint32 crc32cThreeWay(quint32 crc, const uchar *&p, qsizetype &n,
                                                         qsizetype block, const ShiftTable &table)
{
    while (n >= 3 * block) {
        quint64 c0 = crc;
        quint64 c1 = 0;
        quint64 c2 = 0;
        for (qsizetype i = 0; i < block; i += 8) {
            quint64 w0, w1, w2;
            memcpy(&w0, p + i, 8);
            memcpy(&w1, p + block + i, 8);
            memcpy(&w2, p + 2 * block + i, 8);
            c0 = _mm_crc32_u64(c0, w0);
            c1 = _mm_crc32_u64(c1, w1);
            c2 = _mm_crc32_u64(c2, w2);
        }
        crc = table.shift(quint32(c0)) ^ quint32(c1);
        crc = table.shift(crc) ^ quint32(c2);
        p += 3 * block;
        n -= 3 * block;
    }
    return crc;
}

__attribute__((target("sse4.2"))) quint32 crc32cHardware(quint32 crc, const uchar *p, qsizetype n)
{
    static const ShiftTable longShift(LongBlock);
    static const ShiftTable shortShift(ShortBlock);
    crc = crc32cThreeWay(crc, p, n, LongBlock, longShift);
    crc = crc32cThreeWay(crc, p, n, ShortBlock, shortShift);
    return crc32cSerial(crc, p, n);
}
#endif

// CRC combination works on polynomials over GF(2) modulo the CRC's polynomial P, in the
// reflected bit order the CRC register uses: bit 31 is the coefficient of x^0, bit 0 that of
// x^31. Appending n zero bytes to a message multiplies its (unconditioned) register by
// x^(8n) mod P; the initial value and final XOR cancel out, so
// crc(A|B) = crc(A) * x^(8 len(B)) mod P  XOR  crc(B).
quint32 multiplyModP(quint32 a, quint32 b)
{
    quint32 product = 0;
    for (quint32 bit = 1u << 31; bit != 0; bit >>= 1) {
        if (a & bit)
            product ^= b;
        // b *= x: a shift towards higher powers, reducing by P when x^32 appears.
        b = (b & 1) ? (b >> 1) ^ Crc32cPolynomial : b >> 1;
    }
    return product;
}

//! x^(2^k) mod P for k = 0..63, by repeated squaring from x^1.
std::array<quint32, 64> makePowersOfTwo()
{
    std::array<quint32, 64> powers{};
    powers[0] = 1u << 30; // x^1
    for (std::size_t k = 1; k < powers.size(); ++k)
        powers[k] = multiplyModP(powers[k - 1], powers[k - 1]);
    return powers;
}

//! x^(8 n) mod P: the product of x^(2^k) over the set bits k of 8 n.
quint32 shiftOperator(quint64 bytes)
{
    static const std::array<quint32, 64> powers = makePowersOfTwo();
    quint32 op = 1u << 31; // x^0
    // 8 n may need one bit more than n: walk n's bits and start at x^8 = x^(2^3).
    for (std::size_t k = 3; bytes != 0 && k < powers.size(); ++k, bytes >>= 1) {
        if (bytes & 1)
            op = multiplyModP(op, powers[k]);
    }
    return op;
}

} // namespace

quint32 crc32cCombine(quint32 crcA, quint32 crcB, qint64 lengthB)
{
    Q_ASSERT(lengthB >= 0);
    if (lengthB <= 0)
        return crcA; // B is empty (its CRC-32C is 0)
    return multiplyModP(shiftOperator(quint64(lengthB)), crcA) ^ crcB;
}

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

void ChunkHeader::write(char *header, Kind kind, quint32 transferId, quint64 offset, quint32 crc32c)
{
    auto *d = reinterpret_cast<uchar *>(header);
    d[0] = uchar(kind);
    d[1] = HasCrc32c;
    d[2] = 0;
    d[3] = 0;
    qToBigEndian<quint32>(transferId, d + 4);
    qToBigEndian<quint64>(offset, d + 8);
    qToBigEndian<quint32>(crc32c, d + 16);
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
