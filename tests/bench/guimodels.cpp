// roomshare-bench-gui: row 8 of the benchmark. Drives the desktop app's models with views
// attached (run offscreen): the time to insert 10,000 available files one by one (as
// Room::fileAvailable delivers them), and the longest event-loop stall while 100 transfer
// jobs report progress ten times a second each (as TransferJob throttles it).

#include <QApplication>
#include <QElapsedTimer>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>

#include <cstdio>

#include "availablefilesmodel.h"
#include "transferdelegate.h"
#include "transfermodel.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

namespace {

void out(const QString &line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

double insertFiles(int count)
{
    AvailableFilesModel model;
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(AvailableFilesModel::SortRole);
    QTableView view;
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.sortByColumn(AvailableFilesModel::SharedColumn, Qt::DescendingOrder);
    view.resize(1000, 700);
    view.show();
    QCoreApplication::processEvents();

    const QDateTime now = QDateTime::currentDateTimeUtc();
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        FileInfo f;
        f.index = i + 1;
        f.name = QStringLiteral("Report %1.pdf").arg(i);
        f.size = 1000 + i * 7919LL;
        f.mimeType = QStringLiteral("application/pdf");
        f.sha256 = QStringLiteral("0").repeated(64);
        f.sender = QStringLiteral("Participant %1").arg(i % 200);
        f.senderId = QStringLiteral("c%1").arg(i % 200);
        f.createdAt = now.addMSecs(i);
        f.expiresAt = now.addDays(1);
        model.addFile(f);
    }
    QCoreApplication::processEvents(); // let the view lay out and paint what arrived
    return double(timer.nsecsElapsed()) / 1e6;
}

double progressStall(int jobs, int durationMs)
{
    TransferModel model;
    TransferDelegate delegate;
    QTableView view;
    view.setModel(&model);
    view.setItemDelegateForColumn(TransferModel::ProgressColumn, &delegate);
    view.resize(1000, 700);
    view.show();

    const qint64 total = qint64(4) * 1024 * 1024 * 1024;
    QList<TransferInfo> infos;
    for (int i = 0; i < jobs; ++i) {
        TransferInfo info;
        info.direction
            = i % 2 ? TransferInfo::Direction::Download : TransferInfo::Direction::Upload;
        info.id = i + 1;
        info.name = QStringLiteral("transfer %1.bin").arg(i);
        info.totalBytes = total;
        info.status = TransferInfo::Status::Running;
        infos.append(info);
        model.updateTransfer(info);
    }
    QCoreApplication::processEvents();

    // Each job reports progress every 100 ms (TransferJob's throttle), staggered.
    QList<QTimer *> timers;
    for (int i = 0; i < jobs; ++i) {
        auto *t = new QTimer(&view);
        t->setInterval(100);
        QObject::connect(t, &QTimer::timeout, &view, [&model, &infos, i] {
            TransferInfo &info = infos[i];
            info.processedBytes = qMin(info.totalBytes, info.processedBytes + 50 * 1024 * 1024);
            info.bytesPerSecond = 500 * 1024 * 1024;
            model.updateTransfer(info);
        });
        QTimer::singleShot(i, t, qOverload<>(&QTimer::start));
        timers.append(t);
    }

    // A 2 ms heartbeat: the longest gap between its ticks is the longest stall.
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(2);
    QElapsedTimer sinceTick;
    qint64 maxGapNs = 0;
    QObject::connect(&heartbeat, &QTimer::timeout, &view, [&] {
        maxGapNs = qMax(maxGapNs, sinceTick.nsecsElapsed());
        sinceTick.restart();
    });
    QEventLoop loop;
    QTimer::singleShot(durationMs, &loop, &QEventLoop::quit);
    QTimer::singleShot(200, &loop, [&] { // after the staggered starts
        sinceTick.start();
        heartbeat.start();
    });
    loop.exec();
    heartbeat.stop();
    return qMax(0.0, double(maxGapNs) / 1e6 - heartbeat.interval());
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const bool quick = QCoreApplication::arguments().contains(QLatin1String("--quick"));
    const int files = quick ? 2000 : 10000;
    const int jobs = 100;
    const int durationMs = quick ? 1500 : 5000;
    out(QStringLiteral("insert_what=GUI: insert %1 available files into AvailableFilesModel "
                       "(sorted view)")
            .arg(files));
    out(QStringLiteral("insert_ms=%1").arg(insertFiles(files), 0, 'f', 3));
    out(QStringLiteral("stall_what=GUI: max event-loop stall, %1 jobs reporting progress (%2 s)")
            .arg(jobs)
            .arg(durationMs / 1000.0));
    out(QStringLiteral("stall_ms=%1").arg(progressStall(jobs, durationMs), 0, 'f', 3));
    return 0;
}
