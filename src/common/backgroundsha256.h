#pragma once

#include "sha256.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace Roomshare {

//! SHA-256 that overlaps with the caller's I/O: once more than InlineBytes have been
//! added, bytes are handed (shared, not copied) to a worker thread, and addData() returns
//! at once. On two cores this turns "read, send, hash" into "read, send" beside "hash".
//! Memory stays bounded: addData() waits while more than MaxQueuedBytes are queued.
//! Not thread-safe itself: one owner thread calls everything.
class BackgroundSha256
{
public:
    //! Inputs up to this size are hashed on the caller's thread: starting a thread would
    //! cost more than it saves (thousands of small files).
    static constexpr qint64 InlineBytes = 1024 * 1024;
    static constexpr qint64 MaxQueuedBytes = 16 * 1024 * 1024;
    //! Worker threads alive at once in the process; hashes beyond that run inline, so a
    //! server with hundreds of uploads does not start hundreds of threads.
    static constexpr int MaxWorkers = 8;

    BackgroundSha256();
    ~BackgroundSha256();
    BackgroundSha256(const BackgroundSha256 &) = delete;
    BackgroundSha256 &operator=(const BackgroundSha256 &) = delete;

    //! Forgets everything added (waiting for queued bytes to be dropped).
    void reset();
    //! Adds \a length bytes of \a buffer from \a offset. \a buffer is shared with the worker
    //! until hashed, so the caller must not modify it in place afterwards (QByteArray's
    //! implicit sharing makes a write detach, which is fine).
    void addData(const QByteArray &buffer, qsizetype offset = 0, qsizetype length = -1);
    //! Waits for everything queued, returns the lower-case hex digest and resets.
    QString hexResult();

private:
    struct Worker;
    bool reserveWorker();
    void releaseWorker();
    Sha256 m_inline;
    qint64 m_inlined = 0;
    std::unique_ptr<Worker> m_worker; //!< started on the first byte past InlineBytes
};

} // namespace Roomshare
