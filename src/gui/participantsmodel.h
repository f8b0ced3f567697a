#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QPointer>
#include <QSet>

#include "fileinfo.h"

namespace Roomshare {
class Room;
}

namespace Roomshare::Gui {

//! The room's participants as a list that doubles as the recipient picker. Row 0 is
//! "Everyone"; the other rows are the participants in join order. Every row but this
//! participant's own is checkable. The choice is never empty: checking a person unchecks
//! Everyone, checking Everyone unchecks every person, and unchecking the last person (or
//! that person leaving) checks Everyone again.
class ParticipantsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ParticipantsModel)
public:
    enum Roles {
        ClientIdRole = Qt::UserRole + 1, //!< QString; empty for the Everyone row
        NameRole, //!< QString: the display name alone
        IsSelfRole, //!< bool
        IsModeratorRole, //!< bool
        IsEveryoneRole, //!< bool
    };
    Q_ENUM(Roles)

    explicit ParticipantsModel(QObject *parent = nullptr);

    //! Follows \a room's participants; pass nullptr to clear.
    void setRoom(Room *room);

    //! Replaces the participants (what setRoom() does on every join); \a selfId marks this
    //! participant.
    void setParticipants(const QList<Participant> &participants, const QString &selfId);
    void addParticipant(const Participant &participant);
    void removeParticipant(const QString &clientId);

    //! True while "Everyone" is checked.
    bool isBroadcast() const { return m_selected.isEmpty(); }
    //! The checked participants' client ids, in join order; empty when broadcasting.
    QStringList selectedClientIds() const;
    //! The checked participants' names, in join order; empty when broadcasting.
    QStringList selectedNames() const;
    //! "Everyone" or "Bob, Carol and Dave".
    QString recipientsText() const;
    //! The `sendFiles()` options for the current choice: {broadcast: true} or
    //! {broadcast: false, clientList: [...]}.
    QJsonObject sendOptions() const;

    //! Checks only \a clientIds (an empty list selects Everyone). Unknown ids are ignored.
    void setSelectedClientIds(const QStringList &clientIds);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    //! The recipient choice changed (including when a chosen participant left).
    void recipientsChanged();

private:
    void selectionEdited(const QSet<QString> &before);

    QPointer<Room> m_room;
    QList<Participant> m_participants;
    QString m_selfId;
    QSet<QString> m_selected; //!< empty means Everyone
};

} // namespace Roomshare::Gui
