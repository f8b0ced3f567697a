#include "roomannouncer.h"

#include "dnssd_p.h"

#include <QtEndian>

namespace Roomshare::Discovery {

struct RegisterCallback
{
    static void DNSSD_API call(DNSServiceRef, DNSServiceFlags, DNSServiceErrorType error,
                               const char *name, const char *, const char *, void *context)
    {
        static_cast<RoomAnnouncer *>(context)->onRegistered(
            int(error), name ? QString::fromUtf8(name) : QString());
    }
};

RoomAnnouncer::RoomAnnouncer(QObject *parent)
    : QObject(parent)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, [this] { registerNow(); });
}

RoomAnnouncer::~RoomAnnouncer()
{
    stop();
}

bool RoomAnnouncer::announce(const QString &room, const QString &hostDisplayName, quint16 port,
                             bool tls, const QString &certFingerprint, bool lobby)
{
    RoomAnnouncement a;
    a.room = room;
    a.hostName = hostDisplayName;
    a.port = port;
    a.tls = tls;
    a.certFingerprint = certFingerprint;
    a.lobby = lobby;
    return announce(a);
}

bool RoomAnnouncer::announce(const RoomAnnouncement &announcement)
{
    stop();
    m_announcement = announcement;
    m_errorText.clear();
    return registerNow();
}

void RoomAnnouncer::setRetryInterval(int ms)
{
    m_retryIntervalMs = qMax(0, ms);
    if (m_retryIntervalMs == 0)
        m_retry.stop();
}

bool RoomAnnouncer::registerNow()
{
    prepareDnsSd();
    const QByteArray name = m_announcement.serviceName().toUtf8();
    const QByteArray txt = m_announcement.toTxtRecord();
    DNSServiceRef ref = nullptr;
    const DNSServiceErrorType error
        = DNSServiceRegister(&ref, 0, kDNSServiceInterfaceIndexAny, name.constData(), ServiceType,
                             nullptr, nullptr, qToBigEndian(m_announcement.port),
                             quint16(txt.size()), txt.constData(), &RegisterCallback::call, this);
    if (error != kDNSServiceErr_NoError) {
        fail(int(error));
        return false;
    }
    m_state = State::Registering;
    m_ref = std::make_unique<ServiceRef>(ref, [this](DNSServiceErrorType e) { fail(int(e)); });
    qCDebug(lcDiscovery) << "Announcing" << m_announcement.room << "on port" << m_announcement.port;
    return true;
}

void RoomAnnouncer::stop()
{
    m_retry.stop();
    m_retrying = false;
    ServiceRef::retire(std::move(m_ref));
    m_state = State::Idle;
    m_serviceName.clear();
}

void RoomAnnouncer::fail(int error)
{
    ServiceRef::retire(std::move(m_ref));
    const QString text = dnsSdErrorText(DNSServiceErrorType(error));
    // A retry that fails the same way is not news.
    const bool repeated = m_retrying && text == m_errorText;
    m_state = State::Failed;
    m_serviceName.clear();
    m_errorText = text;
    // A missing or vanished daemon may come back (a restart, an upgrade); a refused name
    // or record will not.
    const bool daemonTrouble = error != kDNSServiceErr_NameConflict
        && error != kDNSServiceErr_BadParam && error != kDNSServiceErr_Invalid;
    m_retrying = m_retryIntervalMs > 0 && daemonTrouble;
    if (m_retrying)
        m_retry.start(m_retryIntervalMs);
    if (repeated)
        return;
    qCWarning(lcDiscovery) << "Cannot announce room" << m_announcement.room << ":" << m_errorText;
    Q_EMIT failed(m_errorText);
}

void RoomAnnouncer::onRegistered(int error, const QString &name)
{
    if (error != kDNSServiceErr_NoError) {
        fail(error);
        return;
    }
    m_state = State::Announced;
    m_retrying = false;
    m_serviceName = name;
    qCInfo(lcDiscovery) << "Room" << m_announcement.room << "announced as" << name;
    Q_EMIT announced(name);
}

} // namespace Roomshare::Discovery
