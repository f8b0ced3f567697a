#pragma once

// Small helpers of roomshare-bench: a clock every process shares, child processes with
// their peak RSS, and statistics over runs.

#include <QList>
#include <QString>
#include <QStringList>

#include <sys/resource.h>
#include <sys/types.h>

namespace Bench {

//! Every benchmark client gives up after this long, so a hung transfer cannot hang the run.
constexpr int ClientTimeoutMs = 600 * 1000;

//! CLOCK_MONOTONIC in nanoseconds: one clock for every process on the machine, so
//! timestamps taken in different client processes can be compared.
qint64 nowNs();

//! A child process started with posix_spawn: stdout (and stderr) go to a file; stdin is a
//! pipe when asked for, so the driver can release it ("go") or stop it (close).
struct Child
{
    pid_t pid = -1;
    int stdinFd = -1;
    QString outPath;
    qint64 startNs = 0;
};

struct ChildExit
{
    bool exited = false; //!< false: killed after the timeout
    int code = -1;
    qint64 maxRssKiB = 0; //!< ru_maxrss from wait4
    double wallMs = 0; //!< spawn to exit, as the driver saw it
    double cpuMs = 0; //!< user + system CPU of the child (wait4's rusage)
};

//! User + system CPU in \a usage, in ms.
double cpuMsOf(const rusage &usage);

Child spawn(const QStringList &argv, const QString &outPath, bool withStdin = false,
            const QStringList &extraEnv = {});
//! Waits for \a child at most \a timeoutMs, then kills it (SIGKILL).
ChildExit waitChild(Child &child, int timeoutMs);
void sendLine(Child &child, const char *line);
void closeStdin(Child &child);
//! Polls \a path until a line starting with \a prefix appears; returns its remainder.
QString waitForLine(const QString &path, const QString &prefix, int timeoutMs, pid_t alive = -1);
//! The `key=value` lines of a file, every value of \a key in order.
QStringList values(const QString &path, const QString &key);
QString value(const QString &path, const QString &key);
//! VmHWM (peak resident set) of a running process in KiB, 0 when unknown.
qint64 vmHwmKiB(pid_t pid);
//! User + system CPU a running process has used so far (/proc/PID/stat), in ms; 0 when
//! unknown.
double processCpuMs(pid_t pid);
//! Child processes of \a parent (nginx workers).
QList<pid_t> childrenOf(pid_t parent);

struct Stats
{
    double median = 0;
    double min = 0;
    double max = 0;
    int count = 0;
};
Stats stats(QList<double> values);
//! The \a p-th percentile (0..100) by the nearest-rank method.
double percentile(QList<double> values, double p);

int runClientMode(const QString &mode, const QStringList &args);
//! Row 12's client modes (clientmodes_rooms.cpp).
int manyRooms(const QStringList &args);
int probe(const QStringList &args);

} // namespace Bench
