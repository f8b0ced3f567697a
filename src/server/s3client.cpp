#include "s3client_p.h"

#include "serverlogging_p.h"

#include <QCryptographicHash>
#include <QFile>
#include <QPointer>
#include <QRegularExpression>
#include <QThreadPool>
#include <QXmlStreamReader>

#include <curl/curl.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>

namespace Roomshare::Server {

namespace {

constexpr int MaxThreads = 8;
// A listing returns at most 1,000 parts a page and an upload has at most 10,000 parts.
constexpr int MaxListPages = 11;
constexpr long ConnectTimeoutSeconds = 10;
// A request (other than a streamed GET, whose reader sets the pace) that moves less than
// one byte a second for this long is treated as a dead peer.
constexpr long StallSeconds = 60;

} // namespace

struct S3JobState
{
    enum class Op {
        Plain,
        CreateUpload,
        UploadPart,
        CompleteUpload,
        ListParts,
        ListUploads,
        Head,
        Get
    };

    // The request: set before start(), read only by the worker.
    Op op = Op::Plain;
    S3Config config;
    QByteArray method;
    QString key; //!< empty: the bucket itself
    std::map<QString, QString> query;
    QByteArray body;
    QByteArray contentType;
    qint64 rangeOffset = -1;
    qint64 rangeLength = -1;
    qint64 bufferLimit = 0;

    // Shared between the worker and the owning thread, under mutex.
    std::mutex mutex;
    std::condition_variable wake;
    S3Job *receiver = nullptr;
    std::atomic<bool> canceled{ false };
    QByteArray buffer; //!< streamed GET
    qint64 peak = 0;
    bool readyPosted = false;

    // Results: written by the worker before it posts the end, read after.
    S3Error error = S3Error::None;
    QString errorString;
    int status = 0;
    QString s3Code;
    QByteArray responseBody;
    QByteArray etagHeader;
    qint64 contentLength = -1;
    QString uploadId;
    QList<S3Part> parts;
    QList<S3MultipartUpload> uploads;

    //! Posts readyRead() to the job (a streamed GET's data arrived).
    void announce();
};

namespace {

// Query strings go out canonical, as SigV4 signs them: sorted by name, names and values
// percent-encoded with only the unreserved characters left, `name=` even when empty.
QByteArray canonicalQuery(const std::map<QString, QString> &query)
{
    QByteArray out;
    for (const auto &[name, value] : query) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

QByteArray requestUrl(const S3JobState &s)
{
    QByteArray url = s.config.endpoint.toString(QUrl::StripTrailingSlash).toUtf8();
    url += '/' + QUrl::toPercentEncoding(s.config.bucket);
    if (!s.key.isEmpty())
        url += '/' + QUrl::toPercentEncoding(s.key, "/");
    const QByteArray q = canonicalQuery(s.query);
    if (!q.isEmpty())
        url += '?' + q;
    return url;
}

struct CurlDeleter
{
    void operator()(CURL *curl) const { curl_easy_cleanup(curl); }
};

// One handle per worker thread, reset between requests, so connections are reused.
CURL *threadHandle()
{
    thread_local std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
    if (handle)
        curl_easy_reset(handle.get());
    return handle.get();
}

void post(S3JobState &s, void (S3Job::*what)())
{
    // Under the mutex: ~S3Job clears receiver under it, so the object outlives the post;
    // an event still queued when it is deleted is discarded by Qt.
    std::lock_guard lock(s.mutex);
    if (S3Job *receiver = s.receiver)
        QMetaObject::invokeMethod(
            receiver, [receiver, what] { (receiver->*what)(); }, Qt::QueuedConnection);
}

struct Transfer
{
    S3JobState *state;
    CURL *curl;
    qint64 bodySent = 0;
};

size_t readBody(char *out, size_t size, size_t n, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const qint64 left = t->state->body.size() - t->bodySent;
    const qint64 take = std::min<qint64>(left, qint64(size * n));
    memcpy(out, t->state->body.constData() + t->bodySent, size_t(take));
    t->bodySent += take;
    return size_t(take);
}

} // namespace

void S3JobState::announce()
{
    post(*this, &S3Job::announceData);
}

namespace {

size_t writeBody(char *data, size_t size, size_t n, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    S3JobState &s = *t->state;
    const size_t bytes = size * n;
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    if (s.op != S3JobState::Op::Get || status < 200 || status > 299) {
        // A bounded error or listing document (never object data).
        if (s.responseBody.size() + qint64(bytes) > 4 * 1024 * 1024)
            return 0;
        s.responseBody.append(data, qsizetype(bytes));
        return bytes;
    }
    bool announce = false;
    {
        std::unique_lock lock(s.mutex);
        s.wake.wait(lock, [&] { return s.canceled || s.buffer.size() < s.bufferLimit; });
        if (s.canceled)
            return 0;
        s.buffer.append(data, qsizetype(bytes));
        s.peak = std::max<qint64>(s.peak, s.buffer.size());
        // One readyRead on its way at a time; the next append after its delivery posts
        // another, so a reader that takes only part of the buffer hears again.
        announce = !s.readyPosted;
        s.readyPosted = true;
    }
    if (announce)
        s.announce();
    return bytes;
}

size_t readHeader(char *data, size_t size, size_t n, void *user)
{
    auto *s = static_cast<Transfer *>(user)->state;
    const QByteArray line = QByteArray(data, qsizetype(size * n)).trimmed();
    const qsizetype colon = line.indexOf(':');
    if (colon > 0) {
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "etag")
            s->etagHeader = value;
        else if (name == "content-length")
            s->contentLength = value.toLongLong();
    } else if (line.startsWith("HTTP/")) {
        s->etagHeader.clear(); // a new answer (after 100 Continue or a redirect)
        s->contentLength = -1;
    }
    return size * n;
}

int progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<Transfer *>(user)->state->canceled ? 1 : 0;
}

// The first <Code> and <Message> of an S3 error document.
void readErrorDocument(const QByteArray &body, QString *code, QString *message)
{
    QXmlStreamReader xml(body);
    while (!xml.atEnd() && xml.readNext() != QXmlStreamReader::Invalid) {
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("Code") && code->isEmpty())
            *code = xml.readElementText();
        else if (xml.name() == QLatin1String("Message") && message->isEmpty())
            *message = xml.readElementText();
    }
}

