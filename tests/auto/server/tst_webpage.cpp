// The browser participant's page served by the in-process RoomServer on its room port: a
// plain GET gets the page with its security headers, other paths and methods are refused,
// a WebSocket upgrade still works (and the page's own origin may open one), and request
// heads that are too large or too slow are cut off within the per-address cap.

#include "protocolclient.h"
#include "roomserver.h"
#include "tlsfiles.h"

#include <invite.h>

#include <QDateTime>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace Roomshare;
using namespace Roomshare::Server;
using namespace ProtocolTest;

namespace {

const QByteArray Secret = QByteArrayLiteral("webpage-test-secret-0123456789");

QString token(const QString &room, const QString &name)
{
    JoinClaims c;
    c.room = room;
    c.name = name;
    c.expiresAt = QDateTime::currentSecsSinceEpoch() + 3600;
    return Token::sign(c, Secret);
}

struct Response
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
};

Response parseResponse(const QByteArray &raw, bool closed)
{
    Response r;
    r.closed = closed;
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0)
        return r;
    const QList<QByteArray> lines = raw.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/1.1"))
        return r;
    r.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            r.headers.append({ line.left(colon), line.mid(colon + 1).trimmed() });
    }
    r.body = raw.mid(end + 4);
    return r;
}

//! Sends \a request on a new connection and reads until the server closes it.
Response exchange(QTcpSocket &socket, const QHostAddress &host, quint16 port,
                  const QByteArray &request)
{
    // The server runs in this thread: wait by spinning the event loop, never blocking it.
    socket.connectToHost(host, port);
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000))
        return {};
    if (auto *tls = qobject_cast<QSslSocket *>(&socket)) {
        tls->setPeerVerifyMode(QSslSocket::VerifyNone);
        tls->startClientEncryption();
        if (!QTest::qWaitFor([&] { return tls->isEncrypted(); }, 5000))
            return {};
    }
    socket.write(request);
    QByteArray raw;
    const bool closed = QTest::qWaitFor(
        [&] {
            raw += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    raw += socket.readAll();
    return parseResponse(raw, closed);
}

} // namespace

class tst_WebPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void serves_data();
    void serves();
    void pageHasStrictPolicy();
    void revalidates();
    void webSocketStillWorks();
    void ownOriginMayConnect();
    void oversizedHeadIsCutOff();
    void slowHeadIsCutOff();
    void headsCountAgainstPerAddressCap();
    void servedOverTls();

private:
    void startServer(const std::function<void(ServerOptions &)> &configure = {});
    Response get(const QByteArray &request);
    QByteArray hostHeader() const
    {
        return "Host: 127.0.0.1:" + QByteArray::number(m_server->port()) + "\r\n";
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RoomServer> m_server;
};

void tst_WebPage::initTestCase()
{
    QLoggingCategory::setFilterRules(QStringLiteral("roomshare.server.debug=false\n"
                                                    "roomshare.server.info=false"));
}

void tst_WebPage::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

void tst_WebPage::startServer(const std::function<void(ServerOptions &)> &configure)
{
    m_server.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    ServerOptions options;
    options.dataDir = m_dir->path() + s("/data");
    options.secret = Secret;
    options.listenAddress = QHostAddress::LocalHost;
    options.sessionGraceMs = 0;
    if (configure)
        configure(options);
    m_server = std::make_unique<RoomServer>(options);
    QString error;
    QVERIFY2(m_server->listen(&error), qPrintable(error));
}

Response tst_WebPage::get(const QByteArray &request)
{
    QTcpSocket socket;
    return exchange(socket, QHostAddress::LocalHost, m_server->port(), request);
}

