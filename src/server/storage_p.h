#pragma once

#include <QString>

namespace Roomshare::Server {

//! The server's file store: `partial/<uuid>.part` while uploading, `files/<uuid>` once
//! verified. Names are always generated here; a client's file name never becomes a path.
class Storage final
{
public:
    //! Creates the folders below \a dataDir and clears them (see storage.cpp for why).
    bool open(const QString &dataDir, QString *error);

    QString dataDir() const { return m_dataDir; }
    QString partialDir() const { return m_partialDir; }
    QString filesDir() const { return m_filesDir; }

    //! A fresh, unused path for an upload in progress.
    QString newPartialPath() const;
    //! Moves a finished partial file into `files/`; returns the new path, empty on failure.
    QString commit(const QString &partialPath, QString *error) const;
    //! Deletes a stored or partial file; missing files are fine.
    static void remove(const QString &path);

private:
    QString m_dataDir;
    QString m_partialDir;
    QString m_filesDir;
};

} // namespace Roomshare::Server
