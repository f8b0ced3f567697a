#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace Roomshare {
class Room;
}

namespace Roomshare::Gui {

class MyFilesModel;

//! The "Shared by You" section of the room window: MyFilesModel in a sortable list with
//! Withdraw (gone for everyone; downloads in progress end with 1193), Copy Name and
//! Refresh. Outcomes are reported with messageChanged(), never in a dialog.
class SharedByYouPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SharedByYouPanel)
public:
    explicit SharedByYouPanel(QWidget *parent = nullptr);

    void setRoom(Room *room);
    MyFilesModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    //! Withdraws the selected files; false when none is selected.
    bool withdrawSelected();
    //! Puts the selected files' names on the clipboard, one a line; false when none is
    //! selected.
    bool copySelectedNames();

Q_SIGNALS:
    //! A line for the status bar.
    void messageChanged(const QString &text);

private:
    QList<qint64> selectedIndexes() const;
    void updateButtons();

    MyFilesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_label;
    QTreeView *m_view;
    QPushButton *m_withdrawButton;
    QPushButton *m_copyButton;
    QPushButton *m_refreshButton;
};

} // namespace Roomshare::Gui
