#include "hostaddresses.h"

#include <QFile>
#include <QHostInfo>
#include <QNetworkInterface>
#include <QPointer>

namespace Roomshare::Server::HostAddresses {

namespace {

// The interface of the default route with the lowest metric, from a /proc/net route table:
// IPv4 rows are "Iface Destination Gateway Flags RefCnt Use Metric Mask ...", IPv6 rows
// "Dest DestLen Src SrcLen NextHop Metric RefCnt Use Flags Iface".
QString defaultRouteInterface(const QString &path, bool ipv6)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    QString best;
    quint32 bestMetric = 0xffffffff;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (ipv6) {
            if (f.size() < 10 || f.at(0) != QByteArray(32, '0') || f.at(1) != "00"
                || f.at(9) == "lo")
                continue;
            bool ok = false;
            const quint32 metric = f.at(5).toUInt(&ok, 16);
            // RTF_REJECT (0x0200) marks the "unreachable" default the kernel keeps.
            if (!ok || (f.at(8).toUInt(nullptr, 16) & 0x0200) || metric >= bestMetric)
                continue;
            best = QString::fromLatin1(f.at(9));
            bestMetric = metric;
        } else {
            if (f.size() < 8 || f.at(1) != "00000000" || f.at(7) != "00000000")
                continue;
            bool ok = false;
            const quint32 metric = f.at(6).toUInt(&ok);
            // RTF_UP (0x1)
            if (!ok || !(f.at(3).toUInt(nullptr, 16) & 0x1) || metric >= bestMetric)
                continue;
            best = QString::fromLatin1(f.at(0));
            bestMetric = metric;
        }
    }
    return best;
}

bool usable(const QNetworkInterface &iface)
{
    const auto flags = iface.flags();
    return iface.isValid() && (flags & QNetworkInterface::IsUp)
        && (flags & QNetworkInterface::IsRunning) && !(flags & QNetworkInterface::IsLoopBack);
}

bool reachableFromElsewhere(const QHostAddress &a)
{
    return !a.isNull() && !a.isLoopback() && !a.isLinkLocal() && !a.isMulticast();
}

QHostAddress firstAddressOf(const QString &ifaceName, QAbstractSocket::NetworkLayerProtocol p)
{
    const QNetworkInterface iface = QNetworkInterface::interfaceFromName(ifaceName);
    if (!usable(iface))
        return QHostAddress();
    const auto entries = iface.addressEntries();
    for (const QNetworkAddressEntry &e : entries)
        if (e.ip().protocol() == p && reachableFromElsewhere(e.ip()))
            return e.ip();
    return QHostAddress();
}

} // namespace

bool isWildcard(const QHostAddress &address)
{
    return address == QHostAddress(QHostAddress::Any)
        || address == QHostAddress(QHostAddress::AnyIPv4)
        || address == QHostAddress(QHostAddress::AnyIPv6);
}

QHostAddress primary()
{
    const QString v4 = defaultRouteInterface(QStringLiteral("/proc/net/route"), false);
    if (!v4.isEmpty()) {
        const QHostAddress a = firstAddressOf(v4, QAbstractSocket::IPv4Protocol);
        if (!a.isNull())
            return a;
    }
    const QString v6 = defaultRouteInterface(QStringLiteral("/proc/net/ipv6_route"), true);
    if (!v6.isEmpty())
        return firstAddressOf(v6, QAbstractSocket::IPv6Protocol);
    return QHostAddress();
}

QList<QHostAddress> candidates(const QHostAddress &listen)
{
    if (!isWildcard(listen))
        return { listen };
    const bool v4 = listen != QHostAddress(QHostAddress::AnyIPv6);
    const bool v6 = listen != QHostAddress(QHostAddress::AnyIPv4);
    QList<QHostAddress> ipv4, ipv6;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        if (!usable(iface))
            continue;
        const auto entries = iface.addressEntries();
        for (const QNetworkAddressEntry &e : entries) {
            QHostAddress a = e.ip();
            if (!reachableFromElsewhere(a))
                continue;
            // Addresses carry the interface as scope id; links cannot use it.
            a.setScopeId(QString());
            if (a.protocol() == QAbstractSocket::IPv4Protocol && v4 && !ipv4.contains(a))
                ipv4.append(a);
            else if (a.protocol() == QAbstractSocket::IPv6Protocol && v6 && !ipv6.contains(a))
                ipv6.append(a);
        }
    }
    QList<QHostAddress> all = ipv4 + ipv6;
    const QHostAddress first = primary();
    if (!first.isNull() && all.contains(first)) {
        all.removeAll(first);
        all.prepend(first);
    }
    return all;
}

void lookUpHostName(const QList<QHostAddress> &ours, QObject *context,
                    const std::function<void(const QString &)> &done)
{
    const QString name = QHostInfo::localHostName();
    if (name.isEmpty() || ours.isEmpty()) {
        done(QString());
        return;
    }
    QHostInfo::lookupHost(name, context, [name, ours, done](const QHostInfo &info) {
        // Only a name that leads to one of our own reachable addresses helps a guest;
        // many machines map their name to 127.0.1.1.
        const auto addresses = info.addresses();
        for (const QHostAddress &a : addresses)
            if (ours.contains(a))
                return done(name);
        done(QString());
    });
}

} // namespace Roomshare::Server::HostAddresses
