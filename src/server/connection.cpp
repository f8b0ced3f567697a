#include "connection_p.h"
#include "filepage_p.h"
#include "listener_p.h"
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
#include <QScopedValueRollback>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <cmath>
#include <vector>

namespace Roomshare::Server {

namespace {

// Above this much unsent data in the socket, downloads pause until bytesWritten, so a
// slow recipient costs a bounded amount of memory whatever the window allows. The kernel's
// socket buffer holds more on top; 1 MiB keeps 20 recipients within the RSS target and
// control replies from queueing long behind data.
constexpr qint64 SocketHighWater = 1024 * 1024;
constexpr int MaxNameLength = 64;
// A peer that does not complete the closing handshake is cut off after this.
constexpr int CloseGraceMs = 5000;
// How long a connection whose data channel was lost stays, for a `leave` on its way.
constexpr int DataLossGraceMs = 1000;
// The durable offset of an upload advances at least this often (bytes), and at least
// once a second while data arrives (RoomServerPrivate::onDurableTimer); the sync runs on
// the Syncer's thread, so it lags by the time the disk takes, but never by more than
// twice this.
constexpr qint64 DurableInterval = 4 * 1024 * 1024;
// Chunks for unknown uploads are answered (1198) for at most this many ids per connection.
constexpr int MaxUnknownUploadReports = 64;
// Consecutive chunks failing their CRC before an upload fails with 1191.
constexpr int MaxCrcFailures = 8;
constexpr auto TakenOverCode = QWebSocketProtocol::CloseCode(4002);
constexpr char EmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

std::optional<quint32> uint32Of(const QJsonValue &v)
{
    const auto id = JsonNumbers::exactInteger(v);
    if (!id || *id < 0 || *id > qint64(std::numeric_limits<quint32>::max()))
        return std::nullopt;
    return quint32(*id);
}

std::optional<quint32> transferIdOf(const QJsonValue &v)
{
    return uint32Of(v);
}

//! The optional whole-file "crc32c" of `upload-begin` and `upload-end`: false when present
//! but not an integer from 0 to 2^32 - 1.
bool readCrc32c(const QJsonObject &msg, std::optional<quint32> *crc)
{
    const QJsonValue v = msg.value(QLatin1String("crc32c"));
    *crc = std::nullopt;
    if (v.isUndefined())
        return true;
    *crc = uint32Of(v);
    return crc->has_value();
}

bool isSha256Hex(const QString &s)
{
    if (s.size() != 64)
        return false;
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F')))
            return false;
    }
    return true;
}

QJsonObject message(const char *type)
{
    return QJsonObject{ { QStringLiteral("type"), str(type) } };
}

void setRid(QJsonObject &msg, const QJsonValue &rid)
{
    if (rid.isDouble())
        msg.insert(QStringLiteral("rid"), rid);
}

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
        QMetaObject::invokeMethod(this, &Connection::onDataReadyRead, Qt::QueuedConnection);
}

void Connection::onDataReadyRead()
{
    QString error;
    while (m_data && !m_closing) {
        std::optional<QByteArray> message = m_frames.next(m_data, &error);
        if (!message)
            break;
        onBinaryMessage(*message);
    }
    if (!error.isEmpty() && !m_closing) {
        sendError(QJsonValue(), ErrorCode::ProtocolError,
                  QStringLiteral("Broken data channel: %1").arg(error));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("broken data channel"));
    }
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
    const QJsonValue resume = msg.value(QLatin1String("resume"));
    if (resume.isString())
        session = resumableSession(resume.toString(), claims->room);
    const bool resumed = session != nullptr;

    QString name = resumed ? session->name : claims->name;
    if (name.isEmpty()) {
        const QJsonValue given = msg.value(QLatin1String("name"));
        name = given.toString().trimmed();
        if (!given.isString() || name.isEmpty() || name.size() > MaxNameLength
            || !isPrintableName(name)) {
            // The token is fine, so the client may try again with another name.
            sendError(rid, ErrorCode::InvalidRequest,
                      QStringLiteral("The invite has no name, so \"name\" must be 1 to %1 "
                                     "characters, none of them control characters")
                          .arg(MaxNameLength));
            return;
        }
    }
    // The room field and the ban list apply to resumed sessions too.
    if (!admitJoin(*claims, msg, rid, name))
        return;

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
    if (!session->present)
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

