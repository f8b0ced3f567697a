// A session resumed on another node (issue 14, "A node dies"; docs/scale-out.md, "A
// session moves to another node"): a client whose node died, or that reached another
// node of the same database, resumes its session there with the same client id, and its
// uploads continue from their durable offsets. What a takeover tells the other nodes is
// in nodeevents.cpp (`takeover`).

#include "connection_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

namespace Roomshare::Server {

bool RoomServerPrivate::loadForeignSession(const QString &id, const QString &roomName)
{
    if (!nodes->isActive())
        return false;
    if (Session *held = session(id);
        held && (held->connection || held->graceTimer || held->present))
        return false; // this node's: resumed as on a single node
    QList<Session *> rows = db.loadSessions(id);
    if (rows.isEmpty())
        return false;
    std::unique_ptr<Session> row(rows.takeFirst());
    qDeleteAll(rows);
    // A row this node saved last is its own (restored at start, or left meanwhile).
    if (row->room != roomName || row->node.isEmpty() || row->node == nodes->homeNode())
        return false;
    // Whether the room still counts it is takeOver()'s decision, once the join is admitted;
    // until then this copy is not a member here.
    row->present = false;
    const qint64 expiry = row->lastSeenMs + options.partialTtlSeconds * 1000;
    sessions[id] = std::move(row);
    sessionExpiry.schedule(id, expiry);
    return true;
}

void RoomServerPrivate::takeOver(Session *s)
{
    const QString previous = s->node;
    s->node = nodes->homeNode();
    Room *r = room(s->room);
    // Still a remote member here (its node has not been found silent yet): it moves over
    // without anyone seeing it leave. Otherwise (node-lost came first, or it had left) the
    // join announces it again.
    const bool announced = r->takeRemoteMember(s->clientId).has_value();
    if (announced) {
        r->addMember(s);
        s->present = true;
    }
    nodes->tookOver(*s);

    // Its uploads in progress, from their rows, by the same path as at start.
    int adopted = 0;
    int stranded = 0;
    const QList<Upload *> rows = db.loadUploads(s->id);
    for (Upload *raw : rows) {
        std::unique_ptr<Upload> u(raw);
        if (upload(u->id))
            continue;
        if (objects) {
            adoptObjectUpload(std::move(u));
            ++adopted;
        } else {
            // The bytes are on the other node's disk: refused with the reason on resume
            // (Connection::handleUploadResume).
            strandedUploads.insert(u->id, previous);
            ++stranded;
        }
    }
    // A file the other node published just before it died may not have reached this node
    // as an event yet: its row decides, so its upload-resume answers upload-done instead
    // of starting it again. Only the session's room, and only above what this node lists.
    nodes->catchUp(room(s->room));
    qCInfo(lcServer) << "took over" << s->clientId << "in room" << s->room << "from node"
                     << previous << (announced ? "(still present)" : "(had left)") << adopted
                     << "uploads to continue," << stranded << "on the other node's disk";
}

bool RoomServerPrivate::releaseSession(Room *r, const QString &clientId)
{
    Session *s = nullptr;
    for (Session *m : r->members()) {
        if (m->clientId == clientId)
            s = m;
    }
    if (!s)
        return false;
    qCInfo(lcServer) << clientId << "in room" << r->name() << "was taken over by another node";
    s->graceTimer.reset();
    if (Connection *c = s->connection) {
        s->connection = nullptr;
        c->takenOver();
    }
    r->removeMember(s);
    // Its uploads continue on the other node: forgotten here without touching their data
    // or rows (a part still in flight may land; the other node lists the parts itself).
    std::vector<quint32> owned;
    for (const auto &[id, u] : uploads) {
        if (u->sessionId == s->id)
            owned.push_back(id);
    }
    for (const quint32 id : owned)
        uploads.erase(id);
    sessionExpiry.remove(s->id);
    sessions.erase(s->id);
    return true;
}

} // namespace Roomshare::Server
