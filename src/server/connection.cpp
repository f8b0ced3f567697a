#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"
#include "uploadwriter_p.h"

#include <chunkheader.h>
#include <invite.h>
#include <protocol.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopedValueRollback>
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
// Ids of cancelled or failed uploads remembered to ignore their late data.
constexpr int MaxRememberedUploads = 4096;
constexpr int MaxNameLength = 64;
constexpr int MaxFileNameLength = 1024;
// A peer that does not complete the closing handshake is cut off after this.
constexpr int CloseGraceMs = 5000;

QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

// JSON numbers are doubles; accept only exact integers in the range doubles hold exactly.
std::optional<qint64> integerOf(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    return qint64(d);
}

std::optional<quint32> transferIdOf(const QJsonValue &v)
{
    const auto id = integerOf(v);
    if (!id || *id < 0 || *id > qint64(std::numeric_limits<quint32>::max()))
        return std::nullopt;
    return quint32(*id);
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

QJsonArray filesJson(const QList<StoredFilePtr> &files)
{
    QJsonArray out;
    for (const auto &f : files)
        out.append(f->toJson());
    return out;
}

} // namespace

Connection::Connection(RoomServerPrivate *server, QWebSocket *socket)
    : m_server(server)
    , m_socket(socket)
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
    abortTransfers();
}

QJsonObject Connection::participantJson() const
{
    return QJsonObject{ { QStringLiteral("clientId"), m_clientId },
                        { QStringLiteral("name"), m_name },
                        { QStringLiteral("role"), m_role } };
}

void Connection::sendJson(const QJsonObject &msg)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
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
    abortTransfers();
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
        qCInfo(lcServer) << "closing silent connection" << m_clientId;
        closeWith(QWebSocketProtocol::CloseCodeGoingAway, str("idle timeout"));
        return;
    }
    m_socket->ping();
}

void Connection::onDisconnected()
{
    m_closing = true;
    abortTransfers();
    m_server->connectionClosed(this);
}

void Connection::shutdown()
{
    m_closing = true;
    m_socket->disconnect(this);
    abortTransfers();
    m_socket->abort();
}

void Connection::abortTransfers()
{
    for (auto &[id, upload] : m_uploads) {
        if (upload->writer)
            upload->writer->dispose();
        Storage::remove(upload->partialPath);
        qCDebug(lcServer) << "upload" << id << "aborted";
    }
    m_uploads.clear();
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
        if (type == QLatin1String("join")) {
            handleJoin(msg, rid);
        } else {
            sendError(rid, ErrorCode::InvalidRequest,
                      QStringLiteral("\"%1\" before \"join\"; the first message must be \"join\"")
                          .arg(type.left(64)));
            closeWith(QWebSocketProtocol::CloseCodePolicyViolated, str("message before join"));
        }
        return;
    }

    if (type == QLatin1String("list"))
        handleList(rid);
    else if (type == QLatin1String("upload-begin"))
        handleUploadBegin(msg, rid);
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
    if (!version.isUndefined() && integerOf(version) != Protocol::Version) {
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
    QString name = claims->name;
    if (name.isEmpty()) {
        const QJsonValue given = msg.value(QLatin1String("name"));
        name = given.toString().trimmed();
        if (!given.isString() || name.isEmpty() || name.size() > MaxNameLength) {
            // The token is fine, so the client may try again with another name.
            sendError(rid, ErrorCode::InvalidRequest,
                      QStringLiteral("The invite has no name, so \"name\" must be 1 to %1 "
                                     "characters")
                          .arg(MaxNameLength));
            return;
        }
    }

    if (!admitJoin(*claims, msg, rid, name))
        return;

    m_room = m_server->room(claims->room);
    m_clientId = m_server->nextClientId();
    m_name = name;
    m_role = claims->role;

    QJsonArray participants;
    for (const Connection *c : m_room->members())
        participants.append(c->participantJson());
    participants.append(participantJson());

    QJsonObject reply = message("joined");
    setRid(reply, rid);
    reply.insert(QStringLiteral("clientId"), m_clientId);
    reply.insert(QStringLiteral("room"), m_room->name());
    reply.insert(QStringLiteral("name"), m_name);
    reply.insert(QStringLiteral("role"), m_role);
    reply.insert(QStringLiteral("maxFileSize"), m_server->options.maxFileSize);
    reply.insert(QStringLiteral("serverTime"), QDateTime::currentMSecsSinceEpoch());
    reply.insert(QStringLiteral("participants"), participants);
    reply.insert(QStringLiteral("files"), filesJson(m_room->visibleFiles(m_clientId)));
    sendJson(reply);

    QJsonObject event = message("participant-joined");
    event.insert(QStringLiteral("participant"), participantJson());
    const auto others = m_room->members();
    for (Connection *c : others)
        c->sendJson(event);
    m_room->addMember(this);
    qCInfo(lcServer) << m_clientId << m_name << "joined room" << m_room->name() << "as" << m_role;
    m_server->joined(this);
    startSession(*claims, name);
}

