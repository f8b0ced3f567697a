// The EnableX file-share API of the Room: sendFiles, recvFiles and cancelling, each
// creating or driving transfer jobs.

#include "room.h"

#include <QDir>

#include "downloadjob.h"
#include "events.h"
#include "jsonnumbers.h"
#include "roomreplies_p.h"
#include "transferqueue.h"
#include "uploadjob.h"

namespace Roomshare {

QList<qint64> Room::sendFiles(const QStringList &paths, const QJsonObject &options,
                              const Callback &callback)
{
    auto refuse = [&](ErrorCode code, const QString &desc) {
        if (callback)
            callback(Events::error(code, desc));
        return QList<qint64>();
    };
    if (!isConnected())
        return refuse(ErrorCode::RoomDisconnected, disconnectedText());
    if (paths.isEmpty())
        return refuse(ErrorCode::EmptyFileList, QString());
    const bool broadcast = options.value(QLatin1String("broadcast")).toBool(true);
    const QStringList recipients = broadcast
        ? QStringList()
        : RoomReplies::stringList(options.value(QLatin1String("clientList")));
    if (!broadcast && recipients.isEmpty())
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("file upload failed because no recipient was chosen"));

    const qint64 expiresIn = JsonNumbers::toInteger(options.value(QLatin1String("expiresIn")), 0);
    const qint64 maxDownloads
        = JsonNumbers::toInteger(options.value(QLatin1String("maxDownloads")), 0);
    if (expiresIn < 0 || maxDownloads < 0)
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("expiresIn and maxDownloads must be positive"));

    QList<Outgoing> entries;
    ErrorCode folderError = ErrorCode::None;
    QString folderErrorText;
    if (!expandFolders(paths, &entries, &folderError, &folderErrorText))
        return refuse(folderError, folderErrorText);

    QList<qint64> ids;
    for (const Outgoing &entry : std::as_const(entries)) {
        auto *job
            = new UploadJob(m_nextUploadJobId++, entry.localPath, broadcast, recipients, this);
        job->setLimits(expiresIn, maxDownloads);
        applyFolder(job, entry);
        wireUpload(job, callback);
        ids.append(job->id());
        Q_EMIT jobAdded(job);
        m_uploadQueue->enqueue(job);
    }
    return ids;
}

void Room::wireUpload(UploadJob *job, const Callback &callback)
{
    m_uploads.insert(job->id(), job);
    connect(job, &TransferJob::started, this,
            [this, job] { Q_EMIT fsUploadResult(Events::upload(job->info())); });
    connect(job, &TransferJob::resumed, this, [this, job](qint64 offset) {
        QJsonObject event = Events::resumed(job->info(), offset);
        if (job->isRestored() && job->info().resumeCount == 1) {
            // The first resumption of an upload an earlier run began.
            QJsonObject response = event.value(QLatin1String("response")).toObject();
            response.insert(QStringLiteral("restarted"), true);
            event.insert(QStringLiteral("response"), response);
        }
        Q_EMIT fsUploadResult(event);
    });
    connect(job, &TransferJob::finished, this, [this, job, callback] {
        m_uploads.remove(job->id());
        m_uploadsByWireId.remove(job->wireId());
        forgetUpload(job);
        if (job->status() == TransferInfo::Status::Completed)
            m_completedUploads.insert(job->id(), job->wireId());
        const QJsonObject event = Events::upload(job->info(), job->announced());
        Q_EMIT fsUploadResult(event);
        if (callback)
            callback(event);
    });
}

