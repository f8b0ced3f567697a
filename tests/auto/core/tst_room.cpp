// End-to-end tests of the client library against the real room server class on
// 127.0.0.1 (ephemeral port), with three or more real Room clients.

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QWebSocket>

#include "chunkheader.h"
#include "room.h"
#include "testutil.h"
#include "transferjob.h"

#include <algorithm>

using namespace Roomshare;
using Roomshare::Server::RoomServer;

namespace {
constexpr qint64 MiB = 1024 * 1024;
constexpr int LongWait = 60000;
} // namespace

class TestRoom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void participantsSeeJoinsAndLeaves();
    void broadcastToAll_data();
    void broadcastToAll();
    void targetedSendIsInvisibleToOthers();
    void lateJoinerSeesBroadcastFilesOnly();
    void indexIsRoomWideAndNeverReused();
    void manyFilesInOneSendFilesAreQueued();
    void manyDownloadsAreQueued();
    void cancelUploadMidway();
    void withdrawCompletedUpload();
    void cancelDownloadMidwayOthersContinue();
    void cancelAllUploadsAndDownloads();
    void errorCodes();
    void serverRefusesOversizedFile();
    void senderLeavesMidUpload();
    void recipientLeavesMidDownload();
    void awkwardNamesAreStoredAndOfferedSafely();
    void nameClashGetsNumberedName();
    void jobContract();
    void dataChannelByDefault();
    void dataChannelInMixedRooms_data();
    void dataChannelInMixedRooms();

private:
    //! How a client in the data channel tests carries its chunks.
    enum class Transport { DataChannel, WebSocketOnly };

    std::unique_ptr<Room> join(const QString &name, const QString &room = QStringLiteral("standup"),
                               const QString &role = QStringLiteral("participant"));
    std::unique_ptr<Room> joinUsing(const QString &name, Transport transport);
    //! Sends \a size random bytes from \a sender and has every one of \a receivers download
    //! them; checks each copy is byte-identical.
    void transferTo(Room *sender, const QList<Room *> &receivers, qint64 size);
    QString dir(const QString &name);
    //! Waits until \a room has file \a index; returns it.
    static FileInfo waitForFile(Room *room, qint64 index);
    //! Sends \a path from \a room and waits for the final callback; returns it.
    static QJsonObject sendAndWait(Room *room, const QString &path,
                                   const QJsonObject &options = {});
    static QJsonObject recvAndWait(Room *room, qint64 index, const QString &saveDir);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<RoomServer> m_server;
};

void TestRoom::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestRoom::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    QString error;
    m_server = TestUtil::startServer(dir(QStringLiteral("server")), 0, &error);
    QVERIFY2(m_server, qPrintable(error));
}

void TestRoom::cleanup()
{
    m_server.reset();
    m_tmp.reset();
}

QString TestRoom::dir(const QString &name)
{
    const QString path = m_tmp->filePath(name);
    QDir().mkpath(path);
    return path;
}

std::unique_ptr<Room> TestRoom::join(const QString &name, const QString &room, const QString &role)
{
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(m_server->url(), room, name, role)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

std::unique_ptr<Room> TestRoom::joinUsing(const QString &name, Transport transport)
{
    auto r = std::make_unique<Room>();
    r->setDataChannelEnabled(transport == Transport::DataChannel);
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(m_server->url(), QStringLiteral("standup"), name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

FileInfo TestRoom::waitForFile(Room *room, qint64 index)
{
    QElapsedTimer t;
    t.start();
    while (!room->file(index).isValid() && t.elapsed() < 10000)
        QTest::qWait(5);
    return room->file(index);
}

QJsonObject TestRoom::sendAndWait(Room *room, const QString &path, const QJsonObject &options)
{
    QJsonObject result;
    bool done = false;
    room->sendFiles({ path }, options, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < LongWait)
        QTest::qWait(5);
    return result;
}

QJsonObject TestRoom::recvAndWait(Room *room, qint64 index, const QString &saveDir)
{
    QJsonObject result;
    bool done = false;
    room->recvFiles(index, { { QStringLiteral("saveDir"), saveDir } }, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < LongWait)
        QTest::qWait(5);
    return result;
}

static qint64 indexOf(const QJsonObject &uploadResult)
{
    return qint64(
        uploadResult[QLatin1String("response")][QLatin1String("uploadInfo")][QLatin1String("index")]
            .toDouble(-1));
}

void TestRoom::participantsSeeJoinsAndLeaves()
{
    auto alice = join(QStringLiteral("Alice"));
    QVERIFY(alice);
    QCOMPARE(alice->participants().size(), 1);
    QCOMPARE(alice->participants().first().clientId, alice->clientId());
    QSignalSpy joined(alice.get(), &Room::participantJoined);
    QSignalSpy left(alice.get(), &Room::participantLeft);

    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(bob && carol);
    QVERIFY(alice->clientId() != bob->clientId() && bob->clientId() != carol->clientId());
    QTRY_COMPARE(joined.size(), 2);
    QCOMPARE(joined.at(0).at(0).value<Participant>().name, QStringLiteral("Bob"));
    QCOMPARE(carol->participants().size(), 3);
    QTRY_COMPARE(bob->participants().size(), 3);

    const QString bobId = bob->clientId();
    bob->disconnectFromRoom();
    QCOMPARE(bob->state(), Room::State::Disconnected);
    QTRY_COMPARE(left.size(), 1);
    QCOMPARE(left.at(0).at(0).value<Participant>().clientId, bobId);
    QTRY_COMPARE(carol->participants().size(), 2);
    QCOMPARE(alice->participant(bobId).clientId, QString());
}

void TestRoom::broadcastToAll_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addRow("0 B") << qint64(0);
    QTest::addRow("1 B") << qint64(1);
    QTest::addRow("1 MiB") << MiB;
    QTest::addRow("64 MiB") << 64 * MiB;
}

void TestRoom::broadcastToAll()
{
    QFETCH(qint64, size);
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("data.bin"), size);
    QVERIFY(!src.isEmpty());

    QSignalSpy uploadEvents(alice.get(), &Room::fsUploadResult);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    const QJsonObject result = sendAndWait(alice.get(), src);
    QCOMPARE(result[QLatin1String("messageType")].toString(), QStringLiteral("upload-completed"));
    QCOMPARE(result[QLatin1String("result")].toInt(), 0);
    const qint64 index = indexOf(result);
    QVERIFY(index > 0);
    QCOMPARE(uploadEvents.size(), 2);
    QCOMPARE(uploadEvents.at(0).at(0).toJsonObject()[QLatin1String("messageType")].toString(),
             QStringLiteral("upload-started"));
    const QJsonObject info
        = uploadEvents.at(0)
              .at(0)
              .toJsonObject()[QLatin1String("response")][QLatin1String("uploadInfo")]
              .toObject();
    QCOMPARE(info[QLatin1String("name")].toString(), QStringLiteral("data.bin"));
    QCOMPARE(qint64(info[QLatin1String("size")].toDouble()), size);

    // The sender is not offered its own file; both recipients are, under the same index.
    QTRY_COMPARE(bobAvailable.size(), 1);
    QVERIFY(!alice->file(index).isValid());
    const FileInfo carolsView = waitForFile(carol.get(), index);
    QVERIFY(carolsView.isValid());
    QCOMPARE(carolsView.size, size);
    QCOMPARE(carolsView.sender, QStringLiteral("Alice"));
    QCOMPARE(carolsView.senderId, alice->clientId());
    QVERIFY(carolsView.broadcast);
    QVERIFY(carolsView.expiresAt > carolsView.createdAt);

    QSignalSpy bobDownloadEvents(bob.get(), &Room::fsDownloadResult);
    QJsonObject bobResult;
    QJsonObject carolResult;
    bob->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                   [&](const QJsonObject &r) { bobResult = r; });
    carol->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("carol")) } },
                     [&](const QJsonObject &r) { carolResult = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!bobResult.isEmpty() && !carolResult.isEmpty(), LongWait);
    QCOMPARE(bobResult[QLatin1String("messageType")].toString(),
             QStringLiteral("download-success"));
    QCOMPARE(carolResult[QLatin1String("result")].toInt(), 0);

    const QString bobPath = bobResult[QLatin1String("response")][QLatin1String("path")].toString();
    QCOMPARE(bobPath, QDir(dir(QStringLiteral("bob"))).filePath(QStringLiteral("data.bin")));
    QCOMPARE(TestUtil::sha256Of(bobPath), TestUtil::sha256Of(src));
    QCOMPARE(
        TestUtil::sha256Of(QDir(dir(QStringLiteral("carol"))).filePath(QStringLiteral("data.bin"))),
        TestUtil::sha256Of(src));
    QCOMPARE(TestUtil::filesIn(dir(QStringLiteral("bob"))),
             QStringList{ QStringLiteral("data.bin") });

    QStringList types;
    for (const auto &args : bobDownloadEvents)
        types << args.at(0).toJsonObject()[QLatin1String("messageType")].toString();
    QCOMPARE(
        types,
        (QStringList{ QStringLiteral("download-started"), QStringLiteral("download-completed") }));
    const QJsonObject completed = bobDownloadEvents.last().at(0).toJsonObject();
    QCOMPARE(qint64(completed[QLatin1String("response")][QLatin1String("downloadInfo")]
                             [QLatin1String("index")]
                                 .toDouble()),
             index);
}

