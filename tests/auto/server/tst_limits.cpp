// Issue 15, "bounded everywhere": every message the server sends fits in what clients
// accept, whatever a room holds, and every field a client sends is bounded. Drives the
// in-process RoomServer with raw QWebSockets (tests/auto/common/protocolclient.h).

#include "protocolclient.h"
#include "roomserver.h"
#include "seedroom.h"

#include <errors.h>
#include <invite.h>
#include <protocol.h>

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Roomshare;
using namespace Roomshare::Server;
using namespace ProtocolTest;

namespace {

const QByteArray Secret = QByteArrayLiteral("test-secret-0123456789");

QString token(const QString &room, const QString &name)
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    return Token::sign(c, Secret);
}

} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void largeRoomIsPaged();
    void listPagesAreStateless();
    void mimeIsBounded_data();
    void mimeIsBounded();
    void storedHugeMimeIsNotServed();

private:
    void startServer(const std::function<void(ServerOptions &)> &configure = {});
    //! A joined raw client that records the size of every text message it receives.
    std::unique_ptr<Client> joinClient(const QString &name, QJsonObject *joined);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RoomServer> m_server;
    QList<qint64> m_sizes; //!< UTF-8 sizes of the text messages the last client received
};

void tst_Limits::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.server.debug=false\n"
                                                    "roomshare.server.info=false"));
}

void tst_Limits::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_sizes.clear();
}

void tst_Limits::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

