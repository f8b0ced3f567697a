#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace Roomshare {
class Room;
}

namespace Roomshare::Gui {

class UnfinishedUploadsModel;

//! Above the transfers: the uploads an earlier run of the app left unfinished (it was
//! killed, crashed or quit mid-upload), with Resume (continue from what the server holds,
//! Room::resumeUpload()) and Discard (cancel it on the server, Room::discardUpload()) for
//! the selected rows; every row is selected when the list appears. Hidden while empty.
//! Outcomes are reported with messageChanged(); a resumed upload shows up as a transfer.
class UnfinishedUploadsPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnfinishedUploadsPanel)
public:
    explicit UnfinishedUploadsPanel(QWidget *parent = nullptr);

    void setRoom(Room *room);
    UnfinishedUploadsModel *model() const { return m_model; }
    QListView *view() const { return m_view; }
    //! Resumes the selected uploads; the number of uploads resumed.
    int resumeSelected();
    //! Discards the selected uploads; the number discarded.
    int discardSelected();
    //! Reads the room's unfinished uploads again.
    void refresh();

Q_SIGNALS:
    //! A line for the status bar.
    void messageChanged(const QString &text);

private:
    QList<quint32> selectedIds() const;
    void updateButtons();

    Room *m_room = nullptr;
    UnfinishedUploadsModel *m_model;
    QLabel *m_label;
    QListView *m_view;
    QPushButton *m_resumeButton;
    QPushButton *m_discardButton;
};

} // namespace Roomshare::Gui
