#include "dataframes.h"

#include "chunkheader.h"

#include <QIODevice>
#include <QtEndian>

#include <algorithm>
#include <cerrno>

#include <unistd.h>

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

qint64 FrameReader::read(QIODevice *device, char *into, qint64 size, qintptr descriptor)
{
    // A socket that is no longer connected answers -1: nothing more, whatever the reason.
    qint64 got = std::max<qint64>(0, device->read(into, size));
    if (got == size || descriptor < 0 || device->bytesAvailable() > 0)
        return got;
    while (got < size) {
        const ssize_t n = ::read(int(descriptor), into + got, size_t(size - got));
        if (n > 0) {
            got += n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        // 0 (end of stream), EAGAIN or an error: the socket's read notifier fires for each
        // (the descriptor stays readable), and the socket reports it as it always does.
        break;
    }
    return got;
}

std::optional<QByteArray> FrameReader::next(QIODevice *device, QString *error, qintptr descriptor)
{
    if (m_length < 0) {
        m_prefixFilled += int(read(device, reinterpret_cast<char *>(m_prefix) + m_prefixFilled,
                                   LengthSize - m_prefixFilled, descriptor));
        if (m_prefixFilled < LengthSize)
            return std::nullopt;
        m_prefixFilled = 0;
        const qint64 length = qFromBigEndian<quint32>(m_prefix);
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
    m_filled += read(device, m_message.data() + m_filled, m_length - m_filled, descriptor);
    if (m_filled < m_length)
        return std::nullopt;
    m_length = -1;
    return std::exchange(m_message, QByteArray());
}

} // namespace Roomshare::DataFrames
