#pragma once

// Fills a server data folder with published files before the server starts, the way a
// server that has been running for a while would have them: fast enough to build rooms of
// thousands of files in a test (uploading them would cost an fsync each).

#include "database_p.h"
#include "storage_p.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

namespace TestUtil {

constexpr char EmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

//! A name of exactly \a length characters that ends in \a i (so every name differs).
inline QString longName(int i, int length)
{
    const QString tail = QStringLiteral("-%1.txt").arg(i);
    return QString(length - tail.size(), QLatin1Char('n')) + tail;
}

//! Publishes \a count empty broadcast files named longName(i, \a nameLength) in \a room of
//! the server data folder \a dataDir, sent by client "c999999"; \a mime for each; each
//! expires \a expiresInMs from now. True on success.
inline bool seedRoom(const QString &dataDir, const QString &room, int count, int nameLength,
                     const QString &mime = QStringLiteral("text/plain"),
                     qint64 expiresInMs = 3600 * 1000)
{
    using namespace Roomshare::Server;
    Storage storage;
    QString error;
    if (!storage.open(dataDir, &error))
        return false;
    Database db;
    if (!db.open(QDir(dataDir).filePath(QStringLiteral("roomshare.db")), &error))
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<StoredFile> files;
    for (int i = 1; i <= count; ++i) {
        StoredFile f;
        f.index = i; // what publish() gives them in a new room
        f.room = room;
        f.name = longName(i, nameLength);
        f.size = 0;
        f.mime = mime;
        f.sha256 = QString::fromLatin1(EmptySha256);
        f.senderName = QStringLiteral("Seeder");
        f.senderId = QStringLiteral("c999999");
        f.createdAt = now;
        f.expiresAt = now + expiresInMs;
        f.storageId = Storage::newId();
        f.uploadId = quint32(1000000 + i);
        QFile data(storage.filePath(f.storageId));
        if (!data.open(QIODevice::WriteOnly))
            return false;
        files.append(f);
    }
    return db.publish(files, {});
}

//! Records \a count partial uploads of \a room owned by session \a sessionId, with ids from
//! \a firstId on, each an empty partial file of a 1-byte upload that last received data at
//! \a lastActivityMs (ms since the epoch): uploads a server that restarts will wait to be
//! resumed. True on success.
inline bool seedUploads(const QString &dataDir, const QString &room, const QString &sessionId,
                        int count, quint32 firstId, qint64 lastActivityMs)
{
    using namespace Roomshare::Server;
    Storage storage;
    QString error;
    if (!storage.open(dataDir, &error))
        return false;
    Database db;
    if (!db.open(QDir(dataDir).filePath(QStringLiteral("roomshare.db")), &error)
        || !db.beginBatch())
        return false;
    for (int i = 0; i < count; ++i) {
        Upload u;
        u.id = firstId + quint32(i);
        u.storageId = Storage::newId();
        u.room = room;
        u.sessionId = sessionId;
        u.senderId = QStringLiteral("c999998");
        u.senderName = QStringLiteral("Idle");
        u.name = QStringLiteral("idle-%1.bin").arg(u.id);
        u.size = 1;
        u.mime = QStringLiteral("application/octet-stream");
        u.lastActivityMs = lastActivityMs;
        QFile data(storage.partialPath(u.storageId));
        if (!data.open(QIODevice::WriteOnly) || !db.insertUpload(u)) {
            db.rollbackBatch();
            return false;
        }
    }
    return db.commitBatch();
}

//! Records \a count sessions of \a room (ids \a prefix + number), last seen at
//! \a lastSeenMs (ms since the epoch) and not connected. True on success.
inline bool seedSessions(const QString &dataDir, const QString &room, const QString &prefix,
                         int count, qint64 lastSeenMs)
{
    using namespace Roomshare::Server;
    Database db;
    QString error;
    if (!db.open(QDir(dataDir).filePath(QStringLiteral("roomshare.db")), &error)
        || !db.beginBatch())
        return false;
    for (int i = 0; i < count; ++i) {
        Session s;
        s.id = prefix + QString::number(i);
        s.room = room;
        s.clientId = QStringLiteral("c%1").arg(800000 + i);
        s.name = QStringLiteral("Idle %1").arg(i);
        s.role = QStringLiteral("participant");
        s.lastSeenMs = lastSeenMs;
        if (!db.saveSession(s)) {
            db.rollbackBatch();
            return false;
        }
    }
    return db.commitBatch();
}

} // namespace TestUtil
