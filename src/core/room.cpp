#include "room.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSslConfiguration>
#include <QSslError>
#include <QStandardPaths>
#include <QWebSocket>

#include "allocator.h"
#include "chunkheader.h"
#include "connector_p.h"
#include "datachannel_p.h"
#include "downloadjob.h"
#include "events.h"
#include "invite.h"
#include "jsonnumbers.h"
#include "logging.h"
#include "protocol.h"
#include "transferqueue.h"
#include "uploadjob.h"

namespace Roomshare {

namespace {

// Uploads of one sendFiles() that run at once; the rest wait their turn. The server
// publishes the uploads that complete together with one group commit, so with small files
// this is roughly how many share each of its syncs (8 gave batches of 8). Below the server's
// per-connection limit (32 by default) with room to spare: an upload cancelled while its
// `upload-begin` is in flight still counts on the server until its `upload-cancel` arrives.
constexpr int MaxConcurrentUploads = 24;
// How long `join` waits for the data channel before going ahead without it.
constexpr int DataChannelWaitMs = 3000;
// A data frame for a download whose `download-accepted` has not been handled yet is held
// this long at most (the reply is normally a few microseconds behind it).
constexpr int HeldFrameTimeoutMs = 5000;
// How long a lost data channel waits for the WebSocket to tell why before it counts as a
// drop (the server closes both when it ends a participant on purpose).
constexpr int DataLossGraceMs = 1000;

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const auto &item : a) {
        const QString s
            = item.isDouble() ? QString::number(JsonNumbers::toInteger(item)) : item.toString();
        if (!s.isEmpty())
            out.append(s);
    }
    return out;
}

ErrorCode codeOf(const QJsonObject &msg, ErrorCode fallback)
{
    const int code = msg.value(QLatin1String("code")).toInt(0);
    return code >= int(ErrorCode::RoomDisconnected) ? ErrorCode(code) : fallback;
}

} // namespace

Room::Room(QObject *parent)
    : QObject(parent)
    , m_uploadQueue(new TransferQueue(MaxConcurrentUploads, this))
{
    tuneAllocatorForChunks();
    m_heartbeat.setInterval(m_pingIntervalMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &Room::onHeartbeat);
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Room::openSocket);
    m_connector = new Connector(this);
    m_connector->setMessageLimits(
        quint64(qMax(Protocol::MaxControlMessage, Protocol::MaxDataMessage)),
        quint64(Protocol::MaxFrame));
    connect(m_connector, &Connector::connected, this, &Room::adoptSocket);
    connect(m_connector, &Connector::failed, this, &Room::onConnectFailed);
    m_dataChannelEnabled = qEnvironmentVariable("ROOMSHARE_DATA_CHANNEL") != QLatin1String("0");
    m_dataWait.setSingleShot(true);
    m_dataWait.setInterval(DataChannelWaitMs);
    connect(&m_dataWait, &QTimer::timeout, this, [this] {
        qCInfo(lcCore) << "the data channel did not come up in time; using the WebSocket";
        dropDataChannel();
        sendJoin();
    });
    m_heldTimeout.setSingleShot(true);
    m_heldTimeout.setInterval(HeldFrameTimeoutMs);
    connect(&m_heldTimeout, &QTimer::timeout, this, [this] {
        if (m_data)
            m_data->discardHeld();
    });
}

Room::~Room()
{
    m_closing = true;
    if (m_socket) {
        m_socket->disconnect(this);
        // Leaving on purpose: `leave` tells the server not to wait for a resume.
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            if (m_state == State::Connected)
                sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("leave") } });
            m_socket->close();
            m_socket->flush();
        }
        m_socket->abort();
    }
    // Jobs are children; they are destroyed with the room. Downloads leave their partial
    // file and its sidecar behind, so a later download of the same file continues it.
}

void Room::setHeartbeat(int intervalMs, int timeoutMs)
{
    m_pingIntervalMs = qMax(10, intervalMs);
    m_pingTimeoutMs = qMax(m_pingIntervalMs, timeoutMs);
    m_heartbeat.setInterval(m_pingIntervalMs);
}

QString Room::serverAddress() const
{
    return ServerEndpoint{ m_serverUrl.host(), quint16(m_serverUrl.port()) }.toString();
}

