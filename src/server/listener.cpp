#include "listener_p.h"

#include "roomserver_p.h"
#include "serverlogging_p.h"
#include "webpage_p.h"

#include <dataframes.h>
#include <errors.h>

#include <QRandomGenerator>
#include <QSslSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace Roomshare::Server {

namespace {

constexpr QByteArrayView HttpGet = "GET ";
// A greeted data channel reads at most this much ahead of the frame being handled; the
// rest waits in the kernel, which throttles the sender. Two chunks: frames wait here for
// their connection's turn (SliceScheduler), so this is held per busy upload (2 MiB took
// the server from 49 to 150 MiB with 50 uploads at once, benchmark row 12).
constexpr qint64 DataReadBuffer = 512 * 1024;
// After an accept failed for want of descriptors (QTcpServer then stops accepting), try
// again this much later.
constexpr int AcceptRetryMs = 200;

QString newKey()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(words), sizeof words)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

Listener::Listener(RoomServerPrivate *server, QObject *parent)
    : QTcpServer(parent)
    , m_server(server)
{
    const ServerOptions &o = server->options;
    m_secure = !o.tlsCertificate.isNull();
    if (m_secure) {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setLocalCertificate(o.tlsCertificate);
        m_tls.setPrivateKey(o.tlsKey);
        m_tls.setProtocol(QSsl::TlsV1_2OrLater);
        m_tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    }
    m_acceptRetry.setSingleShot(true);
    m_acceptRetry.setInterval(AcceptRetryMs);
    connect(&m_acceptRetry, &QTimer::timeout, this, [this] {
        if (isListening())
            resumeAccepting();
    });
    connect(this, &QTcpServer::acceptError, this, &Listener::onAcceptError);
    reserveDescriptor();
#ifdef Q_OS_UNIX
    struct rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        m_descriptorLimit = qintptr(qMin<rlim_t>(limit.rlim_cur, 1 << 30));
#endif
}

Listener::~Listener()
{
    dropPending();
#ifdef Q_OS_UNIX
    if (m_reserveFd >= 0)
        ::close(m_reserveFd);
#endif
}

void Listener::reserveDescriptor()
{
#ifdef Q_OS_UNIX
    if (m_reserveFd < 0)
        m_reserveFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
#endif
}

void Listener::onAcceptError(QAbstractSocket::SocketError error)
{
    // Out of descriptors (EMFILE/ENFILE) or buffers: QTcpServer has paused accepting and
    // would never resume by itself. The connection that could not be accepted waits in the
    // backlog and would keep the listening socket readable for ever: spend the reserve
    // descriptor to accept it and close it at once (the peer sees a close, not a hang),
    // then take the reserve back and accept again shortly, once descriptors are freed.
    ++m_acceptErrors;
    qCWarning(lcServer) << "cannot accept a connection:" << error << "; retrying in"
                        << AcceptRetryMs << "ms";
#ifdef Q_OS_UNIX
    if (m_reserveFd >= 0) {
        ::close(m_reserveFd);
        m_reserveFd = -1;
        const int fd = int(::accept(int(socketDescriptor()), nullptr, nullptr));
        if (fd >= 0)
            ::close(fd);
        reserveDescriptor();
    }
#endif
    m_acceptRetry.start();
}

