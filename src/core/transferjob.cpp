#include "transferjob.h"

#include <QTimer>

#include "room.h"

namespace Roomshare {

namespace {
constexpr qint64 ProgressIntervalMs = 100;
constexpr qint64 RateWindowMs = 1000;
} // namespace

TransferJob::TransferJob(TransferInfo::Direction direction, qint64 id, Room *room)
    : QObject(room)
    , m_room(room)
{
    m_info.direction = direction;
    m_info.id = id;
}

TransferJob::~TransferJob() = default;

void TransferJob::start()
{
    if (m_startScheduled || isFinished())
        return;
    m_startScheduled = true;
    // KJob semantics: start() returns before any work happens, so callers can connect
    // to every signal after starting without missing one.
    QTimer::singleShot(0, this, [this] {
        if (!isFinished())
            doStart();
    });
}

void TransferJob::cancel()
{
    if (isFinished())
        return;
    doCancel();
    finish(TransferInfo::Status::Cancelled, ErrorCode::Cancelled,
           Roomshare::errorText(ErrorCode::Cancelled));
}

void TransferJob::setRunning()
{
    if (m_info.status != TransferInfo::Status::Pending)
        return;
    m_info.status = TransferInfo::Status::Running;
    m_clock.start();
    m_rateMarkMs = 0;
    m_rateMarkBytes = m_info.processedBytes;
    Q_EMIT started();
    emitProgress(true);
}

void TransferJob::addProcessed(qint64 bytes)
{
    m_info.processedBytes += bytes;
    emitProgress(false);
}

void TransferJob::setResumed(qint64 offset)
{
    if (isFinished())
        return;
    m_info.processedBytes = offset;
    ++m_info.resumeCount;
    m_rateMarkMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    m_rateMarkBytes = offset;
    Q_EMIT resumed(offset);
    emitProgress(true);
}

void TransferJob::emitProgress(bool force)
{
    const qint64 now = m_clock.isValid() ? m_clock.elapsed() : 0;
    if (!force && now - m_lastEmitMs < ProgressIntervalMs)
        return;
    // Speed over a sliding window of about a second, blended with the previous value so
    // the displayed rate and ETA do not jump with every chunk.
    const qint64 span = now - m_rateMarkMs;
    if (span >= RateWindowMs / 4) {
        const qint64 rate
            = (m_info.processedBytes - m_rateMarkBytes) * 1000 / qMax<qint64>(span, 1);
        m_info.bytesPerSecond
            = m_info.bytesPerSecond == 0 ? rate : (m_info.bytesPerSecond + 3 * rate) / 4;
        if (span >= RateWindowMs) {
            m_rateMarkMs = now;
            m_rateMarkBytes = m_info.processedBytes;
        }
    }
    m_lastEmitMs = now;
    Q_EMIT progressChanged(m_info.processedBytes, m_info.totalBytes);
}

void TransferJob::finish(TransferInfo::Status status, ErrorCode error, const QString &text)
{
    if (isFinished())
        return;
    m_info.status = status;
    m_info.error = error;
    m_info.errorText = text;
    if (status != TransferInfo::Status::Running)
        m_info.bytesPerSecond = status == TransferInfo::Status::Completed && m_clock.isValid()
            ? m_info.processedBytes * 1000 / qMax<qint64>(m_clock.elapsed(), 1)
            : 0;
    emitProgress(true);
    Q_EMIT finished(this);
    deleteLater();
}

} // namespace Roomshare
