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
//! the server data folder \a dataDir, sent by client "c999999"; \a mime for each. True on
//! success.
inline bool seedRoom(const QString &dataDir, const QString &room, int count, int nameLength,
                     const QString &mime = QStringLiteral("text/plain"))
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
        f.index = i;
        f.room = room;
        f.name = longName(i, nameLength);
        f.size = 0;
        f.mime = mime;
        f.sha256 = QString::fromLatin1(EmptySha256);
        f.senderName = QStringLiteral("Seeder");
        f.senderId = QStringLiteral("c999999");
        f.createdAt = now;
        f.expiresAt = now + 3600 * 1000;
        f.storageId = Storage::newId();
        f.uploadId = quint32(1000000 + i);
        QFile data(storage.filePath(f.storageId));
        if (!data.open(QIODevice::WriteOnly))
            return false;
        files.append(f);
    }
    return db.publish(files);
}

} // namespace TestUtil