bool Room::connectToRoom(const QString &inviteLink, const QString &displayName)
{
    QString why;
    const auto link = InviteLink::parse(inviteLink, &why);
    if (!link) {
        m_lastError = ErrorCode::InvalidInvite;
        m_lastErrorText = QStringLiteral("This invite link is not valid: %1").arg(why);
        return false;
    }
    if (link->isKnockLink() && displayName.trimmed().isEmpty()) {
        m_lastError = ErrorCode::InvalidRequest;
        m_lastErrorText = QStringLiteral("This link carries no invite token: knocking on the room "
                                         "needs your display name");
        return false;
    }
    if (m_socket || m_state != State::Disconnected)
        disconnectFromRoom();

    m_inviteLink = inviteLink.trimmed();
    m_token = link->token;
    m_pinnedFingerprint = link->certFingerprint;
    m_roomName = link->room;
    m_requestedName = displayName.trimmed();
    m_serverUrls = link->serverUrls();
    m_serverUrl = m_serverUrls.constFirst();
    m_sessionId.clear();
    m_lastConnectError.clear();
    m_endedByServer = false;
    m_lastError = ErrorCode::None;
    m_lastErrorText.clear();
    m_closing = false;
    m_knocking = link->isKnockLink();
    m_trustedOnFirstUse = false;
    m_lobbyEnabled = true;
    m_knocks.clear();
    setState(State::Connecting);
    qCInfo(lcCore) << "connecting to" << m_serverUrls << "room" << m_roomName;
    openSocket();
    return true;
}

void Room::openSocket()
{
    if (m_closing)
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

void Room::adoptSocket(QWebSocket *socket, const QUrl &url)
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
    connect(m_socket.get(), &QWebSocket::disconnected, this, &Room::onSocketDisconnected);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &Room::onTextMessage);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, &Room::onBinaryMessage);
    auto heard = [this] {
        m_lastHeard.restart();
    };
    connect(m_socket.get(), &QWebSocket::pong, this, heard);
    connect(m_socket.get(), &QWebSocket::textFrameReceived, this, heard);
    connect(m_socket.get(), &QWebSocket::binaryFrameReceived, this, heard);
    connect(m_socket.get(), &QWebSocket::bytesWritten, this, [this] {
        const auto uploads = m_uploads;
        for (const auto &job : uploads)
            if (job)
                job->pump();
    });
    m_lastHeard.start();
    m_heartbeat.start();
    onSocketConnected();
}

void Room::onConnectFailed(ErrorCode code, const QString &text)
{
    if (m_closing || m_state == State::Disconnected)
        return;
    qCInfo(lcCore).noquote() << text;
    // A certificate that does not match cannot get better by trying again.
    const bool permanent = code == ErrorCode::TlsVerificationFailed;
    if (!permanent && m_state == State::Reconnecting && m_reconnectClock.isValid()) {
        m_lastConnectError = text;
        return scheduleReconnect();
    }
    fail(code, text);
    finishDisconnect();
}

void Room::onHeartbeat()
{
    if (!m_socket)
        return;
    if (m_lastHeard.elapsed() > m_pingTimeoutMs) {
        qCInfo(lcCore) << "the server has been silent for" << m_lastHeard.elapsed()
                       << "ms; dropping the connection";
        fail(ErrorCode::ConnectionLost,
             QStringLiteral("The room server stopped answering (no reply for %1 s)")
                 .arg(m_pingTimeoutMs / 1000.0));
        m_socket->abort();
        // abort() may or may not emit disconnected synchronously; make sure it is handled.
        if (m_socket)
            onSocketDisconnected();
        return;
    }
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->ping();
}

void Room::disconnectFromRoom()
{
    m_retryTimer.stop();
    m_connector->abort();
    if (!m_socket && m_state == State::Disconnected)
        return;
    m_closing = true;
    if (m_socket) {
        if (m_state == State::Connected)
            sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("leave") } });
        m_socket->close();
        // close() completes asynchronously; report the end now so callers see a consistent
        // state.
        onSocketDisconnected();
    } else {
        finishDisconnect();
    }
}

QString Room::disconnectedText() const
{
    // The EnableX text alone ("not allowed on disconnected rooms") does not say what to
    // fix; the reason the room is disconnected does (an address, a cause).
    if (m_lastErrorText.isEmpty())
        return errorText(ErrorCode::RoomDisconnected);
    return errorText(ErrorCode::RoomDisconnected) + QStringLiteral(": ") + m_lastErrorText;
}

void Room::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Room::fail(ErrorCode code, const QString &text)
{
    if (m_lastError == ErrorCode::None) {
        m_lastError = code;
        m_lastErrorText = text;
    }
}

void Room::onSocketConnected()
{
    m_lastHeard.restart();
    m_joinSent = false;
    // A knock may wait longer than the server keeps an unclaimed data channel.
    if (m_dataChannelEnabled && !m_knocking)
        openDataChannel();
    else
        sendJoin();
}

