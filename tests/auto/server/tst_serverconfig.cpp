// The server's configuration file (roomshare-server --config FILE): reading `key = value`
// lines and turning them into options that the command line overrides.

#include "serverconfig.h"

#include <QCommandLineParser>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Roomshare::Server;

class tst_ServerConfig final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void readsKeyValueLines();
    void rejectsBadLines_data();
    void rejectsBadLines();
    void commandLineWins_data();
    void commandLineWins();
    void packagedFileNamesEveryOption();
    void serverTakesEveryOptionAsKey();

private:
    QString writeFile(const QByteArray &text);
    QStringList parse(const QByteArray &fileText, const QStringList &commandLine,
                      QString *error = nullptr);

    QTemporaryDir m_dir;
    QCommandLineParser m_parser;
    const QCommandLineOption m_listen{ QStringLiteral("listen"), QString(),
                                       QStringLiteral("HOST:PORT"),
                                       QStringLiteral("127.0.0.1:7450") };
    const QCommandLineOption m_origin{ QStringLiteral("allow-origin"), QString(),
                                       QStringLiteral("ORIGIN") };
    const QCommandLineOption m_noLobby{ QStringLiteral("no-lobby"), QString() };
};

void tst_ServerConfig::init()
{
    QVERIFY(m_dir.isValid());
}

QString tst_ServerConfig::writeFile(const QByteArray &text)
{
    const QString path = m_dir.filePath(QStringLiteral("server.conf"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// Values of listen, allow-origin (joined by ',') and no-lobby after --config and parsing.
QStringList tst_ServerConfig::parse(const QByteArray &fileText, const QStringList &commandLine,
                                    QString *error)
{
    QCommandLineParser first;
    first.addOptions({ m_listen, m_origin, m_noLobby });
    const QStringList arguments = QStringList{ QStringLiteral("roomshare-server") } + commandLine;
    if (!first.parse(arguments))
        return { QStringLiteral("first parse: ") + first.errorText() };
    const auto merged
        = Config::argumentsWithConfigFile(writeFile(fileText), { m_listen, m_origin, m_noLobby },
                                          first.optionNames(), arguments, error);
    if (!merged)
        return {};
    QCommandLineParser parser;
    parser.addOptions({ m_listen, m_origin, m_noLobby });
    if (!parser.parse(*merged))
        return { QStringLiteral("second parse: ") + parser.errorText() };
    return { parser.value(m_listen), parser.values(m_origin).join(QLatin1Char(',')),
             parser.isSet(m_noLobby) ? QStringLiteral("no-lobby") : QString() };
}

void tst_ServerConfig::readsKeyValueLines()
{
    QString error;
    const auto settings = Config::readConfigFile(
        writeFile("# comment\n; also a comment\n\n  listen =  0.0.0.0:7450  \n"
                  "allow-origin=\"https://a.example\"\nempty =\n"),
        &error);
    QVERIFY2(settings, qPrintable(error));
    QCOMPARE(settings->size(), 3);
    QCOMPARE(settings->at(0).key, QStringLiteral("listen"));
    QCOMPARE(settings->at(0).value, QStringLiteral("0.0.0.0:7450"));
    QCOMPARE(settings->at(0).line, 4);
    QCOMPARE(settings->at(1).value, QStringLiteral("https://a.example"));
    QCOMPARE(settings->at(2).value, QString());

    QVERIFY(!Config::readConfigFile(m_dir.filePath(QStringLiteral("missing.conf")), &error));
    QVERIFY2(error.contains(QStringLiteral("missing.conf")), qPrintable(error));
}

void tst_ServerConfig::rejectsBadLines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::addRow("no equals sign")
        << QByteArray("listen 0.0.0.0:7450\n") << QStringLiteral(":1: expected");
    QTest::addRow("no key") << QByteArray("\n= 1\n") << QStringLiteral(":2: expected");
    QTest::addRow("unknown key") << QByteArray("lisen = 1\n")
                                 << QStringLiteral(":1: unknown key \"lisen\"");
    QTest::addRow("the option's dashes")
        << QByteArray("--listen = 1\n") << QStringLiteral("unknown key");
    QTest::addRow("flag with a value")
        << QByteArray("no-lobby = maybe\n") << QStringLiteral(":1: no-lobby takes yes or no");
}

void tst_ServerConfig::rejectsBadLines()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QString error;
    QCOMPARE(parse(text, {}, &error), QStringList());
    QVERIFY2(error.contains(message), qPrintable(error));
}

void tst_ServerConfig::commandLineWins_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("commandLine");
    QTest::addColumn<QStringList>("expected");
    const QString defaultListen = QStringLiteral("127.0.0.1:7450");
    QTest::addRow("empty file") << QByteArray() << QStringList()
                                << QStringList{ defaultListen, QString(), QString() };
    QTest::addRow("file only") << QByteArray("listen = *:7450\nallow-origin = https://a\n"
                                             "allow-origin = https://b\nno-lobby = yes\n")
                               << QStringList()
                               << QStringList{ QStringLiteral("*:7450"),
                                               QStringLiteral("https://a,https://b"),
                                               QStringLiteral("no-lobby") };
    QTest::addRow("flag off") << QByteArray("no-lobby = off\n") << QStringList()
                              << QStringList{ defaultListen, QString(), QString() };
    QTest::addRow("command line wins")
        << QByteArray("listen = *:7450\nallow-origin = https://a\n")
        << QStringList{ QStringLiteral("--listen"), QStringLiteral("[::1]:9"),
                        QStringLiteral("--allow-origin=https://c") }
        << QStringList{ QStringLiteral("[::1]:9"), QStringLiteral("https://c"), QString() };
    QTest::addRow("value starting with a dash")
        << QByteArray("allow-origin = -x\n") << QStringList()
        << QStringList{ defaultListen, QStringLiteral("-x"), QString() };
}

