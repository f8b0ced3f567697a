#pragma once

#include <sha256.h>

#include <QByteArray>
#include <QFile>
#include <QObject>

namespace Roomshare::Server {

//! Writes and hashes one upload's partial file on the server's storage thread, so the
//! event-loop thread only receives and parses messages. A buffered write into the page
//! cache cost half of the server's CPU during an upload (see README, "Benchmarks").
//!
//! Created and opened on the connection's thread, then moved to storageThread(). append()
//! and finish() are called from the connection's thread and run queued on the storage
//! thread, in order; written() and finished() arrive queued on the connection's thread.
//! Memory stays bounded by the upload window: the server acknowledges only what written()
//! reported, so a client never has more than UploadWindow bytes queued here.
class UploadWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UploadWriter)
public:
    explicit UploadWriter(const QString &path);
    ~UploadWriter() override;

    //! Creates the file (never replacing one); false with errorString() on failure.
    bool open();
    QString errorString() const { return m_file.errorString(); }
    //! Moves the writer to the storage thread; call once after open().
    void start();

    //! Queues the bytes of \a message from \a payloadOffset on (no copy: the array is shared).
    void append(const QByteArray &message, qsizetype payloadOffset);
    //! Queues closing the file; finished() follows the last written().
    void finish();
    //! Deletes the writer on its thread after what is queued (the file is closed there).
    void dispose();

    //! The thread every UploadWriter runs on, started on first use.
    static QThread *storageThread();

Q_SIGNALS:
    //! \a total bytes are in the file (emitted on the storage thread, after each append).
    void written(qint64 total);
    //! The file is closed; \a sha256Hex of everything written, or \a error when a write failed.
    void finished(const QString &sha256Hex, const QString &error);

private:
    void doAppend(const QByteArray &message, qsizetype payloadOffset);
    void doFinish();

    QFile m_file;
    Sha256 m_hash;
    qint64 m_written = 0;
    QString m_error;
};

} // namespace Roomshare::Server
