// Row 12 of roomshare-bench: many rooms at once (issue 17). One fresh roomshare-server,
// Config::manyRooms rooms of 1 sender and Config::roomReceivers receivers each; every
// sender sends the same file to its room at the same moment. A few processes host all the
// participants (`roomshare-bench rooms`, one per Config::roomsPerProcess rooms), and a
// probe in another room measures control round trips meanwhile.

#include "driver.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <csignal>

namespace Bench {

QList<Row> runManyRoomsRows(const Config &c, const std::function<QString(const QString &)> &logPath)
{
    const QString file = makeFile(c.work + QStringLiteral("/files/room.bin"), c.roomSize);
    const QString dl = c.work + QStringLiteral("/downloads/rooms");
    const QString what = QStringLiteral("%1 rooms of %2, each sending %3 to its members at once")
                             .arg(c.manyRooms)
                             .arg(c.roomReceivers + 1)
                             .arg(sizeText(c.roomSize));
    Row rate{ QStringLiteral("12"),
              what + QStringLiteral(": aggregate delivered"),
              QStringLiteral("MB/s"),
              {},
              {},
              QStringLiteral("n/a"),
              QString() };
    Row fair{ QStringLiteral("12f"),
              QStringLiteral("the same: slowest room's time over the fastest's"),
              QStringLiteral("x"),
              {},
              {},
              QStringLiteral("n/a"),
              QStringLiteral("< 2x"),
              false };
    Row rss{ QStringLiteral("12m"),
             QStringLiteral("the same: peak RSS of the server"),
             QStringLiteral("MiB"),
             {},
             {},
             QStringLiteral("n/a"),
             QStringLiteral("< 256 MiB"),
             false };
    Row p99{ QStringLiteral("12c"),
             QStringLiteral("the same: control round trip, p99"),
             QStringLiteral("ms"),
             {},
             {},
             QStringLiteral("n/a"),
             QStringLiteral("< 50 ms"),
             false };
    for (int run = 0; run < c.runs; ++run) {
        log(QStringLiteral("row 12, run %1").arg(run + 1));
        // A fresh server each run: its VmHWM is this run's.
        RoomshareServer server = startRoomshare(c, QStringLiteral("row12"));
        const QString url = QStringLiteral("ws://127.0.0.1:%1").arg(portOfLink(server.link));
        QStringList links;
        for (int k = 0; k < c.manyRooms; ++k)
            links << inviteLink(c, server, url, QStringLiteral("room%1").arg(k),
                                logPath(QStringLiteral("row12-invite")));
        // The probe's tiny file, in the "bench" room (no transfer of its own there).
        const QString probeFile = makeFile(c.work + QStringLiteral("/files/probe12.bin"), 1024);
        Run r = runChild({ c.self, QStringLiteral("upload"), server.link, probeFile },
                         logPath(QStringLiteral("row12-probe-upload")));
        check(r, QStringLiteral("probe upload"));
        const QString probeIndex = value(r.out, QStringLiteral("index"));

        QList<Child> hosts;
        for (int k = 0; k < c.manyRooms; k += c.roomsPerProcess)
            hosts.append(spawn(QStringList{ c.self, QStringLiteral("rooms"), dl, file,
                                            QString::number(c.roomReceivers) }
                                   + links.mid(k, c.roomsPerProcess),
                               logPath(QStringLiteral("row12-rooms")), true));
        Child probe = spawn({ c.self, QStringLiteral("probe"), server.link, probeIndex,
                              dl + QStringLiteral("/probe") },
                            logPath(QStringLiteral("row12-probe")), true);
        for (const Child &h : std::as_const(hosts) + QList<Child>{ probe }) {
            if (waitForLine(h.outPath, QStringLiteral("ready="), 180000, h.pid).isEmpty())
                die(QStringLiteral("row 12: participants did not join; see ") + h.outPath);
        }
        settleDisk({ file });
        const qint64 goNs = nowNs();
        sendLine(probe, "go\n");
        for (Child &h : hosts)
            sendLine(h, "go\n");
        const QList<ChildExit> exits = waitAll(hosts, ChildTimeoutMs);
        closeStdin(probe);
        const ChildExit probeExit = waitChild(probe, 30000);
        check(Run{ probeExit, probe.outPath }, QStringLiteral("row 12 probe"));
        QList<double> roomMs;
        for (int i = 0; i < hosts.size(); ++i) {
            check(Run{ exits[i], hosts[i].outPath }, QStringLiteral("row 12 rooms"));
            for (const QString &v : values(hosts[i].outPath, QStringLiteral("room")))
                roomMs << double(v.section(QLatin1Char(','), 1).toLongLong() - goNs) / 1e6;
        }
        if (roomMs.size() != c.manyRooms)
            die(QStringLiteral("row 12: %1 of %2 rooms reported")
                    .arg(roomMs.size())
                    .arg(c.manyRooms));
        const double slowest = *std::max_element(roomMs.begin(), roomMs.end());
        const double fastest = *std::min_element(roomMs.begin(), roomMs.end());
        rate.ours << mbps(c.roomSize * c.manyRooms * c.roomReceivers, slowest);
        fair.ours << slowest / fastest;
        rss.ours << double(vmHwmKiB(server.child.pid)) / 1024;
        QList<double> rtts;
        for (const QString &v : values(probe.outPath, QStringLiteral("rtt")))
            rtts << v.toDouble();
        if (rtts.isEmpty())
            die(QStringLiteral("row 12: the probe measured nothing; see ") + probe.outPath);
        p99.ours << percentile(rtts, 99);
        stopRoomshare(server);
        QDir(dl).removeRecursively();
    }
    QFile::remove(file);
    return { rate, fair, rss, p99 };
}

} // namespace Bench
