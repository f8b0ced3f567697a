#include "s3uploadwriter_p.h"
#include "serverlogging_p.h"

#include <QTimer>

namespace Roomshare::Server {

S3UploadWriter::S3UploadWriter(S3Client *client, const QString &key, qint64 partSize,
                               QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_key(key)
    , m_partSize(std::max<qint64>(partSize, 5 * 1024 * 1024))
{ }

S3UploadWriter::~S3UploadWriter()
{
    delete m_job; // cancels a request under way
}

void S3UploadWriter::create()
{
    Q_ASSERT(m_state == State::Idle);
    m_state = State::Opening;
    m_job = m_client->createMultipartUpload(m_key);
    connect(m_job, &S3Job::finished, this, [this](S3Job *job) {
        m_job = nullptr;
        job->deleteLater();
        if (job->error() != S3Error::None)
            return fail(job);
        m_uploadId = job->uploadId();
        m_state = State::Open;
        Q_EMIT opened();
    });
    m_job->start();
}

void S3UploadWriter::resume()
{
    Q_ASSERT(m_state == State::Idle);
    m_state = State::Opening;
    m_job = m_client->listMultipartUploads(m_key);
    connect(m_job, &S3Job::finished, this, [this](S3Job *job) {
        m_job = nullptr;
        job->deleteLater();
        if (job->error() != S3Error::None)
            return fail(job);
        // The prefix also matches longer keys: only this key counts. Were there several
        // (a create whose answer was lost), the last listed is taken; the others expire
        // with the bucket's lifecycle rules.
        for (const S3MultipartUpload &u : job->multipartUploads()) {
            if (u.key == m_key)
                m_uploadId = u.uploadId;
        }
        if (m_uploadId.isEmpty()) {
            m_state = State::Failed;
            m_errorString
                = QStringLiteral("S3 has no multipart upload in progress for %1").arg(m_key);
            return Q_EMIT failed(m_errorString);
        }
        m_job = m_client->listParts(m_key, m_uploadId);
        connect(m_job, &S3Job::finished, this, [this](S3Job *parts) {
            m_job = nullptr;
            parts->deleteLater();
            if (parts->error() != S3Error::None)
                return fail(parts);
            // Only a leading run of whole parts counts: a part cut short (or a gap) is
            // where the durable offset stops; later parts are overwritten as data comes.
            for (const S3Part &part : parts->parts()) {
                if (part.number != m_parts.size() + 1 || part.size != m_partSize)
                    break;
                m_parts.append(part);
                m_durable += part.size;
            }
            m_state = State::Open;
            qCInfo(lcServer) << "S3 upload of" << m_key << "resumed at" << m_durable;
            Q_EMIT opened();
        });
        m_job->start();
    });
    m_job->start();
}

qint64 S3UploadWriter::written() const
{
    return m_durable + m_inFlight.size() + m_filling.size();
}

qint64 S3UploadWriter::room() const
{
    if (m_state != State::Open)
        return 0;
    // One part filling; a second may fill only while none is in flight.
    const qint64 limit = m_inFlight.isEmpty() ? 2 * m_partSize : m_partSize;
    return std::max<qint64>(0, limit - m_filling.size());
}

bool S3UploadWriter::write(QByteArrayView data)
{
    if (data.size() > room())
        return false;
    m_filling.append(data);
    m_peak = std::max(m_peak, buffered());
    if (m_inFlight.isEmpty() && m_filling.size() >= m_partSize)
        sendPart();
    return true;
}

void S3UploadWriter::sendPart()
{
    // Whole parts only while open; the last part (any size) at finish().
    if (m_state == State::Open) {
        m_inFlight = m_filling.left(m_partSize);
        m_filling.remove(0, m_partSize);
    } else {
        m_inFlight.swap(m_filling);
        m_filling.clear();
    }
    m_retries = 0;
    startPart();
}

void S3UploadWriter::startPart()
{
    m_retryWaiting = false;
    m_job = m_client->uploadPart(m_key, m_uploadId, int(m_parts.size()) + 1, m_inFlight);
    connect(m_job, &S3Job::finished, this, &S3UploadWriter::onPartDone);
    m_job->start();
}

void S3UploadWriter::onPartDone(S3Job *job)
{
    m_job = nullptr;
    job->deleteLater();
    if (job->error() != S3Error::None) {
        // A store restarting or overloaded answers nothing or 5xx for a while: the same
        // part again (UploadPart of a number replaces it), while the held acknowledgements
        // keep the sender waiting. A refusal (4xx) will not change by waiting.
        const bool passing = job->error() == S3Error::Network
            || (job->error() == S3Error::Http && job->httpStatus() >= 500);
        if (!passing || m_retries >= m_retryDelays.size())
            return fail(job);
        const int delay = m_retryDelays.at(m_retries++);
        ++m_retriesTotal;
        qCInfo(lcServer).noquote()
            << "part" << m_parts.size() + 1 << "of" << m_key
            << QStringLiteral("not stored (%1); again in %2 ms").arg(job->errorString()).arg(delay);
        m_retryWaiting = true;
        QTimer::singleShot(delay, this, [this] {
            if (m_state == State::Open || m_state == State::Finishing)
                startPart();
        });
        return;
    }
    m_parts.append({ int(m_parts.size()) + 1, m_inFlight.size(), job->etag() });
    m_durable += m_inFlight.size();
    m_inFlight.clear();
    if (m_state == State::Open && m_filling.size() >= m_partSize)
        sendPart();
    else
        completeIfDrained();
    // Last: a receiver that writes more from here (it waited for room) must find the next
    // part under way already, or its write() would send a second part with the same number.
    Q_EMIT durableChanged(m_durable);
}

void S3UploadWriter::finish()
{
    Q_ASSERT(m_state == State::Open);
    m_state = State::Finishing;
    completeIfDrained();
}

void S3UploadWriter::completeIfDrained()
{
    if (m_state != State::Finishing || m_job || m_retryWaiting)
        return;
    if (!m_filling.isEmpty() || m_parts.isEmpty())
        return sendPart(); // the last part (an empty object still needs one)
    m_job = m_client->completeMultipartUpload(m_key, m_uploadId, m_parts);
    connect(m_job, &S3Job::finished, this, [this](S3Job *job) {
        m_job = nullptr;
        job->deleteLater();
        if (job->error() != S3Error::None)
            return fail(job);
        m_state = State::Finished;
        Q_EMIT finished();
    });
    m_job->start();
}

void S3UploadWriter::abort()
{
    delete m_job;
    m_job = nullptr;
    m_filling.clear();
    m_inFlight.clear();
    if (!m_uploadId.isEmpty()) {
        // Fire and forget: the parts are garbage either way, and a failure is logged.
        S3Job *job = m_client->abortMultipartUpload(m_key, m_uploadId, m_client);
        connect(job, &S3Job::finished, job, &QObject::deleteLater);
        job->start();
    }
    m_state = State::Failed;
    m_errorString = QStringLiteral("aborted");
}

void S3UploadWriter::fail(S3Job *job)
{
    m_state = State::Failed;
    m_errorString = job->errorString();
    Q_EMIT failed(m_errorString);
}

} // namespace Roomshare::Server
