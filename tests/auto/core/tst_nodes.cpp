// Issue 14, events across nodes: two real roomshare-server processes (different ports and
// data folders) on one real PostgreSQL, real clients (the core Room library) on each.
// Run by tests/extra/scaleout-pg.sh, which starts the cluster (tests/fixtures/postgres.sh)
// and passes its URL in ROOMSHARE_TEST_POSTGRES; each test function gets a database of
// its own. File data is still on each node's own disk, so only what needs no download
// across nodes is tested here: presence, file lists, visibility and removals.

#include "lobby.h"
#include "room.h"
#include "serverprocess.h"
#include "testutil.h"
#include "transferjob.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QPointer>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

#include <signal.h>
#include <unistd.h>

using namespace Roomshare;

namespace {

constexpr int Wait = 10000;

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

bool hasParticipant(const Room &room, const QString &clientId)
{
    const auto list = room.participants();
    return std::any_of(list.cbegin(), list.cend(),
                       [&](const Participant &p) { return p.clientId == clientId; });
}

//! CPU time (user + system) process \a pid used so far, in ms; -1 when unknown.
qint64 cpuMs(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after the command name (which may hold spaces), from field 3 on.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return (fields.at(11).toLongLong() + fields.at(12).toLongLong()) * 1000 / sysconf(_SC_CLK_TCK);
}

qint64 indexOf(const QJsonObject &uploadResult)
{
    return qint64(uploadResult[s("response")][s("uploadInfo")][s("index")].toDouble(-1));
}

} // namespace

class tst_Nodes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void joinsAndLeavesSeenOnTheOtherNode();
    void broadcastFileListedOnTheOtherNode();
    void targetedFileSeenOnlyByItsTargetOnTheOtherNode();
    void removalReachesTheOtherNode();
    void fileExpiresOnceOnEveryNode();
    void removedParticipantStaysOutOfTheOtherNode();
    void moderatorRemovesParticipantOnTheOtherNode();
    void lockHoldsOnEveryNode();
    void knockOnOneNodeAnsweredOnTheOther();
    void silentNodeLosesItsParticipants();
    void restartedNodeRestoresOnlyItsOwnParticipants();
    void sessionMovesButLocalDiskUploadIsRefused();
    void fullRoomTakesAParticipantMovingIn();
    void eventsCarryOnAfterPostgresRestart();
    void crossNodeJoinLatency();
    void latencyWith200Participants();

private:
    std::unique_ptr<ServerProcess> startNode(const QString &name, const QStringList &extra = {});
    std::unique_ptr<Room> join(const ServerProcess &node, const QString &name);
    QJsonObject sendAndWait(Room *room, const QString &path, const QJsonObject &options = {});

    QUrl m_admin;
    QString m_dbName;
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_secretFile;
    int m_serial = 0;
    std::unique_ptr<ServerProcess> m_node1;
    std::unique_ptr<ServerProcess> m_node2;
};

void tst_Nodes::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString url = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES");
    if (url.isEmpty())
        QFAIL("ROOMSHARE_TEST_POSTGRES is not set: run tests/extra/scaleout-pg.sh");
    m_admin = QUrl(url);
    QSqlDatabase admin = QSqlDatabase::addDatabase(s("QPSQL"), s("admin"));
    admin.setHostName(m_admin.host());
    admin.setPort(m_admin.port(5432));
    admin.setUserName(m_admin.userName());
    admin.setDatabaseName(m_admin.path().mid(1));
    QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
}

void tst_Nodes::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_secretFile = m_tmp->filePath(s("secret"));
    QFile f(m_secretFile);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(TestUtil::testSecret());
    f.close();
    m_dbName = s("n%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_serial);
    QSqlDatabase admin = QSqlDatabase::database(s("admin"));
    QSqlQuery q(admin);
    if (!q.exec(s("CREATE DATABASE %1").arg(m_dbName))) {
        // eventsCarryOnAfterPostgresRestart cut this connection too.
        admin.close();
        QVERIFY2(admin.open(), qPrintable(admin.lastError().text()));
        q = QSqlQuery(admin);
        QVERIFY2(q.exec(s("CREATE DATABASE %1").arg(m_dbName)), qPrintable(q.lastError().text()));
    }
    m_node1 = startNode(s("node1"));
    QVERIFY(m_node1);
    m_node2 = startNode(s("node2"));
    QVERIFY(m_node2);
    QVERIFY(m_node1->port() != m_node2->port());
}

void tst_Nodes::cleanup()
{
    m_node1.reset();
    m_node2.reset();
    m_tmp.reset();
}

std::unique_ptr<ServerProcess> tst_Nodes::startNode(const QString &name, const QStringList &extra)
{
    const QString data = m_tmp->filePath(name);
    QDir().mkpath(data);
    auto node = std::make_unique<ServerProcess>(data, m_secretFile);
    QUrl url = m_admin;
    url.setPath(QLatin1Char('/') + m_dbName);
    node->extraArguments = QStringList{ s("--database"), url.toString() } + extra;
    if (!node->start())
        return nullptr;
    return node;
}

std::unique_ptr<Room> tst_Nodes::join(const ServerProcess &node, const QString &name)
{
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(node.url(), s("standup"), name)))
        return nullptr;
    if (!connected.wait(Wait))
        return nullptr;
    return r;
}

QJsonObject tst_Nodes::sendAndWait(Room *room, const QString &path, const QJsonObject &options)
{
    QJsonObject result;
    bool done = false;
    room->sendFiles({ path }, options, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < Wait)
        QTest::qWait(5);
    return result;
}

