#include "backgroundsha256.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace Roomshare {

namespace {
std::atomic<int> workersAlive{ 0 };
}

struct BackgroundSha256::Worker
{
    struct Item
    {
        QByteArray buffer;
        qsizetype offset = 0;
        qsizetype length = 0;
    };

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Item> queue;
    qint64 queued = 0;
    bool busy = false; //!< an item is being hashed outside the lock
    bool stop = false;
    Sha256 hash; //!< touched by the thread only, except while it is idle and the queue empty
    std::thread thread;

    explicit Worker(Sha256 &&prefix)
        : hash(std::move(prefix))
    {
        thread = std::thread([this] { run(); });
    }

    ~Worker()
    {
        {
            const std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        thread.join();
    }

    void run()
    {
        std::unique_lock lock(mutex);
        for (;;) {
            changed.wait(lock, [this] { return stop || !queue.empty(); });
            if (stop)
                return;
            Item item = std::move(queue.front());
            queue.pop_front();
            busy = true;
            lock.unlock();
            hash.addData(QByteArrayView(item.buffer).sliced(item.offset, item.length));
            lock.lock();
            busy = false;
            queued -= item.length;
            changed.notify_all();
        }
    }

    void push(const QByteArray &buffer, qsizetype offset, qsizetype length)
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return queued < MaxQueuedBytes; });
        queue.push_back(Item{ buffer, offset, length });
        queued += length;
        changed.notify_all();
    }

    //! Returns with the queue empty and the thread idle, so `hash` may be used.
    void drain()
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [this] { return queue.empty() && !busy; });
    }
};

BackgroundSha256::BackgroundSha256() = default;

BackgroundSha256::~BackgroundSha256()
{
    releaseWorker();
}

bool BackgroundSha256::reserveWorker()
{
    // For measuring what the worker buys (tests/bench): ROOMSHARE_HASH_THREADS=0.
    static const bool disabled
        = qEnvironmentVariable("ROOMSHARE_HASH_THREADS") == QLatin1String("0");
    if (disabled)
        return false;
    int alive = workersAlive.load();
    while (alive < MaxWorkers) {
        if (workersAlive.compare_exchange_weak(alive, alive + 1))
            return true;
    }
    return false;
}

void BackgroundSha256::releaseWorker()
{
    if (m_worker) {
        m_worker.reset();
        --workersAlive;
    }
}

void BackgroundSha256::reset()
{
    releaseWorker();
    m_inline.reset();
    m_inlined = 0;
}

void BackgroundSha256::addData(const QByteArray &buffer, qsizetype offset, qsizetype length)
{
    if (length < 0)
        length = buffer.size() - offset;
    if (length <= 0)
        return;
    if (!m_worker && (m_inlined + length <= InlineBytes || !reserveWorker())) {
        m_inline.addData(QByteArrayView(buffer).sliced(offset, length));
        m_inlined += length;
        return;
    }
    if (!m_worker) {
        m_worker = std::make_unique<Worker>(std::move(m_inline));
        m_inline = Sha256();
    }
    m_worker->push(buffer, offset, length);
}

QString BackgroundSha256::hexResult()
{
    QString hex;
    if (m_worker) {
        m_worker->drain();
        hex = m_worker->hash.hexResult();
        releaseWorker();
    } else {
        hex = m_inline.hexResult();
    }
    m_inline.reset();
    m_inlined = 0;
    return hex;
}

} // namespace Roomshare
