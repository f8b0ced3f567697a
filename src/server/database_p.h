#pragma once

#include "room_p.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace Roomshare::Server {

//! The server's metadata through Qt SQL: rooms, files, sessions and uploads in progress,
//! plus the id counters. See docs/protocol.md, "Persistence". Two backends share every
//! statement: SQLite (QSQLITE, WAL journal, the default) and PostgreSQL (QPSQL, for several
//! nodes on one database); their differences are in one place, DatabaseDialect in
//! database.cpp. Every write is its own transaction unless stated otherwise; a failed write
//! is logged and reported as false.
class Database final
{
public:
    enum class Backend { Sqlite, Postgres };

    Database() = default;
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    //! True for a `postgresql://` (or `postgres://`) URL, which open() takes as PostgreSQL.
    static bool isUrl(const QString &location);
    //! Opens \a location, a SQLite file path or `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB`,
    //! and creates or migrates the tables. On failure \a error names the location (without
    //! a password) and the cause.
    bool open(const QString &location, QString *error);
    void close();
    Backend backend() const { return m_backend; }
    //! Why the last statement, transaction or reconnection that failed did: the database's
    //! location (without a password) and its cause, for the error a client is sent.
    QString lastErrorText() const;

    //! Reserves \a block ids of counter \a key in one atomic statement, so servers sharing
    //! the database (and restarts) never hand out the same id: returns the new top, the ids
    //! top - block + 1 .. top being this caller's; -1 on failure.
    qint64 reserveCounter(const QString &key, qint64 block);

    QHash<QString, qint64> loadRooms() const; //!< name -> next index
    //! Records a new room; a room already recorded (by another server on the same
    //! database) keeps its next index, which only publish() advances.
    bool saveRoom(const QString &name, qint64 nextIndex);

    //! storagePath is left empty; \a ok (when given) says whether the query ran.
    QList<StoredFile> loadFiles(bool *ok = nullptr) const;
    //! room + '\n' + client id of every session announced as present, on any node; nullopt
    //! when the query fails.
    std::optional<QSet<QString>> presentClients() const;
    //! File \a index of \a room as recorded (storagePath left empty), if there is one.
    std::optional<StoredFile> loadFile(const QString &room, qint64 index) const;
    //! The files of \a room with an index above \a index, in index order.
    QList<StoredFile> loadFilesAfter(const QString &room, qint64 index) const;
    bool deleteFile(const QString &room, qint64 index);
    //! Counts one more completed download of file \a index of \a room and returns the
    //! count recorded now (every node's downloads, when nodes share the database); -1 on
    //! failure, 0 when the file has no row. Not synced to disk at once (withRelaxedCommit):
    //! a power failure may forget the last downloads counted, which no client was told of;
    //! a crash of the server does not.
    qint64 addDownload(const QString &room, qint64 index);
    //! Records a delivery receipt (ignored when that client has one for the file already).
    bool addDelivery(const QString &room, qint64 index, const Delivery &delivery);
    //! Every receipt, by room and index.
    QHash<QString, QHash<qint64, QList<Delivery>>> loadDeliveries() const;

    //! Every session, or (\a id given) that one only; the caller owns the results.
    QList<Session *> loadSessions(const QString &id = QString()) const;
    //! Records \a session as held by this server (setHomeNode()).
    bool saveSession(const Session &session);
    //! The lasting name of this server among those sharing the database, written with each
    //! session it saves (Session::node); empty on a single node.
    void setHomeNode(const QString &node) { m_homeNode = node; }
    bool deleteSession(const QString &id);

    //! A moderator's removals whose token is still valid at \a nowSecs: room + '\n' + ban
    //! key -> the token's expiry (s since the epoch).
    QHash<QString, qint64> loadBans(qint64 nowSecs) const;
    //! Records a ban until \a until, and forgets those expired at \a nowSecs.
    bool saveBan(const QString &key, qint64 until, qint64 nowSecs);

