// The Room's life cycle: connecting, reconnecting after a drop and ending, over the
// transport its RoomLink provides. Messages are dispatched in room_dispatch.cpp, the
// file-share API is in room_transfers.cpp.

#include "room.h"

#include <QDir>
#include <QStandardPaths>

#include "allocator.h"
#include "dataframes.h"
#include "downloadjob.h"
#include "invite.h"
#include "logging.h"
#include "protocol.h"
#include "roomlink_p.h"
#include "roomreplies_p.h"
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
// Downloads of this room that run at once; the rest wait their turn (a folder of hundreds
// of files, or "download all"). Below the server's per-connection limit (32 by default) for
// the same reason as uploads: a cancelled download counts there until its cancel arrives.
constexpr int MaxConcurrentDownloads = 16;

QJsonObject errorReply(ErrorCode code, const QString &desc, bool transient)
{
    QJsonObject reply{ { QStringLiteral("type"), QStringLiteral("error") },
                       { QStringLiteral("code"), int(code) },
                       { QStringLiteral("desc"), desc } };
    if (transient)
        reply.insert(QStringLiteral("transient"), true);
    return reply;
}

} // namespace

Room::Room(QObject *parent)
    : QObject(parent)
    , m_link(std::make_unique<RoomLink>())
    , m_uploadQueue(new TransferQueue(MaxConcurrentUploads, this))
    , m_downloadQueue(new TransferQueue(MaxConcurrentDownloads, this))
{
    tuneAllocatorForChunks();
    m_link->setChunkHandler([this](const ChunkHeader &header, const QByteArray &message) {
        dispatchChunk(header, message);
    });
    m_link->setDownloadLookup([this](quint32 id) { return m_downloadsByWireId.contains(id); });
    connect(m_link.get(), &RoomLink::readyToJoin, this, &Room::sendJoin);
    connect(m_link.get(), &RoomLink::connectFailed, this, &Room::onConnectFailed);
    connect(m_link.get(), &RoomLink::dropped, this, &Room::onSocketDisconnected);
    connect(m_link.get(), &RoomLink::eventReceived, this, &Room::handleEvent);
    connect(m_link.get(), &RoomLink::silent, this, [this] {
        fail(ErrorCode::ConnectionLost,
             QStringLiteral("The room server stopped answering (no reply for %1 s)")
                 .arg(m_link->heartbeatTimeout() / 1000.0));
    });
    connect(m_link.get(), &RoomLink::bytesWritten, this, [this] {
        const auto uploads = m_uploads;
        for (const auto &job : uploads)
            if (job)
                job->pump();
    });
}

Room::~Room()
{
    m_closing = true;
    m_link->disconnect(this);
    // Leaving on purpose: `leave` tells the server not to wait for a resume.
    // Not when uploads are recorded for a later run: `leave` would make the server drop them.
    if (m_link->isSocketConnected() && m_state == State::Connected && !keepsUploadsForLater()
        && unfinishedUploads().isEmpty())
        sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("leave") } });
    m_link->closeNow();
    // Jobs are children; they are destroyed with the room. Downloads leave their partial
    // file and its sidecar behind, so a later download of the same file continues it.
}

void Room::setHeartbeat(int intervalMs, int timeoutMs)
{
    m_link->setHeartbeat(intervalMs, timeoutMs);
}

int Room::heartbeatInterval() const
{
    return m_link->heartbeatInterval();
}

int Room::heartbeatTimeout() const
{
    return m_link->heartbeatTimeout();
}

void Room::setDataChannelEnabled(bool enabled)
{
    m_link->setDataChannelEnabled(enabled);
}

bool Room::isDataChannelEnabled() const
{
    return m_link->isDataChannelEnabled();
}

bool Room::usesDataChannel() const
{
    return m_link->usesDataChannel();
}

QString Room::serverFingerprint() const
{
    return m_link->pinnedFingerprint();
}

bool Room::isFingerprintTrustedOnFirstUse() const
{
    return m_link->isTrustedOnFirstUse();
}

QString Room::serverAddress() const
{
    const QUrl url = m_link->serverUrl();
    return ServerEndpoint{ url.host(), quint16(url.port()) }.toString();
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
    if (m_link->hasSocket() || m_state != State::Disconnected)
        disconnectFromRoom();

    m_inviteLink = inviteLink.trimmed();
    m_token = link->token;
    m_roomName = link->room;
    m_requestedName = displayName.trimmed();
    m_link->setTargets(link->serverUrls(), link->certFingerprint);
    // Unfinished uploads of an earlier run belong to its session: join as that session.
    m_sessionId = adoptUploadState(m_token);
    m_endedByServer = false;
    m_lastError = ErrorCode::None;
    m_lastErrorText.clear();
    m_closing = false;
    m_knocking = link->isKnockLink();
    m_link->setKnocking(m_knocking);
    m_lobbyEnabled = true;
    m_knocks.clear();
    m_locked = false;
    setState(State::Connecting);
    qCInfo(lcCore) << "connecting to" << link->serverUrls() << "room" << m_roomName;
    m_link->open();
    return true;
}

void Room::onConnectFailed(ErrorCode code, const QString &text)
{
    if (m_closing || m_state == State::Disconnected)
        return;
    qCInfo(lcCore).noquote() << text;
    // A certificate that does not match cannot get better by trying again.
    const bool permanent = code == ErrorCode::TlsVerificationFailed;
    if (!permanent && m_state == State::Reconnecting && m_link->isReconnectClockRunning()) {
        m_link->setLastConnectError(text);
        return scheduleReconnect();
    }
    fail(code, text);
    finishDisconnect();
}