bool isErrorDocument(const QByteArray &body)
{
    QXmlStreamReader xml(body);
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement)
            return xml.name() == QLatin1String("Error");
    }
    return false;
}

// One HTTP exchange; false with error fields set when it did not succeed.
bool perform(S3JobState &s)
{
    const QByteArray url = requestUrl(s);
    const QString what
        = QStringLiteral("S3 %1 %2").arg(QString::fromLatin1(s.method), QString::fromUtf8(url));
    CURL *curl = threadHandle();
    if (!curl) {
        s.error = S3Error::Network;
        s.errorString = what + QStringLiteral(": libcurl could not create a handle");
        return false;
    }
    s.responseBody.clear();
    s.etagHeader.clear();
    s.contentLength = -1;
    Transfer t{ &s, curl };
    char errorBuffer[CURL_ERROR_SIZE] = {};
    const QByteArray sigv4 = "aws:amz:" + s.config.region.toUtf8() + ":s3";
    const QByteArray user = s.config.accessKey.toUtf8();
    const QByteArray secret = s.config.secretKey.toUtf8();

    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.constData());
    // Separate fields: the access key may contain a colon (Swift's "test:tester").
    curl_easy_setopt(curl, CURLOPT_USERNAME, user.constData());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, secret.constData());
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, ConnectTimeoutSeconds);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, readHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    if (s.op != S3JobState::Op::Get) {
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, StallSeconds);
    }

    curl_slist *headers = nullptr;
    // libcurl 7.88 signs but does not add the payload hash header, which Swift requires.
    headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    // No "Expect:" to suppress 100-continue: libcurl 7.88 would sign the empty header it
    // then leaves out, and every such request fails its signature.
    if (!s.contentType.isEmpty())
        headers
            = curl_slist_append(headers, QByteArray("Content-Type: " + s.contentType).constData());
    if (s.op == S3JobState::Op::UploadPart) {
        // The store checks the part against its MD5 (BadDigest otherwise): bytes damaged
        // between here and the store are never part of an object. Computed here, on the
        // worker thread.
        const QByteArray md5 = QCryptographicHash::hash(s.body, QCryptographicHash::Md5);
        headers
            = curl_slist_append(headers, QByteArray("Content-MD5: " + md5.toBase64()).constData());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    QByteArray range;
    if (s.method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, readBody);
        curl_easy_setopt(curl, CURLOPT_READDATA, &t);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(s.body.size()));
    } else if (s.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, s.body.constData());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(s.body.size()));
    } else if (s.method == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (s.method == "DELETE") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
    } else if (s.rangeOffset > 0 || s.rangeLength >= 0) {
        range = QByteArray::number(std::max<qint64>(0, s.rangeOffset)) + '-';
        if (s.rangeLength >= 0)
            range += QByteArray::number(std::max<qint64>(0, s.rangeOffset) + s.rangeLength - 1);
        curl_easy_setopt(curl, CURLOPT_RANGE, range.constData());
    }

    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    s.status = int(status);
    if (s.canceled) {
        s.error = S3Error::Canceled;
        s.errorString = what + QStringLiteral(": canceled");
        return false;
    }
    if (code != CURLE_OK) {
        s.error = S3Error::Network;
        const QString detail = QString::fromLocal8Bit(errorBuffer).trimmed();
        s.errorString = what + QStringLiteral(": ") + QString::fromUtf8(curl_easy_strerror(code))
            + (detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')'));
        return false;
    }
    // CompleteMultipartUpload may answer 200 and still fail, in the body.
    if (status < 200 || status > 299 || isErrorDocument(s.responseBody)) {
        s.error = S3Error::Http;
        QString message;
        readErrorDocument(s.responseBody, &s.s3Code, &message);
        s.errorString = what + QStringLiteral(": HTTP %1").arg(status);
        if (!s.s3Code.isEmpty())
            s.errorString += QLatin1Char(' ') + s.s3Code;
        if (!message.isEmpty())
            s.errorString += QStringLiteral(": ") + message;
        return false;
    }
    return true;
}

