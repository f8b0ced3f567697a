#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace Roomshare::Server {

//! Runs fdatasync() on a thread of its own: the periodic checkpoints of uploads and the
//! data syncs of group commits. The periodic durability checkpoints of uploads
//! (docs/protocol.md, "Persistence") used to run on the event-loop thread, where each one
//! stalled every connection for as long as the disk took (here about 4 ms per 4 MiB, so
//! a second per GiB uploaded).
class Syncer final
{
public:
    using Done = std::function<void(bool ok)>;

    //! Completions run on \a context's thread (queued). The Syncer must be destroyed
    //! before \a context; completions still queued then are dropped with it.
    explicit Syncer(QObject *context);
    //! Waits for a sync in progress; queued ones are dropped without calling back.
    ~Syncer();
    Syncer(const Syncer &) = delete;
    Syncer &operator=(const Syncer &) = delete;

    //! Syncs the file open as \a fd, which the Syncer takes over (pass a dup()), then
    //! calls \a done with the outcome.
    void sync(int fd, Done done);
    using GroupDone = std::function<void(std::vector<bool> synced)>;
    //! The data sync of a group commit (Storage::syncGroup()) for the files open as \a fds,
    //! which the Syncer takes over; \a done gets each file's outcome, in order. Jobs run in
    //! the order they were queued.
    void syncGroup(std::vector<int> fds, bool together, GroupDone done);

private:
    struct Job
    {
        std::vector<int> fds;
        bool together = false;
        Done done; //!< a checkpoint (one descriptor)
        GroupDone groupDone; //!< a group commit
    };
    void run();

    QObject *const m_context;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_queue;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace Roomshare::Server
