// Row 11 of roomshare-bench: links with latency and a rate (issue 17). Two network
// namespaces joined by a veth pair stand in for a client machine and a server machine;
// `tbf` on both ends of the pair sets the rate (this kernel has no netem), and a user-space
// proxy in the server's namespace (`roomshare-bench proxy --delay`, the tests' fault proxy)
// holds each direction's bytes back by half the round trip. roomshare-server and an nginx
// run in the server's namespace behind one proxy each; roomshare-cli and curl run in the
// client's namespace, both timed from process spawn to exit.

#include "driver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QThread>

#include <csignal>
#include <unistd.h>

namespace Bench {

namespace {

// Addresses from RFC 5737's documentation range, as tests/netns/lib.sh uses them.
const QString ClientIp = QStringLiteral("198.51.100.1");
const QString ServerIp = QStringLiteral("198.51.100.2");
const QString ClientNs = QStringLiteral("rsbench-link-c");
const QString ServerNs = QStringLiteral("rsbench-link-s");
// Half the round trip, added by the proxy in each direction.
constexpr int OneWayDelayMs = 20;
constexpr quint16 NginxPort = 8080;

struct Link
{
    QString id; //!< the rows' ids: 11a/11b, 11c/11d
    QString what; //!< "1 Gbit/s, 40 ms RTT"
    QString rate; //!< tbf's rate
    qint64 burstBytes; //!< tbf's burst: at least a rate's worth of the timer tick
    bool tunedBuffers; //!< tcp_rmem/tcp_wmem maximum 64 MiB in both namespaces
};

//! The full path of \a name (posix_spawn does not search PATH); /usr/sbin holds ip and tc.
QString ipTool()
{
    const QString found = QStandardPaths::findExecutable(
        QStringLiteral("ip"),
        { QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"), QStringLiteral("/usr/bin") });
    return found.isEmpty() ? QStringLiteral("/usr/sbin/ip") : found;
}

QStringList inNs(const QString &ns, const QStringList &argv)
{
    return QStringList{ ipTool(), QStringLiteral("netns"), QStringLiteral("exec"), ns } + argv;
}

//! Runs a setup command; dies with its output when it fails.
void must(const QStringList &argv, const QString &logFile)
{
    Child ch = spawn(argv, logFile);
    const ChildExit e = waitChild(ch, 30000);
    if (!e.exited || e.code != 0) {
        QFile f(logFile);
        f.open(QIODevice::ReadOnly);
        die(QStringLiteral("`%1` failed: %2")
                .arg(argv.join(QLatin1Char(' ')), QString::fromUtf8(f.readAll()).trimmed()));
    }
}

void quiet(const QStringList &argv, const QString &logFile)
{
    Child ch = spawn(argv, logFile);
    waitChild(ch, 30000);
}

QString readAllText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(f.readAll());
}

void removeNamespaces(const QString &logFile)
{
    for (const QString &ns : { ClientNs, ServerNs }) {
        // Whatever still runs inside goes first, then the namespace (and its veth end).
        quiet({ ipTool(), QStringLiteral("netns"), QStringLiteral("pids"), ns }, logFile);
        for (const QString &pid : readAllText(logFile).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            if (pid.toInt() > 1)
                ::kill(pid.toInt(), SIGKILL);
        quiet({ ipTool(), QStringLiteral("netns"), QStringLiteral("del"), ns }, logFile);
    }
}

void createLink(const Link &link, const QString &logFile)
{
    removeNamespaces(logFile); // leftovers of a run that was killed
    for (const QString &ns : { ClientNs, ServerNs }) {
        must({ ipTool(), QStringLiteral("netns"), QStringLiteral("add"), ns }, logFile);
        must(inNs(ns,
                  { ipTool(), QStringLiteral("link"), QStringLiteral("set"), QStringLiteral("lo"),
                    QStringLiteral("up") }),
             logFile);
    }
    must({ ipTool(), QStringLiteral("link"), QStringLiteral("add"), QStringLiteral("rsbenchc"),
           QStringLiteral("netns"), ClientNs, QStringLiteral("type"), QStringLiteral("veth"),
           QStringLiteral("peer"), QStringLiteral("name"), QStringLiteral("rsbenchs"),
           QStringLiteral("netns"), ServerNs },
         logFile);
    const QList<std::pair<QString, QString>> ends{ { ClientNs, QStringLiteral("rsbenchc") },
                                                   { ServerNs, QStringLiteral("rsbenchs") } };
    for (const auto &[ns, dev] : ends) {
        const QString ip = ns == ClientNs ? ClientIp : ServerIp;
        must(inNs(ns,
                  { QStringLiteral("ip"), QStringLiteral("addr"), QStringLiteral("add"),
                    ip + QStringLiteral("/24"), QStringLiteral("dev"), dev }),
             logFile);
        must(inNs(ns,
                  { ipTool(), QStringLiteral("link"), QStringLiteral("set"), dev,
                    QStringLiteral("up") }),
             logFile);
        // The rate, on each end's egress: both directions of the link.
        must(inNs(ns,
                  { QStringLiteral("tc"), QStringLiteral("qdisc"), QStringLiteral("add"),
                    QStringLiteral("dev"), dev, QStringLiteral("root"), QStringLiteral("tbf"),
                    QStringLiteral("rate"), link.rate, QStringLiteral("burst"),
                    QString::number(link.burstBytes), QStringLiteral("latency"),
                    QStringLiteral("10ms") }),
             logFile);
        if (link.tunedBuffers) {
            // Per namespace: what a host tuned for fast long links would set.
            must(inNs(ns,
                      { QStringLiteral("sysctl"), QStringLiteral("-q"), QStringLiteral("-w"),
                        QStringLiteral("net.ipv4.tcp_rmem=4096 131072 67108864"),
                        QStringLiteral("net.ipv4.tcp_wmem=4096 16384 67108864") }),
                 logFile);
        }
    }
}

struct LinkNginx
{
    Child child;
    QString prefix;
    QString root;
};

LinkNginx startLinkNginx(const Config &c)
{
    LinkNginx n;
    n.prefix = c.work + QStringLiteral("/nginx-link");
    QDir(n.prefix).removeRecursively();
    n.root = n.prefix + QStringLiteral("/www");
    for (const char *d : { "www", "body", "logs", "tmp" })
        QDir().mkpath(n.prefix + QLatin1Char('/') + QLatin1String(d));
    // The same configuration as rows 1-3's nginx, on the server namespace's loopback.
    const QString conf
        = QStringLiteral("user root;\ndaemon off;\nmaster_process on;\nworker_processes auto;\n"
                         "pid %1/nginx.pid;\nerror_log %1/logs/error.log warn;\n"
                         "events { worker_connections 1024; }\n"
                         "http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n"
                         "  keepalive_requests 100000;\n"
                         "  client_max_body_size 0;\n  client_body_buffer_size 1m;\n"
                         "  client_body_temp_path %1/body;\n"
                         "  proxy_temp_path %1/tmp;\n  fastcgi_temp_path %1/tmp;\n"
                         "  uwsgi_temp_path %1/tmp;\n  scgi_temp_path %1/tmp;\n"
                         "  server {\n    listen 127.0.0.1:%2;\n    root %3;\n"
                         "    location / { dav_methods PUT; create_full_put_path on; }\n"
                         "  }\n}\n")
              .arg(n.prefix)
              .arg(NginxPort)
              .arg(n.root);
    QFile f(n.prefix + QStringLiteral("/nginx.conf"));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(conf.toUtf8()) < 0)
        die(QStringLiteral("cannot write the link's nginx configuration"));
    f.close();
    n.child = spawn(inNs(ServerNs,
                         { c.nginxBin, QStringLiteral("-p"), n.prefix, QStringLiteral("-c"),
                           n.prefix + QStringLiteral("/nginx.conf"), QStringLiteral("-e"),
                           n.prefix + QStringLiteral("/logs/error.log") }),
                    n.prefix + QStringLiteral("/stdout.log"));
    g_servers.append(n.child.pid);
    // nginx writes its pid file once its sockets listen.
    for (int i = 0; i < 400 && !QFileInfo::exists(n.prefix + QStringLiteral("/nginx.pid")); ++i) {
        if (::kill(n.child.pid, 0) != 0)
            break;
        QThread::msleep(25);
    }
    if (!QFileInfo::exists(n.prefix + QStringLiteral("/nginx.pid")))
        die(QStringLiteral("the link's nginx did not start; see ") + n.prefix
            + QStringLiteral("/logs/error.log"));
    return n;
}

Child startProxy(const Config &c, quint16 target, const QString &logFile, quint16 *port)
{
    Child proxy = spawn(inNs(ServerNs,
                             { c.self, QStringLiteral("proxy"), QString::number(target),
                               QStringLiteral("0"), QStringLiteral("--listen"), ServerIp,
                               QStringLiteral("--delay"), QString::number(OneWayDelayMs) }),
                        logFile);
    g_servers.append(proxy.pid);
    *port = waitForLine(logFile, QStringLiteral("port="), 20000, proxy.pid).toUShort();
    if (*port == 0)
        die(QStringLiteral("the delay proxy did not start; see ") + logFile);
    return proxy;
}

void stop(Child &child, int signal = SIGTERM)
{
    g_servers.removeAll(child.pid);
    if (child.pid > 0) {
        ::kill(child.pid, signal);
        waitChild(child, 20000);
    }
}

//! Runs \a argv in the client namespace with a HOME of its own (roomshare-cli keeps what
//! it would resume there); dies when it fails.
ChildExit runInClient(const QStringList &argv, const QString &logFile, const QString &home,
                      const QString &what)
{
    QDir(home).removeRecursively();
    QDir().mkpath(home);
    Child ch = spawn(inNs(ClientNs, argv), logFile, false, { QStringLiteral("HOME=") + home });
    const ChildExit e = waitChild(ch, ChildTimeoutMs);
    check(Run{ e, logFile }, what);
    return e;
}

} // namespace

quint16 portOfLink(const QString &link)
{
    // roomshare://127.0.0.1:PORT/...
    return quint16(link.section(QLatin1Char(':'), 2, 2).section(QLatin1Char('/'), 0, 0).toUInt());
}

QString inviteLink(const Config &c, const RoomshareServer &server, const QString &url,
                   const QString &room, const QString &logFile)
{
    Child invite = spawn({ c.serverBin, QStringLiteral("invite"), QStringLiteral("--secret-file"),
                           server.dataDir + QStringLiteral("/secret"), QStringLiteral("--url"), url,
                           QStringLiteral("--room"), room },
                         logFile);
    check(Run{ waitChild(invite, 20000), logFile }, QStringLiteral("roomshare-server invite"));
    return readAllText(logFile).trimmed().section(QLatin1Char('\n'), -1);
}

void removeLinkNamespaces(const QString &logFile)
{
    removeNamespaces(logFile);
}

QList<Row> runLinkRows(const Config &c, const std::function<QString(const QString &)> &logPath)
{
    const QList<Link> links{
        { QStringLiteral("11a"), QStringLiteral("1 Gbit/s, 40 ms RTT"), QStringLiteral("1gbit"),
          2 * MiB, false },
        { QStringLiteral("11c"), QStringLiteral("10 Gbit/s, 40 ms RTT, TCP buffers up to 64 MiB"),
          QStringLiteral("10gbit"), 16 * MiB, true },
    };
    QList<Row> rows;
    if (::geteuid() != 0) {
        Row r{ QStringLiteral("11"),
               QStringLiteral("links with latency: not run (needs root for network namespaces)"),
               QString(),
               {},
               {},
               QString(),
               QString() };
        return { r };
    }
    const QString big = makeFile(c.work + QStringLiteral("/files/link.bin"), c.linkSize);
    const QString dl = c.work + QStringLiteral("/downloads/link");
    const QString home = c.work + QStringLiteral("/link-home");
    for (const Link &link : links) {
        log(QStringLiteral("row 11: %1").arg(link.what));
        const QString setupLog = logPath(QStringLiteral("link-setup"));
        createLink(link, setupLog);
        RoomshareServer server = startRoomshare(c, QStringLiteral("link"), inNs(ServerNs, {}));
        const quint16 serverPort = portOfLink(server.link);
        LinkNginx nginx = startLinkNginx(c);
        quint16 roomsharePort = 0;
        quint16 nginxProxyPort = 0;
        Child roomshareProxy
            = startProxy(c, serverPort, logPath(QStringLiteral("link-proxy")), &roomsharePort);
        Child nginxProxy = startProxy(c, NginxPort, logPath(QStringLiteral("link-proxy-nginx")),
                                      &nginxProxyPort);
        // A participant link naming the proxy's address, signed with the server's secret.
        const QString roomLink
            = inviteLink(c, server, QStringLiteral("ws://%1:%2").arg(ServerIp).arg(roomsharePort),
                         QStringLiteral("bench"), logPath(QStringLiteral("link-invite")));
        const QString url = QStringLiteral("http://%1:%2/link/").arg(ServerIp).arg(nginxProxyPort);

        Row up{ link.id,
                QStringLiteral("upload %1 over %2 (roomshare-cli send)")
                    .arg(sizeText(c.linkSize), link.what),
                QStringLiteral("MB/s"),
                {},
                {},
                QStringLiteral("(curl -T, nginx PUT, same link)"),
                QStringLiteral("≥ 0.95x") };
        Row down{ link.id.left(2) + QChar(link.id.back().unicode() + 1),
                  QStringLiteral("download %1 over %2 (roomshare-cli recv)")
                      .arg(sizeText(c.linkSize), link.what),
                  QStringLiteral("MB/s"),
                  {},
                  {},
                  QStringLiteral("(curl GET, same link)"),
                  QStringLiteral("≥ 0.95x") };
        for (int run = 0; run < c.runs; ++run) {
            log(QStringLiteral("row 11 (%1), run %2").arg(link.what).arg(run + 1));
            // Both sides from process spawn to exit: start, connect (Roomshare: join and
            // data channel, several round trips), transfer, verify (Roomshare), exit.
            settleDisk({ big });
            ChildExit e = runInClient({ c.cliBin, QStringLiteral("send"), roomLink, big },
                                      logPath(QStringLiteral("link-send")), home,
                                      QStringLiteral("roomshare-cli send over the link"));
            up.ours.append(mbps(c.linkSize, e.wallMs));
            const QString listLog = logPath(QStringLiteral("link-list"));
            runInClient({ c.cliBin, QStringLiteral("list"), roomLink }, listLog, home,
                        QStringLiteral("roomshare-cli list"));
            qint64 index = -1;
            const QJsonArray files
                = QJsonDocument::fromJson(readAllText(listLog).trimmed().toUtf8()).array();
            for (const QJsonValue &f : files)
                index
                    = qMax(index, qint64(f.toObject().value(QLatin1String("index")).toDouble(-1)));
            if (index < 0)
                die(QStringLiteral("no file listed after the upload over the link; see ")
                    + listLog);

            settleDisk({ big });
            const QString target = url + QStringLiteral("big-%1.bin").arg(run);
            e = runInClient({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                              QStringLiteral("-T"), big, QStringLiteral("-o"),
                              QStringLiteral("/dev/null"), target },
                            logPath(QStringLiteral("link-curl-put")), home,
                            QStringLiteral("curl PUT over the link"));
            up.peer.append(mbps(c.linkSize, e.wallMs));

            const QString outDir = dl + QStringLiteral("/ours");
            QDir(outDir).removeRecursively();
            QDir().mkpath(outDir);
            settleDisk({ server.dataDir + QStringLiteral("/files") });
            e = runInClient({ c.cliBin, QStringLiteral("recv"), roomLink, QStringLiteral("--index"),
                              QString::number(index), QStringLiteral("--out"), outDir },
                            logPath(QStringLiteral("link-recv")), home,
                            QStringLiteral("roomshare-cli recv over the link"));
            if (QFileInfo(outDir + QStringLiteral("/link.bin")).size() != c.linkSize)
                die(QStringLiteral("the file downloaded over the link has the wrong size"));
            down.ours.append(mbps(c.linkSize, e.wallMs));
            QDir(outDir).removeRecursively();

            const QString getOut = dl + QStringLiteral("/get.bin");
            QDir().mkpath(dl);
            settleDisk({ nginx.root + QStringLiteral("/link") });
            e = runInClient({ c.curlBin, QStringLiteral("-sS"), QStringLiteral("-f"),
                              QStringLiteral("-o"), getOut, target },
                            logPath(QStringLiteral("link-curl-get")), home,
                            QStringLiteral("curl GET over the link"));
            if (QFileInfo(getOut).size() != c.linkSize)
                die(QStringLiteral("curl GET over the link returned the wrong size"));
            down.peer.append(mbps(c.linkSize, e.wallMs));
            QFile::remove(getOut);
            QFile::remove(nginx.root + QStringLiteral("/link/big-%1.bin").arg(run));
        }
        rows << up << down;
        stop(roomshareProxy, SIGKILL);
        stop(nginxProxy, SIGKILL);
        stop(nginx.child, SIGQUIT);
        stopRoomshare(server);
        removeNamespaces(setupLog);
    }
    QFile::remove(big);
    QDir(home).removeRecursively();
    return rows;
}

} // namespace Bench
