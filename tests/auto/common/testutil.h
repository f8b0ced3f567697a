#pragma once

// Helpers shared by the test suites: a real RoomServer on 127.0.0.1 with an ephemeral
// port, signed invite links for it, and files of random content.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QString>
#include <QTemporaryDir>

#include <memory>

#include "invite.h"
#include "roomserver.h"
#include "sha256.h"

namespace TestUtil {

inline QByteArray testSecret()
{
    return QByteArrayLiteral("roomshare-test-secret-0123456789abcdef");
}

//! Starts a RoomServer on 127.0.0.1:0 with its data under \a dataDir.
inline std::unique_ptr<Roomshare::Server::RoomServer>
startServer(const QString &dataDir, qint64 maxFileSize = 0, QString *error = nullptr)
{
    Roomshare::Server::ServerOptions o;
    o.dataDir = dataDir;
    o.secret = testSecret();
    if (maxFileSize > 0)
        o.maxFileSize = maxFileSize;
    auto server = std::make_unique<Roomshare::Server::RoomServer>(o);
    if (!server->listen(error))
        return nullptr;
    return server;
}

//! A signed invite link for \a room on the server at \a wsUrl.
inline QString invite(const QUrl &wsUrl, const QString &room, const QString &name,
                      const QString &role = QStringLiteral("participant"), qint64 ttl = 3600,
                      const QByteArray &secret = testSecret())
{
    Roomshare::JoinClaims c;
    c.room = room;
    c.name = name;
    c.role = role;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + ttl;
    return Roomshare::InviteLink::forServer(wsUrl, room, Roomshare::Token::sign(c, secret))
        .toString();
}

//! Writes \a size bytes of random content to \a dir/\a name; returns the path.
//! Large files repeat a random 1 MiB block with a per-block counter so no two blocks match.
inline QString makeFile(const QString &dir, const QString &name, qint64 size)
{
    const QString path = QDir(dir).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return QString();
    QByteArray block(1 << 20, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(block.data()),
                                          block.size() / 4);
    qint64 left = size;
    quint64 counter = 0;
    while (left > 0) {
        memcpy(block.data(), &counter, sizeof counter);
        ++counter;
        const qint64 n = qMin<qint64>(left, block.size());
        if (f.write(block.constData(), n) != n)
            return QString();
        left -= n;
    }
    return path;
}

inline QByteArray sha256Of(const QString &path)
{
    return Roomshare::Sha256::hashFile(path);
}

//! Files in \a dir (no dot entries), sorted.
inline QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace TestUtil
