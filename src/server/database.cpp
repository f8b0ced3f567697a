#include "database_p.h"
#include "serverlogging_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QUrl>
#include <QVariant>

#include <atomic>
#include <utility>

namespace Roomshare::Server {

namespace {

std::atomic<int> g_connections{ 0 };

QString recipientsJson(const QSet<QString> &recipients)
{
    QStringList list(recipients.cbegin(), recipients.cend());
    list.sort();
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

QSet<QString> recipientsFrom(const QString &json)
{
    QSet<QString> out;
    const QJsonArray a = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const auto &v : a)
        out.insert(v.toString());
    return out;
}

// A null QString binds as SQL NULL; the owner columns are NOT NULL.
QString notNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

} // namespace

Database::~Database()
{
    close();
}

bool Database::isUrl(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://"))
        || location.startsWith(QLatin1String("postgres://"));
}

QString Database::typed(const QString &sql) const
{
    if (m_backend == Backend::Sqlite)
        return sql;
    // PostgreSQL's INTEGER has 32 bits: sizes, offsets and times in ms need 64.
    QString out = sql;
    out.replace(QRegularExpression(QStringLiteral("\\bINTEGER\\b")), QStringLiteral("BIGINT"));
    out.replace(QRegularExpression(QStringLiteral("\\bBLOB\\b")), QStringLiteral("BYTEA"));
    return out;
}

bool Database::openConnection(const QString &location, QString *error)
{
    m_connectionName = QStringLiteral("roomshare-%1").arg(++g_connections);
    if (!isUrl(location)) {
        m_backend = Backend::Sqlite;
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(location);
        if (!db.open()) {
            *error = QStringLiteral("cannot open the database %1: %2")
                         .arg(location, db.lastError().text());
            return false;
        }
        // WAL keeps readers and the writer apart and makes commits cheap; FULL syncs every
        // commit so a recorded offset or file is never lost, even to a power cut.
        for (const char *pragma :
             { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=OFF" }) {
            if (!exec(QLatin1String(pragma))) {
                *error = QStringLiteral("cannot prepare the database %1: %2")
                             .arg(location, db.lastError().text());
                return false;
            }
        }
        return true;
    }

    m_backend = Backend::Postgres;
    const QUrl url(location, QUrl::StrictMode);
    // Error messages name the address, never the password (even of a malformed URL).
    const QString shown = url.isValid()
        ? url.toDisplayString(QUrl::RemovePassword)
        : QString(location).replace(QRegularExpression(QStringLiteral("(://[^:@/]*):[^@/]*@")),
                                    QStringLiteral("\\1@"));
    const QString dbName = url.path().mid(1);
    QString bad;
    if (!url.isValid()) // not errorString(): it quotes the whole URL, password included
        bad = QStringLiteral("not a valid URL (bad port or character?)");
    else if (url.host().isEmpty())
        bad = QStringLiteral("no host");
    else if (url.userName().isEmpty())
        bad = QStringLiteral("no user");
    else if (dbName.isEmpty() || dbName.contains(QLatin1Char('/')))
        bad = QStringLiteral("no database name (postgresql://USER@HOST:PORT/DB)");
    else if (url.hasQuery() || url.hasFragment())
        bad = QStringLiteral("options after the database name are not supported");
    if (!bad.isEmpty()) {
        *error = QStringLiteral("bad database URL %1: %2").arg(shown, bad);
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        *error = QStringLiteral("cannot open the database %1: Qt's PostgreSQL driver (QPSQL, "
                                "Debian package libqt6sql6-psql) is not installed")
                     .arg(shown);
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    db.setDatabaseName(dbName);
    // An unreachable host fails the start within seconds instead of hanging it.
    db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=roomshare-server"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open the database %1: %2")
                     .arg(shown, db.lastError().text().trimmed());
        return false;
    }
    return true;
}

bool Database::open(const QString &location, QString *error)
{
    close();
    if (!openConnection(location, error))
        return false;
    const QString path
        = isUrl(location) ? QUrl(location).toDisplayString(QUrl::RemovePassword) : location;
    m_shown = path;
    // Servers starting together on one PostgreSQL would race creating the same tables:
    // the schema is set up in one transaction under a lock that only they take.
    if (m_backend == Backend::Postgres
        && (!beginBatch() || !exec(QStringLiteral("SELECT pg_advisory_xact_lock(7450014)")))) {
        *error = QStringLiteral("cannot prepare the database %1: %2")
                     .arg(path, QSqlDatabase::database(m_connectionName).lastError().text());
        return false;
    }
    const QStringList setup = {
        QStringLiteral("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER)"),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS rooms (name TEXT PRIMARY KEY, next_index INTEGER)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS files (room TEXT, idx INTEGER, storage TEXT, "
                       "name TEXT, size INTEGER, mime TEXT, sha256 TEXT, sender TEXT, "
                       "sender_id TEXT, created_at INTEGER, expires_at INTEGER, broadcast "
                       "INTEGER, recipients TEXT, upload_id INTEGER, PRIMARY KEY (room, idx))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS deliveries (room TEXT, idx INTEGER, client_id "
                       "TEXT, name TEXT, at INTEGER, PRIMARY KEY (room, idx, client_id))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, room TEXT, "
                       "client_id TEXT, name TEXT, role TEXT, last_seen INTEGER)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS uploads (id INTEGER PRIMARY KEY, storage TEXT, "
                       "room TEXT, session TEXT, sender_id TEXT, sender TEXT, name TEXT, size "
                       "INTEGER, mime TEXT, broadcast INTEGER, recipients TEXT, durable INTEGER, "
                       "last_activity INTEGER, end_sha256 TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS bans (key TEXT PRIMARY KEY, until INTEGER)"),
    };
    for (const QString &sql : setup) {
        if (!exec(typed(sql))) {
            *error = QStringLiteral("cannot prepare the database %1: %2")
                         .arg(path, QSqlDatabase::database(m_connectionName).lastError().text());
            return false;
        }
    }
    // Columns added after the first release: a database from an older server gains them
    // with empty owners (those files stay owned by their sending clientId only) and no
    // downloads counted.
    const struct
    {
        const char *table;
        const char *column;
        const char *definition;
    } added[] = {
        { "files", "owner", "TEXT NOT NULL DEFAULT ''" },
        { "files", "downloads", "INTEGER NOT NULL DEFAULT 0" },
        { "uploads", "owner", "TEXT NOT NULL DEFAULT ''" },
        { "sessions", "owner", "TEXT NOT NULL DEFAULT ''" },
        // Issue 15: a session ends with its token, restarts included (0: unknown).
        { "sessions", "token_expires", "INTEGER NOT NULL DEFAULT 0" },
        { "files", "max_downloads", "INTEGER NOT NULL DEFAULT 0" },
        { "uploads", "expires_in", "INTEGER NOT NULL DEFAULT 0" },
        { "uploads", "max_downloads", "INTEGER NOT NULL DEFAULT 0" },
        // Issue 17: the CRC-32C of each 256 KiB block, for downloads by sendfile (empty:
        // computed while serving).
        { "files", "block_crcs", "BLOB" },
        // Folders (docs/protocol.md "Folders"): empty for a file sent on its own.
        { "files", "folder_group", "TEXT NOT NULL DEFAULT ''" },
        { "files", "folder_path", "TEXT NOT NULL DEFAULT ''" },
        { "files", "folder_size", "INTEGER NOT NULL DEFAULT 0" },
        { "uploads", "folder_group", "TEXT NOT NULL DEFAULT ''" },
        { "uploads", "folder_path", "TEXT NOT NULL DEFAULT ''" },
        { "uploads", "folder_size", "INTEGER NOT NULL DEFAULT 0" },
        // Issue 16: who was in the room when the server stopped, so a restart keeps them
        // there for the grace period instead of dropping targeted files to them.
        { "sessions", "present", "INTEGER NOT NULL DEFAULT 0" },
        // Issue 14: the node whose presence the row records (several nodes on PostgreSQL
        // restore only their own participants at start); empty on a single node.
        { "sessions", "node", "TEXT NOT NULL DEFAULT ''" },
    };
    for (const auto &a : added) {
        if (!addColumnIfMissing(QLatin1String(a.table), QLatin1String(a.column),
                                typed(QLatin1String(a.definition)))) {
            *error = QStringLiteral("cannot migrate the database %1: %2")
                         .arg(path, QSqlDatabase::database(m_connectionName).lastError().text());
            return false;
        }
    }
    if (m_backend == Backend::Postgres && !commitBatch()) {
        *error = QStringLiteral("cannot prepare the database %1: %2")
                     .arg(path, QSqlDatabase::database(m_connectionName).lastError().text());
        return false;
    }
    return true;
}

bool Database::addColumnIfMissing(const QString &table, const QString &column,
                                  const QString &definition)
{
    QSqlQuery q(connection());
    if (m_backend == Backend::Sqlite) {
        if (!q.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table)))
            return false;
        while (q.next()) {
            if (q.value(1).toString() == column)
                return true;
        }
    } else {
        q.prepare(QStringLiteral("SELECT 1 FROM information_schema.columns WHERE table_schema = "
                                 "current_schema() AND table_name = ? AND column_name = ?"));
        q.addBindValue(table);
        q.addBindValue(column);
        if (!run(q))
            return false;
        if (q.next())
            return true;
    }
    qCInfo(lcServer) << "database: adding" << table << "." << column;
    return exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(table, column, definition));
}

