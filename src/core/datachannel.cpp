#include "datachannel_p.h"

#include "logging.h"
#include "protocol.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace Roomshare {

namespace {

// The kernel's socket buffers hold more on top; reading further ahead only costs memory.
constexpr qint64 ReadBuffer = 2 * 1024 * 1024;

} // namespace

DataChannel::DataChannel(QObject *parent)
    : QObject(parent)
    , m_frames(Protocol::MaxDataMessage)
{ }

DataChannel::~DataChannel()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void DataChannel::open(const QUrl &serverUrl, const QSslCertificate &trusted)
{
    const bool secure = serverUrl.scheme() == QLatin1String("wss");
    m_trusted = trusted;
    if (secure) {
        auto *tls = new QSslSocket;
        m_socket.reset(tls);
        connect(tls, &QSslSocket::sslErrors, this, [this, tls](const QList<QSslError> &errors) {
            // The WebSocket connection decided to trust this certificate (system CAs or the
            // link's pin); the same certificate gets the same answer, any other none.
            if (!m_trusted.isNull() && tls->peerCertificate() == m_trusted)
                tls->ignoreSslErrors(errors);
        });
        connect(tls, &QSslSocket::encrypted, this, &DataChannel::onConnected);
        tls->setReadBufferSize(ReadBuffer);
        tls->connectToHostEncrypted(serverUrl.host(), quint16(serverUrl.port(443)));
    } else {
        m_socket = std::make_unique<QTcpSocket>();
        connect(m_socket.get(), &QTcpSocket::connected, this, &DataChannel::onConnected);
        m_socket->setReadBufferSize(ReadBuffer);
        m_socket->connectToHost(serverUrl.host(), quint16(serverUrl.port(80)));
    }
    connect(m_socket.get(), &QTcpSocket::readyRead, this, &DataChannel::onReadyRead);
    connect(m_socket.get(), &QTcpSocket::bytesWritten, this, &DataChannel::bytesWritten);
    connect(m_socket.get(), &QTcpSocket::disconnected, this,
            [this] { fail(QStringLiteral("the server closed the data channel")); });
    connect(m_socket.get(), &QTcpSocket::errorOccurred, this,
            [this] { fail(m_socket->errorString()); });
}

void DataChannel::onConnected()
{
    // Frames are written whole; Nagle would only delay the tail of a burst.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket.get());
        tls && tls->peerCertificate() != m_trusted) {
        // A CA-trusted certificate raises no sslErrors; it must still be the WebSocket's.
        return fail(QStringLiteral("the data channel presented another certificate"));
    }
    m_socket->write(DataFrames::Greeting.toByteArray());
}

void DataChannel::onReadyRead()
{
    if (m_failed)
        return;
    Q_EMIT activity();
    if (m_key.isEmpty()) {
        if (!m_socket->canReadLine()) {
            if (m_socket->bytesAvailable() > DataFrames::MaxLineLength)
                fail(QStringLiteral("the server does not speak the data channel protocol"));
            return;
        }
        const QByteArray line = m_socket->readLine(DataFrames::MaxLineLength + 1).trimmed();
        if (!line.startsWith(DataFrames::OkPrefix) || line.size() <= DataFrames::OkPrefix.size())
            return fail(QStringLiteral("the server refused the data channel: %1")
                            .arg(QString::fromUtf8(line.left(200))));
        m_key = QString::fromLatin1(line.mid(DataFrames::OkPrefix.size()));
        Q_EMIT greeted();
        if (m_failed || !m_socket)
            return;
    }
    resumeReading();
}

void DataChannel::resumeReading()
{
    if (m_failed || !m_socket || m_key.isEmpty() || !m_consumer)
        return;
    if (m_held) {
        if (!m_consumer(*m_held))
            return;
        m_held.reset();
    }
    QString error;
    while (m_socket && !m_failed) {
        std::optional<QByteArray> message = m_frames.next(m_socket.get(), &error);
        if (!message)
            break;
        if (!m_consumer(*message)) {
            m_held = std::move(message);
            return;
        }
    }
    if (!error.isEmpty())
        fail(QStringLiteral("broken data channel: %1").arg(error));
}

void DataChannel::discardHeld()
{
    m_held.reset();
    resumeReading();
}

void DataChannel::send(const DataFrames::ChunkFrame &chunk)
{
    if (!m_socket || m_failed)
        return;
    // One block: QIODevice queues it without a copy and the socket sends it in one go.
    m_socket->write(chunk.frame());
}

qint64 DataChannel::backlog() const
{
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void DataChannel::fail(const QString &why)
{
    if (m_failed)
        return;
    m_failed = true;
    qCInfo(lcCore) << "data channel:" << why;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    Q_EMIT failed(why);
}

} // namespace Roomshare
