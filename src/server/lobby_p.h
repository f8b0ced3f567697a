#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QTimer>

#include <map>
#include <memory>

namespace Roomshare::Server {

class Connection;
class RoomServerPrivate;

//! The lobby: people without a token knock on a room, its moderators admit or deny them
//! (docs/protocol.md "Lobby"). Holds the pending knocks, the per-address knock budgets,
//! the rooms whose lobby a moderator switched, and the display names moderators removed.
class Lobby final
{
    Q_DISABLE_COPY_MOVE(Lobby)

public:
    enum class Outcome { Admitted, Denied, Timeout, Withdrawn };

    explicit Lobby(RoomServerPrivate *server);
    ~Lobby();

    //! Handles `knock` from \a knocker (not joined): refuses it (error, close) or records
    //! it, answers `knock-waiting` and tells the room's moderators. True when it waits.
    bool knock(Connection *knocker, const QJsonObject &msg, const QJsonValue &rid);
    //! Handles `knock-answer` from \a moderator (joined, role already checked).
    void answer(Connection *moderator, const QJsonObject &msg, const QJsonValue &rid);
    //! Sends \a moderator a `knock` event for each knock waiting on its room.
    void showPending(Connection *moderator);
    //! \a knocker's connection ended: its knock (if any) ends as withdrawn.
    void withdraw(Connection *knocker);

    bool isEnabled(const QString &room) const;
    //! The rooms whose lobby a moderator switched, and how (room -> enabled).
    const QHash<QString, bool> &switchedRooms() const { return m_roomEnabled; }
    //! Switches the lobby of \a room; switching it off refuses the knocks waiting there.
    void setEnabled(const QString &room, bool enabled);
    //! Room \a room was locked: the knocks waiting on it are denied.
    void roomLocked(const QString &room);
    //! A moderator removed \a name from \a room: knocks under that name (case-folded) are
    //! refused until \a until (seconds since the epoch).
    void banName(const QString &room, const QString &name, qint64 until);
    //! A participant token for \a room signed with the server's secret.
    QString mintToken(const QString &room, const QString &name, qint64 ttlSeconds,
                      qint64 *expiresAt) const;

    int pendingCount() const { return int(m_knocks.size()); }

    //! Nodes sharing the database (nodeevents.cpp): a knock waiting on node \a node, shown
    //! to this node's moderators of its room.
    void remoteKnock(const QString &node, const QJsonObject &knockEvent);
    //! The knock \a knockId waiting on another node ended (\a ended: its `knock-ended`).
    void remoteKnockEnded(const QJsonObject &ended);
    //! Another node's moderator answered \a knockId, a knock waiting here.
    void remoteAnswer(const QString &knockId, bool admit);

private:
    struct Knock
    {
        QString id;
        QString room;
        QString name;
        QString address;
        Connection *connection = nullptr;
        QTimer timer; //!< the knock timeout
    };
    struct Budget
    {
        double tokens = 0;
        qint64 lastMs = 0;
    };

    //! Takes one knock from \a address's bucket; false when it is empty.
    bool takeBudget(const QString &address);
    //! The room a knock without `room` goes to, or an empty name and \a why.
    QString pickRoom(QString *why) const;
    bool hasModeratorPresent(const QString &room) const;
    bool isNameBanned(const QString &room, const QString &name) const;
    void end(const QString &knockId, Outcome outcome, const QString &text = QString());
    void sendToModerators(const QString &room, const QJsonObject &message) const;
    QJsonObject knockEvent(const Knock &knock) const;

    RoomServerPrivate *const m_server;
    std::map<QString, std::unique_ptr<Knock>> m_knocks;
    QHash<QString, Budget> m_budgets; //!< remote address -> knock bucket
    QElapsedTimer m_clock;
    QHash<QString, bool> m_roomEnabled; //!< a moderator's switch, per room (in memory)
    QHash<QString, qint64> m_bannedNames; //!< room + '\n' + case-folded name -> until
    struct RemoteKnock
    {
        QString node;
        QJsonObject event; //!< its `knock` event
    };
    std::map<QString, RemoteKnock> m_remoteKnocks; //!< knock id -> waiting on another node
    quint64 m_counter = 0;
};

} // namespace Roomshare::Server