void TestRoom::targetedSendIsInvisibleToOthers()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    QSignalSpy carolAvailable(carol.get(), &Room::fileAvailable);
    QSignalSpy carolEvents(carol.get(), &Room::fsDownloadResult);

    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("secret.pdf"), 300000);
    const QJsonObject result
        = sendAndWait(alice.get(), src,
                      { { QStringLiteral("broadcast"), false },
                        { QStringLiteral("clientList"), QJsonArray{ bob->clientId() } } });
    QCOMPARE(result[QLatin1String("result")].toInt(), 0);
    const qint64 index = indexOf(result);
    const FileInfo forBob = waitForFile(bob.get(), index);
    QVERIFY(forBob.isValid());
    QVERIFY(!forBob.broadcast);

    // A broadcast sent afterwards reaches Carol, which proves she was listening all along.
    const QString later
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("agenda.txt"), 100);
    const qint64 laterIndex = indexOf(sendAndWait(alice.get(), later));
    QVERIFY(waitForFile(carol.get(), laterIndex).isValid());
    QCOMPARE(carolAvailable.size(), 1);
    QCOMPARE(carolAvailable.at(0).at(0).value<FileInfo>().index, laterIndex);
    QVERIFY(!carol->file(index).isValid());
    for (const auto &f : carol->availableFiles())
        QVERIFY(qint64(f.toObject()[QLatin1String("index")].toDouble()) != index);
    for (const auto &args : carolEvents)
        QVERIFY(!QJsonDocument(args.at(0).toJsonObject()).toJson().contains("secret.pdf"));

    // Carol cannot download it by index: the client refuses, and so does the server
    // (asked directly over the wire, bypassing the client's own list).
    const QJsonObject refused = recvAndWait(carol.get(), index, dir(QStringLiteral("carol")));
    QCOMPARE(refused[QLatin1String("result")].toInt(), int(ErrorCode::FileNotAvailable));

    QWebSocket raw;
    QSignalSpy rawConnected(&raw, &QWebSocket::connected);
    QSignalSpy rawText(&raw, &QWebSocket::textMessageReceived);
    raw.open(m_server->url());
    QVERIFY(rawConnected.wait());
    const auto link = InviteLink::parse(
        TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Mallory")));
    raw.sendTextMessage(QStringLiteral(R"({"type":"join","rid":1,"token":"%1"})").arg(link->token));
    QTRY_COMPARE(rawText.size(), 1);
    raw.sendTextMessage(
        QStringLiteral(R"({"type":"download-begin","rid":2,"index":%1,"offset":0})").arg(index));
    QTRY_COMPARE(rawText.size(), 2);
    const QJsonObject reply
        = QJsonDocument::fromJson(rawText.at(1).at(0).toString().toUtf8()).object();
    QCOMPARE(reply[QLatin1String("type")].toString(), QStringLiteral("error"));
    QCOMPARE(reply[QLatin1String("code")].toInt(), int(ErrorCode::FileNotAvailable));
    QCOMPARE(TestUtil::filesIn(dir(QStringLiteral("carol"))), QStringList());

    // Bob, the recipient, gets it intact.
    const QJsonObject got = recvAndWait(bob.get(), index, dir(QStringLiteral("bob")));
    QCOMPARE(got[QLatin1String("result")].toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(got[QLatin1String("response")][QLatin1String("path")].toString()),
             TestUtil::sha256Of(src));
}

