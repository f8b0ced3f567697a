#pragma once

#include <QPersistentModelIndex>
#include <QStyledItemDelegate>

namespace Roomshare::Gui {

//! Paints TransferModel rows: the progress column as a style-drawn progress bar with a
//! cancel button at its trailing edge (for unfinished transfers). Painting and hit-testing
//! both use cancelButtonRect(), so the button is exactly where clicks land. The delegate
//! never acts on a transfer itself: a click on the button emits cancelRequested().
class TransferDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferDelegate)
public:
    explicit TransferDelegate(QObject *parent = nullptr);

    //! The cancel button inside the cell \a cellRect: a square as high as the cell (at
    //! most 24 px, minus a 2 px margin), at the trailing edge for \a direction.
    static QRect cancelButtonRect(const QRect &cellRect, Qt::LayoutDirection direction);
    //! The progress bar's area: the cell minus the cancel button and margins.
    static QRect progressBarRect(const QRect &cellRect, Qt::LayoutDirection direction);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

Q_SIGNALS:
    //! The user clicked the cancel button of the unfinished transfer at \a index.
    void cancelRequested(const QPersistentModelIndex &index);

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

private:
    QPersistentModelIndex m_pressed;
};

} // namespace Roomshare::Gui
