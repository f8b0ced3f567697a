#include "nearbyroomsmodel.h"

#include "roombrowser.h"

namespace Roomshare::Gui {

using Discovery::NearbyRoom;
using Discovery::RoomBrowser;

namespace {

QString primaryAddress(const NearbyRoom &room)
{
    const QString host
        = room.addresses.isEmpty() ? room.hostTarget : room.addresses.constFirst().toString();
    return ServerEndpoint{ host, room.announcement.port }.toString();
}

} // namespace

NearbyRoomsModel::NearbyRoomsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void NearbyRoomsModel::setBrowser(RoomBrowser *browser)
{
    if (m_browser)
        disconnect(m_browser, nullptr, this, nullptr);
    m_browser = browser;
    clear();
    if (!browser) {
        m_status = Status::Idle;
        Q_EMIT statusChanged();
        return;
    }
    connect(browser, &RoomBrowser::roomAdded, this, &NearbyRoomsModel::addRoom);
    connect(browser, &RoomBrowser::roomChanged, this, &NearbyRoomsModel::addRoom);
    connect(browser, &RoomBrowser::roomRemoved, this, &NearbyRoomsModel::removeRoom);
    connect(browser, &RoomBrowser::failed, this, &NearbyRoomsModel::setUnavailable);
    switch (browser->state()) {
    case RoomBrowser::State::Failed:
        setUnavailable(browser->errorText());
        break;
    case RoomBrowser::State::Browsing:
        setSearching();
        for (const NearbyRoom &room : browser->rooms())
            addRoom(room);
        break;
    case RoomBrowser::State::Idle:
        m_status = Status::Idle;
        Q_EMIT statusChanged();
        break;
    }
}

void NearbyRoomsModel::addRoom(const NearbyRoom &room)
{
    const int row = rowOf(room.key());
    if (row >= 0) {
        m_rooms[row] = room;
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    const bool wasEmpty = m_rooms.isEmpty();
    beginInsertRows(QModelIndex(), int(m_rooms.size()), int(m_rooms.size()));
    m_rooms.append(room);
    endInsertRows();
    if (wasEmpty)
        Q_EMIT statusChanged();
}

void NearbyRoomsModel::removeRoom(const QString &key)
{
    const int row = rowOf(key);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rooms.removeAt(row);
    endRemoveRows();
    if (m_rooms.isEmpty())
        Q_EMIT statusChanged();
}

void NearbyRoomsModel::clear()
{
    if (m_rooms.isEmpty())
        return;
    beginResetModel();
    m_rooms.clear();
    endResetModel();
    Q_EMIT statusChanged();
}

void NearbyRoomsModel::setUnavailable(const QString &reason)
{
    clear();
    m_status = Status::Unavailable;
    m_unavailableReason = reason;
    Q_EMIT statusChanged();
}

void NearbyRoomsModel::setSearching()
{
    m_status = Status::Searching;
    m_unavailableReason.clear();
    Q_EMIT statusChanged();
}

QString NearbyRoomsModel::statusText() const
{
    switch (m_status) {
    case Status::Unavailable:
        return tr("Rooms nearby cannot be shown. %1 You can still join with a link or by "
                  "address.")
            .arg(m_unavailableReason);
    case Status::Searching:
        return m_rooms.isEmpty() ? tr("Looking for rooms on this network… None found yet.")
                                 : QString();
    case Status::Idle:
        break;
    }
    return QString();
}

NearbyRoom NearbyRoomsModel::room(int row) const
{
    return row >= 0 && row < m_rooms.size() ? m_rooms.at(row) : NearbyRoom();
}

int NearbyRoomsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rooms.size());
}

QVariant NearbyRoomsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const NearbyRoom &room = m_rooms.at(index.row());
    const Discovery::RoomAnnouncement &a = room.announcement;
    switch (role) {
    case Qt::DisplayRole: {
        const QString host = a.hostName.isEmpty() ? room.hostTarget : a.hostName;
        return tr("%1 — hosted by %2 — %3").arg(a.room, host, primaryAddress(room));
    }
    case Qt::ToolTipRole: {
        QStringList lines{
            tr("Room: %1").arg(a.room), tr("Host: %1").arg(a.hostName),
            tr("Computer: %1").arg(room.hostTarget),
            tr("Addresses: %1").arg(room.addressStrings().join(QStringLiteral(", "))),
            tr("Port: %1").arg(a.port)
        };
        lines.append(a.tls ? tr("Encrypted (TLS)") : tr("Not encrypted"));
        return lines.join(QLatin1Char('\n'));
    }
    case Qt::AccessibleTextRole:
        return tr("Room %1, hosted by %2, at %3").arg(a.room, a.hostName, primaryAddress(room));
    case KeyRole:
        return room.key();
    case RoomRole:
        return a.room;
    case HostNameRole:
        return a.hostName;
    case AddressRole:
        return primaryAddress(room);
    case AddressesRole:
        return room.addressStrings();
    case PortRole:
        return int(a.port);
    case TlsRole:
        return a.tls;
    case LobbyRole:
        return a.lobby;
    case KnockLinkRole:
        return room.knockLink().toString();
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> NearbyRoomsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KeyRole, "key");
    names.insert(RoomRole, "room");
    names.insert(HostNameRole, "hostName");
    names.insert(AddressRole, "address");
    names.insert(AddressesRole, "addresses");
    names.insert(PortRole, "port");
    names.insert(TlsRole, "tls");
    names.insert(LobbyRole, "lobby");
    names.insert(KnockLinkRole, "knockLink");
    return names;
}

int NearbyRoomsModel::rowOf(const QString &key) const
{
    for (int row = 0; row < m_rooms.size(); ++row)
        if (m_rooms.at(row).key() == key)
            return row;
    return -1;
}

} // namespace Roomshare::Gui
