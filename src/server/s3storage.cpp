// File data in an S3 bucket: the start-up check, the sweep of abandoned multipart uploads,
// and each upload's object while it arrives (S3Upload). See docs/scale-out.md, Part 2.

#include "s3storage_p.h"
#include "serverlogging_p.h"

#include <sha256.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QPointer>
#include <QTimer>

namespace Roomshare::Server {

namespace {
const QString KeyPrefix = QStringLiteral("roomshare/");
// Start-up requests: an endpoint that accepts the connection and never answers must not
// hold the start for ever.
constexpr int StartupTimeoutMs = 15000;
constexpr qint64 HashBufferBytes = 1024 * 1024;
// Downloads from the object store at once before the next waits for a thread (their
// threads mostly sleep in libcurl, waiting for the reader).
constexpr int ReadThreads = 64;
} // namespace

S3Storage::S3Storage(const S3Config &config, QObject *parent)
    : QObject(parent)
    , m_client(new S3Client(config))
    , m_readClient(new S3Client(config))
{
    m_readClient->setMaxThreads(ReadThreads);
}

S3Storage::~S3Storage()
{
    // Uploads first (their requests are deleted, which cancels them), then the client, which
    // waits for its threads.
    qDeleteAll(findChildren<S3Upload *>(QString(), Qt::FindDirectChildrenOnly));
    delete m_client;
    delete m_readClient;
}

QString S3Storage::describe() const
{
    return QStringLiteral("s3://%1 at %2").arg(config().bucket, config().endpoint.toString());
}

QString S3Storage::key(const QString &storageId)
{
    return KeyPrefix + storageId;
}

bool S3Storage::runBlocking(S3Job *job, int timeoutMs)
{
    QEventLoop loop;
    connect(job, &S3Job::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!job->isFinished())
        loop.exec();
    if (!job->isFinished()) {
        job->cancel();
        while (!job->isFinished())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        return false;
    }
    return true;
}

bool S3Storage::checkBucket(QString *error)
{
    std::unique_ptr<S3Job> job(m_client->headBucket());
    if (!runBlocking(job.get(), StartupTimeoutMs)) {
        *error = QStringLiteral("bucket \"%1\" at %2 cannot be reached: no answer within %3 s")
                     .arg(config().bucket, config().endpoint.toString())
                     .arg(StartupTimeoutMs / 1000);
        return false;
    }
    if (job->error() != S3Error::None) {
        *error = describeBucketCheck(config(), *job);
        return false;
    }
    return true;
}

int S3Storage::abortUnknownUploads(const QSet<QString> &known)
{
    std::unique_ptr<S3Job> list(m_client->listMultipartUploads(KeyPrefix));
    if (!runBlocking(list.get(), StartupTimeoutMs) || list->error() != S3Error::None) {
        qCWarning(lcServer).noquote()
            << "cannot list the multipart uploads in" << describe() << list->errorString();
        return -1;
    }
    int aborted = 0;
    for (const S3MultipartUpload &u : list->multipartUploads()) {
        if (!u.key.startsWith(KeyPrefix) || known.contains(u.key.mid(KeyPrefix.size())))
            continue;
        std::unique_ptr<S3Job> abort(m_client->abortMultipartUpload(u.key, u.uploadId));
        if (runBlocking(abort.get(), StartupTimeoutMs) && abort->error() == S3Error::None) {
            ++aborted;
        } else {
            qCWarning(lcServer).noquote()
                << "cannot abort the multipart upload of" << u.key << abort->errorString();
        }
    }
    return aborted;
}

void S3Storage::removeObject(const QString &storageId)
{
    S3Job *job = m_client->remove(key(storageId), this);
    connect(job, &S3Job::finished, this, [](S3Job *j) {
        if (j->error() != S3Error::None)
            qCWarning(lcServer).noquote() << "cannot delete an object:" << j->errorString();
        j->deleteLater();
    });
    job->start();
}

void S3Storage::abandonUpload(const QString &storageId)
{
    const QString objectKey = key(storageId);
    S3Job *list = m_client->listMultipartUploads(objectKey, this);
    connect(list, &S3Job::finished, this, [this, objectKey](S3Job *j) {
        j->deleteLater();
        if (j->error() != S3Error::None) {
            qCWarning(lcServer).noquote()
                << "cannot find the multipart upload of" << objectKey << j->errorString();
            return;
        }
        for (const S3MultipartUpload &u : j->multipartUploads()) {
            if (u.key != objectKey)
                continue;
            S3Job *abort = m_client->abortMultipartUpload(u.key, u.uploadId, this);
            connect(abort, &S3Job::finished, abort, &QObject::deleteLater);
            abort->start();
        }
    });
    list->start();
}

S3Job *S3Storage::read(const QString &storageId, qint64 offset, qint64 bufferLimit, QObject *parent)
{
    S3Job *job = m_readClient->get(key(storageId), offset, -1, bufferLimit, parent);
    job->start();
    return job;
}

void S3Storage::hashObject(const QString &storageId, QObject *context,
                           std::function<void(const QString &, const QString &)> done)
{
    auto sha = std::make_shared<Sha256>();
    S3Job *job = read(storageId, 0, HashBufferBytes, context);
    auto take = [job, sha] {
        while (job->bytesAvailable() > 0)
            sha->addData(job->read(HashBufferBytes));
    };
    connect(job, &S3Job::readyRead, context, take);
    connect(job, &S3Job::finished, context, [take, sha, done](S3Job *j) {
        j->deleteLater();
        if (j->error() != S3Error::None)
            return done(QString(), j->errorString());
        take();
        done(sha->hexResult(), QString());
    });
}

// ---- S3Upload ------------------------------------------------------------------------

S3Upload::S3Upload(S3Storage *storage, const QString &storageId)
    : QObject(storage)
    , m_storage(storage)
    , m_storageId(storageId)
    , m_writer(storage->client(), S3Storage::key(storageId), S3Storage::PartSize)
{
    connect(&m_writer, &S3UploadWriter::opened, this, [this] {
        m_opening = false;
        Q_EMIT opened();
    });
    connect(&m_writer, &S3UploadWriter::durableChanged, this, [this](qint64 durable) {
        drain();
        Q_EMIT durableChanged(durable);
    });
    connect(&m_writer, &S3UploadWriter::finished, this, [this] {
        m_complete = true;
        Q_EMIT finished();
    });
    connect(&m_writer, &S3UploadWriter::failed, this, [this](const QString &error) {
        m_opening = false;
        Q_EMIT failed(error);
    });
}

S3Upload::~S3Upload() = default;

void S3Upload::write(QByteArrayView data)
{
    if (m_held.isEmpty() && m_writer.write(data))
        return;
    m_held.append(data.toByteArray());
    m_heldBytes += data.size();
}

void S3Upload::drain()
{
    while (!m_held.isEmpty() && m_writer.write(m_held.constFirst())) {
        m_heldBytes -= m_held.constFirst().size();
        m_held.removeFirst();
    }
    if (m_held.isEmpty() && m_finishWanted && m_writer.isOpen()) {
        m_finishWanted = false;
        m_writer.finish();
    }
}

void S3Upload::resume(qint64 size)
{
    m_opening = true;
    S3Job *head = m_storage->client()->head(S3Storage::key(m_storageId), this);
    connect(head, &S3Job::finished, this, [this, size](S3Job *job) {
        job->deleteLater();
        if (job->error() == S3Error::None && job->contentLength() == size) {
            qCInfo(lcServer).noquote()
                << "object" << S3Storage::key(m_storageId) << "was completed before the stop";
            m_adopted = size;
            m_complete = true;
            m_opening = false;
            return Q_EMIT opened();
        }
        m_writer.resume();
    });
    head->start();
}

void S3Upload::finish()
{
    if (m_adopted >= 0) {
        QMetaObject::invokeMethod(this, &S3Upload::finished, Qt::QueuedConnection);
        return;
    }
    m_finishWanted = true;
    drain();
}

void S3Upload::discard()
{
    m_held.clear();
    m_heldBytes = 0;
    m_finishWanted = false;
    if (m_complete) {
        m_storage->removeObject(m_storageId);
        return;
    }
    if (m_writer.uploadId().isEmpty()) {
        // Created or being resumed without an answer yet: find it by its key (or the object,
        // when the server stopped between completing it and publishing).
        m_writer.abort();
        m_storage->abandonUpload(m_storageId);
        m_storage->removeObject(m_storageId);
        return;
    }
    m_writer.abort();
}

} // namespace Roomshare::Server
