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
    const QByteArray encoded
        = ChunkHeader::encode(header->kind, header->transferId, header->offset, payload);
    const auto again = ChunkHeader::decode(encoded);
    if (!again || again->transferId != header->transferId || again->offset != header->offset
        || again->kind != header->kind || !again->verify(payload))
        std::abort();
    if (ok && (header->flags & ChunkHeader::HasCrc32) && again->crc32 != header->crc32)
        std::abort();
    return 0;
}