QString firstElementText(const QByteArray &body, QLatin1String name)
{
    QXmlStreamReader xml(body);
    while (!xml.atEnd() && xml.readNext() != QXmlStreamReader::Invalid) {
        if (xml.isStartElement() && xml.name() == name)
            return xml.readElementText();
    }
    return QString();
}

bool readPartsPage(S3JobState &s, QString *nextMarker)
{
    QXmlStreamReader xml(s.responseBody);
    bool truncated = false;
    nextMarker->clear();
    S3Part part;
    while (!xml.atEnd() && xml.readNext() != QXmlStreamReader::Invalid) {
        if (xml.isEndElement() && xml.name() == QLatin1String("Part")) {
            s.parts.append(part);
            continue;
        }
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("Part"))
            part = S3Part();
        else if (xml.name() == QLatin1String("PartNumber"))
            part.number = xml.readElementText().toInt();
        else if (xml.name() == QLatin1String("Size"))
            part.size = xml.readElementText().toLongLong();
        else if (xml.name() == QLatin1String("ETag"))
            part.etag = xml.readElementText().toUtf8();
        else if (xml.name() == QLatin1String("IsTruncated"))
            truncated = xml.readElementText() == QLatin1String("true");
        else if (xml.name() == QLatin1String("NextPartNumberMarker"))
            *nextMarker = xml.readElementText();
    }
    return truncated && !nextMarker->isEmpty();
}

// One page of ListMultipartUploads; true with the markers of the next page when truncated.
bool readUploadsPage(S3JobState &s, QString *nextKey, QString *nextUploadId)
{
    QXmlStreamReader xml(s.responseBody);
    bool truncated = false;
    nextKey->clear();
    nextUploadId->clear();
    S3MultipartUpload upload;
    bool inUpload = false;
    while (!xml.atEnd() && xml.readNext() != QXmlStreamReader::Invalid) {
        if (xml.isEndElement() && xml.name() == QLatin1String("Upload")) {
            s.uploads.append(upload);
            inUpload = false;
            continue;
        }
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("Upload")) {
            upload = S3MultipartUpload();
            inUpload = true;
        } else if (inUpload && xml.name() == QLatin1String("Key")) {
            upload.key = xml.readElementText();
        } else if (inUpload && xml.name() == QLatin1String("UploadId")) {
            upload.uploadId = xml.readElementText();
        } else if (xml.name() == QLatin1String("IsTruncated")) {
            truncated = xml.readElementText() == QLatin1String("true");
        } else if (xml.name() == QLatin1String("NextKeyMarker")) {
            *nextKey = xml.readElementText();
        } else if (xml.name() == QLatin1String("NextUploadIdMarker")) {
            *nextUploadId = xml.readElementText();
        }
    }
    return truncated && !nextKey->isEmpty();
}