// ---- uploads -------------------------------------------------------------------------

void Connection::handleUploadBegin(const QJsonObject &msg, const QJsonValue &rid)
{
    auto invalid = [&](const QString &why) {
        sendError(rid, ErrorCode::InvalidRequest, why);
    };
    const QJsonValue nameValue = msg.value(QLatin1String("name"));
    const QJsonValue mimeValue = msg.value(QLatin1String("mime"));
    const QJsonValue broadcastValue = msg.value(QLatin1String("broadcast"));
    const auto size = JsonNumbers::exactInteger(msg.value(QLatin1String("size")));
    if (!nameValue.isString())
        return invalid(str("\"name\" must be a string"));
    const QString name = nameValue.toString();
    if (name.isEmpty() || name.size() > MaxFileNameLength)
        return invalid(
            QStringLiteral("\"name\" must be 1 to %1 characters").arg(MaxFileNameLength));
    if (!size || *size < 0)
        return invalid(str("\"size\" must be a non-negative integer"));
    // Optional, for older clients and the browser page: absent means the server's defaults.
    auto optionalPositive = [&msg](const char *key) -> std::optional<qint64> {
        const QJsonValue v = msg.value(QLatin1String(key));
        if (v.isUndefined())
            return 0;
        const auto n = JsonNumbers::exactInteger(v);
        return n && *n > 0 ? n : std::nullopt;
    };
    const auto expiresIn = optionalPositive("expiresIn");
    if (!expiresIn)
        return invalid(str("\"expiresIn\" must be a positive integer (seconds)"));
    const auto maxDownloads = optionalPositive("maxDownloads");
    if (!maxDownloads)
        return invalid(str("\"maxDownloads\" must be a positive integer"));
    if (!mimeValue.isUndefined()
        && !(mimeValue.isString()
             && (mimeValue.toString().isEmpty() || isValidMimeType(mimeValue.toString()))))
        return invalid(QStringLiteral("\"mime\" must be a media type \"type/subtype\" of at "
                                      "most %1 characters (RFC 6838 names, no parameters)")
                           .arg(MaxMimeLength));
    if (!broadcastValue.isUndefined() && !broadcastValue.isBool())
        return invalid(str("\"broadcast\" must be true or false"));
    const bool broadcast = broadcastValue.toBool(true);
    // The whole file's hash, when the client knows it up front: it stands for upload-end.
    const QJsonValue shaValue = msg.value(QLatin1String("sha256"));
    if (!shaValue.isUndefined() && !(shaValue.isString() && isSha256Hex(shaValue.toString())))
        return invalid(str("\"sha256\" must be 64 hexadecimal digits"));
    std::optional<quint32> crc32c;
    if (!readCrc32c(msg, &crc32c) || (crc32c && !shaValue.isString()))
        return invalid(str("\"crc32c\" must be an integer from 0 to 4294967295, sent with "
                           "\"sha256\""));
    if (size == 0 && shaValue.isString()
        && shaValue.toString().toLower() != QLatin1String(EmptySha256)) {
        // Refused before it exists, so the refusal answers the request itself.
        return sendError(rid, ErrorCode::IntegrityError,
                         QStringLiteral("An empty file hashes to %1, not %2")
                             .arg(QLatin1String(EmptySha256), shaValue.toString()));
    }

    QSet<QString> recipients;
    if (!broadcast) {
        const QJsonValue list = msg.value(QLatin1String("clientList"));
        if (!list.isArray())
            return invalid(str("A file that is not broadcast needs a \"clientList\" array"));
        const QJsonArray ids = list.toArray();
        for (const QJsonValue &id : ids) {
            if (!id.isString())
                return invalid(str("\"clientList\" must hold client id strings"));
            // Unknown ids are dropped, as is the sender, who never sees its own file.
            const QString clientId = id.toString();
            if (clientId != m_clientId && m_room->hasMember(clientId))
                recipients.insert(clientId);
        }
        if (recipients.isEmpty())
            return invalid(str("\"clientList\" names no other member of the room"));
    }

    const qint64 maxSize = m_server->options.maxFileSize;
    if (maxSize > 0 && *size > maxSize) {
        return sendError(rid, ErrorCode::FileTooLarge,
                         QStringLiteral("The file is %1 bytes; this server accepts at most %2")
                             .arg(*size)
                             .arg(maxSize));
    }
    FolderTag folder;
    if (!parseFolder(msg, rid, &folder))
        return;
    if (!admitNewUpload(rid))
        return;

    auto upload = std::make_unique<Upload>();
    upload->id = m_server->nextTransferId();
    upload->storageId = Storage::newId();
    upload->room = m_room->name();
    upload->sessionId = m_session->id;
    upload->owner = m_session->owner;
    upload->senderId = m_clientId;
    upload->senderName = m_name;
    upload->name = name;
    upload->size = *size;
    upload->mime = mimeValue.toString();
    if (upload->mime.isEmpty())
        upload->mime = str("application/octet-stream");
    upload->broadcast = broadcast;
    upload->recipients = recipients;
    upload->expiresIn = *expiresIn;
    upload->maxDownloads = *maxDownloads;
    upload->folder = folder;
    upload->lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    const QString path = m_server->storage.partialPath(upload->storageId);
    upload->file = std::make_unique<QFile>(path);
    // Unbuffered: each chunk goes straight to the OS, so a full disk shows up on the
    // write that hit it rather than at some later flush.
    if (!upload->file->open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered)) {
        qCWarning(lcServer) << "cannot create" << path << upload->file->errorString();
        return sendError(rid, ErrorCode::StorageError,
                         QStringLiteral("The server cannot store files right now: %1")
                             .arg(upload->file->errorString()));
    }
    upload->crcsValid = true;
    upload->sinceDurable.start();
    upload->connection = this;
    if (shaValue.isString()) {
        upload->endReceived = true;
        upload->clientSha256 = shaValue.toString().toLower();
        upload->clientCrc32c = crc32c;
    }
    const quint32 id = upload->id;
    qCInfo(lcServer) << m_clientId << "upload" << id << "begins:" << *size << "bytes"
                     << (broadcast ? "to everyone" : "to chosen clients");
    m_server->addUpload(std::move(upload));
    // Answered once recorded, together with whatever else arrived in this turn.
    m_server->queueRecord(id, this, rid);
    completeUploadIfDone(id); // a zero-byte upload waits only for its hash
}

