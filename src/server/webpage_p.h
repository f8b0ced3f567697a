#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <optional>

namespace Roomshare::Server {

//! The browser participant's page (src/web, compiled in as Qt resources under :/web) and
//! the few lines of HTTP/1.1 that serve it. A request head is parsed once it is complete;
//! the Listener bounds its size (MaxHeadBytes) and its time (the handshake timeout).
namespace WebPage {

//! The largest request head accepted (request line and headers up to the empty line).
constexpr qsizetype MaxHeadBytes = 8192;

//! A parsed HTTP/1.x request head. Header names are kept lower-case.
struct RequestHead
{
    QByteArray method;
    QByteArray target;
    QList<QPair<QByteArray, QByteArray>> headers;

    //! The value of the first header called \a lowerName, trimmed, or a null array.
    QByteArray header(QByteArrayView lowerName) const;
    //! True when the request asks for a WebSocket (`Upgrade: websocket`).
    bool isWebSocketUpgrade() const;
};

//! The size of the head at the start of \a data (through the empty line), or -1 while it
//! is incomplete.
qsizetype headLength(QByteArrayView data);
//! Parses a complete head; std::nullopt when it is not HTTP/1.x.
std::optional<RequestHead> parseHead(QByteArrayView head);
//! True when \a data starts like an HTTP request line (an upper-case method and a space),
//! or could still become one.
bool looksLikeRequest(QByteArrayView data);

//! The whole response (head and body) to \a request: the page and its assets for GET and
//! HEAD, 404 for other paths, 405 for other methods; every one with the security headers
//! (a strict Content-Security-Policy, nosniff, no framing, no referrer) and
//! `Connection: close`.
QByteArray respond(const RequestHead &request);
//! A response that carries only \a status and \a text (400, 403, 431...).
QByteArray errorResponse(int status, QByteArrayView reason, QByteArrayView text);

} // namespace WebPage

} // namespace Roomshare::Server
