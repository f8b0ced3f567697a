// The moderators' controls over a room (docs/protocol.md "Moderation"): removing files
// and participants, locking the room.

#include "room.h"

#include "events.h"
#include "jsonnumbers.h"
#include "roomreplies_p.h"

#include <QJsonArray>

namespace Roomshare {

namespace {

// As for the joined file list (room_paging.cpp): far beyond any real room.
constexpr int MaxMyFilePages = 10000;

} // namespace

void Room::removeFile(qint64 index, const Callback &callback)
{
    request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("file-remove") },
                     { QStringLiteral("index"), double(index) } },
        [this, index, callback](const QJsonObject &reply) {
            const bool ok
                = reply.value(QLatin1String("type")).toString() == QLatin1String("file-removed");
            if (ok && m_files.remove(index))
                Q_EMIT fileRemoved(index, reply.value(QLatin1String("reason")).toString());
            if (!callback)
                return;
            callback(
                ok ? QJsonObject{ { QStringLiteral("result"), 0 },
                                  { QStringLiteral("description"), QStringLiteral("file removed") },
                                  { QStringLiteral("response"),
                                    QJsonObject{ { QStringLiteral("index"), double(index) } } } }
                   : Events::error(RoomReplies::codeOf(reply, ErrorCode::InvalidRequest),
                                   reply.value(QLatin1String("desc")).toString()));
        });
}

void Room::removeParticipant(const QString &clientId, const Callback &callback)
{
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("participant-remove") },
                         { QStringLiteral("clientId"), clientId } },
            [clientId, callback](const QJsonObject &reply) {
                if (!callback)
                    return;
                const bool ok = reply.value(QLatin1String("type")).toString()
                    == QLatin1String("participant-removed");
                callback(
                    ok ? QJsonObject{ { QStringLiteral("result"), 0 },
                                      { QStringLiteral("description"),
                                        QStringLiteral("participant removed") },
                                      { QStringLiteral("response"),
                                        QJsonObject{ { QStringLiteral("clientId"), clientId } } } }
                       : Events::error(RoomReplies::codeOf(reply, ErrorCode::InvalidRequest),
                                       reply.value(QLatin1String("desc")).toString()));
            });
}

void Room::setLocked(bool locked, const Callback &callback)
{
    request(QJsonObject{ { QStringLiteral("type"), QStringLiteral("room-lock") },
                         { QStringLiteral("locked"), locked } },
            [this, callback](const QJsonObject &reply) {
                const bool ok = RoomReplies::isType(reply, "room-locked");
                if (ok)
                    applyLocked(reply.value(QLatin1String("locked")).toBool());
                if (!callback)
                    return;
                callback(
                    ok ? RoomReplies::success(m_locked ? "room locked" : "room unlocked",
                                              QJsonObject{ { QStringLiteral("locked"), m_locked } })
                       : Events::error(RoomReplies::codeOf(reply, ErrorCode::InvalidRequest),
                                       reply.value(QLatin1String("desc")).toString()));
            });
}

void Room::listMyFiles(const Callback &callback)
{
    requestMyFiles(0, 1, QJsonArray(), callback);
}

void Room::requestMyFiles(qint64 after, int pages, QJsonArray files, const Callback &callback)
{
    request(
        QJsonObject{ { QStringLiteral("type"), QStringLiteral("list") },
                     { QStringLiteral("mine"), true },
                     { QStringLiteral("after"), double(after) } },
        [this, after, pages, files, callback](const QJsonObject &reply) mutable {
            if (!RoomReplies::isType(reply, "files")) {
                if (callback)
                    callback(Events::error(RoomReplies::codeOf(reply, ErrorCode::InvalidRequest),
                                           reply.value(QLatin1String("desc")).toString()));
                return;
            }
            for (const auto &v : reply.value(QLatin1String("files")).toArray()) {
                const QJsonObject o = v.toObject();
                const FileInfo file = FileInfo::fromJson(o);
                if (!file.isValid())
                    continue;
                QJsonObject entry = file.toJson();
                entry.insert(QStringLiteral("recipients"),
                             QJsonArray::fromStringList(
                                 RoomReplies::stringList(o.value(QLatin1String("recipients")))));
                entry.insert(QStringLiteral("deliveredTo"),
                             o.value(QLatin1String("deliveredTo")).toArray());
                entry.insert(
                    QStringLiteral("downloads"),
                    double(JsonNumbers::toInteger(o.value(QLatin1String("downloads")), 0)));
                files.append(entry);
            }
            const qint64 next = JsonNumbers::toInteger(reply.value(QLatin1String("after")), -1);
            if (reply.value(QLatin1String("more")).toBool()) {
                // The same guard as the joined file list: the cursor must move forward.
                if (next <= after || pages >= MaxMyFilePages) {
                    if (callback)
                        callback(Events::error(ErrorCode::ProtocolError,
                                               QStringLiteral("The server sent a malformed "
                                                              "file list")));
                    return;
                }
                return requestMyFiles(next, pages + 1, files, callback);
            }
            if (callback)
                callback(RoomReplies::success("own files",
                                              QJsonObject{ { QStringLiteral("files"), files } }));
        });
}

bool Room::handleModerationEvent(const QString &type, const QJsonObject &msg)
{
    if (type == QLatin1String("file-delivered")) {
        const qint64 index = JsonNumbers::toInteger(msg.value(QLatin1String("index")), -1);
        const QString clientId = msg.value(QLatin1String("clientId")).toString();
        const QString name = msg.value(QLatin1String("name")).toString();
        Q_EMIT fileDelivered(index, clientId, name);
        QJsonObject event
            = RoomReplies::success("file delivered",
                                   QJsonObject{ { QStringLiteral("index"), double(index) },
                                                { QStringLiteral("clientId"), clientId },
                                                { QStringLiteral("name"), name } });
        event.insert(QStringLiteral("messageType"), QStringLiteral("file-delivered"));
        Q_EMIT fsUploadResult(event);
        return true;
    }
    if (type != QLatin1String("room-locked"))
        return false;
    applyLocked(msg.value(QLatin1String("locked")).toBool());
    return true;
}

void Room::applyLocked(bool locked)
{
    if (m_locked == locked)
        return;
    m_locked = locked;
    Q_EMIT lockedChanged(locked);
}

} // namespace Roomshare