void TestRoom::lateJoinerSeesBroadcastFilesOnly()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    const QString pub
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("public.txt"), 1000);
    const QString priv
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("private.txt"), 1000);
    const qint64 pubIndex = indexOf(sendAndWait(alice.get(), pub));
    const qint64 privIndex
        = indexOf(sendAndWait(alice.get(), priv,
                              { { QStringLiteral("broadcast"), false },
                                { QStringLiteral("clientList"), QJsonArray{ bob->clientId() } } }));
    QVERIFY(pubIndex > 0 && privIndex > 0);

    auto dave = std::make_unique<Room>();
    QSignalSpy daveEvents(dave.get(), &Room::fsDownloadResult);
    QSignalSpy connected(dave.get(), &Room::connected);
    QVERIFY(dave->connectToRoom(
        TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Dave"))));
    QVERIFY(connected.wait());
    const QJsonArray files = dave->availableFiles();
    QCOMPARE(files.size(), 1);
    const QJsonObject f = files.at(0).toObject();
    QCOMPARE(qint64(f[QLatin1String("index")].toDouble()), pubIndex);
    QCOMPARE(f[QLatin1String("name")].toString(), QStringLiteral("public.txt"));
    QCOMPARE(qint64(f[QLatin1String("size")].toDouble()), qint64(1000));
    QCOMPARE(f[QLatin1String("sender")].toString(), QStringLiteral("Alice"));
    QCOMPARE(f[QLatin1String("senderId")].toString(), alice->clientId());
    QVERIFY(f[QLatin1String("createdAt")].toDouble() > 0);
    QVERIFY(f[QLatin1String("expiresAt")].toDouble() > f[QLatin1String("createdAt")].toDouble());
    // EnableX clients build their list from notifications: the earlier file is announced too.
    QCOMPARE(daveEvents.size(), 1);
    QCOMPARE(daveEvents.at(0).at(0).toJsonObject()[QLatin1String("messageType")].toString(),
             QStringLiteral("download-available"));

    // Bob still sees both.
    QCOMPARE(bob->availableFiles().size(), 2);
    const QJsonObject got = recvAndWait(dave.get(), pubIndex, dir(QStringLiteral("dave")));
    QCOMPARE(got[QLatin1String("result")].toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(got[QLatin1String("response")][QLatin1String("path")].toString()),
             TestUtil::sha256Of(pub));
}

void TestRoom::indexIsRoomWideAndNeverReused()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString a = TestUtil::makeFile(dir(QStringLiteral("src")), QStringLiteral("a.txt"), 10);
    const qint64 first = indexOf(sendAndWait(alice.get(), a));
    const qint64 second = indexOf(sendAndWait(bob.get(), a));
    QVERIFY(second > first);
    QCOMPARE(waitForFile(carol.get(), first).name, QStringLiteral("a.txt"));
    QCOMPARE(waitForFile(carol.get(), second).senderId, bob->clientId());
    QCOMPARE(waitForFile(bob.get(), first).senderId, alice->clientId());
    QCOMPARE(waitForFile(alice.get(), second).senderId, bob->clientId());

    // Withdraw the first; the next file gets a fresh index, not the freed one.
    QSignalSpy removed(carol.get(), &Room::fileRemoved);
    QJsonObject cancelResult;
    alice->cancelUploads(1, false, [&](const QJsonObject &r) { cancelResult = r; });
    QTRY_COMPARE(removed.size(), 1);
    QCOMPARE(cancelResult[QLatin1String("result")].toInt(), 0);
    const qint64 third = indexOf(sendAndWait(alice.get(), a));
    QVERIFY(third > second);
}

