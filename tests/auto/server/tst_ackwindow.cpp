// AckWindow (issue 17): the flow-control window sized from the measured bandwidth-delay
// product, fed with a simulated link (times are given, nothing is timed).

#include <QTest>

#include <deque>

#include <ackwindow.h>
#include <protocol.h>

using namespace Roomshare;

namespace {

constexpr qint64 Ms = 1'000'000;

//! A sender that keeps its window full over a link of \a bytesPerSecond with a round trip
//! of \a rttNs, for \a durationNs: each chunk's ack arrives one round trip after the link
//! has carried it. Returns the window at the end and the largest it ever was.
std::pair<qint64, qint64> simulate(AckWindow &w, double bytesPerSecond, qint64 rttNs,
                                   qint64 durationNs)
{
    const qint64 chunk = Protocol::ChunkSize;
    qint64 sent = 0;
    qint64 acked = 0;
    qint64 now = 1000 * Ms;
    qint64 linkFreeAt = now; //!< when the link has carried everything sent so far
    std::deque<std::pair<qint64, qint64>> acks; //!< (arrival, offset)
    qint64 largest = w.window();
    const qint64 end = now + durationNs;
    while (now < end) {
        while (sent - acked < w.window()) {
            sent += chunk;
            w.sent(sent, now);
            linkFreeAt = std::max(linkFreeAt, now) + qint64(double(chunk) / bytesPerSecond * 1e9);
            acks.emplace_back(linkFreeAt + rttNs, sent);
        }
        // The next ack (the receiver acks every chunk here: at least every 1 MiB).
        now = std::max(now, acks.front().first);
        acked = acks.front().second;
        acks.pop_front();
        w.acked(acked, now);
        largest = std::max(largest, w.window());
    }
    return { w.window(), largest };
}

} // namespace

class TestAckWindow : public QObject
{
    Q_OBJECT
private slots:
    void startsAtTheFixedWindow()
    {
        AckWindow w;
        QCOMPARE(w.window(), Protocol::DownloadWindow);
        QCOMPARE(AckWindow::MinWindow, Protocol::UploadWindow);
    }

    void loopbackStaysAtTheMinimum()
    {
        // 2 GB/s with a 0.2 ms round trip: the product is 0.4 MB.
        AckWindow w;
        const auto [last, largest] = simulate(w, 2e9, Ms / 5, 2000 * Ms);
        QCOMPARE(last, AckWindow::MinWindow);
        QCOMPARE(largest, AckWindow::MinWindow);
    }

    void slowReceiverStaysAtTheMinimum()
    {
        // 100 KB/s behind 40 ms (tst_slowrecipient's case): the window must not grow, so
        // the server's memory for him stays bounded by 8 MiB.
        AckWindow w;
        const auto [last, largest] = simulate(w, 1e5, 40 * Ms, 20000 * Ms);
        QCOMPARE(last, AckWindow::MinWindow);
        QCOMPARE(largest, AckWindow::MinWindow);
    }

    void longFatLinkGrowsToTheCap()
    {
        // 1.25 GB/s (10 Gbit/s) with 40 ms: the product is 50 MB, twice that is past the cap.
        AckWindow w;
        const auto [last, largest] = simulate(w, 1.25e9, 40 * Ms, 3000 * Ms);
        QCOMPARE(last, AckWindow::MaxWindow);
        QCOMPARE(largest, AckWindow::MaxWindow);
        QVERIFY(qAbs(w.minRttNs() - 40 * Ms) < 2 * Ms);
    }

    void mediumLinkGrowsToTwiceItsProduct()
    {
        // 250 MB/s with 40 ms: 10 MB in flight fill the link; the window settles near 20 MB,
        // above the fixed 8 MiB (which would cap the transfer at 210 MB/s) and below the cap.
        AckWindow w;
        const auto [last, largest] = simulate(w, 2.5e8, 40 * Ms, 5000 * Ms);
        Q_UNUSED(largest);
        QVERIFY2(last > 16'000'000 && last < 24'000'000, QByteArray::number(last).constData());
    }

    void restartDropsSamplesInFlight()
    {
        AckWindow w;
        w.sent(Protocol::ChunkSize, 1000 * Ms);
        w.restart(0);
        // An ack for the voided send gives no round trip sample.
        w.acked(Protocol::ChunkSize, 1500 * Ms);
        QCOMPARE(w.minRttNs(), qint64(0));
        QCOMPARE(w.window(), AckWindow::MinWindow);
    }
};

QTEST_GUILESS_MAIN(TestAckWindow)
#include "tst_ackwindow.moc"
