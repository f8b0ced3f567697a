#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

QT_BEGIN_NAMESPACE
class QThreadPool;
QT_END_NAMESPACE

namespace Roomshare::Server {

//! Where and as whom an S3Client talks: path-style addressing
//! (`ENDPOINT/BUCKET/KEY`), SigV4 for \a region.
struct S3Config
{
    QUrl endpoint; //!< `http://HOST:PORT` or `https://...`
    QString region = QStringLiteral("us-east-1");
    QString bucket;
    QString accessKey; //!< may contain colons (Swift's tempauth: `account:user`)
    QString secretKey;
};

//! One part of a multipart upload, as S3 lists it.
struct S3Part
{
    int number = 0;
    qint64 size = 0;
    QByteArray etag; //!< as S3 sent it, quotes included
};

//! A multipart upload in progress, as S3 lists it.
struct S3MultipartUpload
{
    QString key;
    QString uploadId;
};

//! How an S3Job ended.
enum class S3Error {
    None,
    Network, //!< no HTTP answer: the text names the address and libcurl's cause
    Http, //!< an HTTP error status: the text carries S3's error code and message
    BadResponse, //!< a 2xx answer this client cannot read (missing UploadId, ...)
    Canceled, //!< the job was deleted or cancel() was called
};

class S3Job;

//! Reads `--storage s3://BUCKET`, `--s3-endpoint`, `--s3-region` and `--s3-credentials`
//! into a config: \a endpoint empty means AWS's (`https://s3.REGION.amazonaws.com`),
//! \a region empty `us-east-1`; the keys come from \a credentialsFile when given (the AWS
//! shared-credentials format: `aws_access_key_id` and `aws_secret_access_key` of the
//! `[default]` profile, or of the file's only one), else from \a environment's
//! AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. False with \a error naming what is wrong.
bool parseS3Storage(const QString &storage, const QString &endpoint, const QString &region,
                    const QString &credentialsFile, const QHash<QString, QString> &environment,
                    S3Config *config, QString *error);

//! What a failed S3Client::headBucket() means for an operator: unreachable endpoint,
//! credentials refused, bucket missing, or the raw error.
QString describeBucketCheck(const S3Config &config, const S3Job &job);

struct S3JobState;

//! One S3 request (or a short series, for a paged listing), run on the client's worker
//! threads so the event loop never waits on the network. KJob-like contract: start() once;
//! finished() is emitted exactly once, on the thread that owns the job, unless the job is
//! deleted first (deleting a running job cancels its transfer). The job does not delete
//! itself.
class S3Job : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3Job)

public:
    ~S3Job() override;

    void start();
    //! Stops the transfer; finished() follows with S3Error::Canceled.
    void cancel();
    bool isFinished() const { return m_finished; }
    S3Error error() const { return m_error; }
    //! Names the request, the address and the cause; empty when error() is None.
    QString errorString() const { return m_errorString; }
    //! The HTTP status of the (last) answer; 0 without one.
    int httpStatus() const { return m_httpStatus; }
    //! S3's error code for an Http error (e.g. `NoSuchUpload`, `SignatureDoesNotMatch`).
    QString s3ErrorCode() const { return m_s3Code; }

    // Results, valid once finished without error.
    //! createMultipartUpload(): the new upload's id.
    QString uploadId() const { return m_uploadId; }
    //! uploadPart(): the part's ETag.
    QByteArray etag() const { return m_etag; }
    //! listParts(): every part, all pages, in part-number order.
    QList<S3Part> parts() const { return m_parts; }
    //! listMultipartUploads(): every upload in progress under the prefix, all pages.
    QList<S3MultipartUpload> multipartUploads() const { return m_uploads; }
    //! head(): the object's size.
    qint64 contentLength() const { return m_contentLength; }

    // Streamed GET (S3Client::get()): data arrives in a bounded buffer. The transfer waits
    // whenever the buffer holds its limit, so memory stays flat whatever the object size.
    //! Bytes ready to read().
    qint64 bytesAvailable() const;
    //! Takes up to \a maxSize buffered bytes.
    QByteArray read(qint64 maxSize);
    //! The most bytes the buffer ever held (for tests: stays within the limit).
    qint64 peakBuffered() const;

