#include "roomlink_p.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QWebSocket>

#include "connector_p.h"
#include "datachannel_p.h"
#include "dataframes.h"
#include "jsonnumbers.h"
#include "logging.h"
#include "protocol.h"

namespace Roomshare {

namespace {

// How long `join` waits for the data channel before going ahead without it.
constexpr int DataChannelWaitMs = 3000;
// A data frame for a download whose `download-accepted` has not been handled yet is held
// this long at most (the reply is normally a few microseconds behind it).
constexpr int HeldFrameTimeoutMs = 5000;
// How long a lost data channel waits for the WebSocket to tell why before it counts as a
// drop (the server closes both when it ends a participant on purpose).
constexpr int DataLossGraceMs = 1000;

} // namespace

RoomLink::RoomLink(QObject *parent)
    : QObject(parent)
{
    m_heartbeat.setInterval(m_pingIntervalMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &RoomLink::onHeartbeat);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &RoomLink::open);
    m_connector = new Connector(this);
    m_connector->setMessageLimits(
        quint64(qMax(Protocol::MaxControlMessage, Protocol::MaxDataMessage)),
        quint64(Protocol::MaxFrame));
    connect(m_connector, &Connector::connected, this, &RoomLink::adoptSocket);
    connect(m_connector, &Connector::failed, this, &RoomLink::connectFailed);
    m_dataChannelEnabled = qEnvironmentVariable("ROOMSHARE_DATA_CHANNEL") != QLatin1String("0");
    m_dataWait.setSingleShot(true);
    m_dataWait.setInterval(DataChannelWaitMs);
    connect(&m_dataWait, &QTimer::timeout, this, [this] {
        qCInfo(lcCore) << "the data channel did not come up in time; using the WebSocket";
        dropDataChannel();
        Q_EMIT readyToJoin();
    });
    m_heldTimeout.setSingleShot(true);
    m_heldTimeout.setInterval(HeldFrameTimeoutMs);
    connect(&m_heldTimeout, &QTimer::timeout, this, [this] {
        if (m_data)
            m_data->discardHeld();
    });
}

RoomLink::~RoomLink()
{
    closeNow();
}

void RoomLink::setHeartbeat(int intervalMs, int timeoutMs)
{
    m_pingIntervalMs = qMax(10, intervalMs);
    m_pingTimeoutMs = qMax(m_pingIntervalMs, timeoutMs);
    m_heartbeat.setInterval(m_pingIntervalMs);
}

void RoomLink::setTargets(const QList<QUrl> &urls, const QString &pinnedFingerprint)
{
    m_serverUrls = urls;
    m_serverUrl = m_serverUrls.value(0);
    m_pinnedFingerprint = pinnedFingerprint;
    m_trustedOnFirstUse = false;
    m_lastConnectError.clear();
    m_leaving = false;
}

void RoomLink::open()
{
    if (m_leaving)
        return;
    // The address that worked last time first; the others race it (Connector).
    QList<QUrl> urls{ m_serverUrl };
    for (const QUrl &url : std::as_const(m_serverUrls))
        if (url != m_serverUrl)
            urls.append(url);
    m_connector->setPinnedFingerprint(m_pinnedFingerprint);
    // A knock link carries no fingerprint (announcing a room must not hand out secrets, and
    // a certificate the host made itself chains to no CA): the first connection's
    // certificate is accepted and every later connection is held to it.
    m_connector->setTrustOnFirstUse(m_knocking && m_pinnedFingerprint.isEmpty());
    m_connector->start(urls, m_pingTimeoutMs);
}

void RoomLink::abortConnecting()
{
    m_retryTimer.stop();
    m_connector->abort();
}

bool RoomLink::isSocketConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void RoomLink::pinPeerCertificate()
{
    if (m_pinnedFingerprint.isEmpty() && m_socket)
        m_pinnedFingerprint
            = Connector::fingerprintOf(m_socket->sslConfiguration().peerCertificate());
}

void RoomLink::adoptSocket(QWebSocket *socket, const QUrl &url)
{
    m_socket.reset(socket);
    m_dataLost = false;
    // The data channel and every reconnection follow the address that won.
    m_serverUrl = url;
    if (m_pinnedFingerprint.isEmpty() && !m_connector->pinnedFingerprint().isEmpty()) {
        m_pinnedFingerprint = m_connector->pinnedFingerprint();
        m_trustedOnFirstUse = true;
        qCInfo(lcCore) << "trusting the server's certificate on first use:" << m_pinnedFingerprint;
    }
    connect(m_socket.get(), &QWebSocket::disconnected, this, &RoomLink::onSocketDisconnected);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &RoomLink::onTextMessage);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &RoomLink::onBinaryMessage);
    auto heard = [this] {
        m_lastHeard.restart();
    };
    connect(m_socket.get(), &QWebSocket::pong, this, heard);
    connect(m_socket.get(), &QWebSocket::textFrameReceived, this, heard);
    connect(m_socket.get(), &QWebSocket::binaryFrameReceived, this, heard);
    connect(m_socket.get(), &QWebSocket::bytesWritten, this, &RoomLink::bytesWritten);
    m_lastHeard.start();
    m_heartbeat.start();
    // A knock may wait longer than the server keeps an unclaimed data channel.
    m_joinSent = false;
    if (m_dataChannelEnabled && !m_knocking)
        openDataChannel();
    else
        Q_EMIT readyToJoin();
}

