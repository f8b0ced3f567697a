#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>

#include <map>
#include <memory>

#include "nearbyroom.h"

namespace Roomshare::Discovery {

//! Finds the rooms announced on the local network (DNS-SD `_roomshare._tcp`): browses,
//! resolves each service (host target, port, TXT record) and finds its IPv4 and IPv6
//! addresses. With Avahi (Linux) it resolves through the daemon's D-Bus API, one address
//! per family; with Bonjour through DNSServiceResolve and A/AAAA record queries.
//! Services whose TXT record is not a version 1 Roomshare record are ignored.
class RoomBrowser final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomBrowser)
public:
    enum class State {
        Idle, //!< not started, or stopped
        Browsing, //!< looking; rooms come and go through the signals
        Failed, //!< see errorText(); rooms() is empty
    };
    Q_ENUM(State)

    explicit RoomBrowser(QObject *parent = nullptr);
    ~RoomBrowser() override;

    //! Starts browsing. Returns false, and emits failed() before returning, when the daemon
    //! cannot be reached. Calling it while browsing does nothing.
    bool start();
    //! Stops browsing and forgets every room (emits no roomRemoved). Idempotent.
    void stop();

    State state() const { return m_state; }
    //! Why browsing failed, as a sentence for the user; empty otherwise.
    QString errorText() const { return m_errorText; }
    //! The rooms found so far that have at least one address, in the order found.
    QList<NearbyRoom> rooms() const;

Q_SIGNALS:
    //! A room appeared: resolved and with at least one address.
    void roomAdded(const Roomshare::Discovery::NearbyRoom &room);
    //! A known room changed (another address, a new TXT record); same key() as before.
    void roomChanged(const Roomshare::Discovery::NearbyRoom &room);
    //! The room with \a key (NearbyRoom::key()) is no longer announced.
    void roomRemoved(const QString &key);
    //! Browsing failed or stopped working (the daemon went away). The state is Failed and
    //! every room is forgotten (no roomRemoved for them).
    void failed(const QString &errorText);

private:
    struct Service;
    friend struct BrowseCallbacks;

    void fail(int error);
    void onBrowse(bool added, quint32 interfaceIndex, int error, const QString &name,
                  const QByteArray &type, const QByteArray &domain);
    void onResolved(Service *service, int error, const QByteArray &hostTarget, quint16 port,
                    const QByteArray &txt);
    void onAddress(Service *service, bool added, int error, quint16 rrtype,
                   const QByteArray &rdata);
    void startResolve(Service *service, const QString &key);
    //! Takes a resolved service's TXT record and target; false when it is no Roomshare room.
    bool applyResolved(Service *service, const QByteArray &hostTarget, quint16 port,
                       const QByteArray &txt);
    //! Adds or removes an address; true when the list changed.
    bool changeAddress(Service *service, const QHostAddress &address, bool added);
    void publish(Service *service);
    void retireService(std::unique_ptr<Service> service);

    std::unique_ptr<class ServiceRef> m_browse;
    std::map<QString, std::unique_ptr<Service>> m_services;
    quint64 m_order = 0;
    State m_state = State::Idle;
    QString m_errorText;
};

} // namespace Roomshare::Discovery
