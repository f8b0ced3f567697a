// The command-line client and the server executable, as a script would use them: real
// processes talking over 127.0.0.1, three participants, JSON lines on stdout.
//
// Two-node mode (issue 14, tests/extra/scaleout-cli.sh): ROOMSHARE_TEST_TWO_NODES holds the
// server arguments two nodes share (a --database postgresql://... and a --storage s3://...).
// The suite then starts two roomshare-server nodes with them and the same secret, and puts
// senders on node 1 and receivers on node 2 (listeners that receive nothing alternate), so
// every file crosses nodes. What acts on one node only (the lobby, lock, removing a
// participant connected elsewhere, download limits: docs/scale-out.md) is skipped there,
// naming the reason. Without the variable nothing changes: one server, every client on it.

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "sha256.h"

namespace {

QString serverBin()
{
    return qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
}

QString cliBin()
{
    return qEnvironmentVariable("ROOMSHARE_CLI_BIN");
}

//! Two-node mode: the node number of each node's "127.0.0.1:PORT"; empty with one server.
QHash<QString, int> g_nodeOfAddress;

//! Two-node mode: logs which node a CLI run talks to (the address in its link).
void logNode(const QStringList &args)
{
    if (g_nodeOfAddress.isEmpty() || args.size() < 2)
        return;
    static const QRegularExpression address(QStringLiteral("^roomshare://([^/]+)/"));
    const QString hostPort = address.match(args.at(1)).captured(1);
    qInfo("roomshare-cli %s on node %d", qPrintable(args.first()),
          g_nodeOfAddress.value(hostPort, 0));
}

//! A long-running process whose stdout is read as JSON lines.
class LineProcess
{
public:
    explicit LineProcess(const QString &program, const QStringList &args)
    {
        logNode(args);
        m_proc.setProgram(program);
        m_proc.setArguments(args);
        m_proc.start();
    }
    ~LineProcess()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.terminate();
            if (!m_proc.waitForFinished(3000))
                m_proc.kill();
            m_proc.waitForFinished(3000);
        }
    }
    QProcess &process() { return m_proc; }

    //! Reads what arrived so far; returns every line seen since the start.
    QStringList lines()
    {
        m_buffer += m_proc.readAllStandardOutput();
        int nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            m_lines << QString::fromUtf8(m_buffer.left(nl));
            m_buffer.remove(0, nl + 1);
        }
        return m_lines;
    }
    //! Waits until a JSON line with \a messageType appears; returns it (empty on timeout).
    QJsonObject waitFor(const QString &messageType, int timeoutMs = 20000)
    {
        QElapsedTimer t;
        t.start();
        do {
            for (const QString &l : lines()) {
                const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
                if (o.value(QLatin1String("messageType")).toString() == messageType)
                    return o;
            }
            m_proc.waitForReadyRead(50);
        } while (t.elapsed() < timeoutMs);
        return {};
    }

private:
    QProcess m_proc;
    QByteArray m_buffer;
    QStringList m_lines;
};

struct Result
{
    int exitCode = -1;
    QList<QJsonObject> events;
    QByteArray stdOut;
    QString stdErr;
};

Result runCli(const QStringList &args, int timeoutMs = 60000)
{
    logNode(args);
    QProcess p;
    p.start(cliBin(), args);
    Result r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.stdErr = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.stdOut = p.readAllStandardOutput();
    r.stdErr = QString::fromUtf8(p.readAllStandardError());
    for (const QByteArray &line : r.stdOut.split('\n'))
        if (!line.isEmpty())
            r.events << QJsonDocument::fromJson(line).object();
    return r;
}

QStringList typesOf(const QList<QJsonObject> &events)
{
    QStringList out;
    for (const auto &e : events)
        out << e.value(QLatin1String("messageType")).toString();
    return out;
}

QString writeFile(const QString &dir, const QString &name, const QByteArray &content)
{
    const QString path = QDir(dir).filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return QString();
    return path;
}

QByteArray randomBytes(int n)
{
    QByteArray b(n, Qt::Uninitialized);
    for (int i = 0; i < n; ++i)
        b[i] = char(QRandomGenerator::global()->generate());
    return b;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void serverHelpAndErrors();
    void inviteCommand();
    void threeParticipants();
    void usageAndErrors();
    void knockAdmitDenyAndInvite();
    void hostControls();
    void listMine();
    void sendLimits();
    void sendFolder();

private:
    enum class Node { One, Two };
    QString invite(const QString &name, const QString &room = QStringLiteral("standup"),
                   const QString &role = QStringLiteral("participant"));
    //! \a link (of node 1) with node \a node's address in two-node mode; unchanged with
    //! one server. The token is the same: the nodes share the secret.
    QString at(Node node, const QString &link) const;
    //! Starts a server on data folder \a dataName with \a extra arguments; its ws:// URL.
    QString startServer(std::unique_ptr<LineProcess> &server, const QString &dataName,
                        const QStringList &extra);

    QTemporaryDir m_tmp;
    std::unique_ptr<LineProcess> m_server;
    QString m_url;
    //! Two-node mode (ROOMSHARE_TEST_TWO_NODES): the second node and its URL.
    bool m_twoNodes = false;
    std::unique_ptr<LineProcess> m_server2;
    QString m_url2;
};

