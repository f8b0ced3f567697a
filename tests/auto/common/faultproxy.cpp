#include "faultproxy.h"

#include <algorithm>
#include <limits>

namespace {
// Client bytes kept per connection to match cut prefixes against.
constexpr qsizetype HeadSize = 64;
// A rate-limited direction reads at most this much ahead from the kernel.
constexpr qint64 RateReadBuffer = 16 * 1024;
// A delayed direction lets Qt read at most this much ahead, so the kernel sees the
// backpressure once DelayBuffer is full.
constexpr qint64 DelayReadBuffer = 256 * 1024;
} // namespace

FaultProxy::FaultProxy(quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::onNewConnection);
    m_clock.start();
    m_rateTimer.setSingleShot(true);
    connect(&m_rateTimer, &QTimer::timeout, this, &FaultProxy::forwardAll);
    m_delayTimer.setSingleShot(true);
    m_delayTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_delayTimer, &QTimer::timeout, this, &FaultProxy::flushDelayed);
}

void FaultProxy::flushDelayed()
{
    const qint64 now = m_clock.elapsed();
    const auto pairs = m_pairs;
    for (Pair *p : pairs) {
        for (const Direction d : { ClientToServer, ServerToClient }) {
            QTcpSocket *to = d == ClientToServer ? p->server : p->client;
            auto &queue = p->delayed[d];
            while (!queue.empty() && queue.front().first <= now) {
                to->write(queue.front().second);
                m_forwarded[d] += queue.front().second.size();
                p->forwarded[d] += queue.front().second.size();
                p->delayedBytes[d] -= queue.front().second.size();
                queue.pop_front();
            }
        }
        // Room in the queue again: read what waits in the kernel.
        forward(p, ClientToServer);
        if (m_pairs.contains(p))
            forward(p, ServerToClient);
        if (!m_pairs.contains(p))
            continue;
        // Closed only once nothing waits: neither in the queues nor in the sockets' read
        // buffers (a delayed direction reads at most DelayReadBuffer ahead, so the peer's
        // last bytes may still be there when it closes).
        if (p->closeWhenFlushed && p->delayed[0].empty() && p->delayed[1].empty()
            && p->client->bytesAvailable() == 0 && p->server->bytesAvailable() == 0) {
            closePair(p, false);
            continue;
        }
    }
    qint64 next = -1;
    for (const Pair *p : std::as_const(m_pairs)) {
        for (const Direction d : { ClientToServer, ServerToClient }) {
            if (!p->delayed[d].empty())
                next = next < 0 ? p->delayed[d].front().first
                                : std::min(next, p->delayed[d].front().first);
        }
    }
    if (next >= 0)
        m_delayTimer.start(int(std::max<qint64>(0, next - m_clock.elapsed())));
}

void FaultProxy::setRate(Direction direction, qint64 bytesPerSecond)
{
    m_rate[direction] = bytesPerSecond;
    m_tokens[direction] = 0;
    m_refilledAtMs[direction] = m_clock.elapsed();
    for (Pair *p : std::as_const(m_pairs)) {
        QTcpSocket *from = direction == ClientToServer ? p->client : p->server;
        from->setReadBufferSize(bytesPerSecond > 0 ? RateReadBuffer : 0);
    }
    forwardAll();
}

qint64 FaultProxy::allowance(Direction direction)
{
    if (m_rate[direction] <= 0)
        return std::numeric_limits<qint64>::max();
    const qint64 now = m_clock.elapsed();
    // A burst of at most 50 ms of the rate, as a link's queue would allow.
    const double cap = std::max(double(m_rate[direction]) / 20, 1500.0);
    m_tokens[direction] = std::min(cap,
                                   m_tokens[direction]
                                       + double(now - m_refilledAtMs[direction])
                                           * double(m_rate[direction]) / 1000);
    m_refilledAtMs[direction] = now;
    return qint64(m_tokens[direction]);
}

void FaultProxy::forwardAll()
{
    const auto pairs = m_pairs;
    for (Pair *p : pairs) {
        forward(p, ClientToServer);
        if (m_pairs.contains(p))
            forward(p, ServerToClient);
    }
}

FaultProxy::~FaultProxy()
{
    const auto pairs = m_pairs;
    for (Pair *p : pairs)
        closePair(p, true);
}

bool FaultProxy::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

QUrl FaultProxy::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port()));
}