void run(S3JobState &s)
{
    switch (s.op) {
    case S3JobState::Op::ListParts: {
        for (int page = 0; page < MaxListPages; ++page) {
            if (!perform(s))
                return;
            QString marker;
            if (!readPartsPage(s, &marker))
                break;
            s.query[QStringLiteral("part-number-marker")] = marker;
        }
        std::sort(s.parts.begin(), s.parts.end(),
                  [](const S3Part &a, const S3Part &b) { return a.number < b.number; });
        return;
    }
    case S3JobState::Op::ListUploads: {
        // Bounded like any loop here: the prefix names one object, so one page is the rule.
        for (int page = 0; page < MaxListPages; ++page) {
            if (!perform(s))
                return;
            QString key, uploadId;
            if (!readUploadsPage(s, &key, &uploadId))
                break;
            s.query[QStringLiteral("key-marker")] = key;
            s.query[QStringLiteral("upload-id-marker")] = uploadId;
        }
        return;
    }
    case S3JobState::Op::CreateUpload:
        if (!perform(s))
            return;
        s.uploadId = firstElementText(s.responseBody, QLatin1String("UploadId"));
        if (s.uploadId.isEmpty()) {
            s.error = S3Error::BadResponse;
            s.errorString = QStringLiteral("S3 POST %1: the answer names no UploadId")
                                .arg(QString::fromUtf8(requestUrl(s)));
        }
        return;
    case S3JobState::Op::UploadPart:
        if (!perform(s))
            return;
        if (s.etagHeader.isEmpty()) {
            s.error = S3Error::BadResponse;
            s.errorString = QStringLiteral("S3 PUT %1: the answer has no ETag")
                                .arg(QString::fromUtf8(requestUrl(s)));
        }
        return;
    default:
        perform(s);
        return;
    }
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

// ---- S3Job ----------------------------------------------------------------------------

S3Job::S3Job(QThreadPool *pool, std::shared_ptr<S3JobState> state, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_state(std::move(state))
{ }

S3Job::~S3Job()
{
    std::lock_guard lock(m_state->mutex);
    m_state->receiver = nullptr;
    m_state->canceled = true;
    m_state->wake.notify_all();
}

void S3Job::start()
{
    Q_ASSERT(!m_started);
    if (m_started)
        return;
    m_started = true;
    {
        std::lock_guard lock(m_state->mutex);
        m_state->receiver = this;
    }
    std::shared_ptr<S3JobState> state = m_state;
    m_pool->start([state] {
        if (!state->canceled)
            run(*state);
        else
            state->error = S3Error::Canceled;
        post(*state, &S3Job::deliver);
    });
}

void S3Job::cancel()
{
    std::lock_guard lock(m_state->mutex);
    m_state->canceled = true;
    m_state->wake.notify_all();
}

void S3Job::deliver()
{
    if (m_finished)
        return;
    S3JobState &s = *m_state;
    m_finished = true;
    m_error = s.canceled && s.error == S3Error::None ? S3Error::Canceled : s.error;
    m_errorString = s.errorString;
    if (m_error == S3Error::Canceled && m_errorString.isEmpty())
        m_errorString = QStringLiteral("S3 request canceled");
    m_httpStatus = s.status;
    m_s3Code = s.s3Code;
    m_uploadId = s.uploadId;
    m_etag = s.etagHeader;
    m_parts = s.parts;
    m_uploads = s.uploads;
    m_contentLength = s.contentLength;
    if (m_error != S3Error::None && m_error != S3Error::Canceled)
        qCWarning(lcServer).noquote() << m_errorString;
    Q_EMIT finished(this);
}

void S3Job::announceData()
{
    {
        std::lock_guard lock(m_state->mutex);
        m_state->readyPosted = false;
    }
    Q_EMIT readyRead();
}

qint64 S3Job::bytesAvailable() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->buffer.size();
}

QByteArray S3Job::read(qint64 maxSize)
{
    std::lock_guard lock(m_state->mutex);
    QByteArray &buffer = m_state->buffer;
    QByteArray out;
    if (maxSize >= buffer.size()) {
        out.swap(buffer);
    } else {
        out = buffer.left(maxSize);
        buffer.remove(0, maxSize);
    }
    m_state->wake.notify_all();
    return out;
}

qint64 S3Job::peakBuffered() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->peak;
}