QString TestCli::startServer(std::unique_ptr<LineProcess> &server, const QString &dataName,
                             const QStringList &extra)
{
    server = std::make_unique<LineProcess>(
        serverBin(),
        QStringList{ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                     QStringLiteral("--data"), m_tmp.filePath(dataName),
                     QStringLiteral("--secret-file"), m_tmp.filePath(QStringLiteral("secret")) }
            + extra);
    // The first line comes once the server listens (after the checks of the database and
    // the bucket in two-node mode).
    QElapsedTimer t;
    t.start();
    while (server->lines().isEmpty() && t.elapsed() < 30000
           && server->process().state() != QProcess::NotRunning)
        server->process().waitForReadyRead(100);
    const QStringList lines = server->lines();
    if (lines.isEmpty()) {
        qWarning("roomshare-server did not start: %s",
                 server->process().readAllStandardError().constData());
        return QString();
    }
    static const QRegularExpression re(
        QStringLiteral("^roomshare-server listening on (ws://127\\.0\\.0\\.1:(\\d+))$"));
    const auto m = re.match(lines.first());
    if (!m.hasMatch() || m.captured(2).toInt() <= 0) {
        qWarning("unexpected first line: %s", qPrintable(lines.first()));
        return QString();
    }
    return m.captured(1);
}

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(serverBin()).isExecutable(),
             "ROOMSHARE_SERVER_BIN must point at roomshare-server");
    QVERIFY2(QFileInfo(cliBin()).isExecutable(), "ROOMSHARE_CLI_BIN must point at roomshare-cli");
    const QStringList shared
        = QProcess::splitCommand(qEnvironmentVariable("ROOMSHARE_TEST_TWO_NODES"));
    m_twoNodes = !shared.isEmpty();
    m_url = startServer(m_server, QStringLiteral("data"), shared);
    QVERIFY(!m_url.isEmpty());
    // The secret was generated on first start, readable by its owner only.
    const QFileInfo secret(m_tmp.filePath(QStringLiteral("secret")));
    QVERIFY(secret.exists() && secret.size() >= 32);
    QCOMPARE(secret.permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
    if (m_twoNodes) {
        // Node 2: its own data folder, the same database, bucket and secret.
        m_url2 = startServer(m_server2, QStringLiteral("data-node2"), shared);
        QVERIFY(!m_url2.isEmpty());
        QVERIFY(m_url2 != m_url);
        g_nodeOfAddress.insert(QUrl(m_url).authority(), 1);
        g_nodeOfAddress.insert(QUrl(m_url2).authority(), 2);
        qInfo("two nodes: node 1 %s, node 2 %s, sharing %s", qPrintable(m_url), qPrintable(m_url2),
              qPrintable(shared.join(QLatin1Char(' '))));
    }
}

void TestCli::cleanupTestCase()
{
    m_server2.reset();
    m_server.reset();
}

QString TestCli::at(Node node, const QString &link) const
{
    if (!m_twoNodes || node == Node::One)
        return link;
    QString moved = link;
    const QString from
        = QStringLiteral("roomshare://") + QUrl(m_url).authority() + QLatin1Char('/');
    const QString to = QStringLiteral("roomshare://") + QUrl(m_url2).authority() + QLatin1Char('/');
    if (!moved.startsWith(from))
        return QString(); // not a link of node 1: the test fails on the empty link
    moved.replace(0, from.size(), to);
    return moved;
}

QString TestCli::invite(const QString &name, const QString &room, const QString &role)
{
    QProcess p;
    p.start(serverBin(),
            { QStringLiteral("invite"), QStringLiteral("--secret-file"),
              m_tmp.filePath(QStringLiteral("secret")), QStringLiteral("--url"), m_url,
              QStringLiteral("--room"), room, QStringLiteral("--name"), name,
              QStringLiteral("--role"), role });
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return QString();
    const QStringList lines
        = QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return lines.size() == 1 ? lines.first() : QString();
}

