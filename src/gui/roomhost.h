#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

#include "invite.h"

namespace Roomshare::Server {
class RoomServer;
}
namespace Roomshare::Discovery {
class RoomAnnouncer;
}

namespace Roomshare::Gui {

//! Hosts a room from inside the app: runs a RoomServer in-process and signs the invite
//! links (a moderator link for this app, a participant link without a name for everyone
//! else).
//!
//! By default the server listens on every interface (IPv4 and IPv6) on a fixed port (7450,
//! or the one set with setPreferredPort(), else the next free one of the nine after it,
//! else any), and keeps its secret and TLS certificate under the data folder, so a restart
//! on the same port keeps earlier links valid. Links name every address of this computer
//! that others may reach (the default route's first), so a guest on any of its networks
//! gets in; clients race them (docs/protocol.md, "Invite links").
class RoomHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomHost)
public:
    //! Who can join: this computer only (loopback), or anyone on its networks.
    enum class Reach { ThisComputer, Network };
    Q_ENUM(Reach)

    explicit RoomHost(QObject *parent = nullptr);
    ~RoomHost() override;

    //! The room name in the links; defaults to "meeting".
    void setRoomName(const QString &room) { m_roomName = room; }
    QString roomName() const { return m_roomName; }
    void setReach(Reach reach) { m_reach = reach; }
    Reach reach() const { return m_reach; }
    //! The port tried first (7450 by default); 0 takes any free port.
    void setPreferredPort(quint16 port) { m_preferredPort = port; }
    //! The port listened on; 0 when not running.
    quint16 port() const;
    //! Folder for the secret, the certificate and received files; defaults to
    //! AppDataLocation/host.
    void setDataDir(const QString &dir) { m_dataDir = dir; }
    //! TLS is on by default: a self-signed certificate generated on first start and kept
    //! under DATADIR/tls (key mode 0600) is pinned (fp=) in every link.
    void setTlsEnabled(bool enabled) { m_tls = enabled; }
    bool isTlsEnabled() const { return m_tls; }

    //! Starts the server. Returns false and sets \a error (a sentence saying what to do)
    //! when it cannot.
    bool start(QString *error = nullptr);
    bool isRunning() const;

    //! The addresses the links carry, the preferred first.
    QList<ServerEndpoint> addresses() const;
    //! Lower-case hex SHA-256 of the room's certificate; empty without TLS.
    QString certificateFingerprint() const;
    //! A moderator link for \a hostName, for this app to join with.
    QString hostInviteLink(const QString &hostName) const;
    //! A participant link without a name (joiners choose theirs), valid for 24 hours.
    QString participantInviteLink() const;

    //! Announces the running room on the local network ("Rooms nearby", DNS-SD) as
    //! "ROOM on \a hostDisplayName", with its port, TLS fingerprint and whether it has a
    //! lobby. Does nothing (and withdraws an earlier announcement) while the server listens
    //! on a loopback address only. Returns the announcer, a child of this object, whose
    //! failed() signal tells when no daemon runs; nullptr when the server is not running.
    //! Call again after a change; stopping or destroying the host withdraws it.
    Discovery::RoomAnnouncer *announceOnNetwork(const QString &hostDisplayName, bool lobby);

Q_SIGNALS:
    //! The links changed (this computer's host name turned out to resolve, and was added).
    void linksChanged();

private:
    QString link(const QString &name, const QString &role) const;

    std::unique_ptr<Server::RoomServer> m_server;
    QByteArray m_secret;
    QString m_roomName = QStringLiteral("meeting");
    QString m_dataDir;
    Reach m_reach = Reach::Network;
    quint16 m_preferredPort = 7450;
    bool m_tls = true;
};

} // namespace Roomshare::Gui
