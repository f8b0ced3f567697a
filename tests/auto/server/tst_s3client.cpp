// The S3 client (src/server/s3client.cpp) against a real Swift + s3api started by
// tests/extra/scaleout-s3.sh (tests/fixtures/s3-swift.sh), which passes the endpoint and the
// credentials in S3_ENDPOINT, S3_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.

#include "faultproxy.h"
#include "s3client_p.h"
#include "s3uploadwriter_p.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <curl/curl.h>

using namespace Roomshare::Server;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QByteArray randomBytes(qint64 size, quint32 seed)
{
    QByteArray out(size, Qt::Uninitialized);
    QRandomGenerator gen(seed);
    gen.fillRange(reinterpret_cast<quint32 *>(out.data()), size / 4);
    return out;
}

// Runs \a job to its end (bounded in time); true when it finished.
bool runJob(S3Job *job, int timeoutMs = 60000)
{
    QSignalSpy spy(job, &S3Job::finished);
    job->start();
    return spy.wait(timeoutMs) || job->isFinished();
}

} // namespace

class TestS3Client : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesStorageOptions();
    void bucketCheckExplainsFailures();
    void multipartRoundTrip();
    void listPartsForResume();
    void abortedUploadIsGone();
    void streamedGetStaysBounded();
    void deletingAStalledGetFreesItsThread();
    void writerResumesFromCompletedParts();
    void writerFedFromItsOwnSignal();
    void writerSendsADroppedPartAgain();
    void wrongSecretIsRefused();
    void unreachableEndpointNamesAddress();
    void missingBucketIsReported();

private:
    S3Config m_config;
    std::unique_ptr<S3Client> m_client;
    QString m_bigKey; //!< the 24 MiB object of streamedGetStaysBounded()
    QString newKey() const { return QUuid::createUuid().toString(QUuid::WithoutBraces); }
    //! Starts a multipart upload of \a key: its id, or empty (the reason as a warning).
    QString createUpload(const QString &key)
    {
        std::unique_ptr<S3Job> job(m_client->createMultipartUpload(key));
        if (!runJob(job.get()) || job->error() != S3Error::None) {
            qWarning("createMultipartUpload failed: %s", qPrintable(job->errorString()));
            return QString();
        }
        return job->uploadId();
    }
};