void RoomLink::prepareJoin()
{
    m_joinSent = false;
    if (m_dataChannelEnabled)
        openDataChannel();
    else
        Q_EMIT readyToJoin();
}

bool RoomLink::beginJoin()
{
    if (m_joinSent || !isSocketConnected())
        return false;
    m_joinSent = true;
    m_dataWait.stop();
    m_lastAcceptedDownload = 0;
    return true;
}

QString RoomLink::dataKey() const
{
    return m_data ? m_data->key() : QString();
}

void RoomLink::setJoined(bool dataChannelAccepted)
{
    m_dataActive = m_data && dataChannelAccepted;
    if (!m_dataActive)
        dropDataChannel();
    qCDebug(lcCore) << "joined; chunks travel over"
                    << (m_dataActive ? "the data channel" : "the WebSocket");
}

void RoomLink::onHeartbeat()
{
    if (!m_socket)
        return;
    if (m_lastHeard.elapsed() > m_pingTimeoutMs) {
        qCInfo(lcCore) << "the server has been silent for" << m_lastHeard.elapsed()
                       << "ms; dropping the connection";
        Q_EMIT silent();
        if (!m_socket)
            return;
        m_socket->abort();
        // abort() may or may not emit disconnected synchronously; make sure it is handled.
        if (m_socket)
            onSocketDisconnected();
        return;
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->ping();
}

void RoomLink::openDataChannel()
{
    dropDataChannel();
    m_data = new DataChannel(this);
    m_data->setConsumer([this](const QByteArray &message) { return onDataFrame(message); });
    connect(m_data, &DataChannel::greeted, this, [this] {
        m_dataWait.stop();
        Q_EMIT readyToJoin();
    });
    connect(m_data, &DataChannel::failed, this, [this](const QString &why) {
        if (m_dataActive) {
            // Chunks in flight on it are lost: handle it as a drop of the whole connection,
            // which reconnects and resumes every job.
            qCInfo(lcCore) << "data channel lost:" << why;
            dropDataChannel();
            // The server may have ended us on purpose (a moderator removed us, the invite
            // expired): its reason and close code travel on the WebSocket, which may not
            // have been read yet. Nothing is sent meanwhile; then it is a drop like any other.
            m_dataLost = true;
            QTimer::singleShot(DataLossGraceMs, this, [this, socket = m_socket.get()] {
                if (!m_socket || m_socket.get() != socket)
                    return;
                m_socket->abort();
                if (m_socket)
                    onSocketDisconnected();
            });
            return;
        }
        m_dataWait.stop();
        dropDataChannel();
        Q_EMIT readyToJoin();
    });
    connect(m_data, &DataChannel::activity, this, [this] { m_lastHeard.restart(); });
    connect(m_data, &DataChannel::bytesWritten, this, &RoomLink::bytesWritten);
    m_dataWait.start();
    m_data->open(m_serverUrl, m_socket->sslConfiguration().peerCertificate());
}

void RoomLink::dropDataChannel()
{
    m_dataActive = false;
    m_heldTimeout.stop();
    if (DataChannel *data = m_data.data()) {
        m_data.clear();
        data->disconnect(this);
        data->setConsumer({});
        data->deleteLater();
    }
}

bool RoomLink::onDataFrame(const QByteArray &message)
{
    const auto header = ChunkHeader::decode(message);
    if (!header || header->kind != ChunkHeader::Kind::Download)
        return true;
    if (!(m_knowsDownload && m_knowsDownload(header->transferId))
        && header->transferId > m_lastAcceptedDownload) {
        // The chunk overtook its `download-accepted` on the WebSocket: hold it (and with it
        // the channel) until that reply has been handled.
        if (!m_heldTimeout.isActive())
            m_heldTimeout.start();
        return false;
    }
    m_heldTimeout.stop();
    m_lastHeard.restart();
    if (m_chunkHandler)
        m_chunkHandler(*header, message);
    return true;
}

void RoomLink::onTextMessage(const QString &message)
{
    m_lastHeard.restart();
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject()) {
        qCWarning(lcCore) << "ignoring malformed message from the server";
        return;
    }
    const QJsonObject msg = doc.object();
    const QString type = msg.value(QLatin1String("type")).toString();
    const QJsonValue rid = msg.value(QLatin1String("rid"));
    if (type == QLatin1String("download-accepted"))
        m_lastAcceptedDownload
            = qMax(m_lastAcceptedDownload,
                   JsonNumbers::toTransferId(msg.value(QLatin1String("downloadId"))));
    ReplyHandler handler;
    if (rid.isDouble())
        handler = m_pending.take(JsonNumbers::toInteger(rid));
    if (handler)
        handler(msg);
    else
        Q_EMIT eventReceived(type, msg);
    // A data frame held for this reply can go on now.
    if (m_data && m_data->isHolding())
        m_data->resumeReading();
}