void Room::openDataChannel()
{
    dropDataChannel();
    m_data = new DataChannel(this);
    m_data->setConsumer([this](const QByteArray &message) { return onDataFrame(message); });
    connect(m_data, &DataChannel::greeted, this, [this] {
        m_dataWait.stop();
        sendJoin();
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
        sendJoin();
    });
    connect(m_data, &DataChannel::activity, this, [this] { m_lastHeard.restart(); });
    connect(m_data, &DataChannel::bytesWritten, this, [this] {
        const auto uploads = m_uploads;
        for (const auto &job : uploads)
            if (job)
                job->pump();
    });
    m_dataWait.start();
    m_data->open(m_serverUrl, m_socket->sslConfiguration().peerCertificate());
}

void Room::dropDataChannel()
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

bool Room::onDataFrame(const QByteArray &message)
{
    const auto header = ChunkHeader::decode(message);
    if (!header || header->kind != ChunkHeader::Kind::Download)
        return true;
    if (!m_downloadsByWireId.contains(header->transferId)
        && header->transferId > m_lastAcceptedDownload) {
        // The chunk overtook its `download-accepted` on the WebSocket: hold it (and with it
        // the channel) until that reply has been handled.
        if (!m_heldTimeout.isActive())
            m_heldTimeout.start();
        return false;
    }
    m_heldTimeout.stop();
    m_lastHeard.restart();
    dispatchChunk(*header, message);
    return true;
}

void Room::sendJoin()
{
    if (m_joinSent || !m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_joinSent = true;
    m_dataWait.stop();
    m_lastAcceptedDownload = 0;
    if (m_knocking)
        return sendKnock();
    QJsonObject join{ { QStringLiteral("type"), QStringLiteral("join") },
                      { QStringLiteral("version"), Protocol::Version },
                      { QStringLiteral("room"), m_roomName },
                      { QStringLiteral("token"), m_token } };
    if (!m_requestedName.isEmpty())
        join.insert(QStringLiteral("name"), m_requestedName);
    if (!m_sessionId.isEmpty())
        join.insert(QStringLiteral("resume"), m_sessionId);
    if (m_data && !m_data->key().isEmpty())
        join.insert(QStringLiteral("dataKey"), m_data->key());
    request(join, [this](const QJsonObject &reply) {
        if (reply.value(QLatin1String("type")).toString() == QLatin1String("joined"))
            return handleJoined(reply);
        if (reply.value(QLatin1String("transient")).toBool())
            return; // the attempt's connection dropped; onSocketDisconnected deals with it
        // Refused: retrying cannot help.
        m_reconnectClock.invalidate();
        m_lastError = ErrorCode::None;
        fail(codeOf(reply, ErrorCode::InvalidInvite),
             reply.value(QLatin1String("desc")).toString());
        m_closing = false;
        if (m_socket)
            m_socket->close();
    });
}

void Room::handleJoined(const QJsonObject &msg)
{
    const bool reconnected = m_state == State::Reconnecting;
    m_dataActive = m_data && msg.value(QLatin1String("dataChannel")).toBool();
    if (!m_dataActive)
        dropDataChannel();
    qCDebug(lcCore) << "joined; chunks travel over"
                    << (m_dataActive ? "the data channel" : "the WebSocket");
    m_clientId = msg.value(QLatin1String("clientId")).toString();
    m_sessionId = msg.value(QLatin1String("sessionId")).toString();
    m_displayName = msg.value(QLatin1String("name")).toString();
    m_role = msg.value(QLatin1String("role")).toString();
    m_maxFileSize = JsonNumbers::toInteger(msg.value(QLatin1String("maxFileSize")));
    m_lastError = ErrorCode::None;
    m_lastErrorText.clear();
    resetLobby(msg);
    m_joining = JoinInProgress{};
    m_joining->reconnected = reconnected;
    m_joining->resumed = msg.value(QLatin1String("resumed")).toBool();
    for (const auto &p : msg.value(QLatin1String("participants")).toArray())
        m_joining->participants.append(Participant::fromJson(p.toObject()));
    // A large room's files come in pages: the room is joined once the last one is in.
    if (absorbFilePage(msg))
        completeJoin();
}

void Room::completeJoin()
{
    JoinInProgress join = std::move(*m_joining);
    m_joining.reset();
    m_reconnectClock.invalidate();
    if (join.reconnected)
        return refreshAfterResume(join);
    m_participants = std::move(join.participants);
    m_files = std::move(join.files);
    qCInfo(lcCore) << "joined room" << m_roomName << "as" << m_clientId << m_displayName;
    setState(State::Connected);
    Q_EMIT availableFilesReset();
    Q_EMIT connected();
    // EnableX clients build their list from notifications; give them the earlier files too.
    for (const auto &file : std::as_const(m_files))
        Q_EMIT fsDownloadResult(Events::downloadAvailable(file));
}

void Room::refreshAfterResume(const JoinInProgress &join)
{
    qCInfo(lcCore) << "reconnected to room" << m_roomName << "as" << m_clientId
                   << (join.resumed ? "(resumed)" : "(new session)");
    // Tell front ends only what changed while we were away.
    const QList<Participant> &now = join.participants;
    const QList<Participant> before = std::exchange(m_participants, now);
    const QMap<qint64, FileInfo> oldFiles = std::exchange(m_files, join.files);
    setState(State::Connected);
    for (const Participant &p : before) {
        if (!participant(p.clientId).clientId.isEmpty())
            continue;
        Q_EMIT participantLeft(p);
    }
    for (const Participant &p : now) {
        bool known = false;
        for (const Participant &o : before)
            known = known || o.clientId == p.clientId;
        if (!known)
            Q_EMIT participantJoined(p);
    }
    for (auto it = oldFiles.cbegin(); it != oldFiles.cend(); ++it) {
        if (!m_files.contains(it.key()))
            Q_EMIT fileRemoved(it.key(), QStringLiteral("removed"));
    }
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (!oldFiles.contains(it.key())) {
            Q_EMIT fileAvailable(it.value());
            Q_EMIT fsDownloadResult(Events::downloadAvailable(it.value()));
        }
    }
    Q_EMIT connected();
    for (const quint32 id : std::exchange(m_cancelAfterResume, {}))
        request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                             { QStringLiteral("uploadId"), double(id) } },
                [](const QJsonObject &) {});
    const auto uploads = m_uploads;
    for (const auto &job : uploads)
        if (job)
            job->resumeAfterReconnect();
    const auto downloads = m_downloads;
    for (const auto &job : downloads)
        if (job)
            job->resumeAfterReconnect();
}

