#pragma once

#include <QElapsedTimer>
#include <QtGlobal>

namespace Roomshare::Server {

//! A token bucket: holds at most `burst` tokens, gains `ratePerSecond` per second, and each
//! admitted message takes one. A rate or burst of 0 or less disables the limit.
class TokenBucket final
{
public:
    void configure(int ratePerSecond, int burst)
    {
        m_rate = ratePerSecond;
        m_burst = burst;
        m_tokens = double(burst);
        m_clock.start();
    }

    //! Takes a token if there is one. \a nowMs is for tests; -1 means the bucket's clock.
    bool take(qint64 nowMs = -1)
    {
        if (m_rate <= 0 || m_burst <= 0)
            return true;
        refill(nowMs);
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    //! Takes \a tokens without refusing, for a cost known only after a message was admitted
    //! (the size of its reply): the bucket may go into debt, down to minus its burst, and
    //! take() refuses until it has refilled.
    void charge(double tokens, qint64 nowMs = -1)
    {
        if (m_rate <= 0 || m_burst <= 0)
            return;
        refill(nowMs);
        m_tokens = qMax(-double(m_burst), m_tokens - tokens);
    }

private:
    void refill(qint64 nowMs)
    {
        const qint64 now = nowMs >= 0 ? nowMs : m_clock.elapsed();
        m_tokens = qMin(double(m_burst), m_tokens + double(now - m_last) * m_rate / 1000.0);
        m_last = now;
    }

    QElapsedTimer m_clock;
    qint64 m_last = 0;
    double m_tokens = 0;
    int m_rate = 0;
    int m_burst = 0;
};

} // namespace Roomshare::Server
