// The driver of roomshare-bench: prepares the files, starts roomshare-server and nginx
// (WebDAV PUT) on 127.0.0.1, runs every row of issue 6 with Roomshare and its peer
// interleaved in the same run, and prints one Markdown table.

#include "driver.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sha256.h"

namespace Bench {

void log(const QString &text)
{
    std::fprintf(stderr, "bench: %s\n", text.toUtf8().constData());
    std::fflush(stderr);
}

// Servers the driver started, stopped by die() so a failed run leaves nothing running.
QList<pid_t> g_servers;

void die(const QString &text)
{
    log(QStringLiteral("FAILED: ") + text);
    for (const pid_t pid : std::as_const(g_servers))
        ::kill(pid, SIGTERM);
    if (::geteuid() == 0)
        removeLinkNamespaces(QDir::tempPath() + QStringLiteral("/roomshare-bench-netns.log"));
    std::exit(1);
}

QString makeFile(const QString &path, qint64 size)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        die(QStringLiteral("cannot write ") + path);
    QByteArray block(int(qMin<qint64>(size, MiB)), Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(block.data()),
                                          block.size() / 4);
    qint64 left = size;
    quint64 counter = 0;
    while (left > 0) {
        if (block.size() >= 8)
            memcpy(block.data(), &counter, sizeof counter);
        ++counter;
        const qint64 n = qMin<qint64>(left, block.size());
        if (f.write(block.constData(), n) != n)
            die(QStringLiteral("cannot write ") + path);
        left -= n;
    }
    return path;
}

quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        die(QStringLiteral("no free port"));
    return s.serverPort();
}

double mbps(qint64 bytes, double ms)
{
    return ms > 0 ? double(bytes) / 1e6 / (ms / 1000.0) : 0;
}

// ---- the two servers ------------------------------------------------------------------

RoomshareServer startRoomshare(const Config &c, const QString &name, const QStringList &prefix)
{
    RoomshareServer s;
    s.dataDir = c.work + QStringLiteral("/server-") + name;
    QDir(s.dataDir).removeRecursively();
    QDir().mkpath(s.dataDir);
    s.child = spawn(prefix
                        + QStringList{ c.serverBin, QStringLiteral("--listen"),
                                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--data"),
                                       s.dataDir, QStringLiteral("--room"), QStringLiteral("bench"),
                                       QStringLiteral("--max-file-size"), QStringLiteral("0"),
                                       // Every simulated participant comes from 127.0.0.1.
                                       QStringLiteral("--max-connections-per-address"),
                                       QStringLiteral("1000") },
                    s.dataDir + QStringLiteral(".log"), false,
                    { QStringLiteral("QT_LOGGING_RULES=roomshare.*.info=false") });
    g_servers.append(s.child.pid);
    s.link = waitForLine(s.child.outPath, QStringLiteral("invite: "), 20000, s.child.pid);
    if (s.link.isEmpty())
        die(QStringLiteral("roomshare-server did not start; see ") + s.child.outPath);
    return s;
}

void stopRoomshare(RoomshareServer &s)
{
    g_servers.removeAll(s.child.pid);
    if (s.child.pid > 0) {
        ::kill(s.child.pid, SIGTERM);
        waitChild(s.child, 20000);
    }
    QDir(s.dataDir).removeRecursively();
}

Nginx startNginx(const Config &c)
{
    Nginx n;
    const QString prefix = c.work + QStringLiteral("/nginx");
    n.root = prefix + QStringLiteral("/www");
    for (const char *d : { "www", "body", "logs", "tmp" })
        QDir().mkpath(prefix + QLatin1Char('/') + QLatin1String(d));
    const quint16 port = freePort();
    n.base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    QString user;
    if (::geteuid() == 0) {
        // As root the workers would run as nobody and could not write the temp folder.
        user = QStringLiteral("user root;\n");
    }
    // A sensible production setup: a worker per core, sendfile, large buffers for uploads.
    const QString conf
        = QStringLiteral("%1daemon off;\nmaster_process on;\nworker_processes auto;\n"
                         "pid %2/nginx.pid;\nerror_log %2/logs/error.log warn;\n"
                         "events { worker_connections 1024; }\n"
                         "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
                         "  keepalive_requests 100000;\n"
                         "  client_max_body_size 0;\n  client_body_buffer_size 1m;\n"
                         "  client_body_temp_path %2/body;\n"
                         "  proxy_temp_path %2/tmp;\n  fastcgi_temp_path %2/tmp;\n"
                         "  uwsgi_temp_path %2/tmp;\n  scgi_temp_path %2/tmp;\n"
                         "  server {\n    listen 127.0.0.1:%3;\n    root %4;\n"
                         "    location / { dav_methods PUT; create_full_put_path on; }\n"
                         "  }\n}\n")
              .arg(user, prefix)
              .arg(port)
              .arg(n.root);
    QFile f(prefix + QStringLiteral("/nginx.conf"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(conf.toUtf8()) < 0)
        die(QStringLiteral("cannot write the nginx configuration"));
    f.close();
    n.child = spawn({ c.nginxBin, QStringLiteral("-p"), prefix, QStringLiteral("-c"),
                      prefix + QStringLiteral("/nginx.conf"), QStringLiteral("-e"),
                      prefix + QStringLiteral("/logs/error.log") },
                    prefix + QStringLiteral("/stdout.log"));
    g_servers.append(n.child.pid);
    // Ready once the port answers.
    for (int i = 0; i < 400; ++i) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        if (probe.waitForConnected(50))
            return n;
        if (::kill(n.child.pid, 0) != 0)
            break;
        QThread::msleep(25);
    }
    die(QStringLiteral("nginx did not start; see ") + prefix + QStringLiteral("/logs/error.log"));
}

void stopNginx(Nginx &n)
{
    g_servers.removeAll(n.child.pid);
    if (n.child.pid > 0) {
        ::kill(n.child.pid, SIGQUIT);
        waitChild(n.child, 20000);
    }
}

//! CPU used so far by nginx: master and workers.
double nginxCpuMs(const Nginx &n)
{
    double ms = processCpuMs(n.child.pid);
    for (const pid_t pid : childrenOf(n.child.pid))
        ms += processCpuMs(pid);
    return ms;
}

