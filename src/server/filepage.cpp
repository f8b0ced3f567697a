#include "filepage_p.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <protocol.h>

namespace Roomshare::Server {

namespace {

bool isRestrictedNameChar(char16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!'
        || c == '#' || c == '$' || c == '&' || c == '-' || c == '^' || c == '_' || c == '.'
        || c == '+';
}

} // namespace

bool isValidMimeType(const QString &mime)
{
    if (mime.isEmpty() || mime.size() > MaxMimeLength)
        return false;
    const qsizetype slash = mime.indexOf(QLatin1Char('/'));
    if (slash <= 0 || slash == mime.size() - 1)
        return false;
    for (qsizetype i = 0; i < mime.size(); ++i) {
        if (i != slash && !isRestrictedNameChar(mime.at(i).unicode()))
            return false;
    }
    return true;
}

bool isPrintableName(const QString &name)
{
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7F && u < 0xA0))
            return false;
    }
    return true;
}

void insertFilePage(QJsonObject &reply, const Room &room, const QString &clientId, qint64 after)
{
    insertFilePage(reply, room, after, [&clientId](const StoredFile &file) {
        return file.isVisibleTo(clientId) ? file.toJson() : QJsonObject();
    });
}

void insertFilePage(QJsonObject &reply, const Room &room, qint64 after,
                    const std::function<QJsonObject(const StoredFile &)> &describe)
{
    // What the rest of the message takes (participants, in `joined`), and a margin for the
    // fields added below.
    const qint64 rest = QJsonDocument(reply).toJson(QJsonDocument::Compact).size() + 256;
    const qint64 budget = qMin(FilePageBytes, Protocol::MaxControlMessage - rest);
    QJsonArray files;
    qint64 bytes = 0;
    qint64 last = after;
    bool more = false;
    room.forEachFileAfter(after, [&](const StoredFilePtr &file) {
        const QJsonObject json = describe(*file);
        if (json.isEmpty())
            return true;
        // The exact size it adds to the message: the object and a separating comma.
        const qint64 size = QJsonDocument(json).toJson(QJsonDocument::Compact).size() + 1;
        if (!files.isEmpty() && (bytes + size > budget || files.size() >= FilePageFiles)) {
            more = true;
            return false;
        }
        files.append(json);
        bytes += size;
        last = file->index;
        return true;
    });
    reply.insert(QStringLiteral("files"), files);
    if (more) {
        reply.insert(QStringLiteral("more"), true);
        reply.insert(QStringLiteral("after"), last);
    }
}

} // namespace Roomshare::Server
