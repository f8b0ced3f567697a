#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <optional>

namespace Roomshare {

//! The fixed header in front of every binary WebSocket message (see docs/protocol.md,
//! "Data messages"). All integers are big-endian.
struct ChunkHeader
{
    enum class Kind : quint8 {
        Upload = 0x01, //!< client to server: bytes of an upload
        Download = 0x02, //!< server to client: bytes of a download
    };
    enum Flag : quint8 {
        HasCrc32 = 0x01, //!< crc32 holds the CRC-32 (zlib polynomial) of the payload
        HasCrc32c = 0x02, //!< crc32 holds the CRC-32C (Castagnoli) of the payload
    };
    static constexpr int Size = 20;
    //! The per-chunk checksum a sender computes. Roomshare's senders use CRC-32C, which the
    //! CPU computes in hardware (SSE 4.2): zlib's CRC-32 cost a third of the server's CPU
    //! when serving downloads. None exists only so tests can forge unchecked chunks, which
    //! receivers refuse.
    enum class Checksum : quint8 { Crc32c, Crc32, None };

    Kind kind = Kind::Upload;
    quint8 flags = 0;
    quint32 transferId = 0;
    quint64 offset = 0;
    quint32 crc32 = 0;

    //! Serialises the header followed by \a payload into one message, computing the CRC.
    static QByteArray encode(Kind kind, quint32 transferId, quint64 offset, QByteArrayView payload,
                             Checksum checksum = Checksum::Crc32c);
    //! Writes the header into the first Size bytes of \a message, whose payload (the rest)
    //! is already in place; saves a copy of the payload on the hot path.
    static void fill(QByteArray &message, Kind kind, quint32 transferId, quint64 offset,
                     Checksum checksum = Checksum::Crc32c);
    //! The same for a message of \a size bytes (header included) at \a message.
    static void fill(char *message, qint64 size, Kind kind, quint32 transferId, quint64 offset,
                     Checksum checksum = Checksum::Crc32c);
    //! Writes a header whose CRC-32C of the payload is known already (\a crc32c) into the
    //! Size bytes at \a header: a payload sent without passing through the writer's memory.
    static void write(char *header, Kind kind, quint32 transferId, quint64 offset, quint32 crc32c);
    //! Parses the header of \a message; std::nullopt when it is too short or has an unknown kind.
    static std::optional<ChunkHeader> decode(QByteArrayView message);
    //! True when the header carries a checksum (CRC-32C or CRC-32) that matches \a payload.
    //! A chunk without a checksum is refused: every chunk must be verifiable on receipt.
    bool verify(QByteArrayView payload) const;
};

//! CRC-32 as zlib computes it.
quint32 crc32Of(QByteArrayView data);
//! CRC-32C (Castagnoli, as iSCSI and ext4 use it); in hardware where the CPU has SSE 4.2.
quint32 crc32cOf(QByteArrayView data);
//! The CRC-32C of A followed by B, from CRC-32C(A) \a crcA, CRC-32C(B) \a crcB and the length
//! of B, without a pass over either: how a receiver composes a whole object's CRC from the
//! CRCs of its chunks (docs/protocol.md, "Uploads"). \a lengthB >= 0.
quint32 crc32cCombine(quint32 crcA, quint32 crcB, qint64 lengthB);

} // namespace Roomshare
