#include "connection_p.h"
#include "connection_wire_p.h"
#include "filepage_p.h"
#include "listener_p.h"
#include "nodeevents_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"
#include "zerocopywriter_p.h"

#include <chunkheader.h>
#include <invite.h>
#include <jsonnumbers.h>
#include <protocol.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <vector>

namespace Roomshare::Server {

using namespace ConnectionWire;

namespace {

// A peer that does not complete the closing handshake is cut off after this.
constexpr int CloseGraceMs = 5000;
// How long a connection whose data channel was lost stays, for a `leave` on its way.
constexpr int DataLossGraceMs = 1000;
constexpr auto TakenOverCode = QWebSocketProtocol::CloseCode(4002);

} // namespace

Connection::Connection(RoomServerPrivate *server, QWebSocket *socket)
    : m_server(server)
    , m_socket(socket)
    , m_frames(Protocol::MaxDataMessage)
{
    m_socket->setParent(this);
    m_lastHeard.start();
    // The data message limit is the larger one; text messages are checked against the
    // control limit in onTextMessage.
    m_socket->setMaxAllowedIncomingMessageSize(
        quint64(qMax(Protocol::MaxControlMessage, Protocol::MaxDataMessage)));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(Protocol::MaxFrame));

    connect(m_socket, &QWebSocket::textMessageReceived, this, &Connection::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinaryMessage);
    // Frames count as activity so a large message arriving slowly is not taken for silence.
    connect(m_socket, &QWebSocket::textFrameReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::binaryFrameReceived, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::pong, this, [this] { m_lastHeard.restart(); });
    connect(m_socket, &QWebSocket::bytesWritten, this, &Connection::pumpDownloads);
    // Queued: close() can emit disconnected synchronously, in the middle of a loop over
    // the room's members.
    connect(m_socket, &QWebSocket::disconnected, this, &Connection::onDisconnected,
            Qt::QueuedConnection);
    startGuards();
}

Connection::~Connection()
{
    detachTransfers();
}

void Connection::sendJson(const QJsonObject &msg)
{
    if (Q_UNLIKELY(s_sentObserver))
        s_sentObserver(this, msg);
    if (m_socket->state() != QAbstractSocket::ConnectedState || m_sendOverflow)
        return;
    const QByteArray json = QJsonDocument(msg).toJson(QJsonDocument::Compact);
    m_socket->sendTextMessage(QString::fromUtf8(json));
    accountSent(msg, json.size());
}

void Connection::sendError(const QJsonValue &rid, ErrorCode code, const QString &desc)
{
    QJsonObject msg = message("error");
    setRid(msg, rid);
    msg.insert(QStringLiteral("code"), int(code));
    msg.insert(QStringLiteral("error"), errorTitle(code));
    msg.insert(QStringLiteral("desc"), desc);
    sendJson(msg);
}

void Connection::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    qCDebug(lcServer) << "closing" << (m_clientId.isEmpty() ? str("unjoined") : m_clientId)
                      << int(code) << reason;
    detachTransfers();
    // The data channel stays open until the WebSocket has closed (onDisconnected): closed
    // first, it reached the client before the reason and the close code, and the client
    // took a removal or an expiry for a drop and tried to come back.
    m_socket->close(code, reason);
    QTimer::singleShot(CloseGraceMs, this, [this] {
        if (m_socket->state() != QAbstractSocket::UnconnectedState)
            m_socket->abort();
    });
}

void Connection::checkLiveness()
{
    if (m_closing)
        return;
    if (m_lastHeard.elapsed() > m_server->options.idleTimeoutMs) {
        qCInfo(lcServer) << "dropping silent connection" << m_clientId;
        // A silent peer cannot take part in a closing handshake: drop it at once. Its
        // session stays resumable for the grace period.
        m_closing = true;
        detachTransfers();
        closeDataChannel();
        m_socket->abort();
        return;
    }
    m_socket->ping();
}

void Connection::onDisconnected()
{
    m_closing = true;
    detachTransfers();
    closeDataChannel();
    m_server->connectionClosed(this);
}