void tst_Nodes::joinsAndLeavesSeenOnTheOtherNode()
{
    auto alice = join(*m_node1, s("Alice"));
    QVERIFY(alice);
    QSignalSpy aliceJoined(alice.get(), &Room::participantJoined);
    QSignalSpy aliceLeft(alice.get(), &Room::participantLeft);
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(bob);
    // Alice (node 1) hears of Bob (node 2); Bob's list names Alice, known to node 2 from
    // node 1's notification.
    QTRY_COMPARE_WITH_TIMEOUT(aliceJoined.size(), 1, Wait);
    QCOMPARE(aliceJoined.at(0).at(0).value<Participant>().clientId, bob->clientId());
    QCOMPARE(aliceJoined.at(0).at(0).value<Participant>().name, s("Bob"));
    QTRY_VERIFY(hasParticipant(*alice, bob->clientId()));
    QVERIFY2(hasParticipant(*bob, alice->clientId()), "Bob's joined list lacks Alice");
    QCOMPARE(bob->participants().size(), 2);

    // A second participant on node 1 is seen by Bob on node 2.
    QSignalSpy bobJoined(bob.get(), &Room::participantJoined);
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    auto carol = join(*m_node1, s("Carol"));
    QVERIFY(carol);
    QTRY_COMPARE_WITH_TIMEOUT(bobJoined.size(), 1, Wait);
    QCOMPARE(bobJoined.at(0).at(0).value<Participant>().clientId, carol->clientId());
    QCOMPARE(carol->participants().size(), 3);

    // Leaving on one node is seen on the other, both ways.
    const QString carolId = carol->clientId();
    const QString bobId = bob->clientId();
    carol->disconnectFromRoom();
    QTRY_COMPARE_WITH_TIMEOUT(bobLeft.size(), 1, Wait);
    QCOMPARE(bobLeft.at(0).at(0).value<Participant>().clientId, carolId);
    QVERIFY(!hasParticipant(*bob, carolId));
    QTRY_COMPARE(aliceLeft.size(), 1); // Carol, on Alice's own node
    bob->disconnectFromRoom();
    QTRY_COMPARE_WITH_TIMEOUT(aliceLeft.size(), 2, Wait);
    QCOMPARE(aliceLeft.at(1).at(0).value<Participant>().clientId, bobId);
    QCOMPARE(alice->participants().size(), 1);
}

void tst_Nodes::broadcastFileListedOnTheOtherNode()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    const QString path = TestUtil::makeFile(m_tmp->path(), s("notes.bin"), 300000);
    const QJsonObject result = sendAndWait(alice.get(), path);
    QCOMPARE(result[s("messageType")].toString(), s("upload-completed"));
    const qint64 index = indexOf(result);
    QVERIFY(index > 0);

    QTRY_COMPARE_WITH_TIMEOUT(bobAvailable.size(), 1, Wait);
    const FileInfo seen = bob->file(index);
    QVERIFY(seen.isValid());
    QCOMPARE(seen.name, s("notes.bin"));
    QCOMPARE(seen.size, 300000);
    QCOMPARE(seen.senderId, alice->clientId());
    QCOMPARE(seen.sha256, QString::fromLatin1(TestUtil::sha256Of(path).toHex()));
    QVERIFY(seen.broadcast);

    // Late joiners on node 2 and on node 1 find it in their first list.
    auto dave = join(*m_node2, s("Dave"));
    QVERIFY(dave);
    QVERIFY(dave->file(index).isValid());
    QCOMPARE(dave->availableFileList().size(), 1);
    auto erin = join(*m_node1, s("Erin"));
    QVERIFY(erin);
    QVERIFY(erin->file(index).isValid());
    // And node 2's second file continues the room's indexes.
    QSignalSpy aliceAvailable(alice.get(), &Room::fileAvailable);
    const QJsonObject second
        = sendAndWait(dave.get(), TestUtil::makeFile(m_tmp->path(), s("b.bin"), 1000));
    QCOMPARE(indexOf(second), index + 1);
    QTRY_COMPARE_WITH_TIMEOUT(aliceAvailable.size(), 1, Wait);
    QVERIFY(alice->file(index + 1).isValid());
}

void tst_Nodes::targetedFileSeenOnlyByItsTargetOnTheOtherNode()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(alice && bob && carol);
    QTRY_COMPARE_WITH_TIMEOUT(alice->participants().size(), 3, Wait);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy carolAvailable(carol.get(), &Room::fileAvailable);

    // Node 1 accepts Bob, connected to node 2, as a recipient.
    const QJsonObject targeted = sendAndWait(
        alice.get(), TestUtil::makeFile(m_tmp->path(), s("for-bob.bin"), 5000),
        { { s("broadcast"), false }, { s("clientList"), QJsonArray{ bob->clientId() } } });
    QCOMPARE(targeted[s("messageType")].toString(), s("upload-completed"));
    const qint64 forBob = indexOf(targeted);
    QTRY_COMPARE_WITH_TIMEOUT(bobAvailable.size(), 1, Wait);
    QVERIFY(bob->file(forBob).isValid());
    QVERIFY(!bob->file(forBob).broadcast);

    // A broadcast after it: once Carol has that one, she would have had the first too
    // (one channel, delivered in commit order), and she has not.
    const QJsonObject everyone
        = sendAndWait(alice.get(), TestUtil::makeFile(m_tmp->path(), s("all.bin"), 5000));
    const qint64 forAll = indexOf(everyone);
    QCOMPARE(forAll, forBob + 1);
    QTRY_COMPARE_WITH_TIMEOUT(carolAvailable.size(), 1, Wait);
    QVERIFY(carol->file(forAll).isValid());
    QVERIFY(!carol->file(forBob).isValid());
    QTRY_COMPARE_WITH_TIMEOUT(bobAvailable.size(), 2, Wait);

    // A late joiner on node 2 sees the broadcast only; so does Carol's list from the server.
    auto dave = join(*m_node2, s("Dave"));
    QVERIFY(dave);
    QCOMPARE(dave->availableFileList().size(), 1);
    QVERIFY(dave->file(forAll).isValid());
    carol->disconnectFromRoom();
    carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    QCOMPARE(carol->availableFileList().size(), 1);
    QVERIFY(!carol->file(forBob).isValid());

    // And the other way: node 2 accepts Alice (node 1) as the only recipient.
    QSignalSpy aliceAvailable(alice.get(), &Room::fileAvailable);
    const QJsonObject back = sendAndWait(
        bob.get(), TestUtil::makeFile(m_tmp->path(), s("reply.bin"), 100),
        { { s("broadcast"), false }, { s("clientList"), QJsonArray{ alice->clientId() } } });
    QCOMPARE(back[s("messageType")].toString(), s("upload-completed"));
    QTRY_COMPARE_WITH_TIMEOUT(aliceAvailable.size(), 1, Wait);
    QVERIFY(alice->file(indexOf(back)).isValid());
    QVERIFY(!dave->file(indexOf(back)).isValid());
}

