#include "benchutil.h"

#include <QDir>
#include <QFile>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace Bench {

qint64 nowNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

Child spawn(const QStringList &argv, const QString &outPath, bool withStdin,
            const QStringList &extraEnv)
{
    Child child;
    child.outPath = outPath;
    std::vector<QByteArray> args;
    for (const QString &a : argv)
        args.push_back(a.toLocal8Bit());
    std::vector<char *> cargv;
    for (auto &a : args)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);

    std::vector<QByteArray> env;
    for (char **e = environ; *e; ++e)
        env.emplace_back(*e);
    for (const QString &e : extraEnv)
        env.push_back(e.toLocal8Bit());
    std::vector<char *> cenv;
    for (auto &e : env)
        cenv.push_back(e.data());
    cenv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const QByteArray out = outPath.toLocal8Bit();
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.constData(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    int pipeFds[2] = { -1, -1 };
    if (withStdin && ::pipe2(pipeFds, O_CLOEXEC) == 0) {
        posix_spawn_file_actions_adddup2(&actions, pipeFds[0], STDIN_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    child.startNs = nowNs();
    if (posix_spawn(&child.pid, cargv[0], &actions, nullptr, cargv.data(), cenv.data()) != 0)
        child.pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (pipeFds[0] >= 0) {
        ::close(pipeFds[0]);
        child.stdinFd = pipeFds[1];
    }
    return child;
}

ChildExit waitChild(Child &child, int timeoutMs)
{
    ChildExit result;
    if (child.pid <= 0)
        return result;
    const qint64 deadline = nowNs() + qint64(timeoutMs) * 1000000;
    int status = 0;
    rusage usage{};
    for (;;) {
        const pid_t r = wait4(child.pid, &status, WNOHANG, &usage);
        if (r == child.pid)
            break;
        if (r < 0 && errno != EINTR)
            return result;
        if (nowNs() > deadline) {
            ::kill(child.pid, SIGKILL);
            wait4(child.pid, &status, 0, &usage);
            break;
        }
        ::usleep(500);
    }
    result.wallMs = double(nowNs() - child.startNs) / 1e6;
    result.exited = WIFEXITED(status);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.maxRssKiB = usage.ru_maxrss;
    result.cpuMs = cpuMsOf(usage);
    closeStdin(child);
    child.pid = -1;
    return result;
}

void sendLine(Child &child, const char *line)
{
    if (child.stdinFd < 0)
        return;
    const ssize_t n = ::write(child.stdinFd, line, strlen(line));
    (void)n;
}

void closeStdin(Child &child)
{
    if (child.stdinFd >= 0)
        ::close(child.stdinFd);
    child.stdinFd = -1;
}

QString waitForLine(const QString &path, const QString &prefix, int timeoutMs, pid_t alive)
{
    const qint64 deadline = nowNs() + qint64(timeoutMs) * 1000000;
    while (nowNs() < deadline) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = f.readAll().split('\n');
            for (const QByteArray &line : lines) {
                const QString s = QString::fromUtf8(line);
                if (s.startsWith(prefix))
                    return s.mid(prefix.size());
            }
        }
        if (alive > 0 && ::kill(alive, 0) != 0)
            return QString();
        QThread::msleep(5);
    }
    return QString();
}

QStringList values(const QString &path, const QString &key)
{
    QStringList out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QString prefix = key + QLatin1Char('=');
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const QString s = QString::fromUtf8(line);
        if (s.startsWith(prefix))
            out.append(s.mid(prefix.size()));
    }
    return out;
}

QString value(const QString &path, const QString &key)
{
    const QStringList v = values(path, key);
    return v.isEmpty() ? QString() : v.first();
}

double cpuMsOf(const rusage &usage)
{
    auto ms = [](const timeval &tv) {
        return double(tv.tv_sec) * 1e3 + double(tv.tv_usec) / 1e3;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

double processCpuMs(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    // The command name (field 2) may hold spaces; the fields after it start past its ')'.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    const double tick = double(::sysconf(_SC_CLK_TCK));
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name.
    return (fields[11].toDouble() + fields[12].toDouble()) * 1000.0 / tick;
}

qint64 vmHwmKiB(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

QList<pid_t> childrenOf(pid_t parent)
{
    QList<pid_t> out;
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &e : entries) {
        bool ok = false;
        const pid_t pid = e.toInt(&ok);
        if (!ok)
            continue;
        QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = f.readAll();
        // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
        const int close = stat.lastIndexOf(')');
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toInt() == parent)
            out.append(pid);
    }
    return out;
}

Stats stats(QList<double> v)
{
    Stats s;
    if (v.isEmpty())
        return s;
    std::sort(v.begin(), v.end());
    s.count = int(v.size());
    s.min = v.first();
    s.max = v.last();
    const qsizetype n = v.size();
    s.median = n % 2 ? v.at(n / 2) : (v.at(n / 2 - 1) + v.at(n / 2)) / 2;
    return s;
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const qsizetype rank = qsizetype(std::ceil(p / 100.0 * double(v.size())));
    return v.at(qBound<qsizetype>(0, rank - 1, v.size() - 1));
}

} // namespace Bench
