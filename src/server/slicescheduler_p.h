#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <functional>

namespace Roomshare::Server {

//! Shares the event-loop thread among the data channels that have frames waiting, so that
//! no turn of the event loop is spent on one batch of uploads: each turn runs visits, one
//! owner after another (round robin), for at most the slice, then lets the loop poll its
//! sockets again. A control message (a `download-begin`, a `join`) waits for one slice,
//! not for every upload's buffered frames: writing a 256 KiB chunk into the page cache
//! costs 1-6 ms here, so one turn over 50 busy uploads took 150-230 ms (benchmark row 12).
//! Unprocessed frames stay in their socket's read buffer, whose limit stops its reads: the
//! sender is slowed by TCP, nothing is dropped.
class SliceScheduler final
{
public:
    //! One visit's work for its owner: returns whether the owner has more to do (it is
    //! then visited again in a later round).
    using Visit = std::function<bool()>;

    explicit SliceScheduler(qint64 sliceNs = 4'000'000);
    SliceScheduler(const SliceScheduler &) = delete;
    SliceScheduler &operator=(const SliceScheduler &) = delete;

    //! \a owner has work: \a visit runs in a coming turn of the event loop (never from
    //! inside this call). An owner already waiting keeps its place and its first visit.
    //! A destroyed owner is skipped.
    void ready(QObject *owner, Visit visit);
    //! Owners waiting for a visit.
    int waiting() const { return int(m_queue.size()); }

private:
    void runTurn();

    struct Entry
    {
        QPointer<QObject> owner;
        QObject *key = nullptr; //!< the owner's address, valid as a key after it is gone
        Visit visit;
    };
    const qint64 m_sliceNs;
    std::deque<Entry> m_queue;
    QHash<QObject *, int> m_queued; //!< owners in m_queue (count of entries, 0 or 1)
    QTimer m_turn; //!< single shot, 0 ms: one slice per turn of the event loop
};

} // namespace Roomshare::Server