void TestS3Client::initTestCase()
{
    const QByteArray endpoint = qgetenv("S3_ENDPOINT");
    if (endpoint.isEmpty())
        QFAIL("S3_ENDPOINT is not set: run tests/extra/scaleout-s3.sh BUILD_DIR");
    m_config.endpoint = QUrl(QString::fromUtf8(endpoint));
    m_config.region = QString::fromUtf8(qgetenv("S3_REGION"));
    m_config.accessKey = QString::fromUtf8(qgetenv("AWS_ACCESS_KEY_ID"));
    m_config.secretKey = QString::fromUtf8(qgetenv("AWS_SECRET_ACCESS_KEY"));
    m_config.bucket
        = QStringLiteral("tst-s3client-") + QString::number(QDateTime::currentMSecsSinceEpoch());
    m_client = std::make_unique<S3Client>(m_config);

    std::unique_ptr<S3Job> job(m_client->createBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    job.reset(m_client->headBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
}

void TestS3Client::parsesStorageOptions()
{
    const QHash<QString, QString> env{
        { QStringLiteral("AWS_ACCESS_KEY_ID"), QStringLiteral("ak") },
        { QStringLiteral("AWS_SECRET_ACCESS_KEY"), QStringLiteral("sk") }
    };
    S3Config c;
    QString error;
    QVERIFY2(parseS3Storage(QStringLiteral("s3://my-bucket"), QString(), QString(), QString(), env,
                            &c, &error),
             qPrintable(error));
    QCOMPARE(c.bucket, QStringLiteral("my-bucket"));
    QCOMPARE(c.region, QStringLiteral("us-east-1"));
    QCOMPARE(c.endpoint, QUrl(QStringLiteral("https://s3.us-east-1.amazonaws.com")));
    QCOMPARE(c.accessKey, QStringLiteral("ak"));
    QCOMPARE(c.secretKey, QStringLiteral("sk"));

    QVERIFY(parseS3Storage(QStringLiteral("s3://b12"), QStringLiteral("http://127.0.0.1:9000"),
                           QStringLiteral("eu-west-1"), QString(), env, &c, &error));
    QCOMPARE(c.endpoint, QUrl(QStringLiteral("http://127.0.0.1:9000")));
    QCOMPARE(c.region, QStringLiteral("eu-west-1"));

    // A credentials file wins over the environment; its [default] profile over others.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("credentials"));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[other]\naws_access_key_id = no\naws_secret_access_key = no\n"
                "# comment\n[default]\naws_access_key_id = test:tester\n"
                "aws_secret_access_key = testing\n");
    }
    QVERIFY2(
        parseS3Storage(QStringLiteral("s3://bkt"), QString(), QString(), path, env, &c, &error),
        qPrintable(error));
    QCOMPARE(c.accessKey, QStringLiteral("test:tester"));
    QCOMPARE(c.secretKey, QStringLiteral("testing"));

    // Refusals name what is wrong.
    struct Bad
    {
        QString storage, endpoint, credentials;
        QHash<QString, QString> env;
        QString mentions;
    };
    const QList<Bad> bad{
        { QStringLiteral("/srv/files"), {}, {}, env, QStringLiteral("s3://BUCKET") },
        { QStringLiteral("s3://Bad_Bucket"), {}, {}, env, QStringLiteral("not a bucket name") },
        { QStringLiteral("s3://bkt"),
          QStringLiteral("ftp://host"),
          {},
          env,
          QStringLiteral("--s3-endpoint") },
        { QStringLiteral("s3://bkt"),
          QStringLiteral("http://host:1/path"),
          {},
          env,
          QStringLiteral("--s3-endpoint") },
        { QStringLiteral("s3://bkt"), {}, {}, {}, QStringLiteral("AWS_ACCESS_KEY_ID") },
        { QStringLiteral("s3://bkt"),
          {},
          dir.filePath(QStringLiteral("missing")),
          env,
          QStringLiteral("cannot read") },
    };
    for (const Bad &b : bad) {
        error.clear();
        QVERIFY(
            !parseS3Storage(b.storage, b.endpoint, QString(), b.credentials, b.env, &c, &error));
        QVERIFY2(error.contains(b.mentions), qPrintable(error));
    }
}

void TestS3Client::bucketCheckExplainsFailures()
{
    std::unique_ptr<S3Job> job(m_client->headBucket());
    QVERIFY(runJob(job.get()));
    QCOMPARE(describeBucketCheck(m_config, *job), QString());

    S3Config wrongKey = m_config;
    wrongKey.secretKey = QStringLiteral("wrong");
    S3Client refused(wrongKey);
    job.reset(refused.headBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(
        describeBucketCheck(wrongKey, *job).contains(QLatin1String("credentials were refused")),
        qPrintable(describeBucketCheck(wrongKey, *job)));

    S3Config missing = m_config;
    missing.bucket = QStringLiteral("no-such-bucket-") + newKey();
    S3Client none(missing);
    job.reset(none.headBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(describeBucketCheck(missing, *job).contains(QLatin1String("does not exist")),
             qPrintable(describeBucketCheck(missing, *job)));

    S3Config away = m_config;
    away.endpoint = QUrl(QStringLiteral("http://127.0.0.1:1"));
    S3Client unreachable(away);
    job.reset(unreachable.headBucket());
    QVERIFY(runJob(job.get()));
    QVERIFY2(describeBucketCheck(away, *job).contains(QLatin1String("cannot be reached")),
             qPrintable(describeBucketCheck(away, *job)));
    QVERIFY2(describeBucketCheck(away, *job).contains(QLatin1String("127.0.0.1")),
             qPrintable(describeBucketCheck(away, *job)));
}

void TestS3Client::multipartRoundTrip()
{
    const QString key = newKey();
    const QByteArray data = randomBytes(11 * MiB + 12345, 1);
    std::unique_ptr<S3Job> job;
    const QString uploadId = createUpload(key);
    QVERIFY(!uploadId.isEmpty());

    // The event loop keeps running while a part travels: a zero timer ticks meanwhile.
    int ticks = 0;
    QTimer ticker;
    ticker.setInterval(0);
    connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });

    QList<S3Part> parts;
    for (int i = 0; i * 5 * MiB < data.size(); ++i) {
        const QByteArray piece = data.mid(i * 5 * MiB, 5 * MiB);
        job.reset(m_client->uploadPart(key, uploadId, i + 1, piece));
        ticker.start();
        QVERIFY(runJob(job.get()));
        ticker.stop();
        QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
        QVERIFY(!job->etag().isEmpty());
        parts.append({ i + 1, piece.size(), job->etag() });
    }
    QCOMPARE(parts.size(), 3);
    QVERIFY2(ticks > 0, "the event loop was blocked during the part uploads");

    job.reset(m_client->completeMultipartUpload(key, uploadId, parts));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));

    job.reset(m_client->head(key));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    QCOMPARE(job->contentLength(), data.size());

    // A ranged GET across the boundary of parts 1 and 2.
    const qint64 offset = 5 * MiB - 1000;
    const qint64 length = 3000;
    job.reset(m_client->get(key, offset, length, 64 * 1024));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    QCOMPARE(job->httpStatus(), 206);
    QCOMPARE(job->read(length * 2), data.mid(offset, length));

    job.reset(m_client->remove(key));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    job.reset(m_client->head(key));
    QVERIFY(runJob(job.get()));
    QCOMPARE(job->error(), S3Error::Http);
    QCOMPARE(job->httpStatus(), 404);
}