qint64 nginxWorkersHwm(const Nginx &n)
{
    qint64 hwm = 0;
    for (const pid_t pid : childrenOf(n.child.pid))
        hwm = qMax(hwm, vmHwmKiB(pid));
    return hwm;
}

// ---- running children -----------------------------------------------------------------

// Writes back what earlier runs left dirty in the page cache, so that each measured
// transfer starts from the same state: without it, whoever ran right after a 1 GiB write
// paid for that write's writeback (our download ran right after curl's PUT). With \a warm,
// it also empties the page cache (as root) and reads \a warm (files, or folders whole)
// back in: then each transfer finds its source cached and the memory free, instead of
// paying for reclaiming the previous runs' pages (nginx's PUT swung from 0.6 to 2.1 GB/s).
void settleDisk(const QStringList &warm)
{
    ::sync();
    if (warm.isEmpty())
        return;
    QFile drop(QStringLiteral("/proc/sys/vm/drop_caches"));
    if (drop.open(QIODevice::WriteOnly))
        drop.write("1\n");
    QByteArray buffer(4 * MiB, Qt::Uninitialized);
    auto readAll = [&](const QString &path) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            while (f.read(buffer.data(), buffer.size()) > 0) { }
    };
    for (const QString &path : warm) {
        if (QFileInfo(path).isDir()) {
            QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                readAll(it.next());
        } else {
            readAll(path);
        }
    }
}

Run runChild(const QStringList &argv, const QString &outPath, int timeoutMs,
             const QStringList &warm)
{
    settleDisk(warm);
    Child child = spawn(argv, outPath);
    Run r;
    r.exit = waitChild(child, timeoutMs);
    r.out = outPath;
    return r;
}

//! Waits for all \a children together, so each exit time is taken when it happens.
QList<ChildExit> waitAll(QList<Child> &children, int timeoutMs)
{
    QList<ChildExit> exits(children.size());
    QList<bool> done(children.size(), false);
    int left = int(children.size());
    const qint64 deadline = nowNs() + qint64(timeoutMs) * 1000000;
    while (left > 0) {
        for (int i = 0; i < children.size(); ++i) {
            if (done[i])
                continue;
            int status = 0;
            rusage usage{};
            const pid_t r = wait4(children[i].pid, &status, WNOHANG, &usage);
            if (r == children[i].pid || r < 0) {
                exits[i].wallMs = double(nowNs() - children[i].startNs) / 1e6;
                exits[i].exited = r > 0 && WIFEXITED(status);
                exits[i].code = exits[i].exited ? WEXITSTATUS(status) : -1;
                exits[i].maxRssKiB = usage.ru_maxrss;
                exits[i].cpuMs = cpuMsOf(usage);
                closeStdin(children[i]);
                done[i] = true;
                --left;
            }
        }
        if (left > 0 && nowNs() > deadline) {
            for (int i = 0; i < children.size(); ++i) {
                if (!done[i]) {
                    ::kill(children[i].pid, SIGKILL);
                    exits[i] = waitChild(children[i], 5000);
                    exits[i].exited = false;
                }
            }
            break;
        }
        ::usleep(500);
    }
    return exits;
}

void check(const Run &r, const QString &what)
{
    if (!r.exit.exited || r.exit.code != 0)
        die(QStringLiteral("%1 failed (exit %2): %3; see %4")
                .arg(what)
                .arg(r.exit.code)
                .arg(value(r.out, QStringLiteral("error")), r.out));
}

double curlTimeMs(const Run &r, const QString &what)
{
    check(r, what);
    QFile f(r.out);
    f.open(QIODevice::ReadOnly);
    bool ok = false;
    const double s
        = QString::fromUtf8(f.readAll()).trimmed().split(QLatin1Char('\n')).last().toDouble(&ok);
    if (!ok)
        die(what + QStringLiteral(": no time_total in ") + r.out);
    return s * 1000;
}

// ---- the table ------------------------------------------------------------------------

QString fmt(double v)
{
    if (v >= 100)
        return QString::number(v, 'f', 0);
    if (v >= 10)
        return QString::number(v, 'f', 1);
    return QString::number(v, 'f', 2);
}

QString cell(const QList<double> &v, const QString &unit)
{
    if (v.isEmpty())
        return QStringLiteral("—");
    const Stats s = stats(v);
    if (s.count == 1)
        return fmt(s.median) + QLatin1Char(' ') + unit;
    return QStringLiteral("%1 %2 [%3–%4]").arg(fmt(s.median), unit, fmt(s.min), fmt(s.max));
}

QString firstLine(const QString &path, const QString &prefix)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    // /proc files report size 0: read them whole rather than testing atEnd().
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &raw : lines) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed();
    }
    return QString();
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll()).section(QLatin1Char(' '), 0, 2);
}