void TestCli::serverHelpAndErrors()
{
    QProcess help;
    help.start(serverBin(), { QStringLiteral("--help") });
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    const QString text = QString::fromUtf8(help.readAllStandardOutput());
    for (const char *opt :
         { "--listen", "--data", "--secret-file", "--max-file-size", "--file-ttl", "invite" })
        QVERIFY2(text.contains(QLatin1String(opt)), opt);

    // A busy port is a clear error and a non-zero exit.
    const QString port = m_url.section(QLatin1Char(':'), -1);
    QProcess busy;
    busy.start(serverBin(),
               { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:") + port,
                 QStringLiteral("--data"), m_tmp.filePath(QStringLiteral("data2")),
                 QStringLiteral("--secret-file"), m_tmp.filePath(QStringLiteral("secret")) });
    QVERIFY(busy.waitForFinished(10000));
    QVERIFY(busy.exitCode() != 0);
    QVERIFY(!busy.readAllStandardError().isEmpty());
}

void TestCli::inviteCommand()
{
    const QString link = invite(QStringLiteral("Alice"));
    QVERIFY(link.startsWith(QStringLiteral("roomshare://127.0.0.1:")));
    QVERIFY(link.contains(QStringLiteral("/standup?token=")));
    QProcess missing;
    missing.start(serverBin(), { QStringLiteral("invite"), QStringLiteral("--url"), m_url });
    QVERIFY(missing.waitForFinished(10000));
    QVERIFY(missing.exitCode() != 0);
    QVERIFY(!missing.readAllStandardError().isEmpty());
}