void TestS3Client::listPartsForResume()
{
    // What a restarted server sees: the parts completed so far, with their sizes and ETags.
    const QString key = newKey();
    std::unique_ptr<S3Job> job;
    const QString uploadId = createUpload(key);
    QVERIFY(!uploadId.isEmpty());
    const QByteArray a = randomBytes(5 * MiB, 2);
    const QByteArray b = randomBytes(5 * MiB, 3);
    QList<S3Part> sent;
    for (const auto &[n, piece] : { std::pair{ 1, a }, std::pair{ 2, b } }) {
        job.reset(m_client->uploadPart(key, uploadId, n, piece));
        QVERIFY(runJob(job.get()));
        QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
        sent.append({ n, piece.size(), job->etag() });
    }
    // A restarted server knows the key only: the upload id is found by listing.
    job.reset(m_client->listMultipartUploads(key));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    const QList<S3MultipartUpload> uploads = job->multipartUploads();
    QCOMPARE(uploads.size(), 1);
    QCOMPARE(uploads[0].key, key);
    QCOMPARE(uploads[0].uploadId, uploadId);

    job.reset(m_client->listParts(key, uploads[0].uploadId));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    const QList<S3Part> listed = job->parts();
    QCOMPARE(listed.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(listed[i].number, sent[i].number);
        QCOMPARE(listed[i].size, sent[i].size);
        QCOMPARE(listed[i].etag, sent[i].etag);
    }
    // Resume: a last part, then completion from the listed parts.
    const QByteArray c = randomBytes(1000, 4);
    job.reset(m_client->uploadPart(key, uploadId, 3, c));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    QList<S3Part> all = listed;
    all.append({ 3, c.size(), job->etag() });
    job.reset(m_client->completeMultipartUpload(key, uploadId, all));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    job.reset(m_client->listMultipartUploads(key));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    QCOMPARE(job->multipartUploads().size(), 0); // completed: no longer in progress
    job.reset(m_client->get(key, 0, -1, 1 * MiB));
    QByteArray got;
    connect(job.get(), &S3Job::readyRead, this, [&] { got += job->read(1 * MiB); });
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    got += job->read(job->bytesAvailable());
    QCOMPARE(got.size(), a.size() + b.size() + c.size());
    QVERIFY(got == a + b + c);
}

void TestS3Client::abortedUploadIsGone()
{
    const QString key = newKey();
    std::unique_ptr<S3Job> job;
    const QString uploadId = createUpload(key);
    QVERIFY(!uploadId.isEmpty());
    job.reset(m_client->uploadPart(key, uploadId, 1, randomBytes(1000, 5)));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    job.reset(m_client->abortMultipartUpload(key, uploadId));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    job.reset(m_client->listParts(key, uploadId));
    QVERIFY(runJob(job.get()));
    QCOMPARE(job->error(), S3Error::Http);
    QCOMPARE(job->s3ErrorCode(), QStringLiteral("NoSuchUpload"));
    QVERIFY2(job->errorString().contains(QLatin1String("NoSuchUpload")),
             qPrintable(job->errorString()));
}

