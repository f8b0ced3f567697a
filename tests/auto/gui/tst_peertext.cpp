// Issue 15, finding 9: names other people chose (participants, files, rooms) never format
// or disguise anything in the app: status bar and notifications show them through
// FileNames::displayName(), labels are plain text, and programs are not opened unasked.

#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "guilogging.h"
#include "mainwindow.h"
#include "peertext.h"
#include "room.h"
#include "roomhost.h"
#include "settings.h"
#include "testutil.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

namespace {
const QChar Rlo(0x202E);
// A right-to-left override (Rlo) makes "Bob" Rlo "exe.txt" read as "Bobtxt.exe"; the tags
// would be bold in a label that reads HTML.
const QString Spoofed = QStringLiteral("Bob") + Rlo + QStringLiteral("exe.txt<b>!</b>");
} // namespace

class TestPeerText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void riskyToOpen_data();
    void riskyToOpen();
    void statusBarAndLabelsShowPeerTextSafely();

private:
    QTemporaryDir m_tmp;
};

void TestPeerText::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
    QCoreApplication::setOrganizationName(QStringLiteral("RoomshareTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_peertext"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_tmp.filePath(QStringLiteral("config")));
    initResources();
    Settings settings;
    settings.setDownloadFolder(m_tmp.filePath(QStringLiteral("downloads")));
    settings.setAskWhereToSave(false);
    settings.setNotificationsEnabled(false);
}

void TestPeerText::riskyToOpen_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("executableBit");
    QTest::addColumn<bool>("risky");
    QTest::addRow("pdf") << QStringLiteral("report.pdf") << false << false;
    QTest::addRow("text") << QStringLiteral("notes.txt") << false << false;
    QTest::addRow("exe") << QStringLiteral("setup.exe") << false << true;
    QTest::addRow("double extension") << QStringLiteral("report.pdf.EXE") << false << true;
    QTest::addRow("bidi disguised")
        << QStringLiteral("invoice") + Rlo + QStringLiteral("fdp.scr") << false << true;
    QTest::addRow("desktop entry") << QStringLiteral("photos.desktop") << false << true;
    QTest::addRow("shell script") << QStringLiteral("install.sh") << false << true;
    QTest::addRow("executable bit") << QStringLiteral("README") << true << true;
}

void TestPeerText::riskyToOpen()
{
    QFETCH(QString, name);
    QFETCH(bool, executableBit);
    QFETCH(bool, risky);
    const QString path = m_tmp.filePath(name);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    if (executableBit)
        QVERIFY(f.setPermissions(f.permissions() | QFile::ExeOwner));
    QCOMPARE(PeerText::isRiskyToOpen(path), risky);
}

void TestPeerText::statusBarAndLabelsShowPeerTextSafely()
{
    auto server = TestUtil::startServer(m_tmp.filePath(QStringLiteral("data")));
    QVERIFY(server);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy windowConnected(window.room(), &Room::connected);
    QVERIFY(window.joinRoom(
        TestUtil::invite(server->url(), QStringLiteral("r"), QStringLiteral("Alice")), QString()));
    QTRY_COMPARE_WITH_TIMEOUT(windowConnected.count(), 1, 5000);

    Room bob;
    QSignalSpy bobConnected(&bob, &Room::connected);
    QVERIFY(bob.connectToRoom(TestUtil::invite(server->url(), QStringLiteral("r"), Spoofed)));
    QTRY_COMPARE_WITH_TIMEOUT(bobConnected.count(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        window.statusBar()->currentMessage().contains(QStringLiteral("joined the room")), 5000);
    QString message = window.statusBar()->currentMessage();
    QVERIFY2(!message.contains(QChar(0x202E)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("\u27E8U+202E\u27E9")), qPrintable(message));

    // A file whose name hides its extension, from the spoofing sender.
    const QString path
        = m_tmp.filePath(QStringLiteral("invoice") + Rlo + QStringLiteral("fdp.exe"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("MZ");
    f.close();
    bob.sendFiles({ path });
    QTRY_VERIFY_WITH_TIMEOUT(
        window.statusBar()->currentMessage().contains(QStringLiteral("shared")), 5000);
    message = window.statusBar()->currentMessage();
    QVERIFY2(!message.contains(QChar(0x202E)), qPrintable(message));
    QCOMPARE(message.count(QStringLiteral("\u27E8U+202E\u27E9")), 2);

    // No label reads HTML.
    const auto labels = window.findChildren<QLabel *>();
    QVERIFY(!labels.isEmpty());
    for (const QLabel *label : labels)
        QVERIFY2(label->textFormat() == Qt::PlainText, qPrintable(label->objectName()));
    bob.disconnectFromRoom();
}

QTEST_MAIN(TestPeerText)
#include "tst_peertext.moc"