void tst_Limits::startServer(const std::function<void(ServerOptions &)> &configure)
{
    ServerOptions o;
    o.dataDir = m_dir->path();
    o.secret = Secret;
    if (configure)
        configure(o);
    m_server = std::make_unique<RoomServer>(o);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

std::unique_ptr<Client> tst_Limits::joinClient(const QString &name, QJsonObject *joined)
{
    auto c = std::make_unique<Client>();
    if (!c->open(m_server->url()))
        return nullptr;
    QObject::connect(&c->socket(), &QWebSocket::textMessageReceived,
                     [this](const QString &text) { m_sizes.append(text.toUtf8().size()); });
    *joined = c->join(token(s("room"), name));
    return c;
}

// Finding 2: ~900 files with long names made `joined` larger than any client accepts, so
// nobody could join. 3,000 files with 200-character names (about 1.4 MB of FILE objects)
// arrive in pages, each a message clients accept, and together exactly once each.
void tst_Limits::largeRoomIsPaged()
{
    constexpr int Count = 3000;
    QVERIFY(TestUtil::seedRoom(m_dir->path(), s("room"), Count, 200));
    startServer();
    QCOMPARE(m_server->fileCount(s("room")), Count);

    QJsonObject page;
    auto c = joinClient(s("Alice"), &page);
    QVERIFY(c);
    QCOMPARE(page.value(s("type")).toString(), s("joined"));
    QSet<qint64> seen;
    qint64 previous = 0;
    int messages = 1;
    for (;;) {
        const QJsonArray files = page.value(s("files")).toArray();
        QVERIFY(!files.isEmpty());
        for (const QJsonValue &f : files) {
            const qint64 index = f.toObject().value(s("index")).toInteger();
            QVERIFY2(index > previous, "pages list files in increasing index order");
            previous = index;
            seen.insert(index);
        }
        if (!page.value(s("more")).toBool())
            break;
        QCOMPARE(page.value(s("after")).toInteger(), previous);
        QVERIFY(messages < 100);
        page = c->request({ { s("type"), s("list") }, { s("after"), previous } });
        QCOMPARE(page.value(s("type")).toString(), s("files"));
        ++messages;
    }
    QCOMPARE(seen.size(), Count);
    QVERIFY(!m_sizes.isEmpty());
    for (const qint64 size : std::as_const(m_sizes))
        QVERIFY2(size <= Protocol::MaxControlMessage, qPrintable(QString::number(size)));
    qInfo("%d files with 200-character names: %d messages (joined + %d files pages), "
          "largest %lld bytes",
          Count, messages, messages - 1, *std::max_element(m_sizes.begin(), m_sizes.end()));
}

// `list` without "after" is the first page (what older clients send); pages are asked for
// by index, so a file published or removed between two pages neither breaks nor repeats
// the listing.
void tst_Limits::listPagesAreStateless()
{
    QVERIFY(TestUtil::seedRoom(m_dir->path(), s("room"), 1200, 400));
    startServer();
    QJsonObject joined;
    auto c = joinClient(s("Alice"), &joined);
    QVERIFY(c);
    QVERIFY(joined.value(s("more")).toBool());
    const QJsonObject first = c->request({ { s("type"), s("list") } });
    QCOMPARE(first.value(s("type")).toString(), s("files"));
    QCOMPARE(first.value(s("files")).toArray(), joined.value(s("files")).toArray());
    QCOMPARE(first.value(s("after")).toInteger(), joined.value(s("after")).toInteger());
    // Beyond the last index: an empty last page.
    const QJsonObject end = c->request({ { s("type"), s("list") }, { s("after"), 5000 } });
    QCOMPARE(end.value(s("files")).toArray().size(), 0);
    QVERIFY(!end.contains(s("more")));
    // A bad cursor is refused, the connection stays.
    for (const QJsonValue &bad : { QJsonValue(-1), QJsonValue(s("3")), QJsonValue(1.5) }) {
        const QJsonObject r = c->request({ { s("type"), s("list") }, { s("after"), bad } });
        QCOMPARE(errorCode(r), int(ErrorCode::InvalidRequest));
    }
    QVERIFY(c->socket().state() == QAbstractSocket::ConnectedState);
}

void tst_Limits::mimeIsBounded_data()
{
    QTest::addColumn<QString>("mime");
    QTest::addColumn<bool>("accepted");
    QTest::addRow("plain") << s("text/plain") << true;
    QTest::addRow("office") << s("application/vnd.openxmlformats-officedocument.wordprocessingml"
                                 ".document")
                            << true;
    QTest::addRow("empty means default") << QString() << true;
    QTest::addRow("255") << s("application/") + QString(243, QLatin1Char('x')) << true;
    QTest::addRow("256") << s("application/") + QString(244, QLatin1Char('x')) << false;
    QTest::addRow("200 KiB") << s("application/") + QString(200 * 1024, QLatin1Char('x')) << false;
    QTest::addRow("no slash") << s("textplain") << false;
    QTest::addRow("parameters") << s("text/plain; charset=utf-8") << false;
    QTest::addRow("bidi") << QString::fromUtf8("text/pl\u202Eain") << false;
    QTest::addRow("html") << s("text/<b>x</b>") << false;
    QTest::addRow("newline") << s("text/plain\n") << false;
}

// Finding 2: a ~256 KiB `mime` made every listing of the room too large for clients.
void tst_Limits::mimeIsBounded()
{
    QFETCH(QString, mime);
    QFETCH(bool, accepted);
    startServer();
    QJsonObject joined;
    auto c = joinClient(s("Alice"), &joined);
    QVERIFY(c);
    QJsonObject begin{ { s("type"), s("upload-begin") },
                       { s("name"), s("a.txt") },
                       { s("size"), 0 },
                       { s("sha256"), s(TestUtil::EmptySha256) } };
    if (!mime.isNull())
        begin.insert(s("mime"), mime);
    const QJsonObject reply = c->request(begin);
    if (accepted) {
        QCOMPARE(reply.value(s("type")).toString(), s("upload-accepted"));
    } else {
        QCOMPARE(reply.value(s("type")).toString(), s("error"));
        QCOMPARE(errorCode(reply), int(ErrorCode::InvalidRequest));
        QCOMPARE(m_server->uploadCount(), 0);
    }
}

// A file stored before the bound (its 300 KiB type survives restarts in the database) no
// longer locks the room: it is listed as application/octet-stream.
void tst_Limits::storedHugeMimeIsNotServed()
{
    QVERIFY(TestUtil::seedRoom(m_dir->path(), s("room"), 1, 10,
                               s("application/") + QString(300 * 1024, QLatin1Char('x'))));
    startServer();
    QJsonObject joined;
    auto c = joinClient(s("Alice"), &joined);
    QVERIFY(c);
    QCOMPARE(joined.value(s("type")).toString(), s("joined"));
    const QJsonArray files = joined.value(s("files")).toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.first().toObject().value(s("type")).toString(), s("application/octet-stream"));
    for (const qint64 size : std::as_const(m_sizes))
        QVERIFY(size <= Protocol::MaxControlMessage);
}

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