QString table(const Config &c, const QList<Row> &rows, const QString &loadBefore,
              const QString &loadAfter, double seconds)
{
    QString t;
    QString cpu = firstLine(QStringLiteral("/proc/cpuinfo"), QStringLiteral("model name"));
    if (cpu.startsWith(QLatin1Char(':')))
        cpu = cpu.mid(1).trimmed();
    t += QStringLiteral("Roomshare benchmark%1, %2 UTC\n\n")
             .arg(c.quick ? QStringLiteral(" (--quick)") : QString(),
                  QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    t += QStringLiteral("Machine: %1, %2 cores, %3 %4; load average %5 before, %6 after; "
                        "%7 run(s) per row, %8 s in all.\n\n")
             .arg(cpu)
             .arg(QThread::idealThreadCount())
             .arg(QSysInfo::kernelType(), QSysInfo::kernelVersion(), loadBefore, loadAfter)
             .arg(c.runs)
             .arg(qRound(seconds));
    t += QStringLiteral("| # | measure | Roomshare, median [min–max] | peer, same run | ratio | "
                        "target |\n|---|---|---|---|---|---|\n");
    for (const Row &r : rows) {
        QString ratio = QStringLiteral("—");
        if (!r.ours.isEmpty() && !r.peer.isEmpty()) {
            const double o = stats(r.ours).median;
            const double p = stats(r.peer).median;
            if (o > 0 && p > 0)
                ratio = QStringLiteral("%1x").arg(fmt(o / p));
        }
        QString peer
            = r.peer.isEmpty() ? r.peerName : cell(r.peer, r.unit) + QLatin1Char(' ') + r.peerName;
        QString what = r.what;
        if (!r.note.isEmpty())
            what += QStringLiteral(" (") + r.note + QLatin1Char(')');
        t += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                 .arg(r.id, what, cell(r.ours, r.unit), peer.trimmed(), ratio, r.target);
    }
    return t;
}

QString sizeText(qint64 bytes)
{
    if (bytes >= GiB && bytes % GiB == 0)
        return QStringLiteral("%1 GiB").arg(bytes / GiB);
    if (bytes >= MiB && bytes % MiB == 0)
        return QStringLiteral("%1 MiB").arg(bytes / MiB);
    return QStringLiteral("%1 KiB").arg(bytes / 1024);
}

int runDriver(const QStringList &args)
{
    Config c;
    qint64 linkSizeMiB = 0;
    c.self = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    for (int i = 0; i < args.size(); ++i) {
        const QString a = args.at(i);
        auto next = [&] {
            if (i + 1 >= args.size())
                die(a + QStringLiteral(" needs a value"));
            return args.at(++i);
        };
        if (a == QLatin1String("--quick"))
            c.quick = true;
        else if (a == QLatin1String("--runs"))
            c.runs = next().toInt();
        else if (a == QLatin1String("--work"))
            c.work = next();
        else if (a == QLatin1String("--server"))
            c.serverBin = next();
        else if (a == QLatin1String("--gui"))
            c.guiBin = next();
        else if (a == QLatin1String("--nginx"))
            c.nginxBin = next();
        else if (a == QLatin1String("--curl"))
            c.curlBin = next();
        else if (a == QLatin1String("--output"))
            c.output = next();
        else if (a == QLatin1String("--cli"))
            c.cliBin = next();
        else if (a == QLatin1String("--link-size")) {
            linkSizeMiB = next().toLongLong();
            if (linkSizeMiB < 1)
                die(QStringLiteral("--link-size takes a size in MiB"));
        } else if (a == QLatin1String("--only")) {
            // Rows 1-3 share one server and file, so they run as one group named 1.
            for (const QString &part : next().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const int row = part.trimmed().toInt();
                if (row < 1 || row > 12)
                    die(QStringLiteral("--only takes row numbers 1 to 12, not ") + part);
                c.only.insert(row <= 3 ? 1 : row);
            }
        } else
            die(QStringLiteral("unknown option ") + a);
    }
    if (c.work.isEmpty() || c.serverBin.isEmpty() || c.nginxBin.isEmpty() || c.curlBin.isEmpty())
        die(QStringLiteral("usage: roomshare-bench run --work DIR --server BIN --nginx BIN "
                           "--curl BIN [--cli BIN] [--gui BIN] [--quick] [--runs N] [--only ROWS] "
                           "[--link-size MIB] [--output FILE]"));
    if (c.quick) {
        c.runs = qMin(c.runs, 1);
        c.bigSize = 64 * MiB;
        c.fanSize = 64 * MiB;
        c.hugeSize = 256 * MiB;
        c.participants = 20;
        c.smallCount = 200;
        c.linkSize = 32 * MiB;
        c.manyRooms = 10;
        c.roomsPerProcess = 5;
        c.roomSize = 4 * MiB;
    }
    if (linkSizeMiB > 0)
        c.linkSize = linkSizeMiB * MiB;
    if (c.cliBin.isEmpty())
        c.cliBin = QFileInfo(c.serverBin).absolutePath() + QStringLiteral("/../cli/roomshare-cli");
    c.runs = qBound(1, c.runs, 50);
    const qint64 started = nowNs();
    const QString loadBefore = loadAverage();

    QDir().mkpath(c.work);
    const QString files = c.work + QStringLiteral("/files");
    const QString logs = c.work + QStringLiteral("/logs");
    const QString dl = c.work + QStringLiteral("/downloads");
    for (const QString &d : { files, logs, dl })
        QDir().mkpath(d);
    int logCounter = 0;
    auto logPath = [&](const QString &what) {
        return QStringLiteral("%1/%2-%3.log")
            .arg(logs)
            .arg(++logCounter, 4, 10, QLatin1Char('0'))
            .arg(what);
    };

    log(QStringLiteral("preparing files in ") + c.work);
    const QString big = makeFile(files + QStringLiteral("/big.bin"), c.bigSize);
    const QString fan = makeFile(files + QStringLiteral("/fan.bin"), c.fanSize);
    const QString note = makeFile(files + QStringLiteral("/note.txt"), 1024);
    const QString probe = makeFile(files + QStringLiteral("/probe.bin"), 1024);
    const QString smallDir = files + QStringLiteral("/small");
    QDir().mkpath(smallDir);
    for (int i = 0; i < c.smallCount; ++i)
        makeFile(QStringLiteral("%1/f%2.bin").arg(smallDir).arg(i, 5, 10, QLatin1Char('0')),
                 c.smallSize);
    const QString bigSha = QString::fromLatin1(Roomshare::Sha256::hashFile(big).toHex());

    Nginx nginx = startNginx(c);
    log(QStringLiteral("nginx on ") + nginx.base);
    QList<Row> rows;

    // ---- rows 1-3 on one server -------------------------------------------------------
    Row up{ QStringLiteral("1"),
            QStringLiteral("upload %1, SHA-256 verified").arg(sizeText(c.bigSize)),
            QStringLiteral("MB/s"),
            {},
            {},
            QStringLiteral("(curl -T, nginx PUT)"),
            QStringLiteral("≥ 1.0x") };
    Row down{ QStringLiteral("2"),
              QStringLiteral("download %1, SHA-256 verified").arg(sizeText(c.bigSize)),
              QStringLiteral("MB/s"),
              {},
              {},
              QStringLiteral("(curl GET)"),
              QStringLiteral("≥ 1.0x") };
    Row fanRow{ QStringLiteral("3"),
                QStringLiteral("fan-out %1 to %2 recipients, aggregate")
                    .arg(sizeText(c.fanSize))
                    .arg(c.fanout),
                QStringLiteral("MB/s"),
                {},
                {},
                QStringLiteral("(%1 concurrent curl GETs)").arg(c.fanout),
                QStringLiteral("≥ 1.0x") };
    // CPU seconds per GiB moved, each side, next to nginx's and curl's (issue 17). The
    // server's and nginx's are the growth of their /proc/PID/stat times over the transfer;
    // a client's and curl's are the whole process (wait4), start and exit included.
    auto cpuRow
        = [](const QString &id, const QString &what, const QString &peer, const QString &target) {
              return Row{ id, what, QStringLiteral("s/GiB"), {}, {}, peer, target, false };
          };
    Row upServerCpu = cpuRow(QStringLiteral("1s"), QStringLiteral("server CPU per GiB, upload"),
                             QStringLiteral("(nginx)"), QStringLiteral("≤ 1.5x"));
    Row upClientCpu = cpuRow(QStringLiteral("1c"), QStringLiteral("client CPU per GiB, upload"),
                             QStringLiteral("(curl)"), QString());
    Row downServerCpu = cpuRow(QStringLiteral("2s"), QStringLiteral("server CPU per GiB, download"),
                               QStringLiteral("(nginx)"), QStringLiteral("≤ 1.0x"));
    Row downClientCpu = cpuRow(QStringLiteral("2c"), QStringLiteral("client CPU per GiB, download"),
                               QStringLiteral("(curl)"), QString());
    Row fanServerCpu
        = cpuRow(QStringLiteral("3s"), QStringLiteral("server CPU per GiB delivered, fan-out"),
                 QStringLiteral("(nginx)"), QStringLiteral("≤ 1.0x"));
    Row fanClientCpu
        = cpuRow(QStringLiteral("3c"), QStringLiteral("clients' CPU per GiB delivered, fan-out"),
                 QStringLiteral("(curl)"), QString());
    const double bigGiB = double(c.bigSize) / double(GiB);
    const double fanGiB = double(c.fanSize * c.fanout) / double(GiB);
    qint64 clientPeak = 0;
    qint64 curlPeak = 0;
    if (c.wants(1)) {
        RoomshareServer server = startRoomshare(c, QStringLiteral("rows1-3"));
        log(QStringLiteral("roomshare-server: ") + server.link);
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("rows 1-2, run %1").arg(run + 1));
            double cpu0 = processCpuMs(server.child.pid);
            Run r = runChild({ c.self, QStringLiteral("upload"), server.link, big },
                             logPath(QStringLiteral("upload")), ChildTimeoutMs, { big });
            check(r, QStringLiteral("upload"));
            upServerCpu.ours.append((processCpuMs(server.child.pid) - cpu0) / 1000 / bigGiB);
            upClientCpu.ours.append(r.exit.cpuMs / 1000 / bigGiB);
            if (value(r.out, QStringLiteral("sha256")) != bigSha)
                die(QStringLiteral("the server announced a different SHA-256"));
            up.ours.append(mbps(c.bigSize, value(r.out, QStringLiteral("ms")).toDouble()));
            clientPeak = qMax(clientPeak, r.exit.maxRssKiB);
            const QString index = value(r.out, QStringLiteral("index"));

            const QString url = nginx.base + QStringLiteral("/up/big-%1.bin").arg(run);
            cpu0 = nginxCpuMs(nginx);
            r = runChild({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                           QStringLiteral("-T"), big, QStringLiteral("-o"),
                           QStringLiteral("/dev/null"), QStringLiteral("-w"),
                           QStringLiteral("%{time_total}\\n"), url },
                         logPath(QStringLiteral("curl-put")), ChildTimeoutMs, { big });
            up.peer.append(mbps(c.bigSize, curlTimeMs(r, QStringLiteral("curl PUT"))));
            upServerCpu.peer.append((nginxCpuMs(nginx) - cpu0) / 1000 / bigGiB);
            upClientCpu.peer.append(r.exit.cpuMs / 1000 / bigGiB);
            curlPeak = qMax(curlPeak, r.exit.maxRssKiB);

            const QString outDir = dl + QStringLiteral("/ours");
            cpu0 = processCpuMs(server.child.pid);
            r = runChild({ c.self, QStringLiteral("download"), server.link, index, outDir },
                         logPath(QStringLiteral("download")), ChildTimeoutMs,
                         { server.dataDir + QStringLiteral("/files") });
            check(r, QStringLiteral("download"));
            downServerCpu.ours.append((processCpuMs(server.child.pid) - cpu0) / 1000 / bigGiB);
            downClientCpu.ours.append(r.exit.cpuMs / 1000 / bigGiB);
            down.ours.append(mbps(c.bigSize, value(r.out, QStringLiteral("ms")).toDouble()));
            clientPeak = qMax(clientPeak, r.exit.maxRssKiB);
            if (QFileInfo(outDir + QStringLiteral("/big.bin")).size() != c.bigSize)
                die(QStringLiteral("the downloaded file has the wrong size"));
            QDir(outDir).removeRecursively();

            const QString getOut = dl + QStringLiteral("/get.bin");
            cpu0 = nginxCpuMs(nginx);
            r = runChild({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                           QStringLiteral("-o"), getOut, QStringLiteral("-w"),
                           QStringLiteral("%{time_total}\\n"), url },
                         logPath(QStringLiteral("curl-get")), ChildTimeoutMs,
                         { nginx.root + QStringLiteral("/up") });
            down.peer.append(mbps(c.bigSize, curlTimeMs(r, QStringLiteral("curl GET"))));
            downServerCpu.peer.append((nginxCpuMs(nginx) - cpu0) / 1000 / bigGiB);
            downClientCpu.peer.append(r.exit.cpuMs / 1000 / bigGiB);
            curlPeak = qMax(curlPeak, r.exit.maxRssKiB);
            if (QFileInfo(getOut).size() != c.bigSize)
                die(QStringLiteral("curl GET returned the wrong size"));
            QFile::remove(getOut);
            QFile::remove(nginx.root + QStringLiteral("/up/big-%1.bin").arg(run));
        }

        log(QStringLiteral("row 3: fan-out"));
        Run r = runChild({ c.self, QStringLiteral("upload"), server.link, fan },
                         logPath(QStringLiteral("upload-fan")));
        check(r, QStringLiteral("fan-out upload"));
        const QString fanIndex = value(r.out, QStringLiteral("index"));
        const QString fanUrl = nginx.base + QStringLiteral("/fan.bin");
        r = runChild({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"), QStringLiteral("-T"),
                       fan, QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"),
                       QStringLiteral("%{time_total}\\n"), fanUrl },
                     logPath(QStringLiteral("curl-put-fan")));
        curlTimeMs(r, QStringLiteral("curl PUT"));
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 3, run %1").arg(run + 1));
            // Both sides over the same span: from spawning the first of the 20 processes to
            // the exit of the last, each one starting, connecting (for Roomshare: joining,
            // with its data channel), downloading, verifying (SHA-256, Roomshare only),
            // writing and exiting.
            settleDisk({ server.dataDir + QStringLiteral("/files") });
            double cpu0 = processCpuMs(server.child.pid);
            const qint64 ourT0 = nowNs();
            QList<Child> children;
            for (int i = 0; i < c.fanout; ++i)
                children.append(spawn({ c.self, QStringLiteral("download"), server.link, fanIndex,
                                        dl + QStringLiteral("/fan/%1").arg(i) },
                                      logPath(QStringLiteral("fan"))));
            const QList<ChildExit> exits = waitAll(children, ChildTimeoutMs);
            double ourLastMs = 0;
            double clientsCpuMs = 0;
            for (int i = 0; i < children.size(); ++i) {
                check(Run{ exits[i], children[i].outPath }, QStringLiteral("fan-out download"));
                ourLastMs
                    = qMax(ourLastMs, double(children[i].startNs - ourT0) / 1e6 + exits[i].wallMs);
                clientPeak = qMax(clientPeak, exits[i].maxRssKiB);
                clientsCpuMs += exits[i].cpuMs;
            }
            fanRow.ours.append(mbps(c.fanSize * c.fanout, ourLastMs));
            fanServerCpu.ours.append((processCpuMs(server.child.pid) - cpu0) / 1000 / fanGiB);
            fanClientCpu.ours.append(clientsCpuMs / 1000 / fanGiB);
            QDir(dl + QStringLiteral("/fan")).removeRecursively();

            QList<Child> curls;
            QDir().mkpath(dl + QStringLiteral("/fan"));
            settleDisk({ nginx.root + QStringLiteral("/fan.bin") });
            cpu0 = nginxCpuMs(nginx);
            const qint64 t0 = nowNs();
            for (int i = 0; i < c.fanout; ++i)
                curls.append(spawn({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                                     QStringLiteral("-o"),
                                     dl + QStringLiteral("/fan/%1.bin").arg(i), fanUrl },
                                   logPath(QStringLiteral("curl-fan"))));
            const QList<ChildExit> curlExits = waitAll(curls, ChildTimeoutMs);
            double lastMs = 0;
            double curlsCpuMs = 0;
            for (int i = 0; i < curls.size(); ++i) {
                check(Run{ curlExits[i], curls[i].outPath }, QStringLiteral("fan-out curl"));
                lastMs = qMax(lastMs, double(curls[i].startNs - t0) / 1e6 + curlExits[i].wallMs);
                curlPeak = qMax(curlPeak, curlExits[i].maxRssKiB);
                curlsCpuMs += curlExits[i].cpuMs;
            }
            fanRow.peer.append(mbps(c.fanSize * c.fanout, lastMs));
            fanServerCpu.peer.append((nginxCpuMs(nginx) - cpu0) / 1000 / fanGiB);
            fanClientCpu.peer.append(curlsCpuMs / 1000 / fanGiB);
            QDir(dl + QStringLiteral("/fan")).removeRecursively();
        }
        const qint64 serverPeak = vmHwmKiB(server.child.pid);
        const qint64 nginxPeak = nginxWorkersHwm(nginx);
        rows << up << down << fanRow << upServerCpu << upClientCpu << downServerCpu << downClientCpu
             << fanServerCpu << fanClientCpu;
        rows << Row{
            QStringLiteral("4a"),         QStringLiteral("peak RSS of the server, rows 1-3"),
            QStringLiteral("MiB"),        { double(serverPeak) / 1024 },
            { double(nginxPeak) / 1024 }, QStringLiteral("(nginx worker)"),
            QStringLiteral("< 64 MiB"),   false
        };
        rows << Row{ QStringLiteral("4b"),        QStringLiteral("peak RSS of a client, rows 1-3"),
                     QStringLiteral("MiB"),       { double(clientPeak) / 1024 },
                     { double(curlPeak) / 1024 }, QStringLiteral("(curl)"),
                     QStringLiteral("< 96 MiB"),  false };
        stopRoomshare(server);
    }

    // ---- row 4: a huge file, to show memory is flat ------------------------------------
    if (c.wants(4)) {
        const QString huge = makeFile(files + QStringLiteral("/huge.bin"), c.hugeSize);
        Row serverRow{
            QStringLiteral("4c"),
            QStringLiteral("peak RSS of the server, %1 up + down").arg(sizeText(c.hugeSize)),
            QStringLiteral("MiB"),
            {},
            {},
            QStringLiteral("(nginx worker)"),
            QStringLiteral("< 64 MiB"),
            false
        };
        Row clientRow{
            QStringLiteral("4d"),
            QStringLiteral("peak RSS of a client, %1 up + down").arg(sizeText(c.hugeSize)),
            QStringLiteral("MiB"),
            {},
            {},
            QStringLiteral("(curl)"),
            QStringLiteral("< 96 MiB"),
            false
        };
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 4 (%1), run %2").arg(sizeText(c.hugeSize)).arg(run + 1));
            RoomshareServer server = startRoomshare(c, QStringLiteral("row4"));
            Run r = runChild({ c.self, QStringLiteral("upload"), server.link, huge },
                             logPath(QStringLiteral("upload-huge")));
            check(r, QStringLiteral("huge upload"));
            qint64 peak = r.exit.maxRssKiB;
            r = runChild({ c.self, QStringLiteral("download"), server.link,
                           value(r.out, QStringLiteral("index")), dl + QStringLiteral("/huge") },
                         logPath(QStringLiteral("download-huge")));
            check(r, QStringLiteral("huge download"));
            peak = qMax(peak, r.exit.maxRssKiB);
            QDir(dl + QStringLiteral("/huge")).removeRecursively();
            serverRow.ours.append(double(vmHwmKiB(server.child.pid)) / 1024);
            clientRow.ours.append(double(peak) / 1024);
            stopRoomshare(server);

            const QString url = nginx.base + QStringLiteral("/huge.bin");
            r = runChild({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                           QStringLiteral("-T"), huge, QStringLiteral("-o"),
                           QStringLiteral("/dev/null"), QStringLiteral("-w"),
                           QStringLiteral("%{time_total}\\n"), url },
                         logPath(QStringLiteral("curl-put-huge")));
            curlTimeMs(r, QStringLiteral("curl PUT huge"));
            peak = r.exit.maxRssKiB;
            r = runChild({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                           QStringLiteral("-o"), dl + QStringLiteral("/huge.bin"),
                           QStringLiteral("-w"), QStringLiteral("%{time_total}\\n"), url },
                         logPath(QStringLiteral("curl-get-huge")));
            curlTimeMs(r, QStringLiteral("curl GET huge"));
            peak = qMax(peak, r.exit.maxRssKiB);
            QFile::remove(dl + QStringLiteral("/huge.bin"));
            QFile::remove(nginx.root + QStringLiteral("/huge.bin"));
            serverRow.peer.append(double(nginxWorkersHwm(nginx)) / 1024);
            clientRow.peer.append(double(peak) / 1024);
        }
        QFile::remove(huge);
        rows << serverRow << clientRow;
    }

    // ---- row 5: notification latency -----------------------------------------------------
    if (c.wants(5)) {
        log(QStringLiteral("row 5: %1 participants").arg(c.participants));
        RoomshareServer server = startRoomshare(c, QStringLiteral("row5"));
        QList<Child> listeners;
        constexpr int PerProcess = 50;
        for (int left = c.participants; left > 0; left -= PerProcess)
            listeners.append(spawn({ c.self, QStringLiteral("listen"), server.link,
                                     QString::number(qMin(left, PerProcess)) },
                                   logPath(QStringLiteral("listen")), true));
        for (const Child &ch : std::as_const(listeners))
            if (waitForLine(ch.outPath, QStringLiteral("ready="), 120000, ch.pid).isEmpty())
                die(QStringLiteral("listeners did not join; see ") + ch.outPath);
        Run r = runChild({ c.self, QStringLiteral("sendseq"), server.link, note,
                           QString::number(c.runs), QStringLiteral("300") },
                         logPath(QStringLiteral("sendseq")));
        check(r, QStringLiteral("announcer"));
        QThread::msleep(500);
        for (Child &ch : listeners)
            sendLine(ch, "quit\n");
        const QList<ChildExit> exits = waitAll(listeners, 60000);
        QHash<qint64, QList<double>> latencies; // index -> ms per participant
        QHash<qint64, qint64> doneAt;
        for (const QString &d : values(r.out, QStringLiteral("done")))
            doneAt.insert(d.section(QLatin1Char(','), 0, 0).toLongLong(),
                          d.section(QLatin1Char(','), 1, 1).toLongLong());
        for (int i = 0; i < listeners.size(); ++i) {
            check(Run{ exits[i], listeners[i].outPath }, QStringLiteral("listener"));
            for (const QString &a : values(listeners[i].outPath, QStringLiteral("avail"))) {
                const qint64 index = a.section(QLatin1Char(','), 0, 0).toLongLong();
                const qint64 t = a.section(QLatin1Char(','), 2, 2).toLongLong();
                if (doneAt.contains(index))
                    latencies[index].append(double(t - doneAt.value(index)) / 1e6);
            }
        }
        Row median{ QStringLiteral("5"),
                    QStringLiteral("notification latency (sendFiles of 1 KiB to "
                                   "download-available), %1 participants, median")
                        .arg(c.participants),
                    QStringLiteral("ms"),
                    {},
                    {},
                    QStringLiteral("n/a"),
                    QString(),
                    false };
        Row p99{ QStringLiteral("5"),
                 QStringLiteral("notification latency, %1 participants, p99").arg(c.participants),
                 QStringLiteral("ms"),
                 {},
                 {},
                 QStringLiteral("n/a"),
                 QStringLiteral("< 50 ms"),
                 false };
        Row all{
            QStringLiteral("5"),
            QStringLiteral("notification latency, %1 participants, last one").arg(c.participants),
            QStringLiteral("ms"),
            {},
            {},
            QStringLiteral("n/a"),
            QString(),
            false
        };
        for (auto it = latencies.cbegin(); it != latencies.cend(); ++it) {
            if (it.value().size() != c.participants)
                die(QStringLiteral("file %1 reached %2 of %3 participants")
                        .arg(it.key())
                        .arg(it.value().size())
                        .arg(c.participants));
            median.ours.append(stats(it.value()).median);
            p99.ours.append(percentile(it.value(), 99));
            all.ours.append(stats(it.value()).max);
        }
        if (latencies.size() != c.runs)
            die(QStringLiteral("%1 of %2 notifications measured")
                    .arg(latencies.size())
                    .arg(c.runs));
        rows << median << p99 << all;
        stopRoomshare(server);
    }

    // ---- row 6: control round trip during a transfer -------------------------------------
    if (c.wants(6)) {
        log(QStringLiteral("row 6: control latency"));
        RoomshareServer server = startRoomshare(c, QStringLiteral("row6"));
        Run r = runChild({ c.self, QStringLiteral("upload"), server.link, probe },
                         logPath(QStringLiteral("upload-probe")));
        check(r, QStringLiteral("probe upload"));
        const QString probeIndex = value(r.out, QStringLiteral("index"));
        r = runChild({ c.self, QStringLiteral("upload"), server.link, big },
                     logPath(QStringLiteral("upload-big")));
        check(r, QStringLiteral("big upload"));
        const QString bigIndex = value(r.out, QStringLiteral("index"));
        Row upMedian{ QStringLiteral("6"),
                      QStringLiteral("control round trip during a %1 upload, median")
                          .arg(sizeText(c.bigSize)),
                      QStringLiteral("ms"),
                      {},
                      {},
                      QStringLiteral("n/a"),
                      QString(),
                      false };
        Row upP99{
            QStringLiteral("6"),
            QStringLiteral("control round trip during a %1 upload, p99").arg(sizeText(c.bigSize)),
            QStringLiteral("ms"),
            {},
            {},
            QStringLiteral("n/a"),
            QStringLiteral("< 50 ms"),
            false
        };
        Row downMedian{ QStringLiteral("6"),
                        QStringLiteral("control round trip during a %1 download, median")
                            .arg(sizeText(c.bigSize)),
                        QStringLiteral("ms"),
                        {},
                        {},
                        QStringLiteral("n/a"),
                        QString(),
                        false };
        Row downP99{
            QStringLiteral("6"),
            QStringLiteral("control round trip during a %1 download, p99").arg(sizeText(c.bigSize)),
            QStringLiteral("ms"),
            {},
            {},
            QStringLiteral("n/a"),
            QStringLiteral("< 50 ms"),
            false
        };
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 6, run %1").arg(run + 1));
            for (const bool upload : { true, false }) {
                const QString dir = dl + QStringLiteral("/control");
                r = runChild({ c.self, QStringLiteral("control"), server.link,
                               upload ? QStringLiteral("up") : QStringLiteral("down"),
                               upload ? big : bigIndex, probeIndex, dir },
                             logPath(QStringLiteral("control")));
                check(r, QStringLiteral("control"));
                QList<double> rtts;
                for (const QString &v : values(r.out, QStringLiteral("rtt")))
                    rtts.append(v.toDouble());
                if (rtts.isEmpty())
                    die(QStringLiteral("no control round trip measured; see ") + r.out);
                (upload ? upMedian : downMedian).ours.append(stats(rtts).median);
                (upload ? upP99 : downP99).ours.append(percentile(rtts, 99));
                QDir(dir).removeRecursively();
            }
        }
        rows << upMedian << upP99 << downMedian << downP99;
        stopRoomshare(server);
    }

    // ---- row 7: many small files ---------------------------------------------------------
    if (c.wants(7)) {
        Row row{ QStringLiteral("7"),
                 QStringLiteral("%1 files of %2 in one sendFiles")
                     .arg(c.smallCount)
                     .arg(sizeText(c.smallSize)),
                 QStringLiteral("files/s"),
                 {},
                 {},
                 QStringLiteral("(%1 curl PUTs, one keep-alive connection)").arg(c.smallCount),
                 QStringLiteral("≥ 1.0x") };
        QString curlConfig = QStringLiteral("silent\nshow-error\nfail\n");
        for (int i = 0; i < c.smallCount; ++i) {
            const QString name = QStringLiteral("f%1.bin").arg(i, 5, 10, QLatin1Char('0'));
            curlConfig
                += QStringLiteral(
                       "upload-file = \"%1/%2\"\nurl = \"%3/small/%2\"\noutput = \"/dev/null\"\n")
                       .arg(smallDir, name, nginx.base);
        }
        const QString configPath = c.work + QStringLiteral("/curl-small.conf");
        QFile cf(configPath);
        if (!cf.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || cf.write(curlConfig.toUtf8()) < 0)
            die(QStringLiteral("cannot write ") + configPath);
        cf.close();
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 7, run %1").arg(run + 1));
            RoomshareServer server = startRoomshare(c, QStringLiteral("row7"));
            Run r = runChild({ c.self, QStringLiteral("small"), server.link, smallDir },
                             logPath(QStringLiteral("small")));
            const int ok = value(r.out, QStringLiteral("ok")).toInt();
            if (ok != c.smallCount) {
                row.note = QStringLiteral("%1 of %2 failed, first: %3")
                               .arg(value(r.out, QStringLiteral("failed")))
                               .arg(c.smallCount)
                               .arg(value(r.out, QStringLiteral("first_error"))
                                        .replace(QLatin1Char('_'), QLatin1Char(' ')));
                log(QStringLiteral("row 7: ") + row.note);
            }
            // A child that crashed or failed must not read as a slow run: the run stops
            // (exit 1 from a partial send, after the note above says what failed).
            check(r, QStringLiteral("small files"));
            // Process spawn to exit, as for curl below: start, join, the files, leave.
            const double ms = r.exit.wallMs;
            row.ours.append(ok == c.smallCount && ms > 0 ? c.smallCount / (ms / 1000) : 0);
            stopRoomshare(server);

            QDir(nginx.root + QStringLiteral("/small")).removeRecursively();
            r = runChild({ c.curlBin, QStringLiteral("-K"), configPath },
                         logPath(QStringLiteral("curl-small")));
            check(r, QStringLiteral("curl small PUTs"));
            row.peer.append(c.smallCount / (r.exit.wallMs / 1000));
        }
        rows << row;
    }

    // ---- row 8: GUI models ---------------------------------------------------------------
    if (!c.guiBin.isEmpty() && c.wants(8)) {
        Row insert{
            QStringLiteral("8"), QString(), QStringLiteral("ms"), {}, {}, QStringLiteral("n/a"),
            QString(),           false
        };
        Row stall{
            QStringLiteral("8"), QString(), QStringLiteral("ms"), {}, {}, QStringLiteral("n/a"),
            QString(),           false
        };
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 8, run %1").arg(run + 1));
            QStringList argv{ c.guiBin };
            if (c.quick)
                argv << QStringLiteral("--quick");
            Child child = spawn(argv, logPath(QStringLiteral("gui")), false,
                                { QStringLiteral("QT_QPA_PLATFORM=offscreen") });
            const Run r{ waitChild(child, 300000), child.outPath };
            check(r, QStringLiteral("GUI models"));
            insert.what = value(r.out, QStringLiteral("insert_what"));
            stall.what = value(r.out, QStringLiteral("stall_what"));
            insert.ours.append(value(r.out, QStringLiteral("insert_ms")).toDouble());
            stall.ours.append(value(r.out, QStringLiteral("stall_ms")).toDouble());
        }
        rows << insert << stall;
    }

    // ---- row 10: a slow recipient among fast ones (issue 16) ---------------------------
    // The fan-out of row 3 to fanout - 1 recipients, alone and then with one more recipient
    // behind a 100 KB/s link (a rate-limited proxy, `roomshare-bench proxy`): the fast ones'
    // time with the slow one against without, and the server's peak memory in each phase
    // (a fresh server, so its VmHWM is this row's alone). The slow one is stopped once the
    // fast ones are done (256 MiB at 100 KB/s takes 45 minutes); tst_slowrecipient checks
    // that such a recipient completes byte-identical once its link is fast again.
    if (c.wants(10)) {
        const int fast = c.fanout - 1;
        Row timeRow{
            QStringLiteral("10"),
            QStringLiteral("fan-out %1 to %2 recipients with a %3th at 100 KB/s: the "
                           "fast ones, aggregate")
                .arg(sizeText(c.fanSize))
                .arg(fast)
                .arg(c.fanout),
            QStringLiteral("MB/s"),
            {},
            {},
            QStringLiteral("(the same %1 recipients without the slow one, same run)").arg(fast),
            QStringLiteral("≥ 0.9x")
        };
        Row memRow{ QStringLiteral("10m"),
                    QStringLiteral("peak RSS of the server, fan-out with the slow recipient"),
                    QStringLiteral("MiB"),
                    {},
                    {},
                    QStringLiteral("(the same server, without the slow one)"),
                    QStringLiteral("bounded") };
        RoomshareServer server = startRoomshare(c, QStringLiteral("row10"));
        Run r = runChild({ c.self, QStringLiteral("upload"), server.link, fan },
                         logPath(QStringLiteral("upload-row10")));
        check(r, QStringLiteral("row 10 upload"));
        const QString index = value(r.out, QStringLiteral("index"));
        const QString port
            = server.link.section(QLatin1Char('/'), 2, 2).section(QLatin1Char(':'), 1);
        auto fanOut = [&](const QString &what) {
            settleDisk({ server.dataDir + QStringLiteral("/files") });
            QDir().mkpath(dl + QStringLiteral("/row10"));
            const qint64 t0 = nowNs();
            QList<Child> children;
            for (int i = 0; i < fast; ++i)
                children.append(spawn({ c.self, QStringLiteral("download"), server.link, index,
                                        dl + QStringLiteral("/row10/%1").arg(i) },
                                      logPath(what)));
            const QList<ChildExit> exits = waitAll(children, ChildTimeoutMs);
            double lastMs = 0;
            for (int i = 0; i < children.size(); ++i) {
                check(Run{ exits[i], children[i].outPath }, QStringLiteral("row 10 download"));
                lastMs = qMax(lastMs, double(children[i].startNs - t0) / 1e6 + exits[i].wallMs);
            }
            QDir(dl + QStringLiteral("/row10")).removeRecursively();
            return mbps(c.fanSize * fast, lastMs);
        };
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 10, run %1").arg(run + 1));
            const double alone = fanOut(QStringLiteral("row10-alone"));
            const qint64 hwmAlone = vmHwmKiB(server.child.pid);
            Child proxy = spawn({ c.self, QStringLiteral("proxy"), port, QStringLiteral("100000") },
                                logPath(QStringLiteral("row10-proxy")));
            const QString proxyPort
                = waitForLine(proxy.outPath, QStringLiteral("port="), 20000, proxy.pid);
            if (proxyPort.isEmpty())
                die(QStringLiteral("the rate-limited proxy did not start; see ") + proxy.outPath);
            QString slowLink = server.link;
            slowLink.replace(QStringLiteral("127.0.0.1:") + port,
                             QStringLiteral("127.0.0.1:") + proxyPort);
            QDir().mkpath(dl + QStringLiteral("/row10-slow"));
            Child slow = spawn({ c.self, QStringLiteral("download"), slowLink, index,
                                 dl + QStringLiteral("/row10-slow") },
                               logPath(QStringLiteral("row10-slow")));
            // The slow one has joined and begun before the fast ones start.
            QElapsedTimer joined;
            joined.start();
            while (joined.elapsed() < 20000 && ::kill(slow.pid, 0) == 0
                   && QDir(dl + QStringLiteral("/row10-slow")).isEmpty())
                QThread::msleep(50);
            const double withSlow = fanOut(QStringLiteral("row10-with-slow"));
            const qint64 hwmWith = vmHwmKiB(server.child.pid);
            if (::kill(slow.pid, 0) != 0)
                die(QStringLiteral("the slow recipient ended early; see ") + slow.outPath);
            ::kill(slow.pid, SIGKILL);
            waitChild(slow, 5000);
            ::kill(proxy.pid, SIGKILL);
            waitChild(proxy, 5000);
            QDir(dl + QStringLiteral("/row10-slow")).removeRecursively();
            timeRow.ours.append(withSlow);
            timeRow.peer.append(alone);
            memRow.ours.append(double(hwmWith) / 1024);
            memRow.peer.append(double(hwmAlone) / 1024);
        }
        stopRoomshare(server);
        rows << timeRow << memRow;
    }

    if (c.wants(11))
        rows << runLinkRows(c, logPath);
    if (c.wants(12))
        rows << runManyRoomsRows(c, logPath);

    stopNginx(nginx);
    const QString t = table(c, rows, loadBefore, loadAverage(), double(nowNs() - started) / 1e9);
    std::fputs(t.toUtf8().constData(), stdout);
    std::fflush(stdout);
    if (!c.output.isEmpty()) {
        QFile f(c.output);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(t.toUtf8());
    }
    return 0;
}

} // namespace Bench
