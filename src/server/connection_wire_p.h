#pragma once

// Small helpers for building and reading protocol messages, shared by the connection_*.cpp
// files.

#include <errors.h>
#include <jsonnumbers.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <limits>
#include <optional>

namespace Roomshare::Server::ConnectionWire {

inline QString str(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

inline std::optional<quint32> uint32Of(const QJsonValue &v)
{
    const auto id = JsonNumbers::exactInteger(v);
    if (!id || *id < 0 || *id > qint64(std::numeric_limits<quint32>::max()))
        return std::nullopt;
    return quint32(*id);
}

inline std::optional<quint32> transferIdOf(const QJsonValue &v)
{
    return uint32Of(v);
}

//! The optional whole-file "crc32c" of `upload-begin` and `upload-end`: false when present
//! but not an integer from 0 to 2^32 - 1.
inline bool readCrc32c(const QJsonObject &msg, std::optional<quint32> *crc)
{
    const QJsonValue v = msg.value(QLatin1String("crc32c"));
    *crc = std::nullopt;
    if (v.isUndefined())
        return true;
    *crc = uint32Of(v);
    return crc->has_value();
}

inline bool isSha256Hex(const QString &s)
{
    if (s.size() != 64)
        return false;
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F')))
            return false;
    }
    return true;
}

inline QJsonObject message(const char *type)
{
    return QJsonObject{ { QStringLiteral("type"), str(type) } };
}

//! `upload-failed` / `download-failed`: \a idKey names the transfer, then the code, its
//! title and \a desc.
inline QJsonObject failureMessage(const char *type, const char *idKey, quint32 id, ErrorCode code,
                                  const QString &desc)
{
    QJsonObject failed = message(type);
    failed.insert(QLatin1String(idKey), qint64(id));
    failed.insert(QStringLiteral("code"), int(code));
    failed.insert(QStringLiteral("error"), errorTitle(code));
    failed.insert(QStringLiteral("desc"), desc);
    return failed;
}

inline void setRid(QJsonObject &msg, const QJsonValue &rid)
{
    if (rid.isDouble())
        msg.insert(QStringLiteral("rid"), rid);
}

} // namespace Roomshare::Server::ConnectionWire
