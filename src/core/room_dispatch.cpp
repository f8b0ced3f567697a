// What the server says, applied to the Room: `joined` (and the resume after a drop),
// membership and file events, the replies of transfers and their chunks.

#include "room.h"

#include "downloadjob.h"
#include "events.h"
#include "jsonnumbers.h"
#include "logging.h"
#include "roomlink_p.h"
#include "roomreplies_p.h"
#include "uploadjob.h"

namespace Roomshare {

void Room::handleJoined(const QJsonObject &msg)
{
    const bool reconnected = m_state == State::Reconnecting;
    m_link->setJoined(msg.value(QLatin1String("dataChannel")).toBool());
    m_clientId = msg.value(QLatin1String("clientId")).toString();
    m_sessionId = msg.value(QLatin1String("sessionId")).toString();
    m_displayName = msg.value(QLatin1String("name")).toString();
    m_role = msg.value(QLatin1String("role")).toString();
    m_maxFileSize = JsonNumbers::toInteger(msg.value(QLatin1String("maxFileSize")));
    m_lastError = ErrorCode::None;
    m_lastErrorText.clear();
    resetLobby(msg);
    applyLocked(msg.value(QLatin1String("locked")).toBool());
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
    m_link->stopReconnectClock();
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

    if (handleLobbyEvent(type, msg) || handleModerationEvent(type, msg))
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
            job->handleFailed(RoomReplies::codeOf(msg, ErrorCode::UploadFailed),
                              msg.value(QLatin1String("desc")).toString());
    } else if (type == QLatin1String("download-end")) {
        if (auto job = download())
            job->handleEnd();
    } else if (type == QLatin1String("download-failed")) {
        if (auto job = download())
            job->handleFailed(RoomReplies::codeOf(msg, ErrorCode::DownloadFailed),
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
        else
            Q_EMIT ownFileRemoved(index, msg.value(QLatin1String("reason")).toString());
    } else if (type == QLatin1String("error")) {
        qCWarning(lcCore) << "server error" << msg.value(QLatin1String("code")).toInt()
                          << msg.value(QLatin1String("desc")).toString();
        // The server ends a participant on purpose (a moderator removed it, its invite
        // expired) with this error, then closes. Whatever reaches us first after it (the
        // close code, or a drop of the data channel), coming back cannot help.
        const ErrorCode code = RoomReplies::codeOf(msg, ErrorCode::None);
        if (code == ErrorCode::NotPermitted || code == ErrorCode::InvalidInvite) {
            m_lastError = ErrorCode::None;
            fail(code, msg.value(QLatin1String("desc")).toString());
            m_endedByServer = true;
        }
    } else {
        qCDebug(lcCore) << "ignoring unknown message" << type;
    }
}

void Room::dispatchChunk(const ChunkHeader &header, const QByteArray &message)
{
    // Chunks of a download we cancelled may still be in flight: dropping them is expected.
    if (auto job = m_downloadsByWireId.value(header.transferId))
        job->handleChunk(header, message);
}

} // namespace Roomshare
