#pragma once

#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QSet>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace Roomshare::Server {

class RoomServerPrivate;
namespace WebPage {
struct RequestHead;
}

//! Accepts the TCP connections of the room port, doing TLS itself when the server has a
//! certificate, and tells the two kinds of peer apart by their first line: a WebSocket
//! opening handshake ("GET ..." with `Upgrade: websocket`) goes to
//! QWebSocketServer::handleConnection once its Origin passed (none, the page's own origin, or
//! one of --allow-origin); any other HTTP request is answered here with the browser page
//! (WebPage) and closed; a data channel greeting (DataFrames::Greeting) gets a key and waits
//! until a `join` claims it. All kinds are bounded by the handshake timeout and the
//! per-address connection cap until they are handed on or answered, and a request head by
//! WebPage::MaxHeadBytes.
class Listener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Listener)

public:
    Listener(RoomServerPrivate *server, QObject *parent);
    ~Listener() override;

    //! Takes the data channel that was greeted with \a key from \a peer, or nullptr when
    //! there is none (unknown or expired key, or another address). The caller owns the
    //! returned socket; bytes the client sent early are still unread in it.
    QTcpSocket *claimDataChannel(const QString &key, const QHostAddress &peer);
    //! QWebSocketServer finished the opening handshake of the peer at \a peer : \a port,
    //! so its handshake deadline ends.
    void upgraded(const QHostAddress &peer, quint16 port);
    //! True when a connection being upgraded now came with \a origin and the Listener let it
    //! through (its own page's origin, or an allowed one).
    bool isApprovedOrigin(const QString &origin) const;
    //! Closes every socket not yet handed on.
    void dropPending();
    //! The most bytes read ahead from any one greeted data channel not yet claimed.
    qint64 largestUnclaimedReadAhead() const;
    //! How often accepting failed (out of descriptors): for tests and diagnostics.
    int acceptErrors() const { return m_acceptErrors; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void sniff(QTcpSocket *socket);
    void acceptDataChannel(QTcpSocket *socket);
    void handToWebSocketServer(QTcpSocket *socket);
    //! Writes \a response and closes the connection once it is out.
    void answer(QTcpSocket *socket, const QByteArray &response);
    bool isOwnOrigin(const WebPage::RequestHead &head) const;
    void drop(QTcpSocket *socket);
    int pendingFrom(const QHostAddress &address) const;
    void onAcceptError(QAbstractSocket::SocketError error);
    //! Keeps one descriptor open in reserve (/dev/null) for onAcceptError().
    void reserveDescriptor();

    RoomServerPrivate *const m_server;
    QSslConfiguration m_tls;
    bool m_secure = false;
    QSet<QTcpSocket *> m_sniffing; //!< accepted, first line not seen yet
    QHash<QString, QPointer<QTcpSocket>> m_dataChannels; //!< key -> greeted, unclaimed
    QSet<QTcpSocket *> m_upgrading; //!< handed to QWebSocketServer, handshake not done
    QTimer m_acceptRetry; //!< resumes accepting after an accept error
    int m_reserveFd = -1;
    qintptr m_descriptorLimit = 0; //!< RLIMIT_NOFILE; 0 when unknown or unlimited
    int m_acceptErrors = 0;
};

} // namespace Roomshare::Server
