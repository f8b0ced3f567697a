#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "nearbyroom.h"
#include "roomannouncer.h"
#include "roombrowser.h"

using namespace Roomshare;
using namespace Roomshare::Discovery;

namespace {

QByteArray txtOf(const QList<QByteArray> &items)
{
    QByteArray txt;
    for (const QByteArray &item : items) {
        txt.append(char(item.size()));
        txt.append(item);
    }
    return txt;
}

const QString Fingerprint = QStringLiteral("0123456789abcdef0123456789abcdef"
                                           "0123456789abcdef0123456789abcdef");

} // namespace

class TestDiscovery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Nothing listens here: the dns_sd library finds no daemon, whatever the machine runs.
        QVERIFY(m_dir.isValid());
        qputenv("DBUS_SYSTEM_BUS_ADDRESS",
                QByteArray("unix:path=")
                    + QFile::encodeName(m_dir.filePath(QStringLiteral("nobus"))));
    }

    void txtRoundTrip()
    {
        RoomAnnouncement a;
        a.room = QStringLiteral("standup");
        a.hostName = QStringLiteral("Zoë");
        a.port = 7450;
        a.tls = true;
        a.certFingerprint = Fingerprint.toUpper();
        a.lobby = true;
        const QByteArray txt = a.toTxtRecord();
        QVERIFY(txt.contains("\x03v=1"));
        QVERIFY(txt.contains("\x0croom=standup"));
        QVERIFY(txt.contains("tls=1"));
        QVERIFY(txt.contains("lobby=1"));
        const auto back = RoomAnnouncement::fromTxtRecord(txt);
        QVERIFY(back);
        QCOMPARE(back->room, a.room);
        QCOMPARE(back->hostName, a.hostName);
        QCOMPARE(back->port, quint16(0)); // the port is the SRV record's
        QCOMPARE(back->tls, true);
        QCOMPARE(back->certFingerprint, Fingerprint);
        QCOMPARE(back->lobby, true);
    }

    void plainRoomHasNoFingerprint()
    {
        RoomAnnouncement a;
        a.room = QStringLiteral("r");
        a.certFingerprint = Fingerprint;
        QVERIFY(!a.toTxtRecord().contains("fp="));
        QVERIFY(a.toTxtRecord().contains("tls=0"));
    }

    void fromTxt_data()
    {
        QTest::addColumn<QByteArray>("txt");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("room");
        QTest::addColumn<QString>("fp");
        QTest::addColumn<bool>("lobby");
        QTest::addRow("minimal") << txtOf({ "v=1", "room=a" }) << true << "a"
                                 << "" << false;
        QTest::addRow("no version") << txtOf({ "room=a" }) << false << ""
                                    << "" << false;
        QTest::addRow("version 2") << txtOf({ "v=2", "room=a" }) << false << ""
                                   << "" << false;
        QTest::addRow("no room") << txtOf({ "v=1", "host=x" }) << false << ""
                                 << "" << false;
        QTest::addRow("empty") << QByteArray() << false << ""
                               << "" << false;
        QTest::addRow("keys case-insensitive")
            << txtOf({ "V=1", "ROOM=a", "Lobby=1" }) << true << "a"
            << "" << true;
        QTest::addRow("first key wins")
            << txtOf({ "v=1", "room=first", "room=second" }) << true << "first"
            << "" << false;
        QTest::addRow("fingerprint with colons")
            << txtOf({ "v=1", "room=a", "tls=1",
                       "fp=" + QByteArray::fromHex(Fingerprint.toLatin1()).toHex(':').toUpper() })
            << true << "a" << Fingerprint << false;
        QTest::addRow("bad fingerprint dropped")
            << txtOf({ "v=1", "room=a", "tls=1", "fp=xyz" }) << true << "a"
            << "" << false;
        QTest::addRow("fingerprint without tls dropped")
            << txtOf({ "v=1", "room=a", "tls=0", "fp=" + Fingerprint.toLatin1() }) << true << "a"
            << "" << false;
        QByteArray truncated = txtOf({ "v=1", "room=a" });
        truncated.append(char(40));
        truncated.append("lobby=1");
        QTest::addRow("truncated tail ignored") << truncated << true << "a"
                                                << "" << false;
        QTest::addRow("key without value") << txtOf({ "v=1", "room=a", "lobby" }) << true << "a"
                                           << "" << false;
        QTest::addRow("utf-8 room") << txtOf({ "v=1", QStringLiteral("room=Küche").toUtf8() })
                                    << true << QStringLiteral("Küche") << "" << false;
    }

    void fromTxt()
    {
        QFETCH(QByteArray, txt);
        QFETCH(bool, valid);
        const auto a = RoomAnnouncement::fromTxtRecord(txt);
        QCOMPARE(bool(a), valid);
        if (!a)
            return;
        QFETCH(QString, room);
        QFETCH(QString, fp);
        QFETCH(bool, lobby);
        QCOMPARE(a->room, room);
        QCOMPARE(a->certFingerprint, fp);
        QCOMPARE(a->lobby, lobby);
    }

    void longValuesAreCut()
    {
        RoomAnnouncement a;
        a.room = QString(300, QChar(0x00e4)); // 600 bytes of UTF-8
        const QByteArray txt = a.toTxtRecord();
        const auto back = RoomAnnouncement::fromTxtRecord(txt);
        QVERIFY(back);
        QCOMPARE(back->room, QString(125, QChar(0x00e4))); // 255 - "room=" on a boundary
    }

    void serviceName()
    {
        RoomAnnouncement a;
        a.room = QStringLiteral("standup");
        a.hostName = QStringLiteral("Alice");
        QCOMPARE(a.serviceName(), QStringLiteral("standup on Alice"));
        a.hostName.clear();
        QCOMPARE(a.serviceName(), QStringLiteral("standup on Roomshare"));
        a.room = QString(40, QChar(0x00e4));
        QCOMPARE(a.serviceName().toUtf8().size(), 62); // 63 would split a character
    }

    void knockLink()
    {
        NearbyRoom room;
        room.serviceName = QStringLiteral("standup on Alice");
        room.domain = QStringLiteral("local.");
        room.hostTarget = QStringLiteral("alice.local.");
        room.announcement.room = QStringLiteral("standup");
        room.announcement.port = 7450;
        room.announcement.tls = true;
        room.announcement.certFingerprint = Fingerprint;
        room.addresses
            = { QHostAddress(QStringLiteral("192.0.2.1")), QHostAddress(QStringLiteral("fe80::1")),
                QHostAddress(QStringLiteral("2001:db8::1")) };
        const InviteLink link = room.knockLink();
        QVERIFY(link.isKnockLink());
        QCOMPARE(link.host, QStringLiteral("192.0.2.1"));
        QCOMPARE(link.port, quint16(7450));
        QCOMPARE(link.room, QStringLiteral("standup"));
        QVERIFY(link.secure);
        QCOMPARE(link.certFingerprint, Fingerprint);
        QCOMPARE(link.alternates.size(), 1);
        QCOMPARE(link.alternates.first().host, QStringLiteral("2001:db8::1"));
        const QString text = link.toString();
        QCOMPARE(text,
                 QStringLiteral("roomshares://192.0.2.1:7450/standup?fp=") + Fingerprint
                     + QStringLiteral("&alt=[2001:db8::1]"));
        const auto parsed = InviteLink::parse(text);
        QVERIFY(parsed);
        QCOMPARE(parsed->room, QStringLiteral("standup"));
        QCOMPARE(parsed->serverUrls().size(), 2);

        room.announcement.tls = false;
        QVERIFY(!room.knockLink().secure);
        QVERIFY(room.knockLink().certFingerprint.isEmpty());
        QVERIFY(room.knockLink().toString().startsWith(QLatin1String("roomshare://")));

        room.addresses.clear();
        QCOMPARE(room.knockLink().host, QStringLiteral("alice.local"));
        QCOMPARE(room.key(), QStringLiteral("standup on Alice.local."));
    }

    void addressKnockLink_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("link");
        QTest::addRow("ipv4") << "192.0.2.1" << 7450 << "roomshares://192.0.2.1:7450/";
        QTest::addRow("name") << " Room-PC.local " << 8000 << "roomshares://room-pc.local:8000/";
        QTest::addRow("ipv6") << "2001:db8::1" << 7450 << "roomshares://[2001:db8::1]:7450/";
        QTest::addRow("ipv6 bracketed")
            << "[2001:db8::1]" << 7450 << "roomshares://[2001:db8::1]:7450/";
        QTest::addRow("empty") << "" << 7450 << "";
        QTest::addRow("port 0") << "192.0.2.1" << 0 << "";
        QTest::addRow("spaces inside") << "a b" << 7450 << "";
        QTest::addRow("url") << "roomshare://x:1/" << 7450 << "";
    }

    void addressKnockLink()
    {
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, link);
        const auto made = Discovery::addressKnockLink(host, quint16(port));
        QCOMPARE(made ? made->toString() : QString(), link);
        if (made) {
            const auto parsed = InviteLink::parse(made->toString());
            QVERIFY(parsed);
            QVERIFY(parsed->isKnockLink());
            QVERIFY(parsed->room.isEmpty());
        }
    }

    void announcerWithoutDaemon()
    {
        RoomAnnouncer announcer;
        QSignalSpy failed(&announcer, &RoomAnnouncer::failed);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!announcer.announce(QStringLiteral("standup"), QStringLiteral("Alice"), 7450, false,
                                    QString(), true));
        QVERIFY(timer.elapsed() < 10000);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(announcer.state(), RoomAnnouncer::State::Failed);
        QVERIFY2(announcer.errorText().startsWith(QLatin1String("Rooms nearby need the")),
                 qPrintable(announcer.errorText()));
        announcer.stop();
        announcer.stop();
        QCOMPARE(announcer.state(), RoomAnnouncer::State::Idle);
    }

    void announcerRetriesQuietly()
    {
        RoomAnnouncer announcer;
        announcer.setRetryInterval(20);
        QSignalSpy failed(&announcer, &RoomAnnouncer::failed);
        QSignalSpy announced(&announcer, &RoomAnnouncer::announced);
        QVERIFY(!announcer.announce(QStringLiteral("standup"), QStringLiteral("Alice"), 7450, false,
                                    QString(), false));
        QCOMPARE(failed.size(), 1);
        QTest::qWait(200); // about ten retries, each failing the same way
        QCOMPARE(failed.size(), 1);
        QCOMPARE(announced.size(), 0);
        QCOMPARE(announcer.state(), RoomAnnouncer::State::Failed);
        announcer.stop();
        QCOMPARE(announcer.state(), RoomAnnouncer::State::Idle);
        QTest::qWait(60);
        QCOMPARE(announcer.state(), RoomAnnouncer::State::Idle); // no retry after stop()
        QCOMPARE(failed.size(), 1);
    }

    void browserWithoutDaemon()
    {
        RoomBrowser browser;
        QSignalSpy failed(&browser, &RoomBrowser::failed);
        QVERIFY(!browser.start());
        QCOMPARE(failed.size(), 1);
        QCOMPARE(browser.state(), RoomBrowser::State::Failed);
        QVERIFY(browser.errorText().contains(QLatin1String("daemon")));
        QVERIFY(browser.rooms().isEmpty());
        browser.stop();
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDiscovery)
#include "tst_discovery.moc"
