#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <QTimer>

#include <csignal>
#include <cstdio>

#include "cli.h"
#include "invite.h"
#include "nearby.h"

using Roomshare::Cli::Command;

namespace {

int usage(const QString &error)
{
    std::fprintf(stderr, "roomshare-cli: %s\nRun roomshare-cli --help for usage.\n",
                 qPrintable(error));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("roomshare-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Roomshare"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROJECT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Share files in a Roomshare room from scripts and headless machines.\n"
        "Every command prints one JSON object per line on stdout.\n\n"
        "Commands:\n"
        "  send LINK FILE|FOLDER... [--to ID,...]   send files (to everyone, or to the given "
        "client ids); a folder is sent with its tree\n"
        "      [--expires-in SECONDS] [--max-downloads N]   remove them sooner / after N "
        "downloads\n"
        "      (a send of the same file that was killed or stopped earlier continues where "
        "it stopped)\n"
        "  listen LINK [--download-to DIR]    print room events; download every file offered\n"
        "  list LINK [--mine]                 print availableFiles (--mine: your own files) as one "
        "JSON array\n"
        "  recv LINK (--index N | --all) [--out DIR]   download files (a shared folder's files\n"
        "                                     into its tree below DIR)\n"
        "  admit LINK KNOCKID                 moderators: let a knocking person in\n"
        "  deny LINK KNOCKID                  moderators: turn a knocking person away\n"
        "  invite LINK [--name N] [--ttl S]   moderators: print a new participant link\n"
        "  remove-participant LINK CLIENTID   moderators: remove a participant (told why)\n"
        "  remove-file LINK INDEX             moderators (or its sender): remove a file\n"
        "  lock LINK | unlock LINK            moderators: close the room to new joins, or open "
        "it\n"
        "  nearby [--timeout SECONDS]         list the rooms announced on the local network "
        "(DNS-SD)\n\n"
        "A link without a token (roomshare[s]://HOST:PORT/[ROOM]) knocks on the room and\n"
        "waits for a moderator to let you in; it needs --name."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("send, listen, list, recv, admit, deny, invite, remove-participant, "
                       "remove-file, lock, unlock or nearby"));
    parser.addPositionalArgument(QStringLiteral("link"),
                                 QStringLiteral("the invite link (roomshare://...)"));
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("send: the files to send"),
                                 QStringLiteral("[FILE...]"));
    const QCommandLineOption toOpt(
        QStringLiteral("to"),
        QStringLiteral("send: comma-separated client ids to send to (default: everyone)"),
        QStringLiteral("IDS"));
    const QCommandLineOption downloadToOpt(
        QStringLiteral("download-to"),
        QStringLiteral("listen: download every available file into DIR"), QStringLiteral("DIR"));
    const QCommandLineOption indexOpt(QStringLiteral("index"),
                                      QStringLiteral("recv: the file index to download"),
                                      QStringLiteral("N"));
    const QCommandLineOption expiresOpt(
        QStringLiteral("expires-in"),
        QStringLiteral("send: remove the files after SECONDS (at most the server's --file-ttl)"),
        QStringLiteral("SECONDS"));
    const QCommandLineOption maxDownloadsOpt(
        QStringLiteral("max-downloads"),
        QStringLiteral("send: withdraw each file after N completed downloads"),
        QStringLiteral("N"));
    const QCommandLineOption mineOpt(
        QStringLiteral("mine"),
        QStringLiteral("list: the files you sent (this and earlier sessions of your link), with "
                       "recipients and download counts"));
    const QCommandLineOption allOpt(QStringLiteral("all"),
                                    QStringLiteral("recv: download every available file"));
    const QCommandLineOption outOpt(
        QStringLiteral("out"),
        QStringLiteral("recv: folder to save into (default: the Downloads folder)"),
        QStringLiteral("DIR"));
    const QCommandLineOption nameOpt(
        QStringLiteral("name"),
        QStringLiteral("display name, when the invite link names nobody (default: the user "
                       "name; required to knock); invite: the name the new link is for"),
        QStringLiteral("NAME"));
    const QCommandLineOption reconnectOpt(
        QStringLiteral("reconnect-window"),
        QStringLiteral("after an unexpected drop, keep reconnecting (and resume transfers) for "
                       "up to SECONDS; 0 disables it (default 60)"),
        QStringLiteral("SECONDS"), QStringLiteral("60"));
    const QCommandLineOption ttlOpt(
        QStringLiteral("ttl"),
        QStringLiteral("invite: how long the new link is valid, in seconds (default 86400)"),
        QStringLiteral("SECONDS"), QStringLiteral("86400"));
    const QCommandLineOption timeoutOpt(
        QStringLiteral("timeout"),
        QStringLiteral("nearby: how long to look before printing the rooms found (default 3)"),
        QStringLiteral("SECONDS"), QStringLiteral("3"));
    parser.addOptions({ toOpt, downloadToOpt, indexOpt, mineOpt, expiresOpt, maxDownloadsOpt,
                        allOpt, outOpt, nameOpt, reconnectOpt, ttlOpt, timeoutOpt });
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.value(0) == QLatin1String("nearby")) {
        if (args.size() > 1)
            return usage(QStringLiteral("unexpected argument \"%1\"").arg(args.at(1)));
        bool ok = false;
        const double timeout = parser.value(timeoutOpt).toDouble(&ok);
        if (!ok || timeout < 0 || timeout > 3600)
            return usage(QStringLiteral("--timeout takes 0 to 3600 seconds"));
        // The reason goes to stderr once, as the command's own error line.
        if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
            QLoggingCategory::setFilterRules(QStringLiteral("roomshare.discovery=false"));
        Roomshare::Cli::NearbyCommand nearby(int(timeout * 1000));
        QTimer::singleShot(0, &nearby, &Roomshare::Cli::NearbyCommand::start);
        return app.exec();
    }
    if (args.size() < 2)
        return usage(QStringLiteral("a command and an invite link are needed"));

    Command::Options o;
    bool windowOk = false;
    const double window = parser.value(reconnectOpt).toDouble(&windowOk);
    if (!windowOk || window < 0 || window > 86400)
        return usage(QStringLiteral("--reconnect-window takes 0 to 86400 seconds"));
    o.reconnectWindowMs = int(window * 1000);
    const QString cmd = args.at(0);
    o.link = args.at(1);
    o.name = parser.value(nameOpt);
    const auto link = Roomshare::InviteLink::parse(o.link);
    const bool knocks = link && link->isKnockLink();
    if (knocks && o.name.trimmed().isEmpty())
        return usage(QStringLiteral("this link carries no invite token: knocking needs --name"));
    if (o.name.isEmpty())
        o.name = qEnvironmentVariable("USER", QStringLiteral("roomshare-cli"));
    if (cmd == QLatin1String("send")) {
        o.kind = Command::Kind::Send;
        o.files = args.mid(2);
        if (o.files.isEmpty())
            return usage(QStringLiteral("send needs at least one file"));
        for (const QString &id : parser.value(toOpt).split(QLatin1Char(','), Qt::SkipEmptyParts))
            o.to.append(id.trimmed());
        if (parser.isSet(toOpt) && o.to.isEmpty())
            return usage(QStringLiteral("--to names no client id"));
        for (const auto &[opt, target] : { std::pair{ &expiresOpt, &o.expiresIn },
                                           std::pair{ &maxDownloadsOpt, &o.maxDownloads } }) {
            if (!parser.isSet(*opt))
                continue;
            bool ok = false;
            *target = parser.value(*opt).toLongLong(&ok);
            if (!ok || *target <= 0)
                return usage(
                    QStringLiteral("--%1 takes a positive number").arg(opt->names().first()));
        }
    } else if (cmd == QLatin1String("listen")) {
        o.kind = Command::Kind::Listen;
        o.dir = parser.value(downloadToOpt);
    } else if (cmd == QLatin1String("list")) {
        o.kind = Command::Kind::List;
        o.mine = parser.isSet(mineOpt);
    } else if (cmd == QLatin1String("recv")) {
        o.kind = Command::Kind::Recv;
        o.all = parser.isSet(allOpt);
        if (parser.isSet(indexOpt)) {
            bool ok = false;
            o.index = parser.value(indexOpt).toLongLong(&ok);
            if (!ok || o.index < 0)
                return usage(QStringLiteral("--index takes a file index (a number)"));
        }
        if (o.all == parser.isSet(indexOpt))
            return usage(QStringLiteral("recv needs exactly one of --index N or --all"));
        o.dir = parser.value(outOpt);
    } else if (cmd == QLatin1String("admit") || cmd == QLatin1String("deny")) {
        o.kind = cmd == QLatin1String("admit") ? Command::Kind::Admit : Command::Kind::Deny;
        if (args.size() != 3)
            return usage(QStringLiteral("%1 needs a moderator link and a knock id").arg(cmd));
        o.knockId = args.at(2);
    } else if (cmd == QLatin1String("invite")) {
        o.kind = Command::Kind::Invite;
        o.inviteName = parser.value(nameOpt);
        bool ok = false;
        o.inviteTtlSeconds = parser.value(ttlOpt).toLongLong(&ok);
        if (!ok || o.inviteTtlSeconds <= 0)
            return usage(QStringLiteral("--ttl takes a number of seconds"));
    } else if (cmd == QLatin1String("remove-participant")) {
        o.kind = Command::Kind::RemoveParticipant;
        if (args.size() != 3)
            return usage(
                QStringLiteral("remove-participant needs a moderator link and a client id"));
        o.clientId = args.at(2);
    } else if (cmd == QLatin1String("remove-file")) {
        o.kind = Command::Kind::RemoveFile;
        bool ok = false;
        o.index = args.value(2).toLongLong(&ok);
        if (args.size() != 3 || !ok || o.index < 0)
            return usage(QStringLiteral("remove-file needs a link and a file index (a number)"));
    } else if (cmd == QLatin1String("lock") || cmd == QLatin1String("unlock")) {
        o.kind = cmd == QLatin1String("lock") ? Command::Kind::Lock : Command::Kind::Unlock;
    } else {
        return usage(QStringLiteral("unknown command \"%1\"").arg(cmd));
    }
    if (Command::isHostCommand(o.kind) && knocks)
        return usage(QStringLiteral("%1 needs a moderator link with a token").arg(cmd));
    const bool takesMore = o.kind == Command::Kind::Send || o.kind == Command::Kind::Admit
        || o.kind == Command::Kind::Deny || o.kind == Command::Kind::RemoveParticipant
        || o.kind == Command::Kind::RemoveFile;
    if (!takesMore && args.size() > 2)
        return usage(QStringLiteral("unexpected argument \"%1\"").arg(args.at(2)));
    if (!o.dir.isEmpty())
        o.dir = QDir(o.dir).absolutePath();

    // Ctrl+C in `listen` leaves the room cleanly instead of dropping the connection.
    std::signal(SIGINT, [](int) {
        QMetaObject::invokeMethod(
            qApp, [] { QCoreApplication::exit(130); }, Qt::QueuedConnection);
    });
    std::signal(SIGTERM, [](int) {
        QMetaObject::invokeMethod(
            qApp, [] { QCoreApplication::exit(143); }, Qt::QueuedConnection);
    });

    Command command(o);
    QTimer::singleShot(0, &command, &Command::start);
    return app.exec();
}