void tst_WebPage::serves_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("bodyContains");
    QTest::addRow("page") << QByteArray("GET") << QByteArray("/") << 200
                          << QByteArray("text/html; charset=utf-8")
                          << QByteArray("<script type=\"module\" src=\"/app.js\">");
    QTest::addRow("page, query ignored")
        << QByteArray("GET") << QByteArray("/?x=1") << 200 << QByteArray("text/html; charset=utf-8")
        << QByteArray("<title>Roomshare</title>");
    QTest::addRow("client module") << QByteArray("GET") << QByteArray("/roomshare.js") << 200
                                   << QByteArray("text/javascript; charset=utf-8")
                                   << QByteArray("export class RoomshareClient");
    QTest::addRow("download worker")
        << QByteArray("GET") << QByteArray("/opfs-worker.js") << 200
        << QByteArray("text/javascript; charset=utf-8") << QByteArray("createSyncAccessHandle");
    QTest::addRow("app") << QByteArray("GET") << QByteArray("/app.js") << 200
                         << QByteArray("text/javascript; charset=utf-8")
                         << QByteArray("from './roomshare.js'");
    QTest::addRow("sha256") << QByteArray("GET") << QByteArray("/sha256.js") << 200
                            << QByteArray("text/javascript; charset=utf-8")
                            << QByteArray("hash-wasm");
    QTest::addRow("crc32") << QByteArray("GET") << QByteArray("/crc32.js") << 200
                           << QByteArray("text/javascript; charset=utf-8")
                           << QByteArray("hash-wasm");
    QTest::addRow("style") << QByteArray("GET") << QByteArray("/style.css") << 200
                           << QByteArray("text/css; charset=utf-8") << QByteArray("body");
    QTest::addRow("head") << QByteArray("HEAD") << QByteArray("/") << 200
                          << QByteArray("text/html; charset=utf-8") << QByteArray();
    QTest::addRow("unknown path") << QByteArray("GET") << QByteArray("/nope") << 404
                                  << QByteArray("text/plain; charset=utf-8") << QByteArray();
    QTest::addRow("traversal") << QByteArray("GET") << QByteArray("/../../etc/passwd") << 404
                               << QByteArray("text/plain; charset=utf-8") << QByteArray();
    QTest::addRow("resource path") << QByteArray("GET") << QByteArray("/web/index.html") << 404
                                   << QByteArray("text/plain; charset=utf-8") << QByteArray();
    QTest::addRow("post") << QByteArray("POST") << QByteArray("/") << 405
                          << QByteArray("text/plain; charset=utf-8") << QByteArray();
    QTest::addRow("delete") << QByteArray("DELETE") << QByteArray("/app.js") << 405
                            << QByteArray("text/plain; charset=utf-8") << QByteArray();
}

void tst_WebPage::serves()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, bodyContains);
    startServer();
    const Response r = get(method + ' ' + path + " HTTP/1.1\r\n" + hostHeader() + "\r\n");
    QVERIFY(r.closed);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("Content-Type"), contentType);
    QCOMPARE(r.header("X-Content-Type-Options"), QByteArray("nosniff"));
    QVERIFY(r.header("Content-Security-Policy").startsWith("default-src 'none'"));
    QCOMPARE(r.header("Connection"), QByteArray("close"));
    if (method == "HEAD") {
        QVERIFY(r.body.isEmpty());
        QVERIFY(r.header("Content-Length").toLongLong() > 0);
    } else {
        QCOMPARE(r.header("Content-Length").toLongLong(), r.body.size());
        QVERIFY2(r.body.contains(bodyContains), r.body.left(200).constData());
    }
    if (status == 405)
        QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD"));
    if (status == 200)
        QCOMPARE(r.header("Cache-Control"), QByteArray("no-cache"));
}

void tst_WebPage::pageHasStrictPolicy()
{
    startServer();
    const Response r = get("GET / HTTP/1.1\r\n" + hostHeader() + "\r\n");
    QCOMPARE(r.status, 200);
    const QByteArray csp = r.header("Content-Security-Policy");
    // Only this server: no inline code, no other origin, no framing.
    for (const char *directive :
         { "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval';", "style-src 'self';",
           "connect-src 'self';", "frame-ancestors 'none'", "base-uri 'none'",
           "form-action 'none'" })
        QVERIFY2(csp.contains(directive), csp.constData());
    QVERIFY(!csp.contains("unsafe-inline"));
    QVERIFY(!csp.contains("http"));
    QCOMPARE(r.header("X-Frame-Options"), QByteArray("DENY"));
    QCOMPARE(r.header("Referrer-Policy"), QByteArray("no-referrer"));
    // Every script the page loads is one the server serves (nothing from elsewhere).
    QVERIFY(!r.body.contains("//cdn") && !r.body.contains("https://"));
    QVERIFY(!r.body.contains("<script>"));
}

void tst_WebPage::revalidates()
{
    startServer();
    const Response first = get("GET /app.js HTTP/1.1\r\n" + hostHeader() + "\r\n");
    QCOMPARE(first.status, 200);
    const QByteArray etag = first.header("ETag");
    QVERIFY(etag.startsWith('"') && etag.size() > 10);
    const Response again
        = get("GET /app.js HTTP/1.1\r\n" + hostHeader() + "If-None-Match: " + etag + "\r\n\r\n");
    QCOMPARE(again.status, 304);
    QVERIFY(again.body.isEmpty());
    const Response stale
        = get("GET /app.js HTTP/1.1\r\n" + hostHeader() + "If-None-Match: \"old\"\r\n\r\n");
    QCOMPARE(stale.status, 200);
}