// ---- configuration ----------------------------------------------------------------

bool parseS3Storage(const QString &storage, const QString &endpoint, const QString &region,
                    const QString &credentialsFile, const QHash<QString, QString> &environment,
                    S3Config *config, QString *error)
{
    const QLatin1String scheme("s3://");
    if (!storage.startsWith(scheme)) {
        *error = QStringLiteral("--storage must be s3://BUCKET, not \"%1\"").arg(storage);
        return false;
    }
    const QString bucket = storage.mid(scheme.size());
    // S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens,
    // starting and ending with a letter or digit.
    static const QRegularExpression bucketName(
        QStringLiteral("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"));
    if (!bucketName.match(bucket).hasMatch()) {
        *error = QStringLiteral("\"%1\" is not a bucket name (3 to 63 lowercase letters, "
                                "digits, dots and hyphens)")
                     .arg(bucket);
        return false;
    }
    S3Config c;
    c.bucket = bucket;
    c.region = region.isEmpty() ? QStringLiteral("us-east-1") : region;
    if (endpoint.isEmpty()) {
        c.endpoint = QUrl(QStringLiteral("https://s3.%1.amazonaws.com").arg(c.region));
    } else {
        c.endpoint = QUrl(endpoint, QUrl::StrictMode);
        const QString s = c.endpoint.scheme();
        if (!c.endpoint.isValid() || (s != QLatin1String("http") && s != QLatin1String("https"))
            || c.endpoint.host().isEmpty() || !c.endpoint.query().isEmpty()
            || (!c.endpoint.path().isEmpty() && c.endpoint.path() != QLatin1String("/"))) {
            *error
                = QStringLiteral("--s3-endpoint must be http://HOST:PORT or https://HOST[:PORT], "
                                 "not \"%1\"")
                      .arg(endpoint);
            return false;
        }
    }
    if (!credentialsFile.isEmpty()) {
        QFile file(credentialsFile);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            *error = QStringLiteral("cannot read the S3 credentials file %1: %2")
                         .arg(credentialsFile, file.errorString());
            return false;
        }
        // Profiles in order; "default" wins, else the only one there is.
        QList<std::pair<QString, QHash<QString, QString>>> profiles;
        const QStringList lines = QString::fromUtf8(file.read(64 * 1024)).split(QLatin1Char('\n'));
        for (QString line : lines) {
            line = line.trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#'))
                || line.startsWith(QLatin1Char(';')))
                continue;
            if (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))) {
                profiles.append({ line.mid(1, line.size() - 2).trimmed(), {} });
                continue;
            }
            const qsizetype eq = line.indexOf(QLatin1Char('='));
            if (eq > 0 && !profiles.isEmpty())
                profiles.last().second.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
        }
        const QHash<QString, QString> *chosen = nullptr;
        for (const auto &[name, keys] : profiles) {
            if (name == QLatin1String("default"))
                chosen = &keys;
        }
        if (!chosen && profiles.size() == 1)
            chosen = &profiles.first().second;
        if (chosen) {
            c.accessKey = chosen->value(QStringLiteral("aws_access_key_id"));
            c.secretKey = chosen->value(QStringLiteral("aws_secret_access_key"));
        }
        if (c.accessKey.isEmpty() || c.secretKey.isEmpty()) {
            *error = QStringLiteral("the S3 credentials file %1 has no aws_access_key_id and "
                                    "aws_secret_access_key in a [default] profile")
                         .arg(credentialsFile);
            return false;
        }
    } else {
        c.accessKey = environment.value(QStringLiteral("AWS_ACCESS_KEY_ID"));
        c.secretKey = environment.value(QStringLiteral("AWS_SECRET_ACCESS_KEY"));
        if (c.accessKey.isEmpty() || c.secretKey.isEmpty()) {
            *error = QStringLiteral("S3 storage needs credentials: set AWS_ACCESS_KEY_ID and "
                                    "AWS_SECRET_ACCESS_KEY, or name a file with --s3-credentials");
            return false;
        }
    }
    *config = c;
    return true;
}