void TestRoom::manyFilesInOneSendFilesAreQueued()
{
    // More files than the server's 32 concurrent uploads per connection: the room queues
    // them instead of getting 1196 for the surplus.
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QStringList paths;
    for (int i = 0; i < 60; ++i)
        paths.append(TestUtil::makeFile(dir(QStringLiteral("many")),
                                        QStringLiteral("f%1.bin").arg(i), 1000 + i));
    int completed = 0;
    int failed = 0;
    int maxRunning = 0;
    connect(alice.get(), &Room::jobAdded, this, [&](TransferJob *job) {
        connect(job, &TransferJob::started, this, [&] {
            int running = 0;
            for (TransferJob *j : alice->jobs())
                running += j->status() == TransferInfo::Status::Running ? 1 : 0;
            maxRunning = qMax(maxRunning, running);
        });
    });
    const QList<qint64> ids = alice->sendFiles(paths, {}, [&](const QJsonObject &r) {
        ++(r[QLatin1String("result")].toInt(-1) == 0 ? completed : failed);
    });
    QCOMPARE(ids.size(), 60);
    QTRY_COMPARE_WITH_TIMEOUT(completed + failed, 60, 20000);
    QCOMPARE(failed, 0);
    QVERIFY(maxRunning >= 1);
    // Room runs 24 at a time (room.cpp, MaxConcurrentUploads), below the server's 32.
    QVERIFY2(maxRunning <= 24, qPrintable(QString::number(maxRunning)));
    QTRY_COMPARE(bob->availableFileList().size(), 60);

    // A queued upload cancelled before it started finishes as Cancelled, once.
    const QList<qint64> more = alice->sendFiles(paths.mid(0, 12));
    TransferJob *last = alice->job(TransferInfo::Direction::Upload, more.last());
    QVERIFY(last);
    QSignalSpy finished(last, &TransferJob::finished);
    last->cancel();
    QCOMPARE(finished.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(alice->jobs().size(), 0, 20000);
    QTRY_COMPARE(bob->availableFileList().size(), 71);
}

void TestRoom::manyDownloadsAreQueued()
{
    // More downloads asked for at once than the server's 32 per connection (a folder, or
    // "download all"): the room runs 16 at a time (MaxConcurrentDownloads) instead of
    // getting 1196 for the surplus, and every file arrives.
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QStringList paths;
    for (int i = 0; i < 48; ++i)
        paths.append(TestUtil::makeFile(dir(QStringLiteral("many")),
                                        QStringLiteral("f%1.bin").arg(i), (1 << 20) + i));
    int sent = 0;
    alice->sendFiles(paths, {}, [&](const QJsonObject &r) {
        QCOMPARE(r[QLatin1String("result")].toInt(-1), 0);
        ++sent;
    });
    QTRY_COMPARE_WITH_TIMEOUT(sent, 48, 20000);
    QTRY_COMPARE(bob->availableFileList().size(), 48);

    int downloaded = 0;
    int downloadsFailed = 0;
    QSet<TransferJob *> downloading;
    int maxDownloading = 0;
    QString firstError;
    connect(bob.get(), &Room::jobAdded, this, [&](TransferJob *job) {
        connect(job, &TransferJob::started, this, [&, job] {
            downloading.insert(job);
            maxDownloading = qMax(maxDownloading, int(downloading.size()));
        });
        connect(job, &TransferJob::finished, this, [&, job] { downloading.remove(job); });
    });
    for (const FileInfo &f : bob->availableFileList())
        bob->recvFiles(f.index, { { QStringLiteral("saveDir"), dir(QStringLiteral("bob")) } },
                       [&](const QJsonObject &r) {
                           if (r[QLatin1String("result")].toInt(-1) == 0)
                               ++downloaded;
                           else if (++downloadsFailed == 1)
                               firstError = QString::fromUtf8(QJsonDocument(r).toJson());
                       });
    QTRY_COMPARE_WITH_TIMEOUT(downloaded + downloadsFailed, 48, 30000);
    QVERIFY2(downloadsFailed == 0, qPrintable(firstError));
    QVERIFY2(maxDownloading >= 1 && maxDownloading <= 16,
             qPrintable(QString::number(maxDownloading)));
    QCOMPARE(TestUtil::filesIn(dir(QStringLiteral("bob"))).size(), 48);
}

void TestRoom::cancelUploadMidway()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("big.bin"), 512 * MiB);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy uploadEvents(alice.get(), &Room::fsUploadResult);

    QJsonObject fileResult;
    const auto ids = alice->sendFiles({ src }, {}, [&](const QJsonObject &r) { fileResult = r; });
    QCOMPARE(ids.size(), 1);
    TransferJob *job = alice->job(TransferInfo::Direction::Upload, ids.first());
    QVERIFY(job);
    QTRY_VERIFY(m_server->uploadCount() == 1 && job->processedBytes() > 0);
    QVERIFY(job->processedBytes() < job->totalBytes());
    QCOMPARE(TestUtil::filesIn(m_server->partialDir()).size(), 1);

    QJsonObject cancelReply;
    alice->cancelUploads(ids.first(), false, [&](const QJsonObject &r) { cancelReply = r; });
    QCOMPARE(cancelReply[QLatin1String("result")].toInt(), 0);
    QCOMPARE(cancelReply[QLatin1String("response")][QLatin1String("cancelled")].toArray(),
             QJsonArray{ double(ids.first()) });
    QCOMPARE(fileResult[QLatin1String("messageType")].toString(),
             QStringLiteral("upload-cancelled"));
    QCOMPARE(fileResult[QLatin1String("result")].toInt(), int(ErrorCode::Cancelled));
    QCOMPARE(uploadEvents.last().at(0).toJsonObject()[QLatin1String("messageType")].toString(),
             QStringLiteral("upload-cancelled"));

    // The server drops the partial data and never announces anything.
    QTRY_COMPARE(m_server->uploadCount(), 0);
    QTRY_COMPARE(TestUtil::filesIn(m_server->partialDir()), QStringList());
    QCOMPARE(TestUtil::filesIn(m_server->filesDir()), QStringList());
    QTest::qWait(300);
    QCOMPARE(bobAvailable.size(), 0);
    QCOMPARE(carol->availableFiles().size(), 0);

    // The connection is still good for the next transfer.
    const QString small
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("small.txt"), 42);
    QCOMPARE(sendAndWait(alice.get(), small)[QLatin1String("result")].toInt(), 0);
    QTRY_COMPARE(bobAvailable.size(), 1);
}

void TestRoom::withdrawCompletedUpload()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("slides.pdf"), 5000);
    const QJsonObject sent = sendAndWait(alice.get(), src);
    const qint64 upJobId
        = qint64(sent[QLatin1String("response")][QLatin1String("upJobId")].toDouble());
    const qint64 index = indexOf(sent);
    QVERIFY(waitForFile(bob.get(), index).isValid());
    QCOMPARE(TestUtil::filesIn(m_server->filesDir()).size(), 1);

    QSignalSpy removed(bob.get(), &Room::fileRemoved);
    alice->cancelUploads(upJobId, false);
    QTRY_COMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(0).toLongLong(), index);
    QCOMPARE(removed.at(0).at(1).toString(), QStringLiteral("withdrawn"));
    QVERIFY(!bob->file(index).isValid());
    QTRY_COMPARE(TestUtil::filesIn(m_server->filesDir()), QStringList());
    QCOMPARE(
        recvAndWait(bob.get(), index, dir(QStringLiteral("bob")))[QLatin1String("result")].toInt(),
        int(ErrorCode::FileNotAvailable));
}

void TestRoom::cancelDownloadMidwayOthersContinue()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString big
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("big.bin"), 512 * MiB);
    const QString other
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("other.bin"), 48 * MiB);
    const qint64 bigIndex = indexOf(sendAndWait(alice.get(), big));
    const qint64 otherIndex = indexOf(sendAndWait(alice.get(), other));
    QVERIFY(waitForFile(bob.get(), bigIndex).isValid()
            && waitForFile(bob.get(), otherIndex).isValid());

    const QString bobDir = dir(QStringLiteral("bob"));
    QJsonObject bigResult, otherResult, carolResult;
    const qint64 bigJob = bob->recvFiles(bigIndex, { { QStringLiteral("saveDir"), bobDir } },
                                         [&](const QJsonObject &r) { bigResult = r; });
    bob->recvFiles(otherIndex, { { QStringLiteral("saveDir"), bobDir } },
                   [&](const QJsonObject &r) { otherResult = r; });
    carol->recvFiles(bigIndex, { { QStringLiteral("saveDir"), dir(QStringLiteral("carol")) } },
                     [&](const QJsonObject &r) { carolResult = r; });
    TransferJob *job = bob->job(TransferInfo::Direction::Download, bigJob);
    QVERIFY(job);
    QTRY_VERIFY(job->processedBytes() > 0);
    QVERIFY(job->processedBytes() < job->totalBytes());
    QVERIFY(TestUtil::filesIn(bobDir).contains(QStringLiteral("big.bin.roomshare-part")));

    QJsonObject cancelReply;
    bob->cancelDownloads(bigJob, false, [&](const QJsonObject &r) { cancelReply = r; });
    QCOMPARE(cancelReply[QLatin1String("result")].toInt(), 0);
    QCOMPARE(bigResult[QLatin1String("result")].toInt(), int(ErrorCode::Cancelled));

    QTRY_VERIFY_WITH_TIMEOUT(!otherResult.isEmpty() && !carolResult.isEmpty(), LongWait);
    QCOMPARE(otherResult[QLatin1String("result")].toInt(), 0);
    QCOMPARE(carolResult[QLatin1String("result")].toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(bobDir).filePath(QStringLiteral("other.bin"))),
             TestUtil::sha256Of(other));
    QCOMPARE(
        TestUtil::sha256Of(QDir(dir(QStringLiteral("carol"))).filePath(QStringLiteral("big.bin"))),
        TestUtil::sha256Of(big));
    // Only the completed file is in Bob's folder: no partial, no half-written big.bin.
    QCOMPARE(TestUtil::filesIn(bobDir), QStringList{ QStringLiteral("other.bin") });
    QTRY_COMPARE(m_server->downloadCount(), 0);
}