void TestCli::threeParticipants()
{
    const QString bobDir = m_tmp.filePath(QStringLiteral("bob"));
    const QString srcDir = m_tmp.filePath(QStringLiteral("src"));
    QDir().mkpath(srcDir);

    // Two nodes: the senders on node 1, Bob and every other receiver on node 2, Carol (who
    // downloads nothing) on node 1, so her arrival and departure cross to Bob.
    LineProcess bob(cliBin(),
                    { QStringLiteral("listen"), at(Node::Two, invite(QStringLiteral("Bob"))),
                      QStringLiteral("--download-to"), bobDir });
    const QJsonObject bobJoined = bob.waitFor(QStringLiteral("room-connected"));
    QVERIFY(!bobJoined.isEmpty());
    const QString bobId = bobJoined.value(QLatin1String("clientId")).toString();
    QVERIFY(!bobId.isEmpty());
    LineProcess carol(cliBin(), { QStringLiteral("listen"), invite(QStringLiteral("Carol")) });
    QVERIFY(!carol.waitFor(QStringLiteral("room-connected")).isEmpty());
    QCOMPARE(bob.waitFor(QStringLiteral("user-connected")).value(QLatin1String("name")).toString(),
             QStringLiteral("Carol"));

    // Broadcast two files; Bob's listener downloads them.
    const QByteArray a = randomBytes(300000);
    const QString fa = writeFile(srcDir, QStringLiteral("a report.bin"), a);
    const QString fb = writeFile(srcDir, QStringLiteral("b.txt"), QByteArray("hello\n"));
    const Result sent = runCli({ QStringLiteral("send"), invite(QStringLiteral("Alice")), fa, fb });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));
    QStringList types = typesOf(sent.events);
    QCOMPARE(types.first(), QStringLiteral("room-connected"));
    QCOMPARE(types.count(QStringLiteral("upload-started")), 2);
    QCOMPARE(types.count(QStringLiteral("upload-completed")), 2);
    for (const auto &e : sent.events) {
        if (e.value(QLatin1String("messageType")).toString() == QLatin1String("upload-completed")) {
            const QJsonObject info
                = e[QLatin1String("response")][QLatin1String("uploadInfo")].toObject();
            QVERIFY(info.contains(QLatin1String("upJobId")) && info.contains(QLatin1String("name"))
                    && info.contains(QLatin1String("size"))
                    && info.contains(QLatin1String("type")));
        }
    }

    QTRY_VERIFY_WITH_TIMEOUT(
        QFileInfo::exists(QDir(bobDir).filePath(QStringLiteral("b.txt")))
            && QFileInfo::exists(QDir(bobDir).filePath(QStringLiteral("a report.bin"))),
        20000);
    QFile got(QDir(bobDir).filePath(QStringLiteral("a report.bin")));
    QVERIFY(got.open(QIODevice::ReadOnly));
    QCOMPARE(got.readAll(), a);
    QVERIFY(!bob.waitFor(QStringLiteral("download-completed")).isEmpty());
    QVERIFY(!carol.waitFor(QStringLiteral("download-available")).isEmpty());

    // list: one JSON array with the EnableX fields.
    const Result listed
        = runCli({ QStringLiteral("list"), at(Node::Two, invite(QStringLiteral("Dave"))) });
    QCOMPARE(listed.exitCode, 0);
    const QJsonDocument doc = QJsonDocument::fromJson(listed.stdOut);
    QVERIFY2(doc.isArray(), listed.stdOut.constData());
    QCOMPARE(doc.array().size(), 2);
    qint64 indexA = -1;
    for (const auto &v : doc.array()) {
        const QJsonObject f = v.toObject();
        for (const char *key :
             { "name", "size", "index", "sender", "senderId", "createdAt", "expiresAt" })
            QVERIFY2(f.contains(QLatin1String(key)), key);
        QCOMPARE(f.value(QLatin1String("sender")).toString(), QStringLiteral("Alice"));
        if (f.value(QLatin1String("name")).toString() == QLatin1String("a report.bin"))
            indexA = qint64(f.value(QLatin1String("index")).toDouble());
    }
    QVERIFY(indexA > 0);

    // recv by index.
    const QString eveDir = m_tmp.filePath(QStringLiteral("eve"));
    const Result received = runCli(
        { QStringLiteral("recv"), at(Node::Two, invite(QStringLiteral("Eve"))),
          QStringLiteral("--index"), QString::number(indexA), QStringLiteral("--out"), eveDir });
    QVERIFY2(received.exitCode == 0, qPrintable(received.stdErr));
    QCOMPARE(typesOf(received.events),
             (QStringList{ QStringLiteral("room-connected"), QStringLiteral("download-started"),
                           QStringLiteral("download-completed") }));
    QFile eveCopy(QDir(eveDir).filePath(QStringLiteral("a report.bin")));
    QVERIFY(eveCopy.open(QIODevice::ReadOnly));
    QCOMPARE(eveCopy.readAll(), a);

    // recv --all.
    const QString allDir = m_tmp.filePath(QStringLiteral("all"));
    const Result all
        = runCli({ QStringLiteral("recv"), at(Node::Two, invite(QStringLiteral("Frank"))),
                   QStringLiteral("--all"), QStringLiteral("--out"), allDir });
    QCOMPARE(all.exitCode, 0);
    QCOMPARE(QDir(allDir).entryList(QDir::Files).size(), 2);

    // Targeted: only Bob gets it; Carol's listener never hears of it.
    const QString secret = writeFile(srcDir, QStringLiteral("for-bob.txt"), QByteArray("private"));
    const Result targeted = runCli({ QStringLiteral("send"), invite(QStringLiteral("Alice")),
                                     secret, QStringLiteral("--to"), bobId });
    QVERIFY2(targeted.exitCode == 0, qPrintable(targeted.stdErr));
    QTRY_VERIFY_WITH_TIMEOUT(
        QFileInfo::exists(QDir(bobDir).filePath(QStringLiteral("for-bob.txt"))), 20000);
    const Result carolList
        = runCli({ QStringLiteral("list"), at(Node::Two, invite(QStringLiteral("Carol2"))) });
    QCOMPARE(QJsonDocument::fromJson(carolList.stdOut).array().size(), 2);
    // Carol must have seen the broadcasts but nothing of the private file.
    for (const QString &l : carol.lines())
        QVERIFY2(!l.contains(QLatin1String("for-bob")), qPrintable(l));

    // recv of an index nobody offered: non-zero exit, 1181 on stderr.
    const Result missing
        = runCli({ QStringLiteral("recv"), at(Node::Two, invite(QStringLiteral("Gina"))),
                   QStringLiteral("--index"), QStringLiteral("9999") });
    QVERIFY(missing.exitCode != 0);
    QVERIFY2(missing.stdErr.contains(QLatin1String("1181")), qPrintable(missing.stdErr));

    // Leaving is seen by the others.
    carol.process().terminate();
    QVERIFY(!bob.waitFor(QStringLiteral("user-disconnected")).isEmpty());
}

void TestCli::usageAndErrors()
{
    const QString link = invite(QStringLiteral("Hank"));
    // Usage errors: exit 2 with a message.
    for (const QStringList &args : { QStringList{}, QStringList{ QStringLiteral("send"), link },
                                     QStringList{ QStringLiteral("recv"), link },
                                     QStringList{ QStringLiteral("frobnicate"), link } }) {
        const Result r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.stdErr.isEmpty());
    }
    // A bad link, an unreachable server, a missing file: exit 1, reason on stderr.
    Result r = runCli({ QStringLiteral("list"), QStringLiteral("roomshare://nowhere") });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.stdErr.contains(QLatin1String("invite link")));
    QString dead = link;
    dead.replace(QRegularExpression(QStringLiteral(":\\d+/")), QStringLiteral(":1/"));
    r = runCli({ QStringLiteral("list"), dead });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!r.stdErr.isEmpty());
    r = runCli(
        { QStringLiteral("send"), link, m_tmp.filePath(QStringLiteral("does-not-exist.txt")) });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(typesOf(r.events).contains(QStringLiteral("upload-failed")));
    // An empty file is a valid file.
    const QString empty = writeFile(m_tmp.path(), QStringLiteral("empty.txt"), QByteArray());
    r = runCli({ QStringLiteral("send"), link, empty });
    QCOMPARE(r.exitCode, 0);
}

