#pragma once

#include "ratelimit_p.h"
#include "room_p.h"
#include "s3client_p.h"

#include <ackwindow.h>
#include <dataframes.h>
#include <errors.h>
#include <invite.h>

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QWebSocketProtocol>

#include <map>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
class QWebSocket;
QT_END_NAMESPACE

namespace Roomshare::Server {

class RoomServerPrivate;
class ZeroCopyWriter;

//! One client connection: the protocol state machine (not joined, then joined to one
//! room), its uploads in progress and its downloads. Owns its QWebSocket.
class Connection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)

public:
    Connection(RoomServerPrivate *server, QWebSocket *socket);
    ~Connection() override;

    bool isJoined() const { return m_room != nullptr; }
    Room *room() const { return m_room; }
    Session *session() const { return m_session; }
    QString clientId() const { return m_clientId; }
    QString name() const { return m_name; }
    QString role() const { return m_role; }
    QHostAddress peerAddress() const;
    int downloadCount() const { return int(m_downloads.size()); }

    void sendJson(const QJsonObject &message);
    //! Starts the closing handshake; further messages from the peer are ignored.
    void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);
    //! Pings the peer, and closes the connection if it has been silent too long.
    void checkLiveness();
    //! Sends `file-available` if this member may see \a file.
    void offerFile(const StoredFilePtr &file);
    //! \a file is going away: fails downloads of it (1193) and sends `file-removed` if
    //! this member could see it.
    void withdrawFile(const StoredFilePtr &file, const QString &reason);
    //! Another connection resumed this one's session: let go of it (uploads stay with the
    //! session) and close with 4002, without announcing anything.
    void takenOver();
    //! Drops the socket silently, keeping uploads resumable. For server shutdown.
    void shutdown();
    //! Sends an `upload-failed` for \a uploadId.
    void sendUploadFailed(quint32 uploadId, ErrorCode code, const QString &desc);
    //! Sends `upload-ack` for what \a upload has received.
    void sendUploadAckNow(const Upload &upload);
    //! Answers `upload-begin` (\a rid) once the new upload is recorded: `upload-accepted`
    //! when \a recorded, else error 1194 (with \a why when the storage said why).
    void answerUploadBegin(quint32 uploadId, const QJsonValue &rid, bool recorded,
                           const QString &why = QString());
    //! The object store took chunks it held or stored a part (roomserver_s3.cpp): sends the
    //! `upload-ack` held back meanwhile and publishes the upload if it is complete.
    void objectProgress(quint32 uploadId);
    //! The object of upload \a uploadId was found after a restart (\a error empty) or not:
    //! answers the `upload-resume` \a rid.
    void continueUploadResume(quint32 uploadId, const QJsonValue &rid, const QString &error);

    // Security (connection_security.cpp).
    //! Feeds a message as if it had arrived on the socket: the in-memory path the fuzz
    //! targets drive. Replies go nowhere when the socket is not connected.
    void receiveText(const QString &message) { onTextMessage(message); }
    void receiveBinary(const QByteArray &message) { onBinaryMessage(message); }
    //! For the fuzz targets, which run without sockets: \a observer sees every control
    //! message a connection sends (or would send, unconnected). Null to stop.
    static void setSentObserver(void (*observer)(const Connection *, const QJsonObject &))
    {
        s_sentObserver = observer;
    }
    //! Whether binary messages travel over a raw data channel (docs/protocol.md, "Data
    //! channel") rather than the WebSocket.
    bool hasDataChannel() const { return m_data != nullptr; }
    //! The jti of the token this connection joined with.
    QString tokenId() const { return m_tokenId; }
    //! \a file was sent by this participant: by this session, or by another session of the
    //! same owner (docs/protocol.md "Your own files").
    bool ownsFile(const StoredFile &file) const;
    //! A moderator removed this participant: stops its transfers at once, tells it why
    //! (`error` 1199) and closes with 4004.
    void removeByModerator(const QString &moderatorName);

    //! Bytes queued for the peer on the transport that carries download chunks.
    qint64 dataBacklog() const;

    // The lobby (connection_lobby.cpp, lobby.cpp).
    //! The knock this connection waits on (empty when none).
    QString knockId() const { return m_knockId; }
    //! The knock is waiting: the join deadline no longer applies (the knock timeout does).
    void enterLobby(const QString &knockId);
    //! The knock ended; an admitted knocker has the join timeout again to send `join`.
    void leaveLobby();

