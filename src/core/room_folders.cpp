// Shared folders (docs/protocol.md "Folders"): walking a folder into one upload job per
// entry of one group, placing received entries in the same tree below the save folder,
// and cancelling or downloading a whole group.

#include "room.h"

#include <QDir>
#include <QFileInfo>
#include <QUuid>

#include "downloadjob.h"
#include "events.h"
#include "filenames.h"
#include "folderpaths.h"
#include "logging.h"
#include "uploadjob.h"

namespace Roomshare {

namespace {

//! Walks one folder for sendFiles(): every regular file, every empty folder, and symbolic
//! links only to files inside the folder (never a linked folder, never out of the folder).
class FolderWalk
{
public:
    FolderWalk(const QString &root, QList<Room::Outgoing> *out)
        : m_canonicalRoot(QFileInfo(root).canonicalFilePath())
        , m_out(out)
    {
        m_group = QUuid::createUuid().toString(QUuid::Id128);
    }

    //! Appends the entries of \a dir (relative folder \a folderPath); false on a limit.
    bool walk(const QString &dir, const QString &folderPath, int *included)
    {
        *included = 0;
        const QString problem = FolderPaths::problem(folderPath);
        if (!problem.isEmpty())
            return fail(ErrorCode::InvalidPath, QStringLiteral("%1: %2").arg(dir, problem));
        const QFileInfoList entries = QDir(dir).entryInfoList(
            QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDir::Name);
        for (const QFileInfo &fi : entries) {
            if (fi.isSymLink()) {
                const QString target = fi.canonicalFilePath();
                if (target.isEmpty() || !QFileInfo(target).isFile()
                    || !target.startsWith(m_canonicalRoot + QLatin1Char('/'))) {
                    qCInfo(lcCore) << "not following" << fi.absoluteFilePath()
                                   << "(a link to a folder, or out of the shared folder)";
                    ++m_skipped;
                    continue;
                }
                add(fi.absoluteFilePath(), folderPath, false);
            } else if (fi.isDir()) {
                int inside = 0;
                if (!walk(fi.absoluteFilePath(), folderPath + QLatin1Char('/') + fi.fileName(),
                          &inside))
                    return false;
                if (inside == 0)
                    add(fi.absoluteFilePath(), folderPath, true);
            } else if (fi.isFile()) {
                add(fi.absoluteFilePath(), folderPath, false);
            } else {
                ++m_skipped; // sockets, pipes, devices
                continue;
            }
            ++*included;
            if (m_count > FolderPaths::MaxEntries)
                return fail(ErrorCode::FolderTooLarge,
                            QStringLiteral("%1 holds more than %2 files and empty folders; share "
                                           "at most %2 at once")
                                .arg(m_canonicalRoot)
                                .arg(FolderPaths::MaxEntries));
        }
        return true;
    }

    QString group() const { return m_group; }
    int count() const { return m_count; }
    int skipped() const { return m_skipped; }
    ErrorCode error() const { return m_error; }
    QString errorText() const { return m_errorText; }

private:
    void add(const QString &localPath, const QString &folderPath, bool emptyFolder)
    {
        m_out->append(Room::Outgoing{ localPath, m_group, folderPath, 0, emptyFolder });
        ++m_count;
    }
    bool fail(ErrorCode code, const QString &text)
    {
        m_error = code;
        m_errorText = text;
        return false;
    }