void TestCli::knockAdmitDenyAndInvite()
{
    const QString room = QStringLiteral("lobby");
    const QString hostLink = invite(QStringLiteral("Hana"), room, QStringLiteral("moderator"));
    // Two nodes: the lobby is each node's own (docs/scale-out.md), so the host's listener,
    // the knocks and the answers are on node 2; the host's file comes from node 1.
    const QString lobbyHostLink = at(Node::Two, hostLink);
    const QString knockLink = QString(m_twoNodes ? m_url2 : m_url)
                                  .replace(QStringLiteral("ws://"), QStringLiteral("roomshare://"))
        + QLatin1Char('/') + room;
    const QString erinDir = m_tmp.filePath(QStringLiteral("erin"));
    LineProcess host(cliBin(), { QStringLiteral("listen"), lobbyHostLink });
    QVERIFY(!host.waitFor(QStringLiteral("room-connected")).isEmpty());

    // A token-less link knocks; it needs a name.
    const Result nameless = runCli({ QStringLiteral("list"), knockLink });
    QCOMPARE(nameless.exitCode, 2);
    QVERIFY(nameless.stdErr.contains(QStringLiteral("--name")));

    LineProcess erin(cliBin(),
                     { QStringLiteral("listen"), knockLink, QStringLiteral("--name"),
                       QStringLiteral("Erin"), QStringLiteral("--download-to"), erinDir });
    const QJsonObject waiting = erin.waitFor(QStringLiteral("knock-waiting"));
    QCOMPARE(waiting.value(QLatin1String("room")).toString(), room);
    const QJsonObject knock = host.waitFor(QStringLiteral("knock"));
    QCOMPARE(knock.value(QLatin1String("name")).toString(), QStringLiteral("Erin"));
    const QString knockId = knock.value(QLatin1String("knockId")).toString();
    QVERIFY(!knockId.isEmpty());
    QVERIFY(erin.waitFor(QStringLiteral("room-connected"), 300).isEmpty()); // still waiting

    // A participant cannot let anyone in.
    const Result refused = runCli(
        { QStringLiteral("admit"), at(Node::Two, invite(QStringLiteral("Pat"), room)), knockId });
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.stdErr.contains(QStringLiteral("1199")), qPrintable(refused.stdErr));

    const Result admitted = runCli({ QStringLiteral("admit"), lobbyHostLink, knockId });
    QVERIFY2(admitted.exitCode == 0, qPrintable(admitted.stdErr));
    QCOMPARE(typesOf(admitted.events), QStringList{ QStringLiteral("knock-answered") });
    QCOMPARE(admitted.events.first().value(QLatin1String("outcome")).toString(),
             QStringLiteral("admitted"));
    const QJsonObject joined = erin.waitFor(QStringLiteral("room-connected"));
    QCOMPARE(joined.value(QLatin1String("name")).toString(), QStringLiteral("Erin"));
    QCOMPARE(joined.value(QLatin1String("role")).toString(), QStringLiteral("participant"));
    const QJsonObject ended = host.waitFor(QStringLiteral("knock-ended"));
    QCOMPARE(ended.value(QLatin1String("outcome")).toString(), QStringLiteral("admitted"));

    // The file arrives.
    const QByteArray content = randomBytes(200000);
    const QString path = writeFile(m_tmp.path(), QStringLiteral("minutes.bin"), content);
    const Result sent = runCli({ QStringLiteral("send"), hostLink, path });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));
    QVERIFY(!erin.waitFor(QStringLiteral("download-completed")).isEmpty());
    QFile got(QDir(erinDir).filePath(QStringLiteral("minutes.bin")));
    QVERIFY(got.open(QIODevice::ReadOnly));
    QCOMPARE(got.readAll(), content);

    // A denied knock ends with the refusal.
    LineProcess fred(
        cliBin(),
        { QStringLiteral("list"), knockLink, QStringLiteral("--name"), QStringLiteral("Fred") });
    QString fredKnock;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QString &l : host.lines()) {
                const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
                if (o.value(QLatin1String("messageType")).toString() == QLatin1String("knock")
                    && o.value(QLatin1String("name")).toString() == QLatin1String("Fred"))
                    fredKnock = o.value(QLatin1String("knockId")).toString();
            }
            return !fredKnock.isEmpty();
        }(),
        20000);
    const Result denied = runCli({ QStringLiteral("deny"), lobbyHostLink, fredKnock });
    QVERIFY2(denied.exitCode == 0, qPrintable(denied.stdErr));
    QVERIFY2(denied.events.size() == 1, denied.stdOut.constData());
    QCOMPARE(denied.events.first().value(QLatin1String("outcome")).toString(),
             QStringLiteral("denied"));
    QVERIFY(fred.process().waitForFinished(20000));
    QCOMPARE(fred.process().exitCode(), 1);
    const QString fredErr = QString::fromUtf8(fred.process().readAllStandardError());
    QVERIFY2(fredErr.contains(QStringLiteral("The host did not let you in")), qPrintable(fredErr));

    // A moderator mints a participant link.
    const Result minted
        = runCli({ QStringLiteral("invite"), hostLink, QStringLiteral("--name"),
                   QStringLiteral("Gus"), QStringLiteral("--ttl"), QStringLiteral("600") });
    QVERIFY2(minted.exitCode == 0, qPrintable(minted.stdErr));
    QCOMPARE(typesOf(minted.events), QStringList{ QStringLiteral("invite-created") });
    const QString gusLink = minted.events.first().value(QLatin1String("link")).toString();
    QVERIFY(gusLink.contains(QStringLiteral("token=")));
    const Result gus = runCli({ QStringLiteral("list"), gusLink });
    QVERIFY2(gus.exitCode == 0, qPrintable(gus.stdErr));
    QCOMPARE(runCli({ QStringLiteral("admit"), hostLink }).exitCode, 2);
}

