// Issue 15, finding 6: the client library against a scripted hostile server (a
// QWebSocketServer in the test that answers as the script says), not only hostile
// messages: offsets, sizes and ids the server sends are checked against the client's own
// state.

#include <QCryptographicHash>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <algorithm>

#include <functional>

#include "room.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

//! A room server that is a script: every text message goes to `onText` with the socket it
//! came on and the connection's number (1 for the first); binary messages are counted.
class ScriptedServer
{
public:
    using TextHandler
        = std::function<void(QWebSocket *socket, int connection, const QJsonObject &msg)>;
    using BinaryHandler = std::function<void(QWebSocket *socket, int connection, qint64 bytes)>;

    ScriptedServer()
        : m_server(s("hostile"), QWebSocketServer::NonSecureMode)
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, [this] {
            while (QWebSocket *socket = m_server.nextPendingConnection()) {
                const int n = ++m_connections;
                socket->setParent(&m_server);
                QObject::connect(socket, &QWebSocket::textMessageReceived,
                                 [this, socket, n](const QString &text) {
                                     if (onText)
                                         onText(socket, n,
                                                QJsonDocument::fromJson(text.toUtf8()).object());
                                 });
                QObject::connect(socket, &QWebSocket::binaryMessageReceived,
                                 [this, socket, n](const QByteArray &data) {
                                     if (onBinary)
                                         onBinary(socket, n, data.size());
                                 });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_server.serverPort()));
    }
    int connections() const { return m_connections; }

    static void send(QWebSocket *socket, const QJsonObject &msg)
    {
        socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
    }
    //! The `joined` an honest server would send.
    static QJsonObject joined(const QJsonObject &join, bool resumed)
    {
        return QJsonObject{
            { s("type"), s("joined") },
            { s("rid"), join.value(s("rid")) },
            { s("clientId"), s("c1") },
            { s("sessionId"), s("session-1") },
            { s("resumed"), resumed },
            { s("room"), s("hostile") },
            { s("name"), s("Alice") },
            { s("role"), s("participant") },
            { s("maxFileSize"), 0 },
            { s("dataChannel"), false },
            { s("participants"),
              QJsonArray{ QJsonObject{ { s("clientId"), s("c1") },
                                       { s("name"), s("Alice") },
                                       { s("role"), s("participant") } } } },
            { s("files"), QJsonArray() },
        };
    }

    TextHandler onText;
    BinaryHandler onBinary;

private:
    QWebSocketServer m_server;
    int m_connections = 0;
};

} // namespace

class TestHostileServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resumeOffsetBeyondWhatWasSent();
    void invalidUploadIds_data();
    void invalidUploadIds();
    void invalidDownloadAnswers_data();
    void invalidDownloadAnswers();
    void pagedJoinCursorMustGrow();
    void pagedRejoinReportsChanges();
    void hostileFolderPaths();

private:
    QTemporaryDir m_tmp;
};

void TestHostileServer::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.*.debug=false"));
    QVERIFY(m_tmp.isValid());
}

// The client sends at most one window (8 MiB) before an acknowledgement; the server drops
// the connection and, on `upload-resume`, claims to have 16 MiB. Before the fix the job
// "continued" from there with a negative hash skip: the hash read 8 MiB before its buffer.
void TestHostileServer::resumeOffsetBeyondWhatWasSent()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    qint64 received = 0;
    server.onBinary = [&](QWebSocket *socket, int connection, qint64 bytes) {
        received += bytes;
        if (connection == 1 && received >= 8 * MiB)
            socket->abort(); // a drop, once the client has sent its window
    };
    server.onText = [&](QWebSocket *socket, int connection, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        if (type == QLatin1String("join")) {
            ScriptedServer::send(socket, ScriptedServer::joined(msg, connection > 1));
        } else if (type == QLatin1String("upload-begin")) {
            ScriptedServer::send(socket,
                                 { { s("type"), s("upload-accepted") },
                                   { s("rid"), msg.value(s("rid")) },
                                   { s("uploadId"), 7 },
                                   { s("offset"), 0 } });
        } else if (type == QLatin1String("upload-resume")) {
            ScriptedServer::send(socket,
                                 { { s("type"), s("upload-accepted") },
                                   { s("rid"), msg.value(s("rid")) },
                                   { s("uploadId"), 7 },
                                   { s("offset"), 16 * MiB },
                                   { s("resumed"), true } });
        }
    };

    Room room;
    room.setDataChannelEnabled(false);
    QSignalSpy connected(&room, &Room::connected);
    QSignalSpy uploadResults(&room, &Room::fsUploadResult);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 10000);
    const QString path = TestUtil::makeFile(m_tmp.path(), s("big.bin"), 20 * MiB);
    QVERIFY(!path.isEmpty());
    QJsonObject result;
    room.sendFiles({ path }, {}, [&result](const QJsonObject &r) { result = r; });
    // The drop, the reconnection, the lie: the job fails with 1198, nothing worse.
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 20000);
    QCOMPARE(server.connections(), 2);
    QCOMPARE(result.value(s("result")).toInt(), int(ErrorCode::ProtocolError));
    QVERIFY(room.isConnected());
}

