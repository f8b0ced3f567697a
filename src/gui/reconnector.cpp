#include "reconnector.h"

namespace Roomshare::Gui {

Reconnector::Reconnector(QObject *parent)
    : QObject(parent)
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        --m_secondsLeft;
        if (m_secondsLeft > 0) {
            Q_EMIT countdown(m_secondsLeft);
            return;
        }
        m_tick.stop();
        Q_EMIT attemptDue();
    });
}

void Reconnector::setDelays(int initialSeconds, int maxSeconds)
{
    m_initialDelay = qMax(1, initialSeconds);
    m_maxDelay = qMax(m_initialDelay, maxSeconds);
    m_nextDelay = m_initialDelay;
}

void Reconnector::schedule()
{
    m_secondsLeft = m_nextDelay;
    m_nextDelay = qMin(m_nextDelay * 2, m_maxDelay);
    m_tick.start();
    Q_EMIT countdown(m_secondsLeft);
}

void Reconnector::reset()
{
    m_tick.stop();
    m_nextDelay = m_initialDelay;
    m_secondsLeft = 0;
}

void Reconnector::stop()
{
    m_tick.stop();
    m_secondsLeft = 0;
}

} // namespace Roomshare::Gui
