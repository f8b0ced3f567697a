// Issue 15, finding 5: a server others can reach speaks TLS unless told otherwise; the
// packaged service runs with --tls-self-signed.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCliTransport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void plaintextOnReachableAddressIsRefused();
    void insecurePlaintextIsExplicit();
    void selfSignedServesPinnedTls();
    void packagedServiceUsesTls();

private:
    //! Starts roomshare-server with \a args; returns its first stdout line, or the empty
    //! string when it exited (\a exitCode then set) or printed nothing within 10 s.
    QString start(QProcess &server, const QStringList &args, int *exitCode = nullptr);
    QTemporaryDir m_tmp;
};

QString TestCliTransport::start(QProcess &server, const QStringList &args, int *exitCode)
{
    server.start(qEnvironmentVariable("ROOMSHARE_SERVER_BIN"),
                 args
                     + QStringList{ QStringLiteral("--data"),
                                    m_tmp.filePath(QStringLiteral("data")),
                                    QStringLiteral("--secret-file"),
                                    m_tmp.filePath(QStringLiteral("secret")) });
    if (!server.waitForStarted(5000))
        return QString();
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000) {
        if (server.canReadLine())
            return QString::fromUtf8(server.readLine()).trimmed();
        if (server.state() == QProcess::NotRunning) {
            if (exitCode)
                *exitCode = server.exitCode();
            return QString();
        }
        server.waitForReadyRead(100);
    }
    return QString();
}

void TestCliTransport::plaintextOnReachableAddressIsRefused()
{
    QProcess server;
    int code = 0;
    QCOMPARE(start(server, { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0") }, &code),
             QString());
    QVERIFY(code != 0);
    const QString err = QString::fromUtf8(server.readAllStandardError());
    QVERIFY2(err.contains(QStringLiteral("--insecure-plaintext")), qPrintable(err));
    // Loopback stays plain without ceremony (tests, the CLI on one machine).
    QProcess local;
    QVERIFY(start(local, { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") })
                .startsWith(QStringLiteral("roomshare-server listening on ws://")));
    local.kill();
    local.waitForFinished(5000);
}

void TestCliTransport::insecurePlaintextIsExplicit()
{
    QProcess server;
    const QString line = start(server,
                               { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                                 QStringLiteral("--insecure-plaintext") });
    QVERIFY2(line.startsWith(QStringLiteral("roomshare-server listening on ws://")),
             qPrintable(line));
    server.kill();
    server.waitForFinished(5000);
}

void TestCliTransport::selfSignedServesPinnedTls()
{
    QProcess server;
    const QString tls = m_tmp.filePath(QStringLiteral("tls"));
    const QString line = start(server,
                               { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                                 QStringLiteral("--tls-self-signed"), tls, QStringLiteral("--room"),
                                 QStringLiteral("standup") });
    QVERIFY2(line.startsWith(QStringLiteral("roomshare-server listening on wss://")),
             qPrintable(line));
    QVERIFY(server.waitForReadyRead(5000) || server.canReadLine());
    const QString invite = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(invite.startsWith(QStringLiteral("invite: roomshares://")), qPrintable(invite));
    static const QRegularExpression pin(QStringLiteral("[?&]fp=[0-9a-f]{64}"));
    QVERIFY2(pin.match(invite).hasMatch(), qPrintable(invite));
    QVERIFY(QFile::exists(tls + QStringLiteral("/cert.pem")));
    QCOMPARE(QFile(tls + QStringLiteral("/key.pem")).permissions()
                 & (QFile::ReadGroup | QFile::ReadOther),
             QFile::Permissions());
    server.kill();
    server.waitForFinished(5000);
}

void TestCliTransport::packagedServiceUsesTls()
{
    // The unit reads the packaged configuration file; run the server as the unit would,
    // with that file (only the data folder moved here, the port free), on every address.
    QFile unit(QStringLiteral(ROOMSHARE_SOURCE_DIR "/packaging/roomshare-server.service"));
    QVERIFY(unit.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(unit.readAll());
    const QString exec
        = text.section(QStringLiteral("ExecStart="), 1).section(QLatin1Char('\n'), 0, 0);
    QVERIFY2(exec.contains(QStringLiteral("--config /etc/roomshare/server.conf")),
             qPrintable(exec));
    QVERIFY(!exec.contains(QStringLiteral("--insecure-plaintext")));
    QFile conf(QStringLiteral(ROOMSHARE_SOURCE_DIR "/packaging/server.conf"));
    QVERIFY(conf.open(QIODevice::ReadOnly));
    QString config = QString::fromUtf8(conf.readAll());
    config.replace(QStringLiteral("/var/lib/roomshare"), m_tmp.filePath(QStringLiteral("pkg")));
    config.replace(QStringLiteral("listen = 0.0.0.0:7450"), QStringLiteral("listen = 0.0.0.0:0"));
    QFile copy(m_tmp.filePath(QStringLiteral("server.conf")));
    QVERIFY(copy.open(QIODevice::WriteOnly));
    copy.write(config.toUtf8());
    copy.close();
    QProcess server;
    server.start(qEnvironmentVariable("ROOMSHARE_SERVER_BIN"),
                 { QStringLiteral("--config"), copy.fileName() });
    QVERIFY(server.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine() || server.state() == QProcess::NotRunning, 10000);
    const QString first = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(first.startsWith(QStringLiteral("roomshare-server listening on wss://")),
             qPrintable(first + QString::fromUtf8(server.readAllStandardError())));
    server.kill();
    server.waitForFinished(5000);
}

QTEST_GUILESS_MAIN(TestCliTransport)
#include "tst_cli_transport.moc"
