// Uploads that survive a restart of the app or CLI: the Room records each upload in
// progress in a private state folder and, on the next start with the same link, joins
// with the session that owns them and continues them (docs/protocol.md, "Resuming an
// upload after a restart").

#include "room.h"

#include <QDateTime>
#include <QDir>

#include "events.h"
#include "logging.h"
#include "roomreplies_p.h"
#include "uploadjob.h"

namespace Roomshare {

void Room::setUploadStateFolder(const QString &folder)
{
    m_uploadStateLock.reset();
    m_linkKey.clear();
    if (folder.isEmpty())
        m_uploadState.reset();
    else
        m_uploadState = std::make_unique<UploadStateStore>(folder);
}

QString Room::uploadStateFolder() const
{
    return m_uploadState ? m_uploadState->folder() : QString();
}

QString Room::adoptUploadState(const QString &token)
{
    m_uploadStateLock.reset();
    m_linkKey.clear();
    if (!m_uploadState || token.isEmpty() || !QDir().mkpath(m_uploadState->folder()))
        return QString();
    QFile::setPermissions(m_uploadState->folder(),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QString key = UploadStateStore::linkKey(token);
    // QLockFile removes the lock of a process that no longer runs (killed, crashed).
    auto lock = std::make_unique<QLockFile>(
        QDir(m_uploadState->folder()).filePath(key.left(32) + QStringLiteral(".lock")));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        qCInfo(lcCore) << "another process uses this link; its uploads are not recorded here";
        return QString();
    }
    m_uploadStateLock = std::move(lock);
    m_linkKey = key;
    const auto records = m_uploadState->list(key);
    return records.isEmpty() ? QString() : records.first().sessionId;
}

QList<UnfinishedUpload> Room::unfinishedUploads() const
{
    QList<UnfinishedUpload> out;
    if (!m_uploadState || m_linkKey.isEmpty())
        return out;
    const auto records = m_uploadState->list(m_linkKey);
    for (const UnfinishedUpload &u : records) {
        const auto running = m_uploadsByWireId.value(u.uploadId);
        bool ours = running && !running->isFinished();
        // A job of this run that the server has not answered yet has no wire id.
        for (const auto &job : m_uploads)
            ours = ours || (job && job->wireId() == u.uploadId && !job->isFinished());
        if (!ours)
            out.append(u);
    }
    return out;
}

bool Room::keepsUploadsForLater() const
{
    // Without records (no folder, or another process holds the link's lock) nobody could
    // continue them: leave, and let the server drop them.
    if (!m_uploadState || m_linkKey.isEmpty())
        return false;
    for (const auto &job : m_uploads)
        if (job && !job->isFinished() && job->wireId() != 0)
            return true;
    return false;
}

bool Room::mayLeave()
{
    if (unfinishedUploads().isEmpty())
        return true;
    const auto uploads = m_uploads; // a copy: cancelled jobs leave the map
    for (const auto &job : uploads)
        if (job && !job->isFinished())
            job->cancel();
    return false;
}

void Room::rememberUpload(const UploadJob *job)
{
    if (!m_uploadState || m_linkKey.isEmpty() || m_sessionId.isEmpty())
        return;
    const TransferInfo info = job->info();
    UnfinishedUpload u;
    u.linkKey = m_linkKey;
    u.server = serverAddress();
    u.room = m_roomName;
    u.sessionId = m_sessionId;
    u.uploadId = job->wireId();
    u.path = info.localPath;
    u.name = info.name;
    u.size = info.totalBytes;
    u.modifiedMs = job->sourceModifiedMs();
    u.broadcast = info.broadcast;
    u.recipients = info.recipients;
    u.savedAtMs = QDateTime::currentMSecsSinceEpoch();
    QString why;
    // Not fatal: the upload goes on, it just cannot survive a restart.
    if (!m_uploadState->save(u, &why))
        qCWarning(lcCore) << "upload" << info.id << "cannot be recorded for resuming:" << why;
}

void Room::forgetUpload(const UploadJob *job)
{
    if (!m_uploadState || m_linkKey.isEmpty() || job->wireId() == 0)
        return;
    // Lost for good without `leave` (the reconnect window ran out): the server keeps the
    // upload and the session, so a later run can still continue it.
    if (job->error() == ErrorCode::ConnectionLost && !m_closing)
        return;
    m_uploadState->remove(m_linkKey, job->wireId());
    if (job->isRestored())
        Q_EMIT unfinishedUploadsChanged();
}

qint64 Room::resumeUpload(quint32 uploadId, const Callback &callback)
{
    auto refuse = [&](ErrorCode code, const QString &desc) {
        if (callback)
            callback(Events::error(code, desc));
        return qint64(-1);
    };
    if (!isConnected())
        return refuse(ErrorCode::RoomDisconnected, disconnectedText());
    UnfinishedUpload record;
    for (const UnfinishedUpload &u : unfinishedUploads())
        if (u.uploadId == uploadId)
            record = u;
    if (record.uploadId == 0)
        return refuse(ErrorCode::UnknownJob,
                      QStringLiteral("There is no unfinished upload %1 to resume").arg(uploadId));
    qCInfo(lcCore) << "continuing upload" << uploadId << "of" << record.name
                   << "from an earlier run";
    auto *job = new UploadJob(m_nextUploadJobId++, record, this);
    wireUpload(job, callback);
    Q_EMIT jobAdded(job);
    job->start();
    Q_EMIT unfinishedUploadsChanged();
    return job->id();
}

void Room::discardUpload(quint32 uploadId, const Callback &callback)
{
    auto reply = [&callback](const QJsonObject &result) {
        if (callback)
            callback(result);
    };
    if (!isConnected())
        return reply(Events::error(ErrorCode::RoomDisconnected, disconnectedText()));
    bool known = false;
    for (const UnfinishedUpload &u : unfinishedUploads())
        known = known || u.uploadId == uploadId;
    if (!known)
        return reply(Events::error(
            ErrorCode::UnknownJob,
            QStringLiteral("There is no unfinished upload %1 to discard").arg(uploadId)));
    m_uploadState->remove(m_linkKey, uploadId);
    Q_EMIT unfinishedUploadsChanged();
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                         { QStringLiteral("uploadId"), double(uploadId) } },
            [uploadId, callback](const QJsonObject &answer) {
                if (!callback)
                    return;
                if (answer.value(QLatin1String("type")).toString()
                    == QLatin1String("upload-cancelled"))
                    return callback(QJsonObject{
                        { QStringLiteral("result"), 0 },
                        { QStringLiteral("description"), QStringLiteral("upload discarded") },
                        { QStringLiteral("response"),
                          QJsonObject{ { QStringLiteral("uploadId"), double(uploadId) } } } });
                callback(Events::error(RoomReplies::codeOf(answer, ErrorCode::UnknownJob),
                                       answer.value(QLatin1String("desc")).toString()));
            });
}

} // namespace Roomshare
