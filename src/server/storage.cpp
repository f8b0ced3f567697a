#include "serverlogging_p.h"
#include "storage_p.h"

#include "filesync.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <cstdio>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#endif

namespace Roomshare::Server {

namespace {

const QString PartialSuffix = QStringLiteral(".part");

// Only names this class generates are considered, so pointing --data at a folder that
// holds other things does not lose them.
QString generatedId(const QString &fileName, const QString &suffix)
{
    if (!fileName.endsWith(suffix))
        return QString();
    const QString base = fileName.left(fileName.size() - suffix.size());
    return QUuid::fromString(base).isNull() ? QString() : base;
}

void syncDir(const QString &dir)
{
    FileSync::syncFolder(QFile::encodeName(dir).constData());
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
    return true;
}

QString Storage::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString Storage::partialPath(const QString &id) const
{
    return m_partialDir + QLatin1Char('/') + id + PartialSuffix;
}

QString Storage::filePath(const QString &id) const
{
    return m_filesDir + QLatin1Char('/') + id;
}

bool Storage::moveIntoPlace(const QString &id) const
{
    return QFile::rename(partialPath(id), filePath(id));
}

bool Storage::moveBack(const QString &id) const
{
    return QFile::rename(filePath(id), partialPath(id));
}

void Storage::syncFolders() const
{
    syncDir(m_filesDir);
    syncDir(m_partialDir);
}

void Storage::sweep(const QSet<QString> &knownPartials, const QSet<QString> &knownFiles) const
{
    auto sweepDir = [](const QString &dir, const QString &suffix, const QSet<QString> &known) {
        const auto entries = QDir(dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::System);
        for (const QFileInfo &fi : entries) {
            const QString id = generatedId(fi.fileName(), suffix);
            if (id.isEmpty() || known.contains(id))
                continue;
            qCInfo(lcServer) << "removing leftover" << fi.absoluteFilePath();
            if (!QFile::remove(fi.absoluteFilePath()))
                qCWarning(lcServer) << "cannot remove leftover" << fi.absoluteFilePath();
        }
    };
    sweepDir(m_partialDir, PartialSuffix, knownPartials);
    sweepDir(m_filesDir, QString(), knownFiles);
}

void Storage::remove(const QString &path)
{
    if (!path.isEmpty() && QFile::exists(path) && !QFile::remove(path))
        qCWarning(lcServer) << "cannot remove" << path;
}

bool Storage::sync(QFile &file)
{
    if (!file.isOpen())
        return true;
    if (!file.flush())
        return false;
    return FileSync::syncData(file.handle());
}

std::vector<bool> Storage::syncGroup(const std::vector<int> &fds, bool together)
{
#ifdef Q_OS_LINUX
    // syncfs() reports writeback errors only since Linux 5.8.
    static const bool syncfsReportsErrors = [] {
        struct utsname u;
        int major = 0;
        int minor = 0;
        return ::uname(&u) == 0 && std::sscanf(u.release, "%d.%d", &major, &minor) == 2
            && (major > 5 || (major == 5 && minor >= 8));
    }();
    if (together && fds.size() > 1 && syncfsReportsErrors) {
        std::vector<std::pair<dev_t, int>> devices;
        bool ok = true;
        for (const int fd : fds) {
            struct stat st;
            if (::fstat(fd, &st) != 0) {
                ok = false;
                break;
            }
            const bool seen = std::any_of(devices.begin(), devices.end(),
                                          [&](const auto &d) { return d.first == st.st_dev; });
            if (!seen)
                devices.emplace_back(st.st_dev, fd);
        }
        // A failed syncfs() consumes the file system's error, not the files': the
        // fdatasync()s below still report theirs.
        ok = ok && std::all_of(devices.begin(), devices.end(), [](const auto &d) {
                 return ::syncfs(d.second) == 0;
             });
        if (ok)
            return std::vector<bool>(fds.size(), true);
    }
    for (const int fd : fds)
        (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    Q_UNUSED(together)
#endif
    std::vector<bool> synced;
    synced.reserve(fds.size());
    for (const int fd : fds)
        synced.push_back(FileSync::syncData(fd));
    return synced;
}

bool Storage::faultBudgetAllows(qint64 bytes)
{
    static const qint64 limit = [] {
        bool ok = false;
        const qint64 v = qEnvironmentVariable("ROOMSHARE_FAULT_WRITE_ERROR_AFTER").toLongLong(&ok);
        return ok && v >= 0 ? v : qint64(-1);
    }();
    static std::atomic<qint64> written{ 0 };
    if (limit < 0)
        return true;
    if (written.load() + bytes > limit)
        return false;
    written += bytes;
    return true;
}

} // namespace Roomshare::Server
