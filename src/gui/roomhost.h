#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace Roomshare::Server {
class RoomServer;
}
namespace Roomshare::Discovery {
class RoomAnnouncer;
}

namespace Roomshare::Gui {

//! Hosts a room from inside the app: runs a RoomServer in-process on 127.0.0.1 (port 0
//! unless set) with a random 32-byte secret and a data folder under the app data location,
//! and signs the invite links: a moderator link for this app and a participant link
//! without a name for everyone else.
class RoomHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomHost)
public:
    explicit RoomHost(QObject *parent = nullptr);
    ~RoomHost() override;

    //! The room name in the links; defaults to "meeting".
    void setRoomName(const QString &room) { m_roomName = room; }
    QString roomName() const { return m_roomName; }
    //! Address to listen on: 127.0.0.1 by default, so only this machine can join; set
    //! 0.0.0.0 (and a fixed port) to let others on the network in.
    void setListenAddress(const QString &address) { m_listenAddress = address; }
    void setPort(quint16 port) { m_port = port; }
    //! Folder for received files; defaults to AppDataLocation/host.
    void setDataDir(const QString &dir) { m_dataDir = dir; }
    //! TLS is on by default: a self-signed certificate generated on first start and kept
    //! under DATADIR/tls (key mode 0600) is pinned (fp=) in every link.
    void setTlsEnabled(bool enabled) { m_tls = enabled; }
    bool isTlsEnabled() const { return m_tls; }

    //! Starts the server. Returns false and sets \a error (a sentence) when it cannot.
    bool start(QString *error = nullptr);
    bool isRunning() const;

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

private:
    QString link(const QString &name, const QString &role) const;

    std::unique_ptr<Server::RoomServer> m_server;
    QByteArray m_secret;
    QString m_roomName = QStringLiteral("meeting");
    QString m_listenAddress = QStringLiteral("127.0.0.1");
    QString m_dataDir;
    quint16 m_port = 0;
    bool m_tls = true;
};

} // namespace Roomshare::Gui