void TestRoom::cancelAllUploadsAndDownloads()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString srcDir = dir(QStringLiteral("alice"));
    const QStringList files{ TestUtil::makeFile(srcDir, QStringLiteral("one.bin"), 256 * MiB),
                             TestUtil::makeFile(srcDir, QStringLiteral("two.bin"), 256 * MiB),
                             TestUtil::makeFile(srcDir, QStringLiteral("three.bin"), 256 * MiB) };
    int cancelledCallbacks = 0;
    const auto ids = alice->sendFiles(files, {}, [&](const QJsonObject &r) {
        if (r[QLatin1String("result")].toInt() == int(ErrorCode::Cancelled))
            ++cancelledCallbacks;
    });
    QCOMPARE(ids.size(), 3);
    QTRY_COMPARE(m_server->uploadCount(), 3);
    QJsonObject reply;
    alice->cancelUploads(0, true, [&](const QJsonObject &r) { reply = r; });
    QCOMPARE(reply[QLatin1String("result")].toInt(), 0);
    QCOMPARE(reply[QLatin1String("response")][QLatin1String("cancelled")].toArray().size(), 3);
    QCOMPARE(cancelledCallbacks, 3);
    QVERIFY(alice->jobs().isEmpty());
    QTRY_COMPARE(m_server->uploadCount(), 0);
    QTRY_COMPARE(TestUtil::filesIn(m_server->partialDir()), QStringList());

    // Downloads: two running, cancel all; a later one still works.
    const qint64 i1 = indexOf(sendAndWait(alice.get(), files.at(0)));
    const qint64 i2 = indexOf(sendAndWait(alice.get(), files.at(1)));
    QVERIFY(waitForFile(bob.get(), i1).isValid() && waitForFile(bob.get(), i2).isValid());
    const QString bobDir = dir(QStringLiteral("bob"));
    QList<int> results;
    bob->recvFiles(i1, { { QStringLiteral("saveDir"), bobDir } },
                   [&](const QJsonObject &r) { results << r[QLatin1String("result")].toInt(); });
    bob->recvFiles(i2, { { QStringLiteral("saveDir"), bobDir } },
                   [&](const QJsonObject &r) { results << r[QLatin1String("result")].toInt(); });
    QTRY_COMPARE(m_server->downloadCount(), 2);
    bob->cancelDownloads(0, true);
    QCOMPARE(results, (QList<int>{ int(ErrorCode::Cancelled), int(ErrorCode::Cancelled) }));
    QCOMPARE(TestUtil::filesIn(bobDir), QStringList());
    QTRY_COMPARE(m_server->downloadCount(), 0);
    const QJsonObject again = recvAndWait(bob.get(), i1, bobDir);
    QCOMPARE(again[QLatin1String("result")].toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(QDir(bobDir).filePath(QStringLiteral("one.bin"))),
             TestUtil::sha256Of(files.at(0)));
}

void TestRoom::errorCodes()
{
    // 1188: a link signed with another secret is refused by the server.
    {
        Room r;
        QSignalSpy disconnected(&r, &Room::disconnected);
        QVERIFY(r.connectToRoom(
            TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Eve"),
                             QStringLiteral("participant"), 3600, "wrong secret")));
        QVERIFY(disconnected.wait());
        QCOMPARE(disconnected.at(0).at(0).value<ErrorCode>(), ErrorCode::InvalidInvite);
        QVERIFY(!disconnected.at(0).at(1).toString().isEmpty());
        // ... and so is an expired one.
        QVERIFY(r.connectToRoom(TestUtil::invite(m_server->url(), QStringLiteral("standup"),
                                                 QStringLiteral("Eve"),
                                                 QStringLiteral("participant"), -10)));
        QVERIFY(disconnected.wait());
        QCOMPARE(disconnected.at(1).at(0).value<ErrorCode>(), ErrorCode::InvalidInvite);
        QVERIFY(disconnected.at(1).at(1).toString().contains(QStringLiteral("expired")));
        // A malformed link is refused before any connection.
        QVERIFY(!r.connectToRoom(QStringLiteral("https://example.invalid/nope")));
        QCOMPARE(r.lastError(), ErrorCode::InvalidInvite);
    }

    Room offline;
    const QString src = TestUtil::makeFile(dir(QStringLiteral("src")), QStringLiteral("f.txt"), 10);
    // 1180: every call on a disconnected room.
    QJsonObject r;
    offline.sendFiles({ src }, {}, [&](const QJsonObject &o) { r = o; });
    QCOMPARE(r[QLatin1String("result")].toInt(), 1180);
    QCOMPARE(r[QLatin1String("error")].toString(), QStringLiteral("room is disconnected"));
    QVERIFY(!r[QLatin1String("desc")].toString().isEmpty());
    r = {};
    offline.recvFiles(1, {}, [&](const QJsonObject &o) { r = o; });
    QCOMPARE(r[QLatin1String("result")].toInt(), 1180);

    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    // 1185: empty file list.
    r = {};
    QVERIFY(alice->sendFiles({}, {}, [&](const QJsonObject &o) { r = o; }).isEmpty());
    QCOMPARE(r[QLatin1String("result")].toInt(), 1185);
    QCOMPARE(r[QLatin1String("desc")].toString(),
             QStringLiteral("file upload failed because file list is empty"));
    // 1181: unknown index.
    r = recvAndWait(bob.get(), 999, dir(QStringLiteral("bob")));
    QCOMPARE(r[QLatin1String("result")].toInt(), 1181);
    // 1189: targeted send with nobody to send to (client-side) and with only unknown ids
    // (server-side).
    r = {};
    alice->sendFiles({ src }, { { QStringLiteral("broadcast"), false } },
                     [&](const QJsonObject &o) { r = o; });
    QCOMPARE(r[QLatin1String("result")].toInt(), 1189);
    r = sendAndWait(alice.get(), src,
                    { { QStringLiteral("broadcast"), false },
                      { QStringLiteral("clientList"), QJsonArray{ QStringLiteral("c99999") } } });
    QCOMPARE(r[QLatin1String("messageType")].toString(), QStringLiteral("upload-failed"));
    QCOMPARE(r[QLatin1String("result")].toInt(), 1189);
    // 1190: cancelling a job that does not exist.
    r = {};
    alice->cancelUploads(4242, false, [&](const QJsonObject &o) { r = o; });
    QCOMPARE(r[QLatin1String("result")].toInt(), 1190);
    r = {};
    bob->cancelDownloads(4242, false, [&](const QJsonObject &o) { r = o; });
    QCOMPARE(r[QLatin1String("result")].toInt(), 1190);
    // 1195: a missing local file fails that file only (a folder is shared with its tree
    // since issue 12: tst_folders).
    int failures = 0;
    QList<int> codes;
    alice->sendFiles({ dir(QStringLiteral("src")) + QStringLiteral("/missing.txt"), src }, {},
                     [&](const QJsonObject &o) {
                         ++failures;
                         codes << o[QLatin1String("result")].toInt();
                     });
    QTRY_COMPARE(failures, 2);
    std::sort(codes.begin(), codes.end());
    QCOMPARE(codes, (QList<int>{ 0, 1195 }));
}