void Connection::takenOver()
{
    qCInfo(lcServer) << "session of" << m_clientId << "resumed on another connection";
    detachTransfers();
    m_session = nullptr;
    m_room = nullptr;
    closeWith(TakenOverCode, str("session resumed elsewhere"));
}

void Connection::shutdown()
{
    m_closing = true;
    m_socket->disconnect(this);
    detachTransfers();
    closeDataChannel();
    m_socket->abort();
}

void Connection::attachDataChannel(QTcpSocket *socket)
{
    m_data = socket;
    m_data->setParent(this); // TCP_NODELAY is already set by the Listener, as on every socket
    connect(m_data, &QTcpSocket::readyRead, this, &Connection::onDataReadyRead);
    connect(m_data, &QTcpSocket::bytesWritten, this, &Connection::pumpDownloads);
    connect(m_data, &QTcpSocket::disconnected, this, &Connection::onDataChannelLost,
            Qt::QueuedConnection);
    m_zeroCopy = ZeroCopyWriter::create(m_data);
    if (m_zeroCopy) {
        connect(m_zeroCopy.get(), &ZeroCopyWriter::drained, this, &Connection::pumpDownloads);
        connect(m_zeroCopy.get(), &ZeroCopyWriter::failed, this, &Connection::onDataChannelLost,
                Qt::QueuedConnection);
    }
    // Frames may have arrived before the join that claimed the channel.
    if (m_data->bytesAvailable() > 0)
        onDataReadyRead();
}

void Connection::onDataReadyRead()
{
    m_server->dataTurns.ready(this, [this] { return readDataFrames(); });
}

bool Connection::readDataFrames()
{
    QString error;
    qint64 budget = Protocol::MaxDataMessage;
    while (m_data && !m_closing && budget > 0) {
        std::optional<QByteArray> message = m_frames.next(m_data, &error);
        if (!message)
            break;
        budget -= message->size();
        onBinaryMessage(*message);
    }
    if (!error.isEmpty() && !m_closing) {
        sendError(QJsonValue(), ErrorCode::ProtocolError,
                  QStringLiteral("Broken data channel: %1").arg(error));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("broken data channel"));
        return false;
    }
    return budget <= 0 && m_data && !m_closing && m_data->bytesAvailable() > 0;
}

void Connection::onDataChannelLost()
{
    if (m_closing || !m_data)
        return;
    qCInfo(lcServer) << "data channel of" << m_clientId << "lost; dropping the connection";
    // Chunks in flight on it are gone: the client reconnects and resumes from the durable
    // offsets, as after any other drop.
    detachTransfers();
    closeDataChannel();
    // A client leaving on purpose may close its data channel first (older clients do): its
    // `leave` may still be on the way over the WebSocket, and aborting now would keep its
    // session waiting for a resume that never comes. The WebSocket gets a moment to say so.
    QTimer::singleShot(DataLossGraceMs, this, [this] {
        if (m_closing)
            return;
        m_closing = true;
        m_socket->abort();
    });
}

void Connection::closeDataChannel()
{
    if (!m_data)
        return;
    // Our duplicate of the descriptor would keep the connection open after abort().
    m_zeroCopy.reset();
    QTcpSocket *data = std::exchange(m_data, nullptr);
    data->disconnect(this);
    data->abort();
    data->deleteLater();
}

void Connection::sendChunk(const DataFrames::ChunkFrame &chunk)
{
    // One block per frame: QIODevice queues it without a copy, and the socket writes it
    // with one send().
    if (m_data)
        m_data->write(chunk.frame());
    else
        m_socket->sendBinaryMessage(chunk.message());
}

qint64 Connection::dataBacklog() const
{
    if (!m_data)
        return m_socket->bytesToWrite();
    return m_data->bytesToWrite() + (m_zeroCopy ? m_zeroCopy->pending() : 0);
}

void Connection::detachTransfers()
{
    for (auto &[id, upload] : m_server->uploads) {
        if (upload->connection != this)
            continue;
        m_server->makeDurable(upload.get());
        upload->file.reset();
        upload->connection = nullptr;
        qCDebug(lcServer) << "upload" << id << "detached at" << upload->durable;
    }
    m_downloads.clear();
}