qint64 Database::addDownload(const QString &room, qint64 index)
{
    qint64 count = -1;
    withRelaxedCommit([&] {
        QSqlQuery q(connection());
        q.prepare(QStringLiteral("UPDATE files SET downloads = downloads + 1 WHERE room = ? "
                                 "AND idx = ? RETURNING downloads"));
        q.addBindValue(room);
        q.addBindValue(index);
        if (!run(q))
            return;
        count = q.next() ? q.value(0).toLongLong() : 0;
        // SQLite commits when the statement is reset, which must happen while the commit is
        // still relaxed (not when q goes out of scope).
        q.finish();
    });
    return count;
}

void Database::close()
{
    m_notificationContext.reset();
    m_channels.clear();
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

bool Database::exec(const QString &sql)
{
    QSqlQuery q(connection());
    if (q.exec(sql))
        return true;
    if (retryable() && reconnect() && q.exec(sql))
        return true;
    m_lastError = q.lastError().text();
    qCWarning(lcServer) << "database:" << q.lastError().text() << sql;
    return false;
}

bool Database::run(QSqlQuery &q) const
{
    if (q.exec())
        return true;
    // After a reconnection the statements prepared on the old connection are gone:
    // prepare it again. A statement outside a transaction that failed changed nothing,
    // so running it once more is safe (unless the connection died between the commit and
    // its answer: then a download count or a counter block may be counted twice).
    m_lastError = q.lastError().text();
    if (retryable() && reconnect()) {
        QSqlQuery again(connection());
        if (again.prepare(q.lastQuery())) {
            for (const QVariant &v : q.boundValues())
                again.addBindValue(v);
            if (again.exec()) {
                q = std::move(again);
                return true;
            }
            m_lastError = again.lastError().text();
        }
    }
    qCWarning(lcServer) << "database:" << q.lastError().text() << q.lastQuery();
    return false;
}

QSqlDatabase Database::connection() const
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // A driver that saw the connection die (PostgreSQL restarted) refuses to prepare, and
    // a statement never prepared has no text to run again after run()'s reconnect: the
    // first statement after a restart was lost that way (a join's file list stale).
    if (retryable() && db.isValid() && (!db.driver()->isOpen() || db.driver()->isOpenError())) {
        qCInfo(lcServer) << "database: the connection broke; reconnecting";
        reconnect();
    }
    return db;
}

