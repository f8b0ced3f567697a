#include "settings.h"

#include <QSettings>
#include <QStandardPaths>

namespace Roomshare::Gui {

namespace {
const QString DisplayNameKey = QStringLiteral("identity/displayName");
const QString DownloadFolderKey = QStringLiteral("downloads/folder");
const QString AskWhereKey = QStringLiteral("downloads/askWhereToSave");
const QString NotificationsKey = QStringLiteral("notifications/enabled");
const QString ReceiptsKey = QStringLiteral("privacy/deliveryReceipts");
const QString HostReachKey = QStringLiteral("host/reach");
const QString HostPortKey = QStringLiteral("host/port");
constexpr quint16 DefaultHostPort = 7450;
const QString LobbyKey = QStringLiteral("host/lobby");
} // namespace

Settings::Settings(QObject *parent)
    : QObject(parent)
{ }

QString Settings::displayName() const
{
    return QSettings().value(DisplayNameKey).toString();
}

void Settings::setDisplayName(const QString &name)
{
    QSettings().setValue(DisplayNameKey, name.trimmed());
    Q_EMIT changed();
}

QString Settings::downloadFolder() const
{
    const QString folder = QSettings().value(DownloadFolderKey).toString();
    if (!folder.isEmpty())
        return folder;
    const QString downloads = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    return downloads.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::HomeLocation)
                               : downloads;
}

void Settings::setDownloadFolder(const QString &folder)
{
    QSettings().setValue(DownloadFolderKey, folder);
    Q_EMIT changed();
}

bool Settings::askWhereToSave() const
{
    return QSettings().value(AskWhereKey, false).toBool();
}

void Settings::setAskWhereToSave(bool ask)
{
    QSettings().setValue(AskWhereKey, ask);
    Q_EMIT changed();
}

bool Settings::notificationsEnabled() const
{
    return QSettings().value(NotificationsKey, true).toBool();
}

void Settings::setNotificationsEnabled(bool enabled)
{
    QSettings().setValue(NotificationsKey, enabled);
    Q_EMIT changed();
}

bool Settings::deliveryReceipts() const
{
    return QSettings().value(ReceiptsKey, true).toBool();
}

void Settings::setDeliveryReceipts(bool enabled)
{
    QSettings().setValue(ReceiptsKey, enabled);
    Q_EMIT changed();
}

Settings::HostReach Settings::hostReach() const
{
    return QSettings().value(HostReachKey).toString() == QLatin1String("this-computer")
        ? HostReach::ThisComputer
        : HostReach::Network;
}

void Settings::setHostReach(HostReach reach)
{
    QSettings().setValue(HostReachKey,
                         reach == HostReach::ThisComputer ? QStringLiteral("this-computer")
                                                          : QStringLiteral("network"));
    Q_EMIT changed();
}

quint16 Settings::hostPort() const
{
    bool ok = false;
    const uint port = QSettings().value(HostPortKey).toUInt(&ok);
    return ok && port > 0 && port <= 65535 ? quint16(port) : DefaultHostPort;
}

void Settings::setHostPort(quint16 port)
{
    QSettings().setValue(HostPortKey, port);
    Q_EMIT changed();
}

bool Settings::lobbyEnabled() const
{
    return QSettings().value(LobbyKey, true).toBool();
}

void Settings::setLobbyEnabled(bool enabled)
{
    QSettings().setValue(LobbyKey, enabled);
    Q_EMIT changed();
}

} // namespace Roomshare::Gui