void FaultProxy::cutAfter(Direction direction, qint64 bytes, const QByteArray &clientPrefix)
{
    m_cutLeft[direction] = bytes;
    m_cutPrefix[direction] = clientPrefix;
}

void FaultProxy::flipAt(Direction direction, qint64 position)
{
    m_flipAt[direction] = m_forwarded[direction] + position;
}

void FaultProxy::holdWhereClientBegan(Direction direction, const QByteArray &clientPrefix)
{
    m_holding[direction] = true;
    m_holdPrefix[direction] = clientPrefix;
}

void FaultProxy::releaseHeld()
{
    m_holding[ClientToServer] = m_holding[ServerToClient] = false;
    // No new bytes may come to trigger forwarding: pass on what waits in the sockets now.
    const auto pairs = m_pairs;
    for (Pair *p : pairs) {
        forward(p, ClientToServer);
        forward(p, ServerToClient);
        if (p->closeOnRelease)
            closePair(p, false);
    }
}

bool FaultProxy::isHeld(const Pair *pair) const
{
    for (int d : { ClientToServer, ServerToClient }) {
        if (m_holding[d] && pair->head.startsWith(m_holdPrefix[d]))
            return true;
    }
    return false;
}

void FaultProxy::peerClosed(Pair *pair)
{
    if (!m_pairs.contains(pair))
        return;
    // A held pair keeps what its peer sent before closing, as a real network would
    // deliver it late rather than lose it; it ends once released.
    if (isHeld(pair)) {
        pair->closeOnRelease = true;
        return;
    }
    forward(pair, ClientToServer);
    if (m_pairs.contains(pair))
        forward(pair, ServerToClient);
    if (!m_pairs.contains(pair))
        return;
    // Bytes still waiting out their delay go out first, as a link would deliver them.
    if (pair->delayedBytes[ClientToServer] > 0 || pair->delayedBytes[ServerToClient] > 0
        || ((m_delayMs[ClientToServer] > 0 || m_delayMs[ServerToClient] > 0)
            && (pair->client->bytesAvailable() > 0 || pair->server->bytesAvailable() > 0))) {
        pair->closeWhenFlushed = true;
        return;
    }
    closePair(pair, false);
}

qint64 FaultProxy::bytesForwardedWhereClientBegan(Direction direction,
                                                  const QByteArray &clientPrefix) const
{
    qint64 n = 0;
    for (const Pair *p : m_pairs)
        n += p->head.startsWith(clientPrefix) ? p->forwarded[direction] : 0;
    return n;
}

void FaultProxy::resetAll()
{
    const auto pairs = m_pairs;
    for (Pair *p : pairs)
        closePair(p, true);
}

void FaultProxy::onNewConnection()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        auto *pair = new Pair;
        pair->client = client;
        pair->server = new QTcpSocket(this);
        m_pairs.append(pair);
        if (m_rate[ClientToServer] > 0)
            client->setReadBufferSize(RateReadBuffer);
        if (m_rate[ServerToClient] > 0)
            pair->server->setReadBufferSize(RateReadBuffer);
        if (m_delayMs[ClientToServer] > 0) {
            client->setReadBufferSize(DelayReadBuffer);
            client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
        if (m_delayMs[ServerToClient] > 0) {
            pair->server->setReadBufferSize(DelayReadBuffer);
            pair->server->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
        // A delayed direction frees room as its target socket drains.
        connect(client, &QTcpSocket::bytesWritten, this, [this, pair] {
            if (m_delayMs[ServerToClient] > 0)
                forward(pair, ServerToClient);
        });
        connect(pair->server, &QTcpSocket::bytesWritten, this, [this, pair] {
            if (m_delayMs[ClientToServer] > 0)
                forward(pair, ClientToServer);
        });
        connect(client, &QTcpSocket::readyRead, this,
                [this, pair] { forward(pair, ClientToServer); });
        connect(pair->server, &QTcpSocket::readyRead, this,
                [this, pair] { forward(pair, ServerToClient); });
        connect(pair->server, &QTcpSocket::connected, this,
                [this, pair] { forward(pair, ClientToServer); });
        // Either side ending ends the pair; what was already forwarded still goes out.
        connect(client, &QTcpSocket::disconnected, this, [this, pair] { peerClosed(pair); });
        connect(pair->server, &QTcpSocket::disconnected, this, [this, pair] { peerClosed(pair); });
        connect(pair->server, &QTcpSocket::errorOccurred, this,
                [this, pair](QAbstractSocket::SocketError) { peerClosed(pair); });
        ++m_accepted;
        const bool routed = m_routeFrom > 0 && m_accepted >= m_routeFrom;
        pair->server->connectToHost(QHostAddress::LocalHost, routed ? m_routePort : m_targetPort);
    }
}