void TestS3Client::streamedGetStaysBounded()
{
    // A 24 MiB object read through a 256 KiB buffer by a slow reader: the transfer waits
    // for the reader, so the buffer never holds much more than its limit.
    const QString key = newKey();
    const QByteArray data = randomBytes(24 * MiB, 6);
    std::unique_ptr<S3Job> job;
    const QString uploadId = createUpload(key);
    QVERIFY(!uploadId.isEmpty());
    QList<S3Part> parts;
    for (int i = 0; i * 8 * MiB < data.size(); ++i) {
        job.reset(m_client->uploadPart(key, uploadId, i + 1, data.mid(i * 8 * MiB, 8 * MiB)));
        QVERIFY(runJob(job.get()));
        QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
        parts.append({ i + 1, 8 * MiB, job->etag() });
    }
    job.reset(m_client->completeMultipartUpload(key, uploadId, parts));
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));

    const qint64 limit = 256 * 1024;
    job.reset(m_client->get(key, 0, -1, limit));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 total = 0;
    // Reads 64 KiB every millisecond at most: slower than loopback delivers.
    QTimer reader;
    reader.setInterval(1);
    connect(&reader, &QTimer::timeout, this, [&] {
        const QByteArray piece = job->read(64 * 1024);
        hash.addData(piece);
        total += piece.size();
    });
    reader.start();
    QVERIFY(runJob(job.get(), 120000));
    reader.stop();
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    const QByteArray rest = job->read(job->bytesAvailable());
    hash.addData(rest);
    total += rest.size();
    QCOMPARE(total, data.size());
    QCOMPARE(hash.result(), QCryptographicHash::hash(data, QCryptographicHash::Sha256));
    qInfo("streamed 24 MiB through a %lld-byte buffer, peak %lld bytes", limit,
          job->peakBuffered());
    QVERIFY(job->peakBuffered() <= limit + CURL_MAX_WRITE_SIZE);
    QVERIFY(job->peakBuffered() > 0);
    m_bigKey = key;
}

void TestS3Client::deletingAStalledGetFreesItsThread()
{
    // A GET whose reader stopped holds a worker thread, waiting for room in its buffer.
    // Deleting the job must wake and end it: otherwise the client's destructor, which waits
    // for its threads, never returns (and this test runs into its time limit).
    QVERIFY(!m_bigKey.isEmpty());
    auto client = std::make_unique<S3Client>(m_config);
    auto *job = client->get(m_bigKey, 0, -1, 64 * 1024);
    QSignalSpy ready(job, &S3Job::readyRead);
    job->start();
    QVERIFY(ready.wait(30000));
    QVERIFY(job->bytesAvailable() > 0);
    QVERIFY(!job->isFinished());
    delete job;
    client.reset();
}

namespace {

// Feeds \a writer from its written() offset up to \a until, 1 MiB at a time, as fast as its
// bound allows; false if it failed or did not get there within a minute.
bool feed(S3UploadWriter &writer, const QByteArray &data, qint64 until)
{
    QSignalSpy failed(&writer, &S3UploadWriter::failed);
    QElapsedTimer timer;
    timer.start();
    while (writer.written() < until && failed.isEmpty() && timer.elapsed() < 60000) {
        const qint64 n = std::min<qint64>(1 * MiB, until - writer.written());
        if (!writer.write(QByteArrayView(data).sliced(writer.written(), n))) {
            QSignalSpy durable(&writer, &S3UploadWriter::durableChanged);
            durable.wait(5000);
        }
    }
    return failed.isEmpty() && writer.written() == until;
}

} // namespace

