#pragma once

#include "room_p.h"
#include "roomserver.h"
#include "storage_p.h"

#include <QHash>
#include <QList>
#include <QTimer>
#include <QWebSocketServer>

#include <map>
#include <memory>

namespace Roomshare::Server {

class Connection;

//! The state shared by all connections: rooms, storage, id counters and timers.
class RoomServerPrivate final
{
public:
    explicit RoomServerPrivate(RoomServer *q, ServerOptions options);

    //! Creates the room on first use.
    Room *room(const QString &name);
    QString nextClientId();
    quint32 nextTransferId();

    //! Adds a verified upload to \a room and returns it with its index. Announcing it is
    //! a separate step so the sender hears `upload-done` before anyone else hears of it.
    StoredFilePtr publish(Room *room, StoredFile file);
    void announce(Room *room, const StoredFilePtr &file);
    //! Withdraws or expires file \a index: fails its downloads, tells everyone who could
    //! see it, deletes its storage.
    void removeFile(Room *room, qint64 index, const QString &reason);

    void joined(Connection *connection);

    // Security (roomserver_security.cpp).
    //! Applies the handshake timeout and, for TLS, the certificate to a new QWebSocketServer.
    void configureSecurity(QWebSocketServer *server);
    //! The Origin allow-list: connections without an Origin always pass (native clients).
    bool isOriginAllowed(const QString &origin) const;
    //! False (and the socket closed with 4029) when its address has too many connections.
    bool admitConnection(QWebSocket *socket);
    //! Participants a moderator removed stay out while their token lives: see docs/security.md.
    void ban(const QString &room, const QString &banKey, qint64 until);
    bool isBanned(const QString &room, const QString &banKey) const;
    //! \a connection left \a room early (expired or removed): tells the others.
    void participantLeft(Room *room, Connection *connection, const QString &reason);
    void connectionClosed(Connection *connection);

    void onNewConnection();
    void onPingTimer();
    void scheduleExpiry();
    void expireFiles();
    void closeAll();

    RoomServer *const q;
    const ServerOptions options;
    QWebSocketServer *webSocketServer = nullptr;
    Storage storage;
    std::map<QString, std::unique_ptr<Room>> rooms;
    QList<Connection *> connections;
    QTimer pingTimer;
    QTimer expiryTimer;
    quint64 clientCounter = 0;
    quint32 transferCounter = 0;
    QHash<QString, qint64> bans; //!< room + '\n' + ban key -> token expiry (s since epoch)
};

} // namespace Roomshare::Server
