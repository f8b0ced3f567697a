#include "roomserver.h"
#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <QDateTime>
#include <QJsonObject>
#include <QWebSocket>

namespace Roomshare::Server {

Q_LOGGING_CATEGORY(lcServer, "roomshare.server")

namespace {
// Even with a precise deadline the expiry timer wakes at least this often, which keeps
// expiry right if the wall clock jumps.
constexpr qint64 MaxExpiryCheckMs = 30000;
constexpr int MaxPendingConnections = 128;
} // namespace

RoomServerPrivate::RoomServerPrivate(RoomServer *q, ServerOptions options)
    : q(q)
    , options(std::move(options))
{ }

Room *RoomServerPrivate::room(const QString &name)
{
    auto &slot = rooms[name];
    if (!slot) {
        slot = std::make_unique<Room>(name);
        qCInfo(lcServer) << "room" << name << "created";
    }
    return slot.get();
}

QString RoomServerPrivate::nextClientId()
{
    return QLatin1Char('c') + QString::number(++clientCounter);
}

quint32 RoomServerPrivate::nextTransferId()
{
    // Upload and download ids share one counter so log lines are unambiguous; 0 is skipped
    // after the (theoretical) wrap-around.
    if (++transferCounter == 0)
        ++transferCounter;
    return transferCounter;
}

StoredFilePtr RoomServerPrivate::publish(Room *room, StoredFile file)
{
    StoredFilePtr stored = room->addFile(std::move(file));
    scheduleExpiry();
    return stored;
}

void RoomServerPrivate::announce(Room *room, const StoredFilePtr &file)
{
    const auto members = room->members();
    for (Connection *c : members)
        c->offerFile(file);
    Q_EMIT q->fileAvailable(room->name(), file->index);
}

void RoomServerPrivate::removeFile(Room *room, qint64 index, const QString &reason)
{
    const StoredFilePtr file = room->takeFile(index);
    if (!file)
        return;
    qCInfo(lcServer) << "file" << index << "of room" << room->name() << "removed:" << reason;
    const auto members = room->members();
    for (Connection *c : members)
        c->withdrawFile(file, reason);
    Storage::remove(file->storagePath);
    scheduleExpiry();
    Q_EMIT q->fileRemoved(room->name(), index, reason);
}

void RoomServerPrivate::joined(Connection *connection)
{
    Q_EMIT q->participantJoined(connection->room()->name(), connection->clientId());
}

void RoomServerPrivate::connectionClosed(Connection *connection)
{
    connections.removeAll(connection);
    if (Room *room = connection->room()) {
        room->removeMember(connection);
        const QJsonObject event{ { QStringLiteral("type"), QStringLiteral("participant-left") },
                                 { QStringLiteral("clientId"), connection->clientId() },
                                 { QStringLiteral("name"), connection->name() } };
        const auto members = room->members();
        for (Connection *c : members)
            c->sendJson(event);
        qCInfo(lcServer) << connection->clientId() << "left room" << room->name();
        Q_EMIT q->participantLeft(room->name(), connection->clientId());
    }
    connection->deleteLater();
}

void RoomServerPrivate::onNewConnection()
{
    while (QWebSocket *socket = webSocketServer->nextPendingConnection()) {
        qCDebug(lcServer) << "connection from" << socket->peerAddress().toString()
                          << socket->peerPort();
        if (!admitConnection(socket))
            continue;
        auto *connection = new Connection(this, socket);
        connection->setParent(q);
        connections.append(connection);
    }
}

void RoomServerPrivate::onPingTimer()
{
    const auto all = connections;
    for (Connection *c : all)
        c->checkLiveness();
}

void RoomServerPrivate::scheduleExpiry()
{
    qint64 earliest = std::numeric_limits<qint64>::max();
    for (const auto &[name, room] : rooms) {
        for (const auto &file : room->files())
            earliest = qMin(earliest, file->expiresAt);
    }
    if (earliest == std::numeric_limits<qint64>::max()) {
        expiryTimer.stop();
        return;
    }
    const qint64 wait = earliest - QDateTime::currentMSecsSinceEpoch();
    expiryTimer.start(int(qBound<qint64>(0, wait, MaxExpiryCheckMs)));
}

void RoomServerPrivate::expireFiles()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[name, room] : rooms) {
        for (const auto &file : room->files()) {
            if (file->expiresAt <= now)
                removeFile(room.get(), file->index, QStringLiteral("expired"));
        }
    }
    scheduleExpiry();
}

