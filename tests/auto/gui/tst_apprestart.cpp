// Issue 16: the desktop app killed (SIGKILL, as `kill -9`) mid-upload lists the unfinished
// upload after its restart; Resume continues it from what the server holds and the file
// arrives byte-identical, Discard cancels it on the server. The real roomshare app
// (offscreen in ctest; on the X display when run under xvfb-run without QT_QPA_PLATFORM),
// roomshare-server and roomshare-cli as separate processes; the app
// reaches the server through a fault proxy that stops the link dead mid-upload.

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "processtest.h"

using namespace ProcessTest;

class TestAppRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void resumeAfterKill();
    void discardAfterKill();

private:
    //! Starts the app for \a link with the state file and private folders under m_tmp.
    void startApp(QProcess &app, const QString &link, const QStringList &extra);
    //! The app's last state line ("connected=1 ... unfinished=1").
    QString state() const;
    //! Starts the app sending \a file, kills it (SIGKILL) once the proxy stopped the link
    //! after \a bytes of the upload.
    void sendAndKill(const QString &link, const QString &file, qint64 bytes);
    QStringList records() const;
    QString lastRoomFile() const
    {
        return m_tmp.filePath(QStringLiteral("xdg-data/Roomshare/roomshare/last-room"));
    }

    QTemporaryDir m_tmp;
    std::unique_ptr<ProxiedServer> m_server;
    FaultProxy *m_proxy = nullptr;
};

void TestAppRestart::initTestCase()
{
    QVERIFY(QFileInfo(QStringLiteral(ROOMSHARE_APP_BIN)).isExecutable());
    QVERIFY(QFileInfo(serverBin()).isExecutable());
    m_server = std::make_unique<ProxiedServer>(m_tmp.path());
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_proxy = &m_server->proxy();
}

void TestAppRestart::cleanupTestCase()
{
    m_server.reset();
}