void Connection::answerUploadBegin(quint32 uploadId, const QJsonValue &rid, bool recorded)
{
    if (!recorded) {
        return sendError(rid, ErrorCode::StorageError,
                         str("The server cannot record the upload (is its disk full?)"));
    }
    QJsonObject reply = message("upload-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("uploadId"), qint64(uploadId));
    reply.insert(QStringLiteral("offset"), 0);
    // Nothing but the begin can have set it yet: the client does not know the id before this.
    if (const Upload *upload = m_server->upload(uploadId); upload && upload->endReceived)
        reply.insert(QStringLiteral("endReceived"), true);
    sendJson(reply);
}

bool Connection::attach(Upload &upload)
{
    if (upload.connection && upload.connection != this) {
        // Takeover: the stale connection's chunks still in flight are ignored from now on.
        m_server->makeDurable(&upload);
        upload.file.reset();
    }
    upload.connection = this;
    if (!upload.file) {
        const QString path = m_server->storage.partialPath(upload.storageId);
        upload.file = std::make_unique<QFile>(path);
        if (!upload.file->open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
            qCWarning(lcServer) << "cannot reopen" << path << upload.file->errorString();
            return false;
        }
        // Bytes past the durable offset may be torn: drop them, the client sends them again.
        if (upload.file->size() != upload.durable && !upload.file->resize(upload.durable))
            return false;
        upload.received = upload.durable;
        if (!upload.file->seek(upload.received))
            return false;
    }
    if (!upload.crcsValid || upload.crcs.length() != upload.received) {
        // After a restart (or a cut back to the durable offset) the CRCs are rebuilt from the
        // partial file's prefix (CRC-32C runs at tens of GB/s; the read is the cost).
        QFile in(m_server->storage.partialPath(upload.storageId));
        if (!in.open(QIODevice::ReadOnly) || !upload.crcs.rebuild(in, upload.received))
            return false;
        upload.crcsValid = true;
    }
    upload.acked = upload.received;
    upload.nackedAt = -1;
    upload.crcFailures = 0;
    upload.sinceDurable.start();
    return true;
}

void Connection::handleUploadResume(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("uploadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"uploadId\" must be an integer"));
    Upload *upload = m_server->upload(*id);
    if (!upload || upload->sessionId != m_session->id) {
        // Completed while the client was away? Then tell it how it ended.
        const auto published = m_server->publishedUploads.find(*id);
        if (published != m_server->publishedUploads.end() && published->first == m_room->name()) {
            const StoredFilePtr file = m_room->file(published->second);
            if (file && file->senderId == m_clientId) {
                QJsonObject done = message("upload-done");
                setRid(done, rid);
                done.insert(QStringLiteral("uploadId"), qint64(*id));
                done.insert(QStringLiteral("file"), file->toJson());
                return sendJson(done);
            }
        }
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no upload %1 to resume").arg(*id));
    }
    if (!attach(*upload)) {
        upload->connection = nullptr;
        upload->file.reset();
        sendError(rid, ErrorCode::StorageError,
                  QStringLiteral("The server cannot continue upload %1").arg(*id));
        m_server->dropUpload(*id);
        return;
    }
    m_server->makeDurable(upload);
    qCInfo(lcServer) << m_clientId << "upload" << *id << "resumed at" << upload->received;
    QJsonObject reply = message("upload-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("uploadId"), qint64(*id));
    reply.insert(QStringLiteral("offset"), upload->received);
    reply.insert(QStringLiteral("resumed"), true);
    sendJson(reply);
    completeUploadIfDone(*id);
}

void Connection::onBinaryMessage(const QByteArray &data)
{
    if (m_closing || !admitMessage(MessageKind::Data))
        return;
    m_lastHeard.restart();
    if (!isJoined()) {
        sendError(QJsonValue(), ErrorCode::InvalidRequest,
                  str("Data message before \"join\"; the first message must be \"join\""));
        closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("message before join"));
        return;
    }
    const auto header = ChunkHeader::decode(data);
    if (!header || header->kind != ChunkHeader::Kind::Upload) {
        sendError(QJsonValue(), ErrorCode::ProtocolError,
                  str("A data message from a client must be an upload chunk (kind 0x01)"));
        return;
    }
    const quint32 id = header->transferId;
    Upload *found = m_server->upload(id);
    if (!found || found->sessionId != m_session->id) {
        // Chunks still in flight after a cancel, a failure or completion are expected.
        if (m_server->endedUploads.contains(id) || m_server->publishedUploads.contains(id))
            return;
        // One report per id, and only so many: a peer sending chunks for ever new ids gets
        // neither unbounded answers nor unbounded memory.
        if (m_reportedUnknownUploads.size() >= MaxUnknownUploadReports
            || m_reportedUnknownUploads.contains(id))
            return;
        m_reportedUnknownUploads.insert(id);
        sendUploadFailed(id, ErrorCode::ProtocolError,
                         QStringLiteral("There is no upload %1").arg(id));
        return;
    }
    Upload &upload = *found;
    if (upload.connection != this)
        return; // sent before another connection took the upload over (or before resuming)
    const QByteArrayView payload = QByteArrayView(data).sliced(ChunkHeader::Size);
    if (header->offset != quint64(upload.received)) {
        // Ignored; the offset does not move. One nack per offset: the chunks that were in
        // flight behind a rejected one are dropped silently.
        if (upload.nackedAt != upload.received)
            sendUploadNack(upload);
        return;
    }
    if (!header->verify(payload)) {
        if (++upload.crcFailures > MaxCrcFailures) {
            return failUpload(id, ErrorCode::IntegrityError,
                              QStringLiteral("%1 chunks in a row failed their checksum (CRC-32C)")
                                  .arg(upload.crcFailures));
        }
        qCInfo(lcServer) << "upload" << id << "chunk at" << header->offset << "failed its checksum";
        return sendUploadNack(upload);
    }
    if (payload.size() > Protocol::ChunkSize) {
        return failUpload(id, ErrorCode::ProtocolError,
                          QStringLiteral("Chunk of %1 bytes, at most %2 allowed")
                              .arg(payload.size())
                              .arg(Protocol::ChunkSize));
    }
    if (upload.received + payload.size() > upload.size) {
        return failUpload(id, ErrorCode::ProtocolError,
                          QStringLiteral("More bytes than the declared %1").arg(upload.size));
    }
    upload.crcFailures = 0;
    upload.nackedAt = -1;
    if (payload.isEmpty())
        return;
    if (!Storage::faultBudgetAllows(payload.size())
        || upload.file->write(payload.data(), payload.size()) != payload.size()) {
        const QString why = upload.file->error() != QFileDevice::NoError
            ? upload.file->errorString()
            : str("injected write error (ROOMSHARE_FAULT_WRITE_ERROR_AFTER)");
        qCWarning(lcServer) << "write failed for upload" << id << why;
        return failUpload(id, ErrorCode::StorageError,
                          QStringLiteral("The server could not write the file (disk full or "
                                         "failing): %1")
                              .arg(why));
    }
    // The CRC-32C the chunk was verified with, composed into the whole file's: no second
    // pass over the bytes (a chunk with zlib's CRC-32 needs its CRC-32C computed once).
    const quint32 chunkCrc
        = (header->flags & ChunkHeader::HasCrc32c) ? header->crc32 : crc32cOf(payload);
    upload.crcs.append(payload, chunkCrc);
    upload.received += payload.size();
    upload.lastActivityMs = QDateTime::currentMSecsSinceEpoch();
    m_server->noteUndurable(&upload);
    if (upload.received - upload.durable >= 2 * DurableInterval) {
        // The disk is not keeping up with the checkpoints on the Syncer's thread: wait for
        // it here, so what a crash can lose stays bounded (and the sender slows down).
        if (!m_server->makeDurable(&upload)) {
            return failUpload(id, ErrorCode::StorageError,
                              str("The server could not sync the file to disk (disk full or "
                                  "failing)"));
        }
    } else if (upload.received - upload.durable >= DurableInterval) {
        m_server->checkpoint(&upload);
    }
    if (upload.received - upload.acked >= Protocol::AckInterval || upload.received == upload.size)
        sendUploadAck(upload);
    completeUploadIfDone(id);
}

