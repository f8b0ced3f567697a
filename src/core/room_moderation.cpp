// The moderators' controls over a room (docs/protocol.md "Moderation"): removing files
// and participants.

#include "room.h"

#include "events.h"
#include "roomreplies_p.h"

namespace Roomshare {

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

} // namespace Roomshare