void Room::dropSocket()
{
    dropDataChannel();
    m_dataWait.stop();
    // Detach first so nothing below re-enters through socket signals.
    m_socket->disconnect(this);
    m_heartbeat.stop();
    QWebSocket *socket = m_socket.release();
    if (m_closing && socket->state() != QAbstractSocket::UnconnectedState) {
        // Leaving on purpose: let what is queued (`leave`, the close frame) go out first;
        // the socket deletes itself once closed, or after 30 s at most.
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

void Room::onSocketDisconnected()
{
    if (!m_socket || m_state == State::Disconnected)
        return;
    const bool wasJoined = m_state == State::Connected || m_state == State::Reconnecting;
    // The server's documented close codes (docs/protocol.md) tell why it ended us; some
    // mean that trying again cannot help.
    bool permanent = m_lastError == ErrorCode::TlsVerificationFailed || m_endedByServer;
    if (!m_closing) {
        const int closeCode = int(m_socket->closeCode());
        if (closeCode == 4003) {
            m_lastError = ErrorCode::None;
            fail(ErrorCode::InvalidInvite,
                 QStringLiteral("Your invite expired; ask for a new link to rejoin"));
            permanent = true;
        } else if (closeCode == 4004) {
            m_lastError = ErrorCode::None;
            fail(ErrorCode::NotPermitted, QStringLiteral("A moderator removed you from the room"));
            permanent = true;
        } else if (closeCode == 4029) {
            fail(ErrorCode::LimitExceeded,
                 QStringLiteral("The server has too many connections from this address"));
        }
    }
    const bool retry = !m_closing && !permanent && wasJoined && m_reconnectWindowMs > 0
        && (m_state == State::Connected || m_reconnectClock.isValid());
    if (!retry) {
        if (!m_closing) {
            if (m_state == State::Connected)
                fail(ErrorCode::ConnectionLost,
                     QStringLiteral("The connection to the room was lost"));
            else
                fail(ErrorCode::RoomDisconnected,
                     QStringLiteral("The room server at %1 closed the connection before you "
                                    "joined: %2")
                         .arg(serverAddress(), m_socket->errorString()));
        }
        dropSocket();
        return finishDisconnect();
    }

    const QString why = m_socket->errorString();
    dropSocket();
    if (m_state == State::Connected) {
        qCInfo(lcCore) << "connection to room" << m_roomName << "lost (" << why
                       << "); reconnecting for up to" << m_reconnectWindowMs << "ms";
        m_reconnectClock.start();
        m_retryDelayMs = 0;
        setState(State::Reconnecting);
        // Jobs pause (they see State::Reconnecting) and pick up again after the resume.
        const auto uploads = m_uploads;
        for (const auto &job : uploads)
            if (job)
                job->handleConnectionLost();
        const auto downloads = m_downloads;
        for (const auto &job : downloads)
            if (job)
                job->handleConnectionLost();
        m_uploadsByWireId.clear();
        m_downloadsByWireId.clear();
    }
    // Requests that were waiting for an answer will not get one on this connection.
    const auto pending = std::exchange(m_pending, {});
    for (const auto &handler : pending)
        handler(QJsonObject{ { QStringLiteral("type"), QStringLiteral("error") },
                             { QStringLiteral("code"), int(ErrorCode::ConnectionLost) },
                             { QStringLiteral("transient"), true },
                             { QStringLiteral("desc"), errorText(ErrorCode::ConnectionLost) } });
    scheduleReconnect();
}

void Room::scheduleReconnect()
{
    const qint64 left = m_reconnectWindowMs - m_reconnectClock.elapsed();
    if (left <= 0) {
        qCInfo(lcCore) << "giving up reconnecting to room" << m_roomName;
        m_reconnectClock.invalidate();
        fail(ErrorCode::ConnectionLost,
             QStringLiteral("The connection to the room was lost and could not be restored "
                            "within %1 s%2")
                 .arg(m_reconnectWindowMs / 1000)
                 .arg(m_lastConnectError.isEmpty() ? QString()
                                                   : QStringLiteral(": ") + m_lastConnectError));
        return finishDisconnect();
    }
    // Exponential backoff with jitter (0.5 s doubling to 8 s), so that many clients
    // dropped together do not come back in lockstep.
    m_retryDelayMs = m_retryDelayMs == 0 ? 500 : qMin(8000, m_retryDelayMs * 2);
    const int jitter = int(QRandomGenerator::global()->bounded(m_retryDelayMs / 4 + 1));
    const int delay = int(qMin<qint64>(left, m_retryDelayMs - m_retryDelayMs / 8 + jitter));
    qCDebug(lcCore) << "next reconnection attempt in" << delay << "ms";
    m_retryTimer.start(delay);
}

void Room::finishDisconnect()
{
    m_retryTimer.stop();
    m_connector->abort();
    m_heartbeat.stop();
    if (m_socket)
        dropSocket();
    const State previous = m_state;
    // Jobs must see Disconnected, not Reconnecting, so they fail rather than pause.
    m_state = State::Disconnected;
    const auto pending = std::exchange(m_pending, {});
    for (const auto &handler : pending)
        handler(QJsonObject{ { QStringLiteral("type"), QStringLiteral("error") },
                             { QStringLiteral("code"), int(ErrorCode::RoomDisconnected) },
                             { QStringLiteral("desc"), disconnectedText() } });
    // Copies: a finishing job removes itself from these maps.
    const auto uploads = m_uploads;
    for (const auto &job : uploads)
        if (job)
            job->handleConnectionLost();
    const auto downloads = m_downloads;
    for (const auto &job : downloads)
        if (job)
            job->handleConnectionLost();
    m_participants.clear();
    const bool hadFiles = !m_files.isEmpty();
    m_files.clear();
    m_completedUploads.clear();
    m_cancelAfterResume.clear();
    m_clientId.clear();
    m_sessionId.clear();
    m_knocking = false;
    m_knocks.clear();
    if (previous != State::Disconnected)
        Q_EMIT stateChanged(State::Disconnected);
    if (hadFiles)
        Q_EMIT availableFilesReset();
    Q_EMIT disconnected(m_closing ? ErrorCode::None : m_lastError,
                        m_closing ? QString() : m_lastErrorText);
}

void Room::onTextMessage(const QString &message)
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
        handleEvent(type, msg);
    // A data frame held for this reply can go on now.
    if (m_data && m_data->isHolding())
        m_data->resumeReading();
}

void Room::handleEvent(const QString &type, const QJsonObject &msg)
{
    auto upload = [&] {
        return m_uploadsByWireId.value(
            JsonNumbers::toTransferId(msg.value(QLatin1String("uploadId"))));
    };
    auto download = [&] {
        return m_downloadsByWireId.value(
            JsonNumbers::toTransferId(msg.value(QLatin1String("downloadId"))));
    };

    if (handleLobbyEvent(type, msg))
        return;
    if (m_joining && absorbEventWhileJoining(type, msg))
        return;
    if (type == QLatin1String("upload-ack")) {
        if (auto job = upload())
            job->handleAck(JsonNumbers::toInteger(msg.value(QLatin1String("offset"))));
    } else if (type == QLatin1String("upload-nack")) {
        if (auto job = upload())
            job->handleNack(JsonNumbers::toInteger(msg.value(QLatin1String("offset"))));
    } else if (type == QLatin1String("upload-done")) {
        if (auto job = upload())
            job->handleDone(FileInfo::fromJson(msg.value(QLatin1String("file")).toObject()));
    } else if (type == QLatin1String("upload-failed")) {
        if (auto job = upload())
            job->handleFailed(codeOf(msg, ErrorCode::UploadFailed),
                              msg.value(QLatin1String("desc")).toString());
    } else if (type == QLatin1String("download-end")) {
        if (auto job = download())
            job->handleEnd();
    } else if (type == QLatin1String("download-failed")) {
        if (auto job = download())
            job->handleFailed(codeOf(msg, ErrorCode::DownloadFailed),
                              msg.value(QLatin1String("desc")).toString());
    } else if (type == QLatin1String("participant-joined")) {
        const Participant p
            = Participant::fromJson(msg.value(QLatin1String("participant")).toObject());
        m_participants.append(p);
        Q_EMIT participantJoined(p);
    } else if (type == QLatin1String("participant-left")) {
        const QString id = msg.value(QLatin1String("clientId")).toString();
        for (int i = 0; i < m_participants.size(); ++i) {
            if (m_participants.at(i).clientId == id) {
                const Participant p = m_participants.takeAt(i);
                Q_EMIT participantLeft(p);
                break;
            }
        }
    } else if (type == QLatin1String("file-available")) {
        const FileInfo file = FileInfo::fromJson(msg.value(QLatin1String("file")).toObject());
        if (!file.isValid() || m_files.contains(file.index))
            return;
        m_files.insert(file.index, file);
        Q_EMIT fileAvailable(file);
        Q_EMIT fsDownloadResult(Events::downloadAvailable(file));
    } else if (type == QLatin1String("file-removed")) {
        const qint64 index = JsonNumbers::toInteger(msg.value(QLatin1String("index")), -1);
        if (m_files.remove(index))
            Q_EMIT fileRemoved(index, msg.value(QLatin1String("reason")).toString());
    } else if (type == QLatin1String("error")) {
        qCWarning(lcCore) << "server error" << msg.value(QLatin1String("code")).toInt()
                          << msg.value(QLatin1String("desc")).toString();
        // The server ends a participant on purpose (a moderator removed it, its invite
        // expired) with this error, then closes. Whatever reaches us first after it (the
        // close code, or a drop of the data channel), coming back cannot help.
        const ErrorCode code = codeOf(msg, ErrorCode::None);
        if (code == ErrorCode::NotPermitted || code == ErrorCode::InvalidInvite) {
            m_lastError = ErrorCode::None;
            fail(code, msg.value(QLatin1String("desc")).toString());
            m_endedByServer = true;
        }
    } else {
        qCDebug(lcCore) << "ignoring unknown message" << type;
    }
}

void Room::onBinaryMessage(const QByteArray &message)
{
    m_lastHeard.restart();
    const auto header = ChunkHeader::decode(message);
    if (!header || header->kind != ChunkHeader::Kind::Download)
        return;
    dispatchChunk(*header, message);
}

void Room::dispatchChunk(const ChunkHeader &header, const QByteArray &message)
{
    // Chunks of a download we cancelled may still be in flight: dropping them is expected.
    if (auto job = m_downloadsByWireId.value(header.transferId))
        job->handleChunk(header, message);
}

void Room::request(QJsonObject msg, ReplyHandler handler)
{
    if (m_state == State::Reconnecting
        && msg.value(QLatin1String("type")).toString() != QLatin1String("join")) {
        // A job that starts while the room is reconnecting waits for the connection, as
        // the running ones do, instead of failing.
        handler(QJsonObject{ { QStringLiteral("type"), QStringLiteral("error") },
                             { QStringLiteral("code"), int(ErrorCode::ConnectionLost) },
                             { QStringLiteral("transient"), true },
                             { QStringLiteral("desc"), errorText(ErrorCode::ConnectionLost) } });
        return;
    }
    if (!isConnected()
        && !(m_socket && msg.value(QLatin1String("type")).toString() == QLatin1String("join"))) {
        handler(QJsonObject{ { QStringLiteral("type"), QStringLiteral("error") },
                             { QStringLiteral("code"), int(ErrorCode::RoomDisconnected) },
                             { QStringLiteral("desc"), disconnectedText() } });
        return;
    }
    const qint64 rid = m_nextRid++;
    msg.insert(QStringLiteral("rid"), double(rid));
    m_pending.insert(rid, std::move(handler));
    sendControl(msg);
}

void Room::sendControl(const QJsonObject &msg)
{
    if (m_socket)
        m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
}

void Room::sendChunk(const DataFrames::ChunkFrame &chunk)
{
    if (m_dataLost)
        return; // the connection is about to be treated as dropped; resuming resends it
    if (m_dataActive && m_data)
        m_data->send(chunk);
    else if (m_socket)
        m_socket->sendBinaryMessage(chunk.message());
}

qint64 Room::socketBacklog() const
{
    if (m_dataActive && m_data)
        return m_data->backlog();
    return m_socket ? m_socket->bytesToWrite() : 0;
}

Participant Room::participant(const QString &clientId) const
{
    for (const auto &p : m_participants)
        if (p.clientId == clientId)
            return p;
    return Participant();
}

QJsonArray Room::availableFiles() const
{
    QJsonArray out;
    for (const auto &f : m_files)
        out.append(f.toJson());
    return out;
}

QString Room::defaultDownloadDir()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (dir.isEmpty())
        dir = QDir::home().filePath(QStringLiteral("Downloads"));
    return dir;
}

