#include "uploadstate.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

#include <algorithm>

#include "jsonnumbers.h"
#include "logging.h"
#include "privatefile.h"

namespace Roomshare {

namespace {
// Records are a few hundred bytes; anything much bigger is not ours.
constexpr qint64 MaxRecordSize = 64 * 1024;
const QString RecordSuffix = QStringLiteral(".json");
} // namespace

QJsonObject UnfinishedUpload::toJson() const
{
    return QJsonObject{ { QStringLiteral("linkKey"), linkKey },
                        { QStringLiteral("server"), server },
                        { QStringLiteral("room"), room },
                        { QStringLiteral("sessionId"), sessionId },
                        { QStringLiteral("uploadId"), double(uploadId) },
                        { QStringLiteral("path"), path },
                        { QStringLiteral("name"), name },
                        { QStringLiteral("size"), double(size) },
                        { QStringLiteral("modifiedMs"), double(modifiedMs) },
                        { QStringLiteral("broadcast"), broadcast },
                        { QStringLiteral("recipients"), QJsonArray::fromStringList(recipients) },
                        { QStringLiteral("savedAtMs"), double(savedAtMs) } };
}

UnfinishedUpload UnfinishedUpload::fromJson(const QJsonObject &o)
{
    UnfinishedUpload u;
    u.linkKey = o.value(QLatin1String("linkKey")).toString();
    u.server = o.value(QLatin1String("server")).toString();
    u.room = o.value(QLatin1String("room")).toString();
    u.sessionId = o.value(QLatin1String("sessionId")).toString();
    u.path = o.value(QLatin1String("path")).toString();
    u.name = o.value(QLatin1String("name")).toString();
    u.size = JsonNumbers::toInteger(o.value(QLatin1String("size")), -1);
    u.modifiedMs = JsonNumbers::toInteger(o.value(QLatin1String("modifiedMs")), -1);
    u.broadcast = o.value(QLatin1String("broadcast")).toBool(true);
    for (const auto &r : o.value(QLatin1String("recipients")).toArray())
        u.recipients.append(r.toString());
    u.savedAtMs = JsonNumbers::toInteger(o.value(QLatin1String("savedAtMs")), 0);
    const quint32 id = JsonNumbers::toTransferId(o.value(QLatin1String("uploadId")));
    if (u.linkKey.isEmpty() || u.sessionId.isEmpty() || u.path.isEmpty() || u.size < 0
        || u.modifiedMs < 0)
        return u; // uploadId 0: not a usable record
    u.uploadId = id;
    return u;
}

bool UnfinishedUpload::sourceUnchanged(QString *why) const
{
    const QFileInfo fi(path);
    QString reason;
    if (!fi.exists())
        reason = QStringLiteral("%1 no longer exists").arg(path);
    else if (!fi.isFile())
        reason = QStringLiteral("%1 is no longer a file").arg(path);
    else if (fi.size() != size)
        reason = QStringLiteral("%1 changed since the upload was interrupted (its size went "
                                "from %2 to %3 bytes)")
                     .arg(path)
                     .arg(size)
                     .arg(fi.size());
    else if (fi.lastModified().toMSecsSinceEpoch() != modifiedMs)
        reason = QStringLiteral("%1 changed since the upload was interrupted (modified %2, "
                                "the upload began with the version of %3)")
                     .arg(path, fi.lastModified().toUTC().toString(Qt::ISODateWithMs),
                          QDateTime::fromMSecsSinceEpoch(modifiedMs, Qt::UTC)
                              .toString(Qt::ISODateWithMs));
    if (why)
        *why = reason;
    return reason.isEmpty();
}

UploadStateStore::UploadStateStore(const QString &folder)
    : m_folder(folder)
{ }

QString UploadStateStore::defaultFolder()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return base.isEmpty() ? QString() : base + QStringLiteral("/unfinished-uploads");
}

QString UploadStateStore::linkKey(const QString &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

QString UploadStateStore::fileName(const QString &linkKey, quint32 uploadId) const
{
    // The key's first 32 hex digits tell links apart; the upload id tells uploads apart.
    return QDir(m_folder).filePath(
        QStringLiteral("%1-%2%3").arg(linkKey.left(32)).arg(uploadId).arg(RecordSuffix));
}

bool UploadStateStore::save(const UnfinishedUpload &record, QString *error) const
{
    auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_folder.isEmpty() || record.uploadId == 0)
        return failed(QStringLiteral("no state folder"));
    if (!QDir().mkpath(m_folder))
        return failed(QStringLiteral("cannot create %1").arg(m_folder));
    QFile::setPermissions(m_folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    // Private: the record holds the session id, which acts as this participant.
    return PrivateFile::write(fileName(record.linkKey, record.uploadId),
                              QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact), error);
}

void UploadStateStore::remove(const QString &linkKey, quint32 uploadId) const
{
    if (!m_folder.isEmpty())
        QFile::remove(fileName(linkKey, uploadId));
}

QList<UnfinishedUpload> UploadStateStore::list(const QString &linkKey) const
{
    QList<UnfinishedUpload> out;
    if (m_folder.isEmpty())
        return out;
    const auto files = QDir(m_folder).entryInfoList(
        { linkKey.left(32) + QLatin1String("-*") + RecordSuffix }, QDir::Files | QDir::NoSymLinks);
    for (const QFileInfo &fi : files) {
        QFile f(fi.absoluteFilePath());
        if (fi.size() > MaxRecordSize || !f.open(QIODevice::ReadOnly))
            continue;
        const UnfinishedUpload u
            = UnfinishedUpload::fromJson(QJsonDocument::fromJson(f.readAll()).object());
        if (u.uploadId == 0 || u.linkKey != linkKey) {
            qCWarning(lcCore) << "ignoring unreadable upload record" << fi.fileName();
            continue;
        }
        out.append(u);
    }
    std::sort(out.begin(), out.end(), [](const UnfinishedUpload &a, const UnfinishedUpload &b) {
        return a.savedAtMs != b.savedAtMs ? a.savedAtMs > b.savedAtMs : a.uploadId > b.uploadId;
    });
    return out;
}

} // namespace Roomshare
