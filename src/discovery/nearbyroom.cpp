#include "nearbyroom.h"

#include <QUrl>

#include <algorithm>

namespace Roomshare::Discovery {

namespace {

constexpr int MaxServiceNameBytes = 63;
constexpr int MaxTxtString = 255;
// InviteLink::parse accepts at most 16 alternates.
constexpr int MaxEndpoints = 17;

QString cutToUtf8Bytes(const QString &text, int maxBytes)
{
    QString out;
    int bytes = 0;
    for (int i = 0; i < text.size(); ++i) {
        // A surrogate pair is one character: never split it.
        const int len = text.at(i).isHighSurrogate() && i + 1 < text.size() ? 2 : 1;
        const QString piece = text.mid(i, len);
        const int pieceBytes = int(piece.toUtf8().size());
        if (bytes + pieceBytes > maxBytes)
            break;
        out += piece;
        bytes += pieceBytes;
        i += len - 1;
    }
    return out;
}

void appendString(QByteArray &txt, const QByteArray &key, const QByteArray &value)
{
    QByteArray item = key + '=' + value;
    if (item.size() > MaxTxtString) {
        // Cut on a UTF-8 character boundary: continuation bytes are 10xxxxxx.
        int end = MaxTxtString;
        while (end > key.size() + 1 && (uchar(item.at(end)) & 0xC0) == 0x80)
            --end;
        item.truncate(end);
    }
    txt.append(char(item.size()));
    txt.append(item);
}

bool isSha256Hex(const QString &text)
{
    return text.size() == 64 && std::all_of(text.cbegin(), text.cend(), [](QChar c) {
               return (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
                   || (c >= QLatin1Char('a') && c <= QLatin1Char('f'));
           });
}

bool flag(const QByteArray &value)
{
    return value == "1" || value.compare("true", Qt::CaseInsensitive) == 0
        || value.compare("yes", Qt::CaseInsensitive) == 0;
}

} // namespace

QString RoomAnnouncement::serviceName() const
{
    const QString who = hostName.trimmed().isEmpty() ? QStringLiteral("Roomshare") : hostName;
    return cutToUtf8Bytes(room + QStringLiteral(" on ") + who, MaxServiceNameBytes);
}

QByteArray RoomAnnouncement::toTxtRecord() const
{
    QByteArray txt;
    appendString(txt, "v", "1");
    appendString(txt, "room", room.toUtf8());
    appendString(txt, "host", hostName.toUtf8());
    appendString(txt, "tls", tls ? "1" : "0");
    if (tls && !certFingerprint.isEmpty())
        appendString(txt, "fp", certFingerprint.toLower().toLatin1());
    appendString(txt, "lobby", lobby ? "1" : "0");
    return txt;
}

std::optional<RoomAnnouncement> RoomAnnouncement::fromTxtRecord(const QByteArray &txt)
{
    QList<QPair<QByteArray, QByteArray>> items;
    for (int pos = 0; pos < txt.size();) {
        const int len = uchar(txt.at(pos));
        ++pos;
        if (pos + len > txt.size())
            break; // a truncated record: keep what came before
        const QByteArray item = txt.mid(pos, len);
        pos += len;
        const int eq = item.indexOf('=');
        const QByteArray key = (eq < 0 ? item : item.left(eq)).toLower();
        if (key.isEmpty())
            continue;
        const bool seen = std::any_of(items.cbegin(), items.cend(),
                                      [&key](const auto &kv) { return kv.first == key; });
        if (!seen)
            items.append({ key, eq < 0 ? QByteArray() : item.mid(eq + 1) });
    }
    auto value = [&items](const char *key) {
        for (const auto &kv : std::as_const(items))
            if (kv.first == key)
                return kv.second;
        return QByteArray();
    };
    if (value("v") != "1")
        return std::nullopt;
    RoomAnnouncement a;
    a.room = QString::fromUtf8(value("room"));
    if (a.room.isEmpty())
        return std::nullopt;
    a.hostName = QString::fromUtf8(value("host"));
    a.tls = flag(value("tls"));
    const QString fp = QString::fromLatin1(value("fp")).remove(QLatin1Char(':')).toLower();
    if (a.tls && isSha256Hex(fp))
        a.certFingerprint = fp;
    a.lobby = flag(value("lobby"));
    return a;
}

InviteLink NearbyRoom::knockLink() const
{
    QList<ServerEndpoint> endpoints;
    for (const QHostAddress &address : addresses) {
        if (address.protocol() == QAbstractSocket::IPv6Protocol && address.isLinkLocal())
            continue;
        const ServerEndpoint e{ address.toString(), announcement.port };
        if (!endpoints.contains(e) && endpoints.size() < MaxEndpoints)
            endpoints.append(e);
    }
    QString target = hostTarget;
    if (target.endsWith(QLatin1Char('.')))
        target.chop(1);
    if (endpoints.isEmpty() && !target.isEmpty())
        endpoints.append({ target, announcement.port });
    InviteLink link
        = InviteLink::forEndpoints(endpoints, announcement.tls, announcement.room, QString());
    if (announcement.tls)
        link.certFingerprint = announcement.certFingerprint;
    return link;
}

QStringList NearbyRoom::addressStrings() const
{
    QStringList out;
    for (const QHostAddress &address : addresses)
        out.append(address.toString());
    return out;
}

std::optional<InviteLink> addressKnockLink(const QString &host, quint16 port)
{
    QString text = host.trimmed();
    if (text.startsWith(QLatin1Char('[')) && text.endsWith(QLatin1Char(']')))
        text = text.mid(1, text.size() - 2);
    if (text.isEmpty() || port == 0)
        return std::nullopt;
    // QUrl checks the host as it will in the link (names, IPv4, IPv6).
    QUrl url;
    url.setScheme(QStringLiteral("roomshares"));
    url.setHost(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    InviteLink link;
    link.secure = true;
    link.host = url.host();
    link.port = port;
    return link;
}

} // namespace Roomshare::Discovery
