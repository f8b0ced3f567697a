#pragma once

#include <QSet>
#include <QString>

#include <vector>

QT_BEGIN_NAMESPACE
class QFile;
QT_END_NAMESPACE

namespace Roomshare::Server {

//! The server's file store: `partial/<id>.part` while uploading, `files/<id>` once
//! verified, where `<id>` is a storage id (a UUID) generated here; a client's file name
//! never becomes a path. What each id means is recorded in the database (database_p.h).
class Storage final
{
public:
    //! Creates the folders below \a dataDir.
    bool open(const QString &dataDir, QString *error);

    QString dataDir() const { return m_dataDir; }
    QString partialDir() const { return m_partialDir; }
    QString filesDir() const { return m_filesDir; }

    //! A fresh storage id.
    static QString newId();
    QString partialPath(const QString &id) const;
    QString filePath(const QString &id) const;
    //! Moves the finished partial file \a id into `files/` (an atomic rename on one file
    //! system). The rename is durable only after syncFolders(). False on failure.
    bool moveIntoPlace(const QString &id) const;
    //! Moves file \a id back to `partial/` (undoing moveIntoPlace()).
    bool moveBack(const QString &id) const;
    //! Makes the renames done so far durable: fsyncs `files/` and `partial/`.
    void syncFolders() const;
    //! Deletes storage that \a knownPartials / \a knownFiles (storage ids) do not mention:
    //! temporary leftovers of a crash. Only names this class generates are touched.
    void sweep(const QSet<QString> &knownPartials, const QSet<QString> &knownFiles) const;
    //! Deletes a stored or partial file; missing files are fine.
    static void remove(const QString &path);

    //! Flushes \a file's data to the disk (fdatasync). False on failure.
    static bool sync(QFile &file);
    //! Flushes the data of the files open as \a fds to the disk, for a group commit, and
    //! returns whether each one's is durable. With \a together (many small files), on Linux
    //! first one syncfs() per file system holding them: a single cache flush instead of one
    //! per file, but it also writes out every other file's dirty data there, so it is only
    //! worth it when each file has little to write. Otherwise, or when that is not
    //! available or fails (it does not say which file), file by file: writeback of every
    //! file is started first (sync_file_range) so the fdatasync()s mostly find it done, and
    //! a failure names its file. Safe on any thread.
    static std::vector<bool> syncGroup(const std::vector<int> &fds, bool together);
    //! Test-only fault injection (docs/protocol.md, "Test hooks"): false once the process
    //! has written more than ROOMSHARE_FAULT_WRITE_ERROR_AFTER bytes of uploads. Counts
    //! \a bytes as written when it returns true.
    static bool faultBudgetAllows(qint64 bytes);

private:
    QString m_dataDir;
    QString m_partialDir;
    QString m_filesDir;
};

} // namespace Roomshare::Server
