#include <QAbstractItemModelTester>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "nearbyroom.h"
#include "nearbyroomsmodel.h"
#include "roomannouncer.h"
#include "roomhost.h"
#include "startdialog.h"

using namespace Roomshare;
using namespace Roomshare::Gui;
using Discovery::NearbyRoom;

namespace {

NearbyRoom makeRoom(const QString &room, const QString &host, const QString &address,
                    quint16 port = 7450)
{
    NearbyRoom r;
    r.serviceName = room + QStringLiteral(" on ") + host;
    r.domain = QStringLiteral("local.");
    r.hostTarget = host.toLower() + QStringLiteral(".local.");
    r.addresses = { QHostAddress(address) };
    r.announcement.room = room;
    r.announcement.hostName = host;
    r.announcement.port = port;
    r.announcement.lobby = true;
    return r;
}

} // namespace

class TestNearbyRooms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // No daemon is reachable here: the dialog's own browser must say so, not hang.
        QVERIFY(m_dir.isValid());
        qputenv("DBUS_SYSTEM_BUS_ADDRESS",
                QByteArray("unix:path=")
                    + QFile::encodeName(m_dir.filePath(QStringLiteral("nobus"))));
    }

    void modelRowsAndRoles()
    {
        NearbyRoomsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy status(&model, &NearbyRoomsModel::statusChanged);
        model.setSearching();
        QCOMPARE(model.status(), NearbyRoomsModel::Status::Searching);
        QVERIFY(model.statusText().contains(QLatin1String("None found yet")));

        model.addRoom(makeRoom(QStringLiteral("standup"), QStringLiteral("Alice"),
                               QStringLiteral("192.0.2.1")));
        model.addRoom(makeRoom(QStringLiteral("retro"), QStringLiteral("Bob"),
                               QStringLiteral("2001:db8::2"), 7451));
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.statusText().isEmpty());
        const QModelIndex first = model.index(0);
        QCOMPARE(first.data(NearbyRoomsModel::RoomRole).toString(), QStringLiteral("standup"));
        QCOMPARE(first.data(NearbyRoomsModel::HostNameRole).toString(), QStringLiteral("Alice"));
        QCOMPARE(first.data(NearbyRoomsModel::AddressRole).toString(),
                 QStringLiteral("192.0.2.1:7450"));
        QCOMPARE(first.data(NearbyRoomsModel::PortRole).toInt(), 7450);
        QCOMPARE(first.data(NearbyRoomsModel::LobbyRole).toBool(), true);
        QCOMPARE(first.data(NearbyRoomsModel::KnockLinkRole).toString(),
                 QStringLiteral("roomshare://192.0.2.1:7450/standup"));
        QCOMPARE(first.data(Qt::DisplayRole).toString(),
                 QStringLiteral("standup — hosted by Alice — 192.0.2.1:7450"));
        QCOMPARE(model.index(1).data(NearbyRoomsModel::AddressRole).toString(),
                 QStringLiteral("[2001:db8::2]:7451"));

        // The same service again is an update of its row, not a new row.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        NearbyRoom moved = makeRoom(QStringLiteral("standup"), QStringLiteral("Alice"),
                                    QStringLiteral("192.0.2.9"));
        model.addRoom(moved);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(first.data(NearbyRoomsModel::AddressRole).toString(),
                 QStringLiteral("192.0.2.9:7450"));

        model.removeRoom(moved.key());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0).data(NearbyRoomsModel::RoomRole).toString(),
                 QStringLiteral("retro"));
        model.removeRoom(QStringLiteral("unknown"));
        QCOMPARE(model.rowCount(), 1);

        model.setUnavailable(QStringLiteral("Rooms nearby need the Avahi daemon: gone."));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.status(), NearbyRoomsModel::Status::Unavailable);
        QVERIFY(model.statusText().contains(QLatin1String("Rooms nearby need the Avahi daemon")));
        QVERIFY(status.size() >= 3);
    }

    void dialogSaysWhenDiscoveryIsUnavailable()
    {
        StartDialog dialog;
        dialog.setDisplayName(QStringLiteral("Carol"));
        dialog.show();
        auto *label = dialog.findChild<QLabel *>(QStringLiteral("nearbyStatusLabel"));
        QVERIFY(label);
        QTRY_VERIFY(label->text().contains(QLatin1String("Rooms nearby need the Avahi daemon")));
        QVERIFY(label->text().contains(QLatin1String("join with a link or by address")));
        QCOMPARE(dialog.mode(), StartDialog::Mode::Host);
    }

    void dialogJoinsANearbyRoom()
    {
        StartDialog dialog;
        dialog.setDiscoveryEnabled(false);
        dialog.setDisplayName(QStringLiteral("Carol"));
        dialog.show();
        const NearbyRoom room = makeRoom(QStringLiteral("standup"), QStringLiteral("Alice"),
                                         QStringLiteral("192.0.2.1"));
        dialog.nearbyRoomsModel()->addRoom(room);
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        dialog.setJoinMethod(StartDialog::JoinMethod::Nearby);
        QVERIFY(!ok->isEnabled()); // no room chosen yet
        auto *list = dialog.findChild<QListView *>(QStringLiteral("nearbyList"));
        dialog.setMode(StartDialog::Mode::Host);
        list->setCurrentIndex(dialog.nearbyRoomsModel()->index(0));
        QCOMPARE(dialog.mode(), StartDialog::Mode::Join); // choosing a room chooses to join
        QCOMPARE(dialog.joinMethod(), StartDialog::JoinMethod::Nearby);
        QVERIFY(ok->isEnabled());
        QCOMPARE(ok->text(), QStringLiteral("&Join"));
        QCOMPARE(dialog.inviteLink(), room.knockLink().toString());
        auto *message = dialog.findChild<QLabel *>(QStringLiteral("messageLabel"));
        QVERIFY(message->text().contains(QLatin1String("moderators will be asked")));
        const auto parsed = InviteLink::parse(dialog.inviteLink());
        QVERIFY(parsed && parsed->isKnockLink());
        QCOMPARE(parsed->room, QStringLiteral("standup"));

        NearbyRoom closed
            = makeRoom(QStringLiteral("board"), QStringLiteral("Dan"), QStringLiteral("192.0.2.4"));
        closed.announcement.lobby = false;
        dialog.nearbyRoomsModel()->addRoom(closed);
        list->setCurrentIndex(dialog.nearbyRoomsModel()->index(1));
        QVERIFY(message->text().contains(QLatin1String("does not announce a lobby")));
        QCOMPARE(dialog.inviteLink(), closed.knockLink().toString());
        dialog.nearbyRoomsModel()->removeRoom(closed.key());
        list->setCurrentIndex(dialog.nearbyRoomsModel()->index(0));

        // The room goes away: nothing to join any more.
        dialog.nearbyRoomsModel()->removeRoom(room.key());
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog.inviteLink().isEmpty());
    }

    void dialogJoinsByAddress()
    {
        StartDialog dialog;
        dialog.setDiscoveryEnabled(false);
        dialog.setDisplayName(QStringLiteral("Carol"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        dialog.setJoinMethod(StartDialog::JoinMethod::Address);
        QCOMPARE(dialog.mode(), StartDialog::Mode::Join);
        QVERIFY(!ok->isEnabled());
        dialog.setAddress(QStringLiteral("not a host"), 7450);
        QVERIFY(!ok->isEnabled());
        dialog.setAddress(QStringLiteral("192.0.2.1"), 7450);
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.inviteLink(), QStringLiteral("roomshares://192.0.2.1:7450/"));
        dialog.setAddress(QStringLiteral("2001:db8::1"), 8000);
        QCOMPARE(dialog.inviteLink(), QStringLiteral("roomshares://[2001:db8::1]:8000/"));
        dialog.setDisplayName(QString());
        QVERIFY(!ok->isEnabled()); // a knock names nobody: the name is needed
    }

    void dialogJoinsWithALink()
    {
        StartDialog dialog;
        dialog.setDiscoveryEnabled(false);
        dialog.setDisplayName(QStringLiteral("Carol"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QCOMPARE(ok->text(), QStringLiteral("&Start"));
        QVERIFY(ok->isEnabled());
        dialog.setMode(StartDialog::Mode::Join);
        QCOMPARE(dialog.joinMethod(), StartDialog::JoinMethod::Link);
        QVERIFY(!ok->isEnabled());
        dialog.setInviteLink(QStringLiteral("  roomshare://192.0.2.1:7450/standup  "));
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.inviteLink(), QStringLiteral("roomshare://192.0.2.1:7450/standup"));
    }

    void hostAnnouncesOnlyBeyondLoopback()
    {
        QTemporaryDir data;
        RoomHost local;
        local.setDataDir(data.filePath(QStringLiteral("local")));
        local.setTlsEnabled(false);
        local.setReach(RoomHost::Reach::ThisComputer);
        local.setPreferredPort(0);
        QCOMPARE(local.announceOnNetwork(QStringLiteral("Alice"), true), nullptr); // not running
        QVERIFY(local.start());
        auto *quiet = local.announceOnNetwork(QStringLiteral("Alice"), true);
        QVERIFY(quiet);
        QCOMPARE(quiet->state(), Discovery::RoomAnnouncer::State::Idle);

        RoomHost network;
        network.setDataDir(data.filePath(QStringLiteral("network")));
        network.setTlsEnabled(false);
        network.setPreferredPort(0); // on every interface, the default
        QVERIFY(network.start());
        auto *announcer = network.announceOnNetwork(QStringLiteral("Alice"), true);
        QVERIFY(announcer);
        // No daemon here: a clear failure, and the room keeps running.
        QCOMPARE(announcer->state(), Discovery::RoomAnnouncer::State::Failed);
        QVERIFY(announcer->errorText().contains(QLatin1String("Rooms nearby need")));
        QCOMPARE(announcer->announcement().room, QStringLiteral("meeting"));
        QVERIFY(announcer->announcement().port != 0);
        QVERIFY(network.isRunning());
        QCOMPARE(network.announceOnNetwork(QStringLiteral("Alice"), true), announcer);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestNearbyRooms)
#include "tst_nearbyrooms.moc"
