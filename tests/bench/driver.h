#pragma once

// What the driver's rows share (driver.cpp runs rows 1-10, driver_links.cpp the links with
// latency and the many rooms): the configuration, the servers it starts, child runs and
// the table's rows.

#include "benchutil.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace Bench {

constexpr qint64 MiB = 1024 * 1024;
constexpr qint64 GiB = 1024 * MiB;
constexpr int ChildTimeoutMs = 600 * 1000;

struct Config
{
    bool quick = false;
    int runs = 3;
    QString work;
    QString self;
    QString serverBin;
    QString guiBin;
    QString nginxBin;
    QString curlBin;
    QString cliBin; //!< roomshare-cli (row 11), next to the server's folder by default
    QString output;
    qint64 bigSize = GiB;
    qint64 fanSize = 256 * MiB;
    qint64 hugeSize = 4 * GiB;
    int fanout = 20;
    int participants = 200;
    int smallCount = 2000;
    qint64 smallSize = 4096;
    qint64 linkSize = GiB; //!< row 11's file (--link-size MiB)
    int manyRooms = 50; //!< row 12
    int roomReceivers = 3;
    int roomsPerProcess = 10;
    qint64 roomSize = 64 * MiB;
    QSet<int> only; //!< row groups to run (1 = rows 1-3); empty: all

    bool wants(int row) const { return only.isEmpty() || only.contains(row); }
};

struct RoomshareServer
{
    Child child;
    QString link;
    QString dataDir;
};

struct Nginx
{
    Child child;
    QString base; //!< http://127.0.0.1:PORT
    QString root;
};

struct Run
{
    ChildExit exit;
    QString out;
};

struct Row
{
    Row() = default;
    Row(QString id, QString what, QString unit, QList<double> ours, QList<double> peer,
        QString peerName, QString target, bool higherIsBetter = true)
        : id(std::move(id))
        , what(std::move(what))
        , unit(std::move(unit))
        , ours(std::move(ours))
        , peer(std::move(peer))
        , peerName(std::move(peerName))
        , target(std::move(target))
        , higherIsBetter(higherIsBetter)
    { }

    QString id;
    QString what;
    QString unit;
    QList<double> ours;
    QList<double> peer; //!< empty: no peer for this row
    QString peerName;
    QString target;
    bool higherIsBetter = true;
    QString note;
};

void log(const QString &text);
//! Stops every server the driver started and exits with status 1.
[[noreturn]] void die(const QString &text);
QString makeFile(const QString &path, qint64 size);
double mbps(qint64 bytes, double ms);
//! roomshare-server on 127.0.0.1:0 with a data folder of its own; \a prefix (say
//! `ip netns exec NS`) goes in front of its command line.
RoomshareServer startRoomshare(const Config &c, const QString &name,
                               const QStringList &prefix = {});
void stopRoomshare(RoomshareServer &s);
void settleDisk(const QStringList &warm = {});
Run runChild(const QStringList &argv, const QString &outPath, int timeoutMs = ChildTimeoutMs,
             const QStringList &warm = {});
QList<ChildExit> waitAll(QList<Child> &children, int timeoutMs);
void check(const Run &r, const QString &what);
QString sizeText(qint64 bytes);
//! The servers the driver started, stopped by die().
extern QList<pid_t> g_servers;

//! Row 11: 1 GiB up and down over links with latency and a rate (network namespaces), vs
//! curl/nginx on the same link. Needs root; without it the rows say so.
QList<Row> runLinkRows(const Config &c, const std::function<QString(const QString &)> &logPath);
//! The port of a roomshare://HOST:PORT/... link.
quint16 portOfLink(const QString &link);
//! A participant link to \a room at \a url (ws://HOST:PORT), signed with \a server's
//! secret (`roomshare-server invite`).
QString inviteLink(const Config &c, const RoomshareServer &server, const QString &url,
                   const QString &room, const QString &logFile);
//! Removes row 11's namespaces (die() calls it).
void removeLinkNamespaces(const QString &logFile);
//! Row 12: many rooms at once.
QList<Row> runManyRoomsRows(const Config &c,
                            const std::function<QString(const QString &)> &logPath);

} // namespace Bench
