// Issue 12, folders: a tree shared with sendFiles() arrives identical through the real
// server; hostile trees sent raw over the WebSocket are refused with a clear error or land
// sanitised inside the download folder; cancelling a folder leaves nothing announced.

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "filenames.h"
#include "folderpaths.h"
#include "protocolclient.h"
#include "room.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;

namespace {

constexpr int Wait = 20000;

QString str(const char *s)
{
    return QString::fromUtf8(s);
}

//! Every entry below \a root: "d RELPATH" for folders, "f RELPATH SHA256" for files,
//! "l RELPATH" for symbolic links, sorted.
QStringList treeOf(const QString &root)
{
    QStringList out;
    QDirIterator it(root, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    const QDir base(root);
    while (it.hasNext()) {
        const QFileInfo fi(it.next());
        const QString rel = base.relativeFilePath(fi.absoluteFilePath());
        if (fi.isSymLink())
            out.append(QStringLiteral("l ") + rel);
        else if (fi.isDir())
            out.append(QStringLiteral("d ") + rel);
        else
            out.append(QStringLiteral("f %1 %2").arg(
                rel, QString::fromLatin1(TestUtil::sha256Of(fi.filePath()).toHex())));
    }
    out.sort();
    return out;
}

} // namespace

class TestFolders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void sanitizePath_data();
    void sanitizePath();
    void treeArrivesIdentical();
    void hostileTreesRaw();
    void folderLimits();
    void cancelGroupLeavesNothingAnnounced();
    void folderSurvivesServerRestart();

private:
    std::unique_ptr<Room> join(const QString &name);
    QString token(const QString &name) const;

    QTemporaryDir m_tmp;
    std::unique_ptr<Server::RoomServer> m_server;
};

void TestFolders::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.*.debug=false\n"
                                                    "roomshare.*.info=false"));
    QVERIFY(m_tmp.isValid());
}

void TestFolders::init()
{
    m_server = TestUtil::startServer(m_tmp.filePath(
        QStringLiteral("data-%1").arg(QString::fromLatin1(QTest::currentTestFunction()))));
    QVERIFY(m_server);
}

void TestFolders::cleanup()
{
    m_server.reset();
}

std::unique_ptr<Room> TestFolders::join(const QString &name)
{
    auto r = std::make_unique<Room>();
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(m_server->url(), QStringLiteral("r"), name)))
        return nullptr;
    if (!connected.wait(10000))
        return nullptr;
    return r;
}

QString TestFolders::token(const QString &name) const
{
    JoinClaims c;
    c.room = QStringLiteral("r");
    c.name = name;
    c.role = QStringLiteral("participant");
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    return Token::sign(c, TestUtil::testSecret());
}

// What a hostile sender (or a hostile server, which the server's checks do not stop) can
// put in a path: the receiving side turns every level into a safe folder name.
void TestFolders::sanitizePath_data()
{
    QTest::addColumn<QString>("remote");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("plain") << str("Photos/2024") << QStringList{ str("Photos"), str("2024") };
    QTest::addRow("traversal") << str("../../etc") << QStringList{ str("etc") };
    QTest::addRow("traversal inside") << str("a/../../b") << QStringList{ str("a"), str("b") };
    QTest::addRow("absolute") << str("/etc/cron.d") << QStringList{ str("etc"), str("cron.d") };
    QTest::addRow("backslashes") << str("a\\..\\..\\b") << QStringList{ str("a"), str("b") };
    QTest::addRow("device names") << str("CON/aux.txt/LPT1")
                                  << QStringList{ str("_CON"), str("_aux.txt"), str("_LPT1") };
    QTest::addRow("only dots") << str("...") << QStringList{ str("file") };
    QTest::addRow("drive") << str("C:/Windows") << QStringList{ str("file"), str("Windows") };
    QTest::addRow("lookalike") << str("a\u2215b") << QStringList{ str("a_b") };
    QTest::addRow("unicode kept") << str("Überraschung/日本")
                                  << QStringList{ str("Überraschung"), str("日本") };
}

