// The client's transfer jobs against a hostile server (issue 15, finding 6): the first line
// of the input is the `joined` reply; then the Room starts one upload (a 600 KiB file) and,
// when the listing has a file, one download of the first one, and every further line is
// what the server sends: replies (their `rid`s are 1, 2, ... in the order of the client's
// requests), events, or, after a 'B', a data message. A line "R" drops the connection as
// Room::onSocketDisconnected does (jobs pause, the Room reconnects): the next `joined` then
// resumes the jobs (`upload-resume`, `download-begin` at their offsets). Offsets, sizes and
// ids are whatever the input says; the jobs must fail cleanly, never read or write out of
// bounds.

#include "downloadjob.h"
#include "room.h"
#include "roomlink_p.h"
#include "uploadjob.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdint>

namespace Roomshare {

struct RoomFuzzAccess
{
    // What Room::onSocketDisconnected does for a drop it will recover from.
    static void dropConnection(Room &room)
    {
        if (room.m_state != Room::State::Connected)
            return;
        room.m_state = Room::State::Reconnecting;
        const auto uploads = room.m_uploads;
        for (const auto &job : uploads)
            if (job)
                job->handleConnectionLost();
        const auto downloads = room.m_downloads;
        for (const auto &job : downloads)
            if (job)
                job->handleConnectionLost();
        room.m_uploadsByWireId.clear();
        room.m_downloadsByWireId.clear();
        room.m_link->failPending(
            QJsonObject{ { QStringLiteral("type"), QStringLiteral("error") },
                         { QStringLiteral("code"), int(ErrorCode::ConnectionLost) },
                         { QStringLiteral("transient"), true } });
    }

    // While reconnecting, the next line is the `joined` of the new connection.
    static void resumeWith(Room &room, const QByteArray &line)
    {
        const QJsonDocument joined = QJsonDocument::fromJson(line);
        if (joined.isObject())
            room.handleJoined(joined.object());
    }

    static void run(Room &room, const QByteArray &input, const QString &source,
                    const QString &saveDir)
    {
        const QList<QByteArray> lines = input.split('\n');
        const QJsonDocument joined = QJsonDocument::fromJson(lines.first());
        if (!joined.isObject())
            return;
        room.handleJoined(joined.object());
        if (!room.isConnected())
            return; // a paged listing waits for pages nobody will send
        room.sendFiles({ source });
        const auto files = room.availableFileList();
        if (!files.isEmpty())
            room.recvFiles(files.first().index,
                           QJsonObject{ { QStringLiteral("saveDir"), saveDir } });
        QCoreApplication::processEvents();
        for (qsizetype i = 1; i < lines.size() && i < 64; ++i) {
            if (lines[i] == "R")
                dropConnection(room);
            else if (lines[i].startsWith('B'))
                room.m_link->onBinaryMessage(lines[i].mid(1));
            else if (room.m_state == Room::State::Reconnecting)
                resumeWith(room, lines[i]);
            else
                room.m_link->onTextMessage(QString::fromUtf8(lines[i]));
            QCoreApplication::processEvents();
        }
        room.cancelUploads(0, true);
        room.cancelDownloads(0, true);
        QCoreApplication::processEvents();
    }
};

} // namespace Roomshare

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char arg0[] = "fuzz_hostileserver";
    static char *argv[] = { arg0, nullptr };
    static QCoreApplication *app = [] {
        auto *a = new QCoreApplication(argc, argv);
        QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
        QStandardPaths::setTestModeEnabled(true);
        return a;
    }();
    static QTemporaryDir *dir = [] {
        auto *d = new QTemporaryDir;
        QFile f(d->filePath(QStringLiteral("source.bin")));
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray(600 * 1024, 's'));
        QDir().mkpath(d->filePath(QStringLiteral("downloads")));
        return d;
    }();
    (void)app;
    {
        Roomshare::Room room;
        Roomshare::RoomFuzzAccess::run(
            room, QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)),
            dir->filePath(QStringLiteral("source.bin")),
            dir->filePath(QStringLiteral("downloads")));
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