bool Database::retryable() const
{
    return m_backend == Backend::Postgres && !m_inBatch;
}

bool Database::reconnect() const
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    {
        QSqlQuery ping(db);
        if (ping.exec(QStringLiteral("SELECT 1")))
            return true; // the connection is fine; the statement itself failed
    }
    // PostgreSQL restarted or the connection broke: QPSQL does not reconnect by itself.
    db.close();
    if (!db.open()) {
        m_lastError = db.lastError().text();
        qCWarning(lcServer) << "database: cannot reconnect:" << db.lastError().text();
        return false;
    }
    qCInfo(lcServer) << "database: reconnected to" << db.hostName() << db.port();
    subscribeAll();
    if (m_reconnected && m_notificationContext) {
        // Not from inside the statement that found the connection lost: the handler sends
        // notifications of its own.
        QTimer::singleShot(0, m_notificationContext.get(), m_reconnected);
    }
    return true;
}

void Database::subscribeAll() const
{
    QSqlDriver *driver = QSqlDatabase::database(m_connectionName, false).driver();
    for (const auto &[channel, handler] : m_channels) {
        if (!driver->subscribeToNotification(channel))
            qCWarning(lcServer) << "database: cannot listen on" << channel
                                << driver->lastError().text();
    }
}

bool Database::listen(const QString &channel, std::function<void(const QString &)> handler)
{
    if (m_backend != Backend::Postgres)
        return true;
    QSqlDriver *driver = QSqlDatabase::database(m_connectionName, false).driver();
    if (!m_notificationContext) {
        m_notificationContext = std::make_unique<QObject>();
        QObject::connect(
            driver, &QSqlDriver::notification, m_notificationContext.get(),
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                const auto it = m_channels.find(name);
                if (it != m_channels.end())
                    it->second(payload.toString());
            });
    }
    m_channels[channel] = std::move(handler);
    if (driver->subscribeToNotification(channel))
        return true;
    qCWarning(lcServer) << "database: cannot listen on" << channel << driver->lastError().text();
    m_channels.erase(channel);
    return false;
}

