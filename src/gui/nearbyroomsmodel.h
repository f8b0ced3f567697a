#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QPointer>

#include "nearbyroom.h"

namespace Roomshare::Discovery {
class RoomBrowser;
}

namespace Roomshare::Gui {

//! The rooms announced on the local network, in the order found, for the start dialog's
//! "Rooms nearby" list. Fed by a RoomBrowser (setBrowser()) or directly (tests).
class NearbyRoomsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NearbyRoomsModel)
public:
    enum Roles {
        KeyRole = Qt::UserRole + 1, //!< QString: NearbyRoom::key(), unique per row
        RoomRole, //!< QString: the room's name
        HostNameRole, //!< QString: the host's display name
        AddressRole, //!< QString: the first address with the port, "192.0.2.1:7450"
        AddressesRole, //!< QStringList: every address, without the port
        PortRole, //!< int
        TlsRole, //!< bool
        LobbyRole, //!< bool
        KnockLinkRole, //!< QString: the knock link to join with
    };
    Q_ENUM(Roles)

    //! Whether discovery works; when it does not, statusText() says why.
    enum class Status { Idle, Searching, Unavailable };
    Q_ENUM(Status)

    explicit NearbyRoomsModel(QObject *parent = nullptr);

    //! Follows \a browser's rooms and state (the rows it already has are taken over);
    //! nullptr clears the model.
    void setBrowser(Discovery::RoomBrowser *browser);

    //! Adds \a room, or updates the row with its key.
    void addRoom(const Discovery::NearbyRoom &room);
    void removeRoom(const QString &key);
    void clear();
    //! Discovery failed: the rows are cleared and statusText() becomes \a reason.
    void setUnavailable(const QString &reason);
    void setSearching();

    Status status() const { return m_status; }
    //! A sentence for under the list: searching, nothing found yet, or why rooms nearby
    //! cannot be shown. Empty while rooms are listed.
    QString statusText() const;
    //! The room in \a row; a default NearbyRoom when out of range.
    Discovery::NearbyRoom room(int row) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    //! status() or statusText() changed.
    void statusChanged();

private:
    int rowOf(const QString &key) const;

    QPointer<Discovery::RoomBrowser> m_browser;
    QList<Discovery::NearbyRoom> m_rooms;
    Status m_status = Status::Idle;
    QString m_unavailableReason;
};

} // namespace Roomshare::Gui
