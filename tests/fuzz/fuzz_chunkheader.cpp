// Binary data-message headers: ChunkHeader::decode and verify on arbitrary bytes; a decoded
// header re-encodes to the same header bytes.

#include <chunkheader.h>

#include <cstdint>
#include <cstdlib>

using namespace Roomshare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView message(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto header = ChunkHeader::decode(message);
    if (!header)
        return 0;
    if (message.size() < ChunkHeader::Size)
        std::abort();
    const QByteArrayView payload = message.sliced(ChunkHeader::Size);
    const bool ok = header->verify(payload);
    // Re-encode with the checksum the header claims (CRC-32C wins when both bits are set).
    const auto checksum = (header->flags & ChunkHeader::HasCrc32c) ? ChunkHeader::Checksum::Crc32c
        : (header->flags & ChunkHeader::HasCrc32)                  ? ChunkHeader::Checksum::Crc32
                                                                   : ChunkHeader::Checksum::None;
    const QByteArray encoded
        = ChunkHeader::encode(header->kind, header->transferId, header->offset, payload, checksum);
    const auto again = ChunkHeader::decode(encoded);
    if (!again || again->transferId != header->transferId || again->offset != header->offset
        || again->kind != header->kind)
        std::abort();
    // A chunk without a checksum is never accepted; one with a checksum verifies once
    // re-encoded, and a header that verified carried exactly that checksum.
    if (again->verify(payload) != (checksum != ChunkHeader::Checksum::None))
        std::abort();
    if (ok && again->crc32 != header->crc32)
        std::abort();
    if (ok && checksum == ChunkHeader::Checksum::None)
        std::abort();
    return 0;
}
