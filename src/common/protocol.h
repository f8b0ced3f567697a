#pragma once

#include <QtGlobal>

//! Constants of the Roomshare wire protocol (docs/protocol.md).
namespace Roomshare::Protocol {

constexpr int Version = 1;
//! Payload bytes per data message. Small frames keep Qt's 5 s half-frame timer harmless
//! and let control messages interleave with transfers.
constexpr qint64 ChunkSize = 256 * 1024;
//! Unacknowledged bytes a sender may have in flight per transfer.
constexpr qint64 UploadWindow = 8 * 1024 * 1024;
constexpr qint64 DownloadWindow = 8 * 1024 * 1024;
//! The receiver acknowledges at least every AckInterval bytes (and at the end).
constexpr qint64 AckInterval = 1024 * 1024;
//! Largest control (text) message either side accepts.
constexpr qint64 MaxControlMessage = 256 * 1024;
//! Largest data (binary) message either side accepts: the 20-byte header (ChunkHeader::Size)
//! + one chunk, 262,164 bytes, exactly as docs/protocol.md says.
constexpr qint64 MaxDataMessage = ChunkSize + 20;
//! Largest incoming frame; Qt splits outgoing messages into frames of at most 512 KiB.
constexpr qint64 MaxFrame = 1024 * 1024;
//! Longest display name (in UTF-16 units) in `join`, a knock or an invite.
constexpr int MaxNameLength = 64;

} // namespace Roomshare::Protocol
