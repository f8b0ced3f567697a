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
        HasCrc32 = 0x01, //!< crc32 holds the CRC-32 (zlib) of the payload
    };
    static constexpr int Size = 20;
    //! Whether a sender computes the optional per-chunk CRC-32. Roomshare's own senders
    //! leave it out on the hot paths: TCP checksums every segment and the SHA-256 of the
    //! whole file is verified end to end, while zlib's CRC cost a third of the server's CPU
    //! when serving downloads (see README, "Benchmarks").
    enum class Checksum : quint8 { Crc32, None };

    Kind kind = Kind::Upload;
    quint8 flags = 0;
    quint32 transferId = 0;
    quint64 offset = 0;
    quint32 crc32 = 0;

    //! Serialises the header followed by \a payload into one message, computing the CRC.
    static QByteArray encode(Kind kind, quint32 transferId, quint64 offset, QByteArrayView payload,
                             Checksum checksum = Checksum::Crc32);
    //! Writes the header into the first Size bytes of \a message, whose payload (the rest)
    //! is already in place; saves a copy of the payload on the hot path.
    static void fill(QByteArray &message, Kind kind, quint32 transferId, quint64 offset,
                     Checksum checksum = Checksum::Crc32);
    //! Parses the header of \a message; std::nullopt when it is too short or has an unknown kind.
    static std::optional<ChunkHeader> decode(QByteArrayView message);
    //! True when the header carries no CRC or the CRC matches \a payload.
    bool verify(QByteArrayView payload) const;
};

//! CRC-32 as zlib computes it.
quint32 crc32Of(QByteArrayView data);

} // namespace Roomshare
