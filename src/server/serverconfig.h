#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <optional>

//! Parsing helpers shared by the `roomshare-server` command line and its tests.
namespace Roomshare::Server::Config {

//! Parses a byte count: plain digits, or digits with a binary suffix K, M, G or T
//! (optionally followed by "B" or "iB", any case): "512", "64K", "16G", "1TiB".
//! std::nullopt for anything else, negative numbers and overflow.
std::optional<qint64> parseByteSize(const QString &text);

struct HostPort
{
    QHostAddress address;
    quint16 port = 0;
};

//! Parses "HOST:PORT", "[IPV6]:PORT", "localhost:PORT" or "*:PORT" (every IPv4 and IPv6
//! address; 0.0.0.0 is IPv4 only, [::] IPv6 only) (port 0 = ephemeral).
//! Host names other than localhost are not resolved. Sets \a error on failure.
std::optional<HostPort> parseHostPort(const QString &text, QString *error = nullptr);

//! Reads the server secret from \a path (surrounding whitespace is ignored). When the file
//! does not exist and \a create is true, writes a new one first: 32 random bytes,
//! hex-encoded, mode 0600. Returns std::nullopt and sets \a error on failure or empty file.
std::optional<QByteArray> loadSecret(const QString &path, bool create, QString *error = nullptr);

} // namespace Roomshare::Server::Config
