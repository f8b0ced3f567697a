#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QInputDialog>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

#include "availablefilesmodel.h"
#include "dropoverlay.h"
#include "guilogging.h"
#include "invite.h"
#include "lastroom.h"
#include "mainwindow.h"
#include "myfilesmodel.h"
#include "participantsmodel.h"
#include "room.h"
#include "roomhost.h"
#include "settings.h"
#include "sharedbyyoupanel.h"
#include "singleinstance.h"
#include "startdialog.h"
#include "systemuser.h"
#include "transfermodel.h"
#include "unfinisheduploadsmodel.h"
#include "unfinisheduploadspanel.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

namespace {

QString askDisplayName(Settings &settings)
{
    if (!settings.displayName().isEmpty())
        return settings.displayName();
    bool ok = false;
    const QString name
        = QInputDialog::getText(
              nullptr, QApplication::translate("main", "Roomshare"),
              QApplication::translate("main", "Your name, as the others will see it:"),
              QLineEdit::Normal, SystemUser::fullName(), &ok)
              .trimmed();
    if (!ok || name.isEmpty())
        return QString();
    settings.setDisplayName(name);
    return name;
}

bool linkNamesParticipant(const QString &link)
{
    const auto parsed = InviteLink::parse(link);
    if (!parsed)
        return false;
    const auto claims = Token::peek(parsed->token);
    return claims && !claims->name.isEmpty();
}

void printLine(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

// A host started from a terminal (or by scripts/run.sh on a machine without a screen)
// tells its user how the others get in; the window shows the same link.
void printHostLinks(const RoomHost &host)
{
    QStringList addresses;
    const auto endpoints = host.addresses();
    for (const ServerEndpoint &e : endpoints)
        addresses.append(e.toString());
    printLine(QStringLiteral("Hosting room \"%1\" on %2 (%3).")
                  .arg(host.roomName(), addresses.join(QStringLiteral(", ")),
                       host.reach() == RoomHost::Reach::ThisComputer
                           ? QStringLiteral("this computer only")
                           : QStringLiteral("every address of this computer; each guest uses "
                                            "whichever answers")));
    printLine(QStringLiteral("Participant link (send it to the others, or open it in "
                             "roomshare / roomshare-cli):"));
    printLine(QStringLiteral("invite: ") + host.participantInviteLink());
}

// The command line, set up before any GUI exists: --help and --version must work without
// a display (man pages are generated from --help; package checks run it headless).
struct CommandLine
{
    QCommandLineParser parser;
    const QCommandLineOption hostOption{ QStringLiteral("host"),
                                         QCoreApplication::translate(
                                             "main",
                                             "Host a room for the people in your meeting: "
                                             "the link is shown and printed here.") };
    const QCommandLineOption nameOption{ QStringLiteral("display-name"),
                                         QCoreApplication::translate("main", "Your display name."),
                                         QStringLiteral("NAME") };
    const QCommandLineOption newInstanceOption{
        QStringLiteral("new-instance"),
        QCoreApplication::translate("main",
                                    "Open a window of its own even when Roomshare is already "
                                    "running (by default a link goes to the running window).")
    };
    // Hidden options for tests/screenshots/take-screenshots.sh and tests/netns.
    QCommandLineOption printInviteOption{
        QStringLiteral("print-invite"),
        QStringLiteral("Write the participant invite link to FILE."), QStringLiteral("FILE")
    };
    QCommandLineOption demoSendOption{ QStringLiteral("demo-send"),
                                       QStringLiteral("Send FILE (or a folder) once connected."),
                                       QStringLiteral("FILE") };
    QCommandLineOption demoDelayOption{ QStringLiteral("demo-delay"),
                                        QStringLiteral("Wait MS milliseconds before --demo-send."),
                                        QStringLiteral("MS"), QStringLiteral("0") };
    QCommandLineOption demoDownloadOption{ QStringLiteral("demo-download-all"),
                                           QStringLiteral("Download every file once available.") };
    QCommandLineOption stateFileOption{
        QStringLiteral("demo-state-file"),
        QStringLiteral("Keep FILE holding the window's state, for scripts to wait on."),
        QStringLiteral("FILE")
    };
    QCommandLineOption demoResumeOption{
        QStringLiteral("demo-resume-file"),
        QStringLiteral("Press Resume on the unfinished uploads once FILE exists (then delete it)."),
        QStringLiteral("FILE")
    };
    QCommandLineOption demoDiscardOption{
        QStringLiteral("demo-discard-file"),
        QStringLiteral("Press Discard on the unfinished uploads once FILE exists (then delete "
                       "it)."),
        QStringLiteral("FILE")
    };
    QCommandLineOption demoQuitOption{
        QStringLiteral("demo-quit-file"),
        QStringLiteral("Close the window (quit as a user does) once FILE exists (then delete it)."),
        QStringLiteral("FILE")
    };
    QCommandLineOption demoStateOption{ QStringLiteral("demo-state"),
                                        QStringLiteral("Force a UI state: drop-overlay."),
                                        QStringLiteral("STATE") };

    CommandLine()
    {
        parser.setApplicationDescription(QCoreApplication::translate(
            "main", "Share files with the people in your meeting room."));
        parser.addHelpOption();
        parser.addVersionOption();
        for (QCommandLineOption *hidden :
             { &printInviteOption, &demoSendOption, &demoDelayOption, &demoDownloadOption,
               &demoStateOption, &stateFileOption, &demoResumeOption, &demoDiscardOption,
               &demoQuitOption })
            hidden->setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOptions({ hostOption, nameOption, newInstanceOption, printInviteOption,
                            demoSendOption, demoDelayOption, demoDownloadOption, demoStateOption,
                            stateFileOption, demoResumeOption, demoDiscardOption, demoQuitOption });
        parser.addPositionalArgument(QStringLiteral("link"),
                                     QCoreApplication::translate("main", "An invite link to join."),
                                     QStringLiteral("[LINK]"));
    }
};

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("roomshare"));
    QCoreApplication::setOrganizationName(QStringLiteral("Roomshare"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
}

bool asksForHelpOrVersion(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v"
            || arg == "--version" || arg == "-?")
            return true;
    }
    return false;
}