void Connection::sendUploadAck(Upload &upload)
{
    upload.acked = upload.received;
    if (upload.received == upload.size) {
        // The last ack goes out with the group commit at the end of this turn, in one write
        // with the `upload-done` that usually follows. (Sent on its own, it would make the
        // kernel hold `upload-done` back until the client acknowledges it: Nagle against a
        // delayed ACK, 40 ms per round.)
        return m_server->queueAck(upload.id);
    }
    sendUploadAckNow(upload);
}

void Connection::sendUploadAckNow(const Upload &upload)
{
    QJsonObject ack = message("upload-ack");
    ack.insert(QStringLiteral("uploadId"), qint64(upload.id));
    ack.insert(QStringLiteral("offset"), upload.received);
    sendJson(ack);
}

void Connection::sendUploadNack(Upload &upload)
{
    upload.nackedAt = upload.received;
    QJsonObject nack = message("upload-nack");
    nack.insert(QStringLiteral("uploadId"), qint64(upload.id));
    nack.insert(QStringLiteral("offset"), upload.received);
    sendJson(nack);
}

void Connection::sendUploadFailed(quint32 uploadId, ErrorCode code, const QString &desc)
{
    QJsonObject failed = message("upload-failed");
    failed.insert(QStringLiteral("uploadId"), qint64(uploadId));
    failed.insert(QStringLiteral("code"), int(code));
    failed.insert(QStringLiteral("error"), errorTitle(code));
    failed.insert(QStringLiteral("desc"), desc);
    sendJson(failed);
}

