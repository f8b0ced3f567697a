// The lobby in the desktop app: the moderator's "People waiting to join" with Admit and
// Deny, a knocker's waiting state, "Create participant link…", and the host's setting.

#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "guilogging.h"
#include "lobbypanel.h"
#include "mainwindow.h"
#include "room.h"
#include "roomhost.h"
#include "settings.h"
#include "testutil.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

namespace {
constexpr int Wait = 10000;

QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}
} // namespace

class TestLobbyPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void moderatorAdmitsAndDenies();
    void knockerWindowWaits();
    void moderatorCreatesParticipantLink();
    void hostedRoomFollowsTheSetting();

private:
    QString knockLink(const QString &room = s("standup")) const;
    //! The window joined as moderator Hana of "standup" on the test server.
    void openModeratorWindow();

    QTemporaryDir m_config;
    std::unique_ptr<QTemporaryDir> m_data;
    std::unique_ptr<Server::RoomServer> m_server;
    std::unique_ptr<MainWindow> m_window;
};

void TestLobbyPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_config.isValid());
    QCoreApplication::setOrganizationName(s("RoomshareTest"));
    QCoreApplication::setApplicationName(s("tst_lobbypanel"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
    initResources();
}

void TestLobbyPanel::init()
{
    m_data = std::make_unique<QTemporaryDir>();
    QString error;
    m_server = TestUtil::startServer(m_data->path(), 0, &error);
    QVERIFY2(m_server, qPrintable(error));
    Settings settings;
    settings.setNotificationsEnabled(false);
}

void TestLobbyPanel::cleanup()
{
    m_window.reset();
    m_server.reset();
    m_data.reset();
}

QString TestLobbyPanel::knockLink(const QString &room) const
{
    return QStringLiteral("roomshare://127.0.0.1:%1/%2").arg(m_server->port()).arg(room);
}

void TestLobbyPanel::openModeratorWindow()
{
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QSignalSpy connected(m_window->room(), &Room::connected);
    QVERIFY(m_window->joinRoom(
        TestUtil::invite(m_server->url(), s("standup"), s("Hana"), s("moderator")), QString()));
    QVERIFY(connected.wait(Wait));
}

void TestLobbyPanel::moderatorAdmitsAndDenies()
{
    openModeratorWindow();
    LobbyPanel *panel = m_window->lobbyPanel();
    QCOMPARE(panel->knockCount(), 0);

    // A name with markup in it must show as typed.
    const QString name = s("<b>Erin</b>");
    Room erin;
    QSignalSpy erinConnected(&erin, &Room::connected);
    QVERIFY(erin.connectToRoom(knockLink(), name));
    QTRY_COMPARE_WITH_TIMEOUT(panel->knockCount(), 1, Wait);
    QVERIFY(panel->isVisible());
    QLabel *label = nullptr;
    for (QLabel *l : panel->findChildren<QLabel *>()) {
        if (l->text().contains(name))
            label = l;
    }
    QVERIFY(label);
    QCOMPARE(label->text(), s("<b>Erin</b> wants to join"));
    QCOMPARE(label->textFormat(), Qt::PlainText);
    const QString knockId = m_window->room()->pendingKnocks().first().id;
    QPushButton *admit = panel->answerButton(knockId, true);
    QVERIFY(admit);
    QTest::mouseClick(admit, Qt::LeftButton);
    QVERIFY(erinConnected.wait(Wait));
    QCOMPARE(erin.displayName(), name);
    QTRY_COMPARE_WITH_TIMEOUT(panel->knockCount(), 0, Wait);

    Room fred;
    QSignalSpy fredDisconnected(&fred, &Room::disconnected);
    QVERIFY(fred.connectToRoom(knockLink(), s("Fred")));
    QTRY_COMPARE_WITH_TIMEOUT(panel->knockCount(), 1, Wait);
    QPushButton *deny = panel->answerButton(m_window->room()->pendingKnocks().first().id, false);
    QVERIFY(deny);
    QTest::mouseClick(deny, Qt::LeftButton);
    QVERIFY(fredDisconnected.wait(Wait));
    QCOMPARE(fredDisconnected.first().first().value<ErrorCode>(), ErrorCode::NotPermitted);
    QTRY_COMPARE_WITH_TIMEOUT(panel->knockCount(), 0, Wait);
}

void TestLobbyPanel::knockerWindowWaits()
{
    Room host;
    QSignalSpy hostConnected(&host, &Room::connected);
    QVERIFY(host.connectToRoom(
        TestUtil::invite(m_server->url(), s("standup"), s("Hana"), s("moderator"))));
    QVERIFY(hostConnected.wait(Wait));
    QSignalSpy knocked(&host, &Room::knockReceived);

    MainWindow window;
    window.show();
    QVERIFY(window.joinRoom(knockLink(), s("Erin")));
    QVERIFY(knocked.wait(Wait));
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionText().startsWith(s("Waiting for the host")), Wait);
    host.answerKnock(knocked.first().first().value<KnockRequest>().id, KnockAnswer::Deny);
    QTRY_VERIFY_WITH_TIMEOUT(window.connectionText().contains(s("did not let you in")), Wait);
}

