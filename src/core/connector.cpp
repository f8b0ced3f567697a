#include "connector_p.h"

#include <QCryptographicHash>
#include <QSslConfiguration>
#include <QSslError>
#include <QWebSocket>

#include "invite.h"
#include "logging.h"

namespace Roomshare {

namespace {

// RFC 8305 recommends 250 ms between connection attempts.
constexpr int AttemptDelayMs = 250;

// The trust errors a pinned certificate makes irrelevant. Expiry, revocation and
// malformed certificates are never ignored.
bool isPinnableError(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

QString addressOf(const QUrl &url)
{
    return ServerEndpoint{ url.host(), quint16(url.port()) }.toString();
}

// Words a person can act on: what happened, and what to check.
QString causeOf(QAbstractSocket::SocketError error, const QString &detail, int port)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        // Qt reports a failed WebSocket upgrade (an HTTP answer that is not 101) this way
        // too; that address answered, but not as a Roomshare server.
        if (detail.contains(QLatin1String("andshake"), Qt::CaseInsensitive)
            || detail.contains(QLatin1String("status code"), Qt::CaseInsensitive))
            return QStringLiteral("it answered, but not as a Roomshare server: %1").arg(detail);
        return QStringLiteral("connection refused: is Roomshare running there, on port %1?")
            .arg(port);
    case QAbstractSocket::HostNotFoundError:
        return QStringLiteral("name not found: check the host name in the link");
    case QAbstractSocket::SocketTimeoutError:
        return QStringLiteral("timed out: is that computer on, and does its firewall let port "
                              "%1 in?")
            .arg(port);
    case QAbstractSocket::NetworkError:
        return QStringLiteral("no route to it (%1): is this computer on the same network?")
            .arg(detail);
    case QAbstractSocket::RemoteHostClosedError:
        return QStringLiteral("it closed the connection during the handshake (%1)").arg(detail);
    case QAbstractSocket::SslHandshakeFailedError:
        return QStringLiteral("the secure (TLS) handshake failed: %1").arg(detail);
    default:
        return detail;
    }
}

} // namespace

struct Connector::Attempt
{
    QUrl url;
    std::unique_ptr<QWebSocket> socket;
    QString failure; //!< why it failed; empty while it runs
    bool tlsMismatch = false;
};

Connector::Connector(QObject *parent)
    : QObject(parent)
{
    m_stagger.setSingleShot(true);
    m_stagger.setInterval(AttemptDelayMs);
    connect(&m_stagger, &QTimer::timeout, this, &Connector::startNext);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &Connector::onDeadline);
}

Connector::~Connector()
{
    abort();
}

void Connector::setMessageLimits(quint64 maxMessage, quint64 maxFrame)
{
    m_maxMessage = maxMessage;
    m_maxFrame = maxFrame;
}