void Connection::handleUploadEnd(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("uploadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"uploadId\" must be an integer"));
    Upload *upload = m_server->upload(*id);
    if (!upload || upload->sessionId != m_session->id) {
        if (m_server->endedUploads.contains(*id) || m_server->publishedUploads.contains(*id))
            return; // cancelled, failed or completed already; the client has been told
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no upload %1 in progress").arg(*id));
    }
    if (upload->connection != this)
        return;
    const QJsonValue sha = msg.value(QLatin1String("sha256"));
    if (!sha.isString() || !isSha256Hex(sha.toString())) {
        return failUpload(*id, ErrorCode::InvalidRequest,
                          str("\"sha256\" must be 64 hexadecimal digits"));
    }
    std::optional<quint32> crc32c;
    if (!readCrc32c(msg, &crc32c)) {
        return failUpload(*id, ErrorCode::InvalidRequest,
                          str("\"crc32c\" must be an integer from 0 to 4294967295"));
    }
    const QString hash = sha.toString().toLower();
    if (upload->endReceived) {
        // A client that resumed sends its upload-end again; only a different hash is wrong.
        if (hash != upload->clientSha256
            || (crc32c && upload->clientCrc32c && *crc32c != *upload->clientCrc32c))
            return failUpload(*id, ErrorCode::ProtocolError,
                              str("Second \"upload-end\" with another hash"));
        if (!upload->clientCrc32c)
            upload->clientCrc32c = crc32c;
        return completeUploadIfDone(*id);
    }
    upload->endReceived = true;
    upload->clientSha256 = hash;
    upload->clientCrc32c = crc32c;
    completeUploadIfDone(*id);
}

