// RoomHost's "Rooms nearby" hook, apart from the rest of RoomHost so the two change
// independently.
#include "roomhost.h"

#include "guilogging.h"
#include "roomannouncer.h"
#include "roomserver.h"

namespace Roomshare::Gui {

Discovery::RoomAnnouncer *RoomHost::announceOnNetwork(const QString &hostDisplayName, bool lobby)
{
    if (!isRunning())
        return nullptr;
    // One announcer per host, found as a child so RoomHost needs no member for it.
    auto *announcer = findChild<Discovery::RoomAnnouncer *>(QString(), Qt::FindDirectChildrenOnly);
    if (!announcer) {
        announcer = new Discovery::RoomAnnouncer(this);
        announcer->setRetryInterval(5000); // the room returns when a stopped daemon does
    }
    if (m_reach == Reach::ThisComputer) {
        qCInfo(lcGui) << "Room not announced: only this computer can join";
        announcer->stop();
        return announcer;
    }
    announcer->announce(m_roomName, hostDisplayName, m_server->port(), m_tls,
                        m_server->certificateFingerprint(), lobby);
    return announcer;
}

} // namespace Roomshare::Gui