Q_SIGNALS:
    void finished(Roomshare::Server::S3Job *job);
    //! Streamed GET: data arrived since the last readyRead(). A reader that leaves data in
    //! the buffer (or none arrives because the buffer is full) reads again on its own.
    void readyRead();

private:
    friend class S3Client;
    friend struct S3JobState;
    explicit S3Job(QThreadPool *pool, std::shared_ptr<S3JobState> state, QObject *parent);
    void deliver();
    void announceData();

    QThreadPool *m_pool;
    std::shared_ptr<S3JobState> m_state;
    bool m_started = false;
    bool m_finished = false;
    S3Error m_error = S3Error::None;
    QString m_errorString;
    int m_httpStatus = 0;
    QString m_s3Code;
    QString m_uploadId;
    QByteArray m_etag;
    QList<S3Part> m_parts;
    QList<S3MultipartUpload> m_uploads;
    qint64 m_contentLength = -1;
};

//! An S3 client on libcurl: every request signed by `CURLOPT_AWS_SIGV4`
//! (`aws:amz:REGION:s3`) with `x-amz-content-sha256: UNSIGNED-PAYLOAD` (Swift's s3api
//! requires the header on every request and accepts no aws-chunked bodies), canonical
//! query strings, path-style addressing. Each operation returns a job, not started, owned
//! by \a parent (or the caller). Transfers run on a private thread pool of at most
//! maxThreads() threads; a streamed GET whose reader falls behind holds its thread.
class S3Client final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3Client)

public:
    explicit S3Client(const S3Config &config, QObject *parent = nullptr);
    //! Waits for the worker threads. Delete or cancel() the jobs first: a streamed GET
    //! whose reader stopped reading ends only then.
    ~S3Client() override;

    const S3Config &config() const { return m_config; }
    int maxThreads() const;
    //! Sets how many requests run at once (default 8); more wait for a thread.
    void setMaxThreads(int threads);

    //! PUT on the bucket (tests and setup; the server expects an existing bucket).
    S3Job *createBucket(QObject *parent = nullptr);
    //! HEAD on the bucket: fails when it is missing, unreachable or the credentials are
    //! refused (the server's start-up check).
    S3Job *headBucket(QObject *parent = nullptr);
    S3Job *createMultipartUpload(const QString &key, QObject *parent = nullptr);
    //! Parts are numbered from 1; all but the last must hold at least 5 MiB.
    S3Job *uploadPart(const QString &key, const QString &uploadId, int partNumber,
                      const QByteArray &data, QObject *parent = nullptr);
    S3Job *completeMultipartUpload(const QString &key, const QString &uploadId,
                                   const QList<S3Part> &parts, QObject *parent = nullptr);
    S3Job *abortMultipartUpload(const QString &key, const QString &uploadId,
                                QObject *parent = nullptr);
    S3Job *listParts(const QString &key, const QString &uploadId, QObject *parent = nullptr);
    //! The multipart uploads in progress whose keys start with \a prefix: how a restarted
    //! server finds the upload id of an object it was writing without having recorded it.
    S3Job *listMultipartUploads(const QString &prefix, QObject *parent = nullptr);
    //! Ranged GET of \a length bytes from \a offset (-1: to the end), streamed through a
    //! buffer of at most \a bufferLimit bytes (see S3Job::read()).
    S3Job *get(const QString &key, qint64 offset, qint64 length, qint64 bufferLimit,
               QObject *parent = nullptr);
    S3Job *remove(const QString &key, QObject *parent = nullptr);
    S3Job *head(const QString &key, QObject *parent = nullptr);

private:
    S3Job *makeJob(std::shared_ptr<S3JobState> state, QObject *parent);

    S3Config m_config;
    QThreadPool *m_pool;
};

} // namespace Roomshare::Server
