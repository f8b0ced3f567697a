// A slow recipient harms nobody (issue 16): one recipient behind a link of 100 KB/s (the
// fault proxy, rate-limited) among nine fast ones in a fan-out from the real
// roomshare-server executable. The fast ones finish while the slow one has barely begun,
// the server's memory does not grow with what the slow one still has to get, and once its
// link is fast again the slow one completes byte-identical. How much the slow one costs the
// fast ones in time is a benchmark row (tests/bench, row 10), not a check here.

#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "faultproxy.h"
#include "room.h"
#include "serverprocess.h"
#include "testutil.h"
#include "transferjob.h"

using namespace Roomshare;

namespace {
constexpr qint64 MiB = 1024 * 1024;
// Larger than anything the server may keep for one recipient (its 8 MiB window plus socket
// buffers), so buffering the rest of the file for the slow one could not pass the bound.
constexpr qint64 FileSize = 128 * MiB;
constexpr int FastRecipients = 9;
constexpr qint64 SlowRate = 100 * 1000; // bytes per second
constexpr int LongWait = 120000;
} // namespace

class TestSlowRecipient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void slowRecipientHarmsNobody();

private:
    std::unique_ptr<Room> join(const QUrl &url, const QString &name);

    QTemporaryDir m_tmp;
    std::unique_ptr<ServerProcess> m_server;
};

void TestSlowRecipient::initTestCase()
{
    QVERIFY(!qEnvironmentVariable("ROOMSHARE_SERVER_BIN").isEmpty());
    QVERIFY(m_tmp.isValid());
    const QString secret = m_tmp.filePath(QStringLiteral("secret"));
    QFile f(secret);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(TestUtil::testSecret());
    f.close();
    QDir().mkpath(m_tmp.filePath(QStringLiteral("data")));
    m_server = std::make_unique<ServerProcess>(m_tmp.filePath(QStringLiteral("data")), secret);
    QVERIFY(m_server->start());
}

std::unique_ptr<Room> TestSlowRecipient::join(const QUrl &url, const QString &name)
{
    auto r = std::make_unique<Room>();
    r->setReconnectWindow(LongWait);
    QSignalSpy connected(r.get(), &Room::connected);
    if (!r->connectToRoom(TestUtil::invite(url, QStringLiteral("standup"), name)))
        return nullptr;
    if (!connected.wait(20000))
        return nullptr;
    return r;
}

void TestSlowRecipient::slowRecipientHarmsNobody()
{
    const QString source
        = TestUtil::makeFile(m_tmp.filePath(QString()), QStringLiteral("fanout.bin"), FileSize);
    QVERIFY(!source.isEmpty());
    const QByteArray sourceHash = TestUtil::sha256Of(source);

    // Sam's link: everything the server sends him passes at 100 KB/s, his data channel
    // included (it follows the address his WebSocket reached).
    FaultProxy proxy(m_server->port());
    QVERIFY(proxy.listen());
    proxy.setRate(FaultProxy::ServerToClient, SlowRate);

    auto alice = join(m_server->url(), QStringLiteral("Alice"));
    QVERIFY(alice);
    std::vector<std::unique_ptr<Room>> fast;
    for (int i = 0; i < FastRecipients; ++i) {
        fast.push_back(join(m_server->url(), QStringLiteral("Fast %1").arg(i + 1)));
        QVERIFY(fast.back());
    }
    auto sam = join(proxy.url(), QStringLiteral("Sam"));
    QVERIFY2(sam, "Sam could not join through the slow link");

    // Everyone downloads the file the moment it is offered.
    QList<QPointer<TransferJob>> fastJobs;
    QPointer<TransferJob> samJob;
    int fastDone = 0;
    QJsonObject samResult;
    auto take = [&](Room *room, const QString &dir, bool isSam) {
        connect(room, &Room::fileAvailable, this, [&, room, dir, isSam](const FileInfo &file) {
            const qint64 id = room->recvFiles(
                file.index, QJsonObject{ { QStringLiteral("saveDir"), dir } },
                [&, isSam](const QJsonObject &r) {
                    if (isSam)
                        samResult = r;
                    else if (r.value(QStringLiteral("result")).toInt() == 0)
                        ++fastDone;
                    else
                        qWarning("a fast download failed: %s",
                                 r.value(QStringLiteral("desc")).toString().toUtf8().constData());
                });
            QPointer<TransferJob> job = room->job(TransferInfo::Direction::Download, id);
            if (isSam)
                samJob = job;
            else
                fastJobs.append(job);
        });
    };
    for (int i = 0; i < FastRecipients; ++i) {
        const QString dir = m_tmp.filePath(QStringLiteral("fast%1").arg(i));
        QDir().mkpath(dir);
        take(fast[size_t(i)].get(), dir, false);
    }
    const QString samDir = m_tmp.filePath(QStringLiteral("sam"));
    QDir().mkpath(samDir);
    take(sam.get(), samDir, true);

    const qint64 rssBefore = m_server->residentBytes();
    QVERIFY(rssBefore > 0);
    bool sent = false;
    alice->sendFiles({ source }, {}, [&](const QJsonObject &r) {
        sent = r.value(QStringLiteral("result")).toInt() == 0;
    });
    QTRY_VERIFY_WITH_TIMEOUT(fastDone == FastRecipients, LongWait);
    QVERIFY(sent);
    QVERIFY(samJob);

    // The fast nine did not wait for Sam: he has not even got the server's first window.
    const qint64 samAtFastEnd = samJob->processedBytes();
    qInfo("the fast recipients finished; Sam had %lld bytes", samAtFastEnd);
    QVERIFY2(samAtFastEnd < 8 * MiB, qPrintable(QString::number(samAtFastEnd)));
    for (int i = 0; i < FastRecipients; ++i) {
        const QString got = m_tmp.filePath(QStringLiteral("fast%1/fanout.bin").arg(i));
        QCOMPARE(TestUtil::sha256Of(got), sourceHash);
    }

    // While only Sam is served, for two seconds: the server holds at most his window and
    // its socket buffers for him, never the rest of the file (over 100 MiB).
    qint64 rssPeak = 0;
    for (int i = 0; i < 20; ++i) {
        QTest::qWait(100);
        rssPeak = std::max(rssPeak, m_server->residentBytes());
    }
    qInfo("server RSS: %.1f MiB before the send, at most %.1f MiB while only Sam was served; "
          "Sam has %lld bytes, his link passed %lld",
          double(rssBefore) / MiB, double(rssPeak) / MiB, samJob ? samJob->processedBytes() : -1,
          proxy.bytesForwarded(FaultProxy::ServerToClient));
    QVERIFY2(rssPeak - rssBefore < 48 * MiB,
             qPrintable(QStringLiteral("the server grew by %1 MiB")
                            .arg(double(rssPeak - rssBefore) / MiB, 0, 'f', 1)));
    QVERIFY2(samJob && samJob->processedBytes() < FileSize / 2, "Sam's link was not slow");

    // His link gets fast: he completes, byte-identical.
    proxy.setRate(FaultProxy::ServerToClient, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!samResult.isEmpty(), LongWait);
    QCOMPARE(samResult.value(QStringLiteral("result")).toInt(), 0);
    QCOMPARE(TestUtil::sha256Of(samDir + QStringLiteral("/fanout.bin")), sourceHash);
}

QTEST_GUILESS_MAIN(TestSlowRecipient)
#include "tst_slowrecipient.moc"