    QString m_canonicalRoot;
    QList<Room::Outgoing> *m_out;
    QString m_group;
    int m_count = 0;
    int m_skipped = 0;
    ErrorCode m_error = ErrorCode::None;
    QString m_errorText;
};

} // namespace

bool Room::expandFolders(const QStringList &paths, QList<Outgoing> *out, ErrorCode *code,
                         QString *text) const
{
    for (const QString &path : paths) {
        const QFileInfo fi(path);
        if (!fi.isDir()) {
            out->append(Outgoing{ path, QString(), QString(), 0, false });
            continue;
        }
        const QString name = QFileInfo(fi.canonicalFilePath()).fileName();
        if (name.isEmpty()) {
            *code = ErrorCode::InvalidPath;
            *text = QStringLiteral("%1 has no name to share it under").arg(path);
            return false;
        }
        const qsizetype first = out->size();
        FolderWalk walk(fi.canonicalFilePath(), out);
        int included = 0;
        if (!walk.walk(fi.canonicalFilePath(), name, &included)) {
            *code = walk.error();
            *text = walk.errorText();
            return false;
        }
        if (walk.count() == 0) {
            *code = ErrorCode::EmptyFileList;
            *text = QStringLiteral("The folder %1 is empty: there is nothing to send").arg(path);
            return false;
        }
        for (qsizetype i = first; i < out->size(); ++i)
            (*out)[i].groupSize = walk.count();
        qCInfo(lcCore) << "sharing folder" << name << "with" << walk.count() << "entries;"
                       << walk.skipped() << "links or special files skipped";
    }
    return true;
}

void Room::applyFolder(UploadJob *job, const Outgoing &entry)
{
    if (entry.group.isEmpty())
        return;
    job->setFolder(entry.group, entry.folderPath, entry.groupSize,
                   entry.emptyFolder ? UploadJob::EntryKind::EmptyFolder
                                     : UploadJob::EntryKind::File);
    m_uploadGroups.insert(job->id(), entry.group);
}

bool Room::placeInFolder(DownloadJob *job, const FileInfo &info, const QString &saveDir,
                         QString *error)
{
    QStringList folders = FileNames::sanitizePath(info.path);
    if (folders.isEmpty())
        folders.append(FileNames::sanitize(info.folderName()));
    if (folders.size() > FolderPaths::MaxDepth
        || folders.join(QLatin1Char('/')).toUtf8().size() > FolderPaths::MaxPathLength * 2) {
        *error = QStringLiteral("The folder path of %1 is too long or too deep to save")
                     .arg(FileNames::displayName(info.name));
        return false;
    }
    // Each shared folder gets a folder of its own, "Photos (1)" when "Photos" is taken, and
    // all its entries go there: created now, so two folders of one name never merge.
    const QString key = QDir(saveDir).absolutePath() + QLatin1Char('\n') + info.folderKey();
    QString root = m_folderRoots.value(key);
    const QFileInfo existing(root);
    if (root.isEmpty() || !existing.isDir() || existing.isSymLink()) {
        if (!QDir().mkpath(saveDir)) {
            *error = QStringLiteral("Cannot create the folder %1").arg(saveDir);
            return false;
        }
        root.clear();
        for (int attempt = 0; attempt < 100 && root.isEmpty(); ++attempt) {
            const QString candidate = FileNames::uniquePath(saveDir, folders.first());
            if (FileNames::isInside(saveDir, candidate)
                && QDir(saveDir).mkdir(QFileInfo(candidate).fileName()))
                root = candidate;
        }
        if (root.isEmpty()) {
            *error = QStringLiteral("Cannot create a folder for %1 in %2")
                         .arg(folders.first(), saveDir);
            return false;
        }
        m_folderRoots.insert(key, root);
    }
    job->setFolder(root, folders.mid(1));
    return true;
}

QList<qint64> Room::recvFolder(const QString &folderKey, const QJsonObject &options,
                               const Callback &callback)
{
    QList<qint64> ids;
    if (!isConnected()) {
        if (callback)
            callback(Events::error(ErrorCode::RoomDisconnected, disconnectedText()));
        return ids;
    }
    const QList<FileInfo> files = folderFiles(folderKey);
    if (files.isEmpty()) {
        if (callback)
            callback(Events::error(
                ErrorCode::FileNotAvailable,
                QStringLiteral("No shared folder %1 is available to you").arg(folderKey)));
        return ids;
    }
    // Each download of the whole folder makes a folder of its own; single entries
    // downloaded later join the folder made last.
    QString saveDir = options.value(QLatin1String("saveDir")).toString();
    if (saveDir.isEmpty())
        saveDir = defaultDownloadDir();
    m_folderRoots.remove(QDir(saveDir).absolutePath() + QLatin1Char('\n') + folderKey);
    for (const FileInfo &f : files) {
        const qint64 id = recvFiles(f.index, options, callback);
        if (id >= 0)
            ids.append(id);
    }
    return ids;
}

QList<FileInfo> Room::folderFiles(const QString &folderKey) const
{
    QList<FileInfo> out;
    if (folderKey.isEmpty())
        return out;
    for (const FileInfo &f : m_files) {
        if (f.folderKey() == folderKey)
            out.append(f);
    }
    return out;
}

void Room::cancelUploadGroup(const QString &group, const Callback &callback)
{
    QList<qint64> ids;
    for (auto it = m_uploadGroups.cbegin(); it != m_uploadGroups.cend(); ++it) {
        if (it.value() == group)
            ids.append(it.key());
    }
    if (group.isEmpty() || ids.isEmpty()) {
        if (callback)
            callback(Events::error(ErrorCode::UnknownJob,
                                   QStringLiteral("There is no shared folder %1").arg(group)));
        return;
    }
    // Running entries stop (an entry the server announced meanwhile is withdrawn by the
    // server's answer to upload-cancel); announced ones are withdrawn.
    QJsonArray cancelled;
    for (const qint64 id : std::as_const(ids)) {
        cancelUploads(id, false);
        cancelled.append(double(id));
        m_uploadGroups.remove(id);
    }
    if (callback)
        callback(Events::cancelled(QStringLiteral("folder cancelled"), cancelled));
}

void Room::cancelDownloadGroup(const QString &group)
{
    for (const auto &job : std::as_const(m_downloads)) {
        if (job && !job->isFinished() && job->info().group == group)
            job->cancel();
    }
}

} // namespace Roomshare
