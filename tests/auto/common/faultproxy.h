#pragma once

// A fault-injecting TCP proxy for tests: listens on 127.0.0.1 (ephemeral port) and
// forwards every connection to a target, with faults armed on demand: cut the stream
// after N more bytes in one direction, reset everything now, stall (stop forwarding and
// stay silent), or flip one byte at a position of one direction's stream. For the
// benchmark's links it can also hold each direction's bytes back by a fixed delay.

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <utility>

class FaultProxy final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FaultProxy)
public:
    enum Direction { ClientToServer = 0, ServerToClient = 1 };

    explicit FaultProxy(quint16 targetPort, QObject *parent = nullptr);
    ~FaultProxy() override;

    //! Listens on \a address (default 127.0.0.1), an ephemeral port unless \a port.
    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }
    //! ws://127.0.0.1:PORT/ of the proxy.
    QUrl url() const;
    void setTargetPort(quint16 port) { m_targetPort = port; }
    //! Sends the \a n-th accepted connection (counted from 1) and all later ones to \a port
    //! instead of the target: an impostor behind the same address.
    void routeFrom(int n, quint16 port)
    {
        m_routeFrom = n;
        m_routePort = port;
    }

    //! After \a bytes more bytes in \a direction (counted from now), forwards exactly up to
    //! that point and then aborts the connection pair. One shot. With \a clientPrefix,
    //! only connections whose client stream began with it (say, the data channel greeting)
    //! count and are cut; the others are left alone.
    void cutAfter(Direction direction, qint64 bytes, const QByteArray &clientPrefix = {});
    //! After \a bytes more bytes in \a direction, forwards exactly up to that point and
    //! then stalls (setStalled(true)), as a link that stops dead mid-transfer. One shot. The
    //! rest of the read that crossed the point is dropped: use it to end the connection
    //! afterwards (kill a peer), not to resume it.
    void stallAfter(Direction direction, qint64 bytes) { m_stallLeft[direction] = bytes; }
    //! Flips (XOR 0xFF) the byte at position \a position of \a direction's stream, counted
    //! from now over all connections. One shot.
    void flipAt(Direction direction, qint64 position);
    //! Aborts every connection pair now (TCP reset).
    void resetAll();
    //! While stalled, nothing is forwarded in either direction and nothing is closed: both
    //! peers just stop hearing from each other.
    void setStalled(bool stalled) { m_stalled = stalled; }
    bool isStalled() const { return m_stalled; }
    //! Holds back \a direction of the connections whose client stream began with
    //! \a clientPrefix (say, "GET " for WebSockets) until releaseHeld(); the rest flows.
    void holdWhereClientBegan(Direction direction, const QByteArray &clientPrefix);
    //! Closes every connection whose client begins with \a clientPrefix as soon as that is
    //! seen, as a proxy that passes only WebSocket would. Empty: refuse none.
    void refuseWhereClientBegan(const QByteArray &clientPrefix) { m_refusePrefix = clientPrefix; }
    int refusedCount() const { return m_refused; }
    //! Forwards at most \a bytesPerSecond in \a direction over all connections together,
    //! as a slow link would (0: no limit). What waits stays in the kernel, so the sender
    //! feels TCP backpressure rather than a proxy buffering for it.
    void setRate(Direction direction, qint64 bytesPerSecond);
    //! Forwards each byte read in \a direction \a ms after it was read (0: at once), as a
    //! link with that one-way latency would; at most DelayBuffer bytes per connection and
    //! direction wait, beyond that the proxy stops reading (TCP backpressure). Set before
    //! connections arrive; not meant to be combined with cuts, stalls or holds.
    void setDelay(Direction direction, int ms) { m_delayMs[direction] = ms; }
    //! Bytes a delayed direction holds at most per connection: enough for 10 Gbit/s over
    //! 50 ms.
    static constexpr qint64 DelayBuffer = 64 * 1024 * 1024;
    //! Forwards what was held back and stops holding. A pair whose peer closed while it
    //! was held is closed after that.
    void releaseHeld();

    //! Bytes read from the sending side in \a direction, over all connections.
    qint64 bytesRead(Direction direction) const { return m_read[direction]; }
    //! Bytes forwarded in \a direction, over all connections.
    qint64 bytesForwarded(Direction direction) const { return m_forwarded[direction]; }
    //! Bytes forwarded in \a direction over the open connections whose client stream began
    //! with \a clientPrefix.
    qint64 bytesForwardedWhereClientBegan(Direction direction,
                                          const QByteArray &clientPrefix) const;
    int connectionCount() const { return int(m_pairs.size()); }
    int cutsDone() const { return m_cutsDone; }
    int flipsDone() const { return m_flipsDone; }

private:
    struct Pair
    {
        QTcpSocket *client = nullptr;
        QTcpSocket *server = nullptr;
        QByteArray head; //!< the first bytes the client sent, for faults by prefix
        qint64 forwarded[2] = { 0, 0 };
        bool closeOnRelease = false; //!< a peer closed while the pair was held
        //! Bytes read and waiting out the delay: (due time in ms, data), oldest first.
        std::deque<std::pair<qint64, QByteArray>> delayed[2];
        qint64 delayedBytes[2] = { 0, 0 };
        bool closeWhenFlushed = false; //!< a peer closed while bytes still waited
    };
    void onNewConnection();
    void forward(Pair *pair, Direction direction);
    void closePair(Pair *pair, bool abort);
    void peerClosed(Pair *pair);
    bool isHeld(const Pair *pair) const;
    //! Bytes \a direction may forward now under its rate (refilled from the clock).
    qint64 allowance(Direction direction);
    void forwardAll();
    //! Writes what has waited out its delay, closes pairs whose peer left once drained, and
    //! arms the timer for the next due bytes.
    void flushDelayed();

    QTcpServer m_server;
    quint16 m_targetPort = 0;
    QList<Pair *> m_pairs;
    qint64 m_read[2] = { 0, 0 };
    qint64 m_forwarded[2] = { 0, 0 };
    qint64 m_cutLeft[2] = { -1, -1 }; //!< bytes to forward before the cut; -1: none armed
    qint64 m_stallLeft[2] = { -1, -1 }; //!< bytes to forward before stalling; -1: none
    QByteArray m_cutPrefix[2]; //!< the cut counts only pairs whose head starts with this
    qint64 m_flipAt[2] = { -1, -1 }; //!< absolute forwarded position
    bool m_stalled = false;
    bool m_holding[2] = { false, false };
    QByteArray m_holdPrefix[2];
    QByteArray m_refusePrefix;
    int m_refused = 0;
    int m_accepted = 0;
    int m_routeFrom = 0; //!< 0: every connection goes to the target
    quint16 m_routePort = 0;
    int m_cutsDone = 0;
    int m_flipsDone = 0;
    qint64 m_rate[2] = { 0, 0 }; //!< bytes per second; 0: unlimited
    double m_tokens[2] = { 0, 0 };
    qint64 m_refilledAtMs[2] = { 0, 0 };
    QElapsedTimer m_clock;
    QTimer m_rateTimer; //!< forwards again once a rate allows more
    int m_delayMs[2] = { 0, 0 };
    QTimer m_delayTimer; //!< fires when the oldest delayed bytes are due
};
