#include "serverlogging_p.h"
#include "storage_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

namespace Roomshare::Server {

namespace {

QString newName()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Only names this class generates are deleted, so pointing --data at a folder that holds
// other things does not lose them.
void clearGenerated(const QString &dir, const QString &suffix)
{
    const auto entries = QDir(dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QFileInfo &fi : entries) {
        QString base = fi.fileName();
        if (!base.endsWith(suffix))
            continue;
        base.chop(suffix.size());
        if (QUuid::fromString(base).isNull())
            continue;
        if (!QFile::remove(fi.absoluteFilePath()))
            qCWarning(lcServer) << "cannot remove leftover" << fi.absoluteFilePath();
    }
}

} // namespace

bool Storage::open(const QString &dataDir, QString *error)
{
    if (dataDir.isEmpty()) {
        *error = QStringLiteral("no data folder configured");
        return false;
    }
    const QDir root(dataDir);
    m_dataDir = root.absolutePath();
    m_partialDir = root.absoluteFilePath(QStringLiteral("partial"));
    m_filesDir = root.absoluteFilePath(QStringLiteral("files"));
    for (const QString &dir : { m_partialDir, m_filesDir }) {
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("cannot create folder %1").arg(dir);
            return false;
        }
    }
    // Partial uploads cannot be resumed across restarts. File metadata (name, sender,
    // recipients, expiry) is kept only in memory for now, so files from a previous run
    // cannot be offered again either: delete them rather than leak disk space. Once
    // metadata is persisted, files/ will be reloaded here instead.
    clearGenerated(m_partialDir, QStringLiteral(".part"));
    clearGenerated(m_filesDir, QString());
    return true;
}

QString Storage::newPartialPath() const
{
    return m_partialDir + QLatin1Char('/') + newName() + QLatin1String(".part");
}

QString Storage::commit(const QString &partialPath, QString *error) const
{
    const QString target = m_filesDir + QLatin1Char('/') + newName();
    // Same file system, so this is an atomic rename, not a copy.
    if (!QFile::rename(partialPath, target)) {
        *error = QStringLiteral("cannot move the upload into place");
        return QString();
    }
    return target;
}

void Storage::remove(const QString &path)
{
    if (!path.isEmpty() && QFile::exists(path) && !QFile::remove(path))
        qCWarning(lcServer) << "cannot remove" << path;
}

} // namespace Roomshare::Server