QList<TransferJob *> Room::jobs() const
{
    QList<TransferJob *> out;
    for (const auto &j : m_uploads)
        if (j)
            out.append(j);
    for (const auto &j : m_downloads)
        if (j)
            out.append(j);
    return out;
}

TransferJob *Room::job(TransferInfo::Direction direction, qint64 id) const
{
    if (direction == TransferInfo::Direction::Upload)
        return m_uploads.value(id).data();
    return m_downloads.value(id).data();
}

QList<qint64> Room::sendFiles(const QStringList &paths, const QJsonObject &options,
                              const Callback &callback)
{
    auto refuse = [&](ErrorCode code, const QString &desc) {
        if (callback)
            callback(Events::error(code, desc));
        return QList<qint64>();
    };
    if (!isConnected())
        return refuse(ErrorCode::RoomDisconnected, disconnectedText());
    if (paths.isEmpty())
        return refuse(ErrorCode::EmptyFileList, QString());
    const bool broadcast = options.value(QLatin1String("broadcast")).toBool(true);
    const QStringList recipients
        = broadcast ? QStringList() : stringList(options.value(QLatin1String("clientList")));
    if (!broadcast && recipients.isEmpty())
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("file upload failed because no recipient was chosen"));

    QList<qint64> ids;
    for (const QString &path : paths) {
        auto *job = new UploadJob(m_nextUploadJobId++, path, broadcast, recipients, this);
        m_uploads.insert(job->id(), job);
        connect(job, &TransferJob::started, this,
                [this, job] { Q_EMIT fsUploadResult(Events::upload(job->info())); });
        connect(job, &TransferJob::resumed, this, [this, job](qint64 offset) {
            Q_EMIT fsUploadResult(Events::resumed(job->info(), offset));
        });
        connect(job, &TransferJob::finished, this, [this, job, callback] {
            m_uploads.remove(job->id());
            m_uploadsByWireId.remove(job->wireId());
            if (job->status() == TransferInfo::Status::Completed)
                m_completedUploads.insert(job->id(), job->wireId());
            const QJsonObject event = Events::upload(job->info(), job->announced());
            Q_EMIT fsUploadResult(event);
            if (callback)
                callback(event);
        });
        ids.append(job->id());
        Q_EMIT jobAdded(job);
        m_uploadQueue->enqueue(job);
    }
    return ids;
}