void RoomServerPrivate::closeAll()
{
    const auto all = connections;
    connections.clear();
    for (Connection *c : all) {
        if (Room *room = c->room())
            room->removeMember(c);
        c->shutdown();
        delete c;
    }
    for (auto &[name, room] : rooms) {
        for (const auto &file : room->files())
            room->takeFile(file->index);
    }
    expiryTimer.stop();
    pingTimer.stop();
}

// ---- RoomServer ----------------------------------------------------------------------

RoomServer::RoomServer(ServerOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<RoomServerPrivate>(this, std::move(options)))
{
    d->pingTimer.setInterval(qMax(100, d->options.pingIntervalMs));
    connect(&d->pingTimer, &QTimer::timeout, this, [this] { d->onPingTimer(); });
    d->expiryTimer.setSingleShot(true);
    connect(&d->expiryTimer, &QTimer::timeout, this, [this] { d->expireFiles(); });
}

RoomServer::~RoomServer()
{
    close();
}

bool RoomServer::listen(QString *error)
{
    auto fail = [error](const QString &why) {
        qCWarning(lcServer).noquote() << why;
        if (error)
            *error = why;
        return false;
    };
    if (isListening())
        return true;
    if (d->options.secret.isEmpty())
        return fail(QStringLiteral("no secret configured; join tokens could not be verified"));
    QString why;
    if (!d->storage.open(d->options.dataDir, &why))
        return fail(why);

    if (d->options.tlsCertificate.isNull() != d->options.tlsKey.isNull())
        return fail(QStringLiteral("TLS needs both a certificate and its key"));
    auto *server = new QWebSocketServer(
        QStringLiteral("roomshare-server"),
        isSecure() ? QWebSocketServer::SecureMode : QWebSocketServer::NonSecureMode, this);
    server->setMaxPendingConnections(MaxPendingConnections);
    d->configureSecurity(server);
    if (!server->listen(d->options.listenAddress, d->options.port)) {
        const QString message = QStringLiteral("cannot listen on %1 port %2: %3")
                                    .arg(d->options.listenAddress.toString())
                                    .arg(d->options.port)
                                    .arg(server->errorString());
        delete server;
        return fail(message);
    }
    connect(server, &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    connect(server, &QWebSocketServer::acceptError, this, [](QAbstractSocket::SocketError e) {
        qCWarning(lcServer) << "cannot accept a connection:" << e;
    });
    d->webSocketServer = server;
    d->pingTimer.start();
    qCInfo(lcServer).noquote() << "listening on" << url().toString() << "data in"
                               << d->storage.dataDir();
    return true;
}

void RoomServer::close()
{
    if (!d->webSocketServer)
        return;
    d->closeAll();
    d->webSocketServer->close();
    delete d->webSocketServer;
    d->webSocketServer = nullptr;
}

bool RoomServer::isListening() const
{
    return d->webSocketServer && d->webSocketServer->isListening();
}

QUrl RoomServer::url() const
{
    if (!isListening())
        return QUrl();
    QHostAddress address = d->webSocketServer->serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4
        || address == QHostAddress::AnyIPv6)
        address = QHostAddress(QHostAddress::LocalHost);
    QUrl url;
    url.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(address.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

quint16 RoomServer::port() const
{
    return isListening() ? d->webSocketServer->serverPort() : 0;
}

const ServerOptions &RoomServer::options() const
{
    return d->options;
}

QString RoomServer::dataDir() const
{
    return d->storage.dataDir();
}

QString RoomServer::partialDir() const
{
    return d->storage.partialDir();
}

QString RoomServer::filesDir() const
{
    return d->storage.filesDir();
}

int RoomServer::connectionCount() const
{
    return int(d->connections.size());
}

int RoomServer::roomCount() const
{
    return int(d->rooms.size());
}

int RoomServer::participantCount(const QString &room) const
{
    int n = 0;
    for (const auto &[name, r] : d->rooms) {
        if (room.isEmpty() || name == room)
            n += int(r->members().size());
    }
    return n;
}

int RoomServer::fileCount(const QString &room) const
{
    int n = 0;
    for (const auto &[name, r] : d->rooms) {
        if (room.isEmpty() || name == room)
            n += r->fileCount();
    }
    return n;
}

int RoomServer::uploadCount() const
{
    int n = 0;
    for (const Connection *c : d->connections)
        n += c->uploadCount();
    return n;
}

int RoomServer::downloadCount() const
{
    int n = 0;
    for (const Connection *c : d->connections)
        n += c->downloadCount();
    return n;
}

} // namespace Roomshare::Server
