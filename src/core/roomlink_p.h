#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

#include "chunkheader.h"
#include "errors.h"

class QWebSocket;

namespace Roomshare {

namespace DataFrames {
class ChunkFrame;
}
class Connector;
class DataChannel;

//! The transport under a Room: the WebSocket to the room server (found by a Connector
//! among the link's addresses), the raw data channel beside it, the heartbeat, the
//! reconnection backoff and the pairing of requests with their replies. It knows nothing
//! of participants, files or jobs: what the server says arrives as eventReceived() or
//! through the chunk handler, and whether a drop is retried is the Room's decision.
class RoomLink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomLink)
public:
    using ReplyHandler = std::function<void(const QJsonObject &reply)>;
    using ChunkHandler = std::function<void(const ChunkHeader &header, const QByteArray &message)>;
    //! True when a download with transfer id \a id is known (its `download-accepted` handled).
    using DownloadLookup = std::function<bool(quint32 id)>;

    explicit RoomLink(QObject *parent = nullptr);
    ~RoomLink() override;

    void setHeartbeat(int intervalMs, int timeoutMs);
    int heartbeatInterval() const { return m_pingIntervalMs; }
    int heartbeatTimeout() const { return m_pingTimeoutMs; }
    void setDataChannelEnabled(bool enabled) { m_dataChannelEnabled = enabled; }
    bool isDataChannelEnabled() const { return m_dataChannelEnabled; }
    //! True while joined with the data channel carrying the chunks.
    bool usesDataChannel() const { return m_dataActive; }
    void setChunkHandler(ChunkHandler handler) { m_chunkHandler = std::move(handler); }
    void setDownloadLookup(DownloadLookup lookup) { m_knowsDownload = std::move(lookup); }

    //! Forgets the previous connection's addresses and trust and takes the link's:
    //! \a urls (the primary first), \a pinnedFingerprint (may be empty).
    void setTargets(const QList<QUrl> &urls, const QString &pinnedFingerprint);
    //! A knock link: the first certificate is trusted when none is pinned, and the data
    //! channel waits for the admission.
    void setKnocking(bool knocking) { m_knocking = knocking; }
    //! Tries the addresses (the one that answered last first); connectFailed() or
    //! readyToJoin() follows.
    void open();
    //! Stops a connection attempt or a scheduled retry.
    void abortConnecting();

    bool hasSocket() const { return bool(m_socket); }
    bool isSocketConnected() const;
    //! The address in use (the last one that answered).
    QUrl serverUrl() const { return m_serverUrl; }
    QString pinnedFingerprint() const { return m_pinnedFingerprint; }
    bool isTrustedOnFirstUse() const { return m_trustedOnFirstUse; }
    //! Pins the certificate the server shows now, when none is pinned yet.
    void pinPeerCertificate();

    //! After a knock is admitted: opens the data channel (when enabled) then emits
    //! readyToJoin() again.
    void prepareJoin();
    //! True (once per connection) when `join` may be sent now; it also stops waiting for
    //! the data channel.
    bool beginJoin();
    //! The data channel's key for `join` (empty without one).
    QString dataKey() const;
    //! `joined` said whether the server took the data channel.
    void setJoined(bool dataChannelAccepted);

    //! Sends \a msg with a fresh `rid`; \a handler gets the reply (or failPending()'s object).
    void request(QJsonObject msg, ReplyHandler handler);
    void send(const QJsonObject &msg);
    void sendChunk(const DataFrames::ChunkFrame &chunk);
    qint64 backlog() const;
    //! Answers every request still waiting with \a error.
    void failPending(const QJsonObject &error);

    //! Closes the WebSocket (the server refused something); dropped() follows when it is closed.
    void close();
    //! Leaving on purpose: what is queued goes out first, and dropped() is emitted now.
    void leave();
    //! The Room is going away: closes (flushing what is queued) and aborts at once.
    void closeNow();
    //! Ends everything: retries, attempts, heartbeat and socket, without dropped().
    void shutdown();

    // Reconnection backoff; the window is the Room's.
    void startReconnectClock();
    void stopReconnectClock() { m_reconnectClock.invalidate(); }
    bool isReconnectClockRunning() const { return m_reconnectClock.isValid(); }
    //! Schedules the next attempt within \a windowMs of startReconnectClock(); false
    //! (and the clock stopped) when the window is used up.
    bool scheduleRetry(int windowMs);
    QString lastConnectError() const { return m_lastConnectError; }
    void setLastConnectError(const QString &text) { m_lastConnectError = text; }

    // Incoming messages (public for tests/fuzz/fuzz_client.cpp).
    void onTextMessage(const QString &message);
    void onBinaryMessage(const QByteArray &message);

Q_SIGNALS:
    //! The WebSocket is up and the data channel settled (or not wanted): send join or knock.
    void readyToJoin();
    void connectFailed(Roomshare::ErrorCode code, const QString &text);
    //! The server was silent for longer than the heartbeat timeout; dropped() follows.
    void silent();
    //! The WebSocket closed (or was given up); the socket is already gone.
    void dropped(int closeCode, const QString &errorString);
    //! A message that answers no request.
    void eventReceived(const QString &type, const QJsonObject &msg);
    //! Room for more chunks on the WebSocket or the data channel.
    void bytesWritten();

private:
    void adoptSocket(QWebSocket *socket, const QUrl &url);
    void onHeartbeat();
    void onSocketDisconnected();
    void dropSocket();
    void openDataChannel();
    void dropDataChannel();
    bool onDataFrame(const QByteArray &message);

    std::unique_ptr<QWebSocket> m_socket;
    QPointer<DataChannel> m_data; //!< the raw data channel, while set up or in use
    Connector *m_connector = nullptr;
    bool m_dataActive = false; //!< the server took the data channel at join
    bool m_dataChannelEnabled = true;
    bool m_dataLost = false; //!< the data channel broke; the WebSocket follows shortly
    bool m_joinSent = false;
    bool m_knocking = false;
    bool m_leaving = false;
    quint32 m_lastAcceptedDownload = 0; //!< highest downloadId accepted on this connection
    QTimer m_dataWait; //!< join stops waiting for the data channel
    QTimer m_heldTimeout; //!< a held data frame is dropped after this
    QUrl m_serverUrl;
    QList<QUrl> m_serverUrls;
    QString m_pinnedFingerprint; //!< lower-case hex SHA-256 of the server's DER certificate
    bool m_trustedOnFirstUse = false;
    QString m_lastConnectError; //!< why the last reconnection attempt failed
    int m_pingIntervalMs = 5000;
    int m_pingTimeoutMs = 15000;
    int m_retryDelayMs = 0;
    QTimer m_heartbeat;
    QTimer m_retryTimer;
    QElapsedTimer m_lastHeard;
    QElapsedTimer m_reconnectClock;
    qint64 m_nextRid = 1;
    QHash<qint64, ReplyHandler> m_pending;
    ChunkHandler m_chunkHandler;
    DownloadLookup m_knowsDownload;
};

} // namespace Roomshare
