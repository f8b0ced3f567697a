#pragma once

#include <QObject>

#include <functional>

class QAction;
class QAbstractItemView;
class QMenu;
class QModelIndex;
class QWidget;

namespace Roomshare {
class Room;
}

namespace Roomshare::Gui {

//! The host's controls in the room window, for moderators only: remove a participant
//! (after a confirmation; the participant is told who removed them), remove any file, and
//! lock or unlock the room. Outcomes are reported with messageChanged(), never in a dialog.
class MeetingControls final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MeetingControls)
public:
    //! Asks the user \a question (titled \a title); true to go ahead.
    using Confirm = std::function<bool(const QString &title, const QString &question)>;

    //! \a window parents the confirmation dialogs.
    MeetingControls(Room *room, QWidget *window);

    //! Replaces the confirmation dialog (tests answer without a modal dialog).
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    //! "Lock Room", checkable; enabled for moderators while connected, checked while locked.
    QAction *lockAction() const { return m_lockAction; }
    //! Gives \a view (the participants list) a context menu with "Remove from Room…".
    void attachParticipantsView(QAbstractItemView *view);
    //! Adds "Remove from Room" for file \a fileIndex named \a name to \a menu (moderators).
    void addFileActions(QMenu *menu, qint64 fileIndex, const QString &name);

    bool isModerator() const;
    //! Asks, then removes participant \a clientId (\a name is shown in the question).
    //! False when the user said no or the caller is no moderator.
    bool removeParticipant(const QString &clientId, const QString &name);
    //! Asks, then removes file \a fileIndex for everyone.
    bool removeFile(qint64 fileIndex, const QString &name);
    //! Locks or unlocks the room (no confirmation: it can be undone at once).
    void setLocked(bool locked);

Q_SIGNALS:
    //! A line for the status bar.
    void messageChanged(const QString &text);

private:
    void updateActions();
    void showParticipantMenu(QAbstractItemView *view, const QPoint &pos);

    Room *m_room;
    QWidget *m_window;
    QAction *m_lockAction;
    Confirm m_confirm;
};

} // namespace Roomshare::Gui