bool Database::notify(const QString &channel, const QString &payload)
{
    if (m_backend != Backend::Postgres)
        return true;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
    q.addBindValue(channel);
    q.addBindValue(payload);
    return run(q);
}

void Database::checkConnection()
{
    if (m_backend != Backend::Postgres || m_inBatch || m_connectionName.isEmpty())
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.driver()->isOpen())
        return;
    qCInfo(lcServer) << "database: the connection broke; reconnecting";
    reconnect();
}

qint64 Database::reserveCounter(const QString &key, qint64 block)
{
    // One statement, so it is atomic on both backends (SQLite 3.35+ has RETURNING).
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO "
                             "UPDATE SET value = meta.value + excluded.value RETURNING value"));
    q.addBindValue(key);
    q.addBindValue(block);
    if (run(q) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

QHash<QString, qint64> Database::loadRooms() const
{
    QHash<QString, qint64> out;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT name, next_index FROM rooms"));
    if (run(q)) {
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    return out;
}

bool Database::saveRoom(const QString &name, qint64 nextIndex)
{
    QSqlQuery q(connection());
    q.prepare(
        QStringLiteral("INSERT INTO rooms (name, next_index) VALUES (?, ?) ON CONFLICT (name) DO "
                       "NOTHING"));
    q.addBindValue(name);
    q.addBindValue(nextIndex);
    return run(q);
}

namespace {

const char FileColumns[]
    = "SELECT room, idx, storage, name, size, mime, sha256, sender, sender_id, created_at, "
      "expires_at, broadcast, recipients, upload_id, owner, downloads, max_downloads, "
      "block_crcs, folder_group, folder_path, folder_size FROM files";

StoredFile fileFromRow(const QSqlQuery &q)
{
    StoredFile f;
    f.room = q.value(0).toString();
    f.index = q.value(1).toLongLong();
    f.storageId = q.value(2).toString();
    f.name = q.value(3).toString();
    f.size = q.value(4).toLongLong();
    f.mime = q.value(5).toString();
    f.sha256 = q.value(6).toString();
    f.senderName = q.value(7).toString();
    f.senderId = q.value(8).toString();
    f.createdAt = q.value(9).toLongLong();
    f.expiresAt = q.value(10).toLongLong();
    f.broadcast = q.value(11).toInt() != 0;
    f.recipients = recipientsFrom(q.value(12).toString());
    f.uploadId = quint32(q.value(13).toLongLong());
    f.owner = q.value(14).toString();
    f.downloads = q.value(15).toLongLong();
    f.maxDownloads = q.value(16).toLongLong();
    f.blockCrcs = q.value(17).toByteArray();
    f.folder.group = q.value(18).toString();
    f.folder.path = q.value(19).toString();
    f.folder.groupSize = q.value(20).toLongLong();
    return f;
}

} // namespace

QList<StoredFile> Database::loadFiles(bool *ok) const
{
    QList<StoredFile> out;
    QSqlQuery q(connection());
    q.prepare(QLatin1String(FileColumns) + QLatin1String(" ORDER BY room, idx"));
    const bool ran = run(q);
    if (ok)
        *ok = ran;
    if (!ran)
        return out;
    while (q.next())
        out.append(fileFromRow(q));
    return out;
}

std::optional<QSet<QString>> Database::presentClients() const
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT room, client_id FROM sessions WHERE present = 1"));
    if (!run(q))
        return std::nullopt;
    QSet<QString> out;
    while (q.next())
        out.insert(q.value(0).toString() + QLatin1Char('\n') + q.value(1).toString());
    return out;
}

std::optional<StoredFile> Database::loadFile(const QString &room, qint64 index) const
{
    QSqlQuery q(connection());
    q.prepare(QLatin1String(FileColumns) + QLatin1String(" WHERE room = ? AND idx = ?"));
    q.addBindValue(room);
    q.addBindValue(index);
    if (!run(q) || !q.next())
        return std::nullopt;
    return fileFromRow(q);
}

QList<StoredFile> Database::loadFilesAfter(const QString &room, qint64 index) const
{
    QList<StoredFile> out;
    QSqlQuery q(connection());
    q.prepare(QLatin1String(FileColumns)
              + QLatin1String(" WHERE room = ? AND idx > ? ORDER BY idx"));
    q.addBindValue(room);
    q.addBindValue(index);
    if (!run(q))
        return out;
    while (q.next())
        out.append(fileFromRow(q));
    return out;
}

bool Database::deleteFile(const QString &room, qint64 index)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("DELETE FROM files WHERE room = ? AND idx = ?"));
    q.addBindValue(room);
    q.addBindValue(index);
    QSqlQuery receipts(connection());
    receipts.prepare(QStringLiteral("DELETE FROM deliveries WHERE room = ? AND idx = ?"));
    receipts.addBindValue(room);
    receipts.addBindValue(index);
    return run(q) && run(receipts);
}

