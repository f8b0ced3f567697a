#include "roomhost.h"

#include <QDateTime>
#include <QDir>
#include <QRandomGenerator>
#include <QStandardPaths>

#include "guilogging.h"
#include "invite.h"
#include "roomserver.h"
#include "tlsfiles.h"

namespace Roomshare::Gui {

namespace {
constexpr qint64 LinkLifetimeSeconds = 24 * 3600;
}

RoomHost::RoomHost(QObject *parent)
    : QObject(parent)
{ }

RoomHost::~RoomHost() = default;

bool RoomHost::start(QString *error)
{
    if (m_server && m_server->isListening())
        return true;
    m_secret.resize(32);
    QRandomGenerator::system()->generate(m_secret.begin(), m_secret.end());

    Server::ServerOptions options;
    options.listenAddress = QHostAddress(m_listenAddress);
    options.port = m_port;
    options.secret = m_secret;
    options.dataDir = m_dataDir.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            + QStringLiteral("/host")
        : m_dataDir;
    QDir().mkpath(options.dataDir);
    if (m_tls) {
        QString why;
        const auto identity = Server::Tls::loadOrCreateSelfSigned(
            options.dataDir + QStringLiteral("/tls"), QStringLiteral("Roomshare room"),
            { m_listenAddress, QStringLiteral("localhost") }, &why);
        if (!identity) {
            qCWarning(lcGui) << "Could not create the room's TLS certificate:" << why;
            if (error)
                *error = tr("Could not start the room on this computer: %1").arg(why);
            return false;
        }
        options.tlsCertificate = identity->certificate;
        options.tlsKey = identity->key;
    }

    m_server = std::make_unique<Server::RoomServer>(options);
    QString why;
    if (!m_server->listen(&why)) {
        qCWarning(lcGui) << "Could not host a room:" << why;
        if (error)
            *error = tr("Could not start the room on this computer: %1").arg(why);
        m_server.reset();
        return false;
    }
    qCInfo(lcGui) << "Hosting room" << m_roomName << "at" << m_server->url();
    return true;
}

bool RoomHost::isRunning() const
{
    return m_server && m_server->isListening();
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
    const QString token = Token::sign(claims, m_secret);
    InviteLink invite = InviteLink::forServer(m_server->url(), m_roomName, token);
    invite.certFingerprint = m_server->certificateFingerprint();
    return invite.toString();
}

QString RoomHost::hostInviteLink(const QString &hostName) const
{
    return link(hostName, QStringLiteral("moderator"));
}

QString RoomHost::participantInviteLink() const
{
    return link(QString(), QStringLiteral("participant"));
}

} // namespace Roomshare::Gui