void TestAppRestart::startApp(QProcess &app, const QString &link, const QStringList &extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp.filePath(QStringLiteral("xdg-config")));
    if (!env.contains(QStringLiteral("DISPLAY")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QFile::remove(m_tmp.filePath(QStringLiteral("state")));
    app.start(QStringLiteral(ROOMSHARE_APP_BIN),
              QStringList{ QStringLiteral("--new-instance"), QStringLiteral("--demo-state-file"),
                           m_tmp.filePath(QStringLiteral("state")) }
                  + extra + (link.isEmpty() ? QStringList() : QStringList{ link }));
}

QString TestAppRestart::state() const
{
    QFile f(m_tmp.filePath(QStringLiteral("state")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

QStringList TestAppRestart::records() const
{
    return QDir(m_tmp.filePath(QStringLiteral("xdg-data/Roomshare/roomshare/unfinished-uploads")))
        .entryList({ QStringLiteral("*.json") }, QDir::Files);
}

void TestAppRestart::sendAndKill(const QString &link, const QString &file, qint64 bytes)
{
    m_proxy->setStalled(false);
    m_proxy->stallAfter(FaultProxy::ClientToServer, bytes);
    QProcess app;
    startApp(app, link, { QStringLiteral("--demo-send"), file });
    QVERIFY(app.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy->isStalled(), 60000);
    QTRY_VERIFY_WITH_TIMEOUT(records().size() == 1, 10000);
    // The window shows it as sending (its state line is written every 200 ms).
    QTRY_VERIFY2_WITH_TIMEOUT(state().contains(QLatin1String("uploading=1")), qPrintable(state()),
                              10000);
    app.kill(); // SIGKILL, exactly like kill -9
    QVERIFY(app.waitForFinished(5000));
    QCOMPARE(app.exitStatus(), QProcess::CrashExit);
    // What the dead process had written and the stalled proxy had not read goes nowhere.
    QTRY_COMPARE_WITH_TIMEOUT(m_proxy->connectionCount(), 0, 10000);
    m_proxy->setStalled(false);
}

void TestAppRestart::resumeAfterKill()
{
    const QString alice = m_server->invite(QStringLiteral("Alice"), QStringLiteral("apprestart"));
    const QString bob = m_server->invite(QStringLiteral("Bob"), QStringLiteral("apprestart"));
    QVERIFY(!alice.isEmpty() && !bob.isEmpty());
    const QByteArray content = randomBytes(24 * 1024 * 1024);
    const QString file = m_tmp.filePath(QStringLiteral("slides.bin"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(content) == content.size());
    }
    const qint64 before = m_proxy->bytesForwarded(FaultProxy::ClientToServer);
    sendAndKill(alice, file, 10 * 1024 * 1024);
    const qint64 firstRun = m_proxy->bytesForwarded(FaultProxy::ClientToServer) - before;

    // The killed app kept the room it was in, privately, for its next start.
    QVERIFY(QFile::exists(lastRoomFile()));
    QCOMPARE(QFile::permissions(lastRoomFile()) & 0x0077, QFileDevice::Permissions());

    // Restarted without a link, as from the desktop menu: back in the same room, the window
    // lists the unfinished upload and sends nothing by itself.
    QProcess app;
    const QString go = m_tmp.filePath(QStringLiteral("resume-now"));
    startApp(app, QString(),
             { QStringLiteral("--demo-resume-file"), go, QStringLiteral("--demo-quit-file"),
               m_tmp.filePath(QStringLiteral("quit-now")) });
    QTRY_VERIFY_WITH_TIMEOUT(state().contains(QLatin1String("unfinished=1")), 30000);
    QVERIFY2(state().startsWith(QLatin1String("connected=1")), qPrintable(state()));
    QVERIFY2(state().contains(QLatin1String("uploading=0")), qPrintable(state()));
    const qint64 beforeResume = m_proxy->bytesForwarded(FaultProxy::ClientToServer);

    // Resume: the upload finishes and leaves the list.
    QFile(go).open(QIODevice::WriteOnly);
    QTRY_VERIFY_WITH_TIMEOUT(state().contains(QLatin1String("uploaded=1 unfinished=0")), 60000);
    const qint64 secondRun = m_proxy->bytesForwarded(FaultProxy::ClientToServer) - beforeResume;
    qInfo() << "first run sent" << firstRun << "bytes, the resumed one" << secondRun << "of"
            << content.size();
    // Resumed where the server stopped, not from byte 0: what the first run got through is
    // not sent again (framing and control messages are a few KiB).
    QVERIFY(secondRun < content.size() - firstRun + 1024 * 1024);
    QVERIFY(records().isEmpty());

    // Quit as a user does, with nothing left unfinished: the next start asks again.
    const QString quit = m_tmp.filePath(QStringLiteral("quit-now"));
    QFile(quit).open(QIODevice::WriteOnly);
    QVERIFY(app.waitForFinished(15000));
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QVERIFY(!QFile::exists(lastRoomFile()));

    QTemporaryDir out;
    QProcess recv;
    recv.start(cliBin(),
               { QStringLiteral("recv"), bob, QStringLiteral("--all"), QStringLiteral("--out"),
                 out.path() });
    QTRY_VERIFY_WITH_TIMEOUT(recv.state() == QProcess::NotRunning, 60000);
    QCOMPARE(recv.exitCode(), 0);
    QFile got(QDir(out.path()).filePath(QStringLiteral("slides.bin")));
    QVERIFY(got.open(QIODevice::ReadOnly));
    QVERIFY(got.readAll() == content);
}

void TestAppRestart::discardAfterKill()
{
    const QString alice = m_server->invite(QStringLiteral("Alice"), QStringLiteral("appdiscard"));
    QVERIFY(!alice.isEmpty());
    const QString file = m_tmp.filePath(QStringLiteral("draft.bin"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(randomBytes(16 * 1024 * 1024)) > 0);
    }
    sendAndKill(alice, file, 6 * 1024 * 1024);
    QCOMPARE(filesUnder(m_tmp.filePath(QStringLiteral("data/partial"))).size(), 1);

    QProcess app;
    const QString go = m_tmp.filePath(QStringLiteral("discard-now"));
    startApp(app, alice, { QStringLiteral("--demo-discard-file"), go });
    QTRY_VERIFY_WITH_TIMEOUT(state().contains(QLatin1String("unfinished=1")), 30000);
    QFile(go).open(QIODevice::WriteOnly);
    QTRY_VERIFY_WITH_TIMEOUT(state().contains(QLatin1String("unfinished=0")), 30000);
    QVERIFY(records().isEmpty());
    // The server deleted what it had received.
    QTRY_COMPARE_WITH_TIMEOUT(filesUnder(m_tmp.filePath(QStringLiteral("data/partial"))),
                              QStringList(), 10000);
    QVERIFY(state().contains(QLatin1String("uploaded=0")));
    app.kill();
    app.waitForFinished(5000);
}

QTEST_GUILESS_MAIN(TestAppRestart)
#include "tst_apprestart.moc"