bool Database::addDelivery(const QString &room, qint64 index, const Delivery &delivery)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("INSERT INTO deliveries (room, idx, client_id, name, at) VALUES "
                             "(?, ?, ?, ?, ?) ON CONFLICT (room, idx, client_id) DO NOTHING"));
    q.addBindValue(room);
    q.addBindValue(index);
    q.addBindValue(delivery.clientId);
    q.addBindValue(notNull(delivery.name));
    q.addBindValue(delivery.at);
    return run(q);
}

QHash<QString, QHash<qint64, QList<Delivery>>> Database::loadDeliveries() const
{
    QHash<QString, QHash<qint64, QList<Delivery>>> out;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT room, idx, client_id, name, at FROM deliveries ORDER BY at"));
    if (!run(q))
        return out;
    while (q.next()) {
        Delivery d;
        d.clientId = q.value(2).toString();
        d.name = q.value(3).toString();
        d.at = q.value(4).toLongLong();
        out[q.value(0).toString()][q.value(1).toLongLong()].append(d);
    }
    return out;
}

QList<Session *> Database::loadSessions(const QString &id) const
{
    QList<Session *> out;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT id, room, client_id, name, role, last_seen, token_expires, "
                             "owner, present, node FROM sessions")
              + (id.isEmpty() ? QString() : QStringLiteral(" WHERE id = ?")));
    if (!id.isEmpty())
        q.addBindValue(id);
    if (!run(q))
        return out;
    while (q.next()) {
        auto *s = new Session;
        s->id = q.value(0).toString();
        s->room = q.value(1).toString();
        s->clientId = q.value(2).toString();
        s->name = q.value(3).toString();
        s->role = q.value(4).toString();
        s->lastSeenMs = q.value(5).toLongLong();
        s->tokenExpiresAt = q.value(6).toLongLong();
        s->owner = q.value(7).toString();
        s->present = q.value(8).toBool();
        s->node = q.value(9).toString();
        out.append(s);
    }
    return out;
}