void tst_Nodes::removalReachesTheOtherNode()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy bobRemoved(bob.get(), &Room::fileRemoved);
    const qint64 index
        = indexOf(sendAndWait(alice.get(), TestUtil::makeFile(m_tmp->path(), s("x.bin"), 2000)));
    QVERIFY(index > 0);
    QTRY_COMPARE_WITH_TIMEOUT(bobAvailable.size(), 1, Wait);

    QJsonObject answer;
    alice->removeFile(index, [&](const QJsonObject &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty(), Wait);
    QCOMPARE(answer[s("result")].toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.size(), 1, Wait);
    QCOMPARE(bobRemoved.at(0).at(0).toLongLong(), index);
    QCOMPARE(bobRemoved.at(0).at(1).toString(), s("withdrawn"));
    QVERIFY(!bob->file(index).isValid());
    // Gone for late joiners on node 2 as well.
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    QCOMPARE(carol->availableFileList().size(), 0);
}

void tst_Nodes::fileExpiresOnceOnEveryNode()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy aliceRemoved(alice.get(), &Room::ownFileRemoved);
    QSignalSpy bobAvailable(bob.get(), &Room::fileAvailable);
    QSignalSpy bobRemoved(bob.get(), &Room::fileRemoved);
    const qint64 soon
        = indexOf(sendAndWait(alice.get(), TestUtil::makeFile(m_tmp->path(), s("soon.bin"), 2000),
                              { { s("expiresIn"), 2 } }));
    const qint64 later
        = indexOf(sendAndWait(alice.get(), TestUtil::makeFile(m_tmp->path(), s("later.bin"), 2000),
                              { { s("expiresIn"), 5 } }));
    QVERIFY(soon > 0 && later > soon);
    QTRY_COMPARE_WITH_TIMEOUT(bobAvailable.size(), 2, Wait);

    // Both nodes hold the file and its expiry: each member hears of it once, as "expired"
    // (the sender among "Shared by you").
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.size(), 1, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(aliceRemoved.size(), 1, Wait);
    QCOMPARE(bobRemoved.at(0).at(0).toLongLong(), soon);
    QCOMPARE(bobRemoved.at(0).at(1).toString(), s("expired"));
    QCOMPARE(aliceRemoved.at(0).at(0).toLongLong(), soon);
    QCOMPARE(aliceRemoved.at(0).at(1).toString(), s("expired"));

    // The sender's node dies before the second file's time: node 2 expires it on its own
    // and deletes its row.
    m_node1->kill();
    QTRY_COMPARE_WITH_TIMEOUT(bobRemoved.size(), 2, Wait);
    QCOMPARE(bobRemoved.at(1).at(0).toLongLong(), later);
    QCOMPARE(bobRemoved.at(1).at(1).toString(), s("expired"));
    QTest::qWait(1500);
    QCOMPARE(bobRemoved.size(), 2);
    QVERIFY(!bob->file(soon).isValid() && !bob->file(later).isValid());

    QSqlDatabase db = QSqlDatabase::cloneDatabase(s("admin"), s("expiry"));
    db.setDatabaseName(m_dbName);
    QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    {
        QSqlQuery rows(db);
        QVERIFY2(rows.exec(s("SELECT count(*) FROM files")), qPrintable(rows.lastError().text()));
        QVERIFY(rows.next());
        QCOMPARE(rows.value(0).toInt(), 0);
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(s("expiry"));

    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    QCOMPARE(carol->availableFileList().size(), 0);
}

