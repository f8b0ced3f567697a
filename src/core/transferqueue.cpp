#include "transferqueue.h"

#include "transferjob.h"

namespace Roomshare {

TransferQueue::TransferQueue(int limit, QObject *parent)
    : QObject(parent)
    , m_limit(qMax(1, limit))
{ }

void TransferQueue::enqueue(TransferJob *job)
{
    if (!job || job->isFinished())
        return;
    connect(job, &TransferJob::finished, this, &TransferQueue::onFinished);
    m_queued.append(job);
    startQueued();
}

void TransferQueue::onFinished(TransferJob *job)
{
    // A job can finish while still queued (cancelled, or the connection dropped).
    m_running.removeOne(job);
    m_queued.removeIf([job](const QPointer<TransferJob> &queued) { return queued == job; });
    startQueued();
}

void TransferQueue::startQueued()
{
    while (m_running.size() < m_limit && !m_queued.isEmpty()) {
        TransferJob *job = m_queued.takeFirst();
        if (!job || job->isFinished())
            continue;
        m_running.append(job);
        job->start();
    }
}

} // namespace Roomshare