bool Database::saveSession(const Session &s)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral(
        "INSERT INTO sessions (id, room, client_id, name, role, last_seen, token_expires, owner, "
        "present, node) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "room = excluded.room, client_id = excluded.client_id, name = excluded.name, role = "
        "excluded.role, last_seen = excluded.last_seen, token_expires = excluded.token_expires, "
        "owner = excluded.owner, present = excluded.present, node = excluded.node"));
    q.addBindValue(s.id);
    q.addBindValue(s.room);
    q.addBindValue(s.clientId);
    q.addBindValue(s.name);
    q.addBindValue(s.role);
    q.addBindValue(s.lastSeenMs);
    q.addBindValue(s.tokenExpiresAt);
    q.addBindValue(notNull(s.owner));
    q.addBindValue(s.present ? 1 : 0);
    q.addBindValue(notNull(m_homeNode));
    return run(q);
}

bool Database::deleteSession(const QString &id)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("DELETE FROM sessions WHERE id = ?"));
    q.addBindValue(id);
    return run(q);
}

QHash<QString, qint64> Database::loadBans(qint64 nowSecs) const
{
    QHash<QString, qint64> out;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT key, until FROM bans WHERE until > ?"));
    q.addBindValue(nowSecs);
    if (!run(q))
        return out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

bool Database::saveBan(const QString &key, qint64 until, qint64 nowSecs)
{
    QSqlQuery expired(connection());
    expired.prepare(QStringLiteral("DELETE FROM bans WHERE until <= ?"));
    expired.addBindValue(nowSecs);
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("INSERT INTO bans (key, until) VALUES (?, ?) ON CONFLICT (key) DO "
                             "UPDATE SET until = excluded.until"));
    q.addBindValue(key);
    q.addBindValue(until);
    return run(expired) && run(q);
}

QList<Upload *> Database::loadUploads(const QString &sessionId) const
{
    QList<Upload *> out;
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT id, storage, room, session, sender_id, sender, name, size, "
                             "mime, broadcast, recipients, durable, last_activity, end_sha256, "
                             "owner, expires_in, max_downloads, folder_group, folder_path, "
                             "folder_size FROM uploads")
              + (sessionId.isEmpty() ? QString() : QStringLiteral(" WHERE session = ?")));
    if (!sessionId.isEmpty())
        q.addBindValue(sessionId);
    if (!run(q))
        return out;
    while (q.next()) {
        auto *u = new Upload;
        u->id = quint32(q.value(0).toLongLong());
        u->storageId = q.value(1).toString();
        u->room = q.value(2).toString();
        u->sessionId = q.value(3).toString();
        u->senderId = q.value(4).toString();
        u->senderName = q.value(5).toString();
        u->name = q.value(6).toString();
        u->size = q.value(7).toLongLong();
        u->mime = q.value(8).toString();
        u->broadcast = q.value(9).toInt() != 0;
        u->recipients = recipientsFrom(q.value(10).toString());
        u->durable = q.value(11).toLongLong();
        u->lastActivityMs = q.value(12).toLongLong();
        u->clientSha256 = q.value(13).toString();
        u->endReceived = !u->clientSha256.isEmpty();
        u->owner = q.value(14).toString();
        u->expiresIn = q.value(15).toLongLong();
        u->maxDownloads = q.value(16).toLongLong();
        u->folder.group = q.value(17).toString();
        u->folder.path = q.value(18).toString();
        u->folder.groupSize = q.value(19).toLongLong();
        out.append(u);
    }
    return out;
}