void TestLobbyPanel::moderatorCreatesParticipantLink()
{
    openModeratorWindow();
    LobbyPanel *panel = m_window->lobbyPanel();
    // Not hosting: the app cannot sign links itself, so it offers to ask the server.
    QVERIFY(panel->isLinkCreationOffered());
    auto *button = panel->findChild<QPushButton *>(s("createLinkButton"));
    QVERIFY(button);
    QSignalSpy created(panel, &LobbyPanel::inviteLinkCreated);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(created.wait(Wait));
    QDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (dialog = m_window->findChild<QDialog *>(s("participantLinkDialog"))) != nullptr, Wait);
    auto *edit = dialog->findChild<QLineEdit *>(s("participantLinkEdit"));
    QVERIFY(edit);
    const QString link = created.first().first().toString();
    QCOMPARE(edit->text(), link);

    Room bob;
    QSignalSpy connected(&bob, &Room::connected);
    QVERIFY(bob.connectToRoom(link, s("Bob")));
    QVERIFY(connected.wait(Wait));
    QCOMPARE(bob.role(), s("participant"));
    QCOMPARE(bob.roomName(), s("standup"));
}

void TestLobbyPanel::hostedRoomFollowsTheSetting()
{
    QTemporaryDir hostDir;
    Settings settings;
    settings.setLobbyEnabled(false);
    MainWindow window;
    auto *host = new RoomHost;
    host->setDataDir(hostDir.filePath(s("host")));
    QString error;
    QVERIFY2(host->start(&error), qPrintable(error));
    window.setHost(host);
    QSignalSpy connected(window.room(), &Room::connected);
    QVERIFY(window.joinRoom(host->hostInviteLink(s("Host")), QString()));
    QVERIFY(connected.wait(Wait));
    // The app hosts and signs its own links: nothing to ask a server for.
    QVERIFY(!window.lobbyPanel()->isLinkCreationOffered());
    QTRY_VERIFY_WITH_TIMEOUT(!window.room()->isLobbyEnabled(), Wait);

    // The knock link of the hosted room (TLS, no fp: trust on first use).
    auto full = InviteLink::parse(window.inviteLink());
    QVERIFY(full);
    full->token.clear();
    full->certFingerprint.clear();
    Room erin;
    QSignalSpy refused(&erin, &Room::disconnected);
    QVERIFY(erin.connectToRoom(full->toString(), s("Erin")));
    QVERIFY(refused.wait(Wait));
    QCOMPARE(refused.first().first().value<ErrorCode>(), ErrorCode::NotPermitted);
    QVERIFY(refused.first().at(1).toString().contains(s("takes only invite links")));

    // Switching the setting on opens the door.
    window.settings()->setLobbyEnabled(true);
    QTRY_VERIFY_WITH_TIMEOUT(window.room()->isLobbyEnabled(), Wait);
    QSignalSpy waiting(&erin, &Room::knockWaiting);
    QVERIFY(erin.connectToRoom(full->toString(), s("Erin")));
    QVERIFY(waiting.wait(Wait));
    QVERIFY(erin.isFingerprintTrustedOnFirstUse());
    QCOMPARE(erin.serverFingerprint(), InviteLink::parse(window.inviteLink())->certFingerprint);
    QTRY_COMPARE_WITH_TIMEOUT(window.lobbyPanel()->knockCount(), 1, Wait);
}

QTEST_MAIN(TestLobbyPanel)
#include "tst_lobbypanel.moc"
