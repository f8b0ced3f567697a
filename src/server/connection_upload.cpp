// Where an upload's bytes go: `upload-begin`, `upload-resume`, the upload chunks (binary
// messages), `upload-end` and `upload-cancel`, from checks to storage and to publishing.

#include "connection_p.h"
#include "connection_wire_p.h"
#include "filepage_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <ackwindow.h>
#include <chunkheader.h>
#include <jsonnumbers.h>
#include <protocol.h>

#include <QDateTime>
#include <QJsonArray>

namespace Roomshare::Server {

using namespace ConnectionWire;

namespace {

// The durable offset of an upload advances at least this often (bytes), and at least
// once a second while data arrives (RoomServerPrivate::onDurableTimer); the sync runs on
// the Syncer's thread, so it lags by the time the disk takes, but never by more than
// twice this.
constexpr qint64 DurableInterval = 4 * 1024 * 1024;
// Chunks for unknown uploads are answered (1198) for at most this many ids per connection.
constexpr int MaxUnknownUploadReports = 64;
// Consecutive chunks failing their CRC before an upload fails with 1191.
constexpr int MaxCrcFailures = 8;
constexpr char EmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

} // namespace

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
    if (!m_server->objects)
        upload->file = std::make_unique<QFile>(path);
    // Unbuffered: each chunk goes straight to the OS, so a full disk shows up on the
    // write that hit it rather than at some later flush.
    if (upload->file
        && !upload->file->open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered)) {
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
    Upload *added = m_server->addUpload(std::move(upload));
    // In an object store: recorded and answered once the object exists.
    if (m_server->objects)
        return m_server->beginObjectUpload(added, this, rid);
    // Answered once recorded, together with whatever else arrived in this turn.
    m_server->queueRecord(id, this, rid);
    completeUploadIfDone(id); // a zero-byte upload waits only for its hash
}

void Connection::answerUploadBegin(quint32 uploadId, const QJsonValue &rid, bool recorded,
                                   const QString &why)
{
    if (!recorded && !why.isEmpty()) {
        return sendError(rid, ErrorCode::StorageError,
                         QStringLiteral("The server cannot store files right now: %1").arg(why));
    }
    if (!recorded) {
        return sendError(rid, ErrorCode::StorageError, str("The server cannot record the upload"));
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
    if (upload.object) {
        // The object keeps what it holds in memory while this process runs: nothing to
        // reopen. A prefix this process never saw is checked by SHA-256 at the end.
        if (upload.crcs.length() != upload.received)
            upload.crcsValid = false;
    } else if (!upload.file) {
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
    if (!upload.object && (!upload.crcsValid || upload.crcs.length() != upload.received)) {
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
        if (const auto stranded = m_server->strandedUploads.constFind(*id);
            stranded != m_server->strandedUploads.cend()) {
            // docs/scale-out.md, "A session moves to another node": local disk cannot.
            return sendError(rid, ErrorCode::StorageError,
                             QStringLiteral("Upload %1 cannot continue on this server node: its "
                                            "bytes are on the disk of node %2, which received "
                                            "them. Send the file again.")
                                 .arg(*id)
                                 .arg(stranded.value()));
        }
        return sendError(rid, ErrorCode::UnknownJob,
                         QStringLiteral("You have no upload %1 to resume").arg(*id));
    }
    if (m_server->objects && !upload->object) {
        // Recorded before a restart: S3 tells how many parts it holds.
        return m_server->resumeObjectUpload(upload, this, rid);
    }
    if (upload->object && upload->object->isOpening()) {
        // Another resume is finding the parts: answer when they are known, not before
        // (chunks sent from a guessed offset would land at the wrong place).
        const quint32 uploadId = *id;
        connect(
            upload->object.get(), &S3Upload::opened, this,
            [this, uploadId, rid] { continueUploadResume(uploadId, rid, QString()); },
            Qt::SingleShotConnection);
        return;
    }
    continueUploadResume(*id, rid, QString());
}

void Connection::continueUploadResume(quint32 uploadId, const QJsonValue &rid, const QString &error)
{
    Upload *upload = m_server->upload(uploadId);
    if (!upload || !error.isEmpty()) {
        return sendError(rid, ErrorCode::StorageError,
                         QStringLiteral("The server cannot continue upload %1: %2")
                             .arg(uploadId)
                             .arg(error.isEmpty() ? str("it ended meanwhile") : error));
    }
    if (!attach(*upload)) {
        upload->connection = nullptr;
        upload->file.reset();
        sendError(rid, ErrorCode::StorageError,
                  QStringLiteral("The server cannot continue upload %1").arg(uploadId));
        m_server->dropUpload(uploadId);
        return;
    }
    m_server->makeDurable(upload);
    qCInfo(lcServer) << m_clientId << "upload" << uploadId << "resumed at" << upload->received;
    QJsonObject reply = message("upload-accepted");
    setRid(reply, rid);
    reply.insert(QStringLiteral("uploadId"), qint64(uploadId));
    reply.insert(QStringLiteral("offset"), upload->received);
    reply.insert(QStringLiteral("resumed"), true);
    sendJson(reply);
    completeUploadIfDone(uploadId);
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
    if (upload.object) {
        // Held by the object while a part travels; its acks wait (below), so the sender's
        // window (at most 64 MiB, docs/protocol.md "Flow control") bounds what is held.
        if (upload.object->held() > AckWindow::MaxWindow + Protocol::AckInterval) {
            return failUpload(id, ErrorCode::ProtocolError,
                              QStringLiteral("More than %1 bytes sent without an acknowledgement")
                                  .arg(AckWindow::MaxWindow));
        }
        upload.object->write(payload);
    } else if (!Storage::faultBudgetAllows(payload.size())
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
    if (upload.object) {
        // Durable as S3 confirms parts (RoomServerPrivate::openObject).
    } else if (upload.received - upload.durable >= 2 * DurableInterval) {
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
    const bool held = upload.object && upload.object->held() > 0;
    if (!held
        && (upload.received - upload.acked >= Protocol::AckInterval
            || upload.received == upload.size))
        sendUploadAck(upload);
    completeUploadIfDone(id);
}

void Connection::objectProgress(quint32 uploadId)
{
    Upload *upload = m_server->upload(uploadId);
    if (!upload || upload->connection != this || !upload->object || upload->object->held() > 0)
        return;
    if (upload->received > upload->acked
        && (upload->received - upload->acked >= Protocol::AckInterval
            || upload->received == upload->size))
        sendUploadAck(*upload);
    completeUploadIfDone(uploadId);
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
    sendJson(failureMessage("upload-failed", "uploadId", uploadId, code, desc));
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

} // namespace Roomshare::Server
