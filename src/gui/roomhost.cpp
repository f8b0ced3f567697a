#include "roomhost.h"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>

#include "guilogging.h"
#include "hostaddresses.h"
#include "roomserver.h"
#include "serverconfig.h"
#include "tlsfiles.h"

namespace Roomshare::Gui {

namespace {
constexpr qint64 LinkLifetimeSeconds = 24 * 3600;
// The preferred port, then this many after it, then any free port.
constexpr int PortsToTry = 10;
} // namespace

RoomHost::RoomHost(QObject *parent)
    : QObject(parent)
{ }

RoomHost::~RoomHost() = default;

bool RoomHost::start(QString *error)
{
    if (m_server && m_server->isListening())
        return true;
    auto failWith = [error](const QString &why) {
        qCWarning(lcGui).noquote() << "Could not host a room:" << why;
        if (error)
            *error = tr("Could not start the room on this computer: %1").arg(why);
        return false;
    };

    Server::ServerOptions options;
    const bool network = m_reach == Reach::Network;
    options.listenAddress = QHostAddress(network ? QHostAddress::Any : QHostAddress::LocalHost);
    options.dataDir = m_dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/host")
        : m_dataDir;
    if (!QDir().mkpath(options.dataDir))
        return failWith(tr("cannot create the folder %1").arg(options.dataDir));
    // Kept, so links given out before a restart stay valid.
    QString why;
    const auto secret
        = Server::Config::loadSecret(options.dataDir + QStringLiteral("/secret"), true, &why);
    if (!secret)
        return failWith(why);
    m_secret = *secret;
    options.secret = m_secret;
    if (m_tls) {
        // The certificate is pinned by fingerprint, so its names only matter to tools that
        // show them.
        QStringList names{ QStringLiteral("localhost") };
        const auto addresses = Server::HostAddresses::candidates(options.listenAddress);
        for (const QHostAddress &a : addresses)
            names.append(a.toString());
        const auto identity
            = Server::Tls::loadOrCreateSelfSigned(options.dataDir + QStringLiteral("/tls"),
                                                  QStringLiteral("Roomshare room"), names, &why);
        if (!identity)
            return failWith(why);
        options.tlsCertificate = identity->certificate;
        options.tlsKey = identity->key;
    }

    QList<quint16> ports;
    if (m_preferredPort != 0)
        for (int i = 0; i < PortsToTry && m_preferredPort + i <= 65535; ++i)
            ports.append(quint16(m_preferredPort + i));
    ports.append(0);
    QStringList refusals;
    for (const quint16 port : std::as_const(ports)) {
        options.port = port;
        m_server = std::make_unique<Server::RoomServer>(options);
        if (m_server->listen(&why))
            break;
        refusals.append(why);
        m_server.reset();
    }
    if (!m_server)
        return failWith(tr("%1. Is the network up, and may this program listen on a port?")
                            .arg(refusals.constLast()));
    if (m_preferredPort != 0 && m_server->port() != m_preferredPort)
        qCInfo(lcGui) << "port" << m_preferredPort << "is taken; hosting on" << m_server->port()
                      << "instead";
    qCInfo(lcGui).noquote() << "Hosting room" << m_roomName << "on port" << m_server->port()
                            << (network ? "for this computer's networks"
                                        : "for this computer only");
    if (network) {
        Server::HostAddresses::lookUpHostName(
            Server::HostAddresses::candidates(options.listenAddress), this,
            [this](const QString &name) {
                if (name.isEmpty() || !m_server)
                    return;
                m_server->setAdvertisedHostName(name);
                Q_EMIT linksChanged();
            });
    }
    return true;
}

bool RoomHost::isRunning() const
{
    return m_server && m_server->isListening();
}

quint16 RoomHost::port() const
{
    return isRunning() ? m_server->port() : 0;
}

QList<ServerEndpoint> RoomHost::addresses() const
{
    return isRunning() ? m_server->endpoints() : QList<ServerEndpoint>();
}

QString RoomHost::certificateFingerprint() const
{
    return isRunning() ? m_server->certificateFingerprint() : QString();
}

QString RoomHost::link(const QString &name, const QString &role) const
{
    if (!isRunning())
        return QString();
    JoinClaims claims;
    claims.room = m_roomName;
    claims.name = name;
    claims.role = role;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    claims.issuedAt = now;
    claims.notBefore = now - 60;
    claims.expiresAt = now + LinkLifetimeSeconds;
    return m_server->inviteLink(claims);
}

QString RoomHost::hostInviteLink(const QString &hostName) const
{
    const QString text = link(hostName, QStringLiteral("moderator"));
    auto invite = InviteLink::parse(text);
    if (!invite)
        return text;
    // This app reaches its own server on loopback, whatever happens to the networks.
    invite->alternates.prepend({ invite->host, invite->port });
    invite->host = QStringLiteral("127.0.0.1");
    return invite->toString();
}

QString RoomHost::participantInviteLink() const
{
    return link(QString(), QStringLiteral("participant"));
}

} // namespace Roomshare::Gui
