#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include "errors.h"
#include "jsonnumbers.h"

namespace Roomshare::RoomReplies {

//! The error code a server reply carries, or \a fallback when it names none of ours.
inline ErrorCode codeOf(const QJsonObject &msg, ErrorCode fallback)
{
    const int code = msg.value(QLatin1String("code")).toInt(0);
    return code >= int(ErrorCode::RoomDisconnected) ? ErrorCode(code) : fallback;
}

inline bool isType(const QJsonObject &msg, const char *type)
{
    return msg.value(QLatin1String("type")).toString() == QLatin1String(type);
}

//! The EnableX success object {result: 0, description, response}.
inline QJsonObject success(const char *description, const QJsonObject &response)
{
    return QJsonObject{ { QStringLiteral("result"), 0 },
                        { QStringLiteral("description"), QString::fromLatin1(description) },
                        { QStringLiteral("response"), response } };
}

//! A JSON array of client ids (strings or numbers) as strings, empty ones left out.
inline QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const auto &item : a) {
        const QString s
            = item.isDouble() ? QString::number(JsonNumbers::toInteger(item)) : item.toString();
        if (!s.isEmpty())
            out.append(s);
    }
    return out;
}

} // namespace Roomshare::RoomReplies