qint64 Room::recvFiles(qint64 index, const QJsonObject &options, const Callback &callback)
{
    auto refuse = [&](ErrorCode code, const QString &desc) {
        if (callback)
            callback(Events::error(code, desc));
        return qint64(-1);
    };
    if (!isConnected())
        return refuse(ErrorCode::RoomDisconnected, disconnectedText());
    const FileInfo info = m_files.value(index);
    if (!info.isValid())
        return refuse(ErrorCode::FileNotAvailable,
                      QStringLiteral("No file %1 is available to you").arg(index));
    QString saveDir = options.value(QLatin1String("saveDir")).toString();
    if (saveDir.isEmpty())
        saveDir = defaultDownloadDir();

    auto *job = new DownloadJob(m_nextDownloadJobId++, info, QDir(saveDir).absolutePath(), this);
    m_downloads.insert(job->id(), job);
    connect(job, &TransferJob::started, this,
            [this, job] { Q_EMIT fsDownloadResult(Events::download(job->info())); });
    connect(job, &TransferJob::resumed, this, [this, job](qint64 offset) {
        Q_EMIT fsDownloadResult(Events::resumed(job->info(), offset));
    });
    connect(job, &TransferJob::finished, this, [this, job, callback] {
        m_downloads.remove(job->id());
        m_downloadsByWireId.remove(job->wireId());
        const TransferInfo info = job->info();
        Q_EMIT fsDownloadResult(Events::download(info));
        if (callback)
            callback(info.status == TransferInfo::Status::Completed
                         ? Events::downloadSuccess(info)
                         : Events::error(info.error, info.errorText));
    });
    Q_EMIT jobAdded(job);
    job->start();
    return job->id();
}

