// The paged file list of docs/protocol.md ("Paging the file list"): `joined` carries the
// first page and, while `more` is true, the Room asks for the next with `list` / `after`.

#include "room.h"

#include "jsonnumbers.h"
#include "logging.h"
#include "roomlink_p.h"

#include <QJsonDocument>

namespace Roomshare {

namespace {

// A hostile server could announce pages for ever; a million files at 1,000 a page is far
// beyond any real room.
constexpr int MaxFilePages = 10000;

} // namespace

bool Room::absorbFilePage(const QJsonObject &page)
{
    for (const auto &f : page.value(QLatin1String("files")).toArray()) {
        const FileInfo file = FileInfo::fromJson(f.toObject());
        if (file.isValid())
            m_joining->files.insert(file.index, file);
    }
    if (!page.value(QLatin1String("more")).toBool())
        return true;
    // The cursor must move forward, or a server could keep us asking for the same page.
    const qint64 next = JsonNumbers::toInteger(page.value(QLatin1String("after")), -1);
    if (next <= m_joining->after || ++m_joining->pages > MaxFilePages) {
        qCWarning(lcCore) << "the server sent a malformed file list page; dropping the connection";
        m_joining.reset();
        fail(ErrorCode::ProtocolError, QStringLiteral("The server sent a malformed file list"));
        m_link->close();
        return false;
    }
    m_joining->after = next;
    requestFilePage();
    return false;
}

void Room::requestFilePage()
{
    const QJsonObject list{ { QStringLiteral("type"), QStringLiteral("list") },
                            { QStringLiteral("after"), double(m_joining->after) } };
    m_link->request(list, [this](const QJsonObject &reply) {
        if (!m_joining)
            return;
        if (reply.value(QLatin1String("type")).toString() != QLatin1String("files")) {
            // The connection dropped (the reconnection logic takes over) or the server
            // refused: either way this join cannot complete.
            m_joining.reset();
            const int code = reply.value(QLatin1String("code")).toInt();
            if (reply.value(QLatin1String("transient")).toBool()
                || code == int(ErrorCode::RoomDisconnected))
                return;
            fail(ErrorCode::ProtocolError,
                 QStringLiteral("The server refused the file list: %1")
                     .arg(reply.value(QLatin1String("desc")).toString()));
            m_link->close();
            return;
        }
        if (absorbFilePage(reply))
            completeJoin();
    });
}

bool Room::absorbEventWhileJoining(const QString &type, const QJsonObject &msg)
{
    JoinInProgress &join = *m_joining;
    if (type == QLatin1String("participant-joined")) {
        join.participants.append(
            Participant::fromJson(msg.value(QLatin1String("participant")).toObject()));
    } else if (type == QLatin1String("participant-left")) {
        const QString id = msg.value(QLatin1String("clientId")).toString();
        join.participants.removeIf([&id](const Participant &p) { return p.clientId == id; });
    } else if (type == QLatin1String("file-available")) {
        const FileInfo file = FileInfo::fromJson(msg.value(QLatin1String("file")).toObject());
        if (file.isValid())
            join.files.insert(file.index, file);
    } else if (type == QLatin1String("file-removed")) {
        join.files.remove(JsonNumbers::toInteger(msg.value(QLatin1String("index")), -1));
    } else {
        return false;
    }
    return true;
}

} // namespace Roomshare