void Listener::incomingConnection(qintptr descriptor)
{
    // Linux hands out the lowest free descriptor, so a high one means nearly all are in
    // use. Stop accepting before accept() fails with EMFILE: Qt 6.4 then keeps the
    // listening socket armed and spins at 100% CPU, and other versions stop accepting for
    // good. This connection is closed (its peer sees a close, not a hang), the rest wait in
    // the kernel's backlog, and accepting resumes shortly. The headroom is left for the
    // files that uploads, downloads and the database open.
    if (m_descriptorLimit > 0
        && descriptor
            >= m_descriptorLimit - qBound(qintptr(8), m_descriptorLimit / 8, qintptr(256))) {
        ++m_acceptErrors;
        qCWarning(lcServer) << "cannot accept a connection: descriptor" << descriptor
                            << "is too close to the limit of" << m_descriptorLimit
                            << "; pausing for" << AcceptRetryMs << "ms";
#ifdef Q_OS_UNIX
        ::close(int(descriptor));
#endif
        pauseAccepting();
        m_acceptRetry.start();
        return;
    }
    QTcpSocket *socket = m_secure ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServer) << "cannot take an accepted connection:" << socket->errorString();
        delete socket;
        return;
    }
    const int cap = m_server->options.maxConnectionsPerAddress;
    if (cap > 0 && pendingFrom(socket->peerAddress()) >= cap) {
        // Connections that have not said what they are yet: a client needs two at most.
        qCInfo(lcServer) << "refusing connection: too many unidentified ones from"
                         << socket->peerAddress().toString();
        socket->abort();
        socket->deleteLater();
        return;
    }
    // Control replies are small and latency-bound (an ack Nagle holds back waits for the
    // peer's delayed ACK, 40 ms); chunks go out whole anyway.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_sniffing.insert(socket);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { sniff(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    if (m_server->options.handshakeTimeoutMs > 0) {
        auto *deadline = new QTimer(socket);
        deadline->setObjectName(QStringLiteral("roomshare-deadline"));
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, this, [this, socket] {
            qCInfo(lcServer) << "dropping a connection that did not complete its handshake "
                                "in time";
            if (m_upgrading.remove(socket)) {
                // QWebSocketServer owns it now (and in Qt 6.4 applies no timeout to sockets
                // handed to it); aborting makes it clean up.
                socket->abort();
                return;
            }
            drop(socket);
        });
        deadline->start(m_server->options.handshakeTimeoutMs);
    }
    if (m_secure) {
        auto *tls = static_cast<QSslSocket *>(socket);
        tls->setSslConfiguration(m_tls);
        connect(tls, &QSslSocket::sslErrors, this, [](const QList<QSslError> &errors) {
            for (const auto &e : errors)
                qCInfo(lcServer) << "TLS error:" << e.errorString();
        });
        tls->startServerEncryption();
    }
}

int Listener::pendingFrom(const QHostAddress &address) const
{
    int count = 0;
    for (const QTcpSocket *socket : m_sniffing)
        count += socket->peerAddress().isEqual(address) ? 1 : 0;
    for (const auto &socket : m_dataChannels)
        count += socket && socket->peerAddress().isEqual(address) ? 1 : 0;
    // Handed to QWebSocketServer but not upgraded yet: nothing else counts these.
    for (const QTcpSocket *socket : m_upgrading)
        count += socket->peerAddress().isEqual(address) ? 1 : 0;
    return count;
}

void Listener::sniff(QTcpSocket *socket)
{
    if (!m_sniffing.contains(socket))
        return;
    if (socket->property("roomshare-answered").toBool()) {
        // Whatever follows an answered request is not read: the connection is closing.
        socket->readAll();
        return;
    }
    const QByteArray start = socket->peek(DataFrames::Greeting.size());
    if (DataFrames::Greeting.startsWith(start) && !start.startsWith(HttpGet)) {
        if (start.size() < DataFrames::Greeting.size())
            return; // wait for the rest of the greeting
        acceptDataChannel(socket);
        return;
    }
    if (!WebPage::looksLikeRequest(start)) {
        handToWebSocketServer(socket); // garbage: QWebSocketServer answers it with 400
        return;
    }
    const QByteArray data = socket->peek(WebPage::MaxHeadBytes + 1);
    const qsizetype length = WebPage::headLength(data);
    if (length < 0) {
        if (data.size() > WebPage::MaxHeadBytes) {
            qCInfo(lcServer) << "refusing an oversized request head from"
                             << socket->peerAddress().toString();
            answer(socket,
                   WebPage::errorResponse(431, "Request Header Fields Too Large",
                                          "The request head is larger than 8 KiB."));
        }
        return; // the rest of the head has until the handshake deadline to arrive
    }
    const auto head = WebPage::parseHead(QByteArrayView(data).first(length));
    if (!head) {
        answer(socket, WebPage::errorResponse(400, "Bad Request", "Not an HTTP/1.1 request."));
        return;
    }
    if (head->isWebSocketUpgrade()) {
        const QByteArray origin = head->header("origin");
        if (!origin.isEmpty() && !isOwnOrigin(*head)
            && !m_server->isOriginAllowed(QString::fromLatin1(origin))) {
            qCInfo(lcServer) << "refused Origin" << origin.left(200);
            answer(socket,
                   WebPage::errorResponse(403, "Forbidden",
                                          "This server does not accept WebSocket connections "
                                          "from pages of that origin (see --allow-origin)."));
            return;
        }
        socket->setProperty("roomshare-origin", QString::fromLatin1(origin));
        handToWebSocketServer(socket);
        return;
    }
    qCDebug(lcServer) << "HTTP" << head->method << head->target.left(200) << "from"
                      << socket->peerAddress().toString();
    answer(socket, WebPage::respond(*head));
}

