#include "fileinfo.h"

#include "folderpaths.h"
#include "jsonnumbers.h"

namespace Roomshare {

namespace {
QDateTime fromMs(const QJsonValue &v)
{
    return v.isDouble() ? QDateTime::fromMSecsSinceEpoch(JsonNumbers::toInteger(v), Qt::UTC)
                        : QDateTime();
}
} // namespace

FileInfo FileInfo::fromJson(const QJsonObject &o)
{
    FileInfo f;
    f.index = JsonNumbers::toInteger(o.value(QLatin1String("index")), -1);
    f.name = o.value(QLatin1String("name")).toString();
    f.size = JsonNumbers::toInteger(o.value(QLatin1String("size")));
    f.mimeType = o.value(QLatin1String("type")).toString();
    f.sha256 = o.value(QLatin1String("sha256")).toString();
    f.sender = o.value(QLatin1String("sender")).toString();
    f.senderId = o.value(QLatin1String("senderId")).toString();
    f.createdAt = fromMs(o.value(QLatin1String("createdAt")));
    f.expiresAt = fromMs(o.value(QLatin1String("expiresAt")));
    f.broadcast = o.value(QLatin1String("broadcast")).toBool(true);
    const QJsonValue group = o.value(QLatin1String("group"));
    const QJsonValue path = o.value(QLatin1String("path"));
    // Half a folder tag is no folder: the file is shown on its own.
    if (group.isString() && path.isString() && !group.toString().isEmpty()
        && !path.toString().isEmpty()) {
        f.group = group.toString();
        f.path = path.toString();
        f.groupSize = qMax<qint64>(0, JsonNumbers::toInteger(o.value(QLatin1String("groupSize"))));
    }
    return f;
}

bool FileInfo::isEmptyFolderEntry() const
{
    return isInFolder() && mimeType == FolderPaths::directoryMimeType();
}

QJsonObject FileInfo::toJson() const
{
    QJsonObject json{
        { QStringLiteral("name"), name },
        { QStringLiteral("size"), double(size) },
        { QStringLiteral("index"), double(index) },
        { QStringLiteral("sender"), sender },
        { QStringLiteral("senderId"), senderId },
        { QStringLiteral("createdAt"),
          createdAt.isValid() ? double(createdAt.toMSecsSinceEpoch()) : 0.0 },
        { QStringLiteral("expiresAt"),
          expiresAt.isValid() ? double(expiresAt.toMSecsSinceEpoch()) : 0.0 },
        { QStringLiteral("broadcast"), broadcast },
        { QStringLiteral("type"), mimeType },
        { QStringLiteral("sha256"), sha256 },
    };
    if (isInFolder()) {
        json.insert(QStringLiteral("group"), group);
        json.insert(QStringLiteral("path"), path);
        json.insert(QStringLiteral("groupSize"), double(groupSize));
    }
    return json;
}

Participant Participant::fromJson(const QJsonObject &o)
{
    return Participant{ o.value(QLatin1String("clientId")).toString(),
                        o.value(QLatin1String("name")).toString(),
                        o.value(QLatin1String("role")).toString() };
}

QJsonObject Participant::toJson() const
{
    return QJsonObject{ { QStringLiteral("clientId"), clientId },
                        { QStringLiteral("name"), name },
                        { QStringLiteral("role"), role } };
}

} // namespace Roomshare
