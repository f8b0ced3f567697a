// Issue 15, finding 8: a download folder someone else can write to (a shared Downloads, a
// synced folder) must not let planted symbolic links redirect what the client writes.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "filenames.h"
#include "room.h"
#include "testutil.h"

using namespace Roomshare;

class TestDownloadFolder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void plantedSidecarSymlinkIsNotFollowed();
    void plantedPartialSymlinkIsNotAdopted();
    void renameNeverReplaces();

private:
    std::unique_ptr<Room> join(const QString &name);
    //! Alice sends \a content as \a name; Bob downloads it into \a dir. Returns Bob's result.
    QJsonObject transfer(const QString &name, const QByteArray &content, const QString &dir);

    QTemporaryDir m_tmp;
    std::unique_ptr<Server::RoomServer> m_server;
};

void TestDownloadFolder::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.*.debug=false\n"
                                                    "roomshare.*.info=false"));
    QVERIFY(m_tmp.isValid());
}

void TestDownloadFolder::init()
{
    m_server = TestUtil::startServer(m_tmp.filePath(
        QStringLiteral("data-%1").arg(QString::fromLatin1(QTest::currentTestFunction()))));
    QVERIFY(m_server);
}

void TestDownloadFolder::cleanup()
{
    m_server.reset();
}

std::unique_ptr<Room> TestDownloadFolder::join(const QString &name)
{
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(m_server->url(), QStringLiteral("r"), name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

QJsonObject TestDownloadFolder::transfer(const QString &name, const QByteArray &content,
                                         const QString &dir)
{
    auto alice = join(QStringLiteral("Alice"));
    auto bob = join(QStringLiteral("Bob"));
    if (!alice || !bob)
        return {};
    const QString src = m_tmp.filePath(QStringLiteral("src"));
    QDir().mkpath(src);
    QFile f(QDir(src).filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    f.close();
    QSignalSpy available(bob.get(), &Room::fileAvailable);
    alice->sendFiles({ f.fileName() });
    if (!available.wait(10000))
        return {};
    const qint64 index = available.first().first().value<FileInfo>().index;
    QJsonObject result;
    bob->recvFiles(index, { { QStringLiteral("saveDir"), dir } },
                   [&result](const QJsonObject &r) { result = r; });
    (void)QTest::qWaitFor([&result] { return !result.isEmpty(); }, 10000);
    return result;
}

// The sidecar was opened with Truncate, following a symlink planted under its name: the
// link's target (here a stand-in for ~/.bashrc) was overwritten with JSON.
void TestDownloadFolder::plantedSidecarSymlinkIsNotFollowed()
{
    const QString dir = m_tmp.filePath(QStringLiteral("dl1"));
    QVERIFY(QDir().mkpath(dir));
    const QString victim = m_tmp.filePath(QStringLiteral("victim1"));
    {
        QFile v(victim);
        QVERIFY(v.open(QIODevice::WriteOnly));
        v.write("precious\n");
    }
    QVERIFY(QFile::link(victim, QDir(dir).filePath(QStringLiteral("a.txt.roomshare-part.json"))));
    const QJsonObject result = transfer(QStringLiteral("a.txt"), "hello", dir);
    QCOMPARE(result.value(QStringLiteral("result")).toInt(), 0);
    QFile v(victim);
    QVERIFY(v.open(QIODevice::ReadOnly));
    QCOMPARE(v.readAll(), QByteArray("precious\n"));
    QFile got(QDir(dir).filePath(QStringLiteral("a.txt")));
    QVERIFY(got.open(QIODevice::ReadOnly));
    QCOMPARE(got.readAll(), QByteArray("hello"));
}

// A planted partial that is a symlink, with a sidecar that matches the file: adopting it
// would write the download into the link's target.
void TestDownloadFolder::plantedPartialSymlinkIsNotAdopted()
{
    const QByteArray content(300 * 1024, 'z');
    const QString dir = m_tmp.filePath(QStringLiteral("dl2"));
    QVERIFY(QDir().mkpath(dir));
    const QString victim = m_tmp.filePath(QStringLiteral("victim2"));
    {
        QFile v(victim);
        QVERIFY(v.open(QIODevice::WriteOnly));
        v.write("zzzz");
    }
    const QString partial = QDir(dir).filePath(QStringLiteral("evil.roomshare-part"));
    QVERIFY(QFile::link(victim, partial));
    QFile sidecar(partial + QStringLiteral(".json"));
    QVERIFY(sidecar.open(QIODevice::WriteOnly));
    sidecar.write(
        QJsonDocument(
            QJsonObject{
                { QStringLiteral("sha256"),
                  QString::fromLatin1(
                      QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()) },
                { QStringLiteral("size"), content.size() } })
            .toJson());
    sidecar.close();
    const QJsonObject result = transfer(QStringLiteral("b.bin"), content, dir);
    QCOMPARE(result.value(QStringLiteral("result")).toInt(), 0);
    QFile v(victim);
    QVERIFY(v.open(QIODevice::ReadOnly));
    QCOMPARE(v.readAll(), QByteArray("zzzz"));
}

// The final rename never replaces what is at the target, not even a dangling symlink that
// appeared after the name was chosen.
void TestDownloadFolder::renameNeverReplaces()
{
    const QString dir = m_tmp.filePath(QStringLiteral("rn"));
    QVERIFY(QDir().mkpath(dir));
    const QString from = QDir(dir).filePath(QStringLiteral("from"));
    QFile f(from);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("data");
    f.close();
    const QString dangling = QDir(dir).filePath(QStringLiteral("dangling"));
    QVERIFY(QFile::link(m_tmp.filePath(QStringLiteral("nowhere")), dangling));
    QVERIFY(!FileNames::renameNoReplace(from, dangling));
    QVERIFY(QFileInfo(dangling).isSymLink());
    QVERIFY(!QFile::exists(m_tmp.filePath(QStringLiteral("nowhere"))));
    const QString existing = QDir(dir).filePath(QStringLiteral("existing"));
    QFile e(existing);
    QVERIFY(e.open(QIODevice::WriteOnly));
    e.write("keep");
    e.close();
    QVERIFY(!FileNames::renameNoReplace(from, existing));
    QVERIFY(e.open(QIODevice::ReadOnly));
    QCOMPARE(e.readAll(), QByteArray("keep"));
    e.close();
    const QString fresh = QDir(dir).filePath(QStringLiteral("fresh"));
    QVERIFY(FileNames::renameNoReplace(from, fresh));
    QVERIFY(!QFile::exists(from));
    QFile r(fresh);
    QVERIFY(r.open(QIODevice::ReadOnly));
    QCOMPARE(r.readAll(), QByteArray("data"));
}

QTEST_GUILESS_MAIN(TestDownloadFolder)
#include "tst_downloadfolder.moc"