bool Database::insertUpload(const Upload &u)
{
    QSqlQuery q(connection());
    q.prepare(
        QStringLiteral("INSERT INTO uploads (id, storage, room, session, "
                       "sender_id, sender, name, size, mime, broadcast, recipients, "
                       "durable, last_activity, end_sha256, owner, expires_in, max_downloads, "
                       "folder_group, folder_path, folder_size) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET storage = excluded.storage, room = "
                       "excluded.room, session = excluded.session, sender_id = "
                       "excluded.sender_id, sender = excluded.sender, name = excluded.name, "
                       "size = excluded.size, mime = excluded.mime, broadcast = "
                       "excluded.broadcast, recipients = excluded.recipients, durable = "
                       "excluded.durable, last_activity = excluded.last_activity, end_sha256 = "
                       "excluded.end_sha256, owner = excluded.owner, expires_in = "
                       "excluded.expires_in, max_downloads = excluded.max_downloads, "
                       "folder_group = excluded.folder_group, folder_path = "
                       "excluded.folder_path, folder_size = excluded.folder_size"));
    q.addBindValue(qint64(u.id));
    q.addBindValue(u.storageId);
    q.addBindValue(u.room);
    q.addBindValue(u.sessionId);
    q.addBindValue(u.senderId);
    q.addBindValue(u.senderName);
    q.addBindValue(u.name);
    q.addBindValue(u.size);
    q.addBindValue(u.mime);
    q.addBindValue(u.broadcast ? 1 : 0);
    q.addBindValue(recipientsJson(u.recipients));
    q.addBindValue(u.durable);
    q.addBindValue(u.lastActivityMs);
    q.addBindValue(u.clientSha256);
    q.addBindValue(notNull(u.owner));
    q.addBindValue(u.expiresIn);
    q.addBindValue(u.maxDownloads);
    q.addBindValue(notNull(u.folder.group));
    q.addBindValue(notNull(u.folder.path));
    q.addBindValue(u.folder.groupSize);
    return run(q);
}

bool Database::updateUploadProgress(quint32 id, qint64 durable, qint64 lastActivityMs)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("UPDATE uploads SET durable = ?, last_activity = ? WHERE id = ?"));
    q.addBindValue(durable);
    q.addBindValue(lastActivityMs);
    q.addBindValue(qint64(id));
    return run(q);
}

bool Database::recordCheckpoint(quint32 id, qint64 durable, qint64 lastActivityMs)
{
    bool ok = false;
    const bool restored
        = withRelaxedCommit([&] { ok = updateUploadProgress(id, durable, lastActivityMs); });
    return ok && restored;
}

bool Database::withRelaxedCommit(const std::function<void()> &work)
{
    // A WAL commit under synchronous=FULL is an fdatasync on the event-loop thread; under
    // load (writeback of the files being uploaded and downloaded) one took 10-180 ms here.
    // PostgreSQL's counterpart is an asynchronous commit: the server has the row at once,
    // its disk with the next flush.
    const bool sqlite = m_backend == Backend::Sqlite;
    const QString relaxed = sqlite ? QStringLiteral("PRAGMA synchronous=NORMAL")
                                   : QStringLiteral("SET synchronous_commit TO OFF");
    const QString strict = sqlite ? QStringLiteral("PRAGMA synchronous=FULL")
                                  : QStringLiteral("SET synchronous_commit TO ON");
    QSqlQuery pragma(connection());
    if (!pragma.exec(relaxed)) {
        work();
        return true;
    }
    work();
    if (!pragma.exec(strict)) {
        qCWarning(lcServer) << "database: cannot restore" << strict << pragma.lastError().text();
        return false;
    }
    return true;
}

bool Database::setUploadEnd(quint32 id, qint64 durable, qint64 lastActivityMs,
                            const QString &sha256)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral(
        "UPDATE uploads SET durable = ?, last_activity = ?, end_sha256 = ? WHERE id = ?"));
    q.addBindValue(durable);
    q.addBindValue(lastActivityMs);
    q.addBindValue(sha256);
    q.addBindValue(qint64(id));
    return run(q);
}

bool Database::deleteUpload(quint32 id)
{
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("DELETE FROM uploads WHERE id = ?"));
    q.addBindValue(qint64(id));
    return run(q);
}