// ---- control messages ----------------------------------------------------------------

void Connection::onTextMessage(const QString &text)
{
    if (m_closing || !admitMessage(MessageKind::Control))
        return;
    m_lastHeard.restart();
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() > Protocol::MaxControlMessage) {
        closeWith(QWebSocketProtocol::CloseCodeTooMuchData, str("control message too large"));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        sendError(QJsonValue(), ErrorCode::InvalidRequest,
                  str("A control message must be a JSON object"));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("malformed control message"));
        return;
    }
    const QJsonObject msg = doc.object();
    const QJsonValue rid = msg.value(QLatin1String("rid"));
    const QJsonValue typeValue = msg.value(QLatin1String("type"));
    if (!typeValue.isString()) {
        sendError(rid, ErrorCode::InvalidRequest,
                  str("A control message must have a string field \"type\""));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("malformed control message"));
        return;
    }
    const QString type = typeValue.toString();

    if (!isJoined()) {
        if (type == QLatin1String("join") && m_knockId.isEmpty()) {
            handleJoin(msg, rid);
        } else if (type == QLatin1String("knock")) {
            handleKnock(msg, rid);
        } else {
            sendError(rid, ErrorCode::InvalidRequest,
                      QStringLiteral("\"%1\" before \"join\"; the first message must be \"join\"")
                          .arg(type.left(64)));
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("message before join"));
        }
        return;
    }

    if (handleLobbyRequest(type, msg, rid) || handleMeetingRequest(type, msg, rid))
        return;
    if (type == QLatin1String("list"))
        handleList(msg, rid);
    else if (type == QLatin1String("leave"))
        handleLeave();
    else if (type == QLatin1String("upload-begin"))
        handleUploadBegin(msg, rid);
    else if (type == QLatin1String("upload-resume"))
        handleUploadResume(msg, rid);
    else if (type == QLatin1String("upload-end"))
        handleUploadEnd(msg, rid);
    else if (type == QLatin1String("upload-cancel"))
        handleUploadCancel(msg, rid);
    else if (type == QLatin1String("download-begin"))
        handleDownloadBegin(msg, rid);
    else if (type == QLatin1String("download-ack"))
        handleDownloadAck(msg, rid);
    else if (type == QLatin1String("download-cancel"))
        handleDownloadCancel(msg, rid);
    else if (type == QLatin1String("download-verified"))
        handleDownloadVerified(msg, rid);
    else if (type == QLatin1String("file-remove"))
        handleFileRemove(msg, rid);
    else if (type == QLatin1String("participant-remove"))
        handleParticipantRemove(msg, rid);
    else if (type == QLatin1String("join"))
        sendError(rid, ErrorCode::InvalidRequest, str("Already joined"));
    else
        sendError(rid, ErrorCode::InvalidRequest,
                  QStringLiteral("Unknown message type \"%1\"").arg(type.left(64)));
}

