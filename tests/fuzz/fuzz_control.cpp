// The server's control- and data-message handling, driven without a network: each input
// is a session of one joined moderator connection (a second member and one published
// file are there too, so visibility, removal and download paths are reachable). Lines of
// the input are messages: a line starting with 'B' is a binary message (the rest of the
// line), any other line a text message. Replies go nowhere (the sockets never connect).

#include "connection_p.h"
#include "roomserver.h"
#include "roomserver_p.h"

#include <invite.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QWebSocket>

#include <cstdint>

using namespace Roomshare;
using namespace Roomshare::Server;

namespace {

struct World
{
    QCoreApplication *app = nullptr;
    QTemporaryDir dir;
    std::unique_ptr<RoomServer> q;
    std::unique_ptr<RoomServerPrivate> d;
    QString fixture;
    QString joinText;
    QString peerJoinText;

    World()
    {
        static int argc = 1;
        static char arg0[] = "fuzz_control";
        static char *argv[] = { arg0, nullptr };
        app = new QCoreApplication(argc, argv);
        QLoggingCategory::setFilterRules(QStringLiteral("*=false"));
        ServerOptions o;
        o.dataDir = dir.path();
        o.secret = QByteArrayLiteral("fuzz-secret");
        o.maxFileSize = 1 << 20;
        q = std::make_unique<RoomServer>(o);
        d = std::make_unique<RoomServerPrivate>(q.get(), o);
        QString error;
        if (!d->loadState(&error))
            abort();
        fixture = QDir(dir.path()).filePath(QStringLiteral("fixture.bin"));
        joinText = joinFor(QStringLiteral("Mod"), QStringLiteral("moderator"));
        peerJoinText = joinFor(QStringLiteral("Peer"), QStringLiteral("participant"));
    }

    QString joinFor(const QString &name, const QString &role) const
    {
        JoinClaims c;
        c.room = QStringLiteral("fuzz");
        c.name = name;
        c.role = role;
        c.expiresAt = 4102444800; // 2100
        const QJsonObject join{ { QStringLiteral("type"), QStringLiteral("join") },
                                { QStringLiteral("rid"), 1 },
                                { QStringLiteral("token"), Token::sign(c, d->options.secret) } };
        return QString::fromUtf8(QJsonDocument(join).toJson(QJsonDocument::Compact));
    }

    Connection *connect()
    {
        auto *c = new Connection(d.get(), new QWebSocket());
        d->connections.append(c);
        return c;
    }
};

World &world()
{
    static World w;
    return w;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    World &w = world();
    if (!QFile::exists(w.fixture)) {
        QFile f(w.fixture);
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray(1000, 'f'));
    }
    Connection *peer = w.connect();
    peer->receiveText(w.peerJoinText);
    Connection *c = w.connect();
    c->receiveText(w.joinText);
    if (Room *room = peer->room()) {
        StoredFile file;
        file.name = QStringLiteral("fixture.bin");
        file.size = 1000;
        file.sha256 = QString(64, QLatin1Char('0'));
        file.senderId = peer->clientId();
        file.createdAt = 1;
        file.expiresAt = 4102444800000;
        file.broadcast = false;
        file.recipients = { c->clientId() };
        file.storagePath = w.fixture;
        file.index = room->nextIndex();
        room->insertFile(std::move(file));
    }

    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const QByteArray &line : input.split('\n')) {
        if (line.startsWith('B'))
            c->receiveBinary(line.mid(1));
        else
            c->receiveText(QString::fromUtf8(line));
        // The group commit normally runs at the end of the event-loop turn.
        w.d->flushCommits();
    }

    // Tear the session down completely so every input starts from the same world.
    for (Connection *conn : { c, peer }) {
        conn->shutdown();
        w.d->connections.removeAll(conn);
        delete conn;
    }
    // Sessions and uploads in progress are kept for resuming; the next input starts afresh.
    std::vector<quint32> uploads;
    for (const auto &[id, u] : w.d->uploads)
        uploads.push_back(id);
    for (const quint32 id : uploads)
        w.d->dropUpload(id);
    for (auto &[id, session] : w.d->sessions)
        w.d->db.deleteSession(id);
    w.d->sessions.clear();
    for (auto &[name, room] : w.d->rooms) {
        for (const auto &f : room->files()) {
            if (f->storagePath != w.fixture)
                Storage::remove(f->storagePath);
        }
    }
    w.d->rooms.clear();
    w.d->bans.clear();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
