// File data in an object store (`--storage s3://BUCKET`): where uploads' objects are
// opened, resumed, recorded as durable, completed before publishing and discarded. The
// local-disk counterparts are in roomserver.cpp (partial files, checkpoints) and
// roomserver_publish.cpp (renames). See docs/scale-out.md, Part 2.

#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <QPointer>
#include <QProcessEnvironment>

#include <functional>

namespace Roomshare::Server {

namespace {
std::shared_ptr<S3Upload> makeObject(S3Storage *store, const QString &storageId)
{
    auto *raw = new S3Upload(store, storageId);
    // Deleted later: an Upload may end inside one of its object's signals. The store
    // deletes what is left when it goes.
    return std::shared_ptr<S3Upload>(raw, [guard = QPointer<S3Upload>(raw)](S3Upload *) {
        if (guard)
            guard->deleteLater();
    });
}

QHash<QString, QString> environment()
{
    QHash<QString, QString> env;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString &name : system.keys())
        env.insert(name, system.value(name));
    return env;
}
} // namespace

bool RoomServerPrivate::openObjectStore(QString *error)
{
    S3Config config;
    QString why;
    if (!parseS3Storage(options.storage, options.s3Endpoint, options.s3Region,
                        options.s3CredentialsFile, environment(), &config, &why)) {
        *error = QStringLiteral("--storage %1: %2").arg(options.storage, why);
        return false;
    }
    objects = std::make_unique<S3Storage>(config);
    if (!objects->checkBucket(&why)) {
        objects.reset();
        *error = QStringLiteral("cannot use the object store: %1").arg(why);
        return false;
    }
    qCInfo(lcServer).noquote() << "file data in" << objects->describe();
    return true;
}

void RoomServerPrivate::adoptObjectUpload(std::unique_ptr<Upload> u)
{
    // The parts S3 holds decide where it resumes (resumeObjectUpload); the recorded offset
    // is a lower bound until then.
    u->received = u->durable;
    u->acked = u->durable;
    addUpload(std::move(u));
}

void RoomServerPrivate::sweepObjectStore()
{
    // Another node sharing the database may have created an object a moment ago and not
    // recorded its upload yet: only a server with a database of its own sweeps.
    if (db.backend() == Database::Backend::Postgres) {
        qCInfo(lcServer) << "shared database: multipart uploads of others are left alone";
        return;
    }
    QSet<QString> known;
    for (const auto &[id, u] : uploads)
        known.insert(u->storageId);
    const int aborted = objects->abortUnknownUploads(known);
    if (aborted > 0)
        qCInfo(lcServer) << "aborted" << aborted << "multipart uploads nobody knows of";
}

void RoomServerPrivate::openObject(Upload *u, bool resume, std::function<void()> opened,
                                   std::function<void(const QString &)> openFailed)
{
    u->object = makeObject(objects.get(), u->storageId);
    const quint32 id = u->id;
    auto isOpen = std::make_shared<bool>(false);
    QObject::connect(
        u->object.get(), &S3Upload::opened, q,
        [isOpen, opened] {
            *isOpen = true;
            opened();
        },
        Qt::SingleShotConnection);
    QObject::connect(u->object.get(), &S3Upload::durableChanged, q, [this, id](qint64 durable) {
        Upload *up = upload(id);
        if (!up)
            return;
        if (durable > up->durable && db.recordCheckpoint(id, durable, up->lastActivityMs))
            up->durable = durable;
        if (up->connection)
            up->connection->objectProgress(id);
    });
    QObject::connect(
        u->object.get(), &S3Upload::failed, q, [this, id, isOpen, openFailed](QString why) {
            // why is a copy: dropping the upload aborts the writer, which rewrites the
            // error string the signal was emitted with.
            if (!upload(id))
                return;
            qCWarning(lcServer).noquote() << "object store failed upload" << id << why;
            if (!*isOpen) {
                dropUpload(id);
                return openFailed(why);
            }
            failUpload(id, ErrorCode::StorageError,
                       QStringLiteral("The server cannot store the file: %1").arg(why));
        });
    if (resume)
        u->object->resume(u->size);
    else
        u->object->create();
}

void RoomServerPrivate::beginObjectUpload(Upload *u, Connection *connection, const QJsonValue &rid)
{
    const quint32 id = u->id;
    QPointer<Connection> client(connection);
    openObject(
        u, false,
        [this, id, client, rid] {
            // Recorded (and accepted) once the object exists, so a recorded upload always
            // has an object to resume.
            queueRecord(id, client, rid);
            if (client)
                client->objectProgress(id);
        },
        [client, id, rid](const QString &why) {
            // Never accepted: the refusal answers the upload-begin itself.
            if (client)
                client->answerUploadBegin(id, rid, false, why);
        });
}

void RoomServerPrivate::resumeObjectUpload(Upload *u, Connection *connection, const QJsonValue &rid)
{
    const quint32 id = u->id;
    QPointer<Connection> client(connection);
    openObject(
        u, true,
        [this, id, client, rid] {
            Upload *up = upload(id);
            if (!up)
                return;
            // The parts in S3 are the truth: they may be ahead of the recorded offset.
            up->durable = up->object->durable();
            up->received = up->durable;
            up->acked = up->durable;
            up->crcsValid = false; // this process never saw the prefix: SHA-256 at the end
            db.recordCheckpoint(id, up->durable, up->lastActivityMs);
            if (client)
                client->continueUploadResume(id, rid, QString());
        },
        [client, id, rid](const QString &why) {
            if (client)
                client->continueUploadResume(id, rid, why);
        });
}

void RoomServerPrivate::sealObjectUpload(Upload *u, bool verify)
{
    u->verifying = true;
    const quint32 id = u->id;
    QObject::connect(
        u->object.get(), &S3Upload::finished, q,
        [this, id, verify] {
            Upload *up = upload(id);
            if (!up)
                return;
            up->inPlace = true; // the object is complete: only the transaction is left
            if (!verify) {
                up->verifying = false;
                return queuePublish(up);
            }
            // No whole-file CRC-32C to trust (an older client, or a resume after a restart,
            // whose prefix this process never saw): the object's bytes decide.
            const QString expected = up->clientSha256;
            objects->hashObject(
                up->storageId, q,
                [this, id, expected](const QString &actual, const QString &error) {
                    Upload *v = upload(id);
                    if (!v)
                        return;
                    v->verifying = false;
                    if (!error.isEmpty()) {
                        return failUpload(id, ErrorCode::StorageError,
                                          QStringLiteral("The server cannot read the file back "
                                                         "from the object store: %1")
                                              .arg(error));
                    }
                    if (actual != expected) {
                        qCInfo(lcServer) << "upload" << id << "hash mismatch";
                        return failUpload(id, ErrorCode::IntegrityError,
                                          QStringLiteral("The received bytes hash to %1, not %2")
                                              .arg(actual, expected));
                    }
                    queuePublish(v);
                });
        },
        Qt::SingleShotConnection);
    u->object->finish();
}

void RoomServerPrivate::discardObjectUpload(Upload &u)
{
    if (u.object) {
        u.object->discard();
        u.object.reset();
        return;
    }
    // Recorded before a restart and not resumed since: the multipart upload, or the
    // object if it was completed just before the server stopped.
    objects->abandonUpload(u.storageId);
    objects->removeObject(u.storageId);
}

} // namespace Roomshare::Server
