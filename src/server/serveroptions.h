#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

namespace Roomshare::Server {

//! Everything a RoomServer needs to run. The defaults match `roomshare-server`'s.
struct ServerOptions
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 0; //!< 0 picks an ephemeral port; RoomServer::port() tells which
    //! Folder for received files; RoomServer keeps `partial/` and `files/` below it.
    QString dataDir;
    //! HMAC key that join tokens are verified with. Must not be empty.
    QByteArray secret;
    qint64 maxFileSize = qint64(16) * 1024 * 1024 * 1024; //!< bytes; 0 means unlimited
    qint64 fileTtlSeconds = 86400; //!< how long a completed file stays available
    int pingIntervalMs = 10000; //!< WebSocket ping period
    int idleTimeoutMs = 30000; //!< a connection silent this long (not even a pong) is closed
    int maxUploadsPerConnection = 32; //!< concurrent uploads per connection (else 1196)
    int maxDownloadsPerConnection = 32; //!< concurrent downloads per connection (else 1196)
};

} // namespace Roomshare::Server