void TestCli::hostControls()
{
    const QString room = QStringLiteral("meeting");
    const QString hostLink = invite(QStringLiteral("Hana"), room, QStringLiteral("moderator"));
    // Two nodes: Bob and Pat on node 2, the sender and the host on node 1.
    LineProcess bob(
        cliBin(), { QStringLiteral("listen"), at(Node::Two, invite(QStringLiteral("Bob"), room)) });
    const QJsonObject bobJoined = bob.waitFor(QStringLiteral("room-connected"));
    const QString bobId = bobJoined.value(QLatin1String("clientId")).toString();
    QVERIFY(!bobId.isEmpty());

    // remove-file: a file someone else sent disappears for Bob.
    const QString path = writeFile(m_tmp.path(), QStringLiteral("draft.txt"), randomBytes(1000));
    const Result sent
        = runCli({ QStringLiteral("send"), invite(QStringLiteral("Ann"), room), path });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));
    const QJsonObject offered = bob.waitFor(QStringLiteral("download-available"));
    const qint64 index = offered.value(QLatin1String("response"))
                             .toObject()
                             .value(QLatin1String("downloadInfo"))
                             .toObject()
                             .value(QLatin1String("index"))
                             .toInteger(-1);
    QVERIFY(index >= 0);
    const Result byOther
        = runCli({ QStringLiteral("remove-file"),
                   at(Node::Two, invite(QStringLiteral("Pat"), room)), QString::number(index) });
    QCOMPARE(byOther.exitCode, 1);
    QVERIFY2(byOther.stdErr.contains(QStringLiteral("1199")), qPrintable(byOther.stdErr));
    const Result removedFile
        = runCli({ QStringLiteral("remove-file"), hostLink, QString::number(index) });
    QVERIFY2(removedFile.exitCode == 0, qPrintable(removedFile.stdErr));
    QCOMPARE(typesOf(removedFile.events), QStringList{ QStringLiteral("file-removed") });
    QCOMPARE(removedFile.events.first().value(QLatin1String("index")).toInteger(), index);
    QVERIFY(!bob.waitFor(QStringLiteral("file-removed")).isEmpty());
    // lock / unlock (two nodes: locked on node 1, Carol refused and let in on node 2).
    const Result notHost = runCli({ QStringLiteral("lock"), invite(QStringLiteral("Pat"), room) });
    QCOMPARE(notHost.exitCode, 1);
    QVERIFY2(notHost.stdErr.contains(QStringLiteral("1199")), qPrintable(notHost.stdErr));
    const Result locked = runCli({ QStringLiteral("lock"), hostLink });
    QVERIFY2(locked.exitCode == 0, qPrintable(locked.stdErr));
    QCOMPARE(typesOf(locked.events), QStringList{ QStringLiteral("room-locked") });
    QCOMPARE(locked.events.first().value(QLatin1String("locked")).toBool(), true);
    const Result refused
        = runCli({ QStringLiteral("list"), at(Node::Two, invite(QStringLiteral("Carol"), room)) });
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.stdErr.contains(QStringLiteral("locked")), qPrintable(refused.stdErr));
    const Result unlocked = runCli({ QStringLiteral("unlock"), hostLink });
    QVERIFY2(unlocked.exitCode == 0, qPrintable(unlocked.stdErr));
    QCOMPARE(unlocked.events.first().value(QLatin1String("locked")).toBool(), false);
    const Result admitted
        = runCli({ QStringLiteral("list"), at(Node::Two, invite(QStringLiteral("Carol"), room)) });
    QVERIFY2(admitted.exitCode == 0, qPrintable(admitted.stdErr));

    // remove-participant: Bob's listen ends, saying why (two nodes: Bob is on node 2).
    const Result usage = runCli({ QStringLiteral("remove-participant"), hostLink });
    QCOMPARE(usage.exitCode, 2);
    const Result removed = runCli({ QStringLiteral("remove-participant"), hostLink, bobId });
    QVERIFY2(removed.exitCode == 0, qPrintable(removed.stdErr));
    QCOMPARE(typesOf(removed.events), QStringList{ QStringLiteral("participant-removed") });
    QCOMPARE(removed.events.first().value(QLatin1String("clientId")).toString(), bobId);
    QVERIFY(bob.process().waitForFinished(20000));
    QCOMPARE(bob.process().exitCode(), 1);
    const QString bobErr = QString::fromUtf8(bob.process().readAllStandardError());
    QVERIFY2(bobErr.contains(QStringLiteral("Hana (moderator) removed you")), qPrintable(bobErr));
}