void tst_WebPage::webSocketStillWorks()
{
    startServer();
    Client native;
    QVERIFY(native.open(m_server->url()));
    QCOMPARE(native.join(token(s("room"), s("Ann"))).value(s("type")).toString(), s("joined"));
    // A page served between two WebSocket upgrades changes nothing for them.
    QCOMPARE(get("GET / HTTP/1.1\r\n" + hostHeader() + "\r\n").status, 200);
    Client second;
    QVERIFY(second.open(m_server->url()));
    QCOMPARE(second.join(token(s("room"), s("Bob"))).value(s("type")).toString(), s("joined"));
}

void tst_WebPage::ownOriginMayConnect()
{
    startServer(); // no --allow-origin
    const QString own = s("http://127.0.0.1:%1").arg(m_server->port());
    {
        Client page(own);
        QVERIFY(page.open(m_server->url()));
        QCOMPARE(page.join(token(s("room"), s("Web"))).value(s("type")).toString(), s("joined"));
    }
    {
        // Another origin (another port of the same host, another scheme) is still refused,
        // with a 403 that says why.
        Client otherPort(s("http://127.0.0.1:%1").arg(m_server->port() == 1 ? 2 : 1));
        QVERIFY(!otherPort.open(m_server->url()));
        Client otherScheme(s("https://127.0.0.1:%1").arg(m_server->port()));
        QVERIFY(!otherScheme.open(m_server->url()));
    }
    const Response refused
        = get("GET / HTTP/1.1\r\n" + hostHeader()
              + "Upgrade: websocket\r\nConnection: Upgrade\r\nOrigin: https://evil.example\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    QCOMPARE(refused.status, 403);
    QVERIFY(refused.body.contains("--allow-origin"));
}

void tst_WebPage::oversizedHeadIsCutOff()
{
    startServer();
    QByteArray request = "GET / HTTP/1.1\r\n" + hostHeader();
    while (request.size() < 9000)
        request += "X-Filler: " + QByteArray(100, 'a') + "\r\n";
    const Response r = get(request); // never ends its head
    QVERIFY(r.closed);
    QCOMPARE(r.status, 431);
    // The server is still fine.
    QCOMPARE(get("GET / HTTP/1.1\r\n" + hostHeader() + "\r\n").status, 200);
}

void tst_WebPage::slowHeadIsCutOff()
{
    startServer([](ServerOptions &o) { o.handshakeTimeoutMs = 300; });
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, m_server->port());
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::ConnectedState, 5000);
    slow.write("GET / HTTP/1.1\r\n" + hostHeader()); // and never the empty line
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(!slow.readAll().startsWith("HTTP/1.1 200"));
}

void tst_WebPage::headsCountAgainstPerAddressCap()
{
    startServer([](ServerOptions &o) { o.maxConnectionsPerAddress = 2; });
    QTcpSocket a;
    QTcpSocket b;
    for (QTcpSocket *s : { &a, &b }) {
        s->connectToHost(QHostAddress::LocalHost, m_server->port());
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), QAbstractSocket::ConnectedState, 5000);
        s->write("GET / HTTP/1.1\r\n"); // unfinished heads hold their places
    }
    // Once the server has taken both, a third is closed without an answer.
    QTRY_COMPARE_WITH_TIMEOUT(get("GET / HTTP/1.1\r\n" + hostHeader() + "\r\n").status, 0, 5000);
    a.abort();
    b.abort();
    QTRY_COMPARE_WITH_TIMEOUT(get("GET / HTTP/1.1\r\n" + hostHeader() + "\r\n").status, 200, 5000);
}

void tst_WebPage::servedOverTls()
{
    const auto identity
        = Tls::generateSelfSignedCertificate(s("roomshare test"), { s("127.0.0.1") });
    QVERIFY(identity);
    startServer([&](ServerOptions &o) {
        o.tlsCertificate = identity->certificate;
        o.tlsKey = identity->key;
    });
    QSslSocket socket;
    const Response r = exchange(socket, QHostAddress::LocalHost, m_server->port(),
                                "GET / HTTP/1.1\r\n" + hostHeader() + "\r\n");
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("<title>Roomshare</title>"));
    // Its own origin is https://, and may open the WebSocket.
    JoinClaims claims;
    claims.room = s("room");
    claims.expiresAt = QDateTime::currentSecsSinceEpoch() + 60;
    QVERIFY(m_server->webInviteLink(claims).startsWith(s("https://127.0.0.1:")));
}

QTEST_GUILESS_MAIN(tst_WebPage)
#include "tst_webpage.moc"
