#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

#include <functional>

class QObject;

namespace Roomshare::Server {

//! The addresses other computers may reach this machine at, for the links a server prints.
//! A machine with several networks (Ethernet, Wi-Fi, VPN, container bridges) cannot know
//! which one a guest shares with it, so links carry all of them (docs/protocol.md, "Invite
//! links"), the primary first.
namespace HostAddresses {

//! The address of the interface holding the default route (IPv4 preferred, then IPv6);
//! null when there is none. Read from the routing table (Linux), so nothing is sent.
QHostAddress primary();

//! The addresses a server listening on \a listen can be reached at from elsewhere, the
//! primary first, then the other IPv4 addresses, then global IPv6 ones (a wildcard listen
//! address); exactly \a listen for a specific address; empty when a wildcard finds no
//! network (then only this computer can join). Loopback and link-local addresses are left
//! out of the wildcard case: no other computer reaches them (link-local ones not without
//! an interface name the link cannot carry).
QList<QHostAddress> candidates(const QHostAddress &listen);

//! Looks this machine's host name up and calls \a done with it (or an empty string) once
//! it resolves to one of \a ours, or fails to; never blocks. \a context bounds the call.
void lookUpHostName(const QList<QHostAddress> &ours, QObject *context,
                    const std::function<void(const QString &)> &done);

//! Whether \a address is a wildcard (0.0.0.0, ::, or Any).
bool isWildcard(const QHostAddress &address);

} // namespace HostAddresses
} // namespace Roomshare::Server
