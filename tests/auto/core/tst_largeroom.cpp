// Issue 15, finding 2: a room of thousands of files is joinable and listable by the client
// library (the file list arrives in pages, docs/protocol.md "Paging the file list").

#include <QLoggingCategory>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "room.h"
#include "seedroom.h"
#include "testutil.h"

using namespace Roomshare;

class TestLargeRoom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void thousandsOfFilesJoin();

private:
    QTemporaryDir m_tmp;
};

void TestLargeRoom::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.*.debug=false\n"
                                                    "roomshare.*.info=false"));
    QVERIFY(m_tmp.isValid());
}

// Before paging, about 900 files with long names made `joined` larger than the client
// accepts: the join failed with 1180 and nobody could enter the room.
void TestLargeRoom::thousandsOfFilesJoin()
{
    constexpr int Count = 3000;
    const QString data = m_tmp.filePath(QStringLiteral("data"));
    QVERIFY(TestUtil::seedRoom(data, QStringLiteral("big"), Count, 200));
    auto server = TestUtil::startServer(data);
    QVERIFY(server);

    Room room;
    QSignalSpy connected(&room, &Room::connected);
    QSignalSpy disconnected(&room, &Room::disconnected);
    QSignalSpy reset(&room, &Room::availableFilesReset);
    QVERIFY(room.connectToRoom(
        TestUtil::invite(server->url(), QStringLiteral("big"), QStringLiteral("Alice"))));
    QTRY_VERIFY_WITH_TIMEOUT(connected.count() == 1 || disconnected.count() > 0, 20000);
    QVERIFY2(disconnected.isEmpty(),
             disconnected.isEmpty() ? "" : qPrintable(disconnected.first().at(1).toString()));
    QCOMPARE(reset.count(), 1);
    // Everything is there when connected() is emitted, once each, in index order.
    const QList<FileInfo> files = room.availableFileList();
    QCOMPARE(files.size(), Count);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(files.at(i).index, qint64(i + 1));
        QCOMPARE(files.at(i).name, TestUtil::longName(i + 1, 200));
    }
    QCOMPARE(room.availableFiles().size(), Count);
    room.disconnectFromRoom();
}

QTEST_GUILESS_MAIN(TestLargeRoom)
#include "tst_largeroom.moc"