void Connection::handleJoin(const QJsonObject &msg, const QJsonValue &rid)
{
    const QJsonValue version = msg.value(QLatin1String("version"));
    if (!version.isUndefined() && JsonNumbers::exactInteger(version) != Protocol::Version) {
        sendError(rid, ErrorCode::InvalidRequest,
                  QStringLiteral("Protocol version %1 is not supported (this server speaks %2)")
                      .arg(version.toVariant().toString())
                      .arg(Protocol::Version));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("unsupported version"));
        return;
    }
    QString why;
    const auto claims
        = Token::verify(msg.value(QLatin1String("token")).toString(), m_server->options.secret,
                        QDateTime::currentSecsSinceEpoch(), &why);
    if (!claims) {
        qCInfo(lcServer) << "join refused:" << why;
        sendError(rid, ErrorCode::InvalidInvite, QStringLiteral("Join refused: %1").arg(why));
        closeWith(QWebSocketProtocol::CloseCode(4001), str("join refused"));
        return;
    }

    // A resumed session keeps its clientId (and with it its targeted files and uploads).
    // It must belong to the room this (valid) token opens; anything else joins afresh.
    Session *session = nullptr;
    bool takeover = false;
    const QJsonValue resume = msg.value(QLatin1String("resume"));
    if (resume.isString()) {
        // Another node's session (that node died, or the client moved): loaded from the
        // shared database and checked as any other, taken over once admitted.
        takeover = m_server->loadForeignSession(resume.toString(), claims->room);
        session = resumableSession(resume.toString(), claims->room);
    }
    const bool resumed = session != nullptr;

    QString name = resumed ? session->name : claims->name;
    if (name.isEmpty()) {
        const QJsonValue given = msg.value(QLatin1String("name"));
        name = given.toString().trimmed();
        if (!given.isString() || name.isEmpty() || name.size() > Protocol::MaxNameLength
            || !isPrintableName(name)) {
            // The token is fine, so the client may try again with another name.
            sendError(rid, ErrorCode::InvalidRequest,
                      QStringLiteral("The invite has no name, so \"name\" must be 1 to %1 "
                                     "characters, none of them control characters")
                          .arg(Protocol::MaxNameLength));
            return;
        }
    }
    // The room field and the ban list apply to resumed sessions too.
    if (!admitJoin(*claims, msg, rid, name))
        return;
    m_server->nodes->catchUp(m_server->room(claims->room));

    if (!session) {
        session = m_server->newSession(claims->room, name, claims->role);
        // docs/protocol.md "Your own files": every session of one named invite is one
        // sender; a shared invite's sessions are each their own.
        session->owner = claims->name.isEmpty() || claims->tokenId.isEmpty()
            ? QStringLiteral("s:") + session->id
            : QStringLiteral("t:") + claims->tokenId;
    } else {
        session->role = claims->role;
        if (session->owner.isEmpty()) // a session saved by an older server
            session->owner = QStringLiteral("s:") + session->id;
        if (Connection *stale = session->connection; stale && stale != this)
            stale->takenOver();
        if (takeover)
            m_server->takeOver(session);
    }

    m_session = session;
    m_room = m_server->room(claims->room);
    m_clientId = session->clientId;
    m_name = session->name;
    m_role = session->role;
    session->connection = this;
    session->graceTimer.reset();
    session->lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    session->tokenExpiresAt = claims->expiresAt;
    // Recorded as present before the reply, because enter() below announces it in this
    // same turn: a restart after the reply must keep this participant in the room.
    const bool announced = session->present;
    session->present = true;
    m_server->db.saveSession(*session);

    const QJsonValue dataKey = msg.value(QLatin1String("dataKey"));
    if (dataKey.isString() && !m_data) {
        if (QTcpSocket *data
            = m_server->listener->claimDataChannel(dataKey.toString(), peerAddress()))
            attachDataChannel(data);
        else
            qCInfo(lcServer) << m_clientId << "named an unknown data channel; using WebSocket";
    }

    QJsonArray participants;
    for (const Session *s : m_room->members()) {
        if (s != session)
            participants.append(s->participantJson());
    }
    for (const RemoteMember &m : m_room->remoteMembers()) // on other nodes (nodeevents.cpp)
        participants.append(m.participant);
    participants.append(session->participantJson());

    QJsonObject reply = message("joined");
    setRid(reply, rid);
    reply.insert(QStringLiteral("clientId"), m_clientId);
    reply.insert(QStringLiteral("sessionId"), session->id);
    reply.insert(QStringLiteral("resumed"), resumed);
    reply.insert(QStringLiteral("room"), m_room->name());
    reply.insert(QStringLiteral("name"), m_name);
    reply.insert(QStringLiteral("role"), m_role);
    reply.insert(QStringLiteral("maxFileSize"), m_server->options.maxFileSize);
    reply.insert(QStringLiteral("dataChannel"), m_data != nullptr);
    reply.insert(QStringLiteral("serverTime"), QDateTime::currentMSecsSinceEpoch());
    reply.insert(QStringLiteral("participants"), participants);
    insertFilePage(reply, *m_room, m_clientId, 0);
    reply.insert(QStringLiteral("lobby"), m_server->lobby->isEnabled(m_room->name()));
    reply.insert(QStringLiteral("locked"), m_room->isLocked());
    sendJson(reply);
    if (m_role == QLatin1String("moderator"))
        m_server->lobby->showPending(this);

    qCInfo(lcServer) << m_clientId << m_name << (resumed ? "resumed" : "joined") << "room"
                     << m_room->name() << "as" << m_role;
    // A quick takeover or reconnect within the grace period announces nothing.
    if (!announced)
        m_server->enter(session);
    startSession(*claims, name);
}

