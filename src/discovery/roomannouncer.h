#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

#include "nearbyroom.h"

namespace Roomshare::Discovery {

class ServiceRef;

//! Announces one room on the local network with DNS-SD (`_roomshare._tcp`, through Avahi's
//! dns_sd compatibility library on Linux, Bonjour elsewhere). Works from the Qt event loop;
//! never blocks waiting for the daemon beyond the library's own connect.
//!
//! Usage: `announcer.announce(room, hostName, port, tls, fingerprint, lobby)`; the room
//! stays announced until stop(), another announce() or destruction.
class RoomAnnouncer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomAnnouncer)
public:
    enum class State {
        Idle, //!< nothing announced
        Registering, //!< handed to the daemon, no answer yet
        Announced, //!< the daemon announces the room (under serviceName())
        Failed, //!< see errorText(); nothing is announced
    };
    Q_ENUM(State)

    explicit RoomAnnouncer(QObject *parent = nullptr);
    ~RoomAnnouncer() override;

    //! Announces \a announcement (replacing any earlier one). Returns false, and emits
    //! failed() before returning, when the daemon cannot be reached (no Avahi daemon, no
    //! D-Bus) or refuses the registration. announced() follows asynchronously on success.
    bool announce(const RoomAnnouncement &announcement);
    //! Convenience for the app and server: the fields of RoomAnnouncement.
    bool announce(const QString &room, const QString &hostDisplayName, quint16 port, bool tls,
                  const QString &certFingerprint, bool lobby);
    //! Withdraws the announcement (and stops retrying). Idempotent. Emits nothing.
    void stop();
    //! After a failure for want of a daemon (none running, or it stopped), registers again
    //! every \a ms milliseconds until it works; 0 (the default) never retries. A retry that
    //! fails the same way emits no second failed(); success emits announced().
    void setRetryInterval(int ms);
    int retryInterval() const { return m_retryIntervalMs; }

    State state() const { return m_state; }
    //! The name the daemon announces the room under; it may differ from the requested
    //! "ROOM on HOST" after a name conflict (the daemon appends " #2"). Empty unless
    //! Announced.
    QString serviceName() const { return m_serviceName; }
    //! Why the last announce() failed, as a sentence; empty otherwise.
    QString errorText() const { return m_errorText; }
    RoomAnnouncement announcement() const { return m_announcement; }

Q_SIGNALS:
    //! The room is on the network under \a serviceName. Emitted again if the daemon renames
    //! it.
    void announced(const QString &serviceName);
    //! Announcing failed or stopped working (the daemon went away); \a errorText is a
    //! sentence for the user. The state is Failed.
    void failed(const QString &errorText);

private:
    bool registerNow();
    void fail(int error);
    void onRegistered(int error, const QString &name);

    std::unique_ptr<ServiceRef> m_ref;
    RoomAnnouncement m_announcement;
    State m_state = State::Idle;
    QString m_serviceName;
    QString m_errorText;
    QTimer m_retry;
    int m_retryIntervalMs = 0;
    bool m_retrying = false; //!< the last failure is being retried
    friend struct RegisterCallback;
};

} // namespace Roomshare::Discovery
