#include "meetingcontrols.h"

#include <QAbstractItemView>
#include <QAction>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>

#include "formatting.h"
#include "participantsmodel.h"
#include "peertext.h"
#include "room.h"

namespace Roomshare::Gui {

namespace {

QString failureText(const QJsonObject &result)
{
    return Format::error(ErrorCode(result.value(QLatin1String("result")).toInt()),
                         result.value(QLatin1String("desc")).toString());
}

bool succeeded(const QJsonObject &result)
{
    return result.value(QLatin1String("result")).toInt(-1) == 0;
}

} // namespace

MeetingControls::MeetingControls(Room *room, QWidget *window)
    : QObject(window)
    , m_room(room)
    , m_window(window)
    , m_lockAction(new QAction(tr("&Lock Room"), this))
{
    m_lockAction->setCheckable(true);
    m_lockAction->setToolTip(
        tr("Close the room to new participants, even those with a valid link; the lobby "
           "closes too"));
    connect(m_lockAction, &QAction::triggered, this, &MeetingControls::setLocked);
    m_confirm = [this](const QString &title, const QString &question) {
        return QMessageBox::question(m_window, title, question,
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };
    connect(m_room, &Room::stateChanged, this, &MeetingControls::updateActions);
    connect(m_room, &Room::connected, this, &MeetingControls::updateActions);
    connect(m_room, &Room::lockedChanged, this, [this](bool locked) {
        updateActions();
        if (m_room->isConnected())
            Q_EMIT messageChanged(locked ? tr("The room is locked: nobody new can join")
                                         : tr("The room is unlocked: people with a link can "
                                              "join again"));
    });
    updateActions();
}

bool MeetingControls::isModerator() const
{
    return m_room->isConnected() && m_room->role() == QLatin1String("moderator");
}

void MeetingControls::updateActions()
{
    m_lockAction->setEnabled(isModerator());
    m_lockAction->setVisible(isModerator());
    m_lockAction->setChecked(m_room->isLocked());
}

void MeetingControls::attachParticipantsView(QAbstractItemView *view)
{
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this,
            [this, view](const QPoint &pos) { showParticipantMenu(view, pos); });
}

void MeetingControls::showParticipantMenu(QAbstractItemView *view, const QPoint &pos)
{
    const QModelIndex index = view->indexAt(pos);
    if (!isModerator() || !index.isValid() || index.data(ParticipantsModel::IsEveryoneRole).toBool()
        || index.data(ParticipantsModel::IsSelfRole).toBool())
        return;
    const QString clientId = index.data(ParticipantsModel::ClientIdRole).toString();
    const QString name = index.data(ParticipantsModel::NameRole).toString();
    QMenu menu(view);
    QAction *remove = menu.addAction(tr("&Remove from Room…"));
    if (menu.exec(view->viewport()->mapToGlobal(pos)) == remove)
        removeParticipant(clientId, name);
}

void MeetingControls::addFileActions(QMenu *menu, qint64 fileIndex, const QString &name)
{
    if (!isModerator())
        return;
    menu->addSeparator();
    QAction *remove = menu->addAction(tr("&Remove from Room…"));
    connect(remove, &QAction::triggered, this,
            [this, fileIndex, name] { removeFile(fileIndex, name); });
}

bool MeetingControls::removeParticipant(const QString &clientId, const QString &name)
{
    if (!isModerator())
        return false;
    const QString shown = PeerText::shown(name);
    if (!m_confirm(tr("Remove %1?").arg(shown),
                   tr("Remove %1 from the room? Their transfers stop at once, they are told "
                      "that you removed them, and the link they used cannot bring them back.")
                       .arg(shown)))
        return false;
    m_room->removeParticipant(clientId, [this, shown](const QJsonObject &result) {
        Q_EMIT messageChanged(succeeded(result)
                                  ? tr("Removed %1 from the room").arg(shown)
                                  : tr("Could not remove %1: %2").arg(shown, failureText(result)));
    });
    return true;
}

bool MeetingControls::removeFile(qint64 fileIndex, const QString &name)
{
    if (!isModerator())
        return false;
    const QString shown = PeerText::shown(name);
    if (!m_confirm(tr("Remove %1?").arg(shown),
                   tr("Remove “%1” from the room for everyone? Downloads of it in progress "
                      "stop.")
                       .arg(shown)))
        return false;
    m_room->removeFile(fileIndex, [this, shown](const QJsonObject &result) {
        Q_EMIT messageChanged(
            succeeded(result) ? tr("Removed “%1” from the room").arg(shown)
                              : tr("Could not remove “%1”: %2").arg(shown, failureText(result)));
    });
    return true;
}

void MeetingControls::setLocked(bool locked)
{
    m_room->setLocked(locked, [this](const QJsonObject &result) {
        if (!succeeded(result))
            Q_EMIT messageChanged(tr("Could not change the lock: %1").arg(failureText(result)));
        updateActions();
    });
}

} // namespace Roomshare::Gui