void TestRoom::serverRefusesOversizedFile()
{
    m_server.reset();
    QString error;
    m_server = TestUtil::startServer(dir(QStringLiteral("server2")), 1000, &error);
    QVERIFY2(m_server, qPrintable(error));
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QCOMPARE(alice->maxFileSize(), qint64(1000));
    const QString ok
        = TestUtil::makeFile(dir(QStringLiteral("src")), QStringLiteral("ok.bin"), 1000);
    const QString big
        = TestUtil::makeFile(dir(QStringLiteral("src")), QStringLiteral("big.bin"), 1001);
    QJsonObject r = sendAndWait(alice.get(), big);
    QCOMPARE(r[QLatin1String("messageType")].toString(), QStringLiteral("upload-failed"));
    QCOMPARE(r[QLatin1String("result")].toInt(), 1187);
    QCOMPARE(sendAndWait(alice.get(), ok)[QLatin1String("result")].toInt(), 0);

    // The server enforces the limit itself, whatever the client believes.
    QWebSocket raw;
    QSignalSpy rawConnected(&raw, &QWebSocket::connected);
    QSignalSpy rawText(&raw, &QWebSocket::textMessageReceived);
    raw.open(m_server->url());
    QVERIFY(rawConnected.wait());
    const auto link = InviteLink::parse(
        TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Raw")));
    raw.sendTextMessage(QStringLiteral(R"({"type":"join","rid":1,"token":"%1"})").arg(link->token));
    QTRY_COMPARE(rawText.size(), 1);
    raw.sendTextMessage(QStringLiteral(
        R"({"type":"upload-begin","rid":2,"name":"x","size":5000,"mime":"a/b","broadcast":true})"));
    QTRY_COMPARE(rawText.size(), 2);
    const QJsonObject reply
        = QJsonDocument::fromJson(rawText.at(1).at(0).toString().toUtf8()).object();
    QCOMPARE(reply[QLatin1String("code")].toInt(), 1187);
}

void TestRoom::senderLeavesMidUpload()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy left(bob.get(), &Room::participantLeft);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("big.bin"), 512 * MiB);
    QJsonObject result;
    const auto ids = alice->sendFiles({ src }, {}, [&](const QJsonObject &r) { result = r; });
    TransferJob *job = alice->job(TransferInfo::Direction::Upload, ids.value(0));
    QVERIFY(job);
    QTRY_VERIFY(job->processedBytes() > 0);
    alice->disconnectFromRoom();
    QCOMPARE(result[QLatin1String("result")].toInt(), int(ErrorCode::ConnectionLost));
    QTRY_COMPARE(left.size(), 1);
    QTRY_COMPARE(m_server->uploadCount(), 0);
    QTRY_COMPARE(TestUtil::filesIn(m_server->partialDir()), QStringList());
    QCOMPARE(TestUtil::filesIn(m_server->filesDir()), QStringList());
    QTest::qWait(200);
    QCOMPARE(bobAvailable.size(), 0);
    QCOMPARE(carol->availableFiles().size(), 0);
}

void TestRoom::recipientLeavesMidDownload()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("big.bin"), 384 * MiB);
    const qint64 index = indexOf(sendAndWait(alice.get(), src));
    QVERIFY(waitForFile(bob.get(), index).isValid() && waitForFile(carol.get(), index).isValid());

    QJsonObject bobResult, carolResult;
    const QString bobDir = dir(QStringLiteral("bob"));
    const qint64 bobJob = bob->recvFiles(index, { { QStringLiteral("saveDir"), bobDir } },
                                         [&](const QJsonObject &r) { bobResult = r; });
    carol->recvFiles(index, { { QStringLiteral("saveDir"), dir(QStringLiteral("carol")) } },
                     [&](const QJsonObject &r) { carolResult = r; });
    TransferJob *job = bob->job(TransferInfo::Direction::Download, bobJob);
    QVERIFY(job);
    QTRY_VERIFY(job->processedBytes() > 0);
    bob->disconnectFromRoom();
    QCOMPARE(bobResult[QLatin1String("result")].toInt(), int(ErrorCode::ConnectionLost));
    QCOMPARE(TestUtil::filesIn(bobDir), QStringList());

    QTRY_VERIFY_WITH_TIMEOUT(!carolResult.isEmpty(), LongWait);
    QCOMPARE(carolResult[QLatin1String("result")].toInt(), 0);
    QCOMPARE(
        TestUtil::sha256Of(QDir(dir(QStringLiteral("carol"))).filePath(QStringLiteral("big.bin"))),
        TestUtil::sha256Of(src));
    QTRY_COMPARE(m_server->downloadCount(), 0);
    // The file itself stays available to the room.
    QVERIFY(carol->file(index).isValid());
}

