#include "slicescheduler_p.h"

#include <QDeadlineTimer>

#include <chrono>

namespace Roomshare::Server {

SliceScheduler::SliceScheduler(qint64 sliceNs)
    : m_sliceNs(sliceNs)
{
    m_turn.setSingleShot(true);
    m_turn.setInterval(0);
    m_turn.callOnTimeout([this] { runTurn(); });
}

void SliceScheduler::ready(QObject *owner, Visit visit)
{
    if (m_queued.contains(owner)) {
        // The address may belong to a new object that took a destroyed owner's place.
        for (const Entry &e : m_queue) {
            if (e.key == owner && e.owner)
                return;
        }
    }
    m_queue.push_back(Entry{ owner, owner, std::move(visit) });
    m_queued[owner] += 1;
    if (!m_turn.isActive())
        m_turn.start();
}

void SliceScheduler::runTurn()
{
    const QDeadlineTimer deadline(std::chrono::nanoseconds(m_sliceNs), Qt::PreciseTimer);
    // Round robin until the slice is used up: a lone busy owner keeps the whole slice
    // (one upload is not slowed by a turn of the event loop per chunk).
    while (!m_queue.empty()) {
        Entry entry = std::move(m_queue.front());
        m_queue.pop_front();
        bool more = false;
        if (entry.owner)
            more = entry.visit();
        if (more && entry.owner) {
            m_queue.push_back(std::move(entry));
        } else if (--m_queued[entry.key] <= 0) {
            m_queued.remove(entry.key);
        }
        if (deadline.hasExpired())
            break;
    }
    if (!m_queue.empty())
        m_turn.start();
}

} // namespace Roomshare::Server
