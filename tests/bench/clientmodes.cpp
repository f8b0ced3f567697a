// The client side of roomshare-bench: each mode is one real client process (the Room of
// src/core over a real connection) that does one job and prints `key=value` lines.
// The driver (driver.cpp) starts them, times them and reads their peak RSS from wait4().

#include "benchutil.h"
#include "faultproxy.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>

#include <functional>

#include <cstdio>
#include <unistd.h>

#include "room.h"
#include "transferjob.h"

using namespace Roomshare;

namespace Bench {

namespace {

void out(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int fail(const QString &why)
{
    out(QStringLiteral("error=") + why);
    return 1;
}

//! Connects \a room and runs the event loop until it joined (true) or failed (false).
//! One timed Room call: \a start makes it with the callback it is given; returns the
//! result (empty on timeout) and the clock before the call and at the callback.
struct Timed
{
    QJsonObject result;
    qint64 startNs = 0;
    qint64 endNs = 0;

    bool ok() const { return result.value(QLatin1String("result")).toInt(-1) == 0; }
    //! The failure's description, one word for the driver's key=value lines.
    QString why() const
    {
        return result.value(QLatin1String("desc"))
            .toString()
            .replace(QLatin1Char(' '), QLatin1Char('_'));
    }
    void printTimes() const
    {
        out(QStringLiteral("ms=%1").arg(double(endNs - startNs) / 1e6, 0, 'f', 3));
        out(QStringLiteral("start_ns=%1").arg(startNs));
        out(QStringLiteral("end_ns=%1").arg(endNs));
    }
};

Timed timed(const std::function<void(const std::function<void(const QJsonObject &)> &)> &start)
{
    QEventLoop loop;
    Timed t;
    t.startNs = nowNs();
    start([&](const QJsonObject &r) {
        t.endNs = nowNs();
        t.result = r;
        loop.quit();
    });
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    if (t.result.isEmpty())
        loop.exec();
    return t;
}

bool join(Room &room, const QString &link, const QString &name)
{
    bool ok = false;
    QEventLoop loop;
    QObject::connect(&room, &Room::connected, &loop, [&] {
        ok = true;
        loop.quit();
    });
    QObject::connect(&room, &Room::disconnected, &loop, [&] { loop.quit(); });
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    if (!room.connectToRoom(link, name))
        return false;
    loop.exec();
    return ok;
}

//! Blocks until a line arrives on standard input (the driver's "go"), or EOF.
void waitForGo()
{
    char buf[64];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    (void)n;
}

//! upload LINK FILE: one sendFiles() of FILE; prints ms (sendFiles to upload-completed),
//! the sha256 the server verified and announced, and the index.
int upload(const QStringList &a)
{
    if (a.size() < 2)
        return fail(QStringLiteral("usage: upload LINK FILE"));
    Room room;
    if (!join(room, a.at(0), QStringLiteral("uploader")))
        return fail(QStringLiteral("join: ") + room.lastErrorText());
    const Timed t
        = timed([&](const auto &done) { room.sendFiles({ a.at(1) }, QJsonObject(), done); });
    if (!t.ok())
        return fail(QStringLiteral("upload: ") + t.why());
    const QJsonObject resp = t.result.value(QLatin1String("response"))
                                 .toObject()
                                 .value(QLatin1String("uploadInfo"))
                                 .toObject();
    t.printTimes();
    out(QStringLiteral("sha256=") + resp.value(QLatin1String("sha256")).toString());
    out(QStringLiteral("index=%1").arg(qint64(resp.value(QLatin1String("index")).toDouble(-1))));
    return 0;
}

//! download LINK INDEX DIR [--wait-go]: one recvFiles(); prints ms (recvFiles to
//! download-success, which includes the client's SHA-256 check) and the file's path.
int download(const QStringList &a)
{
    if (a.size() < 3)
        return fail(QStringLiteral("usage: download LINK INDEX DIR [--wait-go]"));
    const qint64 index = a.at(1).toLongLong();
    Room room;
    if (!join(room, a.at(0), QStringLiteral("recipient-%1").arg(::getpid())))
        return fail(QStringLiteral("join: ") + room.lastErrorText());
    if (!room.file(index).isValid())
        return fail(QStringLiteral("file %1 not available").arg(index));
    if (a.contains(QLatin1String("--wait-go"))) {
        out(QStringLiteral("ready=1"));
        waitForGo();
    }
    const Timed t = timed([&](const auto &done) {
        room.recvFiles(index, QJsonObject{ { QStringLiteral("saveDir"), a.at(2) } }, done);
    });
    if (!t.ok())
        return fail(QStringLiteral("download: ") + t.why());
    t.printTimes();
    return 0;
}

//! listen LINK COUNT: COUNT participants in this process; prints ready=1 once all joined,
//! then records when each receives download-available, until stdin closes; then prints
//! `avail=INDEX,CLIENT,NS` per notification.
int listen(const QStringList &a)
{
    if (a.size() < 2)
        return fail(QStringLiteral("usage: listen LINK COUNT"));
    const int count = a.at(1).toInt();
    std::vector<std::unique_ptr<Room>> rooms;
    QStringList records;
    int joined = 0;
    int failed = 0;
    QEventLoop joinLoop;
    for (int i = 0; i < count; ++i) {
        auto room = std::make_unique<Room>();
        Room *r = room.get();
        QObject::connect(r, &Room::connected, &joinLoop, [&] {
            if (++joined + failed == count)
                joinLoop.quit();
        });
        QObject::connect(r, &Room::disconnected, &joinLoop, [&] {
            if (joined + ++failed == count)
                joinLoop.quit();
        });
        QObject::connect(r, &Room::fsDownloadResult, r, [r, &records](const QJsonObject &event) {
            if (event.value(QLatin1String("messageType")).toString()
                != QLatin1String("download-available"))
                return;
            const qint64 t = nowNs();
            const QJsonObject resp = event.value(QLatin1String("response"))
                                         .toObject()
                                         .value(QLatin1String("downloadInfo"))
                                         .toObject();
            records.append(QStringLiteral("avail=%1,%2,%3")
                               .arg(qint64(resp.value(QLatin1String("index")).toDouble(-1)))
                               .arg(r->clientId())
                               .arg(t));
        });
        r->connectToRoom(a.at(0), QStringLiteral("listener-%1-%2").arg(::getpid()).arg(i));
        rooms.push_back(std::move(room));
    }
    QTimer::singleShot(120000, &joinLoop, &QEventLoop::quit);
    joinLoop.exec();
    if (joined != count)
        return fail(QStringLiteral("only %1 of %2 joined").arg(joined).arg(count));
    records.clear(); // files announced on join are not notifications
    out(QStringLiteral("ready=1"));
    QEventLoop loop;
    QSocketNotifier stdinNotifier(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinNotifier, &QSocketNotifier::activated, &loop, &QEventLoop::quit);
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    for (const QString &r : std::as_const(records))
        out(r);
    return 0;
}

//! sendseq LINK FILE COUNT PAUSEMS: uploads FILE COUNT times, one after the other, with a
//! pause between; prints `done=INDEX,NS` with the time sendFiles() was called. (The
//! uploader's own upload-completed is no usable start: under load its process can see it
//! later than the recipients see the announcement.)
int sendSequence(const QStringList &a)
{
    if (a.size() < 4)
        return fail(QStringLiteral("usage: sendseq LINK FILE COUNT PAUSEMS"));
    Room room;
    if (!join(room, a.at(0), QStringLiteral("announcer")))
        return fail(QStringLiteral("join: ") + room.lastErrorText());
    const int count = a.at(2).toInt();
    const int pause = a.at(3).toInt();
    for (int i = 0; i < count; ++i) {
        QEventLoop pauseLoop;
        QTimer::singleShot(pause, &pauseLoop, &QEventLoop::quit);
        pauseLoop.exec();
        QEventLoop loop;
        QJsonObject result;
        const qint64 t = nowNs();
        room.sendFiles({ a.at(1) }, QJsonObject(), [&](const QJsonObject &r) {
            result = r;
            loop.quit();
        });
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
        if (result.value(QLatin1String("result")).toInt(-1) != 0)
            return fail(QStringLiteral("upload failed"));
        const QJsonObject resp = result.value(QLatin1String("response"))
                                     .toObject()
                                     .value(QLatin1String("uploadInfo"))
                                     .toObject();
        out(QStringLiteral("done=%1,%2")
                .arg(qint64(resp.value(QLatin1String("index")).toDouble(-1)))
                .arg(t));
    }
    return 0;
}

//! control LINK up|down FILE_OR_INDEX PROBEINDEX DIR: runs one big transfer and, while it
//! runs, a control round trip every 20 ms on the same connection: download-begin of the
//! tiny file PROBEINDEX until download-accepted (the job's started()). Prints `rtt=MS`
//! per probe and the transfer's ms.
int control(const QStringList &a)
{
    if (a.size() < 5)
        return fail(QStringLiteral("usage: control LINK up|down FILE_OR_INDEX PROBEINDEX DIR"));
    const bool up = a.at(1) == QLatin1String("up");
    const qint64 probeIndex = a.at(3).toLongLong();
    const QString dir = a.at(4);
    Room room;
    if (!join(room, a.at(0), QStringLiteral("controller")))
        return fail(QStringLiteral("join: ") + room.lastErrorText());
    if (!room.file(probeIndex).isValid())
        return fail(QStringLiteral("probe file not available"));

    QEventLoop loop;
    bool bigDone = false;
    bool bigOk = false;
    bool probing = false;
    QList<double> rtts;
    const qint64 t0 = nowNs();
    qint64 t1 = 0;
    auto onBig = [&](const QJsonObject &r) {
        t1 = nowNs();
        bigDone = true;
        bigOk = r.value(QLatin1String("result")).toInt(-1) == 0;
        if (!probing)
            loop.quit();
    };
    if (up)
        room.sendFiles({ a.at(2) }, QJsonObject(), onBig);
    else
        room.recvFiles(a.at(2).toLongLong(), QJsonObject{ { QStringLiteral("saveDir"), dir } },
                       onBig);

    QTimer probeTimer;
    probeTimer.setInterval(20);
    QObject::connect(&probeTimer, &QTimer::timeout, &loop, [&] {
        if (probing || bigDone)
            return;
        probing = true;
        const qint64 start = nowNs();
        const qint64 id = room.recvFiles(
            probeIndex,
            QJsonObject{ { QStringLiteral("saveDir"), QString(dir + QStringLiteral("/probes")) } },
            [&](const QJsonObject &) {
                probing = false;
                if (bigDone)
                    loop.quit();
            });
        if (TransferJob *job = room.job(TransferInfo::Direction::Download, id)) {
            QObject::connect(job, &TransferJob::started, &loop,
                             [&rtts, start] { rtts.append(double(nowNs() - start) / 1e6); });
        } else {
            probing = false;
        }
    });
    probeTimer.start();
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    probeTimer.stop();
    if (!bigOk)
        return fail(QStringLiteral("transfer failed"));
    out(QStringLiteral("ms=%1").arg(double(t1 - t0) / 1e6, 0, 'f', 3));
    for (const double r : std::as_const(rtts))
        out(QStringLiteral("rtt=%1").arg(r, 0, 'f', 3));
    return 0;
}

//! small LINK DIR: one sendFiles() of every file in DIR; prints ms (sendFiles to the last
//! callback), ok and failed counts and the first failure.
int small(const QStringList &a)
{
    if (a.size() < 2)
        return fail(QStringLiteral("usage: small LINK DIR"));
    QStringList paths;
    const auto entries = QDir(a.at(1)).entryInfoList(QDir::Files, QDir::Name);
    for (const QFileInfo &fi : entries)
        paths.append(fi.absoluteFilePath());
    Room room;
    if (!join(room, a.at(0), QStringLiteral("many-files")))
        return fail(QStringLiteral("join: ") + room.lastErrorText());
    QEventLoop loop;
    int ok = 0;
    int failed = 0;
    QString firstError;
    const qint64 t0 = nowNs();
    qint64 t1 = 0;
    room.sendFiles(paths, QJsonObject(), [&](const QJsonObject &r) {
        if (r.value(QLatin1String("result")).toInt(-1) == 0) {
            ++ok;
        } else {
            if (firstError.isEmpty())
                firstError = QStringLiteral("%1:%2")
                                 .arg(r.value(QLatin1String("result")).toInt())
                                 .arg(r.value(QLatin1String("desc")).toString());
            ++failed;
        }
        if (ok + failed == paths.size()) {
            t1 = nowNs();
            loop.quit();
        }
    });
    QTimer::singleShot(ClientTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    out(QStringLiteral("ms=%1").arg(double(t1 - t0) / 1e6, 0, 'f', 3));
    out(QStringLiteral("ok=%1").arg(ok));
    out(QStringLiteral("failed=%1").arg(failed));
    if (!firstError.isEmpty())
        out(QStringLiteral("first_error=")
            + firstError.replace(QLatin1Char(' '), QLatin1Char('_')));
    return ok == paths.size() ? 0 : 1;
}

//! proxy PORT RATE [--listen ADDRESS] [--delay MS]: a TCP proxy to 127.0.0.1:PORT that
//! passes at most RATE bytes per second from the server to its clients (row 10's slow
//! link; 0: no limit) and holds each direction's bytes back by MS milliseconds (row 11's
//! latency); listens on ADDRESS (default 127.0.0.1); prints port=N, runs until killed.
int proxy(const QStringList &a)
{
    if (a.size() < 2)
        return fail(QStringLiteral("usage: proxy PORT RATE [--listen ADDRESS] [--delay MS]"));
    FaultProxy p(quint16(a.at(0).toUInt()));
    QHostAddress address = QHostAddress::LocalHost;
    for (int i = 2; i + 1 < a.size(); i += 2) {
        if (a.at(i) == QLatin1String("--listen"))
            address = QHostAddress(a.at(i + 1));
        else if (a.at(i) == QLatin1String("--delay")) {
            p.setDelay(FaultProxy::ClientToServer, a.at(i + 1).toInt());
            p.setDelay(FaultProxy::ServerToClient, a.at(i + 1).toInt());
        } else
            return fail(QStringLiteral("proxy: unknown option ") + a.at(i));
    }
    if (!p.listen(address))
        return fail(QStringLiteral("proxy: cannot listen"));
    if (a.at(1).toLongLong() > 0)
        p.setRate(FaultProxy::ServerToClient, a.at(1).toLongLong());
    out(QStringLiteral("port=%1").arg(p.port()));
    return QCoreApplication::exec();
}

} // namespace

int runClientMode(const QString &mode, const QStringList &args)
{
    if (mode == QLatin1String("proxy"))
        return proxy(args);
    if (mode == QLatin1String("rooms"))
        return manyRooms(args);
    if (mode == QLatin1String("probe"))
        return probe(args);
    if (mode == QLatin1String("upload"))
        return upload(args);
    if (mode == QLatin1String("download"))
        return download(args);
    if (mode == QLatin1String("listen"))
        return listen(args);
    if (mode == QLatin1String("sendseq"))
        return sendSequence(args);
    if (mode == QLatin1String("control"))
        return control(args);
    if (mode == QLatin1String("small"))
        return small(args);
    return fail(QStringLiteral("unknown mode ") + mode);
}

} // namespace Bench