void tst_Nodes::removedParticipantStaysOutOfTheOtherNode()
{
    // Bob's personal link (a named invite with its own token id), for either node.
    JoinClaims bobClaims;
    bobClaims.room = s("standup");
    bobClaims.name = s("Bob");
    bobClaims.role = s("participant");
    bobClaims.tokenId = s("bob-link");
    bobClaims.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    const QString bobToken = Token::sign(bobClaims, TestUtil::testSecret());
    const auto linkTo = [&](const ServerProcess &node) {
        return InviteLink::forServer(node.url(), s("standup"), bobToken).toString();
    };

    auto mod = std::make_unique<Room>();
    QSignalSpy modConnected(mod.get(), &Room::connected);
    QVERIFY(mod->connectToRoom(
        TestUtil::invite(m_node1->url(), s("standup"), s("Mod"), s("moderator"))));
    QVERIFY(modConnected.wait(Wait));
    auto bob = std::make_unique<Room>();
    QSignalSpy bobConnected(bob.get(), &Room::connected);
    QVERIFY(bob->connectToRoom(linkTo(*m_node1)));
    QVERIFY(bobConnected.wait(Wait));
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    const QString bobId = bob->clientId();
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*carol, bobId), Wait);
    QSignalSpy carolLeft(carol.get(), &Room::participantLeft);

    QJsonObject answer;
    mod->removeParticipant(bobId, [&](const QJsonObject &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty(), Wait);
    QCOMPARE(answer[s("result")].toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(carolLeft.size(), 1, Wait);
    QCOMPARE(carolLeft.at(0).at(0).value<Participant>().clientId, bobId);

    // The same link through node 2 is refused, as it is through node 1.
    for (ServerProcess *node : { m_node2.get(), m_node1.get() }) {
        auto again = std::make_unique<Room>();
        QSignalSpy ended(again.get(), &Room::disconnected);
        QSignalSpy connected(again.get(), &Room::connected);
        QVERIFY(again->connectToRoom(linkTo(*node)));
        QVERIFY(ended.wait(Wait));
        QCOMPARE(connected.size(), 0);
        QCOMPARE(ended.at(0).at(0).value<ErrorCode>(), ErrorCode::InvalidInvite);
        QVERIFY2(ended.at(0).at(1).toString().contains(s("moderator removed")),
                 qPrintable(ended.at(0).at(1).toString()));
    }
}

void tst_Nodes::moderatorRemovesParticipantOnTheOtherNode()
{
    // The moderator on node 1, Bob (with a personal link) on node 2: the removal is carried
    // out by node 2, Bob is told who removed him, everyone sees him leave, and his link is
    // refused on both nodes.
    JoinClaims bobClaims;
    bobClaims.room = s("standup");
    bobClaims.name = s("Bob");
    bobClaims.role = s("participant");
    bobClaims.tokenId = s("bob-remote-link");
    bobClaims.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    const QString bobToken = Token::sign(bobClaims, TestUtil::testSecret());
    const auto linkTo = [&](const ServerProcess &node) {
        return InviteLink::forServer(node.url(), s("standup"), bobToken).toString();
    };

    auto mod = std::make_unique<Room>();
    QSignalSpy modConnected(mod.get(), &Room::connected);
    QVERIFY(mod->connectToRoom(
        TestUtil::invite(m_node1->url(), s("standup"), s("Mod"), s("moderator"))));
    QVERIFY(modConnected.wait(Wait));
    auto bob = std::make_unique<Room>();
    QSignalSpy bobConnected(bob.get(), &Room::connected);
    QSignalSpy bobEnded(bob.get(), &Room::disconnected);
    QVERIFY(bob->connectToRoom(linkTo(*m_node2)));
    QVERIFY(bobConnected.wait(Wait));
    auto carol = join(*m_node1, s("Carol"));
    QVERIFY(carol);
    const QString bobId = bob->clientId();
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*mod, bobId), Wait);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*carol, bobId), Wait);
    QSignalSpy carolLeft(carol.get(), &Room::participantLeft);

    QJsonObject answer;
    mod->removeParticipant(bobId, [&](const QJsonObject &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty(), Wait);
    QCOMPARE(answer[s("result")].toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(bobEnded.size(), 1, Wait);
    QCOMPARE(bobEnded.at(0).at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY2(bobEnded.at(0).at(1).toString().contains(s("Mod (moderator) removed you")),
             qPrintable(bobEnded.at(0).at(1).toString()));
    QTRY_COMPARE_WITH_TIMEOUT(carolLeft.size(), 1, Wait);
    QCOMPARE(carolLeft.at(0).at(0).value<Participant>().clientId, bobId);
    QTRY_VERIFY_WITH_TIMEOUT(!hasParticipant(*mod, bobId), Wait);

    for (ServerProcess *node : { m_node1.get(), m_node2.get() }) {
        auto again = std::make_unique<Room>();
        QSignalSpy ended(again.get(), &Room::disconnected);
        QSignalSpy connected(again.get(), &Room::connected);
        QVERIFY(again->connectToRoom(linkTo(*node)));
        QVERIFY(ended.wait(Wait));
        QCOMPARE(connected.size(), 0);
        QCOMPARE(ended.at(0).at(0).value<ErrorCode>(), ErrorCode::InvalidInvite);
    }
}

void tst_Nodes::lockHoldsOnEveryNode()
{
    // The moderator on node 1 locks the room: Carol on node 2 is told, a newcomer is
    // refused through node 2 as through node 1; unlocked, the newcomer gets in on node 2.
    auto mod = std::make_unique<Room>();
    QSignalSpy modConnected(mod.get(), &Room::connected);
    QVERIFY(mod->connectToRoom(
        TestUtil::invite(m_node1->url(), s("standup"), s("Mod"), s("moderator"))));
    QVERIFY(modConnected.wait(Wait));
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    QSignalSpy carolLock(carol.get(), &Room::lockedChanged);

    QJsonObject answer;
    mod->setLocked(true, [&](const QJsonObject &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty(), Wait);
    QCOMPARE(answer[s("result")].toInt(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(carolLock.size(), 1, Wait);
    QCOMPARE(carolLock.at(0).at(0).toBool(), true);
    QVERIFY(carol->isLocked());

    for (ServerProcess *node : { m_node2.get(), m_node1.get() }) {
        auto dave = std::make_unique<Room>();
        QSignalSpy ended(dave.get(), &Room::disconnected);
        QSignalSpy connected(dave.get(), &Room::connected);
        QVERIFY(dave->connectToRoom(TestUtil::invite(node->url(), s("standup"), s("Dave"))));
        QVERIFY(ended.wait(Wait));
        QCOMPARE(connected.size(), 0);
        QCOMPARE(ended.at(0).at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
        QVERIFY2(ended.at(0).at(1).toString().contains(s("locked")),
                 qPrintable(ended.at(0).at(1).toString()));
    }

    answer = {};
    mod->setLocked(false, [&](const QJsonObject &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!answer.isEmpty(), Wait);
    QTRY_COMPARE_WITH_TIMEOUT(carolLock.size(), 2, Wait);
    QCOMPARE(carolLock.at(1).at(0).toBool(), false);
    auto dave = join(*m_node2, s("Dave"));
    QVERIFY(dave);
}

void tst_Nodes::knockOnOneNodeAnsweredOnTheOther()
{
    // The moderator on node 1; Erin and Finn knock through node 2, where nobody can let
    // them in: the moderator sees both knocks, admits Erin (who joins on node 2) and
    // denies Finn (who is told so).
    auto host = std::make_unique<Room>();
    QSignalSpy hostConnected(host.get(), &Room::connected);
    QVERIFY(host->connectToRoom(
        TestUtil::invite(m_node1->url(), s("standup"), s("Mod"), s("moderator"))));
    QVERIFY(hostConnected.wait(Wait));
    QSignalSpy received(host.get(), &Room::knockReceived);
    QSignalSpy ended(host.get(), &Room::knockEnded);
    const QString knockLink = s("roomshare://127.0.0.1:%1/standup").arg(m_node2->port());
    // The host's join must have reached node 2, or it refuses: nobody could let them in.
    auto watcher = join(*m_node2, s("Watcher"));
    QVERIFY(watcher);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*watcher, host->clientId()), Wait);

    Room erin;
    QSignalSpy erinConnected(&erin, &Room::connected);
    QVERIFY2(erin.connectToRoom(knockLink, s("Erin")), qPrintable(erin.lastErrorText()));
    Room finn;
    QSignalSpy finnEnded(&finn, &Room::disconnected);
    QVERIFY2(finn.connectToRoom(knockLink, s("Finn")), qPrintable(finn.lastErrorText()));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, Wait);
    QString erinKnock;
    QString finnKnock;
    for (const auto &args : std::as_const(received)) {
        const auto knock = args.at(0).value<KnockRequest>();
        (knock.name == s("Erin") ? erinKnock : finnKnock) = knock.id;
    }
    QVERIFY(!erinKnock.isEmpty() && !finnKnock.isEmpty());

    QJsonObject answered;
    host->answerKnock(erinKnock, KnockAnswer::Admit, [&](const QJsonObject &r) { answered = r; });
    QVERIFY2(erinConnected.wait(Wait), qPrintable(erin.lastErrorText()));
    QCOMPARE(erin.role(), s("participant"));
    QTRY_COMPARE_WITH_TIMEOUT(answered.value(s("result")).toInt(-1), 0, Wait);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*host, erin.clientId()), Wait);

    answered = {};
    host->answerKnock(finnKnock, KnockAnswer::Deny, [&](const QJsonObject &r) { answered = r; });
    QTRY_COMPARE_WITH_TIMEOUT(finnEnded.size(), 1, Wait);
    QCOMPARE(finnEnded.at(0).at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QTRY_COMPARE_WITH_TIMEOUT(ended.size(), 2, Wait);
    QVERIFY(host->pendingKnocks().isEmpty());

    // The lobby switched off on node 1 is off on node 2: a knock there is refused.
    answered = {};
    host->setLobbyEnabled(false, [&](const QJsonObject &r) { answered = r; });
    QTRY_COMPARE_WITH_TIMEOUT(answered.value(s("result")).toInt(-1), 0, Wait);
    // Node 2 has it once a moderator joining there is told so (its `joined` says).
    const auto lobbyOffOnNode2 = [&] {
        Room probe;
        QSignalSpy connected(&probe, &Room::connected);
        return probe.connectToRoom(
                   TestUtil::invite(m_node2->url(), s("standup"), s("Probe"), s("moderator")))
            && connected.wait(Wait) && !probe.isLobbyEnabled();
    };
    QTRY_VERIFY_WITH_TIMEOUT(lobbyOffOnNode2(), Wait);
    Room gil;
    QSignalSpy gilEnded(&gil, &Room::disconnected);
    QVERIFY(gil.connectToRoom(knockLink, s("Gil")));
    QVERIFY(gilEnded.wait(Wait));
    QCOMPARE(gilEnded.at(0).at(0).value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY2(gilEnded.at(0).at(1).toString().contains(s("takes only invite links")),
             qPrintable(gilEnded.at(0).at(1).toString()));
    QCOMPARE(received.size(), 2);
}

void tst_Nodes::silentNodeLosesItsParticipants()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(alice && bob);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*alice, bob->clientId()), Wait);
    const QString bobId = bob->clientId();
    QSignalSpy aliceLeft(alice.get(), &Room::participantLeft);
    // kill -9: node 2 says nothing more; node 1 notices its silence (three 2 s heartbeats).
    QElapsedTimer t;
    t.start();
    m_node2->kill();
    QTRY_COMPARE_WITH_TIMEOUT(aliceLeft.size(), 1, 15000);
    QCOMPARE(aliceLeft.at(0).at(0).value<Participant>().clientId, bobId);
    qInfo("node 2 declared lost %lld ms after its kill", t.elapsed());
    QCOMPARE(alice->participants().size(), 1);
}

void tst_Nodes::restartedNodeRestoresOnlyItsOwnParticipants()
{
    auto alice = join(*m_node1, s("Alice"));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(alice && bob);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*alice, bob->clientId()), Wait);
    const QString aliceId = alice->clientId();
    const QString bobId = bob->clientId();
    const qint64 aliceFile
        = indexOf(sendAndWait(alice.get(), TestUtil::makeFile(m_tmp->path(), s("a.bin"), 100)));
    const qint64 bobFile
        = indexOf(sendAndWait(bob.get(), TestUtil::makeFile(m_tmp->path(), s("b.bin"), 100)));
    QVERIFY(aliceFile > 0 && bobFile > 0);
    QSignalSpy aliceLeft(alice.get(), &Room::participantLeft);
    // Both are present in the sessions table; node 2 dies and comes back on its folder.
    m_node2->kill();
    bob.reset();
    QVERIFY(m_node2->start());
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    QSignalSpy carolLeft(carol.get(), &Room::participantLeft);
    // The restarted node lists both files: its own and node 1's.
    QVERIFY(carol->file(aliceFile).isValid());
    QVERIFY(carol->file(bobFile).isValid());
    // Alice is node 1's: node 2 learns of her from node 1, never restores her as its own.
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*carol, aliceId), Wait);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*alice, carol->clientId()), Wait);
    // Bob was node 2's: restored for the grace period (3 s here), then gone, for both.
    QTRY_COMPARE_WITH_TIMEOUT(aliceLeft.size(), 1, 15000);
    QCOMPARE(aliceLeft.at(0).at(0).value<Participant>().clientId, bobId);
    QTRY_VERIFY_WITH_TIMEOUT(!hasParticipant(*carol, bobId), Wait);
    // Past node 2's first run's silence too (three heartbeats): nobody else left.
    QTest::qWait(2 * 2000);
    QCOMPARE(aliceLeft.size(), 1);
    for (const auto &args : std::as_const(carolLeft))
        QVERIFY(args.at(0).value<Participant>().clientId != aliceId);
    QVERIFY(hasParticipant(*carol, aliceId));
    QCOMPARE(carol->participants().size(), 2);
    QCOMPARE(alice->participants().size(), 2);
}

