// The client library's handling of what a (hostile) server sends: the first line of the
// input is taken as the `joined` reply, every further line as a server message; a line
// starting with 'B' is a binary (data) message instead.

#include "room.h"
#include "roomlink_p.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <cstdint>

namespace Roomshare {

struct RoomFuzzAccess
{
    static void run(Room &room, const QByteArray &input)
    {
        const QList<QByteArray> lines = input.split('\n');
        const QJsonDocument joined = QJsonDocument::fromJson(lines.first());
        if (joined.isObject())
            room.handleJoined(joined.object());
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (lines[i].startsWith('B'))
                room.m_link->onBinaryMessage(lines[i].mid(1));
            else
                room.m_link->onTextMessage(QString::fromUtf8(lines[i]));
        }
        (void)room.availableFiles();
        (void)room.participants();
    }
};

} // namespace Roomshare

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char arg0[] = "fuzz_client";
    static char *argv[] = { arg0, nullptr };
    static QCoreApplication *app = [] {
        auto *a = new QCoreApplication(argc, argv);
        QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
        return a;
    }();
    (void)app;
    Roomshare::Room room;
    Roomshare::RoomFuzzAccess::run(
        room, QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
