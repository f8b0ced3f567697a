// SliceScheduler (issue 17, benchmark row 12): the data channels share the event loop in
// turns of a bounded length, one visit per owner in turn, so control messages are served
// between the turns.

#include <QElapsedTimer>
#include <QObject>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

#include "slicescheduler_p.h"

using namespace Roomshare::Server;

namespace {

constexpr qint64 Ms = 1'000'000;

//! Keeps the thread busy for \a ns, as a chunk written into the page cache does.
void busyFor(qint64 ns)
{
    QElapsedTimer t;
    t.start();
    while (t.nsecsElapsed() < ns) { }
}

} // namespace

class TestSliceScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void visitsOwnersInTurn()
    {
        SliceScheduler turns(100 * Ms);
        QObject a;
        QObject b;
        QObject c;
        QString order;
        int left[3] = { 3, 3, 3 };
        auto owner = [&](QObject *o, int i, char name) {
            turns.ready(o, [&, i, name] {
                order += QLatin1Char(name);
                return --left[i] > 0;
            });
        };
        owner(&a, 0, 'a');
        owner(&b, 1, 'b');
        owner(&c, 2, 'c');
        QVERIFY(order.isEmpty()); // never from inside ready()
        QTRY_COMPARE(turns.waiting(), 0);
        QCOMPARE(order, QStringLiteral("abcabcabc"));
    }

    void aTurnEndsAfterTheSlice()
    {
        // 3 owners x 20 visits x 2 ms of work = 120 ms; in 5 ms slices that takes many
        // turns, and a timer of the same event loop fires between them. Without slices it
        // would all run in one turn and the timer would fire once, after it.
        SliceScheduler turns(5 * Ms);
        QObject owners[3];
        int visits = 0;
        for (QObject &o : owners) {
            auto left = std::make_shared<int>(20);
            turns.ready(&o, [&visits, left] {
                busyFor(2 * Ms);
                ++visits;
                return --*left > 0;
            });
        }
        int ticks = 0;
        int visitsAtFirstTick = -1;
        QTimer other;
        other.setInterval(0);
        QObject::connect(&other, &QTimer::timeout, [&] {
            if (ticks++ == 0)
                visitsAtFirstTick = visits;
        });
        other.start();
        QTRY_COMPARE(visits, 60);
        other.stop();
        QVERIFY2(ticks >= 10, qPrintable(QStringLiteral("only %1 other events ran").arg(ticks)));
        // The first turn stopped after about 5 ms of work, not after all 120 ms.
        QVERIFY2(visitsAtFirstTick >= 0 && visitsAtFirstTick <= 6,
                 qPrintable(QStringLiteral("%1 visits in the first turn").arg(visitsAtFirstTick)));
    }

    void readyTwiceIsOneVisit()
    {
        SliceScheduler turns;
        QObject o;
        int visits = 0;
        turns.ready(&o, [&] {
            ++visits;
            return false;
        });
        turns.ready(&o, [&] {
            visits += 100;
            return false;
        });
        QCOMPARE(turns.waiting(), 1);
        QTRY_COMPARE(turns.waiting(), 0);
        QTest::qWait(10);
        QCOMPARE(visits, 1); // the first visit kept its place
        // Once visited, the owner can be made ready again.
        turns.ready(&o, [&] {
            visits += 10;
            return false;
        });
        QTRY_COMPARE(visits, 11);
    }

    void destroyedOwnerIsSkipped()
    {
        SliceScheduler turns;
        auto gone = std::make_unique<QObject>();
        QObject stays;
        bool goneVisited = false;
        bool staysVisited = false;
        turns.ready(gone.get(), [&] {
            goneVisited = true;
            return true;
        });
        turns.ready(&stays, [&] {
            staysVisited = true;
            return false;
        });
        gone.reset();
        QTRY_VERIFY(staysVisited);
        QTRY_COMPARE(turns.waiting(), 0);
        QVERIFY(!goneVisited);
    }
};

QTEST_GUILESS_MAIN(TestSliceScheduler)
#include "tst_slicescheduler.moc"