void Connection::handleList(const QJsonValue &rid)
{
    QJsonObject reply = message("files");
    setRid(reply, rid);
    reply.insert(QStringLiteral("files"), filesJson(m_room->visibleFiles(m_clientId)));
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
    const auto size = integerOf(msg.value(QLatin1String("size")));
    if (!nameValue.isString())
        return invalid(str("\"name\" must be a string"));
    const QString name = nameValue.toString();
    if (name.isEmpty() || name.size() > MaxFileNameLength)
        return invalid(
            QStringLiteral("\"name\" must be 1 to %1 characters").arg(MaxFileNameLength));
    if (!size || *size < 0)
        return invalid(str("\"size\" must be a non-negative integer"));
    if (!mimeValue.isUndefined() && !mimeValue.isString())
        return invalid(str("\"mime\" must be a string"));
    if (!broadcastValue.isUndefined() && !broadcastValue.isBool())
        return invalid(str("\"broadcast\" must be true or false"));
    const bool broadcast = broadcastValue.toBool(true);

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
    if (int(m_uploads.size()) >= m_server->options.maxUploadsPerConnection) {
        return sendError(rid, ErrorCode::LimitExceeded,
                         QStringLiteral("At most %1 uploads at a time")
                             .arg(m_server->options.maxUploadsPerConnection));
    }

    auto upload = std::make_unique<Upload>();
    upload->id = m_server->nextTransferId();
    upload->name = name;
    upload->size = *size;
    upload->mime = mimeValue.toString();
    if (upload->mime.isEmpty())
        upload->mime = str("application/octet-stream");
    upload->broadcast = broadcast;
    upload->recipients = recipients;
    upload->partialPath = m_server->storage.newPartialPath();
    auto writer = std::make_unique<UploadWriter>(upload->partialPath);
    if (!writer->open()) {
        qCWarning(lcServer) << "cannot create" << upload->partialPath << writer->errorString();
        return sendError(rid, ErrorCode::StorageError,
                         str("The server cannot store files right now"));
    }
    const quint32 id = upload->id;
    connect(writer.get(), &UploadWriter::written, this,
            [this, id](qint64 total) { onUploadWritten(id, total); });
    connect(writer.get(), &UploadWriter::finished, this,
            [this, id](const QString &sha256, const QString &error) {
                onUploadFinished(id, sha256, error);
            });
    writer->start();
    upload->writer = writer.release();
    qCInfo(lcServer) << m_clientId << "upload" << id << "begins:" << *size << "bytes"
                     << (broadcast ? "to everyone" : "to chosen clients");
    m_uploads.emplace(id, std::move(upload));

    QJsonObject reply = message("upload-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("uploadId"), qint64(id));
    reply.insert(QStringLiteral("offset"), 0);
    sendJson(reply);
    completeUploadIfDone(id); // a zero-byte upload only waits for upload-end
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
    const auto it = m_uploads.find(id);
    if (it == m_uploads.end()) {
        // Chunks still in flight after a cancel, a failure or completion are expected.
        if (m_endedUploads.contains(id) || m_publishedUploads.contains(id))
            return;
        QJsonObject failed = message("upload-failed");
        failed.insert(QStringLiteral("uploadId"), qint64(id));
        failed.insert(QStringLiteral("code"), int(ErrorCode::ProtocolError));
        failed.insert(QStringLiteral("error"), errorTitle(ErrorCode::ProtocolError));
        failed.insert(QStringLiteral("desc"), QStringLiteral("There is no upload %1").arg(id));
        sendJson(failed);
        m_endedUploads.insert(id); // one report is enough
        return;
    }
    Upload &upload = *it->second;
    const QByteArrayView payload = QByteArrayView(data).sliced(ChunkHeader::Size);
    if (!header->verify(payload)) {
        return dropUpload(id, ErrorCode::IntegrityError,
                          QStringLiteral("The chunk at offset %1 failed its checksum (CRC-32C)")
                              .arg(header->offset));
    }
    if (header->offset != quint64(upload.received)) {
        return dropUpload(id, ErrorCode::ProtocolError,
                          QStringLiteral("Chunk at offset %1, expected offset %2")
                              .arg(header->offset)
                              .arg(upload.received));
    }
    if (payload.size() > Protocol::ChunkSize) {
        return dropUpload(id, ErrorCode::ProtocolError,
                          QStringLiteral("Chunk of %1 bytes, at most %2 allowed")
                              .arg(payload.size())
                              .arg(Protocol::ChunkSize));
    }
    if (upload.received + payload.size() > upload.size) {
        return dropUpload(id, ErrorCode::ProtocolError,
                          QStringLiteral("More bytes than the declared %1").arg(upload.size));
    }
    if (payload.isEmpty())
        return;
    // Written, hashed and acknowledged once the storage thread reports it (onUploadWritten).
    upload.writer->append(data, ChunkHeader::Size);
    upload.received += payload.size();
}

void Connection::onUploadWritten(quint32 uploadId, qint64 total)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    Upload &upload = *it->second;
    upload.written = total;
    if (upload.written - upload.acked >= Protocol::AckInterval || upload.written == upload.size)
        sendUploadAck(upload);
    completeUploadIfDone(uploadId);
}