void tst_Nodes::eventsCarryOnAfterPostgresRestart()
{
    const QString restart = qEnvironmentVariable("ROOMSHARE_TEST_POSTGRES_RESTART");
    if (restart.isEmpty())
        QSKIP("ROOMSHARE_TEST_POSTGRES_RESTART is not set: run tests/extra/scaleout-pg.sh");
    auto alice = join(*m_node1, s("Alice"));
    QVERIFY(alice);
    // PostgreSQL restarted while the room is idle: both nodes' connections (and their
    // LISTEN) are cut.
    const qint64 cpuBefore = cpuMs(m_node1->pid()) + cpuMs(m_node2->pid());
    QProcess p;
    p.startCommand(restart);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    // Each node notices within a heartbeat (2 s), reconnects and listens again.
    QTest::qWait(2 * 2000 + 500);
    qInfo("CPU used by both nodes from the restart to %d ms after it: %lld ms", 2 * 2000 + 500,
          cpuMs(m_node1->pid()) + cpuMs(m_node2->pid()) - cpuBefore);
    QSignalSpy aliceJoined(alice.get(), &Room::participantJoined);
    QSignalSpy aliceAvailable(alice.get(), &Room::fileAvailable);
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(bob);
    QTRY_COMPARE_WITH_TIMEOUT(aliceJoined.size(), 1, Wait);
    QVERIFY(hasParticipant(*bob, alice->clientId()));
    const qint64 index
        = indexOf(sendAndWait(bob.get(), TestUtil::makeFile(m_tmp->path(), s("y.bin"), 100)));
    QVERIFY(index > 0);
    QTRY_COMPARE_WITH_TIMEOUT(aliceAvailable.size(), 1, Wait);
    QVERIFY(alice->file(index).isValid());
    // Nobody was taken for lost meanwhile.
    QCOMPARE(alice->participants().size(), 2);

    // Again, and this time Carol joins node 2 and sends a file at once: node 2 reconnects
    // with her first statement, node 1 only at its next heartbeat, so their notifications
    // are likely sent before node 1 listens again. Node 1 catches up when it reconnects
    // (the others answer its hello, the files come from their rows).
    p.startCommand(restart);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    auto carol = join(*m_node2, s("Carol"));
    QVERIFY(carol);
    const qint64 carolFile
        = indexOf(sendAndWait(carol.get(), TestUtil::makeFile(m_tmp->path(), s("z.bin"), 100)));
    QVERIFY(carolFile > 0);
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*alice, carol->clientId()), Wait);
    QTRY_VERIFY_WITH_TIMEOUT(alice->file(carolFile).isValid(), Wait);
    QCOMPARE(alice->participants().size(), 3);

    // And once more with endings: right after the restart Bob leaves and Carol withdraws
    // her file through node 2, whose notifications node 1 (reconnecting only at its next
    // heartbeat) is likely not listening for. Node 1 reconciles with the rows when it
    // reconnects: Alice sees Bob leave and the file go.
    QSignalSpy aliceLeft(alice.get(), &Room::participantLeft);
    const QString bobId = bob->clientId();
    p.startCommand(restart);
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    bob->disconnectFromRoom();
    QJsonObject withdrawn;
    carol->removeFile(carolFile, [&](const QJsonObject &r) { withdrawn = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!withdrawn.isEmpty(), Wait);
    QCOMPARE(withdrawn.value(s("result")).toInt(-1), 0);
    QTRY_COMPARE_WITH_TIMEOUT(aliceLeft.size(), 1, Wait);
    QCOMPARE(aliceLeft.at(0).at(0).value<Participant>().clientId, bobId);
    QTRY_VERIFY_WITH_TIMEOUT(!alice->file(carolFile).isValid(), Wait);
    QVERIFY(hasParticipant(*alice, carol->clientId()));
}

