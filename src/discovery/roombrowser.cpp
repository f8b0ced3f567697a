#include "roombrowser.h"

#include "dnssd_p.h"

#include <QTimer>
#include <QtEndian>

#include <algorithm>

#ifdef ROOMSHARE_AVAHI_DBUS
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>

namespace {
// avahi-common/address.h: AVAHI_PROTO_INET, AVAHI_PROTO_INET6, AVAHI_PROTO_UNSPEC.
constexpr qint32 AvahiProtoInet = 0;
constexpr qint32 AvahiProtoInet6 = 1;
constexpr qint32 AvahiProtoUnspec = -1;
// Avahi gives up resolving after about 5 s on its own; this only guards the call.
constexpr int ResolveTimeoutMs = 10000;
} // namespace
#endif

namespace Roomshare::Discovery {

struct RoomBrowser::Service
{
    RoomBrowser *browser = nullptr;
    QByteArray name;
    QByteArray type;
    QByteArray domain;
    quint32 interfaceIndex = 0;
    int sightings = 0; // browse "add" events minus "remove" events (one per interface/protocol)
    quint64 order = 0;
    bool resolved = false;
    bool published = false;
    QByteArray hostTarget;
    NearbyRoom room;
    std::unique_ptr<ServiceRef> resolve;
    std::unique_ptr<ServiceRef> queryA;
    std::unique_ptr<ServiceRef> queryAAAA;

    void retireRefs()
    {
        ServiceRef::retire(std::move(resolve));
        ServiceRef::retire(std::move(queryA));
        ServiceRef::retire(std::move(queryAAAA));
    }
};

struct BrowseCallbacks
{
    static void DNSSD_API browse(DNSServiceRef, DNSServiceFlags flags, uint32_t interfaceIndex,
                                 DNSServiceErrorType error, const char *name, const char *type,
                                 const char *domain, void *context)
    {
        static_cast<RoomBrowser *>(context)->onBrowse(
            (flags & kDNSServiceFlagsAdd) != 0, interfaceIndex, int(error),
            QString::fromUtf8(name ? name : ""), QByteArray(type ? type : ""),
            QByteArray(domain ? domain : ""));
    }

    static void DNSSD_API resolve(DNSServiceRef, DNSServiceFlags, uint32_t,
                                  DNSServiceErrorType error, const char *, const char *hostTarget,
                                  uint16_t port, uint16_t txtLen, const unsigned char *txt,
                                  void *context)
    {
        auto *service = static_cast<RoomBrowser::Service *>(context);
        service->browser->onResolved(
            service, int(error), QByteArray(hostTarget ? hostTarget : ""), qFromBigEndian(port),
            txt ? QByteArray(reinterpret_cast<const char *>(txt), txtLen) : QByteArray());
    }