void TestS3Client::writerResumesFromCompletedParts()
{
    // An upload cut after 13 MiB: the writer that replaces it finds the two whole 5 MiB
    // parts S3 holds, continues from 10 MiB and completes the object byte-identical.
    const qint64 part = 5 * MiB;
    const QByteArray data = randomBytes(23 * MiB + 777, 7);
    const QString key = newKey();
    {
        S3UploadWriter writer(m_client.get(), key, part);
        QSignalSpy opened(&writer, &S3UploadWriter::opened);
        writer.create();
        QVERIFY(opened.wait(30000));
        QVERIFY(feed(writer, data, 13 * MiB));
        QElapsedTimer timer;
        timer.start();
        while (writer.durable() < 10 * MiB && timer.elapsed() < 30000)
            QSignalSpy(&writer, &S3UploadWriter::durableChanged).wait(1000);
        QCOMPARE(writer.durable(), 10 * MiB);
        QVERIFY(writer.peakBuffered() <= 2 * part);
        // Destroyed here with 3 MiB buffered: lost, as in a crash.
    }
    S3UploadWriter writer(m_client.get(), key, part);
    QSignalSpy opened(&writer, &S3UploadWriter::opened);
    writer.resume();
    QVERIFY(opened.wait(30000));
    QCOMPARE(writer.durable(), 10 * MiB);
    QCOMPARE(writer.written(), 10 * MiB);
    QVERIFY(feed(writer, data, data.size()));
    QVERIFY(writer.peakBuffered() <= 2 * part);
    QSignalSpy finished(&writer, &S3UploadWriter::finished);
    writer.finish();
    QVERIFY2(finished.wait(60000), qPrintable(writer.errorString()));

    std::unique_ptr<S3Job> job(m_client->get(key, 0, -1, 1 * MiB));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 total = 0;
    connect(job.get(), &S3Job::readyRead, this, [&] {
        const QByteArray piece = job->read(1 * MiB);
        hash.addData(piece);
        total += piece.size();
    });
    QVERIFY(runJob(job.get()));
    QVERIFY2(job->error() == S3Error::None, qPrintable(job->errorString()));
    const QByteArray rest = job->read(job->bytesAvailable());
    hash.addData(rest);
    total += rest.size();
    QCOMPARE(total, data.size());
    QCOMPARE(hash.result(), QCryptographicHash::hash(data, QCryptographicHash::Sha256));
}

void TestS3Client::writerFedFromItsOwnSignal()
{
    // The server writes the chunks it held back from durableChanged(): each write must go
    // behind the part already under way (a second part with the same number made
    // CompleteMultipartUpload fail with InvalidPart).
    const qint64 part = 5 * MiB;
    const QByteArray data = randomBytes(4 * part + 12345, 11);
    const QString key = newKey();
    S3UploadWriter writer(m_client.get(), key, part);
    QSignalSpy opened(&writer, &S3UploadWriter::opened);
    writer.create();
    QVERIFY(opened.wait(30000));
    auto more = [&] {
        while (writer.written() < data.size()) {
            const qint64 n = std::min<qint64>(256 * 1024, data.size() - writer.written());
            if (!writer.write(QByteArrayView(data).sliced(writer.written(), n)))
                return;
        }
    };
    connect(&writer, &S3UploadWriter::durableChanged, this, more);
    more(); // fills the bound; the rest goes from the signal
    QVERIFY(writer.written() < data.size());
    QElapsedTimer timer;
    timer.start();
    while (writer.written() < data.size() && timer.elapsed() < 60000)
        QSignalSpy(&writer, &S3UploadWriter::durableChanged).wait(1000);
    QCOMPARE(writer.written(), data.size());
    QSignalSpy finished(&writer, &S3UploadWriter::finished);
    writer.finish();
    QVERIFY2(finished.wait(60000), qPrintable(writer.errorString()));
    std::unique_ptr<S3Job> head(m_client->head(key));
    QVERIFY(runJob(head.get()));
    QCOMPARE(head->contentLength(), data.size());
}

