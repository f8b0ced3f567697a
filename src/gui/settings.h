#pragma once

#include <QObject>
#include <QString>

namespace Roomshare::Gui {

//! The user's preferences, stored with QSettings (organization "Roomshare", application
//! "roomshare"). Reads go straight to QSettings, so every Settings object sees the same values.
class Settings final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Settings)
public:
    explicit Settings(QObject *parent = nullptr);

    //! The name used when an invite link names no participant; empty until asked once.
    QString displayName() const;
    void setDisplayName(const QString &name);

    //! Where downloads go; defaults to the system Downloads folder.
    QString downloadFolder() const;
    void setDownloadFolder(const QString &folder);

    //! When true every download first asks for a folder.
    bool askWhereToSave() const;
    void setAskWhereToSave(bool ask);

    //! Desktop notifications for newly available files.
    bool notificationsEnabled() const;
    void setNotificationsEnabled(bool enabled);
    //! Delivery receipts: tell a file's sender when this user downloaded and verified it
    //! (Room::setDeliveryReceipts). On by default.
    bool deliveryReceipts() const;
    void setDeliveryReceipts(bool enabled);

    //! Who can join a room this app hosts.
    enum class HostReach { ThisComputer, Network };
    Q_ENUM(HostReach)
    //! Network by default: the point of hosting is the others in the meeting.
    HostReach hostReach() const;
    void setHostReach(HostReach reach);

    //! The port the hosted room listened on last time (7450 at first), tried first again so
    //! links given out earlier stay valid.
    quint16 hostPort() const;
    void setHostPort(quint16 port);

    //! Whether people may knock to join the room this app hosts (the room's lobby).
    bool lobbyEnabled() const;
    void setLobbyEnabled(bool enabled);

Q_SIGNALS:
    //! Emitted after any setter changed a value.
    void changed();
};

} // namespace Roomshare::Gui