// Each run with one named link is the same sender: a later run lists, counts and withdraws
// what an earlier one sent; another participant's --mine is empty.
void TestCli::listMine()
{
    const QString room = QStringLiteral("mine");
    const QString annLink = invite(QStringLiteral("Ann"), room);
    const QString bobLink = invite(QStringLiteral("Bob"), room);
    const QString path = writeFile(m_tmp.path(), QStringLiteral("notes.txt"), randomBytes(1500));
    const Result sent = runCli({ QStringLiteral("send"), annLink, path });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));

    // Two nodes: Ann sends on node 1, then her runs alternate between the nodes, so her
    // files are hers on either; Bob's download is on node 2 and counted on node 1.
    const Result listed
        = runCli({ QStringLiteral("list"), at(Node::Two, annLink), QStringLiteral("--mine") });
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.stdErr));
    QJsonArray mine = QJsonDocument::fromJson(listed.stdOut).array();
    QCOMPARE(mine.size(), 1);
    QCOMPARE(mine.first().toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("notes.txt"));
    QCOMPARE(mine.first().toObject().value(QLatin1String("size")).toInteger(), 1500);
    QCOMPARE(mine.first().toObject().value(QLatin1String("downloads")).toInteger(), 0);
    QCOMPARE(mine.first().toObject().value(QLatin1String("recipients")).toArray(), QJsonArray());
    const qint64 index = mine.first().toObject().value(QLatin1String("index")).toInteger(-1);
    QVERIFY(index >= 0);

    const Result bobs = runCli({ QStringLiteral("list"), bobLink, QStringLiteral("--mine") });
    QVERIFY2(bobs.exitCode == 0, qPrintable(bobs.stdErr));
    QCOMPARE(QJsonDocument::fromJson(bobs.stdOut).array(), QJsonArray());

    const Result received
        = runCli({ QStringLiteral("recv"), at(Node::Two, bobLink), QStringLiteral("--index"),
                   QString::number(index), QStringLiteral("--out"),
                   m_tmp.filePath(QStringLiteral("bob-mine")) });
    QVERIFY2(received.exitCode == 0, qPrintable(received.stdErr));
    const Result counted = runCli({ QStringLiteral("list"), annLink, QStringLiteral("--mine") });
    QVERIFY2(counted.exitCode == 0, qPrintable(counted.stdErr));
    mine = QJsonDocument::fromJson(counted.stdOut).array();
    QCOMPARE(mine.size(), 1);
    QCOMPARE(mine.first().toObject().value(QLatin1String("downloads")).toInteger(), 1);

    const Result withdrawn
        = runCli({ QStringLiteral("remove-file"), at(Node::Two, annLink), QString::number(index) });
    QVERIFY2(withdrawn.exitCode == 0, qPrintable(withdrawn.stdErr));
    QCOMPARE(typesOf(withdrawn.events), QStringList{ QStringLiteral("file-removed") });
    const Result empty = runCli({ QStringLiteral("list"), annLink, QStringLiteral("--mine") });
    QVERIFY2(empty.exitCode == 0, qPrintable(empty.stdErr));
    QCOMPARE(QJsonDocument::fromJson(empty.stdOut).array(), QJsonArray());
}

