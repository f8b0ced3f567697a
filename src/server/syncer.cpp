#include "syncer_p.h"

#include <QMetaObject>
#include <QObject>

#include "filesync.h"
#include "storage_p.h"

#include <atomic>

namespace Roomshare::Server {

namespace {

// Test-only fault injection (docs/protocol.md, "Test hooks"): with
// ROOMSHARE_FAULT_SYNC_ERROR_AFTER=N, every checkpoint after the first N reports failure.
bool injectedSyncFailure()
{
    static const int limit = [] {
        bool ok = false;
        const int v = qEnvironmentVariableIntValue("ROOMSHARE_FAULT_SYNC_ERROR_AFTER", &ok);
        return ok && v >= 0 ? v : -1;
    }();
    static std::atomic<int> done{ 0 };
    return limit >= 0 && done++ >= limit;
}

} // namespace

Syncer::Syncer(QObject *context)
    : m_context(context)
{
    m_thread = std::thread([this] { run(); });
}

Syncer::~Syncer()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_thread.join();
    for (const Job &job : m_queue) {
        for (const int fd : job.fds)
            FileSync::close(fd);
    }
}

void Syncer::sync(int fd, Done done)
{
    {
        const std::lock_guard lock(m_mutex);
        m_queue.push_back(Job{ { fd }, false, std::move(done), {} });
    }
    m_changed.notify_all();
}

void Syncer::syncGroup(std::vector<int> fds, bool together, GroupDone done)
{
    {
        const std::lock_guard lock(m_mutex);
        m_queue.push_back(Job{ std::move(fds), together, {}, std::move(done) });
    }
    m_changed.notify_all();
}

void Syncer::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop)
            return;
        Job job = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        if (job.groupDone) {
            std::vector<bool> synced = Storage::syncGroup(job.fds, job.together);
            for (const int fd : job.fds)
                FileSync::close(fd);
            QMetaObject::invokeMethod(
                m_context,
                [done = std::move(job.groupDone), synced = std::move(synced)] { done(synced); },
                Qt::QueuedConnection);
        } else {
            const bool ok = FileSync::syncData(job.fds.front()) && !injectedSyncFailure();
            FileSync::close(job.fds.front());
            QMetaObject::invokeMethod(
                m_context, [done = std::move(job.done), ok] { done(ok); }, Qt::QueuedConnection);
        }
        lock.lock();
    }
}

} // namespace Roomshare::Server
