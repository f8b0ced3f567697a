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

    //! Whether people may knock to join the room this app hosts (the room's lobby).
    bool lobbyEnabled() const;
    void setLobbyEnabled(bool enabled);

Q_SIGNALS:
    //! Emitted after any setter changed a value.
    void changed();
};

} // namespace Roomshare::Gui
