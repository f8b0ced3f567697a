#pragma once

#include <QtGlobal>

#include <limits>
#include <map>
#include <vector>

namespace Roomshare::Server {

//! Keys ordered by a deadline (ms), each key at most once: what the periodic scans ask is
//! "what is due?", answered in O(log n + due) instead of by walking everything held.
//! Scheduling, rescheduling and removing a key cost O(log n).
template<typename Key> class DeadlineQueue final
{
public:
    //! Sets \a key's deadline to \a due (adding the key, or moving it).
    void schedule(const Key &key, qint64 due)
    {
        remove(key);
        m_entries.emplace(key, m_byDue.emplace(due, key));
    }
    //! Schedules \a key at \a due unless it is already in the queue.
    void scheduleIfAbsent(const Key &key, qint64 due)
    {
        if (!contains(key))
            m_entries.emplace(key, m_byDue.emplace(due, key));
    }
    void remove(const Key &key)
    {
        const auto it = m_entries.find(key);
        if (it == m_entries.end())
            return;
        m_byDue.erase(it->second);
        m_entries.erase(it);
    }
    bool contains(const Key &key) const { return m_entries.count(key) != 0; }
    bool isEmpty() const { return m_byDue.empty(); }
    qsizetype size() const { return qsizetype(m_byDue.size()); }
    //! The earliest deadline; max() when empty.
    qint64 earliest() const
    {
        return m_byDue.empty() ? std::numeric_limits<qint64>::max() : m_byDue.begin()->first;
    }
    //! Removes and returns the keys due at \a now (deadline <= now), earliest first.
    std::vector<Key> takeDue(qint64 now)
    {
        std::vector<Key> due;
        while (!m_byDue.empty() && m_byDue.begin()->first <= now) {
            const auto first = m_byDue.begin();
            due.push_back(first->second);
            m_entries.erase(first->second);
            m_byDue.erase(first);
        }
        return due;
    }
    void clear()
    {
        m_byDue.clear();
        m_entries.clear();
    }

private:
    using ByDue = std::multimap<qint64, Key>;
    ByDue m_byDue;
    std::map<Key, typename ByDue::iterator> m_entries;
};

} // namespace Roomshare::Server