void TestRoom::awkwardNamesAreStoredAndOfferedSafely()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    // A name with spaces and unicode goes through the normal client.
    const QString spaced = TestUtil::makeFile(dir(QStringLiteral("alice")),
                                              QStringLiteral("Q3 résumé 日本語 ☃.txt"), 777);
    const qint64 spacedIndex = indexOf(sendAndWait(alice.get(), spaced));
    QCOMPARE(waitForFile(bob.get(), spacedIndex).name, QStringLiteral("Q3 résumé 日本語 ☃.txt"));

    // A hostile sender speaks the protocol directly with a traversal name.
    QWebSocket raw;
    QSignalSpy rawConnected(&raw, &QWebSocket::connected);
    QSignalSpy rawText(&raw, &QWebSocket::textMessageReceived);
    raw.open(m_server->url());
    QVERIFY(rawConnected.wait());
    const auto link = InviteLink::parse(
        TestUtil::invite(m_server->url(), QStringLiteral("standup"), QStringLiteral("Mallory")));
    raw.sendTextMessage(QStringLiteral(R"({"type":"join","rid":1,"token":"%1"})").arg(link->token));
    QTRY_COMPARE(rawText.size(), 1);
    const QString evilName = QStringLiteral("../../etc/../evil name \u202Etxt.exe");
    const QByteArray payload("owned");
    raw.sendTextMessage(QString::fromUtf8(
        QJsonDocument(QJsonObject{ { QStringLiteral("type"), QStringLiteral("upload-begin") },
                                   { QStringLiteral("rid"), 2 },
                                   { QStringLiteral("name"), evilName },
                                   { QStringLiteral("size"), payload.size() },
                                   { QStringLiteral("mime"), QStringLiteral("text/plain") },
                                   { QStringLiteral("broadcast"), true } })
            .toJson(QJsonDocument::Compact)));
    QTRY_COMPARE(rawText.size(), 2);
    const QJsonObject accepted
        = QJsonDocument::fromJson(rawText.at(1).at(0).toString().toUtf8()).object();
    QCOMPARE(accepted[QLatin1String("type")].toString(), QStringLiteral("upload-accepted"));
    const quint32 uploadId = quint32(accepted[QLatin1String("uploadId")].toDouble());
    raw.sendBinaryMessage(ChunkHeader::encode(ChunkHeader::Kind::Upload, uploadId, 0, payload));
    Sha256 h;
    h.addData(payload);
    raw.sendTextMessage(QStringLiteral(R"({"type":"upload-end","uploadId":%1,"sha256":"%2"})")
                            .arg(uploadId)
                            .arg(h.hexResult()));

    QSignalSpy available(bob.get(), &Room::fileAvailable);
    QTRY_COMPARE(available.size(), 1);
    const FileInfo offered = available.at(0).at(0).value<FileInfo>();
    // Offered under the sender's name as data, stored on the server under its own ids.
    QCOMPARE(offered.name, evilName);
    for (const QString &stored : TestUtil::filesIn(m_server->filesDir()))
        QVERIFY2(!stored.contains(QLatin1String("evil")) && !stored.contains(QLatin1String("Q3")),
                 qPrintable(stored));
    QVERIFY(!QFileInfo::exists(
        QDir(m_server->dataDir()).filePath(QStringLiteral("../evil name txt.exe"))));

    const QString bobDir = dir(QStringLiteral("bob"));
    const QJsonObject got = recvAndWait(bob.get(), offered.index, bobDir);
    QCOMPARE(got[QLatin1String("result")].toInt(), 0);
    const QString path = got[QLatin1String("response")][QLatin1String("path")].toString();
    QCOMPARE(QFileInfo(path).absolutePath(), QDir(bobDir).absolutePath());
    QCOMPARE(QFileInfo(path).fileName(), QStringLiteral("evil name txt.exe"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), payload);
    QCOMPARE(TestUtil::filesIn(m_tmp->path()), QStringList());

    const QJsonObject got2 = recvAndWait(bob.get(), spacedIndex, bobDir);
    QCOMPARE(
        QFileInfo(got2[QLatin1String("response")][QLatin1String("path")].toString()).fileName(),
        QStringLiteral("Q3 résumé 日本語 ☃.txt"));
}

void TestRoom::nameClashGetsNumberedName()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    const QString bobDir = dir(QStringLiteral("bob"));
    {
        QFile existing(QDir(bobDir).filePath(QStringLiteral("notes.txt")));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("Bob's own notes");
    }
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("notes.txt"), 64);
    const qint64 index = indexOf(sendAndWait(alice.get(), src));
    QVERIFY(waitForFile(bob.get(), index).isValid());
    const QJsonObject first = recvAndWait(bob.get(), index, bobDir);
    const QJsonObject second = recvAndWait(bob.get(), index, bobDir);
    QCOMPARE(
        QFileInfo(first[QLatin1String("response")][QLatin1String("path")].toString()).fileName(),
        QStringLiteral("notes (1).txt"));
    QCOMPARE(
        QFileInfo(second[QLatin1String("response")][QLatin1String("path")].toString()).fileName(),
        QStringLiteral("notes (2).txt"));
    QFile existing(QDir(bobDir).filePath(QStringLiteral("notes.txt")));
    QVERIFY(existing.open(QIODevice::ReadOnly));
    QCOMPARE(existing.readAll(), QByteArray("Bob's own notes"));
}

