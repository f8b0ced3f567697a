#pragma once

#include <QJsonValue>
#include <QtGlobal>

#include <cmath>
#include <optional>

//! Reading integers out of JSON received from a peer. JSON numbers are doubles; casting an
//! arbitrary double to an integer type is undefined behaviour when it is out of range (or
//! NaN), so every integer taken from the wire goes through these.
namespace Roomshare::JsonNumbers {

//! The largest magnitude a double holds exactly (2^53).
constexpr double MaxExact = 9007199254740992.0;

//! \a v as an integer, truncated toward zero and clamped to ±2^53; \a fallback when \a v is
//! not a finite number.
inline qint64 toInteger(const QJsonValue &v, qint64 fallback = 0)
{
    if (!v.isDouble())
        return fallback;
    const double d = v.toDouble();
    if (!std::isfinite(d))
        return fallback;
    return qint64(std::trunc(qBound(-MaxExact, d, MaxExact)));
}

//! \a v when it is an exact integer within ±2^53; std::nullopt for anything else (a
//! fraction, a string, NaN, a number doubles cannot hold exactly). For fields where a
//! wrong value must be refused rather than clamped.
inline std::optional<qint64> exactInteger(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) > MaxExact)
        return std::nullopt;
    return qint64(d);
}

//! \a v as a 32-bit transfer id; 0 (never a valid id) when it is not one.
inline quint32 toTransferId(const QJsonValue &v)
{
    const qint64 id = toInteger(v, 0);
    return id > 0 && id <= qint64(0xffffffffu) ? quint32(id) : 0;
}

} // namespace Roomshare::JsonNumbers
