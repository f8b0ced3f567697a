// Issue 15, finding 2: `roomshare-cli list` against the real server executable in a room of
// 3,000 files with long names (measured before paging: 900 such files made it fail with
// 1180, because `joined` was larger than any client accepts).

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "seedroom.h"

class TestCliLargeRoom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listThousandsOfFiles();
};

void TestCliLargeRoom::listThousandsOfFiles()
{
    constexpr int Count = 3000;
    const QString serverBin = qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
    const QString cliBin = qEnvironmentVariable("ROOMSHARE_CLI_BIN");
    QVERIFY(QFileInfo(serverBin).isExecutable() && QFileInfo(cliBin).isExecutable());
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString data = tmp.filePath(QStringLiteral("data"));
    const QString secret = tmp.filePath(QStringLiteral("secret"));
    QVERIFY(TestUtil::seedRoom(data, QStringLiteral("big"), Count, 200));

    QProcess server;
    server.start(serverBin,
                 { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                   QStringLiteral("--data"), data, QStringLiteral("--secret-file"), secret });
    auto stop = qScopeGuard([&server] {
        server.terminate();
        if (!server.waitForFinished(5000))
            server.kill();
        server.waitForFinished(5000);
    });
    QVERIFY(server.waitForReadyRead(10000));
    static const QRegularExpression re(
        QStringLiteral("^roomshare-server listening on (ws://127\\.0\\.0\\.1:\\d+)"));
    const auto m = re.match(QString::fromUtf8(server.readLine()));
    QVERIFY(m.hasMatch());

    QProcess invite;
    invite.start(serverBin,
                 { QStringLiteral("invite"), QStringLiteral("--secret-file"), secret,
                   QStringLiteral("--url"), m.captured(1), QStringLiteral("--room"),
                   QStringLiteral("big"), QStringLiteral("--name"), QStringLiteral("Dave") });
    QVERIFY(invite.waitForFinished(10000));
    const QString link = QString::fromUtf8(invite.readAllStandardOutput()).trimmed();
    QVERIFY(link.startsWith(QStringLiteral("roomshare://")));

    QProcess list;
    list.start(cliBin, { QStringLiteral("list"), link });
    QVERIFY(list.waitForFinished(30000));
    const QByteArray out = list.readAllStandardOutput();
    QVERIFY2(list.exitCode() == 0, list.readAllStandardError().constData());
    const QJsonDocument doc = QJsonDocument::fromJson(out);
    QVERIFY(doc.isArray());
    const QJsonArray files = doc.array();
    QCOMPARE(files.size(), Count);
    QSet<qint64> indexes;
    for (const QJsonValue &f : files)
        indexes.insert(f.toObject().value(QLatin1String("index")).toInteger());
    QCOMPARE(indexes.size(), Count);
}

QTEST_GUILESS_MAIN(TestCliLargeRoom)
#include "tst_cli_largeroom.moc"