void TestFolders::sanitizePath()
{
    QFETCH(QString, remote);
    QFETCH(QStringList, expected);
    QCOMPARE(FileNames::sanitizePath(remote), expected);
    // A 5,000-character path in one level comes out as one name of at most MaxNameBytes.
    const QStringList longOne = FileNames::sanitizePath(QString(5000, QLatin1Char('x')));
    QCOMPARE(longOne.size(), 1);
    QVERIFY(longOne.first().toUtf8().size() <= FileNames::MaxNameBytes);
}

// 200 files in 10 levels with unicode names, two empty folders, a link to a file inside
// (sent as that file) and links out of the folder and to a folder (not followed).
void TestFolders::treeArrivesIdentical()
{
    const QString src = m_tmp.filePath(QStringLiteral("src"));
    const QString root = QDir(src).filePath(str("Präsentation 📁"));
    QString level = root;
    int made = 0;
    for (int depth = 0; depth < 10; ++depth) {
        QVERIFY(QDir().mkpath(level));
        for (int i = 0; i < 20; ++i, ++made) {
            const QString name = str("Datei-%1-ß-日本-%2.bin").arg(depth).arg(i);
            QVERIFY(!TestUtil::makeFile(level, name, 100 + made * 37).isEmpty());
        }
        level = QDir(level).filePath(str("Ebene %1 ü").arg(depth + 1));
    }
    QCOMPARE(made, 200);
    QVERIFY(QDir().mkpath(QDir(root).filePath(str("leer"))));
    QVERIFY(QDir().mkpath(QDir(root).filePath(str("Ebene 1 ü/auch leer/noch leerer"))));
    const QString outside = TestUtil::makeFile(src, str("secret.txt"), 64);
    QVERIFY(!outside.isEmpty());
    QVERIFY(QFile::link(outside, QDir(root).filePath(str("out-link.txt"))));
    QVERIFY(QFile::link(QDir(root).filePath(str("Datei-0-ß-日本-0.bin")),
                        QDir(root).filePath(str("in-link.bin"))));
    QVERIFY(
        QFile::link(QDir(root).filePath(str("Ebene 1 ü")), QDir(root).filePath(str("dir-link"))));

    auto alice = join(str("Alice"));
    auto bob = join(str("Bob"));
    QVERIFY(alice && bob);
    int completed = 0;
    int failed = 0;
    const QList<qint64> ids = alice->sendFiles({ root }, {}, [&](const QJsonObject &r) {
        (r.value(str("messageType")).toString() == QLatin1String("upload-completed") ? completed
                                                                                     : failed)++;
    });
    // 200 files + the link inside + 2 empty folders (the innermost one of the pair only).
    QCOMPARE(ids.size(), 203);
    const QString group = alice->jobs().isEmpty() ? QString() : alice->jobs().first()->info().group;
    QVERIFY(!group.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(completed + failed, 203, Wait);
    QCOMPARE(failed, 0);

    // Bob sees one folder of 203 entries.
    QString key;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto files = bob->availableFileList();
            if (files.size() != 203)
                return false;
            key = files.first().folderKey();
            return std::all_of(files.cbegin(), files.cend(), [&](const FileInfo &f) {
                return f.folderKey() == key && f.groupSize == 203;
            });
        }(),
        Wait);
    QCOMPARE(bob->folderFiles(key).size(), 203);

    const QString dl = m_tmp.filePath(QStringLiteral("dl"));
    int ok = 0;
    int bad = 0;
    QString lastError;
    bob->recvFolder(key, { { str("saveDir"), dl } }, [&](const QJsonObject &r) {
        if (r.value(str("result")).toInt() == 0)
            ++ok;
        else {
            ++bad;
            lastError = r.value(str("desc")).toString();
        }
    });
    QTRY_COMPARE_WITH_TIMEOUT(ok + bad, 203, Wait);
    QVERIFY2(bad == 0, qPrintable(lastError));

    // The same tree, every hash equal; the links are plain files or absent.
    QStringList expected = treeOf(root);
    expected.removeAll(str("l out-link.txt"));
    expected.removeAll(str("l dir-link"));
    expected.replaceInStrings(
        str("l in-link.bin"),
        str("f in-link.bin %1")
            .arg(QString::fromLatin1(
                TestUtil::sha256Of(QDir(root).filePath(str("Datei-0-ß-日本-0.bin"))).toHex())));
    expected.sort();
    const QStringList got = treeOf(QDir(dl).filePath(str("Präsentation 📁")));
    QCOMPARE(got.size(), 201 /*files*/ + 9 /*levels*/ + 3 /*leer, auch leer, noch leerer*/);
    QCOMPARE(got, expected);
    QCOMPARE(QDir(dl).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{ str("Präsentation 📁") });

    // The same folder again lands beside it, not merged into it.
    ok = bad = 0;
    bob->recvFolder(key, { { str("saveDir"), dl } }, [&](const QJsonObject &r) {
        (r.value(str("result")).toInt() == 0 ? ok : bad)++;
    });
    QTRY_COMPARE_WITH_TIMEOUT(ok + bad, 203, Wait);
    QCOMPARE(bad, 0);
    QCOMPARE(treeOf(QDir(dl).filePath(str("Präsentation 📁 (1)"))), expected);
}

