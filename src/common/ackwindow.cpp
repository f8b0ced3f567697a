#include "ackwindow.h"

#include <algorithm>
#include <ctime>

namespace Roomshare {

namespace {
// A rate sample spans at least this long, so that a few acks arriving together (the
// receiver's writes, the event loop) do not read as a burst of speed.
constexpr qint64 MinSampleNs = 10'000'000;
} // namespace

qint64 AckWindow::nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void AckWindow::sent(qint64 endOffset, qint64 nowNs)
{
    if (m_count == Marks) {
        m_head = (m_head + 1) % Marks;
        --m_count;
    }
    m_marks[(m_head + m_count) % Marks] = Mark{ endOffset, nowNs };
    ++m_count;
    if (m_rateStartNs == 0) {
        m_rateStartNs = nowNs;
        m_rateStartOffset = m_ackedOffset;
    }
}

void AckWindow::acked(qint64 offset, qint64 nowNs)
{
    if (offset <= m_ackedOffset)
        return;
    // The newest mark the ack covers: its bytes made the whole round trip.
    qint64 sentAt = -1;
    while (m_count > 0 && m_marks[m_head].endOffset <= offset) {
        sentAt = m_marks[m_head].timeNs;
        m_head = (m_head + 1) % Marks;
        --m_count;
    }
    if (sentAt >= 0) {
        const qint64 rtt = std::max<qint64>(nowNs - sentAt, 1);
        m_minRttNs = m_minRttNs == 0 ? rtt : std::min(m_minRttNs, rtt);
    }
    m_ackedOffset = offset;
    if (m_rateStartNs > 0) {
        const qint64 span = nowNs - m_rateStartNs;
        if (span >= std::max(m_minRttNs, MinSampleNs)) {
            m_rates[m_nextRate] = double(offset - m_rateStartOffset) * 1e9 / double(span);
            m_nextRate = (m_nextRate + 1) % RateSamples;
            m_rateStartNs = nowNs;
            m_rateStartOffset = offset;
        }
    }
    update();
}

void AckWindow::restart(qint64 offset)
{
    m_count = 0;
    m_head = 0;
    m_ackedOffset = offset;
    m_rateStartNs = 0;
}

double AckWindow::rate() const
{
    return *std::max_element(m_rates.begin(), m_rates.end());
}

void AckWindow::update()
{
    const double bdp = rate() * double(m_minRttNs) / 1e9;
    m_window = std::clamp(qint64(2 * bdp), MinWindow, MaxWindow);
}

} // namespace Roomshare