QString Connector::fingerprintOf(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QString();
    return QString::fromLatin1(
        QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
}

void Connector::start(const QList<QUrl> &urls, int timeoutMs)
{
    abort();
    m_urls = urls;
    m_next = 0;
    m_tlsMismatch = false;
    m_timeoutMs = timeoutMs;
    m_clock.start();
    m_deadline.start(timeoutMs);
    if (m_urls.isEmpty()) {
        QTimer::singleShot(0, this, [this] {
            Q_EMIT failed(ErrorCode::RoomDisconnected,
                          QStringLiteral("Could not reach the room server: the link names no "
                                         "address"));
        });
        m_deadline.stop();
        return;
    }
    startNext();
}

void Connector::abort()
{
    m_stagger.stop();
    m_deadline.stop();
    // Moved out first: aborting a socket may emit signals that look at m_attempts.
    auto attempts = std::move(m_attempts);
    m_attempts.clear();
    for (auto &attempt : attempts) {
        if (!attempt->socket)
            continue;
        attempt->socket->disconnect(this);
        attempt->socket->abort();
    }
}

void Connector::startNext()
{
    if (m_next >= m_urls.size())
        return;
    auto attempt = std::make_unique<Attempt>();
    attempt->url = m_urls.at(m_next++);
    attempt->socket = std::make_unique<QWebSocket>(QString(), QWebSocketProtocol::VersionLatest);
    QWebSocket *socket = attempt->socket.get();
    Attempt *raw = attempt.get();
    // Qt accepts ~2 GiB messages by default and buffers them whole: cap both limits before
    // anything is read.
    if (m_maxMessage)
        socket->setMaxAllowedIncomingMessageSize(m_maxMessage);
    if (m_maxFrame)
        socket->setMaxAllowedIncomingFrameSize(m_maxFrame);
    connect(socket, &QWebSocket::connected, this, [this, raw] { onAttemptConnected(raw); });
    connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
            [this, raw, socket](QAbstractSocket::SocketError error) {
                onAttemptFailed(raw, causeOf(error, socket->errorString(), raw->url.port()));
            });
    connect(socket, &QWebSocket::disconnected, this, [this, raw, socket] {
        // Over TLS, Qt reports the end before the error that caused it (a refused
        // connection): the cause is read one event-loop turn later, once it is known.
        QTimer::singleShot(0, socket, [this, raw, socket] {
            if (isCurrent(raw))
                onAttemptFailed(raw,
                                causeOf(socket->error(), socket->errorString(), raw->url.port()));
        });
    });
    connect(socket, &QWebSocket::sslErrors, this,
            [this, raw](const QList<QSslError> &errors) { onSslErrors(raw, errors); });
    m_attempts.push_back(std::move(attempt));
    qCDebug(lcCore) << "trying" << raw->url.toString();
    socket->open(raw->url);
    if (m_next < m_urls.size())
        m_stagger.start();
}

bool Connector::isCurrent(const Attempt *attempt) const
{
    return std::any_of(m_attempts.cbegin(), m_attempts.cend(),
                       [attempt](const auto &a) { return a.get() == attempt; });
}

void Connector::onSslErrors(Attempt *attempt, const QList<QSslError> &errors)
{
    QWebSocket *socket = attempt->socket.get();
    const QString actual = fingerprintOf(socket->sslConfiguration().peerCertificate());
    auto refuse = [this, attempt](const QString &why) {
        attempt->tlsMismatch = true;
        m_tlsMismatch = true;
        onAttemptFailed(attempt, why);
    };
    QStringList reasons;
    for (const QSslError &e : errors)
        reasons << e.errorString();
    if (m_pin.isEmpty() && !m_trustOnFirstUse) {
        // Only the system's CAs vouch for this server, and they do not: nothing is ignored,
        // so the handshake fails.
        return refuse(QStringLiteral("its certificate is not trusted: %1")
                          .arg(reasons.join(QStringLiteral("; "))));
    }
    if (!m_pin.isEmpty() && actual != m_pin)
        return refuse(QStringLiteral("its certificate does not match the invite link "
                                     "(fingerprint %1, the link expects %2)")
                          .arg(actual.isEmpty() ? QStringLiteral("none") : actual, m_pin));
    QList<QSslError> expected;
    for (const QSslError &e : errors) {
        if (!isPinnableError(e.error()))
            return refuse(QStringLiteral("its certificate is the pinned one but not usable: %1")
                              .arg(e.errorString()));
        expected.append(e);
    }
    // Exactly these errors, for exactly this certificate; any other error still fails.
    socket->ignoreSslErrors(expected);
}