void FaultProxy::forward(Pair *pair, Direction direction)
{
    if (!m_pairs.contains(pair) || m_stalled)
        return;
    QTcpSocket *from = direction == ClientToServer ? pair->client : pair->server;
    QTcpSocket *to = direction == ClientToServer ? pair->server : pair->client;
    if (to->state() != QAbstractSocket::ConnectedState)
        return; // upstream still connecting: the data waits in the socket
    if (m_holding[direction] && pair->head.startsWith(m_holdPrefix[direction]))
        return; // waits in the socket until releaseHeld()
    qint64 allowed = allowance(direction);
    if (m_delayMs[direction] > 0) {
        allowed
            = std::min(allowed, DelayBuffer - pair->delayedBytes[direction] - to->bytesToWrite());
        if (allowed <= 0)
            return; // forward() runs again as the queue drains
    }
    if (allowed <= 0) {
        if (from->bytesAvailable() > 0 && !m_rateTimer.isActive())
            m_rateTimer.start(10);
        return;
    }
    QByteArray data = from->read(std::min(allowed, std::max<qint64>(from->bytesAvailable(), 0)));
    if (data.isEmpty())
        return;
    if (m_rate[direction] > 0) {
        m_tokens[direction] -= double(data.size());
        if (from->bytesAvailable() > 0 && !m_rateTimer.isActive())
            m_rateTimer.start(10);
    }
    m_read[direction] += data.size();
    if (direction == ClientToServer && pair->head.size() < HeadSize)
        pair->head += data.left(HeadSize - pair->head.size());
    if (!m_refusePrefix.isEmpty() && pair->head.startsWith(m_refusePrefix)) {
        ++m_refused;
        closePair(pair, true);
        return;
    }
    const qint64 start = m_forwarded[direction];
    if (m_flipAt[direction] >= start && m_flipAt[direction] < start + data.size()) {
        const qsizetype i = qsizetype(m_flipAt[direction] - start);
        data[i] = char(data.at(i) ^ 0xFF);
        m_flipAt[direction] = -1;
        ++m_flipsDone;
    }
    bool cut = false;
    if (m_cutLeft[direction] >= 0 && pair->head.startsWith(m_cutPrefix[direction])) {
        if (data.size() >= m_cutLeft[direction]) {
            data.truncate(qsizetype(m_cutLeft[direction]));
            m_cutLeft[direction] = -1;
            cut = true;
        } else {
            m_cutLeft[direction] -= data.size();
        }
    }
    if (m_stallLeft[direction] >= 0) {
        if (data.size() >= m_stallLeft[direction]) {
            data.truncate(qsizetype(m_stallLeft[direction]));
            m_stallLeft[direction] = -1;
            m_stalled = true;
        } else {
            m_stallLeft[direction] -= data.size();
        }
    }
    if (m_delayMs[direction] > 0 && !cut) {
        const qint64 due = m_clock.elapsed() + m_delayMs[direction];
        pair->delayedBytes[direction] += data.size();
        pair->delayed[direction].emplace_back(due, std::move(data));
        if (!m_delayTimer.isActive())
            m_delayTimer.start(m_delayMs[direction]);
        // Qt reads at most DelayReadBuffer ahead: take the rest now, within the limit.
        if (from->bytesAvailable() > 0)
            QTimer::singleShot(0, this, [this, pair, direction] { forward(pair, direction); });
        return;
    }
    to->write(data);
    m_forwarded[direction] += data.size();
    pair->forwarded[direction] += data.size();
    if (cut) {
        ++m_cutsDone;
        to->flush();
        closePair(pair, true);
    }
}

void FaultProxy::closePair(Pair *pair, bool abort)
{
    if (!m_pairs.removeOne(pair))
        return;
    for (QTcpSocket *s : { pair->client, pair->server }) {
        s->disconnect(this);
        if (abort)
            s->abort();
        else
            s->disconnectFromHost();
        // A graceful close first writes out what is still buffered; deleting the socket
        // before that would drop it (the end of a stream the peer closed after sending).
        if (s->state() == QAbstractSocket::UnconnectedState)
            s->deleteLater();
        else
            connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
    }
    delete pair;
}
