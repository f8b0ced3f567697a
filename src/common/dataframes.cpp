#include "dataframes.h"

#include "chunkheader.h"

#include <QIODevice>
#include <QtEndian>

#include <utility>

namespace Roomshare::DataFrames {

ChunkFrame::ChunkFrame(qint64 payloadSize)
    : m_bytes(LengthSize + ChunkHeader::Size + payloadSize, Qt::Uninitialized)
{
    qToBigEndian<quint32>(quint32(ChunkHeader::Size + payloadSize), m_bytes.data());
}

QByteArrayView ChunkFrame::payloadView() const
{
    return QByteArrayView(m_bytes).sliced(LengthSize + ChunkHeader::Size);
}

void ChunkFrame::fill(ChunkHeader::Kind kind, quint32 transferId, quint64 offset)
{
    ChunkHeader::fill(m_bytes.data() + LengthSize, m_bytes.size() - LengthSize, kind, transferId,
                      offset);
}

std::optional<QByteArray> FrameReader::next(QIODevice *device, QString *error)
{
    if (m_length < 0) {
        if (device->bytesAvailable() < LengthSize)
            return std::nullopt;
        uchar prefix[LengthSize];
        if (device->read(reinterpret_cast<char *>(prefix), LengthSize) != LengthSize)
            return std::nullopt;
        const qint64 length = qFromBigEndian<quint32>(prefix);
        // The prefix is checked before anything is allocated for the message.
        if (length < ChunkHeader::Size || length > m_max) {
            *error = QStringLiteral("data frame of %1 bytes (allowed: %2 to %3)")
                         .arg(length)
                         .arg(ChunkHeader::Size)
                         .arg(m_max);
            return std::nullopt;
        }
        m_length = length;
        m_filled = 0;
        m_message = QByteArray(length, Qt::Uninitialized);
    }
    const qint64 got = device->read(m_message.data() + m_filled, m_length - m_filled);
    if (got > 0)
        m_filled += got;
    if (m_filled < m_length)
        return std::nullopt;
    m_length = -1;
    return std::exchange(m_message, QByteArray());
}

} // namespace Roomshare::DataFrames
