#pragma once

#include "s3client_p.h"
#include "s3uploadwriter_p.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <functional>
#include <memory>

namespace Roomshare::Server {

//! File data in an S3 bucket (`--storage s3://BUCKET`) instead of `partial/` and `files/`:
//! one object per upload under the key `roomshare/<storage id>`, written as a multipart
//! upload while it arrives and completed before the file is published. Owns the
//! S3Client; every S3 specific of the server lives here and in S3Upload, so the upload
//! and download code only asks "is there an object store" at its few seams.
class S3Storage final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3Storage)

public:
    explicit S3Storage(const S3Config &config, QObject *parent = nullptr);
    ~S3Storage() override;

    S3Client *client() const { return m_client; }
    const S3Config &config() const { return m_client->config(); }
    //! `s3://BUCKET at ENDPOINT`, for log lines.
    QString describe() const;
    //! The object key of storage id \a storageId.
    static QString key(const QString &storageId);
    //! The bytes of a multipart part: parts of 8 MiB, so memory per upload stays within
    //! 2 × 8 MiB in the writer plus the client's window of held chunks.
    static constexpr qint64 PartSize = 8 * 1024 * 1024;

    // Start-up (blocking, with a local event loop: nothing runs yet).
    //! HEAD on the bucket: false with \a error naming the bucket, the endpoint and the cause
    //! (unreachable, credentials refused, missing).
    bool checkBucket(QString *error);
    //! Aborts the multipart uploads under the server's prefix whose storage id is not in
    //! \a known (leftovers of uploads that were dropped while the server was down, or
    //! whose row never got written). Returns how many it aborted, -1 if it could not list.
    int abortUnknownUploads(const QSet<QString> &known);

    //! Deletes the object of a published file (fire and forget; a failure is logged).
    void removeObject(const QString &storageId);
    //! Abandons the multipart upload of \a storageId whose writer this process does not
    //! hold (after a restart): finds it by its key and aborts it.
    void abandonUpload(const QString &storageId);
    //! Streamed GET of the object of \a storageId from \a offset to its end, through a
    //! buffer of \a bufferLimit bytes; started, owned by \a parent.
    S3Job *read(const QString &storageId, qint64 offset, qint64 bufferLimit, QObject *parent);
    //! SHA-256 of the object of \a storageId, streamed (flat memory); \a done gets the
    //! lower-case hex, or an empty string and the reason.
    void hashObject(const QString &storageId, QObject *context,
                    std::function<void(const QString &sha256, const QString &error)> done);

private:
    bool runBlocking(S3Job *job, int timeoutMs);

    S3Client *m_client; //!< uploads, deletes, listings: never behind a slow reader
    //! Streamed GETs (downloads, hashes), each holding a thread while its reader is slow:
    //! a pool of their own, so slow downloaders cannot hold up the parts of uploads.
    S3Client *m_readClient;
};

//! One upload's object while it arrives: the S3UploadWriter and the chunks it could not
//! take yet (its buffer full while a part travels). Chunks are never refused: the
//! connection holds its acks back while chunks are held, so the client's window stops it,
//! and the held bytes stay bounded by that window. Owned by the Upload (deleted later, as
//! it may be deleted from its own signals).
class S3Upload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(S3Upload)

public:
    S3Upload(S3Storage *storage, const QString &storageId);
    ~S3Upload() override;

    //! create() for a new upload, resume() for one recorded before: see S3UploadWriter.
    void create()
    {
        m_opening = true;
        m_writer.create();
    }
    //! Finds the object after a restart: complete already (the server stopped between
    //! completing it and publishing it) when an object of \a size bytes exists, else the
    //! multipart upload and its parts (S3UploadWriter::resume()). opened() either way.
    void resume(qint64 size);
    bool isOpen() const { return m_writer.isOpen(); }
    //! Between create()/resume() and opened() (or failed()).
    bool isOpening() const { return m_opening; }
    //! Takes \a data at the end: into the writer, or held while the writer is full.
    void write(QByteArrayView data);
    //! Bytes held because the writer was full: acks wait while this is not 0.
    qint64 held() const { return m_heldBytes; }
    qint64 durable() const { return m_adopted >= 0 ? m_adopted : m_writer.durable(); }
    //! Completes the object once every held byte went into the writer; then finished()
    //! (at once, on the next turn, for an object found complete by resume()).
    void finish();
    //! True once the object is complete (finished() was emitted).
    bool isComplete() const { return m_complete; }
    //! Drops the object: aborts the multipart upload, or deletes the object once complete.
    void discard();
    QString errorString() const { return m_writer.errorString(); }

Q_SIGNALS:
    void opened();
    //! More parts are in S3 (recorded as the durable offset); held chunks may have moved on.
    void durableChanged(qint64 durable);
    void finished();
    void failed(const QString &error);

private:
    void drain();

    S3Storage *const m_storage;
    const QString m_storageId;
    S3UploadWriter m_writer;
    QList<QByteArray> m_held;
    qint64 m_heldBytes = 0;
    bool m_finishWanted = false;
    bool m_complete = false;
    bool m_opening = false;
    qint64 m_adopted = -1; //!< the size of an object resume() found complete
};

} // namespace Roomshare::Server
