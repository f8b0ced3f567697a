#pragma once

#include "room_p.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QTimer>

namespace Roomshare::Server {

class RoomServerPrivate;
struct Session;

//! Room events between server nodes sharing one PostgreSQL database (docs/scale-out.md,
//! "Events across nodes"): what happens on this node is sent to the others as a
//! notification on one channel, and theirs are applied to this node's rooms, so a
//! participant here sees those connected there join, leave, send and remove files.
//!
//! Payloads are compact JSON objects (under PostgreSQL's 8000 bytes) with `t` (the kind)
//! and `node` (the sender's nodeId()):
//! - `joined` {room, p: participant JSON}, `left` {room, clientId, name, reason};
//! - `published` {room, index}: sent inside the publish transaction, so it is delivered
//!   at the commit or never; the receiver reads the `files` row, so the visibility rules
//!   (broadcast, recipients) come from the row, not from the message;
//! - `removed` {room, index, reason};
//! - `downloaded` {room, index, count}: a download of the file completed on the sending
//!   node, whose count it now is (the sender's `list` with `mine` on any node shows it);
//! - `delivered` {room, index, clientId, name, at}: a delivery receipt, so the file's
//!   sender and the moderators connected to other nodes get `file-delivered` too;
//! - `ban` {key, until}: a moderator's removal (RoomServerPrivate::ban()), so the removed
//!   participant's invite cannot bring it back through another node either;
//! - `hello`: a node started (or reconnected); the others answer with a `joined` of each
//!   of their present participants;
//! - `beat`: every HeartbeatMs; a node not heard for three periods is lost, and its
//!   participants leave with reason `node-lost`.
//! - `takeover` {room, p: participant JSON}: a session another node held resumed here
//!   (RoomServerPrivate::takeOver()). The node that held it, if alive, closes its
//!   connection and forgets it and its uploads (without touching their data); every
//!   other node moves the remote member to the sender, so the old node's `node-lost`
//!   does not take it away, or announces it again if that came first.
//!
//! On SQLite (one node) start() does nothing and every call is a no-op.
class NodeEvents final
{
public:
    static constexpr int HeartbeatMs = 2000;
    //! Periods without a beat after which a node is taken as lost.
    static constexpr int LostAfterBeats = 3;

    explicit NodeEvents(RoomServerPrivate *d);
    Q_DISABLE_COPY_MOVE(NodeEvents)

    //! Subscribes to the channel (the database must be open), installs the publish hook
    //! and says hello. False (with \a error) when the subscription fails.
    bool start(QString *error);
    void stop();
    bool isActive() const { return m_active; }
    //! Random for each start, so a node tells its own notifications apart (and a restarted
    //! node is a new one).
    QString nodeId() const { return m_nodeId; }
    //! This node's lasting name (kept in the data folder's `node` file, made at the first
    //! start): the sessions it saves carry it, so a restart restores only this node's
    //! participants. Empty on SQLite.
    QString homeNode() const { return m_homeNode; }

    void joined(const Session &session);
    void left(const Session &session, const QString &reason);
    void removed(const QString &room, qint64 index, const QString &reason);
    void downloaded(const QString &room, qint64 index, qint64 count);
    //! Before a participant joins \a room here: the files other nodes published whose
    //! `published` has not arrived yet are read from their rows and listed, so a client
    //! that saw its upload complete on one node finds the file on any other right away.
    void catchUp(Room *room);
    void delivered(const QString &room, qint64 index, const Delivery &delivery);
    //! \a key as in RoomServerPrivate::bans (room + '\n' + ban key).
    void banned(const QString &key, qint64 until);
    //! Room \a room was locked or unlocked here by \a by (a client id).
    void locked(const QString &room, bool locked, const QString &by);
    //! A moderator here switched the lobby of \a room.
    void lobbySwitched(const QString &room, bool enabled);
    //! A knock waits here (\a knockEvent: its `knock` event, with its room).
    void knocked(const QJsonObject &knockEvent);
    //! A knock that waited here ended (\a ended: its `knock-ended` event).
    void knockEnded(const QJsonObject &ended);
    //! Tells \a node, where knock \a knockId waits, a moderator here answered it.
    void answerKnock(const QString &node, const QString &knockId, bool admit);
    //! Asks \a node, which holds participant \a clientId of \a room, to remove it as
    //! moderator \a moderatorName asked here.
    void removeParticipant(const QString &room, const QString &clientId,
                           const QString &moderatorName, const QString &node);
    //! \a session, another node's until now, resumed here.
    void tookOver(const Session &session);
    //! Lists and announces the files in the `files` table this node does not know yet
    //! (their `published` was missed, or has not arrived yet).
    void catchUpFiles();
    //! After this node's own reconnection: what the rows say ended while it heard nothing
    //! (remote members no longer present, files whose rows are gone) ends here too.
    void reconcile();

private:
    bool send(QJsonObject event);
    bool published(const StoredFile &file); //!< the publish hook, inside the transaction
    void received(const QString &payload);
    void onJoined(const QJsonObject &event);
    void onLeft(const QJsonObject &event);
    void onPublished(const QJsonObject &event);
    void onRemoved(const QJsonObject &event);
    void onDownloaded(const QJsonObject &event);
    void onDelivered(const QJsonObject &event);
    void onBan(const QJsonObject &event);
    void onRemoveParticipant(const QJsonObject &event);
    void onLock(const QJsonObject &event);
    void onKnockAnswer(const QJsonObject &event);
    void onTakeover(const QJsonObject &event);
    //! Lists and announces \a row, a file another node published.
    void adopt(StoredFile row);
    //! After a reconnection: `hello`, and the files whose `published` was missed.
    void resync();
    void onHello(const QString &node);
    void onHeartbeat();
    //! Every participant connected to \a node leaves the rooms here with \a reason.
    void dropNode(const QString &node, const QString &reason);

    RoomServerPrivate *const d;
    bool m_active = false;
    QString m_nodeId;
    QString m_homeNode;
    QTimer m_heartbeat;
    QHash<QString, qint64> m_lastHeard; //!< node -> monotonic ms of its last notification
    QElapsedTimer m_clock;
    qint64 m_selfHeard = 0; //!< monotonic ms when this node last heard its own beat
};

} // namespace Roomshare::Server