    static void DNSSD_API query(DNSServiceRef, DNSServiceFlags flags, uint32_t,
                                DNSServiceErrorType error, const char *, uint16_t rrtype, uint16_t,
                                uint16_t rdlen, const void *rdata, uint32_t, void *context)
    {
        auto *service = static_cast<RoomBrowser::Service *>(context);
        service->browser->onAddress(service, (flags & kDNSServiceFlagsAdd) != 0, int(error), rrtype,
                                    rdata ? QByteArray(static_cast<const char *>(rdata), rdlen)
                                          : QByteArray());
    }
};

RoomBrowser::RoomBrowser(QObject *parent)
    : QObject(parent)
{ }

RoomBrowser::~RoomBrowser()
{
    stop();
}

bool RoomBrowser::start()
{
    if (m_state == State::Browsing)
        return true;
    m_errorText.clear();
    prepareDnsSd();
    DNSServiceRef ref = nullptr;
    const DNSServiceErrorType error
        = DNSServiceBrowse(&ref, 0, kDNSServiceInterfaceIndexAny, ServiceType, nullptr,
                           &BrowseCallbacks::browse, this);
    if (error != kDNSServiceErr_NoError) {
        fail(int(error));
        return false;
    }
    m_browse = std::make_unique<ServiceRef>(ref, [this](DNSServiceErrorType e) { fail(int(e)); });
    m_state = State::Browsing;
    qCDebug(lcDiscovery) << "Browsing for" << ServiceType;
    return true;
}

void RoomBrowser::stop()
{
    ServiceRef::retire(std::move(m_browse));
    for (auto &entry : m_services)
        retireService(std::move(entry.second));
    m_services.clear();
    if (m_state == State::Browsing)
        m_state = State::Idle;
}

QList<NearbyRoom> RoomBrowser::rooms() const
{
    QList<const Service *> published;
    for (const auto &entry : m_services)
        if (entry.second->published)
            published.append(entry.second.get());
    std::sort(published.begin(), published.end(),
              [](const Service *a, const Service *b) { return a->order < b->order; });
    QList<NearbyRoom> out;
    for (const Service *s : std::as_const(published))
        out.append(s->room);
    return out;
}

void RoomBrowser::fail(int error)
{
    stop();
    m_state = State::Failed;
    m_errorText = dnsSdErrorText(DNSServiceErrorType(error));
    qCWarning(lcDiscovery) << "Cannot look for rooms nearby:" << m_errorText;
    Q_EMIT failed(m_errorText);
}

void RoomBrowser::retireService(std::unique_ptr<Service> service)
{
    if (!service)
        return;
    service->retireRefs();
    // The service may be the context of the callback running now: free it later.
    Service *later = service.release();
    QTimer::singleShot(0, [later] { delete later; });
}

void RoomBrowser::onBrowse(bool added, quint32 interfaceIndex, int error, const QString &name,
                           const QByteArray &type, const QByteArray &domain)
{
    if (error != kDNSServiceErr_NoError) {
        fail(error);
        return;
    }
    const QString key = name + QLatin1Char('.') + QString::fromUtf8(domain);
    auto it = m_services.find(key);
    if (!added) {
        if (it == m_services.end() || --it->second->sightings > 0)
            return;
        const bool wasPublished = it->second->published;
        const QString roomKey = it->second->room.key();
        retireService(std::move(it->second));
        m_services.erase(it);
        qCDebug(lcDiscovery) << "Service gone:" << key;
        if (wasPublished)
            Q_EMIT roomRemoved(roomKey);
        return;
    }
    if (it != m_services.end()) {
        ++it->second->sightings;
        return;
    }
    auto service = std::make_unique<Service>();
    service->browser = this;
    service->name = name.toUtf8();
    service->type = type;
    service->domain = domain;
    service->interfaceIndex = interfaceIndex;
    service->sightings = 1;
    service->order = ++m_order;
    service->room.serviceName = name;
    service->room.domain = QString::fromUtf8(domain);
    qCDebug(lcDiscovery) << "Service found:" << key << "on interface" << interfaceIndex;
    Service *s = service.get();
    m_services.emplace(key, std::move(service));
    startResolve(s, key);
}

void RoomBrowser::startResolve(Service *service, const QString &key)
{
#ifdef ROOMSHARE_AVAHI_DBUS
    // Avahi: the daemon's own ResolveService over D-Bus, once per address family. Avahi's
    // dns_sd library calls an uninitialised callback pointer of a pending DNSServiceResolve
    // or DNSServiceQueryRecord when the daemon goes away (a crash); its browse and register
    // references are safe.
    auto bare = [](QByteArray name) {
        if (name.endsWith('.'))
            name.chop(1);
        return QString::fromUtf8(name);
    };
    for (const qint32 family : { AvahiProtoInet, AvahiProtoInet6 }) {
        QDBusMessage call = QDBusMessage::createMethodCall(
            QStringLiteral("org.freedesktop.Avahi"), QStringLiteral("/"),
            QStringLiteral("org.freedesktop.Avahi.Server"), QStringLiteral("ResolveService"));
        // A records go out over IPv4 mDNS only (Avahi's publish-a-on-ipv6=no), AAAA over
        // both: the IPv4 lookup asks over IPv4, the IPv6 one over either.
        const qint32 transport = family == AvahiProtoInet ? AvahiProtoInet : AvahiProtoUnspec;
        call << qint32(service->interfaceIndex) << transport << QString::fromUtf8(service->name)
             << bare(service->type) << bare(service->domain) << family << quint32(0);
        auto *watcher = new QDBusPendingCallWatcher(
            QDBusConnection::systemBus().asyncCall(call, ResolveTimeoutMs), this);
        connect(watcher, &QDBusPendingCallWatcher::finished, this,
                [this, key](QDBusPendingCallWatcher *w) {
                    w->deleteLater();
                    const auto it = m_services.find(key);
                    if (it == m_services.end())
                        return; // gone meanwhile
                    const QDBusMessage reply = w->reply();
                    const QVariantList args = reply.arguments();
                    if (reply.type() != QDBusMessage::ReplyMessage || args.size() < 10) {
                        qCDebug(lcDiscovery)
                            << "Resolving" << key << "failed:" << reply.errorMessage();
                        return;
                    }
                    QList<QByteArray> items;
                    args.at(9).value<QDBusArgument>() >> items;
                    QByteArray txt;
                    for (const QByteArray &item : std::as_const(items)) {
                        txt.append(char(qMin(item.size(), qsizetype(255))));
                        txt.append(item.left(255));
                    }
                    Service *s = it->second.get();
                    if (!applyResolved(s, args.at(5).toString().toUtf8(),
                                       quint16(args.at(8).toUInt()), txt))
                        return;
                    changeAddress(s, QHostAddress(args.at(7).toString()), true);
                    publish(s);
                });
    }
#else
    DNSServiceRef ref = nullptr;
    const DNSServiceErrorType e = DNSServiceResolve(
        &ref, 0, service->interfaceIndex, service->name.constData(), service->type.constData(),
        service->domain.constData(), &BrowseCallbacks::resolve, service);
    if (e != kDNSServiceErr_NoError) {
        qCWarning(lcDiscovery) << "Cannot resolve" << key << ":" << e;
        return;
    }
    service->resolve = std::make_unique<ServiceRef>(ref, [key](DNSServiceErrorType) {
        qCWarning(lcDiscovery) << "Resolving" << key << "failed";
    });
#endif
}

void RoomBrowser::onResolved(Service *service, int error, const QByteArray &hostTarget,
                             quint16 port, const QByteArray &txt)
{
    if (error != kDNSServiceErr_NoError) {
        qCWarning(lcDiscovery) << "Resolving" << service->room.serviceName << "failed:" << error;
        return;
    }
    const QByteArray previousTarget = service->hostTarget;
    if (!applyResolved(service, hostTarget, port, txt))
        return;
    if (hostTarget != previousTarget) {
        // A new host target (or the first): look its addresses up afresh.
        ServiceRef::retire(std::move(service->queryA));
        ServiceRef::retire(std::move(service->queryAAAA));
        for (const quint16 rrtype : { quint16(kDNSServiceType_A), quint16(kDNSServiceType_AAAA) }) {
            DNSServiceRef ref = nullptr;
            const DNSServiceErrorType e = DNSServiceQueryRecord(
                &ref, 0, service->interfaceIndex, hostTarget.constData(), rrtype,
                kDNSServiceClass_IN, &BrowseCallbacks::query, service);
            if (e != kDNSServiceErr_NoError) {
                qCWarning(lcDiscovery) << "Cannot look up" << hostTarget << ":" << e;
                continue;
            }
            auto query = std::make_unique<ServiceRef>(ref, [hostTarget](DNSServiceErrorType) {
                qCWarning(lcDiscovery) << "Looking up" << hostTarget << "failed";
            });
            (rrtype == kDNSServiceType_A ? service->queryA : service->queryAAAA) = std::move(query);
        }
    }
    publish(service);
}

bool RoomBrowser::applyResolved(Service *service, const QByteArray &hostTarget, quint16 port,
                                const QByteArray &txt)
{
    const auto announcement = RoomAnnouncement::fromTxtRecord(txt);
    if (!announcement) {
        qCDebug(lcDiscovery) << service->room.serviceName
                             << "is not a Roomshare version 1 room; ignored";
        return false;
    }
    service->resolved = true;
    service->room.announcement = *announcement;
    service->room.announcement.port = port;
    service->room.hostTarget = QString::fromUtf8(hostTarget);
    if (hostTarget != service->hostTarget) {
        service->hostTarget = hostTarget;
        service->room.addresses.clear();
    }
    return true;
}

void RoomBrowser::onAddress(Service *service, bool added, int error, quint16 rrtype,
                            const QByteArray &rdata)
{
    if (error != kDNSServiceErr_NoError) {
        qCDebug(lcDiscovery) << "Address lookup for" << service->hostTarget << "failed:" << error;
        return;
    }
    QHostAddress address;
    if (rrtype == kDNSServiceType_A && rdata.size() == 4) {
        address.setAddress(qFromBigEndian<quint32>(rdata.constData()));
    } else if (rrtype == kDNSServiceType_AAAA && rdata.size() == 16) {
        address.setAddress(reinterpret_cast<const quint8 *>(rdata.constData()));
    } else {
        return;
    }
    if (changeAddress(service, address, added))
        publish(service);
}

bool RoomBrowser::changeAddress(Service *service, const QHostAddress &address, bool added)
{
    if (address.isNull())
        return false;
    QList<QHostAddress> &addresses = service->room.addresses;
    if (added == addresses.contains(address))
        return false;
    if (added)
        addresses.append(address);
    else
        addresses.removeAll(address);
    std::stable_sort(addresses.begin(), addresses.end(),
                     [](const QHostAddress &a, const QHostAddress &b) {
                         return a.protocol() == QAbstractSocket::IPv4Protocol
                             && b.protocol() != QAbstractSocket::IPv4Protocol;
                     });
    return true;
}

void RoomBrowser::publish(Service *service)
{
    if (!service->resolved || service->room.addresses.isEmpty())
        return;
    if (!service->published) {
        service->published = true;
        qCInfo(lcDiscovery) << "Room nearby:" << service->room.announcement.room << "at"
                            << service->room.addressStrings();
        Q_EMIT roomAdded(service->room);
    } else {
        Q_EMIT roomChanged(service->room);
    }
}

} // namespace Roomshare::Discovery