// One line of key=value pairs: connected, visible, participants (with "Everyone"),
// files, uploads/downloads running, downloads completed, overlay.
QString stateLine(const MainWindow &window)
{
    const TransferModel *transfers = window.transferModel();
    int downloaded = 0;
    int uploaded = 0;
    int folderUploads = 0;
    for (int row = 0; row < transfers->rowCount(); ++row) {
        const QModelIndex i = transfers->index(row, 0);
        const bool upload
            = i.data(TransferModel::DirectionRole).toInt() == int(TransferInfo::Direction::Upload);
        if (upload && !transfers->transferAt(row).group.isEmpty()
            && !i.data(TransferModel::IsFinishedRole).toBool())
            ++folderUploads;
        if (i.data(TransferModel::StatusRole).toInt() != int(TransferInfo::Status::Completed))
            continue;
        if (upload)
            ++uploaded;
        else
            ++downloaded;
    }
    const MyFilesModel *mine = window.sharedByYouPanel()->model();
    int delivered = 0;
    for (int row = 0; row < mine->rowCount(); ++row) {
        if (!mine->index(row, MyFilesModel::DeliveredColumn).data().toString().isEmpty())
            ++delivered;
    }
    const AvailableFilesModel *files = window.availableFilesModel();
    int folders = 0;
    for (int row = 0; row < files->rowCount(); ++row)
        folders
            += files->index(row, 0).data(AvailableFilesModel::FolderKeyRole).toString().isEmpty()
            ? 0
            : 1;
    return QStringLiteral("connected=%1 visible=%2 participants=%3 files=%4 uploading=%5 "
                          "downloading=%6 downloaded=%7 overlay=%8 mine=%9 delivered=%10 "
                          "folders=%11 folderuploads=%12 uploaded=%13 unfinished=%14")
        .arg(int(window.room()->isConnected()))
        .arg(int(window.isVisible()))
        .arg(window.participantsModel()->rowCount())
        .arg(window.availableFilesModel()->rowCount())
        .arg(transfers->runningCount(TransferInfo::Direction::Upload))
        .arg(transfers->runningCount(TransferInfo::Direction::Download))
        .arg(downloaded)
        .arg(int(window.dropOverlay()->isVisible()))
        .arg(mine->rowCount())
        .arg(delivered)
        .arg(folders)
        .arg(folderUploads)
        .arg(uploaded)
        .arg(window.unfinishedUploadsPanel()->model()->rowCount());
}

} // namespace