void tst_Nodes::crossNodeJoinLatency()
{
    // Observers on both nodes; each join on node 1 is seen by the one on node 1 (its own
    // node) and by the one on node 2 (through PostgreSQL). The figure is the difference,
    // what the notification adds. Reported, not asserted (timings belong in benchmarks).
    auto here = join(*m_node1, s("Observer 1"));
    auto there = join(*m_node2, s("Observer 2"));
    QVERIFY(here && there);
    QTRY_COMPARE_WITH_TIMEOUT(here->participants().size(), 2, Wait);
    constexpr int Joins = 40;
    QElapsedTimer clock;
    clock.start();
    QHash<QString, qint64> seenHere;
    QHash<QString, qint64> seenThere;
    connect(here.get(), &Room::participantJoined, this,
            [&](const Participant &p) { seenHere.insert(p.clientId, clock.nsecsElapsed()); });
    connect(there.get(), &Room::participantJoined, this,
            [&](const Participant &p) { seenThere.insert(p.clientId, clock.nsecsElapsed()); });
    QHash<QString, qint64> goneHere;
    QHash<QString, qint64> goneThere;
    connect(here.get(), &Room::participantLeft, this,
            [&](const Participant &p) { goneHere.insert(p.clientId, clock.nsecsElapsed()); });
    connect(there.get(), &Room::participantLeft, this,
            [&](const Participant &p) { goneThere.insert(p.clientId, clock.nsecsElapsed()); });
    QList<double> joinMs;
    QList<double> leaveMs;
    QList<double> hereMs; // from the join request to the observer on node 1
    QList<double> thereMs; // and to the one on node 2
    // One joiner at a time, each leaving again: the server allows 32 connections per address.
    for (int i = 0; i < Joins; ++i) {
        const qint64 asked = clock.nsecsElapsed();
        auto joiner = join(*m_node1, s("Joiner %1").arg(i));
        QVERIFY(joiner);
        const QString id = joiner->clientId();
        QTRY_VERIFY_WITH_TIMEOUT(seenHere.contains(id) && seenThere.contains(id), Wait);
        joinMs.append(double(seenThere.value(id) - seenHere.value(id)) / 1e6);
        hereMs.append(double(seenHere.value(id) - asked) / 1e6);
        thereMs.append(double(seenThere.value(id) - asked) / 1e6);
        joiner->disconnectFromRoom();
        QTRY_VERIFY_WITH_TIMEOUT(goneHere.contains(id) && goneThere.contains(id), Wait);
        leaveMs.append(double(goneThere.value(id) - goneHere.value(id)) / 1e6);
    }
    QCOMPARE(there->participants().size(), 2);
    for (QList<double> *list : { &joinMs, &leaveMs, &hereMs, &thereMs })
        std::sort(list->begin(), list->end());
    const auto at = [&](const QList<double> &list, double q) {
        return list.at(qMin(Joins - 1, int(q * Joins)));
    };
    qInfo("cross-node latency over %d joins and leaves (seen on the other node minus seen on "
          "the own node): join p50 %.2f ms, p99 %.2f ms, max %.2f ms; leave p50 %.2f ms, "
          "p99 %.2f ms, max %.2f ms",
          Joins, at(joinMs, 0.5), at(joinMs, 0.99), joinMs.last(), at(leaveMs, 0.5),
          at(leaveMs, 0.99), leaveMs.last());
    qInfo("from the join request (connect, join, joined) to participant-joined: on node 1 "
          "p50 %.2f ms, p99 %.2f ms; on node 2 p50 %.2f ms, p99 %.2f ms",
          at(hereMs, 0.5), at(hereMs, 0.99), at(thereMs, 0.5), at(thereMs, 0.99));
}