void TestRoom::jobContract()
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy added(alice.get(), &Room::jobAdded);
    const QString src
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("c.bin"), 256 * MiB);
    const auto ids = alice->sendFiles({ src });
    QCOMPARE(added.size(), 1);
    QPointer<TransferJob> job = added.at(0).at(0).value<TransferJob *>();
    QVERIFY(job);
    // start() only schedules: nothing has happened yet.
    QCOMPARE(job->status(), TransferInfo::Status::Pending);
    QSignalSpy finished(job.data(), &TransferJob::finished);
    QSignalSpy progress(job.data(), &TransferJob::progressChanged);
    QTRY_VERIFY(job->processedBytes() > 0);
    job->cancel();
    job->cancel(); // idempotent
    QCOMPARE(finished.size(), 1);
    QCOMPARE(job->status(), TransferInfo::Status::Cancelled);
    QCOMPARE(job->error(), ErrorCode::Cancelled);
    // Progress is throttled: far fewer emissions than chunks moved.
    QVERIFY(progress.size() < job->processedBytes() / (256 * 1024) + 3);
    // The job deletes itself on the next event-loop turn, not before.
    QVERIFY(job);
    QTRY_VERIFY(!job);
    QCOMPARE(finished.size(), 1);

    // A completed job: finished once, cancel afterwards is a no-op.
    const QString small
        = TestUtil::makeFile(dir(QStringLiteral("alice")), QStringLiteral("s.bin"), 1000);
    alice->sendFiles({ small });
    TransferJob *done = added.last().at(0).value<TransferJob *>();
    int finishedCount = 0;
    TransferInfo::Status statusAfterCancel = TransferInfo::Status::Pending;
    qint64 processed = 0;
    connect(done, &TransferJob::finished, this, [&](TransferJob *j) {
        ++finishedCount;
        j->cancel(); // after finishing: must change nothing and emit nothing
        statusAfterCancel = j->status();
        processed = j->info().processedBytes;
    });
    QTRY_COMPARE(finishedCount, 1);
    QCOMPARE(statusAfterCancel, TransferInfo::Status::Completed);
    QCOMPARE(processed, qint64(1000));
    QTest::qWait(50);
    QCOMPARE(finishedCount, 1);
}

void TestRoom::transferTo(Room *sender, const QList<Room *> &receivers, qint64 size)
{
    const QString name = QStringLiteral("payload-%1.bin").arg(sender->clientId());
    const QString src = TestUtil::makeFile(dir(QStringLiteral("src")), name, size);
    QVERIFY(!src.isEmpty());
    const QJsonObject sent = sendAndWait(sender, src);
    QVERIFY2(sent[QLatin1String("result")].toInt(-1) == 0,
             QJsonDocument(sent).toJson().constData());
    const qint64 index = indexOf(sent);
    QVERIFY(index > 0);
    QList<QJsonObject> results(receivers.size());
    for (qsizetype i = 0; i < receivers.size(); ++i) {
        QVERIFY(waitForFile(receivers.at(i), index).isValid());
        const QString saveDir = dir(QStringLiteral("recv-%1").arg(receivers.at(i)->clientId()));
        receivers.at(i)->recvFiles(index, { { QStringLiteral("saveDir"), saveDir } },
                                   [&results, i](const QJsonObject &r) { results[i] = r; });
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(results.cbegin(), results.cend(),
                                         [](const QJsonObject &r) { return !r.isEmpty(); }),
                             LongWait);
    const QByteArray expected = TestUtil::sha256Of(src);
    for (const QJsonObject &r : std::as_const(results)) {
        QVERIFY2(r[QLatin1String("result")].toInt(-1) == 0, QJsonDocument(r).toJson().constData());
        const QString path = r[QLatin1String("response")][QLatin1String("path")].toString();
        QCOMPARE(QFileInfo(path).size(), size);
        QCOMPARE(TestUtil::sha256Of(path), expected);
    }
}

void TestRoom::dataChannelByDefault()
{
    // The default holds whatever the environment of this test run says.
    const bool hadEnv = qEnvironmentVariableIsSet("ROOMSHARE_DATA_CHANNEL");
    const QByteArray env = qgetenv("ROOMSHARE_DATA_CHANNEL");
    const auto restore = qScopeGuard([&] {
        if (hadEnv)
            qputenv("ROOMSHARE_DATA_CHANNEL", env);
        else
            qunsetenv("ROOMSHARE_DATA_CHANNEL");
    });
    qputenv("ROOMSHARE_DATA_CHANNEL", "0");
    QVERIFY(!Room().isDataChannelEnabled());
    qputenv("ROOMSHARE_DATA_CHANNEL", "1");
    QVERIFY(Room().isDataChannelEnabled());
    qunsetenv("ROOMSHARE_DATA_CHANNEL");
    QVERIFY(Room().isDataChannelEnabled());

    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    auto carol = join(QStringLiteral("Carol"));
    QVERIFY(alice && bob && carol);
    QVERIFY(alice->usesDataChannel());
    QVERIFY(bob->usesDataChannel());
    QVERIFY(carol->usesDataChannel());
    transferTo(alice.get(), { bob.get(), carol.get() }, 8 * MiB + 12345);
    if (QTest::currentTestFailed())
        return;
    // And the other way round, while the channels stay up.
    transferTo(carol.get(), { alice.get() }, 3 * MiB + 1);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(alice->usesDataChannel() && carol->usesDataChannel());
    QVERIFY(alice->isConnected() && bob->isConnected() && carol->isConnected());

    // Leaving ends the channel with the connection; the next connection opens a new one.
    alice->disconnectFromRoom();
    QVERIFY(!alice->usesDataChannel());
}

void TestRoom::dataChannelInMixedRooms_data()
{
    QTest::addColumn<Transport>("sender");
    QTest::addColumn<Transport>("receiver");
    QTest::addRow("sender without") << Transport::WebSocketOnly << Transport::DataChannel;
    QTest::addRow("receiver without") << Transport::DataChannel << Transport::WebSocketOnly;
    QTest::addRow("both without") << Transport::WebSocketOnly << Transport::WebSocketOnly;
}

void TestRoom::dataChannelInMixedRooms()
{
    QFETCH(Transport, sender);
    QFETCH(Transport, receiver);
    auto alice = joinUsing(QStringLiteral("Alice"), sender);
    auto bob = joinUsing(QStringLiteral("Bob"), receiver);
    // Carol keeps the default, so every room here mixes both kinds.
    auto carol = joinUsing(QStringLiteral("Carol"), Transport::DataChannel);
    QVERIFY(alice && bob && carol);
    QCOMPARE(alice->isDataChannelEnabled(), sender == Transport::DataChannel);
    QCOMPARE(alice->usesDataChannel(), sender == Transport::DataChannel);
    QCOMPARE(bob->usesDataChannel(), receiver == Transport::DataChannel);
    QVERIFY(carol->usesDataChannel());
    transferTo(alice.get(), { bob.get(), carol.get() }, 8 * MiB + 777);
    if (QTest::currentTestFailed())
        return;
    transferTo(carol.get(), { alice.get(), bob.get() }, 2 * MiB + 3);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(alice->usesDataChannel(), sender == Transport::DataChannel);
    QCOMPARE(bob->usesDataChannel(), receiver == Transport::DataChannel);
}

QTEST_GUILESS_MAIN(TestRoom)
#include "tst_room.moc"