void Connection::completeUploadIfDone(quint32 uploadId)
{
    Upload *upload = m_server->upload(uploadId);
    if (!upload || upload->publishQueued || upload->verifying || !upload->endReceived
        || upload->received != upload->size)
        return;
    if (!upload->clientCrc32c || !upload->crcsValid) {
        // An older client (or state lost in a restart): the SHA-256 of what is on disk
        // decides, read back on a worker thread. Only such uploads pay for that pass.
        return m_server->verifySha256(upload);
    }
    const quint32 actual = upload->crcs.whole();
    if (actual != *upload->clientCrc32c) {
        qCInfo(lcServer) << "upload" << uploadId << "CRC-32C mismatch";
        return failUpload(uploadId, ErrorCode::IntegrityError,
                          QStringLiteral("The received bytes have the CRC-32C %1, not %2")
                              .arg(actual)
                              .arg(*upload->clientCrc32c));
    }
    m_server->queuePublish(upload);
}

void Connection::failUpload(quint32 uploadId, ErrorCode code, const QString &desc)
{
    if (!m_server->upload(uploadId))
        return;
    m_server->dropUpload(uploadId);
    if (code == ErrorCode::None)
        return;
    qCInfo(lcServer) << "upload" << uploadId << "failed:" << int(code) << desc;
    sendUploadFailed(uploadId, code, desc);
}

void Connection::handleUploadCancel(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("uploadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"uploadId\" must be an integer"));
    const Upload *upload = m_server->upload(*id);
    const auto published = m_server->publishedUploads.find(*id);
    if (upload && upload->sessionId == m_session->id) {
        m_server->dropUpload(*id);
        qCInfo(lcServer) << "upload" << *id << "cancelled";
    } else if (published != m_server->publishedUploads.end() && published->first == m_room->name()
               && m_room->file(published->second) && ownsFile(*m_room->file(published->second))) {
        const qint64 fileIndex = published->second;
        m_server->removeFile(m_room, fileIndex, str("withdrawn"));
    } else {
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no upload %1 to cancel").arg(*id));
    }
    QJsonObject reply = message("upload-cancelled");
    setRid(reply, rid);
    reply.insert(QStringLiteral("uploadId"), qint64(*id));
    sendJson(reply);
}

