#include "webpage_p.h"

#include <QCryptographicHash>
#include <QFile>
#include <QHash>

namespace Roomshare::Server::WebPage {

namespace {

// No inline script or style, no third-party origin: the page only talks to the server it
// came from. WebAssembly (the SHA-256 library) needs 'wasm-unsafe-eval', nothing more.
constexpr QByteArrayView ContentSecurityPolicy
    = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
      "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; "
      "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct Asset
{
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;
};

struct Route
{
    const char *path;
    const char *resource;
    const char *contentType;
};

constexpr Route Routes[] = {
    { "/", ":/web/index.html", "text/html; charset=utf-8" },
    { "/style.css", ":/web/style.css", "text/css; charset=utf-8" },
    { "/app.js", ":/web/app.js", "text/javascript; charset=utf-8" },
    { "/roomshare.js", ":/web/roomshare.js", "text/javascript; charset=utf-8" },
    { "/opfs-worker.js", ":/web/opfs-worker.js", "text/javascript; charset=utf-8" },
    { "/sha256.js", ":/web/vendor/sha256.umd.min.js", "text/javascript; charset=utf-8" },
    { "/crc32.js", ":/web/vendor/crc32.umd.min.js", "text/javascript; charset=utf-8" },
    { "/favicon.svg", ":/web/favicon.svg", "image/svg+xml" },
};

const QHash<QByteArray, Asset> &assets()
{
    static const QHash<QByteArray, Asset> table = [] {
        QHash<QByteArray, Asset> t;
        for (const Route &r : Routes) {
            QFile file(QString::fromLatin1(r.resource));
            if (!file.open(QIODevice::ReadOnly))
                continue;
            Asset a;
            a.body = file.readAll();
            a.contentType = r.contentType;
            a.etag = '"'
                + QCryptographicHash::hash(a.body, QCryptographicHash::Sha256).toHex().left(32)
                + '"';
            t.insert(QByteArray(r.path), a);
        }
        return t;
    }();
    return table;
}

QByteArray statusLine(int status, QByteArrayView reason)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason.toByteArray() + "\r\n";
}

QByteArray commonHeaders()
{
    return "Content-Security-Policy: " + ContentSecurityPolicy.toByteArray()
        + "\r\n"
          "X-Content-Type-Options: nosniff\r\n"
          "X-Frame-Options: DENY\r\n"
          "Referrer-Policy: no-referrer\r\n"
          "Cross-Origin-Opener-Policy: same-origin\r\n"
          "Cross-Origin-Resource-Policy: same-origin\r\n"
          "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
          "Connection: close\r\n";
}

} // namespace

QByteArray RequestHead::header(QByteArrayView lowerName) const
{
    for (const auto &h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

bool RequestHead::isWebSocketUpgrade() const
{
    const QList<QByteArray> upgrade = header("upgrade").toLower().split(',');
    for (const QByteArray &token : upgrade)
        if (token.trimmed() == "websocket")
            return true;
    return false;
}

qsizetype headLength(QByteArrayView data)
{
    const qsizetype end = data.indexOf(QByteArrayView("\r\n\r\n"));
    return end < 0 ? -1 : end + 4;
}

bool looksLikeRequest(QByteArrayView data)
{
    // Methods are upper-case tokens; the longest standard one (OPTIONS) has 7 letters.
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data.at(i);
        if (c == ' ')
            return i > 0;
        if (c < 'A' || c > 'Z' || i >= 16)
            return false;
    }
    return true;
}

std::optional<RequestHead> parseHead(QByteArrayView head)
{
    const QList<QByteArray> lines = head.toByteArray().split('\n');
    if (lines.isEmpty())
        return std::nullopt;
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1."))
        return std::nullopt;
    RequestHead r;
    r.method = requestLine.at(0);
    r.target = requestLine.at(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        r.headers.append({ line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed() });
    }
    return r;
}

QByteArray errorResponse(int status, QByteArrayView reason, QByteArrayView text)
{
    const QByteArray body = text.toByteArray() + '\n';
    return statusLine(status, reason) + commonHeaders()
        + "Content-Type: text/plain; charset=utf-8\r\n"
          "Cache-Control: no-store\r\n"
          "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray respond(const RequestHead &request)
{
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) {
        QByteArray r
            = errorResponse(405, "Method Not Allowed", "Only GET and HEAD are served here.");
        r.insert(r.indexOf("\r\n") + 2, "Allow: GET, HEAD\r\n");
        return r;
    }
    QByteArray path = request.target;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    const auto it = assets().constFind(path);
    if (it == assets().cend())
        return errorResponse(404, "Not Found", "Nothing here: the room's page is at /.");
    const Asset &a = it.value();
    // The page changes with the server binary: revalidate every time, answer 304 when the
    // browser's copy is current, so an upgraded server never runs against a stale script.
    const QByteArray cacheHeaders = "Cache-Control: no-cache\r\nETag: " + a.etag + "\r\n";
    if (request.header("if-none-match") == a.etag)
        return statusLine(304, "Not Modified") + commonHeaders() + cacheHeaders + "\r\n";
    return statusLine(200, "OK") + commonHeaders() + cacheHeaders + "Content-Type: " + a.contentType
        + "\r\nContent-Length: " + QByteArray::number(a.body.size()) + "\r\n\r\n"
        + (head ? QByteArray() : a.body);
}

} // namespace Roomshare::Server::WebPage
