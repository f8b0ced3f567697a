#include "participantsmodel.h"

#include "peertext.h"

#include <QIcon>
#include <QJsonArray>

#include "formatting.h"
#include "room.h"

namespace Roomshare::Gui {

ParticipantsModel::ParticipantsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void ParticipantsModel::setRoom(Room *room)
{
    if (m_room)
        disconnect(m_room, nullptr, this, nullptr);
    m_room = room;
    if (!room) {
        setParticipants({}, QString());
        return;
    }
    connect(room, &Room::connected, this,
            [this] { setParticipants(m_room->participants(), m_room->clientId()); });
    connect(room, &Room::participantJoined, this, &ParticipantsModel::addParticipant);
    connect(room, &Room::participantLeft, this,
            [this](const Participant &p) { removeParticipant(p.clientId); });
    setParticipants(room->participants(), room->clientId());
}

void ParticipantsModel::setParticipants(const QList<Participant> &participants,
                                        const QString &selfId)
{
    const QSet<QString> before = m_selected;
    beginResetModel();
    m_participants = participants;
    m_selfId = selfId;
    // A reconnect keeps the choice for people who are still (or again) in the room.
    QSet<QString> kept;
    for (const Participant &p : participants) {
        if (m_selected.contains(p.clientId) && p.clientId != selfId)
            kept.insert(p.clientId);
    }
    m_selected = kept;
    endResetModel();
    if (before != m_selected)
        Q_EMIT recipientsChanged();
}

void ParticipantsModel::addParticipant(const Participant &participant)
{
    for (const Participant &p : std::as_const(m_participants)) {
        if (p.clientId == participant.clientId)
            return;
    }
    const int row = int(m_participants.size()) + 1;
    beginInsertRows(QModelIndex(), row, row);
    m_participants.append(participant);
    endInsertRows();
}

void ParticipantsModel::removeParticipant(const QString &clientId)
{
    for (int i = 0; i < m_participants.size(); ++i) {
        if (m_participants.at(i).clientId != clientId)
            continue;
        const QSet<QString> before = m_selected;
        beginRemoveRows(QModelIndex(), i + 1, i + 1);
        m_participants.removeAt(i);
        m_selected.remove(clientId);
        endRemoveRows();
        if (before != m_selected) {
            if (m_selected.isEmpty())
                Q_EMIT dataChanged(index(0), index(0), { Qt::CheckStateRole });
            Q_EMIT recipientsChanged();
        }
        return;
    }
}

QStringList ParticipantsModel::selectedClientIds() const
{
    QStringList ids;
    for (const Participant &p : m_participants) {
        if (m_selected.contains(p.clientId))
            ids.append(p.clientId);
    }
    return ids;
}

QStringList ParticipantsModel::selectedNames() const
{
    QStringList names;
    for (const Participant &p : m_participants) {
        if (m_selected.contains(p.clientId))
            names.append(p.name);
    }
    return names;
}

QString ParticipantsModel::recipientsText() const
{
    QStringList names = selectedNames();
    for (QString &name : names)
        name = PeerText::shown(name); // chosen by the participants themselves
    return Format::nameList(names);
}

QJsonObject ParticipantsModel::sendOptions() const
{
    if (isBroadcast())
        return QJsonObject{ { QStringLiteral("broadcast"), true } };
    return QJsonObject{ { QStringLiteral("broadcast"), false },
                        { QStringLiteral("clientList"),
                          QJsonArray::fromStringList(selectedClientIds()) } };
}

void ParticipantsModel::setSelectedClientIds(const QStringList &clientIds)
{
    const QSet<QString> before = m_selected;
    m_selected.clear();
    for (const Participant &p : std::as_const(m_participants)) {
        if (clientIds.contains(p.clientId) && p.clientId != m_selfId)
            m_selected.insert(p.clientId);
    }
    selectionEdited(before);
}

void ParticipantsModel::selectionEdited(const QSet<QString> &before)
{
    if (before == m_selected)
        return;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), { Qt::CheckStateRole });
    Q_EMIT recipientsChanged();
}

int ParticipantsModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(m_participants.size()) + 1;
}

QVariant ParticipantsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    if (index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return tr("Everyone");
        case Qt::ToolTipRole:
            return tr("Send to everyone in the room, including people who join later");
        case Qt::DecorationRole:
            return QIcon(QStringLiteral(":/icons/everyone.svg"));
        case Qt::CheckStateRole:
            return m_selected.isEmpty() ? Qt::Checked : Qt::Unchecked;
        case IsEveryoneRole:
            return true;
        case ClientIdRole:
            return QString();
        case IsSelfRole:
        case IsModeratorRole:
            return false;
        default:
            return QVariant();
        }
    }
    const Participant &p = m_participants.at(index.row() - 1);
    const bool self = p.clientId == m_selfId;
    switch (role) {
    case Qt::DisplayRole: {
        QString text = p.name;
        if (self && p.isModerator())
            text = tr("%1 (you, moderator)").arg(p.name);
        else if (self)
            text = tr("%1 (you)").arg(p.name);
        else if (p.isModerator())
            text = tr("%1 (moderator)").arg(p.name);
        return text;
    }
    case Qt::ToolTipRole:
        return self ? tr("You") : tr("Send only to the people checked here");
    case Qt::AccessibleTextRole:
        return self ? tr("%1, you").arg(p.name) : p.name;
    case Qt::DecorationRole:
        return QIcon(QStringLiteral(":/icons/person.svg"));
    case Qt::CheckStateRole:
        if (self)
            return QVariant();
        return m_selected.contains(p.clientId) ? Qt::Checked : Qt::Unchecked;
    case ClientIdRole:
        return p.clientId;
    case NameRole:
        return p.name;
    case IsSelfRole:
        return self;
    case IsModeratorRole:
        return p.isModerator();
    case IsEveryoneRole:
        return false;
    default:
        return QVariant();
    }
}

bool ParticipantsModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const bool checked = value.toInt() == Qt::Checked;
    const QSet<QString> before = m_selected;
    if (index.row() == 0) {
        // Unchecking Everyone alone would leave nobody to send to; pick people instead.
        if (!checked)
            return false;
        m_selected.clear();
    } else {
        const Participant &p = m_participants.at(index.row() - 1);
        if (p.clientId == m_selfId)
            return false;
        if (checked)
            m_selected.insert(p.clientId);
        else
            m_selected.remove(p.clientId);
    }
    selectionEdited(before);
    return true;
}

Qt::ItemFlags ParticipantsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.row() == 0 || m_participants.at(index.row() - 1).clientId != m_selfId)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

} // namespace Roomshare::Gui
