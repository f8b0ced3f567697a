#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Roomshare {

//! Someone knocking on the room (docs/protocol.md, "Lobby"), as its moderators see it.
//! `name` is chosen by the knocker: show it as plain text, never as markup.
struct KnockRequest
{
    QString id; //!< the server's knockId, for Room::answerKnock()
    QString name; //!< the display name the knocker gave
    QString address; //!< the knocker's IP address as the server sees it
    QString room;

    bool isValid() const { return !id.isEmpty(); }
    //! The protocol's `knock` event.
    static KnockRequest fromJson(const QJsonObject &o);
};

//! How a knock ended, as `knock-ended` reports it.
enum class KnockOutcome { Admitted, Denied, TimedOut, Withdrawn };

//! A moderator's answer to a knock.
enum class KnockAnswer { Admit, Deny };

namespace Lobby {
//! "admitted", "denied", "timeout" or "withdrawn" (the protocol's words).
QString outcomeName(KnockOutcome outcome);
//! The protocol's word as a KnockOutcome; Withdrawn for anything unknown.
KnockOutcome outcomeFromName(const QString &name);
} // namespace Lobby

} // namespace Roomshare

Q_DECLARE_METATYPE(Roomshare::KnockRequest)
Q_DECLARE_METATYPE(Roomshare::KnockOutcome)