// send --max-downloads 1: the first recv gets the file, the second 1181; --expires-in sets
// an earlier expiry.
void TestCli::sendLimits()
{
    const QString room = QStringLiteral("limits");
    const QString annLink = invite(QStringLiteral("Ann"), room);
    const QString path = writeFile(m_tmp.path(), QStringLiteral("once.txt"), randomBytes(800));
    const Result sent
        = runCli({ QStringLiteral("send"), annLink, path, QStringLiteral("--max-downloads"),
                   QStringLiteral("1"), QStringLiteral("--expires-in"), QStringLiteral("120") });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));
    const Result listed
        = runCli({ QStringLiteral("list"), at(Node::Two, annLink), QStringLiteral("--mine") });
    const QJsonObject file = QJsonDocument::fromJson(listed.stdOut).array().first().toObject();
    const qint64 index = file.value(QLatin1String("index")).toInteger(-1);
    QVERIFY(index >= 0);
    QCOMPARE(file.value(QLatin1String("expiresAt")).toInteger()
                 - file.value(QLatin1String("createdAt")).toInteger(),
             120 * 1000);
    const Result first
        = runCli({ QStringLiteral("recv"), at(Node::Two, invite(QStringLiteral("Bob"), room)),
                   QStringLiteral("--index"), QString::number(index), QStringLiteral("--out"),
                   m_tmp.filePath(QStringLiteral("lim-b")) });
    QVERIFY2(first.exitCode == 0, qPrintable(first.stdErr));
    const Result second
        = runCli({ QStringLiteral("recv"), invite(QStringLiteral("Carol"), room),
                   QStringLiteral("--index"), QString::number(index), QStringLiteral("--out"),
                   m_tmp.filePath(QStringLiteral("lim-c")) });
    QVERIFY(second.exitCode != 0);
    const QString output = second.stdErr + QString::fromUtf8(second.stdOut);
    QVERIFY2(output.contains(QStringLiteral("1181")), qPrintable(output));
    const Result bad = runCli({ QStringLiteral("send"), annLink, path,
                                QStringLiteral("--max-downloads"), QStringLiteral("0") });
    QCOMPARE(bad.exitCode, 2);
}

//! "RELPATH" for folders and "RELPATH=SIZE:SHA256" for files below \a root, sorted.
static QStringList treeListing(const QString &root)
{
    QStringList out;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo fi(it.next());
        const QString rel = QDir(root).relativeFilePath(fi.absoluteFilePath());
        if (fi.isDir()) {
            out.append(rel + QLatin1Char('/'));
            continue;
        }
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly))
            return { QStringLiteral("unreadable ") + rel };
        out.append(
            QStringLiteral("%1=%2:%3")
                .arg(rel)
                .arg(fi.size())
                .arg(QString::fromLatin1(
                    QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex())));
    }
    out.sort();
    return out;
}

// `send LINK DIR` shares the tree; `recv --all` recreates it under --out.
void TestCli::sendFolder()
{
    const QString room = QStringLiteral("folders");
    const QString src = m_tmp.filePath(QStringLiteral("folder-src/Übung"));
    QVERIFY(QDir().mkpath(src + QStringLiteral("/a/b/日本")));
    QVERIFY(QDir().mkpath(src + QStringLiteral("/empty")));
    writeFile(src, QStringLiteral("top.txt"), QByteArray("top\n"));
    writeFile(src + QStringLiteral("/a"), QStringLiteral("a.bin"), randomBytes(70000));
    writeFile(src + QStringLiteral("/a/b/日本"), QStringLiteral("ß.txt"), randomBytes(300000));
    const Result sent
        = runCli({ QStringLiteral("send"), invite(QStringLiteral("Ann"), room), src });
    QVERIFY2(sent.exitCode == 0, qPrintable(sent.stdErr));
    QCOMPARE(typesOf(sent.events).count(QStringLiteral("upload-completed")), 4);

    const Result listed
        = runCli({ QStringLiteral("list"), at(Node::Two, invite(QStringLiteral("Bob"), room)) });
    const QJsonArray files = QJsonDocument::fromJson(listed.stdOut).array();
    QCOMPARE(files.size(), 4);
    for (const auto &v : files) {
        QCOMPARE(v[QLatin1String("groupSize")].toInt(), 4);
        QVERIFY(v[QLatin1String("path")].toString().startsWith(QStringLiteral("Übung")));
    }

    const QString out = m_tmp.filePath(QStringLiteral("folder-out"));
    const Result got
        = runCli({ QStringLiteral("recv"), at(Node::Two, invite(QStringLiteral("Bob"), room)),
                   QStringLiteral("--all"), QStringLiteral("--out"), out });
    QVERIFY2(got.exitCode == 0, qPrintable(got.stdErr));
    QCOMPARE(treeListing(QDir(out).filePath(QStringLiteral("Übung"))), treeListing(src));
    QCOMPARE(treeListing(src).size(), 7);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