void tst_Nodes::latencyWith200Participants()
{
    // The load figure (p99 < 50 ms with 200 participants over two nodes): printed,
    // not asserted. Both nodes' lists must hold all 200, though.
    // One test process holds every client: lift the per-address connection limit.
    for (ServerProcess *node : { m_node1.get(), m_node2.get() }) {
        node->kill();
        node->extraArguments << s("--max-connections-per-address") << s("400");
        QVERIFY(node->start());
    }
    auto here = join(*m_node1, s("Observer 1"));
    auto there = join(*m_node2, s("Observer 2"));
    QVERIFY(here && there);
    std::vector<std::unique_ptr<Room>> crowd;
    for (int i = 0; i < 198; ++i) {
        crowd.push_back(join(i % 2 ? *m_node2 : *m_node1, s("P%1").arg(i)));
        QVERIFY(crowd.back());
    }
    QTRY_COMPARE_WITH_TIMEOUT(here->participants().size(), 200, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(there->participants().size(), 200, 30000);

    QElapsedTimer clock;
    clock.start();
    QHash<QString, qint64> joinedAt[2];
    QHash<qint64, qint64> fileAt[2];
    for (int n = 0; n < 2; ++n) {
        Room *observer = n == 0 ? here.get() : there.get();
        connect(observer, &Room::participantJoined, this, [&, n](const Participant &p) {
            joinedAt[n].insert(p.clientId, clock.nsecsElapsed());
        });
        connect(observer, &Room::fileAvailable, this,
                [&, n](const FileInfo &f) { fileAt[n].insert(f.index, clock.nsecsElapsed()); });
    }
    // Each event from a member of the crowd, on alternating nodes: its own node's
    // observer against the other node's.
    constexpr int Rounds = 50;
    QList<double> joinMs;
    QList<double> fileMs;
    QList<double> joinOtherMs; // from the join request to the other node's observer
    QList<double> fileOtherMs; // from sendFiles() to the other node's observer
    const QString small = TestUtil::makeFile(m_tmp->path(), s("small.bin"), 1000);
    for (int i = 0; i < Rounds; ++i) {
        const int own = i % 2;
        const qint64 asked = clock.nsecsElapsed();
        auto joiner = join(own ? *m_node2 : *m_node1, s("J%1").arg(i));
        QVERIFY(joiner);
        const QString id = joiner->clientId();
        QTRY_VERIFY_WITH_TIMEOUT(joinedAt[0].contains(id) && joinedAt[1].contains(id), Wait);
        joinMs.append(double(joinedAt[1 - own].value(id) - joinedAt[own].value(id)) / 1e6);
        joinOtherMs.append(double(joinedAt[1 - own].value(id) - asked) / 1e6);
        joiner->disconnectFromRoom();
        Room *sender = crowd.at(size_t(i * 2 + own)).get(); // P even: node 1, odd: node 2
        const qint64 sent = clock.nsecsElapsed();
        const qint64 index = indexOf(sendAndWait(sender, small));
        QVERIFY(index > 0);
        QTRY_VERIFY_WITH_TIMEOUT(fileAt[0].contains(index) && fileAt[1].contains(index), Wait);
        fileMs.append(double(fileAt[1 - own].value(index) - fileAt[own].value(index)) / 1e6);
        fileOtherMs.append(double(fileAt[1 - own].value(index) - sent) / 1e6);
    }
    for (QList<double> *list : { &joinMs, &fileMs, &joinOtherMs, &fileOtherMs })
        std::sort(list->begin(), list->end());
    const auto at = [&](const QList<double> &list, double q) {
        return list.at(qMin(Rounds - 1, int(q * Rounds)));
    };
    qInfo("200 participants over two nodes, %d events each (the other node's observer minus "
          "the own node's): participant-joined p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
          "file-available p50 %.2f ms, p99 %.2f ms, max %.2f ms",
          Rounds, at(joinMs, 0.5), at(joinMs, 0.99), joinMs.last(), at(fileMs, 0.5),
          at(fileMs, 0.99), fileMs.last());
    qInfo("the same, end to end on the other node: join request to participant-joined p50 "
          "%.2f ms, p99 %.2f ms; sendFiles() of 1000 bytes to file-available p50 %.2f ms, "
          "p99 %.2f ms",
          at(joinOtherMs, 0.5), at(joinOtherMs, 0.99), at(fileOtherMs, 0.5), at(fileOtherMs, 0.99));
}

void tst_Nodes::fullRoomTakesAParticipantMovingIn()
{
    // A room of at most 2 (--max-participants, counted over both nodes) with Alice on node 1
    // and Bob on node 2 is full; when node 1 dies, Alice moves to node 2: she is in the room
    // already, so the move is not refused as a new join would be.
    m_node1.reset();
    m_node2.reset();
    const QStringList cap{ s("--max-participants"), s("2") };
    m_node1 = startNode(s("capped1"), cap);
    m_node2 = startNode(s("capped2"), cap);
    QVERIFY(m_node1 && m_node2);
    JoinClaims c;
    c.room = s("standup");
    c.name = s("Alice");
    c.role = s("participant");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    InviteLink link
        = InviteLink::forServer(m_node1->url(), c.room, Token::sign(c, TestUtil::testSecret()));
    link.alternates.append(ServerEndpoint{ s("127.0.0.1"), m_node2->port() });
    Room alice;
    QSignalSpy aliceConnected(&alice, &Room::connected);
    QSignalSpy aliceEnded(&alice, &Room::disconnected);
    QVERIFY(alice.connectToRoom(link.toString()));
    QVERIFY(aliceConnected.wait(Wait));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(bob);
    const QString aliceId = alice.clientId();
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*bob, aliceId), Wait);

    // Full, on either node.
    Room carol;
    QSignalSpy carolEnded(&carol, &Room::disconnected);
    QVERIFY(carol.connectToRoom(TestUtil::invite(m_node2->url(), s("standup"), s("Carol"))));
    QVERIFY(carolEnded.wait(Wait));
    QCOMPARE(carolEnded.at(0).at(0).value<ErrorCode>(), ErrorCode::LimitExceeded);

    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);
    m_node1->kill();
    QTRY_COMPARE_WITH_TIMEOUT(aliceConnected.size(), 2, Wait);
    QCOMPARE(alice.clientId(), aliceId);
    QCOMPARE(aliceEnded.size(), 0);
    QCOMPARE(alice.participants().size(), 2);
    QCOMPARE(bobLeft.size(), 0);
}

