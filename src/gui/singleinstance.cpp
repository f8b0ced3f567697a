#include "singleinstance.h"

#include <QDir>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTimer>

#include "guilogging.h"

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Roomshare::Gui {

namespace {

constexpr char OpenVerb[] = "open ";
constexpr char Ok[] = "ok\n";
// A request that does not complete this soon is dropped, so a stray client cannot hold
// the socket.
constexpr int RequestTimeoutMs = 2000;

} // namespace

SingleInstance::SingleInstance(QObject *parent)
    : QObject(parent)
{
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    m_server.setMaxPendingConnections(4);
    connect(&m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverName()
{
    const QString override = qEnvironmentVariable("ROOMSHARE_INSTANCE_SOCKET");
    if (!override.isEmpty())
        return override;
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (!runtime.isEmpty())
        return QDir(runtime).filePath(QStringLiteral("roomshare.instance"));
#ifdef Q_OS_UNIX
    return QDir(QDir::tempPath())
        .filePath(QStringLiteral("roomshare-%1.instance").arg(uint(::getuid())));
#else
    return QStringLiteral("roomshare-%1.instance").arg(qEnvironmentVariable("USERNAME"));
#endif
}

bool SingleInstance::handOff(const QString &inviteLink, int timeoutMs, QString *error)
{
    QLocalSocket socket;
    socket.connectToServer(serverName());
    if (!socket.waitForConnected(timeoutMs))
        return false; // nobody runs (or a stale socket): this process becomes the instance
    const QByteArray request = OpenVerb + inviteLink.trimmed().toUtf8() + '\n';
    if (request.size() > maxRequestSize()) {
        if (error)
            *error = QStringLiteral("The link is too long (%1 bytes; at most %2)")
                         .arg(request.size())
                         .arg(maxRequestSize());
        return false;
    }
    socket.write(request);
    QByteArray answer;
    while (!answer.contains('\n') && socket.waitForReadyRead(timeoutMs))
        answer += socket.readAll();
    if (answer == Ok)
        return true;
    if (error)
        *error = QStringLiteral("Roomshare is running but did not take the link (%1): %2")
                     .arg(serverName(), socket.errorString());
    return false;
}

bool SingleInstance::listen(QString *error)
{
    const QString name = serverName();
    if (m_server.listen(name))
        return true;
    if (m_server.serverError() == QAbstractSocket::AddressInUseError) {
        QLocalSocket probe;
        probe.connectToServer(name);
        if (probe.waitForConnected(500)) {
            if (error)
                *error = QStringLiteral("Another Roomshare instance answers on %1").arg(name);
            return false;
        }
        QLocalServer::removeServer(name); // left behind by an instance that crashed
        if (m_server.listen(name))
            return true;
    }
    if (error)
        *error = QStringLiteral("Cannot listen for other Roomshare starts on %1: %2")
                     .arg(name, m_server.errorString());
    return false;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        socket->setReadBufferSize(maxRequestSize() + 1);
        QTimer::singleShot(RequestTimeoutMs, socket, &QLocalSocket::abort);
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > maxRequestSize()) {
                    qCWarning(lcGui) << "instance request too long; dropped";
                    socket->abort();
                }
                return;
            }
            const QByteArray line = socket->readLine(maxRequestSize()).trimmed();
            if (line != QByteArray(OpenVerb).trimmed() && !line.startsWith(OpenVerb)) {
                qCWarning(lcGui) << "unknown instance request; dropped";
                socket->abort();
                return;
            }
            const QString link
                = QString::fromUtf8(line.mid(qsizetype(sizeof(OpenVerb)) - 1)).trimmed();
            socket->write(Ok);
            socket->flush();
            socket->disconnectFromServer();
            Q_EMIT openRequested(link);
        });
    }
}

} // namespace Roomshare::Gui