void Connection::sendUploadAck(Upload &upload)
{
    upload.acked = upload.written;
    QJsonObject ack = message("upload-ack");
    ack.insert(QStringLiteral("uploadId"), qint64(upload.id));
    ack.insert(QStringLiteral("offset"), upload.written);
    sendJson(ack);
}

void Connection::handleUploadEnd(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("uploadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"uploadId\" must be an integer"));
    const auto it = m_uploads.find(*id);
    if (it == m_uploads.end()) {
        if (m_endedUploads.contains(*id))
            return; // cancelled or failed already; the client has been told
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no upload %1 in progress").arg(*id));
    }
    Upload &upload = *it->second;
    const QJsonValue sha = msg.value(QLatin1String("sha256"));
    if (!sha.isString() || !isSha256Hex(sha.toString())) {
        return dropUpload(*id, ErrorCode::InvalidRequest,
                          str("\"sha256\" must be 64 hexadecimal digits"));
    }
    if (upload.endReceived)
        return dropUpload(*id, ErrorCode::ProtocolError, str("Second \"upload-end\""));
    upload.endReceived = true;
    upload.clientSha256 = sha.toString().toLower();
    completeUploadIfDone(*id);
}

void Connection::completeUploadIfDone(quint32 uploadId)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    Upload &upload = *it->second;
    if (!upload.endReceived || upload.written != upload.size || upload.finishing)
        return;
    upload.finishing = true;
    upload.writer->finish(); // continues in onUploadFinished
}

void Connection::onUploadFinished(quint32 uploadId, const QString &actual,
                                  const QString &writeError)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    Upload &upload = *it->second;
    if (!writeError.isEmpty()) {
        return dropUpload(
            uploadId, ErrorCode::StorageError,
            QStringLiteral("The server could not write the file: %1").arg(writeError));
    }
    if (actual != upload.clientSha256) {
        qCInfo(lcServer) << "upload" << uploadId << "hash mismatch";
        return dropUpload(uploadId, ErrorCode::IntegrityError,
                          QStringLiteral("The received bytes hash to %1, not %2")
                              .arg(actual, upload.clientSha256));
    }
    upload.writer->dispose(); // its file is closed
    upload.writer = nullptr;
    QString error;
    const QString storedPath = m_server->storage.commit(upload.partialPath, &error);
    if (storedPath.isEmpty())
        return dropUpload(uploadId, ErrorCode::StorageError, error);

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    StoredFile file;
    file.name = upload.name;
    file.size = upload.size;
    file.mime = upload.mime;
    file.sha256 = actual;
    file.senderName = m_name;
    file.senderId = m_clientId;
    file.createdAt = now;
    file.expiresAt = now + m_server->options.fileTtlSeconds * 1000;
    file.broadcast = upload.broadcast;
    file.recipients = upload.recipients;
    file.storagePath = storedPath;
    m_uploads.erase(it);

    const StoredFilePtr stored = m_server->publish(m_room, std::move(file));
    m_publishedUploads.insert(uploadId, stored->index);
    qCInfo(lcServer) << "upload" << uploadId << "complete: file" << stored->index << "of room"
                     << m_room->name();
    QJsonObject done = message("upload-done");
    done.insert(QStringLiteral("uploadId"), qint64(uploadId));
    done.insert(QStringLiteral("file"), stored->toJson());
    sendJson(done);
    m_server->announce(m_room, stored);
}

