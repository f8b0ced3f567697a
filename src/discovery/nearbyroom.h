#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

#include <optional>

#include "invite.h"

namespace Roomshare::Discovery {

//! The DNS-SD service type rooms are announced under.
inline constexpr char ServiceType[] = "_roomshare._tcp";
//! The port `roomshare-server` and the app listen on by default.
inline constexpr quint16 DefaultPort = 7450;

//! What a host announces about one room: the fields of its DNS-SD TXT record
//! (`v=1`, `room=`, `host=`, `tls=0|1`, `fp=`, `lobby=0|1`) plus the port of the SRV record.
struct RoomAnnouncement
{
    QString room;
    QString hostName; //!< the host's display name (a person's name, not a DNS name)
    quint16 port = 0;
    bool tls = false;
    //! Lower-case hex SHA-256 of the server's DER certificate; only meaningful with tls.
    QString certFingerprint;
    //! The room has a lobby: a knock link lets a visitor ask its moderators to be let in.
    bool lobby = false;

    //! The DNS-SD instance name, "ROOM on HOSTNAME", cut to the 63 bytes of UTF-8 DNS-SD
    //! allows (on a character boundary). The daemon may rename it on a conflict.
    QString serviceName() const;
    //! The TXT record's wire form (RFC 6763 section 6: length-prefixed `key=value`
    //! strings). Values longer than 255 bytes minus the key are cut.
    QByteArray toTxtRecord() const;
    //! Reads a TXT record. Returns std::nullopt when it is not a version 1 Roomshare
    //! record (no `v=1`, or no room). Keys are case-insensitive; the first of a repeated key
    //! wins; unknown keys are ignored; a malformed `fp` is dropped. port stays 0 (it comes
    //! from the SRV record).
    static std::optional<RoomAnnouncement> fromTxtRecord(const QByteArray &txt);
};

//! A room found on the local network by RoomBrowser.
struct NearbyRoom
{
    QString serviceName; //!< the DNS-SD instance name, e.g. "standup on Alice"
    QString domain; //!< usually "local."
    QString hostTarget; //!< the host's DNS name from the SRV record, e.g. "alice-laptop.local"
    QList<QHostAddress> addresses; //!< IPv4 first, then IPv6; may be empty for a moment
    RoomAnnouncement announcement; //!< room, host display name, port, tls, fp, lobby

    //! Identifies the service while it is announced: instance name and domain.
    QString key() const { return serviceName + QLatin1Char('.') + domain; }
    //! A knock link (no token) for the room: every usable address (IPv6 link-local ones
    //! need a zone and are left out) as primary and alternates, the host target when no
    //! address is known, `roomshares://` with the fingerprint pinned when the room uses TLS.
    InviteLink knockLink() const;
    //! The addresses as text (IPv6 without brackets), in order.
    QStringList addressStrings() const;
};

//! A knock link for "Join by address": `roomshares://HOST:PORT/` (no room, no token; the
//! server's lobby tells which rooms may be knocked at). \a host is a name, an IPv4 address,
//! or an IPv6 address with or without brackets. Returns std::nullopt when \a host is not a
//! valid host or \a port is 0.
std::optional<InviteLink> addressKnockLink(const QString &host, quint16 port);

} // namespace Roomshare::Discovery