bool Database::publish(QList<StoredFile> &files, const QHash<QString, qint64> &localNext)
{
    if (!beginBatch())
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    // 1. The indexes: each room's row moves past its new files; the update locks the row
    // until the commit, so another server publishing to the room waits for this one.
    QHash<QString, qint64> counts;
    for (const StoredFile &f : files)
        ++counts[f.room];
    QSqlQuery allocate(db);
    allocate.prepare(QStringLiteral(
        "INSERT INTO rooms (name, next_index) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET "
        "next_index = CASE WHEN rooms.next_index + ? > excluded.next_index THEN "
        "rooms.next_index + ? ELSE excluded.next_index END RETURNING next_index"));
    QHash<QString, qint64> firstIndex;
    bool ok = true;
    for (auto it = counts.cbegin(); ok && it != counts.cend(); ++it) {
        allocate.addBindValue(it.key());
        allocate.addBindValue(localNext.value(it.key(), 1) + it.value());
        allocate.addBindValue(it.value());
        allocate.addBindValue(it.value());
        ok = run(allocate) && allocate.next();
        if (ok)
            firstIndex.insert(it.key(), allocate.value(0).toLongLong() - it.value());
        allocate.finish();
    }
    for (StoredFile &f : files) {
        if (ok)
            f.index = firstIndex[f.room]++;
    }

    // 2. The files, and their uploads are over.
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral(
        "INSERT INTO files (room, idx, storage, name, size, mime, sha256, sender, sender_id, "
        "created_at, expires_at, broadcast, recipients, upload_id, owner, max_downloads, "
        "block_crcs, folder_group, folder_path, folder_size) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM uploads WHERE id = ?"));
    for (const StoredFile &f : files) {
        if (!ok)
            break;
        insert.addBindValue(f.room);
        insert.addBindValue(f.index);
        insert.addBindValue(f.storageId);
        insert.addBindValue(f.name);
        insert.addBindValue(f.size);
        insert.addBindValue(f.mime);
        insert.addBindValue(f.sha256);
        insert.addBindValue(f.senderName);
        insert.addBindValue(f.senderId);
        insert.addBindValue(f.createdAt);
        insert.addBindValue(f.expiresAt);
        insert.addBindValue(f.broadcast ? 1 : 0);
        insert.addBindValue(recipientsJson(f.recipients));
        insert.addBindValue(qint64(f.uploadId));
        insert.addBindValue(notNull(f.owner));
        insert.addBindValue(f.maxDownloads);
        insert.addBindValue(f.blockCrcs);
        insert.addBindValue(notNull(f.folder.group));
        insert.addBindValue(notNull(f.folder.path));
        insert.addBindValue(f.folder.groupSize);
        remove.addBindValue(qint64(f.uploadId));
        ok = run(insert) && run(remove);
    }
    for (const StoredFile &f : files) {
        if (ok && m_publishHook)
            ok = m_publishHook(f);
    }
    if (ok && commitBatch())
        return true;
    qCWarning(lcServer) << "database: publishing" << files.size() << "files failed"
                        << db.lastError().text();
    if (!ok)
        rollbackBatch();
    return false;
}

QString Database::lastErrorText() const
{
    // QPSQL's texts end in a newline and repeat themselves across lines: one line.
    QString cause = m_lastError.simplified();
    if (cause.isEmpty())
        cause = QStringLiteral("unknown error");
    return QStringLiteral("database %1: %2").arg(m_shown, cause);
}

bool Database::beginBatch()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.transaction() || (retryable() && reconnect() && db.transaction())) {
        m_inBatch = true;
        return true;
    }
    m_lastError = db.lastError().text();
    qCWarning(lcServer) << "database: cannot begin a transaction" << db.lastError().text();
    return false;
}

bool Database::commitBatch()
{
    m_inBatch = false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (db.commit())
        return true;
    m_lastError = db.lastError().text();
    qCWarning(lcServer) << "database: cannot commit" << db.lastError().text();
    db.rollback();
    return false;
}

void Database::rollbackBatch()
{
    m_inBatch = false;
    QSqlDatabase::database(m_connectionName, false).rollback();
}

} // namespace Roomshare::Server