QString describeBucketCheck(const S3Config &config, const S3Job &job)
{
    const QString where
        = QStringLiteral("bucket \"%1\" at %2").arg(config.bucket, config.endpoint.toString());
    if (job.error() == S3Error::None)
        return QString();
    if (job.error() == S3Error::Http && (job.httpStatus() == 403 || job.httpStatus() == 401))
        return QStringLiteral("%1: the credentials were refused (access key %2)")
            .arg(where, config.accessKey);
    if (job.error() == S3Error::Http && job.httpStatus() == 404)
        return QStringLiteral("%1 does not exist").arg(where);
    return QStringLiteral("%1 cannot be reached: %2").arg(where, job.errorString());
}

// ---- S3Client -------------------------------------------------------------------------

S3Client::S3Client(const S3Config &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_pool(new QThreadPool(this))
{
    initCurlOnce();
    m_pool->setMaxThreadCount(MaxThreads);
}

S3Client::~S3Client()
{
    // Jobs still running belong to others; they were canceled by their own deletion or
    // run to completion here.
    m_pool->waitForDone();
}

int S3Client::maxThreads() const
{
    return m_pool->maxThreadCount();
}

void S3Client::setMaxThreads(int threads)
{
    m_pool->setMaxThreadCount(threads);
}

S3Job *S3Client::makeJob(std::shared_ptr<S3JobState> state, QObject *parent)
{
    state->config = m_config;
    return new S3Job(m_pool, std::move(state), parent);
}

S3Job *S3Client::createBucket(QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->method = "PUT";
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::headBucket(QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->method = "HEAD";
    s->op = S3JobState::Op::Head;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::createMultipartUpload(const QString &key, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::CreateUpload;
    s->method = "POST";
    s->key = key;
    s->query[QStringLiteral("uploads")] = QString();
    s->contentType = "application/octet-stream";
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::uploadPart(const QString &key, const QString &uploadId, int partNumber,
                            const QByteArray &data, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::UploadPart;
    s->method = "PUT";
    s->key = key;
    s->query[QStringLiteral("partNumber")] = QString::number(partNumber);
    s->query[QStringLiteral("uploadId")] = uploadId;
    s->body = data;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::completeMultipartUpload(const QString &key, const QString &uploadId,
                                         const QList<S3Part> &parts, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::CompleteUpload;
    s->method = "POST";
    s->key = key;
    s->query[QStringLiteral("uploadId")] = uploadId;
    s->contentType = "application/xml";
    QByteArray body = "<CompleteMultipartUpload>";
    for (const S3Part &part : parts) {
        body += "<Part><PartNumber>" + QByteArray::number(part.number) + "</PartNumber><ETag>"
            + QString::fromUtf8(part.etag).toHtmlEscaped().toUtf8() + "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    s->body = body;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::abortMultipartUpload(const QString &key, const QString &uploadId, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->method = "DELETE";
    s->key = key;
    s->query[QStringLiteral("uploadId")] = uploadId;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::listParts(const QString &key, const QString &uploadId, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::ListParts;
    s->method = "GET";
    s->key = key;
    s->query[QStringLiteral("uploadId")] = uploadId;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::listMultipartUploads(const QString &prefix, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::ListUploads;
    s->method = "GET";
    s->query[QStringLiteral("uploads")] = QString();
    s->query[QStringLiteral("prefix")] = prefix;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::get(const QString &key, qint64 offset, qint64 length, qint64 bufferLimit,
                     QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::Get;
    s->method = "GET";
    s->key = key;
    s->rangeOffset = offset;
    s->rangeLength = length;
    s->bufferLimit = std::max<qint64>(bufferLimit, 1);
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::remove(const QString &key, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->method = "DELETE";
    s->key = key;
    return makeJob(std::move(s), parent);
}

S3Job *S3Client::head(const QString &key, QObject *parent)
{
    auto s = std::make_shared<S3JobState>();
    s->op = S3JobState::Op::Head;
    s->method = "HEAD";
    s->key = key;
    return makeJob(std::move(s), parent);
}

} // namespace Roomshare::Server