void TestHostileServer::invalidUploadIds_data()
{
    QTest::addColumn<QJsonValue>("uploadId");
    QTest::addRow("zero") << QJsonValue(0);
    QTest::addRow("negative") << QJsonValue(-3);
    QTest::addRow("beyond 32 bits") << QJsonValue(double(1ll << 40));
    QTest::addRow("string") << QJsonValue(s("7"));
    QTest::addRow("the id of another running upload") << QJsonValue(7);
}

// Two uploads: the first is accepted as 7; the second's answer is the id under test. A
// repeated id would have let the server steer one job with the other's acknowledgements.
void TestHostileServer::invalidUploadIds()
{
    QFETCH(QJsonValue, uploadId);
    ScriptedServer server;
    QVERIFY(server.listen());
    int begins = 0;
    server.onText = [&](QWebSocket *socket, int, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        if (type == QLatin1String("join"))
            ScriptedServer::send(socket, ScriptedServer::joined(msg, false));
        else if (type == QLatin1String("upload-begin"))
            ScriptedServer::send(socket,
                                 { { s("type"), s("upload-accepted") },
                                   { s("rid"), msg.value(s("rid")) },
                                   { s("uploadId"), ++begins == 1 ? QJsonValue(7) : uploadId },
                                   { s("offset"), 0 } });
    };
    Room room;
    room.setDataChannelEnabled(false);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 10000);
    // 20 MiB: the first upload stays running (its window is never acknowledged).
    const QString a = TestUtil::makeFile(m_tmp.path(), s("a.bin"), 20 * MiB);
    const QString b = TestUtil::makeFile(m_tmp.path(), s("b.bin"), 1000);
    QList<QJsonObject> results;
    room.sendFiles({ a, b }, {}, [&results](const QJsonObject &r) { results.append(r); });
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, 5000);
    QCOMPARE(results.first().value(s("result")).toInt(), int(ErrorCode::ProtocolError));
    QCOMPARE(begins, 2);
    room.disconnectFromRoom();
}

void TestHostileServer::invalidDownloadAnswers_data()
{
    QTest::addColumn<QJsonValue>("downloadId");
    QTest::addColumn<qint64>("size");
    QTest::addRow("id zero") << QJsonValue(0) << qint64(1000);
    QTest::addRow("id not a number") << QJsonValue(s("x")) << qint64(1000);
    QTest::addRow("larger than listed") << QJsonValue(31) << qint64(8) * 1024 * MiB;
    QTest::addRow("smaller than listed") << QJsonValue(31) << qint64(10);
    QTest::addRow("negative size") << QJsonValue(31) << qint64(-1);
}

// The listing says file 1 has 1000 bytes; `download-accepted` says otherwise.
void TestHostileServer::invalidDownloadAnswers()
{
    QFETCH(QJsonValue, downloadId);
    QFETCH(qint64, size);
    ScriptedServer server;
    QVERIFY(server.listen());
    const QString sha = QString::fromLatin1(QByteArray(32, 'a').toHex());
    server.onText = [&](QWebSocket *socket, int, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        if (type == QLatin1String("join")) {
            QJsonObject joined = ScriptedServer::joined(msg, false);
            joined.insert(s("files"),
                          QJsonArray{ QJsonObject{ { s("index"), 1 },
                                                   { s("name"), s("f.bin") },
                                                   { s("size"), 1000 },
                                                   { s("type"), s("application/octet-stream") },
                                                   { s("sha256"), sha },
                                                   { s("sender"), s("Bob") },
                                                   { s("senderId"), s("c2") },
                                                   { s("broadcast"), true } } });
            ScriptedServer::send(socket, joined);
        } else if (type == QLatin1String("download-begin")) {
            ScriptedServer::send(socket,
                                 { { s("type"), s("download-accepted") },
                                   { s("rid"), msg.value(s("rid")) },
                                   { s("downloadId"), downloadId },
                                   { s("index"), 1 },
                                   { s("size"), double(size) },
                                   { s("sha256"), sha },
                                   { s("offset"), 0 } });
        }
    };
    Room room;
    room.setDataChannelEnabled(false);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 10000);
    QCOMPARE(room.availableFileList().size(), 1);
    QJsonObject result;
    const QString dir = m_tmp.filePath(QString::fromLatin1(QTest::currentDataTag()));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(room.recvFiles(1, { { s("saveDir"), dir } }, [&result](const QJsonObject &r) {
        result = r;
    }) > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!result.isEmpty(), 5000);
    QCOMPARE(result.value(s("result")).toInt(), int(ErrorCode::ProtocolError));
    room.disconnectFromRoom();
}