namespace {

//! Cancels every unfinished job of \a jobs (a copy: finishing jobs leave the room's maps).
template<typename Map> QJsonArray cancelAllOf(Map jobs)
{
    QJsonArray ids;
    for (const auto &job : jobs) {
        if (job && !job->isFinished()) {
            ids.append(double(job->id()));
            job->cancel();
        }
    }
    return ids;
}

//! Cancels job \a id of \a jobs if it runs; returns whether it did.
template<typename Map> bool cancelOne(const Map &jobs, qint64 id)
{
    const auto job = jobs.value(id);
    if (!job || job->isFinished())
        return false;
    job->cancel();
    return true;
}

} // namespace

void Room::cancelUploads(qint64 id, bool cancelAll, const Callback &callback)
{
    auto reply = [&callback](const QJsonObject &result) {
        if (callback)
            callback(result);
    };
    const QString cancelledText = QStringLiteral("upload cancelled");
    if (cancelAll)
        return reply(Events::cancelled(cancelledText, cancelAllOf(m_uploads)));
    if (cancelOne(m_uploads, id))
        return reply(Events::cancelled(cancelledText, QJsonArray{ double(id) }));
    if (m_completedUploads.contains(id)) {
        // Cancelling a finished upload withdraws the file from the room.
        const quint32 wireId = m_completedUploads.value(id);
        request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-cancel") },
                             { QStringLiteral("uploadId"), double(wireId) } },
                [this, id, callback](const QJsonObject &answer) {
                    const bool ok = answer.value(QLatin1String("type")).toString()
                        == QLatin1String("upload-cancelled");
                    if (ok)
                        m_completedUploads.remove(id);
                    if (callback)
                        callback(
                            ok ? Events::cancelled(QStringLiteral("upload withdrawn"),
                                                   QJsonArray{ double(id) })
                               : Events::error(codeOf(answer, ErrorCode::UnknownJob),
                                               answer.value(QLatin1String("desc")).toString()));
                });
        return;
    }
    reply(Events::error(ErrorCode::UnknownJob,
                        QStringLiteral("There is no upload with id %1").arg(id)));
}