void TestS3Client::writerSendsADroppedPartAgain()
{
    // The store's connection cut in the middle of the first part (a proxy restarting): the
    // writer sends that part again and completes the object byte-identical. Then a store
    // that refuses every part connection: failed() after the last attempt, with the cause.
    FaultProxy proxy(quint16(m_config.endpoint.port()));
    QVERIFY(proxy.listen());
    S3Config viaProxy = m_config;
    viaProxy.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(proxy.port()));
    S3Client client(viaProxy);
    const qint64 part = 5 * MiB;
    const QByteArray data = randomBytes(12 * MiB + 99, 13);
    const QString key = newKey();
    {
        S3UploadWriter writer(&client, key, part);
        writer.setRetryDelaysMs({ 100, 200, 400 });
        QSignalSpy opened(&writer, &S3UploadWriter::opened);
        writer.create();
        QVERIFY(opened.wait(30000));
        proxy.cutAfter(FaultProxy::ClientToServer, 2 * MiB);
        QVERIFY(feed(writer, data, data.size()));
        QSignalSpy finished(&writer, &S3UploadWriter::finished);
        QSignalSpy failed(&writer, &S3UploadWriter::failed);
        writer.finish();
        QVERIFY2(finished.wait(60000), qPrintable(writer.errorString()));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(proxy.cutsDone(), 1);
        QVERIFY(writer.partRetries() >= 1);
        std::unique_ptr<S3Job> head(m_client->head(key));
        QVERIFY(runJob(head.get()));
        QCOMPARE(head->contentLength(), data.size());
        std::unique_ptr<S3Job> get(m_client->get(key, 0, -1, 16 * MiB));
        QVERIFY(runJob(get.get()));
        QVERIFY2(get->error() == S3Error::None, qPrintable(get->errorString()));
        QCOMPARE(
            QCryptographicHash::hash(get->read(get->bytesAvailable()), QCryptographicHash::Sha256),
            QCryptographicHash::hash(data, QCryptographicHash::Sha256));
    }

    auto gone = std::make_unique<FaultProxy>(quint16(m_config.endpoint.port()));
    QVERIFY(gone->listen());
    S3Config viaGone = m_config;
    viaGone.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(gone->port()));
    S3Client goneClient(viaGone);
    S3UploadWriter writer(&goneClient, newKey(), part);
    writer.setRetryDelaysMs({ 100, 200 });
    QSignalSpy opened2(&writer, &S3UploadWriter::opened);
    writer.create();
    QVERIFY(opened2.wait(30000));
    gone.reset(); // the store's address refuses connections from now on
    QSignalSpy failed(&writer, &S3UploadWriter::failed);
    QVERIFY(writer.write(QByteArrayView(data).first(part)));
    QVERIFY(failed.wait(30000));
    QCOMPARE(writer.partRetries(), 2);
    const QString why = failed.at(0).at(0).toString();
    QVERIFY2(why.contains(QStringLiteral("127.0.0.1")) && why.contains(QStringLiteral("connect")),
             qPrintable(why));
}

void TestS3Client::wrongSecretIsRefused()
{
    S3Config bad = m_config;
    bad.secretKey = QStringLiteral("not-the-secret");
    S3Client client(bad);
    std::unique_ptr<S3Job> job(client.createMultipartUpload(newKey()));
    QVERIFY(runJob(job.get()));
    QCOMPARE(job->error(), S3Error::Http);
    QCOMPARE(job->httpStatus(), 403);
    QVERIFY2(job->errorString().contains(QLatin1String("SignatureDoesNotMatch")),
             qPrintable(job->errorString()));
}

void TestS3Client::unreachableEndpointNamesAddress()
{
    // A port that was just free: nothing listens there.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    S3Config bad = m_config;
    bad.endpoint = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    S3Client client(bad);
    std::unique_ptr<S3Job> job(client.headBucket());
    QVERIFY(runJob(job.get()));
    QCOMPARE(job->error(), S3Error::Network);
    QVERIFY2(job->errorString().contains(QStringLiteral("127.0.0.1:%1").arg(port)),
             qPrintable(job->errorString()));
    QVERIFY2(job->errorString().contains(QLatin1String("onnect")), qPrintable(job->errorString()));
}

void TestS3Client::missingBucketIsReported()
{
    S3Config other = m_config;
    other.bucket = QStringLiteral("no-such-bucket-") + newKey();
    S3Client client(other);
    std::unique_ptr<S3Job> job(client.headBucket());
    QVERIFY(runJob(job.get()));
    QCOMPARE(job->error(), S3Error::Http);
    QCOMPARE(job->httpStatus(), 404);
}

QTEST_GUILESS_MAIN(TestS3Client)
#include "tst_s3client.moc"
