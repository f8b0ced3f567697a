#pragma once

#include "room_p.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Roomshare::Server {

//! The server's metadata in SQLite (Qt SQL, QSQLITE driver, WAL journal): rooms, files,
//! sessions and uploads in progress, plus the id counters. See docs/protocol.md,
//! "Persistence". Every write is its own transaction unless stated otherwise; a failed
//! write is logged and reported as false.
class Database final
{
public:
    Database() = default;
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    bool open(const QString &path, QString *error);
    void close();

    qint64 counter(const QString &key) const;
    bool setCounter(const QString &key, qint64 value);

    QHash<QString, qint64> loadRooms() const; //!< name -> next index
    bool saveRoom(const QString &name, qint64 nextIndex);

    QList<StoredFile> loadFiles() const; //!< storagePath is left empty
    bool deleteFile(const QString &room, qint64 index);
    //! Counts one more completed download of file \a index of \a room.
    bool addDownload(const QString &room, qint64 index);
    //! Records a delivery receipt (ignored when that client has one for the file already).
    bool addDelivery(const QString &room, qint64 index, const Delivery &delivery);
    //! Every receipt, by room and index.
    QHash<QString, QHash<qint64, QList<Delivery>>> loadDeliveries() const;

    QList<Session *> loadSessions() const; //!< caller owns the results
    bool saveSession(const Session &session);
    bool deleteSession(const QString &id);

    //! A moderator's removals whose token is still valid at \a nowSecs: room + '\n' + ban
    //! key -> the token's expiry (s since the epoch).
    QHash<QString, qint64> loadBans(qint64 nowSecs) const;
    //! Records a ban until \a until, and forgets those expired at \a nowSecs.
    bool saveBan(const QString &key, qint64 until, qint64 nowSecs);

    //! Uploads as recorded: durable offset in `durable`, file and hash not set up.
    QList<Upload *> loadUploads() const; //!< caller owns the results
    bool insertUpload(const Upload &upload);
    bool updateUploadProgress(quint32 id, qint64 durable, qint64 lastActivityMs);
    //! The same for a periodic checkpoint, without syncing the journal: the record reaches
    //! the OS at once (it survives a crash of the server) and the disk with the next synced
    //! commit. Losing it to a power failure only means resuming from the previous durable
    //! offset, which is still on disk, because the data is synced before either is recorded.
    bool recordCheckpoint(quint32 id, qint64 durable, qint64 lastActivityMs);
    //! Records that upload \a id has all its bytes on disk (\a durable) and the client's
    //! `upload-end` hash, so a crash after the file is moved into place can be finished at
    //! start.
    bool setUploadEnd(quint32 id, qint64 durable, qint64 lastActivityMs, const QString &sha256);
    bool deleteUpload(quint32 id);
    //! The publish step, in one transaction: stores \a files (their indexes already
    //! chosen), advances each room's next index past them and deletes their upload rows.
    //! After a commit the files exist for everyone, so each is announced exactly once.
    bool publish(const QList<StoredFile> &files);

    //! Group commit: the writes between beginBatch() and commitBatch() are one transaction,
    //! so one sync of the database covers all of them. commitBatch() rolls back and returns
    //! false when the commit fails.
    bool beginBatch();
    bool commitBatch();
    void rollbackBatch();

private:
    bool exec(const QString &sql);
    //! The migration of a database written by an older server: ALTER TABLE ADD COLUMN
    //! unless \a table already has \a column.
    bool addColumnIfMissing(const QString &table, const QString &column, const QString &definition);
    QString m_connectionName;
};

} // namespace Roomshare::Server