void Room::disconnectFromRoom()
{
    m_link->abortConnecting();
    if (!m_link->hasSocket() && m_state == State::Disconnected)
        return;
    m_closing = true;
    if (m_link->hasSocket()) {
        if (m_state == State::Connected && mayLeave())
            sendControl(QJsonObject{ { QStringLiteral("type"), QStringLiteral("leave") } });
        // Reports the end now (through onSocketDisconnected), so callers see a consistent
        // state.
        m_link->leave();
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

void Room::sendJoin()
{
    if (!m_link->beginJoin())
        return;
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
    const QString dataKey = m_link->dataKey();
    if (!dataKey.isEmpty())
        join.insert(QStringLiteral("dataKey"), dataKey);
    request(join, [this](const QJsonObject &reply) {
        if (reply.value(QLatin1String("type")).toString() == QLatin1String("joined"))
            return handleJoined(reply);
        if (reply.value(QLatin1String("transient")).toBool())
            return; // the attempt's connection dropped; onSocketDisconnected deals with it
        // Refused: retrying cannot help.
        m_link->stopReconnectClock();
        m_lastError = ErrorCode::None;
        fail(RoomReplies::codeOf(reply, ErrorCode::InvalidInvite),
             reply.value(QLatin1String("desc")).toString());
        m_closing = false;
        m_link->close();
    });
}

void Room::onSocketDisconnected(int closeCode, const QString &why)
{
    if (m_state == State::Disconnected)
        return;
    const bool wasJoined = m_state == State::Connected || m_state == State::Reconnecting;
    // The server's documented close codes (docs/protocol.md) tell why it ended us; some
    // mean that trying again cannot help.
    bool permanent = m_lastError == ErrorCode::TlsVerificationFailed || m_endedByServer;
    // The server's own reason (sent just before it closed) says more than the close code:
    // it names the moderator who removed us.
    if (!m_closing && !m_endedByServer) {
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
        && (m_state == State::Connected || m_link->isReconnectClockRunning());
    if (!retry) {
        if (!m_closing) {
            if (m_state == State::Connected)
                fail(ErrorCode::ConnectionLost,
                     QStringLiteral("The connection to the room was lost"));
            else
                fail(ErrorCode::RoomDisconnected,
                     QStringLiteral("The room server at %1 closed the connection before you "
                                    "joined: %2")
                         .arg(serverAddress(), why));
        }
        return finishDisconnect();
    }

    if (m_state == State::Connected) {
        qCInfo(lcCore) << "connection to room" << m_roomName << "lost (" << why
                       << "); reconnecting for up to" << m_reconnectWindowMs << "ms";
        m_link->startReconnectClock();
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
    m_link->failPending(
        errorReply(ErrorCode::ConnectionLost, errorText(ErrorCode::ConnectionLost), true));
    scheduleReconnect();
}

void Room::scheduleReconnect()
{
    if (m_link->scheduleRetry(m_reconnectWindowMs))
        return;
    qCInfo(lcCore) << "giving up reconnecting to room" << m_roomName;
    const QString lastError = m_link->lastConnectError();
    fail(ErrorCode::ConnectionLost,
         QStringLiteral("The connection to the room was lost and could not be restored "
                        "within %1 s%2")
             .arg(m_reconnectWindowMs / 1000)
             .arg(lastError.isEmpty() ? QString() : QStringLiteral(": ") + lastError));
    finishDisconnect();
}

void Room::finishDisconnect()
{
    m_link->shutdown();
    const State previous = m_state;
    // Jobs must see Disconnected, not Reconnecting, so they fail rather than pause.
    m_state = State::Disconnected;
    m_link->failPending(errorReply(ErrorCode::RoomDisconnected, disconnectedText(), false));
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
    m_link->setKnocking(false);
    m_knocks.clear();
    applyLocked(false);
    if (previous != State::Disconnected)
        Q_EMIT stateChanged(State::Disconnected);
    if (hadFiles)
        Q_EMIT availableFilesReset();
    Q_EMIT disconnected(m_closing ? ErrorCode::None : m_lastError,
                        m_closing ? QString() : m_lastErrorText);
}

void Room::request(QJsonObject msg, ReplyHandler handler)
{
    const bool isJoin = msg.value(QLatin1String("type")).toString() == QLatin1String("join");
    if (m_state == State::Reconnecting && !isJoin) {
        // A job that starts while the room is reconnecting waits for the connection, as
        // the running ones do, instead of failing.
        return handler(
            errorReply(ErrorCode::ConnectionLost, errorText(ErrorCode::ConnectionLost), true));
    }
    if (!isConnected() && !(m_link->hasSocket() && isJoin))
        return handler(errorReply(ErrorCode::RoomDisconnected, disconnectedText(), false));
    m_link->request(std::move(msg), std::move(handler));
}

void Room::sendControl(const QJsonObject &msg)
{
    m_link->send(msg);
}

void Room::sendChunk(const DataFrames::ChunkFrame &chunk)
{
    m_link->sendChunk(chunk);
}

qint64 Room::socketBacklog() const
{
    return m_link->backlog();
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

} // namespace Roomshare
