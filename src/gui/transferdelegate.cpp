#include "transferdelegate.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHelpEvent>
#include <QIcon>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include "transfermodel.h"

namespace Roomshare::Gui {

namespace {
constexpr int Margin = 2;
constexpr int MaxButton = 24;

bool isProgressCell(const QModelIndex &index)
{
    return index.column() == TransferModel::ProgressColumn;
}

bool isCancellable(const QModelIndex &index)
{
    return isProgressCell(index) && !index.data(TransferModel::IsFinishedRole).toBool();
}
} // namespace

TransferDelegate::TransferDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{ }

QRect TransferDelegate::cancelButtonRect(const QRect &cellRect, Qt::LayoutDirection direction)
{
    const int side = qMax(0, qMin(cellRect.height() - 2 * Margin, MaxButton));
    const int top = cellRect.top() + (cellRect.height() - side) / 2;
    const int left = direction == Qt::RightToLeft ? cellRect.left() + Margin
                                                  : cellRect.right() - Margin - side + 1;
    return QRect(left, top, side, side);
}

QRect TransferDelegate::progressBarRect(const QRect &cellRect, Qt::LayoutDirection direction)
{
    const QRect button = cancelButtonRect(cellRect, direction);
    QRect bar = cellRect.adjusted(Margin + 1, Margin + 1, -(Margin + 1), -(Margin + 1));
    if (direction == Qt::RightToLeft)
        bar.setLeft(button.right() + 1 + Margin);
    else
        bar.setRight(button.left() - 1 - Margin);
    return bar;
}

void TransferDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    if (!isProgressCell(index)) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);

    QStyleOptionProgressBar bar;
    bar.initFrom(option.widget);
    bar.rect = progressBarRect(option.rect, option.direction);
    bar.direction = option.direction;
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = index.data(TransferModel::ProgressPerMilleRole).toInt();
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    // Qt 6 styles draw a vertical bar unless told otherwise.
    bar.state = QStyle::State_Horizontal | (option.state & QStyle::State_Enabled);
    const auto status = TransferInfo::Status(index.data(TransferModel::StatusRole).toInt());
    if (status == TransferInfo::Status::Failed || status == TransferInfo::Status::Cancelled)
        bar.state &= ~QStyle::State_Enabled;
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);

    if (!isCancellable(index))
        return;
    QStyleOptionToolButton button;
    button.initFrom(option.widget);
    button.rect = cancelButtonRect(option.rect, option.direction);
    button.icon = QIcon(QStringLiteral(":/icons/cancel.svg"));
    const int iconSide = button.rect.height() - 6;
    button.iconSize = QSize(iconSide, iconSide);
    button.toolButtonStyle = Qt::ToolButtonIconOnly;
    button.features = QStyleOptionToolButton::None;
    button.subControls = QStyle::SC_ToolButton;
    button.state = QStyle::State_Enabled | QStyle::State_AutoRaise;
    if (option.state & QStyle::State_MouseOver) {
        const QPoint cursor
            = option.widget ? option.widget->mapFromGlobal(QCursor::pos()) : QPoint();
        if (button.rect.contains(cursor))
            button.state |= QStyle::State_MouseOver | QStyle::State_Raised;
    }
    if (m_pressed == index)
        button.state |= QStyle::State_Sunken;
    style->drawComplexControl(QStyle::CC_ToolButton, &button, painter, option.widget);
}

QSize TransferDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(qMax(size.height(), MaxButton + 2 * Margin));
    if (isProgressCell(index))
        size.setWidth(qMax(size.width(), 160));
    return size;
}

bool TransferDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                   const QStyleOptionViewItem &option, const QModelIndex &index)
{
    const auto type = event->type();
    if (type != QEvent::MouseButtonPress && type != QEvent::MouseButtonRelease
        && type != QEvent::MouseButtonDblClick)
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const auto *mouse = static_cast<QMouseEvent *>(event);
    const bool onButton = isCancellable(index) && mouse->button() == Qt::LeftButton
        && cancelButtonRect(option.rect, option.direction).contains(mouse->position().toPoint());
    if (type == QEvent::MouseButtonRelease) {
        const bool wasPressed = m_pressed.isValid() && m_pressed == index;
        m_pressed = QPersistentModelIndex();
        if (onButton && wasPressed) {
            Q_EMIT cancelRequested(QPersistentModelIndex(index));
            return true;
        }
        return onButton || wasPressed;
    }
    if (!onButton)
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    m_pressed = index;
    return true;
}

bool TransferDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view,
                                 const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event && view && isCancellable(index)
        && cancelButtonRect(option.rect, option.direction).contains(event->pos())) {
        QToolTip::showText(event->globalPos(), tr("Cancel this transfer"), view);
        return true;
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

} // namespace Roomshare::Gui
