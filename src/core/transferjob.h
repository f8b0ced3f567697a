#pragma once

#include <QElapsedTimer>
#include <QObject>

#include "transferinfo.h"

namespace Roomshare {

class Room;

//! One file moving in one direction. The contract follows KJob:
//! - the Room creates and starts jobs; start() only schedules work on the event loop;
//! - cancel() is idempotent and is a no-op once the job has finished; it removes partial data;
//! - finished() is emitted exactly once, after which the job deletes itself on the next
//!   event-loop turn (take an info() snapshot if you need it later);
//! - progressChanged() is throttled to about ten emissions a second, plus one final emission;
//! - while the Room reconnects (Room::State::Reconnecting) a running job is paused, not
//!   failed; it continues where the server's offset says and emits resumed(), or fails
//!   with ConnectionLost when the Room gives up.
class TransferJob : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferJob)
public:
    ~TransferJob() override;

    TransferInfo::Direction direction() const { return m_info.direction; }
    qint64 id() const { return m_info.id; }
    TransferInfo::Status status() const { return m_info.status; }
    ErrorCode error() const { return m_info.error; }
    QString errorText() const { return m_info.errorText; }
    qint64 totalBytes() const { return m_info.totalBytes; }
    qint64 processedBytes() const { return m_info.processedBytes; }
    bool isFinished() const { return m_info.isFinished(); }
    //! A copy of the job's current state.
    TransferInfo info() const { return m_info; }

    //! Schedules the job; it does nothing before control returns to the event loop.
    void start();
    //! Stops the job, removes its partial data and finishes it with status Cancelled and
    //! error Cancelled. Calling it again, or after the job finished, does nothing.
    void cancel();

Q_SIGNALS:
    //! Bytes moved so far and the total; throttled (see the class comment).
    void progressChanged(qint64 processedBytes, qint64 totalBytes);
    //! Status moved from Pending to Running (emitted at most once).
    void started();
    //! The job ended (Completed, Failed or Cancelled). Emitted exactly once.
    void finished(Roomshare::TransferJob *job);
    //! The connection dropped and came back (Room reconnected by itself) and the transfer
    //! continues from byte \a offset: the server's durable offset for an upload, the bytes
    //! already in the partial file for a download. Not emitted for the first start.
    void resumed(qint64 offset);

protected:
    TransferJob(TransferInfo::Direction direction, qint64 id, Room *room);

    virtual void doStart() = 0;
    //! Stops the transfer and removes partial data; called once by cancel().
    virtual void doCancel() = 0;

    void setRunning();
    void addProcessed(qint64 bytes);
    //! Continues from \a offset after a reconnection: sets processedBytes and emits resumed().
    void setResumed(qint64 offset);
    //! Ends the job. The first call wins; later calls are ignored.
    void finish(TransferInfo::Status status, ErrorCode error = ErrorCode::None,
                const QString &text = QString());

    Room *room() const { return m_room; }
    TransferInfo m_info;

private:
    void emitProgress(bool force);

    Room *m_room;
    QElapsedTimer m_clock;
    qint64 m_lastEmitMs = -1000;
    qint64 m_rateMarkMs = 0;
    qint64 m_rateMarkBytes = 0;
    bool m_startScheduled = false;
};

} // namespace Roomshare
