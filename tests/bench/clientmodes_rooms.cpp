// Client modes of roomshare-bench for row 12 (many rooms at once): one process hosts the
// participants of several rooms, so 50 rooms of 4 take a handful of processes; and a probe
// that measures control round trips while they transfer.

#include "benchutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <vector>

#include <cstdio>
#include <unistd.h>

#include "room.h"
#include "transferjob.h"

using namespace Roomshare;

namespace Bench {

namespace {

void say(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int failWith(const QString &why)
{
    say(QStringLiteral("error=") + why);
    return 1;
}

//! Joins every room in \a rooms (already told where to connect); false after 120 s or when
//! one fails.
bool joinAll(const std::vector<Room *> &rooms)
{
    int joined = 0;
    int failed = 0;
    const int count = int(rooms.size());
    QEventLoop loop;
    for (Room *r : rooms) {
        QObject::connect(r, &Room::connected, &loop, [&] {
            if (++joined + failed == count)
                loop.quit();
        });
        QObject::connect(r, &Room::disconnected, &loop, [&] {
            if (joined + ++failed == count)
                loop.quit();
        });
    }
    QTimer::singleShot(120000, &loop, &QEventLoop::quit);
    loop.exec();
    for (Room *r : rooms)
        QObject::disconnect(r, nullptr, &loop, nullptr);
    return joined == count;
}

//! Runs the event loop until a line (or EOF) arrives on standard input.
void waitForStdin()
{
    QEventLoop loop;
    QSocketNotifier notifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &loop, [&] {
        char buf[64];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        (void)n;
        loop.quit();
    });
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
}

struct RoomGroup
{
    std::unique_ptr<Room> sender;
    std::vector<std::unique_ptr<Room>> receivers;
    int left = 0; //!< receivers still downloading
    qint64 doneNs = 0;
    bool failed = false;
};

} // namespace

//! rooms DIR FILE RECEIVERS LINK...: for each LINK (one room each) a sender and RECEIVERS
//! receivers in this process; prints ready=1 once all joined, waits for a line on stdin,
//! then every sender sends FILE to its room at once and every receiver downloads it (into
//! DIR, deleted once verified). Prints `room=K,DONE_NS` per room (CLOCK_MONOTONIC of its
//! last receiver's download-success) and exits 1 if any transfer failed.
int manyRooms(const QStringList &a)
{
    if (a.size() < 4)
        return failWith(QStringLiteral("usage: rooms DIR FILE RECEIVERS LINK..."));
    const QString dir = a.at(0);
    const QString file = a.at(1);
    const int receivers = a.at(2).toInt();
    const QStringList links = a.mid(3);
    std::vector<RoomGroup> groups(links.size());
    std::vector<Room *> all;
    for (int k = 0; k < links.size(); ++k) {
        RoomGroup &g = groups[k];
        g.sender = std::make_unique<Room>();
        g.sender->connectToRoom(links.at(k), QStringLiteral("sender-%1").arg(k));
        all.push_back(g.sender.get());
        for (int j = 0; j < receivers; ++j) {
            g.receivers.push_back(std::make_unique<Room>());
            g.receivers.back()->connectToRoom(links.at(k),
                                              QStringLiteral("receiver-%1-%2").arg(k).arg(j));
            all.push_back(g.receivers.back().get());
        }
        g.left = receivers;
    }
    if (!joinAll(all))
        return failWith(QStringLiteral("not every participant joined"));
    say(QStringLiteral("ready=1"));
    waitForStdin();

    int roomsLeft = int(groups.size());
    QEventLoop loop;
    QString firstError;
    auto roomFinished = [&](RoomGroup &g, bool ok, const QString &why) {
        if (g.doneNs != 0 || g.failed)
            return;
        if (!ok) {
            g.failed = true;
            if (firstError.isEmpty())
                firstError = why;
        } else if (--g.left > 0) {
            return;
        } else {
            g.doneNs = nowNs();
        }
        if (--roomsLeft == 0)
            loop.quit();
    };
    for (int k = 0; k < int(groups.size()); ++k) {
        RoomGroup &g = groups[k];
        for (int j = 0; j < receivers; ++j) {
            Room *r = g.receivers[j].get();
            const QString saveDir
                = QStringLiteral("%1/%2-%3-%4").arg(dir).arg(::getpid()).arg(k).arg(j);
            QObject::connect(
                r, &Room::fsDownloadResult, &loop, [&, r, saveDir](const QJsonObject &e) {
                    if (e.value(QLatin1String("messageType")).toString()
                        != QLatin1String("download-available"))
                        return;
                    const qint64 index = qint64(e.value(QLatin1String("response"))
                                                    .toObject()
                                                    .value(QLatin1String("downloadInfo"))
                                                    .toObject()
                                                    .value(QLatin1String("index"))
                                                    .toDouble(-1));
                    r->recvFiles(
                        index, QJsonObject{ { QStringLiteral("saveDir"), saveDir } },
                        [&, saveDir](const QJsonObject &result) {
                            const bool ok = result.value(QLatin1String("result")).toInt(-1) == 0;
                            // Verified: the bytes are no longer needed (150 x 64 MiB).
                            QDir(saveDir).removeRecursively();
                            roomFinished(g, ok,
                                         QStringLiteral("download: ")
                                             + result.value(QLatin1String("desc")).toString());
                        });
                });
        }
        g.sender->sendFiles({ file }, QJsonObject(), [&](const QJsonObject &result) {
            if (result.value(QLatin1String("result")).toInt(-1) != 0)
                roomFinished(g, false, QStringLiteral("upload"));
        });
    }
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    for (int k = 0; k < int(groups.size()); ++k)
        if (groups[k].doneNs != 0)
            say(QStringLiteral("room=%1,%2").arg(k).arg(groups[k].doneNs));
    if (!firstError.isEmpty() || roomsLeft > 0)
        return failWith(firstError.isEmpty() ? QStringLiteral("timeout") : firstError);
    return 0;
}

//! probe LINK PROBEINDEX DIR: joins, prints ready=1, and after a line on stdin asks for the
//! tiny file PROBEINDEX every 20 ms (download-begin to download-accepted, the job's
//! started()) until stdin closes; then prints `rtt=MS` per probe.
int probe(const QStringList &a)
{
    if (a.size() < 3)
        return failWith(QStringLiteral("usage: probe LINK PROBEINDEX DIR"));
    Room room;
    room.connectToRoom(a.at(0), QStringLiteral("probe"));
    if (!joinAll({ &room }))
        return failWith(QStringLiteral("join: ") + room.lastErrorText());
    const qint64 probeIndex = a.at(1).toLongLong();
    if (!room.file(probeIndex).isValid())
        return failWith(QStringLiteral("probe file not available"));
    say(QStringLiteral("ready=1"));
    waitForStdin();
    QList<double> rtts;
    bool probing = false;
    QEventLoop loop;
    QSocketNotifier notifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &loop, &QEventLoop::quit);
    QTimer probeTimer;
    probeTimer.setInterval(20);
    QObject::connect(&probeTimer, &QTimer::timeout, &loop, [&] {
        if (probing)
            return;
        probing = true;
        const qint64 start = nowNs();
        const qint64 id
            = room.recvFiles(probeIndex, QJsonObject{ { QStringLiteral("saveDir"), a.at(2) } },
                             [&](const QJsonObject &) { probing = false; });
        if (TransferJob *job = room.job(TransferInfo::Direction::Download, id))
            QObject::connect(job, &TransferJob::started, &loop,
                             [&rtts, start] { rtts.append(double(nowNs() - start) / 1e6); });
        else
            probing = false;
    });
    probeTimer.start();
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    for (const double r : std::as_const(rtts))
        say(QStringLiteral("rtt=%1").arg(r, 0, 'f', 3));
    return 0;
}

} // namespace Bench
