#pragma once

#include "s3client_p.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

namespace Roomshare::Server {

//! Streams one object into S3 as a multipart upload, in parts of partSize() bytes: the
//! upload side of the S3 storage backend. Memory stays bounded: at most one part in flight
//! and one filling (2 × partSize()); write() refuses what does not fit. The durable
//! offset is the parts S3 confirmed, so after a drop or a restart resume() continues from
//! there (the writer finds the upload by its key; nothing else needs recording).
//! Contract: create() or resume() once; then write() while isOpen(); then finish() (or
//! abort()). finished() or failed() is emitted exactly once. A part the store did not
//! take for a passing reason (no answer, HTTP 5xx) is sent again, the same bytes under
//! the same number, after 0.5, 1, 2, 4 and 8 s (retryDelaysMs()); failed() only after that.
class S3UploadWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3UploadWriter)

public:
    //! \a partSize at least 5 MiB (S3's minimum for all but the last part).
    S3UploadWriter(S3Client *client, const QString &key, qint64 partSize,
                   QObject *parent = nullptr);
    ~S3UploadWriter() override;

    //! Starts a new multipart upload; opened() once it exists.
    void create();
    //! Finds the multipart upload in progress for the key and the parts it holds: durable()
    //! is then the bytes of the leading run of whole parts; opened() follows.
    void resume();
    //! Appends \a data at written(); false, taking nothing, when it does not fit the bound
    //! (wait for durableChanged()).
    bool write(QByteArrayView data);
    //! Bytes that write() takes now.
    qint64 room() const;
    //! Uploads what is buffered as the last part and completes the object; finished().
    void finish();
    //! Abandons the multipart upload (its parts are deleted by S3).
    void abort();

    bool isOpen() const { return m_state == State::Open; }
    QString key() const { return m_key; }
    QString uploadId() const { return m_uploadId; }
    qint64 partSize() const { return m_partSize; }
    qint64 durable() const { return m_durable; }
    qint64 written() const;
    qint64 buffered() const { return m_filling.size() + m_inFlight.size(); }
    //! The most bytes ever buffered (tests: stays within 2 × partSize()).
    qint64 peakBuffered() const { return m_peak; }
    QString errorString() const { return m_errorString; }
    //! Parts sent again so far after a passing failure.
    int partRetries() const { return m_retriesTotal; }
    //! The waits before each new attempt at a part; tests shorten them.
    void setRetryDelaysMs(const QList<int> &delays) { m_retryDelays = delays; }

Q_SIGNALS:
    void opened();
    void durableChanged(qint64 durable);
    void finished();
    void failed(const QString &error);

private:
    enum class State { Idle, Opening, Open, Finishing, Finished, Failed };
    void fail(S3Job *job);
    void sendPart();
    void onPartDone(S3Job *job);
    void startPart(); //!< the request for m_inFlight, numbered after m_parts
    void completeIfDrained();

    S3Client *const m_client;
    const QString m_key;
    const qint64 m_partSize;
    State m_state = State::Idle;
    QString m_uploadId;
    QList<S3Part> m_parts; //!< confirmed, in order
    qint64 m_durable = 0;
    QByteArray m_filling;
    QByteArray m_inFlight;
    S3Job *m_job = nullptr; //!< the request under way, owned
    qint64 m_peak = 0;
    QString m_errorString;
    QList<int> m_retryDelays{ 500, 1000, 2000, 4000, 8000 };
    int m_retries = 0; //!< of the part in flight
    int m_retriesTotal = 0;
    bool m_retryWaiting = false; //!< m_inFlight waits for its next attempt
};

} // namespace Roomshare::Server