qint64 Room::recvFiles(qint64 index, const QJsonObject &options, const Callback &callback)
{
    auto refuse = [&](ErrorCode code, const QString &desc) {
        if (callback)
            callback(Events::error(code, desc));
        return qint64(-1);
    };
    if (!isConnected())
        return refuse(ErrorCode::RoomDisconnected, disconnectedText());
    const FileInfo info = m_files.value(index);
    if (!info.isValid())
        return refuse(ErrorCode::FileNotAvailable,
                      QStringLiteral("No file %1 is available to you").arg(index));
    QString saveDir = options.value(QLatin1String("saveDir")).toString();
    if (saveDir.isEmpty())
        saveDir = defaultDownloadDir();

    auto *job = new DownloadJob(m_nextDownloadJobId++, info, QDir(saveDir).absolutePath(), this);
    QString folderError;
    if (info.isInFolder()
        && !placeInFolder(job, info, QDir(saveDir).absolutePath(), &folderError)) {
        delete job;
        --m_nextDownloadJobId;
        return refuse(ErrorCode::LocalFileError, folderError);
    }
    m_downloads.insert(job->id(), job);
    connect(job, &TransferJob::started, this,
            [this, job] { Q_EMIT fsDownloadResult(Events::download(job->info())); });
    connect(job, &TransferJob::resumed, this, [this, job](qint64 offset) {
        Q_EMIT fsDownloadResult(Events::resumed(job->info(), offset));
    });
    connect(job, &TransferJob::finished, this, [this, job, callback] {
        m_downloads.remove(job->id());
        m_downloadsByWireId.remove(job->wireId());
        const TransferInfo info = job->info();
        // The job checked the SHA-256 before completing: the receipt says "verified".
        if (info.status == TransferInfo::Status::Completed && m_deliveryReceipts && isConnected())
            request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("download-verified") },
                                 { QStringLiteral("index"), double(info.fileIndex) } },
                    [](const QJsonObject &) {});
        Q_EMIT fsDownloadResult(Events::download(info));
        if (callback)
            callback(info.status == TransferInfo::Status::Completed
                         ? Events::downloadSuccess(info)
                         : Events::error(info.error, info.errorText));
    });
    Q_EMIT jobAdded(job);
    m_downloadQueue->enqueue(job);
    return job->id();
}

namespace {

//! Cancels every unfinished job of \a jobs (a copy: finishing jobs leave the room's maps).
template<typename Map> QJsonArray cancelAllOf(Map jobs)
{
    QJsonArray ids;
    for (const auto &job : jobs) {
        if (job && !job->isFinished()) {
            ids.append(double(job->id()));
            job->cancel();
        }
    }
    return ids;
}

//! Cancels job \a id of \a jobs if it runs; returns whether it did.
template<typename Map> bool cancelOne(const Map &jobs, qint64 id)
{
    const auto job = jobs.value(id);
    if (!job || job->isFinished())
        return false;
    job->cancel();
    return true;
}

} // namespace

void Room::cancelUploads(qint64 id, bool cancelAll, const Callback &callback)
{
    auto reply = [&callback](const QJsonObject &result) {
        if (callback)
            callback(result);
    };
    const QString cancelledText = QStringLiteral("upload cancelled");
    if (cancelAll)
        return reply(Events::cancelled(cancelledText, cancelAllOf(m_uploads)));
    if (cancelOne(m_uploads, id))
        return reply(Events::cancelled(cancelledText, QJsonArray{ double(id) }));
    if (m_completedUploads.contains(id)) {
        // Cancelling a finished upload withdraws the file from the room.
        const quint32 wireId = m_completedUploads.value(id);
        request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                             { QStringLiteral("uploadId"), double(wireId) } },
                [this, id, callback](const QJsonObject &answer) {
                    const bool ok = answer.value(QLatin1String("type")).toString()
                        == QLatin1String("upload-cancelled");
                    if (ok)
                        m_completedUploads.remove(id);
                    if (callback)
                        callback(
                            ok ? Events::cancelled(QStringLiteral("upload withdrawn"),
                                                   QJsonArray{ double(id) })
                               : Events::error(RoomReplies::codeOf(answer, ErrorCode::UnknownJob),
                                               answer.value(QLatin1String("desc")).toString()));
                });
        return;
    }
    reply(Events::error(ErrorCode::UnknownJob,
                        QStringLiteral("There is no upload with id %1").arg(id)));
}

void Room::cancelDownloads(qint64 id, bool cancelAll, const Callback &callback)
{
    auto reply = [&callback](const QJsonObject &result) {
        if (callback)
            callback(result);
    };
    const QString cancelledText = QStringLiteral("download cancelled");
    if (cancelAll)
        return reply(Events::cancelled(cancelledText, cancelAllOf(m_downloads)));
    if (cancelOne(m_downloads, id))
        return reply(Events::cancelled(cancelledText, QJsonArray{ double(id) }));
    reply(Events::error(ErrorCode::UnknownJob,
                        QStringLiteral("There is no running download with id %1").arg(id)));
}

} // namespace Roomshare