QTEST_MAIN(tst_Nodes)
void tst_Nodes::sessionMovesButLocalDiskUploadIsRefused()
{
    // docs/scale-out.md, "A session moves to another node": the session moves, an upload
    // whose bytes are on the dead node's disk is refused with the reason.
    JoinClaims c;
    c.room = s("standup");
    c.name = s("Alice");
    c.role = s("participant");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    InviteLink link
        = InviteLink::forServer(m_node1->url(), c.room, Token::sign(c, TestUtil::testSecret()));
    link.alternates.append(ServerEndpoint{ s("127.0.0.1"), m_node2->port() });
    Room alice;
    QSignalSpy connected(&alice, &Room::connected);
    QVERIFY(alice.connectToRoom(link.toString()));
    QVERIFY(connected.wait(Wait));
    auto bob = join(*m_node2, s("Bob"));
    QVERIFY(bob);
    const QString aliceId = alice.clientId();
    QTRY_VERIFY_WITH_TIMEOUT(hasParticipant(*bob, aliceId), Wait);
    QSignalSpy bobLeft(bob.get(), &Room::participantLeft);

    QPointer<TransferJob> job;
    connect(&alice, &Room::jobAdded, this, [&](TransferJob *j) { job = j; });
    const QString path = TestUtil::makeFile(m_tmp->path(), s("local.bin"), 64 * 1024 * 1024);
    bool done = false;
    QJsonObject result;
    alice.sendFiles({ path }, {}, [&](const QJsonObject &r) {
        result = r;
        done = true;
    });
    QVERIFY(job);
    const qint64 node1Pid = m_node1->pid();
    bool killed = false;
    connect(job, &TransferJob::progressChanged, this, [&](qint64 sent, qint64) {
        if (!killed && sent >= 8 * 1024 * 1024) {
            killed = true;
            ::kill(pid_t(node1Pid), SIGKILL);
        }
    });
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < 30000)
        QTest::qWait(10);
    m_node1->kill();
    QVERIFY(killed);
    QVERIFY(done);
    QCOMPARE(result.value(s("result")).toInt(), int(ErrorCode::StorageError));
    const QString desc = result.value(s("desc")).toString();
    QVERIFY2(desc.contains(s("cannot continue on this server node")), qPrintable(desc));
    // The session itself moved: same client id, never seen leaving.
    QCOMPARE(alice.clientId(), aliceId);
    QCOMPARE(alice.state(), Room::State::Connected);
    QTest::qWait(8000); // past node-lost
    QCOMPARE(bobLeft.size(), 0);
    QVERIFY(hasParticipant(*bob, aliceId));
}

#include "tst_nodes.moc"
