#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "guilogging.h"
#include "transferdelegate.h"
#include "transfermodel.h"

using namespace Roomshare;
using namespace Roomshare::Gui;

class TestTransferDelegate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { initResources(); }
    void cancelButtonRect_data();
    void cancelButtonRect();
    void progressPerMille_data();
    void progressPerMille();
    void perMilleRoleBeyond2GiB();
    void clickOnButtonEmitsCancel_data();
    void clickOnButtonEmitsCancel();
    void paintsWithoutWidgets();
};

void TestTransferDelegate::cancelButtonRect_data()
{
    QTest::addColumn<QRect>("cell");
    QTest::addColumn<Qt::LayoutDirection>("direction");
    QTest::addRow("ltr") << QRect(100, 40, 200, 28) << Qt::LeftToRight;
    QTest::addRow("rtl") << QRect(100, 40, 200, 28) << Qt::RightToLeft;
    QTest::addRow("tall-ltr") << QRect(0, 0, 300, 60) << Qt::LeftToRight;
    QTest::addRow("tiny-rtl") << QRect(10, 10, 50, 12) << Qt::RightToLeft;
}

void TestTransferDelegate::cancelButtonRect()
{
    QFETCH(QRect, cell);
    QFETCH(Qt::LayoutDirection, direction);
    const QRect button = TransferDelegate::cancelButtonRect(cell, direction);
    QVERIFY(cell.contains(button));
    QCOMPARE(button.width(), button.height());
    QVERIFY(button.height() <= 24);
    QVERIFY(button.height() > 0);
    // Trailing edge: the button sits in the right half for LTR and the left half for RTL.
    if (direction == Qt::LeftToRight)
        QVERIFY(button.center().x() > cell.center().x());
    else
        QVERIFY(button.center().x() < cell.center().x());
    // Mirror images of each other.
    const QRect other = TransferDelegate::cancelButtonRect(
        cell, direction == Qt::LeftToRight ? Qt::RightToLeft : Qt::LeftToRight);
    QCOMPARE(button.left() - cell.left(), cell.right() - other.right());
    // The bar never overlaps the button.
    const QRect bar = TransferDelegate::progressBarRect(cell, direction);
    QVERIFY(!bar.intersects(button));
    QVERIFY(cell.contains(bar));
}

void TestTransferDelegate::progressPerMille_data()
{
    QTest::addColumn<qint64>("processed");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<int>("expected");
    const qint64 GiB = qint64(1) << 30;
    QTest::addRow("zero total") << qint64(0) << qint64(0) << 0;
    QTest::addRow("nothing yet") << qint64(0) << qint64(100) << 0;
    QTest::addRow("half") << qint64(50) << qint64(100) << 500;
    QTest::addRow("done") << qint64(100) << qint64(100) << 1000;
    QTest::addRow("over") << qint64(150) << qint64(100) << 1000;
    QTest::addRow("negative") << qint64(-5) << qint64(100) << 0;
    QTest::addRow("3 of 4 GiB") << 3 * GiB << 4 * GiB << 750;
    QTest::addRow("2 GiB + 1 of 4 GiB") << 2 * GiB + 1 << 4 * GiB << 500;
    QTest::addRow("1 byte of 5 TiB") << qint64(1) << 5 * 1024 * GiB << 0;
    QTest::addRow("999.9 per mille of 17 GiB") << 17 * GiB - 17 * GiB / 10000 << 17 * GiB << 999;
    QTest::addRow("near qint64 max")
        << std::numeric_limits<qint64>::max() / 2 << std::numeric_limits<qint64>::max() << 500;
}

void TestTransferDelegate::progressPerMille()
{
    QFETCH(qint64, processed);
    QFETCH(qint64, total);
    QFETCH(int, expected);
    QCOMPARE(TransferModel::progressPerMille(processed, total), expected);
}

void TestTransferDelegate::perMilleRoleBeyond2GiB()
{
    TransferModel model;
    QAbstractItemModelTester tester(&model);
    TransferInfo info;
    info.direction = TransferInfo::Direction::Download;
    info.id = 7;
    info.name = QStringLiteral("disk.img");
    info.totalBytes = qint64(6) << 30;
    info.processedBytes = qint64(5) << 30;
    info.status = TransferInfo::Status::Running;
    model.updateTransfer(info);
    const QModelIndex progress = model.index(0, TransferModel::ProgressColumn);
    QCOMPARE(progress.data(TransferModel::ProgressPerMilleRole).toInt(), 833);
    QCOMPARE(progress.data(Qt::DisplayRole).toString(), QStringLiteral("83%"));
    QCOMPARE(progress.data(TransferModel::TotalBytesRole).toLongLong(), qint64(6) << 30);
}

void TestTransferDelegate::clickOnButtonEmitsCancel_data()
{
    QTest::addColumn<Qt::LayoutDirection>("direction");
    QTest::addRow("ltr") << Qt::LeftToRight;
    QTest::addRow("rtl") << Qt::RightToLeft;
}

void TestTransferDelegate::clickOnButtonEmitsCancel()
{
    QFETCH(Qt::LayoutDirection, direction);
    TransferModel model;
    QAbstractItemModelTester tester(&model);
    for (int i = 1; i <= 3; ++i) {
        TransferInfo info;
        info.id = i;
        info.name = QStringLiteral("file%1").arg(i);
        info.totalBytes = 1000;
        info.processedBytes = 100 * i;
        info.status = i == 3 ? TransferInfo::Status::Completed : TransferInfo::Status::Running;
        model.updateTransfer(info);
    }
    QTreeView view;
    view.setLayoutDirection(direction);
    auto *delegate = new TransferDelegate(&view);
    view.setItemDelegate(delegate);
    view.setModel(&model);
    view.resize(900, 300);
    view.header()->resizeSection(TransferModel::NameColumn, 150);
    view.header()->resizeSection(TransferModel::ProgressColumn, 220);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy spy(delegate, &TransferDelegate::cancelRequested);

    const QRect cell1 = view.visualRect(model.index(1, TransferModel::ProgressColumn));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      TransferDelegate::cancelButtonRect(cell1, direction).center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<QPersistentModelIndex>().row(), 1);

    // On the bar, not the button: nothing.
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      TransferDelegate::progressBarRect(cell1, direction).center());
    QCOMPARE(spy.count(), 1);

    // A finished transfer has no button.
    const QRect cell2 = view.visualRect(model.index(2, TransferModel::ProgressColumn));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      TransferDelegate::cancelButtonRect(cell2, direction).center());
    QCOMPARE(spy.count(), 1);
}

void TestTransferDelegate::paintsWithoutWidgets()
{
    TransferModel model;
    TransferInfo info;
    info.id = 1;
    info.name = QStringLiteral("big.iso");
    info.totalBytes = qint64(5) << 30;
    info.processedBytes = qint64(3) << 30;
    info.status = TransferInfo::Status::Running;
    model.updateTransfer(info);
    QTreeView view;
    view.setItemDelegate(new TransferDelegate(&view));
    view.setModel(&model);
    view.resize(800, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage image = view.grab().toImage();
    QVERIFY(!image.isNull());
    // Painting creates no editor or child widget per row.
    QCOMPARE(view.viewport()->findChildren<QWidget *>().size(), 0);
}

QTEST_MAIN(TestTransferDelegate)
#include "tst_transferdelegate.moc"
