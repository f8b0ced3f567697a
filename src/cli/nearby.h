#pragma once

#include <QObject>

#include "roombrowser.h"

namespace Roomshare::Cli {

//! `roomshare-cli nearby`: looks for rooms on the local network for a while, then prints
//! one `{"type":"room-nearby",...}` line per room still announced and quits with status 0;
//! quits with status 1 and the reason on stderr when the discovery daemon is unreachable.
class NearbyCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NearbyCommand)
public:
    explicit NearbyCommand(int timeoutMs, QObject *parent = nullptr);
    void start();

private:
    void finish();

    Discovery::RoomBrowser m_browser;
    int m_timeoutMs;
};

} // namespace Roomshare::Cli