namespace {

QJsonObject fileJson(qint64 index)
{
    return QJsonObject{ { s("index"), index },
                        { s("name"), QStringLiteral("f%1.txt").arg(index) },
                        { s("size"), 0 },
                        { s("type"), s("text/plain") },
                        { s("sha256"), QString::fromLatin1(QByteArray(32, 'a').toHex()) },
                        { s("sender"), s("Bob") },
                        { s("senderId"), s("c2") },
                        { s("broadcast"), true } };
}

} // namespace

// A server that keeps saying "more" with a cursor that does not move would keep the client
// asking for ever: the client drops it (1198) instead.
void TestHostileServer::pagedJoinCursorMustGrow()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    int lists = 0;
    server.onText = [&](QWebSocket *socket, int, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        QJsonObject page;
        if (type == QLatin1String("join")) {
            page = ScriptedServer::joined(msg, false);
        } else if (type == QLatin1String("list")) {
            ++lists;
            page = { { s("type"), s("files") }, { s("rid"), msg.value(s("rid")) } };
        } else {
            return;
        }
        page.insert(s("files"), QJsonArray{ fileJson(5) });
        page.insert(s("more"), true);
        page.insert(s("after"), 5);
        ScriptedServer::send(socket, page);
    };
    Room room;
    room.setDataChannelEnabled(false);
    room.setReconnectWindow(0);
    QSignalSpy connected(&room, &Room::connected);
    QSignalSpy disconnected(&room, &Room::disconnected);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.count(), 1, 5000);
    QCOMPARE(disconnected.first().first().value<ErrorCode>(), ErrorCode::ProtocolError);
    QCOMPARE(connected.count(), 0);
    QCOMPARE(lists, 1);
}

// Reconnecting into a paged listing: files removed and added while away, and an event that
// arrives between two pages, are reported as changes once the last page is in.
void TestHostileServer::pagedRejoinReportsChanges()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    server.onText = [&](QWebSocket *socket, int connection, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        if (type == QLatin1String("join")) {
            QJsonObject page = ScriptedServer::joined(msg, connection > 1);
            if (connection == 1) {
                page.insert(s("files"), QJsonArray{ fileJson(1), fileJson(2) });
                page.insert(s("more"), true);
                page.insert(s("after"), 2);
            } else {
                // File 1 went away; the first page of the new listing is file 2 only.
                page.insert(s("files"), QJsonArray{ fileJson(2) });
                page.insert(s("more"), true);
                page.insert(s("after"), 2);
            }
            ScriptedServer::send(socket, page);
        } else if (type == QLatin1String("list")) {
            QCOMPARE(msg.value(s("after")).toInteger(), 2);
            QJsonObject page{ { s("type"), s("files") }, { s("rid"), msg.value(s("rid")) } };
            if (connection == 1) {
                page.insert(s("files"), QJsonArray{ fileJson(3) });
            } else {
                // Between the pages: file 9 is published, file 3 withdrawn.
                ScriptedServer::send(
                    socket, { { s("type"), s("file-available") }, { s("file"), fileJson(9) } });
                ScriptedServer::send(socket,
                                     { { s("type"), s("file-removed") },
                                       { s("index"), 3 },
                                       { s("reason"), s("withdrawn") } });
                page.insert(s("files"), QJsonArray{ fileJson(4) });
            }
            ScriptedServer::send(socket, page);
            if (connection == 1)
                QTimer::singleShot(50, socket, [socket] { socket->abort(); });
        }
    };
    Room room;
    room.setDataChannelEnabled(false);
    QSignalSpy connected(&room, &Room::connected);
    QSignalSpy available(&room, &Room::fileAvailable);
    QSignalSpy removed(&room, &Room::fileRemoved);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 5000);
    QCOMPARE(room.availableFileList().size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 2, 10000);
    QList<qint64> indexes;
    for (const FileInfo &f : room.availableFileList())
        indexes << f.index;
    QCOMPARE(indexes, (QList<qint64>{ 2, 4, 9 }));
    QList<qint64> gone;
    for (const auto &args : std::as_const(removed))
        gone << args.first().toLongLong();
    std::sort(gone.begin(), gone.end());
    QCOMPARE(gone, (QList<qint64>{ 1, 3 }));
    QList<qint64> added;
    for (const auto &args : std::as_const(available))
        added << args.first().value<FileInfo>().index;
    std::sort(added.begin(), added.end());
    QCOMPARE(added, (QList<qint64>{ 4, 9 }));
    room.disconnectFromRoom();
}

