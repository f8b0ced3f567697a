#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

namespace Roomshare {

class TransferJob;

//! Starts queued jobs at most limit() at a time, the next one as soon as one finishes.
//! Internal to the core library: Room queues its uploads and downloads here so that
//! sendFiles() or a folder download of thousands of files never asks the server for more
//! concurrent transfers than it allows (1196 otherwise). A queued job stays Pending; cancelling it
//! just finishes it.
class TransferQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferQueue)
public:
    explicit TransferQueue(int limit, QObject *parent = nullptr);

    int limit() const { return m_limit; }
    //! Jobs started and not finished yet.
    int runningCount() const { return int(m_running.size()); }
    int queuedCount() const { return int(m_queued.size()); }

    //! Starts \a job now if fewer than limit() run, else when a slot frees up.
    void enqueue(TransferJob *job);

private:
    void onFinished(TransferJob *job);
    void startQueued();

    const int m_limit;
    QList<QPointer<TransferJob>> m_queued;
    QList<TransferJob *> m_running;
};

} // namespace Roomshare