bool Listener::isOwnOrigin(const WebPage::RequestHead &head) const
{
    // A page this server served opens its WebSocket to the host it was loaded from, so its
    // Origin is the scheme plus the Host header of this very request. A server behind a
    // proxy that ends TLS is reached over https although it speaks plain HTTP itself.
    const QByteArray host = head.header("host");
    if (host.isEmpty())
        return false;
    const QByteArray origin = head.header("origin").toLower();
    const bool httpsLinks = m_secure
        || (!m_server->options.publicUrls.isEmpty()
            && m_server->options.publicUrls.constFirst().scheme() == QLatin1String("wss"));
    return origin == (httpsLinks ? "https://" : "http://") + host.toLower();
}

bool Listener::isApprovedOrigin(const QString &origin) const
{
    for (const QTcpSocket *socket : m_upgrading)
        if (socket->property("roomshare-origin").toString() == origin)
            return true;
    return false;
}

void Listener::handToWebSocketServer(QTcpSocket *socket)
{
    m_sniffing.remove(socket);
    socket->disconnect(this);
    // The deadline keeps running until upgraded() reports the handshake done.
    m_upgrading.insert(socket);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_upgrading.remove(socket); });
    socket->setParent(nullptr);
    m_server->webSocketServer->handleConnection(socket);
}

void Listener::answer(QTcpSocket *socket, const QByteArray &response)
{
    // The socket stays among the unidentified ones (per-address cap, handshake deadline)
    // until the response is out and the connection closed.
    socket->setProperty("roomshare-answered", true);
    socket->write(response);
    socket->disconnectFromHost();
}

qint64 Listener::largestUnclaimedReadAhead() const
{
    qint64 largest = 0;
    for (const QPointer<QTcpSocket> &socket : m_dataChannels) {
        if (socket)
            largest = qMax(largest, socket->bytesAvailable());
    }
    return largest;
}

void Listener::acceptDataChannel(QTcpSocket *socket)
{
    socket->skip(DataFrames::Greeting.size());
    m_sniffing.remove(socket);
    // Frames sent before a join claims the channel stay unread; bounded by the buffer.
    socket->setReadBufferSize(DataReadBuffer);
    socket->disconnect(this);
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    const QString key = newKey();
    m_dataChannels.insert(key, socket);
    socket->setProperty("roomshare-key", key);
    if (auto *deadline = socket->findChild<QTimer *>(QStringLiteral("roomshare-deadline"),
                                                     Qt::FindDirectChildrenOnly)) {
        // A greeted channel waits for its WebSocket to join.
        deadline->start(
            qMax(m_server->options.joinTimeoutMs, m_server->options.handshakeTimeoutMs));
    }
    socket->write(DataFrames::OkPrefix.toByteArray() + key.toLatin1() + '\n');
    qCDebug(lcServer) << "data channel greeted from" << socket->peerAddress().toString();
}

void Listener::upgraded(const QHostAddress &peer, quint16 port)
{
    for (auto it = m_upgrading.begin(); it != m_upgrading.end(); ++it) {
        QTcpSocket *socket = *it;
        if (socket->peerPort() == port && socket->peerAddress().isEqual(peer)) {
            delete socket->findChild<QTimer *>(QStringLiteral("roomshare-deadline"),
                                               Qt::FindDirectChildrenOnly);
            m_upgrading.erase(it);
            return;
        }
    }
}

QTcpSocket *Listener::claimDataChannel(const QString &key, const QHostAddress &peer)
{
    const auto it = m_dataChannels.find(key);
    if (it == m_dataChannels.end() || !it.value())
        return nullptr;
    QTcpSocket *socket = it.value();
    if (!socket->peerAddress().isEqual(peer) || socket->state() != QAbstractSocket::ConnectedState)
        return nullptr;
    m_dataChannels.erase(it);
    socket->disconnect(this);
    delete socket->findChild<QTimer *>(QStringLiteral("roomshare-deadline"),
                                       Qt::FindDirectChildrenOnly);
    socket->setParent(nullptr);
    return socket;
}

void Listener::drop(QTcpSocket *socket)
{
    m_sniffing.remove(socket);
    m_dataChannels.remove(socket->property("roomshare-key").toString());
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void Listener::dropPending()
{
    const auto sniffing = m_sniffing.values();
    for (QTcpSocket *s : sniffing)
        drop(s);
    const auto channels = m_dataChannels.values();
    for (const auto &s : channels)
        if (s)
            drop(s);
    m_dataChannels.clear();
}

} // namespace Roomshare::Server