// Issue 12: a server that lets hostile folder paths through (ours refuses them) cannot make
// the client write outside the download folder: every level is sanitised, and a path too
// deep to save is refused with a reason.
void TestHostileServer::hostileFolderPaths()
{
    ScriptedServer server;
    QVERIFY(server.listen());
    const QString emptySha = QString::fromLatin1(
        QCryptographicHash::hash(QByteArray(), QCryptographicHash::Sha256).toHex());
    QString deep = s("deep");
    while (deep.size() < 5000)
        deep += s("/d");
    const QStringList paths{ s("../../../escape"),
                             s("/etc/cron.d"),
                             s("C:\\Windows\\System32"),
                             s("CON/aux/nul.txt"),
                             s("..."),
                             QString(5000, QLatin1Char('x')),
                             deep };
    server.onText = [&](QWebSocket *socket, int, const QJsonObject &msg) {
        const QString type = msg.value(s("type")).toString();
        if (type == QLatin1String("join")) {
            QJsonObject joined = ScriptedServer::joined(msg, false);
            QJsonArray files;
            for (int i = 0; i < paths.size(); ++i) {
                QJsonObject f = fileJson(i + 1);
                f.insert(s("sha256"), emptySha);
                f.insert(s("name"), i == 0 ? s("../../passwd") : s("f%1.txt").arg(i + 1));
                f.insert(s("group"), s("g"));
                f.insert(s("path"), paths.at(i));
                f.insert(s("groupSize"), paths.size());
                files.append(f);
            }
            joined.insert(s("files"), files);
            ScriptedServer::send(socket, joined);
        } else if (type == QLatin1String("download-begin")) {
            const int id = 100 + msg.value(s("index")).toInt();
            ScriptedServer::send(socket,
                                 { { s("type"), s("download-accepted") },
                                   { s("rid"), msg.value(s("rid")) },
                                   { s("downloadId"), id },
                                   { s("index"), msg.value(s("index")) },
                                   { s("size"), 0 },
                                   { s("sha256"), emptySha },
                                   { s("offset"), 0 } });
            ScriptedServer::send(socket,
                                 { { s("type"), s("download-end") }, { s("downloadId"), id } });
        }
    };
    Room room;
    room.setDataChannelEnabled(false);
    QSignalSpy connected(&room, &Room::connected);
    QVERIFY(room.connectToRoom(TestUtil::invite(server.url(), s("hostile"), s("Alice"))));
    QTRY_COMPARE_WITH_TIMEOUT(connected.count(), 1, 10000);
    const QString key = room.availableFileList().first().folderKey();
    QCOMPARE(room.folderFiles(key).size(), paths.size());

    const QString box = m_tmp.filePath(s("folder-box"));
    const QString dl = box + s("/dl");
    QVERIFY(QDir().mkpath(dl));
    QList<QJsonObject> results;
    room.recvFolder(key, { { s("saveDir"), dl } },
                    [&results](const QJsonObject &r) { results.append(r); });
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), paths.size(), 10000);
    int refused = 0;
    for (const QJsonObject &r : std::as_const(results)) {
        if (r.value(s("result")).toInt() == 0)
            continue;
        ++refused;
        QCOMPARE(r.value(s("result")).toInt(), int(ErrorCode::LocalFileError));
        QVERIFY2(r.value(s("desc")).toString().contains(s("too long or too deep")),
                 qPrintable(r.value(s("desc")).toString()));
    }
    QCOMPARE(refused, 1); // the 2,500-level path
    // Everything written is inside the download folder, under the folder's own name.
    QCOMPARE(QDir(box).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{ s("dl") });
    QStringList written;
    QDirIterator it(dl, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        written.append(QDir(dl).relativeFilePath(it.next()));
    written.sort();
    QCOMPARE(written.size(), paths.size() - 1);
    for (const QString &w : std::as_const(written)) {
        QVERIFY2(!w.contains(s("..")) && !w.startsWith(QLatin1Char('/')), qPrintable(w));
        QVERIFY2(QFileInfo(dl + QLatin1Char('/') + w)
                     .canonicalFilePath()
                     .startsWith(QFileInfo(dl).canonicalFilePath() + QLatin1Char('/')),
                 qPrintable(w));
    }
    // All under the folder named by the first entry's path ("escape"); each entry's own
    // first level stands for that folder.
    QCOMPARE(written,
             (QStringList{ s("escape/Windows/System32/f3.txt"), s("escape/_aux/_nul.txt/f4.txt"),
                           s("escape/cron.d/f2.txt"), s("escape/f5.txt"), s("escape/f6.txt"),
                           s("escape/passwd") }));
    room.disconnectFromRoom();
}

QTEST_GUILESS_MAIN(TestHostileServer)
#include "tst_hostileserver.moc"
