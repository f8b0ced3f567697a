#include "nearby.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

#include "cli.h"

namespace Roomshare::Cli {

NearbyCommand::NearbyCommand(int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_timeoutMs(timeoutMs)
{ }

void NearbyCommand::start()
{
    connect(&m_browser, &Discovery::RoomBrowser::failed, this, [](const QString &text) {
        std::fprintf(stderr, "roomshare-cli: %s\n", qPrintable(text));
        QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(1); });
    });
    if (!m_browser.start())
        return; // failed() has been handled
    // Rooms are printed at the end, when their addresses (IPv4 and IPv6) have come in.
    QTimer::singleShot(m_timeoutMs, this, &NearbyCommand::finish);
}

void NearbyCommand::finish()
{
    for (const Discovery::NearbyRoom &room : m_browser.rooms()) {
        const Discovery::RoomAnnouncement &a = room.announcement;
        printLine(
            { { QStringLiteral("type"), QStringLiteral("room-nearby") },
              { QStringLiteral("room"), a.room },
              { QStringLiteral("host"), a.hostName },
              { QStringLiteral("service"), room.serviceName },
              { QStringLiteral("hostTarget"), room.hostTarget },
              { QStringLiteral("addresses"), QJsonArray::fromStringList(room.addressStrings()) },
              { QStringLiteral("port"), int(a.port) },
              { QStringLiteral("tls"), a.tls },
              { QStringLiteral("lobby"), a.lobby },
              { QStringLiteral("link"), room.knockLink().toString() } });
    }
    m_browser.stop();
    QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); });
}

} // namespace Roomshare::Cli
