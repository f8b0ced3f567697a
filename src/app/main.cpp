#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QInputDialog>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QTranslator>

#include "guilogging.h"
#include "invite.h"
#include "mainwindow.h"
#include "room.h"
#include "roomhost.h"
#include "settings.h"
#include "startdialog.h"

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
              QLineEdit::Normal, qEnvironmentVariable("USER"), &ok)
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

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("roomshare"));
    QApplication::setOrganizationName(QStringLiteral("Roomshare"));
    QApplication::setApplicationDisplayName(QStringLiteral("Roomshare"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
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

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Share files with the people in your meeting room."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption hostOption(
        QStringLiteral("host"), QApplication::translate("main", "Host a room on this computer."));
    const QCommandLineOption nameOption(QStringLiteral("display-name"),
                                        QApplication::translate("main", "Your display name."),
                                        QStringLiteral("NAME"));
    // Hidden options for tests/screenshots/take-screenshots.sh.
    QCommandLineOption printInviteOption(
        QStringLiteral("print-invite"),
        QStringLiteral("Write the participant invite link to FILE."), QStringLiteral("FILE"));
    printInviteOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption demoSendOption(QStringLiteral("demo-send"),
                                      QStringLiteral("Send FILE once connected."),
                                      QStringLiteral("FILE"));
    demoSendOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption demoDelayOption(QStringLiteral("demo-delay"),
                                       QStringLiteral("Wait MS milliseconds before --demo-send."),
                                       QStringLiteral("MS"), QStringLiteral("0"));
    demoDelayOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption demoDownloadOption(QStringLiteral("demo-download-all"),
                                          QStringLiteral("Download every file once available."));
    demoDownloadOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption demoStateOption(QStringLiteral("demo-state"),
                                       QStringLiteral("Force a UI state: drop-overlay."),
                                       QStringLiteral("STATE"));
    demoStateOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({ hostOption, nameOption, printInviteOption, demoSendOption, demoDelayOption,
                        demoDownloadOption, demoStateOption });
    parser.addPositionalArgument(QStringLiteral("link"),
                                 QApplication::translate("main", "An invite link to join."),
                                 QStringLiteral("[LINK]"));
    parser.process(app);

    Settings settings;
    if (parser.isSet(nameOption))
        settings.setDisplayName(parser.value(nameOption));

    bool host = parser.isSet(hostOption);
    QString link = parser.positionalArguments().value(0);
    QString name = settings.displayName();

    if (!host && link.isEmpty()) {
        StartDialog start;
        start.setDisplayName(name);
        if (start.exec() != QDialog::Accepted)
            return 0;
        host = start.mode() == StartDialog::Mode::Host;
        link = start.inviteLink();
        if (!start.displayName().isEmpty()) {
            name = start.displayName();
            settings.setDisplayName(name);
        }
    } else if (host || !linkNamesParticipant(link)) {
        name = askDisplayName(settings);
        if (name.isEmpty())
            return 0;
    }

    MainWindow window;
    if (host) {
        auto *roomHost = new RoomHost;
        QString error;
        if (!roomHost->start(&error)) {
            delete roomHost;
            QMessageBox::critical(nullptr, QApplication::translate("main", "Roomshare"), error);
            return 1;
        }
        link = roomHost->hostInviteLink(name);
        // Rooms nearby: announced once the host listens beyond this computer.
        roomHost->announceOnNetwork(name, true);
        window.setHost(roomHost);
        if (parser.isSet(printInviteOption)) {
            QFile out(parser.value(printInviteOption));
            if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
                out.write(roomHost->participantInviteLink().toUtf8() + '\n');
        }
    }
    window.show();
    if (!window.joinRoom(link, name) && !host)
        QMessageBox::warning(&window, QApplication::translate("main", "Roomshare"),
                             window.connectionText());

    const QStringList demoFiles = parser.values(demoSendOption);
    if (!demoFiles.isEmpty()) {
        const int delay = parser.value(demoDelayOption).toInt();
        QObject::connect(
            window.room(), &Room::connected, &window,
            [&window, demoFiles, delay] {
                QTimer::singleShot(delay, &window,
                                   [&window, demoFiles] { window.sendFiles(demoFiles); });
            },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(demoDownloadOption)) {
        QObject::connect(window.room(), &Room::fileAvailable, &window,
                         [&window](const FileInfo &file) { window.downloadFile(file.index); });
    }
    if (parser.value(demoStateOption) == QLatin1String("drop-overlay")) {
        QObject::connect(
            window.room(), &Room::connected, &window,
            [&window] {
                QTimer::singleShot(300, &window, [&window] { window.showDropPreview(3); });
            },
            Qt::SingleShotConnection);
    }
    return app.exec();
}