// ---- downloads -----------------------------------------------------------------------

void Connection::handleDownloadBegin(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto index = JsonNumbers::exactInteger(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"index\" must be an integer"));
    const QJsonValue offsetValue = msg.value(QLatin1String("offset"));
    const auto offset = offsetValue.isUndefined() ? std::optional<qint64>(0)
                                                  : JsonNumbers::exactInteger(offsetValue);
    if (!offset)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"offset\" must be an integer"));
    const StoredFilePtr file = m_room->visibleFile(*index, m_clientId);
    if (!file) {
        return sendError(rid, ErrorCode::FileNotAvailable,
                         QStringLiteral("No file %1 is available to you").arg(*index));
    }
    if (*offset < 0 || *offset > file->size) {
        return sendError(
            rid, ErrorCode::InvalidRequest,
            QStringLiteral("Offset %1 is outside the file (0 to %2)").arg(*offset).arg(file->size));
    }
    if (int(m_downloads.size()) >= m_server->options.maxDownloadsPerConnection) {
        return sendError(rid, ErrorCode::LimitExceeded,
                         QStringLiteral("At most %1 downloads at a time")
                             .arg(m_server->options.maxDownloadsPerConnection));
    }
    auto download = std::make_unique<Download>();
    download->id = m_server->nextTransferId();
    download->file = file;
    download->source = std::make_shared<QFile>(file->storagePath);
    if (!download->source->open(QIODevice::ReadOnly) || !download->source->seek(*offset)) {
        qCWarning(lcServer) << "cannot read" << file->storagePath
                            << download->source->errorString();
        return sendError(rid, ErrorCode::DownloadFailed,
                         QStringLiteral("The server cannot read file %1").arg(*index));
    }
    download->sent = *offset;
    download->acked = *offset;
    download->window.restart(*offset);
    const quint32 id = download->id;
    m_downloads.emplace(id, std::move(download));
    qCInfo(lcServer) << m_clientId << "download" << id << "of file" << *index << "from" << *offset;

    QJsonObject reply = message("download-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("downloadId"), qint64(id));
    reply.insert(QStringLiteral("index"), *index);
    reply.insert(QStringLiteral("size"), file->size);
    reply.insert(QStringLiteral("sha256"), file->sha256);
    reply.insert(QStringLiteral("offset"), *offset);
    sendJson(reply);
    pumpDownloads();
}

void Connection::handleDownloadAck(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("downloadId")));
    const auto offset = JsonNumbers::exactInteger(msg.value(QLatin1String("offset")));
    if (!id || !offset)
        return sendError(rid, ErrorCode::InvalidRequest,
                         str("\"downloadId\" and \"offset\" must be integers"));
    const auto it = m_downloads.find(*id);
    if (it == m_downloads.end())
        return; // acks may trail the end or a cancel of the download
    Download &download = *it->second;
    // An ack can only confirm bytes that were sent; clamp rather than trust it.
    download.acked = qBound(download.acked, *offset, download.sent);
    download.window.acked(download.acked, AckWindow::nowNs());
    pumpDownloads();
}

void Connection::handleDownloadVerified(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto index = JsonNumbers::exactInteger(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"index\" must be an integer"));
    const StoredFilePtr file = m_room->visibleFile(*index, m_clientId);
    if (!file)
        return sendError(rid, ErrorCode::FileNotAvailable,
                         QStringLiteral("No file %1 is available to you").arg(*index));
    if (!m_session->sentFiles.contains(*index))
        return sendError(rid, ErrorCode::InvalidRequest,
                         QStringLiteral("You have not downloaded file %1 completely").arg(*index));
    m_server->recordDelivery(m_room, file,
                             Delivery{ m_clientId, m_name, QDateTime::currentMSecsSinceEpoch() });
    QJsonObject reply = message("delivery-recorded");
    setRid(reply, rid);
    reply.insert(QStringLiteral("index"), *index);
    sendJson(reply);
}