void tst_ServerConfig::commandLineWins()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, commandLine);
    QFETCH(QStringList, expected);
    QString error;
    const QStringList values = parse(text, commandLine, &error);
    QVERIFY2(!values.isEmpty(), qPrintable(error));
    QCOMPARE(values, expected);
}

// packaging/server.conf documents one key per option of roomshare-server --help.
void tst_ServerConfig::packagedFileNamesEveryOption()
{
    const QString server = qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
    if (server.isEmpty())
        QSKIP("ROOMSHARE_SERVER_BIN is not set");
    QFile conf(QStringLiteral(ROOMSHARE_SOURCE_DIR "/packaging/server.conf"));
    QVERIFY(conf.open(QIODevice::ReadOnly | QIODevice::Text));
    const QString text = QString::fromUtf8(conf.readAll());

    QProcess help;
    help.start(server, { QStringLiteral("--help") });
    QVERIFY(help.waitForFinished(10000));
    const QString helpText = QString::fromUtf8(help.readAllStandardOutput());
    static const QRegularExpression optionPattern(QStringLiteral("--([a-z][a-z0-9-]*)"));
    QStringList options;
    for (const auto &match : optionPattern.globalMatch(helpText)) {
        const QString name = match.captured(1);
        if (!name.startsWith(QLatin1String("help")) && name != QLatin1String("version")
            && name != QLatin1String("config") && !options.contains(name))
            options.append(name);
    }
    QVERIFY(options.size() > 10);
    for (const QString &name : std::as_const(options)) {
        const QRegularExpression key(QStringLiteral("^[#;]? ?%1 =").arg(name),
                                     QRegularExpression::MultilineOption);
        QVERIFY2(text.contains(key), qPrintable(name + QStringLiteral(" is not in server.conf")));
    }
}

// Every option of roomshare-server --help is a key its --config accepts (main.cpp maps the
// file's keys onto its options and must list each new one).
void tst_ServerConfig::serverTakesEveryOptionAsKey()
{
    const QString server = qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
    if (server.isEmpty())
        QSKIP("ROOMSHARE_SERVER_BIN is not set");
    QProcess help;
    help.start(server, { QStringLiteral("--help") });
    QVERIFY(help.waitForFinished(10000));
    // "  --listen <HOST:PORT>  Address ..." or "  --no-lobby  Turn ..."
    static const QRegularExpression optionLine(
        QStringLiteral("^\\s+(?:-\\w, )?--([a-z][a-z0-9-]*)( <)?"),
        QRegularExpression::MultilineOption);
    QByteArray conf;
    int keys = 0;
    for (const auto &match :
         optionLine.globalMatch(QString::fromUtf8(help.readAllStandardOutput()))) {
        const QString name = match.captured(1);
        if (name.startsWith(QLatin1String("help")) || name == QLatin1String("version")
            || name == QLatin1String("config"))
            continue;
        conf += name.toUtf8() + (match.captured(2).isEmpty() ? " = no\n" : " = x\n");
        ++keys;
    }
    QVERIFY(keys > 10);
    // The command line's --listen wins and fails, after every key of the file was accepted.
    QProcess run;
    run.start(server,
              { QStringLiteral("--config"), writeFile(conf), QStringLiteral("--listen"),
                QStringLiteral("bogus") });
    QVERIFY(run.waitForFinished(10000));
    const QString errors = QString::fromUtf8(run.readAllStandardError());
    QCOMPARE(run.exitCode(), 1);
    QVERIFY2(errors.contains(QStringLiteral("--listen:")), qPrintable(errors));
}

QTEST_GUILESS_MAIN(tst_ServerConfig)
#include "tst_serverconfig.moc"
