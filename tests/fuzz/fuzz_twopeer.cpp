// Two peers in one room, interleaving control and data messages against the in-process
// server (issue 15): uploads begun, fed, ended and cancelled by either peer, chunks at the
// right or a wrong offset, with a bad byte or a bad CRC, downloads and their acks, file
// removal, listing, raw messages, and drops followed by a resume, in any order. Each input
// byte picks a peer and an operation; the following bytes are its arguments. After every
// step the invariants are checked, and a violation aborts (a crash for libFuzzer):
// - no control message to either peer is larger than clients accept
//   (Protocol::MaxControlMessage);
// - every published file has exactly its announced size and SHA-256 on disk, and a file
//   named "f<seed>" (the uploads this target begins) holds the bytes its sender meant.
// AddressSanitizer and UBSan (tests/extra/fuzz.sh) catch the rest.

#include "connection_p.h"
#include "roomserver.h"
#include "roomserver_p.h"

#include <chunkheader.h>
#include <invite.h>
#include <protocol.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QWebSocket>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace Roomshare;
using namespace Roomshare::Server;

namespace {

QString str(const char *s)
{
    return QString::fromLatin1(s);
}

[[noreturn]] void violated(const char *what, const QByteArray &detail = {})
{
    std::fprintf(stderr, "fuzz_twopeer: invariant violated: %s %s\n", what, detail.constData());
    std::abort();
}

//! The bytes an upload named "f<seed>" of \a size is meant to hold.
QByteArray intended(quint32 seed, qint64 size)
{
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    quint32 x = seed * 2654435761u + 1;
    for (qsizetype i = 0; i < out.size(); ++i) {
        x = x * 1103515245u + 12345u;
        out[i] = char(x >> 24);
    }
    return out;
}

QString sha256Hex(const QByteArray &data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

//! "f<seed>" -> seed; false for any other name.
bool seedOf(const QString &name, quint32 *seed)
{
    if (!name.startsWith(QLatin1Char('f')))
        return false;
    bool ok = false;
    *seed = name.mid(1).toUInt(&ok);
    return ok && name == QLatin1Char('f') + QString::number(*seed);
}

struct Peer
{
    Connection *connection = nullptr;
    QString sessionId;
    QList<qint64> downloadIds;
};

struct World
{
    QCoreApplication *app = nullptr;
    // In memory where there is a tmpfs: every join and publish syncs the disk otherwise.
    QTemporaryDir dir{ QDir(str("/dev/shm")).exists()
                           ? str("/dev/shm/fuzz_twopeer-XXXXXX")
                           : QDir::tempPath() + str("/fuzz_twopeer-XXXXXX") };
    std::unique_ptr<RoomServer> q;
    std::unique_ptr<RoomServerPrivate> d;
    QString tokens[2];
    Peer peers[2];

    World()
    {
        static int argc = 1;
        static char arg0[] = "fuzz_twopeer";
        static char *argv[] = { arg0, nullptr };
        app = new QCoreApplication(argc, argv);
        QLoggingCategory::setFilterRules(str("*=false"));
        ServerOptions o;
        o.dataDir = dir.path();
        o.secret = QByteArrayLiteral("fuzz-secret");
        o.maxFileSize = 1 << 20;
        q = std::make_unique<RoomServer>(o);
        d = std::make_unique<RoomServerPrivate>(q.get(), o);
        QString error;
        if (!d->loadState(&error))
            abort();
        // Durability is not what this target checks: skip the database's syncs.
        for (const QString &name : QSqlDatabase::connectionNames())
            QSqlQuery(str("PRAGMA synchronous=OFF"), QSqlDatabase::database(name));
        tokens[0] = token(str("Alice"), str("moderator"));
        tokens[1] = token(str("Bob"), str("participant"));
        Connection::setSentObserver(&World::observe);
    }

    QString token(const QString &name, const QString &role) const
    {
        JoinClaims c;
        c.room = str("duo");
        c.name = name;
        c.role = role;
        c.expiresAt = 4102444800; // 2100
        return Token::sign(c, d->options.secret);
    }

    static void observe(const Connection *from, const QJsonObject &msg);

    void join(int i)
    {
        Peer &p = peers[i];
        p.connection = new Connection(d.get(), new QWebSocket());
        d->connections.append(p.connection);
        QJsonObject join{ { str("type"), str("join") },
                          { str("rid"), 1 },
                          { str("token"), tokens[i] } };
        if (!p.sessionId.isEmpty())
            join.insert(str("resume"), p.sessionId);
        p.downloadIds.clear();
        send(i, join);
    }

    //! The peer's connection goes away as a dropped socket does; its session stays.
    void drop(int i)
    {
        Connection *c = peers[i].connection;
        if (!c)
            return;
        peers[i].connection = nullptr;
        c->shutdown();
        // What connectionClosed() does, with the delete now rather than on a later turn.
        d->connections.removeAll(c);
        d->lobby->withdraw(c);
        if (Session *s = c->session(); s && s->connection == c)
            d->detached(s);
        delete c;
    }

    void send(int i, const QJsonObject &msg)
    {
        if (Connection *c = peers[i].connection)
            c->receiveText(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
    }

    //! The uploads in progress of peer \a i's session.
    std::vector<Upload *> uploadsOf(int i) const
    {
        std::vector<Upload *> out;
        for (const auto &[id, u] : d->uploads) {
            if (u->sessionId == peers[i].sessionId)
                out.push_back(u.get());
        }
        return out;
    }

    QList<StoredFilePtr> files() const
    {
        const auto it = d->rooms.find(str("duo"));
        return it == d->rooms.end() ? QList<StoredFilePtr>() : it->second->files();
    }

    void checkPublished() const
    {
        for (const StoredFilePtr &f : files()) {
            QFile data(f->storagePath);
            if (!data.open(QIODevice::ReadOnly))
                violated("published file has no storage", f->name.toUtf8());
            const QByteArray bytes = data.readAll();
            if (bytes.size() != f->size || sha256Hex(bytes) != f->sha256)
                violated("published bytes differ from the announced size or hash",
                         f->name.toUtf8());
            quint32 seed = 0;
            if (seedOf(f->name, &seed) && bytes != intended(seed, f->size))
                violated("published bytes differ from what the sender meant", f->name.toUtf8());
        }
    }

    void reset()
    {
        for (int i = 0; i < 2; ++i) {
            drop(i);
            peers[i] = Peer();
        }
        std::vector<quint32> uploads;
        for (const auto &[id, u] : d->uploads)
            uploads.push_back(id);
        for (const quint32 id : uploads)
            d->dropUpload(id);
        for (auto &[id, session] : d->sessions) {
            session->graceTimer.reset();
            d->db.deleteSession(id);
        }
        d->sessions.clear();
        d->sessionExpiry.clear();
        for (auto &[name, room] : d->rooms) {
            for (const auto &f : room->files()) {
                Storage::remove(f->storagePath);
                d->db.deleteFile(name, f->index);
            }
        }
        d->rooms.clear();
        d->fileExpiry.clear();
        d->publishedUploads.clear();
        d->bans.clear();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
};

World &world()
{
    static World w;
    return w;
}

void World::observe(const Connection *from, const QJsonObject &msg)
{
    const QByteArray json = QJsonDocument(msg).toJson(QJsonDocument::Compact);
    if (json.size() > Protocol::MaxControlMessage)
        violated("a control message larger than clients accept", json.left(200));
    World &w = world();
    for (Peer &p : w.peers) {
        if (p.connection != from)
            continue;
        const QString type = msg.value(str("type")).toString();
        if (type == QLatin1String("joined"))
            p.sessionId = msg.value(str("sessionId")).toString();
        else if (type == QLatin1String("download-accepted") && p.downloadIds.size() < 64)
            p.downloadIds.append(msg.value(str("downloadId")).toInteger());
    }
}

class Input
{
public:
    Input(const uint8_t *data, size_t size)
        : m_data(data)
        , m_size(size)
    { }
    bool atEnd() const { return m_pos >= m_size; }
    quint8 u8() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    quint16 u16() { return quint16(u8() | (u8() << 8)); }
    QByteArray bytes(size_t n)
    {
        n = std::min(n, m_size - std::min(m_pos, m_size));
        QByteArray out(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(n));
        m_pos += n;
        return out;
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

template<typename T> T *pick(const std::vector<T *> &from, quint8 choice)
{
    return from.empty() ? nullptr : from[choice % from.size()];
}

void step(World &w, Input &in, quint32 *nextSeed)
{
    const quint8 op = in.u8();
    const int i = op & 1;
    const int other = 1 - i;
    Peer &p = w.peers[i];
    if (!p.connection) {
        w.join(i);
        return;
    }
    switch ((op >> 1) % 12) {
    case 0: { // upload-begin of a file "f<seed>", with or without its hash up front
        const quint32 seed = (*nextSeed)++;
        const qint64 size = in.u16() % 4096;
        const quint8 flags = in.u8();
        QJsonObject msg{ { str("type"), str("upload-begin") },
                         { str("rid"), int(seed) },
                         { str("name"), QLatin1Char('f') + QString::number(seed) },
                         { str("size"), size },
                         { str("broadcast"), !(flags & 1) } };
        if (flags & 1) {
            const Peer &o = w.peers[other];
            const QString id = o.connection ? o.connection->clientId() : str("c1");
            msg.insert(str("clientList"), QJsonArray{ id });
        }
        if (flags & 2)
            msg.insert(str("sha256"), sha256Hex(intended(seed, size)));
        w.send(i, msg);
        break;
    }
    case 1:
    case 2: { // a chunk: where the upload stands, or elsewhere; intact or damaged
        Upload *u = pick(w.uploadsOf(i), in.u8());
        const quint8 mode = in.u8();
        const qint64 length = 1 + in.u16() % 3000;
        quint32 id = u ? u->id : in.u16();
        qint64 offset = u ? u->received : 0;
        if (mode % 5 == 1)
            offset = in.u16();
        quint32 seed = 0;
        const bool ours = u && seedOf(u->name, &seed);
        QByteArray payload = ours ? intended(seed, offset + length).mid(offset)
                                  : QByteArray(qsizetype(length), 'z');
        if (mode % 5 == 2 && !payload.isEmpty())
            payload[payload.size() / 2] = char(payload.at(payload.size() / 2) ^ 0x5a);
        if (mode % 5 == 3)
            id = in.u16();
        QByteArray message
            = ChunkHeader::encode(ChunkHeader::Kind::Upload, id, quint64(offset), payload);
        if (mode % 5 == 4)
            message[message.size() - 1] = char(message.at(message.size() - 1) ^ 1); // CRC fails
        p.connection->receiveBinary(message);
        break;
    }
    case 3: { // upload-end with the right hash or a wrong one
        Upload *u = pick(w.uploadsOf(i), in.u8());
        const quint8 mode = in.u8();
        quint32 seed = 0;
        QString sha = QString(64, QLatin1Char('0'));
        if (u && seedOf(u->name, &seed) && !(mode & 1))
            sha = sha256Hex(intended(seed, u->size));
        w.send(i,
               { { str("type"), str("upload-end") },
                 { str("uploadId"), qint64(u ? u->id : in.u16()) },
                 { str("sha256"), sha } });
        break;
    }
    case 4: {
        Upload *u = pick(w.uploadsOf(in.u8() & 1 ? other : i), in.u8());
        w.send(i,
               { { str("type"), str("upload-cancel") },
                 { str("uploadId"), qint64(u ? u->id : in.u16()) } });
        break;
    }
    case 5: { // download-begin of a file of the room, at some offset
        const QList<StoredFilePtr> files = w.files();
        const quint8 choice = in.u8();
        const qint64 index = files.isEmpty() ? choice : files.at(choice % files.size())->index;
        w.send(i,
               { { str("type"), str("download-begin") },
                 { str("rid"), 2 },
                 { str("index"), index },
                 { str("offset"), qint64(in.u16() % 5000) } });
        break;
    }
    case 6:
    case 7: { // download-ack or download-cancel
        const quint8 choice = in.u8();
        const qint64 id
            = p.downloadIds.isEmpty() ? choice : p.downloadIds.at(choice % p.downloadIds.size());
        if ((op >> 1) % 12 == 6) {
            w.send(i,
                   { { str("type"), str("download-ack") },
                     { str("downloadId"), id },
                     { str("offset"), qint64(in.u16()) } });
        } else {
            w.send(i, { { str("type"), str("download-cancel") }, { str("downloadId"), id } });
        }
        break;
    }
    case 8: { // list, or a moderator's file-remove
        const QList<StoredFilePtr> files = w.files();
        const quint8 choice = in.u8();
        if (choice & 1 && !files.isEmpty()) {
            w.send(i,
                   { { str("type"), str("file-remove") },
                     { str("rid"), 3 },
                     { str("index"), files.at((choice >> 1) % files.size())->index } });
        } else {
            w.send(i,
                   { { str("type"), str("list") }, { str("rid"), 4 }, { str("after"), choice } });
        }
        break;
    }
    case 9: // any text
        p.connection->receiveText(QString::fromUtf8(in.bytes(in.u8())));
        break;
    case 10: // any binary message
        p.connection->receiveBinary(in.bytes(in.u16() % 2048));
        break;
    case 11: // the connection drops; the next step of this peer resumes its session
        w.drop(i);
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    World &w = world();
    w.join(0);
    w.join(1);
    Input in(data, size);
    quint32 nextSeed = 1;
    for (int steps = 0; steps < 512 && !in.atEnd(); ++steps) {
        step(w, in, &nextSeed);
        // The group commit normally runs at the end of the event-loop turn.
        w.d->flushCommits();
        w.checkPublished();
    }
    w.reset();
    return 0;
}
