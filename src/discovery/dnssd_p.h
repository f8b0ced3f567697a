#pragma once

#include <QLoggingCategory>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

#include <dns_sd.h>

class QSocketNotifier;

Q_DECLARE_LOGGING_CATEGORY(lcDiscovery)

namespace Roomshare::Discovery {

//! Call before the first DNSService* call: silences the Avahi compatibility library's
//! warning that programs should use its native API.
void prepareDnsSd();

//! A sentence for a dns_sd error code, naming the daemon when it is missing.
QString dnsSdErrorText(DNSServiceErrorType error);

//! Owns one DNSServiceRef and feeds its socket to DNSServiceProcessResult from the Qt event
//! loop. \a onError runs when processing fails (the daemon went away); the owner then drops
//! the reference, never from inside one of its own callbacks.
class ServiceRef final
{
    Q_DISABLE_COPY_MOVE(ServiceRef)
public:
    ServiceRef(DNSServiceRef ref, std::function<void(DNSServiceErrorType)> onError);
    ~ServiceRef();

    DNSServiceRef ref() const { return m_ref; }
    //! Stops reading the socket; DNSServiceProcessResult is not called any more.
    void disable();
    //! Drops \a ref: at once, or on the next event-loop turn when called from inside a
    //! dns_sd callback (deallocating a reference there deadlocks Avahi's library).
    static void retire(std::unique_ptr<ServiceRef> ref);

private:
    DNSServiceRef m_ref;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::function<void(DNSServiceErrorType)> m_onError;
};

} // namespace Roomshare::Discovery
