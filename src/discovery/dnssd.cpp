#include "dnssd_p.h"

#include <QSocketNotifier>
#include <QTimer>

Q_LOGGING_CATEGORY(lcDiscovery, "roomshare.discovery")

namespace Roomshare::Discovery {

namespace {
// How many DNSServiceProcessResult calls are on the stack (callbacks run inside them).
int g_processing = 0;
} // namespace

void prepareDnsSd()
{
    static const bool done = [] {
        if (!qEnvironmentVariableIsSet("AVAHI_COMPAT_NOWARN"))
            qputenv("AVAHI_COMPAT_NOWARN", "1");
        return true;
    }();
    Q_UNUSED(done)
}

QString dnsSdErrorText(DNSServiceErrorType error)
{
    switch (error) {
    case kDNSServiceErr_NoError:
        return QString();
    case kDNSServiceErr_NameConflict:
        return QObject::tr("Another service on the network already uses this name.");
    case kDNSServiceErr_BadParam:
    case kDNSServiceErr_Invalid:
        return QObject::tr("The room cannot be announced under this name (error %1).").arg(error);
    default:
        break;
    }
    // The Avahi compatibility library reports a missing daemon (or D-Bus) as Unknown,
    // Bonjour as ServiceNotRunning; either way the fix is the same.
#if defined(Q_OS_MACOS) || defined(Q_OS_WIN)
    return QObject::tr("Rooms nearby need the Bonjour service: it is not running or not "
                       "reachable (error %1).")
        .arg(error);
#else
    return QObject::tr("Rooms nearby need the Avahi daemon: it is not running or not reachable "
                       "over D-Bus (start it with \"systemctl start avahi-daemon\"; error %1).")
        .arg(error);
#endif
}

ServiceRef::ServiceRef(DNSServiceRef ref, std::function<void(DNSServiceErrorType)> onError)
    : m_ref(ref)
    , m_onError(std::move(onError))
{
    const int fd = DNSServiceRefSockFD(m_ref);
    if (fd < 0) {
        qCWarning(lcDiscovery) << "DNSServiceRefSockFD gave no socket";
        return;
    }
    m_notifier = std::make_unique<QSocketNotifier>(qintptr(fd), QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, m_notifier.get(), [this] {
        // The socket is readable, so this does not block. Callbacks run inside it.
        // Until this returns, nothing may delete this ServiceRef (see retire()).
        ++g_processing;
        const DNSServiceErrorType error = DNSServiceProcessResult(m_ref);
        if (error != kDNSServiceErr_NoError) {
            qCWarning(lcDiscovery) << "DNSServiceProcessResult failed:" << error;
            disable();
            if (m_onError)
                m_onError(error);
        }
        --g_processing;
    });
}

ServiceRef::~ServiceRef()
{
    disable();
    DNSServiceRefDeallocate(m_ref);
}

void ServiceRef::retire(std::unique_ptr<ServiceRef> ref)
{
    if (!ref)
        return;
    ref->disable();
    if (g_processing == 0)
        return; // ref goes out of scope here
    ServiceRef *later = ref.release();
    QTimer::singleShot(0, [later] { delete later; });
}

void ServiceRef::disable()
{
    if (m_notifier)
        m_notifier->setEnabled(false);
}

} // namespace Roomshare::Discovery