void Connection::handleDownloadCancel(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("downloadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"downloadId\" must be an integer"));
    if (!m_downloads.count(*id)) {
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no download %1 in progress").arg(*id));
    }
    dropDownload(*id, ErrorCode::None, QString());
    qCInfo(lcServer) << "download" << *id << "cancelled";
    QJsonObject reply = message("download-cancelled");
    setRid(reply, rid);
    reply.insert(QStringLiteral("downloadId"), qint64(*id));
    sendJson(reply);
}

void Connection::dropDownload(quint32 downloadId, ErrorCode code, const QString &desc)
{
    if (!m_downloads.erase(downloadId) || code == ErrorCode::None)
        return;
    QJsonObject failed = message("download-failed");
    failed.insert(QStringLiteral("downloadId"), qint64(downloadId));
    failed.insert(QStringLiteral("code"), int(code));
    failed.insert(QStringLiteral("error"), errorTitle(code));
    failed.insert(QStringLiteral("desc"), desc);
    sendJson(failed);
}

void Connection::pumpDownloads()
{
    // sendBinaryMessage may re-enter through bytesWritten on some platforms.
    if (m_pumping || m_closing)
        return;
    const QScopedValueRollback<bool> guard(m_pumping, true);
    while (!m_downloads.empty() && dataBacklog() < SocketHighWater
           && m_socket->state() == QAbstractSocket::ConnectedState) {
        // One chunk per download per round, starting after the last one served.
        std::vector<quint32> order;
        order.reserve(m_downloads.size());
        for (auto it = m_downloads.upper_bound(m_lastServedDownload); it != m_downloads.end(); ++it)
            order.push_back(it->first);
        for (auto it = m_downloads.begin();
             it != m_downloads.end() && it->first <= m_lastServedDownload; ++it)
            order.push_back(it->first);

        bool progressed = false;
        for (const quint32 id : order) {
            // A frame half out by sendfile must be finished before anything else is written.
            if (dataBacklog() >= SocketHighWater || (m_zeroCopy && m_zeroCopy->pending() > 0))
                break;
            const auto it = m_downloads.find(id);
            if (it == m_downloads.end())
                continue;
            Download &d = *it->second;
            const qint64 size = d.file->size;
            if (d.sent < size) {
                if (d.sent - d.acked >= d.window.window())
                    continue;
                // Chunks follow the blocks whose CRC-32Cs the upload left (a download
                // resumed inside a block first completes that block).
                const qint64 n
                    = qMin(Protocol::ChunkSize - d.sent % Protocol::ChunkSize, size - d.sent);
                const ChunkSent sent = sendDownloadChunk(d, n);
                if (sent == ChunkSent::Later)
                    break;
                if (sent == ChunkSent::ReadFailed) {
                    qCWarning(lcServer)
                        << "read failed for download" << id << d.source->errorString();
                    dropDownload(id, ErrorCode::DownloadFailed,
                                 str("The server could not read the file"));
                    progressed = true;
                    continue;
                }
                d.sent += n;
                d.window.sent(d.sent, AckWindow::nowNs());
                m_lastServedDownload = id;
                progressed = true;
            }
            if (d.sent == size) {
                const qint64 index = d.file->index;
                if (m_session)
                    m_session->sentFiles.insert(index);
                QJsonObject end = message("download-end");
                end.insert(QStringLiteral("downloadId"), qint64(id));
                sendJson(end);
                qCDebug(lcServer) << "download" << id << "sent completely; window"
                                  << d.window.window() << "min rtt ms"
                                  << double(d.window.minRttNs()) / 1e6 << "rate MB/s"
                                  << d.window.rate() / 1e6;
                m_downloads.erase(id);
                progressed = true;
                // After download-end: a download limit reached here withdraws the file,
                // which must not fail the download that reached it.
                m_server->countDownload(m_room, index);
            }
        }
        if (!progressed)
            break;
    }
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