void RoomLink::onBinaryMessage(const QByteArray &message)
{
    m_lastHeard.restart();
    const auto header = ChunkHeader::decode(message);
    if (!header || header->kind != ChunkHeader::Kind::Download)
        return;
    if (m_chunkHandler)
        m_chunkHandler(*header, message);
}

void RoomLink::request(QJsonObject msg, ReplyHandler handler)
{
    const qint64 rid = m_nextRid++;
    msg.insert(QStringLiteral("rid"), double(rid));
    m_pending.insert(rid, std::move(handler));
    send(msg);
}

void RoomLink::send(const QJsonObject &msg)
{
    if (m_socket)
        m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
}

void RoomLink::sendChunk(const DataFrames::ChunkFrame &chunk)
{
    if (m_dataLost)
        return; // the connection is about to be treated as dropped; resuming resends it
    if (m_dataActive && m_data)
        m_data->send(chunk);
    else if (m_socket)
        m_socket->sendBinaryMessage(chunk.message());
}

qint64 RoomLink::backlog() const
{
    if (m_dataActive && m_data)
        return m_data->backlog();
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void RoomLink::failPending(const QJsonObject &error)
{
    const auto pending = std::exchange(m_pending, {});
    for (const auto &handler : pending)
        handler(error);
}

void RoomLink::close()
{
    if (m_socket)
        m_socket->close();
}

void RoomLink::leave()
{
    m_leaving = true;
    if (!m_socket)
        return;
    m_socket->close();
    // close() completes asynchronously; report the end now so callers see a consistent state.
    onSocketDisconnected();
}

void RoomLink::closeNow()
{
    m_leaving = true;
    m_retryTimer.stop();
    m_heartbeat.stop();
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    if (m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->close();
        m_socket->flush();
    }
    m_socket->abort();
    m_socket.reset();
}

void RoomLink::shutdown()
{
    abortConnecting();
    m_heartbeat.stop();
    if (m_socket)
        dropSocket();
}

void RoomLink::onSocketDisconnected()
{
    if (!m_socket)
        return;
    const int closeCode = int(m_socket->closeCode());
    const QString why = m_socket->errorString();
    dropSocket();
    Q_EMIT dropped(closeCode, why);
}

void RoomLink::dropSocket()
{
    const bool lingering = m_leaving && m_socket->state() != QAbstractSocket::UnconnectedState;
    // Leaving on purpose, the data channel outlives the WebSocket: the server takes a lost
    // data channel for a dropped client, and were it to see that before the `leave` still
    // on its way over the WebSocket, the session would wait out its grace period for a
    // resume that never comes (the soak test's orphaned upload).
    QPointer<DataChannel> data = lingering ? m_data : QPointer<DataChannel>();
    if (data) {
        m_data.clear();
        m_dataActive = false;
        m_heldTimeout.stop();
        data->disconnect(this);
        data->setConsumer({});
    } else {
        dropDataChannel();
    }
    m_dataWait.stop();
    // Detach first so nothing below re-enters through socket signals.
    m_socket->disconnect(this);
    m_heartbeat.stop();
    QWebSocket *socket = m_socket.release();
    if (lingering) {
        // Let what is queued (`leave`, the close frame) go out first; the socket (and the
        // data channel with it) deletes itself once closed, or after 30 s at most.
        if (data)
            data->setParent(socket);
        connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(30000, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        return;
    }
    socket->abort();
    socket->deleteLater();
}

void RoomLink::startReconnectClock()
{
    m_reconnectClock.start();
    m_retryDelayMs = 0;
}

bool RoomLink::scheduleRetry(int windowMs)
{
    const qint64 left = windowMs - m_reconnectClock.elapsed();
    if (left <= 0) {
        m_reconnectClock.invalidate();
        return false;
    }
    // Exponential backoff with jitter (0.5 s doubling to 8 s), so that many clients
    // dropped together do not come back in lockstep.
    m_retryDelayMs = m_retryDelayMs == 0 ? 500 : qMin(8000, m_retryDelayMs * 2);
    const int jitter = int(QRandomGenerator::global()->bounded(m_retryDelayMs / 4 + 1));
    const int delay = int(qMin<qint64>(left, m_retryDelayMs - m_retryDelayMs / 8 + jitter));
    qCDebug(lcCore) << "next reconnection attempt in" << delay << "ms";
    m_retryTimer.start(delay);
    return true;
}

} // namespace Roomshare