void Connection::handleLeave()
{
    // Leaving on purpose: no grace period, uploads in progress are dropped, the session is
    // forgotten. (A connection that just ends stays resumable.)
    Session *s = m_session;
    detachTransfers();
    m_session = nullptr;
    m_room = nullptr;
    if (s && s->connection == this) {
        s->connection = nullptr;
        m_server->endSession(s);
    }
    closeWith(QWebSocketProtocol::CloseCodeNormal, str("left"));
}

void Connection::handleList(const QJsonObject &msg, const QJsonValue &rid)
{
    // Paged (docs/protocol.md, "Paging the file list"): without "after", the first page.
    const QJsonValue afterValue = msg.value(QLatin1String("after"));
    const auto after = afterValue.isUndefined() ? std::optional<qint64>(0)
                                                : JsonNumbers::exactInteger(afterValue);
    if (!after || *after < 0)
        return sendError(rid, ErrorCode::InvalidRequest,
                         str("\"after\" must be a non-negative integer (a file index)"));
    const QJsonValue mine = msg.value(QLatin1String("mine"));
    if (!mine.isUndefined() && !mine.isBool())
        return sendError(rid, ErrorCode::InvalidRequest, str("\"mine\" must be a boolean"));
    QJsonObject reply = message("files");
    setRid(reply, rid);
    if (mine.toBool()) {
        insertFilePage(reply, *m_room, *after, [this](const StoredFile &f) {
            if (!ownsFile(f))
                return QJsonObject();
            QJsonObject json = f.toJson();
            QStringList recipients(f.recipients.cbegin(), f.recipients.cend());
            recipients.sort();
            json.insert(QStringLiteral("recipients"), QJsonArray::fromStringList(recipients));
            json.insert(QStringLiteral("downloads"), m_room->downloadCount(f.index));
            QJsonArray delivered;
            for (const Delivery &d : m_room->deliveries(f.index))
                delivered.append(QJsonObject{ { QStringLiteral("clientId"), d.clientId },
                                              { QStringLiteral("name"), d.name },
                                              { QStringLiteral("at"), d.at } });
            json.insert(QStringLiteral("deliveredTo"), delivered);
            return json;
        });
    } else {
        insertFilePage(reply, *m_room, m_clientId, *after);
    }
    sendJson(reply);
}

void Connection::offerFile(const StoredFilePtr &file)
{
    if (!file->isVisibleTo(m_clientId))
        return;
    QJsonObject event = message("file-available");
    event.insert(QStringLiteral("file"), file->toJson());
    sendJson(event);
}

void Connection::withdrawFile(const StoredFilePtr &file, const QString &reason)
{
    std::vector<quint32> affected;
    for (const auto &[id, download] : m_downloads) {
        if (download->file == file)
            affected.push_back(id);
    }
    for (const quint32 id : affected) {
        dropDownload(id, ErrorCode::FileWithdrawn,
                     reason == QLatin1String("expired")
                         ? QStringLiteral("File %1 expired").arg(file->index)
                         : QStringLiteral("File %1 was withdrawn by its sender").arg(file->index));
    }
    // Its sender hears of it too (any session of the owner): their list of own files must
    // not keep a file a moderator removed, that expired or reached its download limit.
    const bool own = file->senderId == m_clientId
        || (m_session && !file->owner.isEmpty() && m_session->owner == file->owner);
    if (!own && !file->isVisibleTo(m_clientId))
        return;
    QJsonObject event = message("file-removed");
    event.insert(QStringLiteral("index"), file->index);
    event.insert(QStringLiteral("reason"), reason);
    sendJson(event);
}

} // namespace Roomshare::Server