    //! Uploads as recorded: durable offset in `durable`, file and hash not set up.
    //! Every upload, or (\a sessionId given) that session's only; the caller owns the results.
    QList<Upload *> loadUploads(const QString &sessionId = QString()) const;
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
    //! Runs \a work (its statements) with commits that reach the OS at once but the disk
    //! only with the next synced commit (SQLite synchronous=NORMAL, PostgreSQL
    //! synchronous_commit off), for records whose loss to a power failure costs nothing
    //! that was promised. False if the strict setting could not be restored afterwards.
    bool withRelaxedCommit(const std::function<void()> &work);
    //! The publish step, in one transaction: gives \a files their indexes from each room's
    //! next index in the database (at least \a localNext[room], the index this server would
    //! pick), stores them, advances the rooms past them and deletes their upload rows. The
    //! room's row stays locked until the commit, so servers sharing a database never give
    //! out an index twice. After a commit the files exist for everyone, so each is
    //! announced exactly once. On failure the indexes in \a files mean nothing.
    bool publish(QList<StoredFile> &files, const QHash<QString, qint64> &localNext);

    //! Group commit: the writes between beginBatch() and commitBatch() are one transaction,
    //! so one sync of the database covers all of them. commitBatch() rolls back and returns
    //! false when the commit fails.
    bool beginBatch();
    bool commitBatch();
    void rollbackBatch();

    // ---- notifications between servers sharing the database (PostgreSQL LISTEN/NOTIFY;
    // SQLite has one server, so these do nothing there)

    //! Calls \a handler with the payload of every notification on \a channel, this
    //! connection's own included, from the event loop. The subscription is renewed after
    //! a reconnection (notifications sent meanwhile are lost: see setReconnectedHandler()).
    //! False when the subscription fails; always true on SQLite, where nothing arrives.
    bool listen(const QString &channel, std::function<void(const QString &payload)> handler);
    //! Sends \a payload (under 8000 bytes) on \a channel to every listening server. Inside
    //! a batch it is delivered only if, and when, the batch commits.
    bool notify(const QString &channel, const QString &payload);
    //! Called inside publish()'s transaction for each published file, after its row is
    //! written and before the commit; a false return rolls the publish back. Used to send
    //! the file's notification, which PostgreSQL then delivers at the commit: the
    //! transaction stays the announcement.
    void setPublishHook(std::function<bool(const StoredFile &)> hook)
    {
        m_publishHook = std::move(hook);
    }
    //! Called after the connection was lost and opened again (subscriptions renewed).
    void setReconnectedHandler(std::function<void()> handler)
    {
        m_reconnected = std::move(handler);
    }
    //! PostgreSQL: opens the connection again when the driver saw it break (the notification
    //! socket closed), so subscriptions do not stay dead until the next statement. Cheap
    //! (no round trip) when the connection is fine.
    void checkConnection();

private:
    bool exec(const QString &sql);
    //! Runs prepared \a q; on PostgreSQL outside a batch, a failure caused by a lost
    //! connection reconnects and runs it once more. Failures are logged.
    bool run(QSqlQuery &q) const;
    bool retryable() const;
    //! The connection for a new statement, opened again first when the driver found it
    //! lost (outside a transaction, PostgreSQL only).
    QSqlDatabase connection() const;
    //! True when the connection works, after opening it again if it was lost.
    bool reconnect() const;
    //! The migration of a database written by an older server: ALTER TABLE ADD COLUMN
    //! unless \a table already has \a column.
    bool addColumnIfMissing(const QString &table, const QString &column, const QString &definition);
    bool openConnection(const QString &location, QString *error);
    //! \a sql with the backend's column types (BIGINT, BYTEA for PostgreSQL).
    QString typed(const QString &sql) const;
    void subscribeAll() const;
    QString m_connectionName;
    Backend m_backend = Backend::Sqlite;
    //! channel -> handler (listen())
    std::map<QString, std::function<void(const QString &)>> m_channels;
    //! Owns the connections to the driver's notification signal.
    std::unique_ptr<QObject> m_notificationContext;
    std::function<bool(const StoredFile &)> m_publishHook;
    std::function<void()> m_reconnected;
    QString m_homeNode;
    QString m_shown; //!< the location as error messages name it
    mutable QString m_lastError; //!< lastErrorText() without the location
    bool m_inBatch = false; //!< between beginBatch() and commitBatch()/rollbackBatch()
};

} // namespace Roomshare::Server