int main(int argc, char *argv[])
{
    if (asksForHelpOrVersion(argc, argv)) {
        QCoreApplication core(argc, argv);
        setApplicationNames();
        CommandLine cli;
        cli.parser.process(core); // prints and exits
        return 0;
    }
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Roomshare"));
    QApplication::setDesktopFileName(QStringLiteral("roomshare"));
    initResources();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/roomshare.svg")));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("roomshare"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    CommandLine cli;
    cli.parser.process(app);

    Settings settings;
    if (cli.parser.isSet(cli.nameOption))
        settings.setDisplayName(cli.parser.value(cli.nameOption));

    bool host = cli.parser.isSet(cli.hostOption);
    QString link = cli.parser.positionalArguments().value(0);
    QString name = settings.displayName();

    // One window per user: a link opened from a browser or a chat starts this program
    // again, and the room belongs in the window already open.
    const bool separate = host || cli.parser.isSet(cli.newInstanceOption);
    SingleInstance instance;
    if (!separate) {
        QString error;
        if (SingleInstance::handOff(link, 3000, &error)) {
            printLine(link.isEmpty()
                          ? QStringLiteral("Roomshare is already running: its window comes to "
                                           "the front.")
                          : QStringLiteral("Roomshare is already running: the link was handed "
                                           "to its window."));
            return 0;
        }
        if (!error.isEmpty())
            printLine(error);
        if (!instance.listen(&error))
            qCWarning(lcGui) << error;
    }

    // Started without a link after a crash, a kill or a quit mid-upload: back to that room,
    // where the unfinished uploads wait with Resume and Discard.
    if (!host && link.isEmpty()) {
        link = LastRoom().recall();
        if (!link.isEmpty()) {
            const auto parsed = InviteLink::parse(link);
            printLine(QApplication::translate("main",
                                              "Rejoining room \"%1\" on %2, where you were last "
                                              "(give a link or --host to go elsewhere).")
                          .arg(parsed->room, parsed->serverUrl().authority()));
        }
    }
    if (!host && link.isEmpty()) {
        StartDialog start;
        // First start: the name the system knows, so "Join" or "Host" needs no typing.
        start.setDisplayName(name.isEmpty() ? SystemUser::fullName() : name);
        // A link opened while this dialog asks how to start fills it in.
        const auto handed = QObject::connect(
            &instance, &SingleInstance::openRequested, &start, [&start](const QString &handedLink) {
                if (!handedLink.isEmpty()) {
                    start.setMode(StartDialog::Mode::Join);
                    start.setJoinMethod(StartDialog::JoinMethod::Link);
                    start.setInviteLink(handedLink);
                }
                start.raise();
                start.activateWindow();
            });
        const int chosen = start.exec();
        QObject::disconnect(handed);
        if (chosen != QDialog::Accepted)
            return 0;
        host = start.mode() == StartDialog::Mode::Host;
        link = start.inviteLink();
        if (!start.displayName().isEmpty()) {
            name = start.displayName();
            settings.setDisplayName(name);
        }
    } else if (host && name.isEmpty()) {
        // Hosting must not wait on a question (scripts/run.sh may start it on a virtual
        // display nobody sees); the name can be changed in Settings.
        name = SystemUser::fullName();
        if (name.isEmpty())
            name = QApplication::translate("main", "Host");
    } else if (!host && !linkNamesParticipant(link)) {
        name = askDisplayName(settings);
        if (name.isEmpty())
            return 0;
    }

    MainWindow window;
    QObject::connect(&instance, &SingleInstance::openRequested, &window, &MainWindow::openLink);
    if (host) {
        auto *roomHost = new RoomHost;
        roomHost->setReach(settings.hostReach() == Settings::HostReach::ThisComputer
                               ? RoomHost::Reach::ThisComputer
                               : RoomHost::Reach::Network);
        roomHost->setPreferredPort(settings.hostPort());
        QString error;
        if (!roomHost->start(&error)) {
            delete roomHost;
            printLine(error);
            QMessageBox::critical(nullptr, QApplication::translate("main", "Roomshare"), error);
            return 1;
        }
        settings.setHostPort(roomHost->port());
        link = roomHost->hostInviteLink(name);
        printHostLinks(*roomHost);
        QObject::connect(roomHost, &RoomHost::linksChanged, roomHost,
                         [roomHost] { printHostLinks(*roomHost); });
        // Rooms nearby: announced when the host listens beyond this computer.
        roomHost->announceOnNetwork(name, settings.lobbyEnabled());
        window.setHost(roomHost);
        if (cli.parser.isSet(cli.printInviteOption)) {
            QFile out(cli.parser.value(cli.printInviteOption));
            if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                out.write(roomHost->participantInviteLink().toUtf8() + '\n');
        }
    }
    window.show();
    if (!window.joinRoom(link, name) && !host)
        QMessageBox::warning(&window, QApplication::translate("main", "Roomshare"),
                             window.connectionText());

    const QStringList demoFiles = cli.parser.values(cli.demoSendOption);
    if (!demoFiles.isEmpty()) {
        const int delay = cli.parser.value(cli.demoDelayOption).toInt();
        QObject::connect(
            window.room(), &Room::connected, &window,
            [&window, demoFiles, delay] {
                QTimer::singleShot(delay, &window,
                                   [&window, demoFiles] { window.sendFiles(demoFiles); });
            },
            Qt::SingleShotConnection);
    }
    if (cli.parser.isSet(cli.demoDownloadOption)) {
        QObject::connect(window.room(), &Room::fileAvailable, &window,
                         [&window](const FileInfo &file) { window.downloadFile(file.index); });
        // Files shared before this instance joined arrive with the join, not one by one.
        QObject::connect(
            window.room(), &Room::connected, &window,
            [&window] {
                const auto files = window.room()->availableFileList();
                for (const FileInfo &file : files)
                    window.downloadFile(file.index);
            },
            Qt::SingleShotConnection);
    }
    if (cli.parser.value(cli.demoStateOption) == QLatin1String("drop-overlay")) {
        QObject::connect(
            window.room(), &Room::connected, &window,
            [&window] {
                QTimer::singleShot(300, &window, [&window] { window.showDropPreview(3); });
            },
            Qt::SingleShotConnection);
    }
    // Scripts (tests/screenshots) wait on what the window shows instead of sleeping.
    QTimer stateTimer;
    // Tests press Resume or Discard at a moment of their choosing by creating a file.
    const QString resumeFile = cli.parser.value(cli.demoResumeOption);
    const QString discardFile = cli.parser.value(cli.demoDiscardOption);
    const QString quitFile = cli.parser.value(cli.demoQuitOption);
    QObject::connect(
        &stateTimer, &QTimer::timeout, &window, [&window, resumeFile, discardFile, quitFile] {
            UnfinishedUploadsPanel *panel = window.unfinishedUploadsPanel();
            if (!resumeFile.isEmpty() && QFile::exists(resumeFile) && QFile::remove(resumeFile))
                panel->resumeSelected();
            if (!discardFile.isEmpty() && QFile::exists(discardFile) && QFile::remove(discardFile))
                panel->discardSelected();
            if (!quitFile.isEmpty() && QFile::exists(quitFile) && QFile::remove(quitFile))
                window.close();
        });
    if (cli.parser.isSet(cli.stateFileOption)) {
        const QString stateFile = cli.parser.value(cli.stateFileOption);
        QObject::connect(&stateTimer, &QTimer::timeout, &window, [&window, stateFile] {
            QFile out(stateFile + QStringLiteral(".new"));
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                return;
            out.write(stateLine(window).toUtf8() + '\n');
            out.close();
            QFile::remove(stateFile);
            out.rename(stateFile);
        });
    }
    if (cli.parser.isSet(cli.stateFileOption) || !resumeFile.isEmpty() || !discardFile.isEmpty()
        || !quitFile.isEmpty())
        stateTimer.start(200);
    return app.exec();
}