void Room::cancelDownloads(qint64 id, bool cancelAll, const Callback &callback)
{
    auto reply = [&callback](const QJsonObject &result) {
        if (callback)
            callback(result);
    };
    const QString cancelledText = QStringLiteral("download cancelled");
    if (cancelAll)
        return reply(Events::cancelled(cancelledText, cancelAllOf(m_downloads)));
    if (cancelOne(m_downloads, id))
        return reply(Events::cancelled(cancelledText, QJsonArray{ double(id) }));
    reply(Events::error(ErrorCode::UnknownJob,
                        QStringLiteral("There is no running download with id %1").arg(id)));
}

} // namespace Roomshare

namespace Roomshare {

void Room::removeFile(qint64 index, const Callback &callback)
{
    request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("file-remove") },
                     { QStringLiteral("index"), double(index) } },
        [this, index, callback](const QJsonObject &reply) {
            const bool ok
                = reply.value(QLatin1String("type")).toString() == QLatin1String("file-removed");
            if (ok && m_files.remove(index))
                Q_EMIT fileRemoved(index, reply.value(QLatin1String("reason")).toString());
            if (!callback)
                return;
            callback(
                ok ? QJsonObject{ { QStringLiteral("result"), 0 },
                                  { QStringLiteral("description"), QStringLiteral("file removed") },
                                  { QStringLiteral("response"),
                                    QJsonObject{ { QStringLiteral("index"), double(index) } } } }
                   : Events::error(codeOf(reply, ErrorCode::InvalidRequest),
                                   reply.value(QLatin1String("desc")).toString()));
        });
}

void Room::removeParticipant(const QString &clientId, const Callback &callback)
{
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("participant-remove") },
                         { QStringLiteral("clientId"), clientId } },
            [clientId, callback](const QJsonObject &reply) {
                if (!callback)
                    return;
                const bool ok = reply.value(QLatin1String("type")).toString()
                    == QLatin1String("participant-removed");
                callback(
                    ok ? QJsonObject{ { QStringLiteral("result"), 0 },
                                      { QStringLiteral("description"),
                                        QStringLiteral("participant removed") },
                                      { QStringLiteral("response"),
                                        QJsonObject{ { QStringLiteral("clientId"), clientId } } } }
                       : Events::error(codeOf(reply, ErrorCode::InvalidRequest),
                                       reply.value(QLatin1String("desc")).toString()));
            });
}

} // namespace Roomshare