private:
    static inline void (*s_sentObserver)(const Connection *, const QJsonObject &) = nullptr;

    //! A GET may end inside its own signal: cancelled at once, deleted on the next turn.
    struct ObjectReadDeleter
    {
        void operator()(S3Job *job) const
        {
            job->cancel();
            job->deleteLater();
        }
    };
    struct Download
    {
        quint32 id = 0;
        StoredFilePtr file;
        std::shared_ptr<QFile> source; //!< shared with a ZeroCopyWriter while it sends from it
        //! With an object store instead of source: the ranged GET from the download's
        //! offset, its bounded buffer the chunks are cut from.
        std::unique_ptr<S3Job, ObjectReadDeleter> object;
        qint64 sent = 0;
        qint64 acked = 0;
        AckWindow window; //!< how far sent may run ahead of acked
    };

    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);
    void onDisconnected();
    //! Takes over \a socket, a data channel the Listener greeted, as this connection's
    //! binary transport in both directions.
    void attachDataChannel(QTcpSocket *socket);
    //! Frames arrived on the data channel: they are read in the data channels' turns
    //! (SliceScheduler), not at once.
    void onDataReadyRead();
    //! One visit: processes up to one chunk's worth of frames; true if more are waiting.
    bool readDataFrames();
    //! The data channel broke: the whole connection is treated as dropped (the client
    //! reconnects and resumes), since chunks in flight on it are lost.
    void onDataChannelLost();
    //! Queues one chunk on the data channel, or as a WebSocket binary message without one.
    void sendChunk(const DataFrames::ChunkFrame &chunk);
    //! Closes the data channel (if any) without treating it as a loss.
    void closeDataChannel();

    void handleJoin(const QJsonObject &msg, const QJsonValue &rid);
    void handleList(const QJsonObject &msg, const QJsonValue &rid);
    void handleLeave();
    void handleUploadBegin(const QJsonObject &msg, const QJsonValue &rid);
    void handleUploadResume(const QJsonObject &msg, const QJsonValue &rid);
    //! The optional folder fields of `upload-begin` (connection_folders.cpp; docs/protocol.md
    //! "Folders") into \a folder: false after answering the refusal (1189, 1201 or 1202).
    bool parseFolder(const QJsonObject &msg, const QJsonValue &rid, FolderTag *folder);
    void handleUploadEnd(const QJsonObject &msg, const QJsonValue &rid);
    void handleUploadCancel(const QJsonObject &msg, const QJsonValue &rid);
    void handleDownloadBegin(const QJsonObject &msg, const QJsonValue &rid);
    void handleDownloadAck(const QJsonObject &msg, const QJsonValue &rid);
    void handleDownloadCancel(const QJsonObject &msg, const QJsonValue &rid);
    void handleDownloadVerified(const QJsonObject &msg, const QJsonValue &rid);
    void handleFileRemove(const QJsonObject &msg, const QJsonValue &rid);
    void handleParticipantRemove(const QJsonObject &msg, const QJsonValue &rid);
    //! The meeting controls of moderators (connection_meeting.cpp); false when \a type is
    //! not one of them.
    bool handleMeetingRequest(const QString &type, const QJsonObject &msg, const QJsonValue &rid);
    void handleRoomLock(const QJsonObject &msg, const QJsonValue &rid);
    //! `knock` before joining (connection_lobby.cpp).
    void handleKnock(const QJsonObject &msg, const QJsonValue &rid);
    //! The lobby and invite requests of joined members; false when \a type is not one.
    bool handleLobbyRequest(const QString &type, const QJsonObject &msg, const QJsonValue &rid);
    void handleRoomSettings(const QJsonObject &msg, const QJsonValue &rid);
    void handleInviteCreate(const QJsonObject &msg, const QJsonValue &rid);

    enum class MessageKind { Control, Data };
    //! Starts the join deadline; called once from the constructor.
    void startGuards();
    //! Rate limit: false (after sending 1196 and closing) when the peer is over its budget.
    bool admitMessage(MessageKind kind);
    //! Join-time checks beyond the token: the optional "room" field and the ban list.
    //! Sends the refusal and closes when the join must not go ahead.
    bool admitJoin(const JoinClaims &claims, const QJsonObject &msg, const QJsonValue &rid,
                   const QString &name);
    //! Per-session and per-room caps on uploads in progress; false after answering 1196.
    bool admitNewUpload(const QJsonValue &rid);
    //! The session \a id of \a room if it may be resumed: not one whose invite expired
    //! while it was away (that one is ended now, so another token cannot revive it).
    Session *resumableSession(const QString &id, const QString &room);
    //! Arms the timer that ends the session when its token expires (4003).
    void startSession(const JoinClaims &claims, const QString &name);
    void checkSessionExpiry();
    //! Leaves the room at once (others hear `participant-left` with \a reason); the
    //! connection itself closes separately.
    void leaveRoom(const QString &reason);

    //! After each control message sent: charges replies to the control rate (by size) and
    //! drops a peer whose unsent data passes MaxSendBacklog (its session stays resumable).
    void accountSent(const QJsonObject &msg, qint64 bytes);
    //! Drops the connection at once, without a closing handshake, keeping the session
    //! resumable (as for a silent peer).
    void dropResumable();

    void sendError(const QJsonValue &rid, ErrorCode code, const QString &desc);
    void sendUploadAck(Upload &upload);
    void sendUploadNack(Upload &upload);
    //! Opens the partial file of \a upload for appending at its durable offset (truncating
    //! anything past it) and rebuilds its running hash if needed. False on failure.
    bool attach(Upload &upload);
    void completeUploadIfDone(quint32 uploadId);
    //! Ends an upload in progress (deleting its partial data) and, unless \a code is None,
    //! sends `upload-failed`.
    void failUpload(quint32 uploadId, ErrorCode code, const QString &desc);
    void dropDownload(quint32 downloadId, ErrorCode code, const QString &desc);
    void pumpDownloads();
    //! Waiting: the object store has not delivered the bytes yet (readyRead pumps again).
    enum class ChunkSent { Sent, Later, Waiting, ReadFailed };
    //! Sends the \a n bytes of \a download from its `sent` offset as one chunk
    //! (connection_download.cpp): by sendfile on a plain TCP data channel when the block's
    //! CRC-32C is known from the upload, else read and checksummed here. Later: it can go by
    //! sendfile once the socket's own buffer has drained (bytesWritten pumps again).
    ChunkSent sendDownloadChunk(Download &download, qint64 n);
    //! Lets go of this connection's uploads (made durable, kept for resuming) and drops
    //! its downloads.
    void detachTransfers();

    RoomServerPrivate *const m_server;
    QWebSocket *const m_socket;
    QTcpSocket *m_data = nullptr; //!< the raw data channel, owned; null without one
    //! Sends download frames on m_data by sendfile; null over TLS or without a data channel.
    std::unique_ptr<ZeroCopyWriter> m_zeroCopy;
    DataFrames::FrameReader m_frames;
    Room *m_room = nullptr;
    Session *m_session = nullptr;
    QString m_clientId;
    QString m_name;
    QString m_role;
    QElapsedTimer m_lastHeard;
    bool m_closing = false;
    bool m_pumping = false;
    std::map<quint32, std::unique_ptr<Download>> m_downloads;
    quint32 m_lastServedDownload = 0; //!< round-robin position
    // Security state (connection_security.cpp).
    TokenBucket m_controlBucket;
    TokenBucket m_dataBucket;
    QTimer m_guardTimer; //!< join deadline, then token expiry
    qint64 m_tokenExpiresAt = 0; //!< seconds since the epoch
    QString m_tokenId;
    QString m_banKey; //!< what a moderator's removal bans (see docs/security.md)
    QString m_knockId; //!< the lobby knock this connection waits on
    bool m_knocked = false; //!< one knock per connection
    bool m_sendOverflow = false; //!< past MaxSendBacklog: being dropped, nothing more is queued
    QSet<quint32> m_reportedUnknownUploads; //!< ids answered with 1198, bounded
};

} // namespace Roomshare::Server
