// Issue 16: an upload survives the sender's restart. The real roomshare-server and
// roomshare-cli executables; the sender reaches the server through a fault proxy that
// stops the link dead mid-upload, so the CLI is killed (SIGKILL, as `kill -9`) with part of
// the file on the server. The next `send` of the same file with the same link continues
// from the server's durable offset; a file changed in between starts over, saying why.

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "processtest.h"

using namespace ProcessTest;

namespace {

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size();
}

QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> events;
    for (const QByteArray &line : out.split('\n'))
        if (!line.isEmpty())
            events << QJsonDocument::fromJson(line).object();
    return events;
}

QJsonObject firstOf(const QList<QJsonObject> &events, const QString &type)
{
    for (const auto &e : events)
        if (e.value(QLatin1String("messageType")).toString() == type)
            return e;
    return {};
}

} // namespace

class TestCliRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void killedSenderResumes();
    void changedFileStartsOver();

private:
    //! Starts `send LINK FILE` with the private state folder under m_tmp.
    void startSend(QProcess &p, const QString &link, const QString &file);
    //! Runs `send` through the stalling proxy until the proxy stopped the link after
    //! \a bytes of the upload, then kills the CLI with SIGKILL.
    void sendAndKill(const QString &link, const QString &file, qint64 bytes);
    //! The unfinished-upload records in the CLI's state folder.
    QStringList records() const;
    //! `recv --all` of \a link into a new folder; the content of the one file received.
    QByteArray receiveOne(const QString &link);

    QTemporaryDir m_tmp;
    std::unique_ptr<ProxiedServer> m_server;
    FaultProxy *m_proxy = nullptr;
};

void TestCliRestart::initTestCase()
{
    QVERIFY(QFileInfo(serverBin()).isExecutable());
    QVERIFY(QFileInfo(cliBin()).isExecutable());
    m_server = std::make_unique<ProxiedServer>(m_tmp.path());
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_proxy = &m_server->proxy();
}

void TestCliRestart::cleanupTestCase()
{
    m_server.reset();
}

void TestCliRestart::startSend(QProcess &p, const QString &link, const QString &file)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("roomshare.core.info=true"));
    p.setProcessEnvironment(env);
    p.start(cliBin(), { QStringLiteral("send"), link, file });
}

QStringList TestCliRestart::records() const
{
    return QDir(m_tmp.filePath(QStringLiteral("state/Roomshare/roomshare-cli/unfinished-uploads")))
        .entryList({ QStringLiteral("*.json") }, QDir::Files);
}