void TestFolders::hostileTreesRaw()
{
    ProtocolTest::Client mallory;
    QVERIFY(mallory.open(m_server->url()));
    QCOMPARE(mallory.join(token(str("Mallory"))).value(str("type")).toString(), str("joined"));
    auto bob = join(str("Bob"));
    QVERIFY(bob);

    const QString group = str("hostile-1");
    const QString emptySha = ProtocolTest::sha256Hex(QByteArray());
    auto begin = [&](const QString &path, const QString &name, qint64 groupSize = 20) {
        return mallory.request(QJsonObject{ { str("type"), str("upload-begin") },
                                            { str("name"), name },
                                            { str("size"), 0 },
                                            { str("sha256"), emptySha },
                                            { str("group"), group },
                                            { str("path"), path },
                                            { str("groupSize"), groupSize } });
    };
    auto refusedWith = [&](const QString &path, ErrorCode code) {
        const QJsonObject r = begin(path, str("x.txt"));
        if (r.value(str("type")).toString() != QLatin1String("error")
            || r.value(str("code")).toInt() != int(code)
            || r.value(str("desc")).toString().isEmpty()) {
            qWarning() << path.left(80) << "answered" << r;
            return false;
        }
        return true;
    };
    // Refused by the server, each with its reason.
    QVERIFY(refusedWith(str("../evil"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("Tree/../../evil"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("/etc"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("C:/Windows"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("Tree\\..\\evil"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("Tree//x"), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("Tree/.."), ErrorCode::InvalidPath));
    QVERIFY(refusedWith(QString(5000, QLatin1Char('a')), ErrorCode::InvalidPath));
    QString deep = str("Tree");
    while (deep.size() < 5000)
        deep += str("/abcdefghij");
    QVERIFY(refusedWith(deep, ErrorCode::InvalidPath));
    QVERIFY(refusedWith(str("Tree/a\x01"), ErrorCode::InvalidPath));
    QCOMPARE(begin(str("Tree"), str("x"), 0).value(str("code")).toInt(),
             int(ErrorCode::InvalidRequest));
    QCOMPARE(mallory
                 .request(QJsonObject{ { str("type"), str("upload-begin") },
                                       { str("name"), str("x") },
                                       { str("size"), 0 },
                                       { str("path"), str("Tree") } })
                 .value(str("code"))
                 .toInt(),
             int(ErrorCode::InvalidRequest));

    // Accepted by the server (legal on its disk), sanitised by the recipient.
    const struct
    {
        const char *path;
        const char *name;
    } accepted[] = {
        { "Tree", "../../escape.txt" },     { "Tree/CON", "nul.txt" },    { "Tree/...", "...." },
        { "Tree/a\u2215b", "/etc/passwd" }, { "Tree/aux", "C:evil.txt" },
    };
    for (const auto &a : accepted) {
        const QJsonObject r = begin(str(a.path), str(a.name));
        QCOMPARE(r.value(str("type")).toString(), str("upload-accepted"));
        QVERIFY(!mallory.waitFor(str("upload-done")).isEmpty());
    }
    QTRY_COMPARE_WITH_TIMEOUT(bob->availableFileList().size(), 5, Wait);
    const QString key = bob->availableFileList().first().folderKey();
    QCOMPARE(bob->folderFiles(key).size(), 5);

    const QString dl = m_tmp.filePath(QStringLiteral("hostile-dl"));
    int ok = 0;
    int bad = 0;
    bob->recvFolder(key, { { str("saveDir"), dl } }, [&](const QJsonObject &r) {
        (r.value(str("result")).toInt() == 0 ? ok : bad)++;
    });
    QTRY_COMPARE_WITH_TIMEOUT(ok + bad, 5, Wait);
    QCOMPARE(bad, 0);
    const QStringList got = treeOf(dl);
    const QString e = QString::fromLatin1(
        TestUtil::sha256Of(QDir(dl).filePath(str("Tree/escape.txt"))).toHex());
    QCOMPARE(got,
             (QStringList{ str("d Tree"), str("d Tree/_CON"), str("d Tree/_aux"), str("d Tree/a_b"),
                           str("d Tree/file"), str("f Tree/_CON/_nul.txt ") + e,
                           str("f Tree/_aux/evil.txt ") + e, str("f Tree/a_b/passwd ") + e,
                           str("f Tree/escape.txt ") + e, str("f Tree/file/file ") + e }));
    // Nothing was written beside the download folder.
    QCOMPARE(QDir(m_tmp.path()).entryList({ str("escape*"), str("evil*"), str("passwd") }),
             QStringList());
}

void TestFolders::folderLimits()
{
    ProtocolTest::Client mallory;
    QVERIFY(mallory.open(m_server->url()));
    QCOMPARE(mallory.join(token(str("Mallory"))).value(str("type")).toString(), str("joined"));
    const QString emptySha = ProtocolTest::sha256Hex(QByteArray());
    auto begin = [&](const QString &group, const QString &path, qint64 groupSize) {
        return mallory.request(QJsonObject{ { str("type"), str("upload-begin") },
                                            { str("name"), str("f") },
                                            { str("size"), 0 },
                                            { str("sha256"), emptySha },
                                            { str("group"), group },
                                            { str("path"), path },
                                            { str("groupSize"), groupSize } });
    };
    // Depth: 32 levels are fine, 33 are not.
    QStringList levels(FolderPaths::MaxDepth, str("d"));
    QCOMPARE(begin(str("g1"), levels.join(QLatin1Char('/')), 5).value(str("type")).toString(),
             str("upload-accepted"));
    levels.append(str("d"));
    QJsonObject r = begin(str("g1"), levels.join(QLatin1Char('/')), 5);
    QCOMPARE(r.value(str("code")).toInt(), int(ErrorCode::InvalidPath));
    QVERIFY(r.value(str("desc")).toString().contains(str("33")));
    // Entries: more than the server's limit declared, or more sent than declared.
    r = begin(str("g2"), str("Big"), FolderPaths::MaxEntries + 1);
    QCOMPARE(r.value(str("code")).toInt(), int(ErrorCode::FolderTooLarge));
    QVERIFY(r.value(str("desc")).toString().contains(QString::number(FolderPaths::MaxEntries)));
    QCOMPARE(begin(str("g3"), str("Two"), 2).value(str("type")).toString(), str("upload-accepted"));
    QCOMPARE(begin(str("g3"), str("Two"), 2).value(str("type")).toString(), str("upload-accepted"));
    r = begin(str("g3"), str("Two"), 2);
    QCOMPARE(r.value(str("code")).toInt(), int(ErrorCode::FolderTooLarge));
    QCOMPARE(begin(str("bad group!"), str("Two"), 2).value(str("code")).toInt(),
             int(ErrorCode::InvalidRequest));

    // The client refuses a folder deeper than the protocol allows before sending anything.
    auto alice = join(str("Alice"));
    QVERIFY(alice);
    QString deep = m_tmp.filePath(str("deep/Top"));
    for (int i = 0; i < FolderPaths::MaxDepth; ++i)
        deep += str("/d");
    QVERIFY(QDir().mkpath(deep));
    QVERIFY(!TestUtil::makeFile(deep, str("f"), 1).isEmpty());
    QJsonObject refusal;
    const QList<qint64> ids = alice->sendFiles({ m_tmp.filePath(str("deep/Top")) }, {},
                                               [&](const QJsonObject &o) { refusal = o; });
    QVERIFY(ids.isEmpty());
    QCOMPARE(refusal.value(str("result")).toInt(), int(ErrorCode::InvalidPath));
    // And an empty folder is nothing to send.
    QVERIFY(QDir().mkpath(m_tmp.filePath(str("nothing"))));
    QVERIFY(alice
                ->sendFiles({ m_tmp.filePath(str("nothing")) }, {},
                            [&](const QJsonObject &o) { refusal = o; })
                .isEmpty());
    QCOMPARE(refusal.value(str("result")).toInt(), int(ErrorCode::EmptyFileList));
}

// Some entries announced, one large one still running: cancelling the folder withdraws the
// announced ones and stops the rest, so neither Bob nor a later joiner sees any of it.
void TestFolders::cancelGroupLeavesNothingAnnounced()
{
    const QString root = m_tmp.filePath(str("cancel/Folder"));
    QVERIFY(QDir().mkpath(root));
    for (int i = 0; i < 20; ++i)
        QVERIFY(!TestUtil::makeFile(root, str("small-%1").arg(i), 1000).isEmpty());
    QVERIFY(!TestUtil::makeFile(root, str("zz-large"), 64 << 20).isEmpty());

    auto alice = join(str("Alice"));
    auto bob = join(str("Bob"));
    QVERIFY(alice && bob);
    QSignalSpy available(bob.get(), &Room::fileAvailable);
    const QList<qint64> ids = alice->sendFiles({ root });
    QCOMPARE(ids.size(), 21);
    const QString group = alice->jobs().first()->info().group;
    QTRY_VERIFY_WITH_TIMEOUT(available.size() >= 3, Wait);
    QJsonObject result;
    alice->cancelUploadGroup(group, [&](const QJsonObject &r) { result = r; });
    QCOMPARE(result.value(str("result")).toInt(), 0);
    QCOMPARE(result.value(str("response")).toObject().value(str("cancelled")).toArray().size(), 21);
    QTRY_VERIFY_WITH_TIMEOUT(alice->jobs().isEmpty(), Wait);
    QTRY_VERIFY_WITH_TIMEOUT(bob->availableFileList().isEmpty(), Wait);
    // Nothing published late either.
    QTest::qWait(300);
    QVERIFY(bob->availableFileList().isEmpty());
    auto carol = join(str("Carol"));
    QVERIFY(carol);
    QVERIFY(carol->availableFileList().isEmpty());
    QJsonObject mine;
    alice->listMyFiles([&](const QJsonObject &r) { mine = r; });
    QTRY_VERIFY_WITH_TIMEOUT(!mine.isEmpty(), Wait);
    QCOMPARE(mine.value(str("response")).toObject().value(str("files")).toArray().size(), 0);
    // An unknown group is refused.
    alice->cancelUploadGroup(str("nope"), [&](const QJsonObject &r) { result = r; });
    QCOMPARE(result.value(str("result")).toInt(), int(ErrorCode::UnknownJob));
}

// The folder fields are in the database: after a restart the files are still one folder
// with the same paths.
void TestFolders::folderSurvivesServerRestart()
{
    const QString root = m_tmp.filePath(str("restart/Kept"));
    QVERIFY(QDir().mkpath(root + str("/inner")));
    QVERIFY(!TestUtil::makeFile(root, str("a"), 10).isEmpty());
    QVERIFY(!TestUtil::makeFile(root + str("/inner"), str("b"), 20).isEmpty());
    {
        auto alice = join(str("Alice"));
        QVERIFY(alice);
        int done = 0;
        alice->sendFiles({ root }, {}, [&](const QJsonObject &) { ++done; });
        QTRY_COMPARE_WITH_TIMEOUT(done, 2, Wait);
    }
    const QString dataDir = m_tmp.filePath(str("data-folderSurvivesServerRestart"));
    m_server.reset();
    m_server = TestUtil::startServer(dataDir);
    QVERIFY(m_server);
    auto bob = join(str("Bob"));
    QVERIFY(bob);
    QStringList paths;
    QString key;
    for (const FileInfo &f : bob->availableFileList()) {
        paths.append(f.path + QLatin1Char('/') + f.name);
        QCOMPARE(f.groupSize, 2);
        key = f.folderKey();
    }
    paths.sort();
    QCOMPARE(paths, (QStringList{ str("Kept/a"), str("Kept/inner/b") }));
    QCOMPARE(bob->folderFiles(key).size(), 2);
}

QTEST_GUILESS_MAIN(TestFolders)
#include "tst_folders.moc"
