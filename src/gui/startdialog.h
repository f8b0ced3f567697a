#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class StartDialog;
}

namespace Roomshare::Discovery {
class RoomBrowser;
}

namespace Roomshare::Gui {

class NearbyRoomsModel;

//! The first question when the app starts without arguments: host a room here, or join
//! one: a room nearby (found with DNS-SD), with an invite link, or by address (host or IP
//! and port, which knocks); plus the display name (not needed when the link names you).
//! Whichever way the user joins, inviteLink() returns the link to join with.
class StartDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StartDialog)
public:
    enum class Mode { Host, Join };
    Q_ENUM(Mode)
    //! How a Join was chosen.
    enum class JoinMethod {
        Nearby, //!< a room from the "Rooms nearby" list: its knock link
        Link, //!< a pasted invite link (or knock link)
        Address, //!< a host and port: the knock link `roomshares://HOST:PORT/`
    };
    Q_ENUM(JoinMethod)

    explicit StartDialog(QWidget *parent = nullptr);
    ~StartDialog() override;

    Mode mode() const;
    //! Join selects the invite link; use setJoinMethod() for the others.
    void setMode(Mode mode);
    JoinMethod joinMethod() const;
    //! Selects Join with \a method.
    void setJoinMethod(JoinMethod method);
    //! The link to join with (Join only): the trimmed pasted link, the chosen nearby room's
    //! knock link, or `roomshares://HOST:PORT/` for an address. Empty when nothing valid is
    //! chosen.
    QString inviteLink() const;
    void setInviteLink(const QString &link);
    //! The host and port of "Join by address".
    void setAddress(const QString &host, quint16 port);
    QString displayName() const;
    void setDisplayName(const QString &name);

    //! The rooms nearby shown in the list (tests and screenshots may fill it directly).
    NearbyRoomsModel *nearbyRoomsModel() const { return m_nearby; }
    //! Whether showing the dialog starts looking for rooms nearby (default true).
    void setDiscoveryEnabled(bool enabled) { m_discoveryEnabled = enabled; }

    void accept() override;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateState();
    void updateNearbyStatus();
    //! The name the link's token carries, or an empty string.
    QString nameInLink() const;
    QString nearbyLink() const;
    QString addressLink() const;

    std::unique_ptr<Ui::StartDialog> m_ui;
    Discovery::RoomBrowser *m_browser;
    NearbyRoomsModel *m_nearby;
    bool m_discoveryEnabled = true;
};

} // namespace Roomshare::Gui
