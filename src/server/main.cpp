// roomshare-server: runs a room server, or (`roomshare-server invite ...`) prints an invite link.

#include "hostaddresses.h"
#include "roomserver.h"
#include "serverconfig.h"
#include "tlsfiles.h"

#include <invite.h>
#include <roomannouncer.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTimer>
#include <QUrl>

#include <cstdio>
#include <optional>

#ifdef Q_OS_UNIX
#include <QSocketNotifier>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace Roomshare;
using namespace Roomshare::Server;

namespace {

constexpr qint64 DefaultInviteTtl = 86400;

void printLine(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    // Tests and scripts read these lines while the server keeps running.
    std::fflush(stdout);
}

void printError(const QString &text)
{
    std::fputs(
        (QStringLiteral("roomshare-server: ") + text + QLatin1Char('\n')).toUtf8().constData(),
        stderr);
}

// ws://HOST:PORT or wss://HOST:PORT; http(s):// and roomshare(s):// name the same (a
// reverse proxy's address is often written that way). The port defaults to the scheme's.
std::optional<QUrl> parseServerUrl(const QString &text, QString *why)
{
    QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme();
    const bool secure = scheme == QLatin1String("wss") || scheme == QLatin1String("https")
        || scheme == QLatin1String("roomshares");
    const bool plain = scheme == QLatin1String("ws") || scheme == QLatin1String("http")
        || scheme == QLatin1String("roomshare");
    if (!url.isValid() || (!secure && !plain) || url.host().isEmpty()) {
        *why = QStringLiteral("\"%1\" must look like ws://HOST:PORT or wss://HOST:PORT").arg(text);
        return std::nullopt;
    }
    if (!url.path().isEmpty() && url.path() != QLatin1String("/")) {
        *why = QStringLiteral("\"%1\": links cannot carry a path; the server answers on any")
                   .arg(text);
        return std::nullopt;
    }
    QUrl out;
    out.setScheme(secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    out.setHost(url.host());
    out.setPort(url.port(secure ? 443 : 80));
    out.setPath(QStringLiteral("/"));
    return out;
}

#ifdef Q_OS_UNIX
int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    // Only async-signal-safe calls here; the event loop picks the byte up.
    const char c = 1;
    const ssize_t written = ::write(g_signalPipe[0], &c, 1);
    (void)written;
}

void quitOnSignals(QCoreApplication *app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(qintptr(g_signalPipe[1]), QSocketNotifier::Read, app);
    QObject::connect(notifier, &QSocketNotifier::activated, app, [] { QCoreApplication::quit(); });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}
#endif

int runInvite(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints an invite link for a room of a running (or future) roomshare-server.\n"
        "The link carries a join token signed with the server's secret."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption secretOption(QStringLiteral("secret-file"),
                                          QStringLiteral("The server's secret file (required)."),
                                          QStringLiteral("FILE"));
    const QCommandLineOption urlOption(
        { QStringLiteral("url"), QStringLiteral("public-url") },
        QStringLiteral("The server's address, ws://HOST:PORT or wss://HOST:PORT (required); "
                       "repeat it for every address the server can be reached at: the link "
                       "names the first and carries the others as alternates."),
        QStringLiteral("URL"));
    const QCommandLineOption roomOption(QStringLiteral("room"),
                                        QStringLiteral("The room to invite to (required)."),
                                        QStringLiteral("ROOM"));
    const QCommandLineOption nameOption(
        QStringLiteral("name"),
        QStringLiteral("The invitee's display name. Without it the invitee chooses one."),
        QStringLiteral("NAME"));
    const QCommandLineOption roleOption(QStringLiteral("role"),
                                        QStringLiteral("participant (default) or moderator."),
                                        QStringLiteral("ROLE"), QStringLiteral("participant"));
    const QCommandLineOption ttlOption(
        QStringLiteral("ttl"), QStringLiteral("How long the link stays valid (default 86400)."),
        QStringLiteral("SECONDS"), QString::number(DefaultInviteTtl));
    const QCommandLineOption tlsCertOption(
        QStringLiteral("tls-cert"),
        QStringLiteral("The server's TLS certificate (PEM): the link pins its SHA-256 "
                       "fingerprint (fp=) and uses roomshares://."),
        QStringLiteral("FILE"));
    const QCommandLineOption webOption(
        QStringLiteral("web"),
        QStringLiteral("Print the web link instead (https://HOST:PORT/#ROOM?token=..., http:// "
                       "without TLS): it opens the room in a browser, from the page the "
                       "server serves. It names only the first --url."));
    parser.addOptions({ secretOption, urlOption, roomOption, nameOption, roleOption, ttlOption,
                        tlsCertOption, webOption });

    auto usageError = [&parser](const QString &text) {
        printError(QStringLiteral("invite: ") + text);
        std::fputs(qPrintable(QStringLiteral("Try 'roomshare-server invite --help'.\n")), stderr);
        return 2;
    };
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument %1").arg(parser.positionalArguments().first()));
    for (const auto &required : { secretOption, urlOption, roomOption }) {
        if (!parser.isSet(required) || parser.value(required).isEmpty())
            return usageError(
                QStringLiteral("--%1 is required").arg(required.names().constFirst()));
    }
    QList<ServerEndpoint> endpoints;
    bool secure = false;
    for (const QString &value : parser.values(urlOption)) {
        QString why;
        const auto url = parseServerUrl(value, &why);
        if (!url)
            return usageError(QStringLiteral("--url: ") + why);
        if (endpoints.isEmpty())
            secure = url->scheme() == QLatin1String("wss");
        endpoints.append({ url->host(), quint16(url->port()) });
    }
    const QString role = parser.value(roleOption);
    if (role != QLatin1String("participant") && role != QLatin1String("moderator"))
        return usageError(QStringLiteral("--role must be participant or moderator"));
    bool ok = false;
    const qint64 ttl = parser.value(ttlOption).toLongLong(&ok);
    if (!ok || ttl <= 0)
        return usageError(QStringLiteral("--ttl must be a positive number of seconds"));

    QString error;
    const auto secret = Config::loadSecret(parser.value(secretOption), false, &error);
    if (!secret) {
        printError(error);
        return 1;
    }
    QString fingerprint;
    if (parser.isSet(tlsCertOption)) {
        QFile certFile(parser.value(tlsCertOption));
        const auto certs = certFile.open(QIODevice::ReadOnly)
            ? QSslCertificate::fromData(certFile.readAll(), QSsl::Pem)
            : QList<QSslCertificate>();
        if (certs.isEmpty() || certs.first().isNull()) {
            printError(QStringLiteral("invite: %1 holds no PEM certificate")
                           .arg(parser.value(tlsCertOption)));
            return 1;
        }
        fingerprint = Tls::fingerprint(certs.first());
    }
    JoinClaims claims;
    claims.room = parser.value(roomOption);
    claims.name = parser.value(nameOption).trimmed();
    claims.role = role;
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + ttl;
    InviteLink link
        = InviteLink::forEndpoints(endpoints, secure, claims.room, Token::sign(claims, *secret));
    if (!fingerprint.isEmpty()) {
        link.secure = true;
        link.certFingerprint = fingerprint;
    }
    printLine(parser.isSet(webOption) ? link.toWebString() : link.toString());
    return 0;
}

// Says where the links point and why, so an operator can tell a wrong guess at once.
QString describeEndpoints(const RoomServer &server, const ServerOptions &options)
{
    QStringList names;
    const auto endpoints = server.endpoints();
    for (const ServerEndpoint &e : endpoints)
        names.append(e.toString());
    if (!options.publicUrls.isEmpty())
        return QStringLiteral("links name %1 (--public-url)").arg(names.join(QStringLiteral(", ")));
    if (!HostAddresses::isWildcard(options.listenAddress)) {
        if (options.listenAddress.isLoopback())
            return QStringLiteral("links name %1: only this computer can join (listen on "
                                  "0.0.0.0 or a network address to let others in)")
                .arg(names.join(QStringLiteral(", ")));
        return QStringLiteral("links name %1 (the listen address)")
            .arg(names.join(QStringLiteral(", ")));
    }
    if (HostAddresses::candidates(options.listenAddress).isEmpty())
        return QStringLiteral("links name %1: this computer has no network address, so only "
                              "it can join")
            .arg(names.join(QStringLiteral(", ")));
    return QStringLiteral("links name %1 (every address of this computer, the one on the "
                          "default route first; clients use whichever answers)")
        .arg(names.join(QStringLiteral(", ")));
}

int runServer(QCoreApplication &app, QStringList arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Roomshare room server: participants holding an invite link share files in a room.\n"
        "\n"
        "Usage:\n"
        "  roomshare-server [options]         run the server\n"
        "  roomshare-server invite [options]  print an invite link (see invite --help)\n"
        "\n"
        "The first line on standard output is \"roomshare-server listening on ws://HOST:PORT\"."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on; port 0 picks a free one (default "
                       "127.0.0.1:7450)."),
        QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7450"));
    const QCommandLineOption dataOption(
        QStringLiteral("data"),
        QStringLiteral("Folder for the secret and received files (default %1).")
            .arg(QDir::toNativeSeparators(
                QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))),
        QStringLiteral("DIR"));
    const QCommandLineOption secretOption(
        QStringLiteral("secret-file"),
        QStringLiteral("File holding the secret that signs invites (default DIR/secret; "
                       "created with a random secret if missing)."),
        QStringLiteral("FILE"));
    const QCommandLineOption maxSizeOption(
        QStringLiteral("max-file-size"),
        QStringLiteral("Largest file accepted, in bytes or with a K, M, G or T suffix "
                       "(binary units); 0 means no limit (default 16G)."),
        QStringLiteral("BYTES"), QStringLiteral("16G"));
    const QCommandLineOption ttlOption(
        QStringLiteral("file-ttl"),
        QStringLiteral("How long a shared file stays available (default 86400)."),
        QStringLiteral("SECONDS"), QStringLiteral("86400"));
    const QCommandLineOption partialTtlOption(
        QStringLiteral("partial-ttl"),
        QStringLiteral("How long an upload that receives nothing is kept for resuming before "
                       "its partial data is deleted (default 86400)."),
        QStringLiteral("SECONDS"), QStringLiteral("86400"));
    const QCommandLineOption pingOption(
        QStringLiteral("ping-interval"),
        QStringLiteral("How often each connection is pinged; decimals allowed (default 5)."),
        QStringLiteral("SECONDS"), QStringLiteral("5"));
    const QCommandLineOption idleOption(
        QStringLiteral("idle-timeout"),
        QStringLiteral("A connection silent this long (not even a pong) is dropped; its "
                       "participant is announced as left if it does not come back within the "
                       "same time; decimals allowed (default 15)."),
        QStringLiteral("SECONDS"), QStringLiteral("15"));
    const QCommandLineOption roomOption(
        QStringLiteral("room"),
        QStringLiteral("Also print a moderator invite link (valid 24 h) for this room."),
        QStringLiteral("NAME"));
    const QCommandLineOption tlsCertOption(
        QStringLiteral("tls-cert"),
        QStringLiteral("Serve wss:// (TLS) with this PEM certificate; needs --tls-key."),
        QStringLiteral("FILE"));
    const QCommandLineOption tlsKeyOption(
        QStringLiteral("tls-key"),
        QStringLiteral("The PEM private key (RSA or EC, unencrypted) of --tls-cert."),
        QStringLiteral("FILE"));
    const QCommandLineOption originOption(
        QStringLiteral("allow-origin"),
        QStringLiteral("Accept browser connections from this Origin (scheme://host[:port], or * "
                       "for any); repeatable. Without it only native clients (no Origin "
                       "header) may connect."),
        QStringLiteral("ORIGIN"));
    const QCommandLineOption publicUrlOption(
        QStringLiteral("public-url"),
        QStringLiteral("Where participants reach this server, when that is not where it "
                       "listens (a name, a reverse proxy, NAT): ws://HOST:PORT or "
                       "wss://HOST:PORT. Used in every link printed; repeatable (the first is "
                       "the link's address, the others alternates). Without it a server "
                       "listening on a wildcard address puts every address of this machine "
                       "in its links."),
        QStringLiteral("URL"));
    const QCommandLineOption perAddressOption(
        QStringLiteral("max-connections-per-address"),
        QStringLiteral("Open connections allowed from one IP address (default 32; raise it "
                       "behind a reverse proxy; 0 = no limit)."),
        QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption participantsOption(
        QStringLiteral("max-participants"),
        QStringLiteral("Participants one room holds at most, on every node together "
                       "(default 500; 0 = no limit)."),
        QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption noLobbyOption(
        QStringLiteral("no-lobby"),
        QStringLiteral("Turn the lobby off: only invite links with a token get in; nobody can "
                       "knock (moderators can still turn it on for their room)."));
    const QCommandLineOption knockTimeoutOption(
        QStringLiteral("knock-timeout"),
        QStringLiteral("How long a knock waits for a moderator's answer (default 120)."),
        QStringLiteral("SECONDS"), QStringLiteral("120"));
    const QCommandLineOption announceOption(
        QStringLiteral("announce"),
        QStringLiteral("Announce the --room room on the local network (DNS-SD, through the "
                       "Avahi daemon on Linux) so the app lists it under Rooms nearby."));
    const QCommandLineOption announceNameOption(
        QStringLiteral("announce-host-name"),
        QStringLiteral("With --announce: the host name shown beside the room (default: this "
                       "computer's name)."),
        QStringLiteral("NAME"));
    parser.addOptions({ listenOption, dataOption, secretOption, maxSizeOption, ttlOption,
                        partialTtlOption, pingOption, idleOption, roomOption, tlsCertOption,
                        tlsKeyOption, originOption, publicUrlOption, perAddressOption,
                        participantsOption, noLobbyOption, knockTimeoutOption, announceOption,
                        announceNameOption });
    // Transport security of a server others can reach (issue 15, finding 5).
    const QCommandLineOption selfSignedOption(
        QStringLiteral("tls-self-signed"),
        QStringLiteral("Serve wss:// with a self-signed certificate kept in DIR (generated on "
                       "first start, renewed before it expires); the links printed pin it."),
        QStringLiteral("DIR"));
    const QCommandLineOption insecureOption(
        QStringLiteral("insecure-plaintext"),
        QStringLiteral("Allow plain ws:// on an address other machines can reach: tokens, "
                       "session ids and files travel in clear."));
    parser.addOptions({ selfSignedOption, insecureOption });
    // Issue 14: metadata in PostgreSQL, shared by several nodes.
    const QCommandLineOption databaseOption(
        QStringLiteral("database"),
        QStringLiteral("Keep rooms, files, sessions and uploads in PostgreSQL instead of "
                       "DIR/roomshare.db: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB."),
        QStringLiteral("URL"));
    parser.addOption(databaseOption);
    // Issue 14: file data in S3-compatible object storage, shared by several nodes.
    const QCommandLineOption storageOption(
        QStringLiteral("storage"),
        QStringLiteral("Keep file data as objects in an S3-compatible bucket instead of "
                       "DIR/partial and DIR/files: s3://BUCKET (the bucket must exist)."),
        QStringLiteral("URL"));
    const QCommandLineOption s3EndpointOption(
        QStringLiteral("s3-endpoint"),
        QStringLiteral("With --storage: the object store's address, http://HOST:PORT or "
                       "https://... (default: AWS's for the region)."),
        QStringLiteral("URL"));
    const QCommandLineOption s3RegionOption(
        QStringLiteral("s3-region"),
        QStringLiteral("With --storage: the region requests are signed for (default us-east-1)."),
        QStringLiteral("REGION"));
    const QCommandLineOption s3CredentialsOption(
        QStringLiteral("s3-credentials"),
        QStringLiteral("With --storage: an AWS shared-credentials file whose [default] profile "
                       "holds the keys (default: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."),
        QStringLiteral("FILE"));
    parser.addOptions({ storageOption, s3EndpointOption, s3RegionOption, s3CredentialsOption });

    // --config FILE (the package's /etc/roomshare/server.conf): `key = value` lines, each key
    // one option above without its "--"; they go before the command line's own, which wins.
    const QCommandLineOption configOption(
        QStringLiteral("config"),
        QStringLiteral("Read settings from FILE: \"key = value\" lines, each key a long option "
                       "without \"--\" (e.g. \"listen = 0.0.0.0:7450\", \"no-lobby = yes\"); "
                       "options on the command line win."),
        QStringLiteral("FILE"));
    parser.addOption(configOption);
    if (parser.parse(arguments) && parser.isSet(configOption) && !parser.isSet(helpOption)
        && !parser.isSet(versionOption)) {
        QString configError;
        const auto withFile = Config::argumentsWithConfigFile(
            parser.value(configOption),
            { listenOption,        dataOption,         secretOption,     maxSizeOption,
              ttlOption,           partialTtlOption,   pingOption,       idleOption,
              roomOption,          tlsCertOption,      tlsKeyOption,     originOption,
              publicUrlOption,     perAddressOption,   noLobbyOption,    knockTimeoutOption,
              announceOption,      announceNameOption, selfSignedOption, insecureOption,
              databaseOption,      storageOption,      s3EndpointOption, s3RegionOption,
              s3CredentialsOption, participantsOption },
            parser.optionNames(), arguments, &configError);
        if (!withFile) {
            printError(configError);
            return 1;
        }
        arguments = *withFile;
    }

    auto fail = [](const QString &text) {
        printError(text);
        return 1;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        return fail(
            QStringLiteral("unexpected argument %1").arg(parser.positionalArguments().first()));

    ServerOptions options;
    QString error;
    const auto hostPort = Config::parseHostPort(parser.value(listenOption), &error);
    if (!hostPort)
        return fail(QStringLiteral("--listen: ") + error);
    options.listenAddress = hostPort->address;
    options.port = hostPort->port;
    const auto maxSize = Config::parseByteSize(parser.value(maxSizeOption));
    if (!maxSize)
        return fail(QStringLiteral("--max-file-size: \"%1\" is not a size")
                        .arg(parser.value(maxSizeOption)));
    options.maxFileSize = *maxSize;
    bool ok = false;
    options.fileTtlSeconds = parser.value(ttlOption).toLongLong(&ok);
    if (!ok || options.fileTtlSeconds <= 0 || options.fileTtlSeconds > 100LL * 365 * 86400)
        return fail(QStringLiteral("--file-ttl must be a positive number of seconds"));
    options.partialTtlSeconds = parser.value(partialTtlOption).toLongLong(&ok);
    if (!ok || options.partialTtlSeconds <= 0 || options.partialTtlSeconds > 100LL * 365 * 86400)
        return fail(QStringLiteral("--partial-ttl must be a positive number of seconds"));
    const double ping = parser.value(pingOption).toDouble(&ok);
    if (!ok || ping < 0.05 || ping > 3600)
        return fail(QStringLiteral("--ping-interval must be 0.05 to 3600 seconds"));
    const double idle = parser.value(idleOption).toDouble(&ok);
    if (!ok || idle < ping || idle > 86400)
        return fail(QStringLiteral("--idle-timeout must be at least --ping-interval and at most "
                                   "86400 seconds"));
    options.pingIntervalMs = int(ping * 1000);
    options.idleTimeoutMs = int(idle * 1000);
    options.lobbyEnabled = !parser.isSet(noLobbyOption);
    const double knockTimeout = parser.value(knockTimeoutOption).toDouble(&ok);
    if (!ok || knockTimeout < 1 || knockTimeout > 3600)
        return fail(QStringLiteral("--knock-timeout must be 1 to 3600 seconds"));
    options.knockTimeoutMs = int(knockTimeout * 1000);
    options.dataDir = parser.isSet(dataOption)
        ? parser.value(dataOption)
        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (options.dataDir.isEmpty())
        return fail(QStringLiteral("no data folder; pass --data DIR"));
    if (!QDir().mkpath(options.dataDir))
        return fail(QStringLiteral("cannot create data folder %1").arg(options.dataDir));
    options.databaseUrl = parser.value(databaseOption);
    if (parser.isSet(databaseOption)
        && !options.databaseUrl.startsWith(QLatin1String("postgresql://"))
        && !options.databaseUrl.startsWith(QLatin1String("postgres://")))
        return fail(QStringLiteral("--database must be a postgresql://USER@HOST:PORT/DB URL, "
                                   "not %1")
                        .arg(options.databaseUrl));
    options.storage = parser.value(storageOption);
    options.s3Endpoint = parser.value(s3EndpointOption);
    options.s3Region = parser.value(s3RegionOption);
    options.s3CredentialsFile = parser.value(s3CredentialsOption);
    if (options.storage.isEmpty()
        && (parser.isSet(s3EndpointOption) || parser.isSet(s3RegionOption)
            || parser.isSet(s3CredentialsOption)))
        return fail(QStringLiteral("--s3-endpoint, --s3-region and --s3-credentials need "
                                   "--storage s3://BUCKET"));
    const QString secretPath = parser.isSet(secretOption)
        ? parser.value(secretOption)
        : QDir(options.dataDir).absoluteFilePath(QStringLiteral("secret"));
    const auto secret = Config::loadSecret(secretPath, true, &error);
    if (!secret)
        return fail(error);
    options.secret = *secret;
    if (parser.isSet(tlsCertOption) != parser.isSet(tlsKeyOption))
        return fail(QStringLiteral("--tls-cert and --tls-key go together"));
    if (parser.isSet(tlsCertOption)) {
        const auto identity
            = Tls::loadPem(parser.value(tlsCertOption), parser.value(tlsKeyOption), &error);
        if (!identity)
            return fail(error);
        options.tlsCertificate = identity->certificate;
        options.tlsKey = identity->key;
    }
    if (parser.isSet(announceOption) && !parser.isSet(roomOption))
        return fail(QStringLiteral("--announce needs --room"));
    if (parser.isSet(selfSignedOption)) {
        if (parser.isSet(tlsCertOption))
            return fail(QStringLiteral("--tls-self-signed and --tls-cert exclude each other"));
        QStringList hosts{ QStringLiteral("127.0.0.1"), QStringLiteral("::1"),
                           QStringLiteral("localhost") };
        if (!options.listenAddress.isEqual(QHostAddress::AnyIPv4)
            && !options.listenAddress.isEqual(QHostAddress::AnyIPv6)
            && !options.listenAddress.isEqual(QHostAddress::Any))
            hosts.append(options.listenAddress.toString());
        const auto identity = Tls::loadOrCreateSelfSigned(
            parser.value(selfSignedOption), QStringLiteral("roomshare-server"), hosts, &error);
        if (!identity)
            return fail(QStringLiteral("--tls-self-signed: ") + error);
        options.tlsCertificate = identity->certificate;
        options.tlsKey = identity->key;
    }
    // Cleartext only where nobody else can listen, unless asked for in so many words.
    if (options.tlsCertificate.isNull() && !options.listenAddress.isLoopback()
        && !parser.isSet(insecureOption))
        return fail(
            QStringLiteral("refusing plain ws:// on %1, which other machines can reach: tokens, "
                           "session ids and files would travel in clear. Use --tls-self-signed "
                           "DIR (or --tls-cert/--tls-key), or --insecure-plaintext to accept that")
                .arg(options.listenAddress.toString()));
    options.allowedOrigins = parser.values(originOption);
    for (const QString &value : parser.values(publicUrlOption)) {
        const auto url = parseServerUrl(value, &error);
        if (!url)
            return fail(QStringLiteral("--public-url: ") + error);
        options.publicUrls.append(*url);
    }
    options.maxConnectionsPerAddress = parser.value(perAddressOption).toInt(&ok);
    if (!ok || options.maxConnectionsPerAddress < 0)
        return fail(QStringLiteral("--max-connections-per-address must be a number"));
    options.maxParticipantsPerRoom = parser.value(participantsOption).toInt(&ok);
    if (!ok || options.maxParticipantsPerRoom < 0)
        return fail(QStringLiteral("--max-participants must be a number"));

    RoomServer server(options);
    if (!server.listen(&error))
        return fail(error);
    const QUrl url = server.url();
    // authority() brackets IPv6 hosts: ws://[::1]:7450
    printLine(QStringLiteral("roomshare-server listening on ") + url.scheme()
              + QStringLiteral("://") + url.authority());
    if (options.publicUrls.isEmpty() && HostAddresses::isWildcard(options.listenAddress)) {
        // A name that resolves to this machine survives an address change; look it up for
        // a second at most (a resolver that does not answer must not hold the start).
        QEventLoop wait;
        QTimer::singleShot(1000, &wait, &QEventLoop::quit);
        HostAddresses::lookUpHostName(HostAddresses::candidates(options.listenAddress), &wait,
                                      [&server, &wait](const QString &name) {
                                          server.setAdvertisedHostName(name);
                                          wait.quit();
                                      });
        wait.exec();
    }
    JoinClaims claims;
    if (parser.isSet(roomOption)) {
        claims.room = parser.value(roomOption);
        claims.role = QStringLiteral("moderator");
        claims.expiresAt = QDateTime::currentSecsSinceEpoch() + DefaultInviteTtl;
        printLine(QStringLiteral("invite: ") + server.inviteLink(claims));
    }
    // After the invite line, which tests and scripts read as the second.
    printLine(describeEndpoints(server, options));
    // Last, so the lines before keep their places: the same invite for a browser.
    if (parser.isSet(roomOption))
        printLine(QStringLiteral("web invite: ") + server.webInviteLink(claims));
    Discovery::RoomAnnouncer announcer;
    if (parser.isSet(announceOption)) {
        // Announcing is a convenience: without a daemon the server still runs.
        QObject::connect(&announcer, &Discovery::RoomAnnouncer::announced, [](const QString &name) {
            printLine(QStringLiteral("announced: ") + name);
        });
        QObject::connect(&announcer, &Discovery::RoomAnnouncer::failed,
                         [](const QString &text) { printError(text); });
        const QString hostName = parser.isSet(announceNameOption) ? parser.value(announceNameOption)
                                                                  : QSysInfo::machineHostName();
        // A daemon that stops (a restart, an upgrade) gets the room again when it is back.
        announcer.setRetryInterval(5000);
        const bool tls = server.url().scheme() == QLatin1String("wss");
        announcer.announce(parser.value(roomOption), hostName, server.port(), tls,
                           server.certificateFingerprint(), options.lobbyEnabled);
    }
#ifdef Q_OS_UNIX
    quitOnSignals(&app);
#endif
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // A peer that closes its connection is an error on that connection, never the end of
    // the server (sendfile() has no MSG_NOSIGNAL); with SIGPIPE ignored the data channel's
    // ZeroCopyWriter also needs no per-call signal mask.
    std::signal(SIGPIPE, SIG_IGN);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("roomshare-server"));
    QCoreApplication::setOrganizationName(QStringLiteral("Roomshare"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ROOMSHARE_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("invite")) {
        arguments.removeAt(1);
        return runInvite(arguments);
    }
    return runServer(app, arguments);
}