void TestCliRestart::sendAndKill(const QString &link, const QString &file, qint64 bytes)
{
    m_proxy->setStalled(false);
    m_proxy->stallAfter(FaultProxy::ClientToServer, bytes);
    QProcess sender;
    startSend(sender, link, file);
    QVERIFY(sender.waitForStarted());
    // The link stops dead with part of the file on the server and the upload recorded.
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy->isStalled(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(records().size() == 1, 10000);
    QCOMPARE(sender.state(), QProcess::Running);
    sender.kill(); // SIGKILL: no leave, no clean-up, exactly like kill -9
    QVERIFY(sender.waitForFinished(5000));
    QCOMPARE(sender.exitStatus(), QProcess::CrashExit);
    // What the dead process had written and the stalled proxy had not read goes nowhere.
    QTRY_COMPARE_WITH_TIMEOUT(m_proxy->connectionCount(), 0, 10000);
    m_proxy->setStalled(false);
}

QByteArray TestCliRestart::receiveOne(const QString &link)
{
    QTemporaryDir out;
    QProcess p;
    p.start(cliBin(),
            { QStringLiteral("recv"), link, QStringLiteral("--all"), QStringLiteral("--out"),
              out.path() });
    QElapsedTimer t;
    t.start();
    while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(50); // the proxy lives on this thread's event loop
    if (p.exitCode() != 0)
        return QByteArray("recv failed: ") + p.readAllStandardError();
    const QStringList files = QDir(out.path()).entryList(QDir::Files);
    if (files.size() != 1)
        return QByteArray("received ") + QByteArray::number(files.size()) + " files";
    QFile f(QDir(out.path()).filePath(files.first()));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void TestCliRestart::killedSenderResumes()
{
    const QString alice = m_server->invite(QStringLiteral("Alice"), QStringLiteral("restart"));
    const QString bob = m_server->invite(QStringLiteral("Bob"), QStringLiteral("restart"));
    QVERIFY(!alice.isEmpty() && !bob.isEmpty());
    const QByteArray content = randomBytes(24 * 1024 * 1024);
    const QString file = m_tmp.filePath(QStringLiteral("big.bin"));
    QVERIFY(writeFile(file, content));

    const qint64 before = m_proxy->bytesForwarded(FaultProxy::ClientToServer);
    sendAndKill(alice, file, 10 * 1024 * 1024);
    const qint64 reached = m_proxy->bytesForwarded(FaultProxy::ClientToServer) - before;

    // The record is private to the user and holds no part of the invite link.
    const QStringList recs = records();
    QCOMPARE(recs.size(), 1);
    const QString recPath = m_tmp.filePath(
        QStringLiteral("state/Roomshare/roomshare-cli/unfinished-uploads/") + recs.first());
    QCOMPARE(QFileInfo(recPath).permissions() & 0x0077, QFile::Permissions());
    QFile rec(recPath);
    QVERIFY(rec.open(QIODevice::ReadOnly));
    const QByteArray recText = rec.readAll();
    const QString token
        = alice.section(QStringLiteral("token="), 1).section(QLatin1Char('&'), 0, 0);
    QVERIFY(!token.isEmpty());
    QVERIFY(!recText.contains(token.toUtf8()));
    QVERIFY(recText.contains(QFileInfo(file).absoluteFilePath().toUtf8()));

    // Another file sent with the same link in between leaves the unfinished upload alone.
    const QByteArray other = randomBytes(64 * 1024);
    const QString otherFile = m_tmp.filePath(QStringLiteral("agenda.txt"));
    QVERIFY(writeFile(otherFile, other));
    QProcess between;
    startSend(between, alice, otherFile);
    QElapsedTimer t;
    t.start();
    while (between.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(50);
    QCOMPARE(between.exitCode(), 0);
    QCOMPARE(records().size(), 1);
    const qint64 beforeAgain = m_proxy->bytesForwarded(FaultProxy::ClientToServer);

    QProcess again;
    startSend(again, alice, file);
    t.restart();
    while (again.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(50);
    const QString err = QString::fromUtf8(again.readAllStandardError());
    QCOMPARE(again.exitStatus(), QProcess::NormalExit);
    QVERIFY2(again.exitCode() == 0, qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("resuming the unfinished upload")), qPrintable(err));
    const auto events = jsonLines(again.readAllStandardOutput());
    const QJsonObject resumed = firstOf(events, QStringLiteral("upload-resumed"));
    QVERIFY2(!resumed.isEmpty(), qPrintable(err));
    const QJsonObject response = resumed.value(QLatin1String("response")).toObject();
    const qint64 offset = qint64(response.value(QLatin1String("offset")).toDouble());
    qInfo() << "killed after" << reached << "bytes through the proxy; resumed at" << offset;
    QVERIFY2(offset > 0, "resumed from the start");
    QVERIFY(offset <= reached);
    QVERIFY(response.value(QLatin1String("restarted")).toBool());
    QVERIFY(!firstOf(events, QStringLiteral("upload-completed")).isEmpty());
    // Only the rest went over the wire the second time (plus framing and control traffic).
    const qint64 secondRun = m_proxy->bytesForwarded(FaultProxy::ClientToServer) - beforeAgain;
    QVERIFY2(secondRun < content.size() - offset + 1024 * 1024,
             qPrintable(QString::number(secondRun) + QLatin1Char('\n') + err));
    QVERIFY(records().isEmpty());

    QTemporaryDir out;
    QProcess p;
    p.start(cliBin(),
            { QStringLiteral("recv"), bob, QStringLiteral("--all"), QStringLiteral("--out"),
              out.path() });
    t.restart();
    while (p.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(50);
    QCOMPARE(p.exitCode(), 0);
    QFile got(QDir(out.path()).filePath(QStringLiteral("big.bin")));
    QVERIFY(got.open(QIODevice::ReadOnly));
    QVERIFY(got.readAll() == content);
    QFile gotOther(QDir(out.path()).filePath(QStringLiteral("agenda.txt")));
    QVERIFY(gotOther.open(QIODevice::ReadOnly));
    QVERIFY(gotOther.readAll() == other);
}

void TestCliRestart::changedFileStartsOver()
{
    const QString alice = m_server->invite(QStringLiteral("Alice"), QStringLiteral("changed"));
    const QString bob = m_server->invite(QStringLiteral("Bob"), QStringLiteral("changed"));
    QVERIFY(!alice.isEmpty() && !bob.isEmpty());
    const QString file = m_tmp.filePath(QStringLiteral("report.bin"));
    QVERIFY(writeFile(file, randomBytes(16 * 1024 * 1024)));
    sendAndKill(alice, file, 6 * 1024 * 1024);
    QCOMPARE(records().size(), 1);

    // Same size, other bytes, a later modification time: not the file the server holds.
    const QByteArray changed = randomBytes(16 * 1024 * 1024);
    QVERIFY(writeFile(file, changed));
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(
        f.setFileTime(QDateTime::currentDateTime().addSecs(5), QFileDevice::FileModificationTime));
    f.close();

    QProcess again;
    startSend(again, alice, file);
    QElapsedTimer t;
    t.start();
    while (again.state() != QProcess::NotRunning && t.elapsed() < 60000)
        QTest::qWait(50);
    const QString err = QString::fromUtf8(again.readAllStandardError());
    QVERIFY2(again.exitCode() == 0, qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("not resuming")) && err.contains(QLatin1String("changed")),
             qPrintable(err));
    const auto events = jsonLines(again.readAllStandardOutput());
    const QJsonObject discarded = firstOf(events, QStringLiteral("upload-discarded"));
    QVERIFY(!discarded.isEmpty());
    QCOMPARE(discarded.value(QLatin1String("result")).toInt(), 1195);
    QVERIFY(discarded.value(QLatin1String("description"))
                .toString()
                .contains(QLatin1String("changed")));
    QVERIFY(firstOf(events, QStringLiteral("upload-resumed")).isEmpty());
    QVERIFY(!firstOf(events, QStringLiteral("upload-completed")).isEmpty());
    QVERIFY(records().isEmpty());
    // The old upload was cancelled on the server: no partial data is left behind.
    QTRY_COMPARE_WITH_TIMEOUT(filesUnder(m_tmp.filePath(QStringLiteral("data/partial"))),
                              QStringList(), 10000);

    QCOMPARE(receiveOne(bob), changed);
}

QTEST_GUILESS_MAIN(TestCliRestart)
#include "tst_cli_restart.moc"
