#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

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

//! One `key = value` line of a configuration file.
struct FileSetting
{
    QString key;
    QString value;
    int line = 0;
};

//! Reads a configuration file (`/etc/roomshare/server.conf`): one `key = value` per line,
//! spaces around either ignored, a value may be put in double quotes; blank lines and lines
//! starting with `#` or `;` are skipped. Returns std::nullopt and sets \a error
//! ("FILE:LINE: why") when the file cannot be read or a line is not `key = value`.
std::optional<QList<FileSetting>> readConfigFile(const QString &path, QString *error = nullptr);

//! Turns the settings of the configuration file \a path into command-line arguments for
//! \a options (a key is an option's long name without `--`; a repeatable option's key may
//! come several times; an option without a value takes yes/no, true/false, on/off or 1/0)
//! and returns \a arguments with them inserted after the program name, so that parsing
//! the result gives the same values as parsing \a arguments alone for every option in
//! \a setOnCommandLine: the command line wins, also over every value of a repeatable key.
//! std::nullopt and \a error on an unreadable file, an unknown key or a bad yes/no.
std::optional<QStringList> argumentsWithConfigFile(const QString &path,
                                                   const QList<QCommandLineOption> &options,
                                                   const QStringList &setOnCommandLine,
                                                   const QStringList &arguments,
                                                   QString *error = nullptr);

} // namespace Roomshare::Server::Config