void Connection::dropUpload(quint32 uploadId, ErrorCode code, const QString &desc)
{
    const auto it = m_uploads.find(uploadId);
    if (it == m_uploads.end())
        return;
    if (it->second->writer)
        it->second->writer->dispose();
    Storage::remove(it->second->partialPath);
    m_uploads.erase(it);
    if (m_endedUploads.size() >= MaxRememberedUploads)
        m_endedUploads.clear();
    m_endedUploads.insert(uploadId);
    if (code == ErrorCode::None)
        return;
    qCInfo(lcServer) << "upload" << uploadId << "failed:" << int(code) << desc;
    QJsonObject failed = message("upload-failed");
    failed.insert(QStringLiteral("uploadId"), qint64(uploadId));
    failed.insert(QStringLiteral("code"), int(code));
    failed.insert(QStringLiteral("error"), errorTitle(code));
    failed.insert(QStringLiteral("desc"), desc);
    sendJson(failed);
}

void Connection::handleUploadCancel(const QJsonObject &msg, const QJsonValue &rid)
{
    const auto id = transferIdOf(msg.value(QLatin1String("uploadId")));
    if (!id)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"uploadId\" must be an integer"));
    if (m_uploads.count(*id)) {
        dropUpload(*id, ErrorCode::None, QString());
        qCInfo(lcServer) << "upload" << *id << "cancelled";
    } else if (const auto index = m_publishedUploads.find(*id);
               index != m_publishedUploads.end() && m_room->file(*index)) {
        const qint64 fileIndex = *index;
        m_publishedUploads.erase(index);
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
    const auto index = integerOf(msg.value(QLatin1String("index")));
    if (!index)
        return sendError(rid, ErrorCode::InvalidRequest, str("\"index\" must be an integer"));
    const QJsonValue offsetValue = msg.value(QLatin1String("offset"));
    const auto offset
        = offsetValue.isUndefined() ? std::optional<qint64>(0) : integerOf(offsetValue);
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
    download->source = std::make_unique<QFile>(file->storagePath);
    if (!download->source->open(QIODevice::ReadOnly) || !download->source->seek(*offset)) {
        qCWarning(lcServer) << "cannot read" << file->storagePath
                            << download->source->errorString();
        return sendError(rid, ErrorCode::DownloadFailed,
                         QStringLiteral("The server cannot read file %1").arg(*index));
    }
    download->sent = *offset;
    download->acked = *offset;
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
    const auto offset = integerOf(msg.value(QLatin1String("offset")));
    if (!id || !offset)
        return sendError(rid, ErrorCode::InvalidRequest,
                         str("\"downloadId\" and \"offset\" must be integers"));
    const auto it = m_downloads.find(*id);
    if (it == m_downloads.end())
        return; // acks may trail the end or a cancel of the download
    Download &download = *it->second;
    // An ack can only confirm bytes that were sent; clamp rather than trust it.
    download.acked = qBound(download.acked, *offset, download.sent);
    pumpDownloads();
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
    while (!m_downloads.empty() && m_socket->bytesToWrite() < SocketHighWater
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
            if (m_socket->bytesToWrite() >= SocketHighWater)
                break;
            const auto it = m_downloads.find(id);
            if (it == m_downloads.end())
                continue;
            Download &d = *it->second;
            const qint64 size = d.file->size;
            if (d.sent < size) {
                if (d.sent - d.acked >= Protocol::DownloadWindow)
                    continue;
                const qint64 n = qMin(Protocol::ChunkSize, size - d.sent);
                // Read straight behind the header: no second copy of the payload.
                QByteArray chunk(ChunkHeader::Size + n, Qt::Uninitialized);
                if (d.source->read(chunk.data() + ChunkHeader::Size, n) != n) {
                    qCWarning(lcServer)
                        << "read failed for download" << id << d.source->errorString();
                    dropDownload(id, ErrorCode::DownloadFailed,
                                 str("The server could not read the file"));
                    progressed = true;
                    continue;
                }
                ChunkHeader::fill(chunk, ChunkHeader::Kind::Download, id, quint64(d.sent));
                m_socket->sendBinaryMessage(chunk);
                d.sent += n;
                m_lastServedDownload = id;
                progressed = true;
            }
            if (d.sent == size) {
                QJsonObject end = message("download-end");
                end.insert(QStringLiteral("downloadId"), qint64(id));
                sendJson(end);
                qCDebug(lcServer) << "download" << id << "sent completely";
                m_downloads.erase(id);
                progressed = true;
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
    if (!file->isVisibleTo(m_clientId))
        return;
    QJsonObject event = message("file-removed");
    event.insert(QStringLiteral("index"), file->index);
    event.insert(QStringLiteral("reason"), reason);
    sendJson(event);
}

} // namespace Roomshare::Server