void Connector::onAttemptConnected(Attempt *attempt)
{
    QWebSocket *socket = attempt->socket.get();
    const QString actual = fingerprintOf(socket->sslConfiguration().peerCertificate());
    if (!m_pin.isEmpty() && attempt->url.scheme() == QLatin1String("wss") && actual != m_pin) {
        // A CA-trusted certificate raises no sslErrors; the pin must still hold.
        attempt->tlsMismatch = true;
        m_tlsMismatch = true;
        return onAttemptFailed(attempt,
                               QStringLiteral("its certificate does not match the invite link "
                                              "(fingerprint %1, the link expects %2)")
                                   .arg(actual.isEmpty() ? QStringLiteral("none") : actual, m_pin));
    }
    if (m_pin.isEmpty() && m_trustOnFirstUse)
        m_pin = actual;
    qCInfo(lcCore) << "connected to" << attempt->url.toString() << "after" << m_clock.elapsed()
                   << "ms";
    std::unique_ptr<QWebSocket> winner = std::move(attempt->socket);
    winner->disconnect(this);
    const QUrl url = attempt->url;
    // The winner is out of m_attempts' reach: abort() ends only the losers.
    auto it = std::find_if(m_attempts.begin(), m_attempts.end(),
                           [attempt](const auto &a) { return a.get() == attempt; });
    if (it != m_attempts.end())
        m_attempts.erase(it);
    abort();
    Q_EMIT connected(winner.release(), url);
}

void Connector::onAttemptFailed(Attempt *attempt, const QString &why)
{
    if (!attempt->failure.isEmpty() || !attempt->socket)
        return;
    attempt->failure = why.isEmpty() ? QStringLiteral("unknown error") : why;
    qCInfo(lcCore).noquote() << "could not connect to" << addressOf(attempt->url) << ":"
                             << attempt->failure;
    // Aborting from inside the socket's own signal is not safe; the socket stays in
    // m_attempts (failed) until the race ends.
    QTimer::singleShot(0, attempt->socket.get(), [socket = attempt->socket.get()] {
        socket->disconnect();
        socket->abort();
    });
    // A failure frees the slot at once (RFC 8305: the next attempt need not wait).
    if (m_next < m_urls.size()) {
        m_stagger.stop();
        QTimer::singleShot(0, this, &Connector::startNext);
        return;
    }
    finishIfAllFailed();
}

void Connector::finishIfAllFailed()
{
    for (const auto &a : m_attempts)
        if (a->failure.isEmpty())
            return;
    if (m_next < m_urls.size())
        return;
    const ErrorCode code
        = m_tlsMismatch ? ErrorCode::TlsVerificationFailed : ErrorCode::RoomDisconnected;
    const QString text = describeFailures();
    // Deferred: the sockets whose signals brought us here are still on the stack.
    QTimer::singleShot(0, this, [this, code, text] {
        abort();
        Q_EMIT failed(code, text);
    });
    m_deadline.stop();
    m_stagger.stop();
}

void Connector::onDeadline()
{
    const QString why = QStringLiteral("timed out after %1 s: is that computer on, and does its "
                                       "firewall let port %2 in?")
                            .arg(m_timeoutMs / 1000.0);
    for (int i = m_next; i < m_urls.size(); ++i) {
        // Never tried: the deadline came first. Shown so the text lists every address.
        auto attempt = std::make_unique<Attempt>();
        attempt->url = m_urls.at(i);
        attempt->failure = QStringLiteral("not tried before the deadline");
        m_attempts.push_back(std::move(attempt));
    }
    m_next = int(m_urls.size());
    for (const auto &a : m_attempts)
        if (a->failure.isEmpty())
            a->failure = why.arg(a->url.port());
    finishIfAllFailed();
}

QString Connector::describeFailures() const
{
    QStringList parts;
    for (const auto &a : m_attempts)
        parts.append(QStringLiteral("%1 (%2)").arg(addressOf(a->url), a->failure));
    if (m_tlsMismatch)
        return QStringLiteral("The room server could not be verified: %1")
            .arg(parts.join(QStringLiteral("; ")));
    return QStringLiteral("Could not reach the room server at %1")
        .arg(parts.join(QStringLiteral("; ")));
}

} // namespace Roomshare
