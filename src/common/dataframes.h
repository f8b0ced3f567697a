#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

#include "chunkheader.h"

#include <optional>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

//! The raw data channel (docs/protocol.md, "Data channel"): a second TCP (or TLS)
//! connection to the same port that carries the binary messages of a WebSocket session
//! as length-prefixed frames, without WebSocket masking and framing.
namespace Roomshare::DataFrames {

//! What a client sends first on a data channel; a WebSocket client's first bytes are
//! "GET ", so the server tells the two apart from the first line.
constexpr QByteArrayView Greeting = "ROOMSHARE-DATA/1\n";
//! The server's reply: "OK <key>\n" (the key goes into `join` as "dataKey") or
//! "ERROR <code> <text>\n" followed by a close.
constexpr QByteArrayView OkPrefix = "OK ";
//! Longest first line either side accepts.
constexpr int MaxLineLength = 256;
//! Bytes of the big-endian length in front of every frame.
constexpr int LengthSize = 4;

//! One chunk message with room in front for its frame's length prefix, so that it goes
//! out as one block whichever transport carries it: [prefix][header][payload].
class ChunkFrame
{
public:
    explicit ChunkFrame(qint64 payloadSize);

    char *payload() { return m_bytes.data() + LengthSize + ChunkHeader::Size; }
    qint64 payloadSize() const { return m_bytes.size() - LengthSize - ChunkHeader::Size; }
    QByteArrayView payloadView() const;
    //! Writes the header (and its checksum over the payload, which must be in place).
    //! Writing (payload() too) copies the buffer if frame() has been shared meanwhile.
    void fill(ChunkHeader::Kind kind, quint32 transferId, quint64 offset);
    //! The frame for the data channel: prefix and message, without a copy.
    const QByteArray &frame() const { return m_bytes; }
    //! The bare message, for a WebSocket binary message (a copy).
    QByteArray message() const { return m_bytes.sliced(LengthSize); }

private:
    QByteArray m_bytes;
};

//! Splits a byte stream into frames, reading no further than the frame it assembles, so
//! a reader that stops leaves the rest in the socket (and the kernel) as backpressure.
class FrameReader
{
public:
    explicit FrameReader(qint64 maxMessageSize)
        : m_max(maxMessageSize)
    { }

    //! The next complete message from \a device, or std::nullopt when more bytes are needed
    //! or on an error (then \a error is set and the stream is unusable).
    std::optional<QByteArray> next(QIODevice *device, QString *error);

private:
    qint64 m_max;
    qint64 m_length = -1; //!< of the message being assembled; -1 while reading a prefix
    qint64 m_filled = 0;
    QByteArray m_message;
};

} // namespace Roomshare::DataFrames
