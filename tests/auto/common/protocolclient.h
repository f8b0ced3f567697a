#pragma once

// A hand-driven protocol client for server tests: speaks docs/protocol.md over a raw
// QWebSocket and records every message the server sends.

#include <chunkheader.h>
#include <protocol.h>
#include <sha256.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTest>
#include <QWebSocket>

namespace ProtocolTest {

using namespace Roomshare;

constexpr int Timeout = 5000;

inline QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

inline QString sha256Hex(const QByteArray &data)
{
    Roomshare::Sha256 h;
    h.addData(data);
    return h.hexResult();
}

inline int errorCode(const QJsonObject &m)
{
    return m.value(s("code")).toInt();
}

class Client
{
public:
    //! \a origin, when not empty, is sent as the Origin header (as browsers do).
    explicit Client(const QString &origin = QString())
        : m_ws(origin)
    { }
    Q_DISABLE_COPY_MOVE(Client)

    bool open(const QUrl &url)
    {
        QObject::connect(&m_ws, &QWebSocket::textMessageReceived, [this](const QString &text) {
            m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        QObject::connect(&m_ws, &QWebSocket::binaryMessageReceived,
                         [this](const QByteArray &data) { m_binaries.append(data); });
        m_ws.open(url);
        return QTest::qWaitFor(
                   [this] {
                       return m_ws.state() == QAbstractSocket::ConnectedState
                           || m_ws.state() == QAbstractSocket::UnconnectedState;
                   },
                   Timeout)
            && m_ws.state() == QAbstractSocket::ConnectedState;
    }

    //! Joins and returns the `joined` reply (empty object on failure).
    QJsonObject join(const QString &tok, const QString &name = QString())
    {
        QJsonObject msg{ { s("type"), s("join") }, { s("version"), 1 }, { s("token"), tok } };
        if (!name.isEmpty())
            msg.insert(s("name"), name);
        const QJsonObject reply = request(msg);
        if (reply.value(s("type")).toString() == QLatin1String("joined"))
            m_clientId = reply.value(s("clientId")).toString();
        return reply;
    }

    void send(const QJsonObject &msg)
    {
        m_ws.sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
    }
    void sendRaw(const QString &text) { m_ws.sendTextMessage(text); }
    void sendBinary(const QByteArray &data) { m_ws.sendBinaryMessage(data); }

    //! Sends \a msg with a fresh rid and waits for the reply carrying it.
    QJsonObject request(QJsonObject msg)
    {
        const int rid = ++m_rid;
        msg.insert(s("rid"), rid);
        send(msg);
        return waitFor([rid](const QJsonObject &m) { return m.value(s("rid")).toInt() == rid; });
    }

    //! Waits for (and removes) the first message of \a type; empty object on timeout.
    QJsonObject waitFor(const QString &type, int timeout = Timeout)
    {
        return waitFor(
            [&type](const QJsonObject &m) { return m.value(s("type")).toString() == type; },
            timeout);
    }

    template<typename Pred> QJsonObject waitFor(Pred pred, int timeout = Timeout)
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                for (qsizetype i = 0; i < m_messages.size(); ++i) {
                    if (pred(m_messages.at(i))) {
                        found = m_messages.takeAt(i);
                        return true;
                    }
                }
                return false;
            },
            timeout);
        return found;
    }

    bool hasMessage(const QString &type) const
    {
        for (const auto &m : m_messages) {
            if (m.value(s("type")).toString() == type)
                return true;
        }
        return false;
    }

    bool waitForDisconnect(int timeout = Timeout)
    {
        return QTest::qWaitFor([this] { return m_ws.state() == QAbstractSocket::UnconnectedState; },
                               timeout);
    }

    //! Uploads \a data in ChunkSize pieces (ignoring the window: the server must cope) and
    //! returns the upload-done message, or the upload-failed/error reply.
    QJsonObject upload(const QString &name, const QByteArray &data, bool broadcast = true,
                       const QStringList &clientList = {}, const QString &sha = QString())
    {
        const QJsonObject accepted = beginUpload(name, data.size(), broadcast, clientList);
        if (accepted.value(s("type")).toString() != QLatin1String("upload-accepted"))
            return accepted;
        const quint32 id = quint32(accepted.value(s("uploadId")).toInteger());
        sendChunks(id, data, 0);
        send({ { s("type"), s("upload-end") },
               { s("uploadId"), qint64(id) },
               { s("sha256"), sha.isEmpty() ? sha256Hex(data) : sha } });
        return waitFor([id](const QJsonObject &m) {
            const QString t = m.value(s("type")).toString();
            return (t == QLatin1String("upload-done") || t == QLatin1String("upload-failed"))
                && m.value(s("uploadId")).toInteger() == id;
        });
    }

    QJsonObject beginUpload(const QString &name, qint64 size, bool broadcast = true,
                            const QStringList &clientList = {})
    {
        QJsonObject msg{ { s("type"), s("upload-begin") },
                         { s("name"), name },
                         { s("size"), size },
                         { s("mime"), s("application/octet-stream") },
                         { s("broadcast"), broadcast } };
        if (!broadcast)
            msg.insert(s("clientList"), QJsonArray::fromStringList(clientList));
        return request(msg);
    }

    void sendChunks(quint32 uploadId, const QByteArray &data, qint64 from, qint64 to = -1)
    {
        if (to < 0)
            to = data.size();
        for (qint64 off = from; off < to; off += Protocol::ChunkSize) {
            const qint64 n = qMin(Protocol::ChunkSize, to - off);
            sendBinary(ChunkHeader::encode(ChunkHeader::Kind::Upload, uploadId, quint64(off),
                                           QByteArrayView(data).sliced(off, n)));
        }
    }

    //! Downloads file \a index, acknowledging as it goes, and returns the bytes; sets
    //! \a failure to the error/download-failed message if it did not end.
    QByteArray download(qint64 index, QJsonObject *failure = nullptr)
    {
        const QJsonObject accepted = request(
            { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), 0 } });
        if (accepted.value(s("type")).toString() != QLatin1String("download-accepted")) {
            if (failure)
                *failure = accepted;
            return QByteArray();
        }
        const quint32 id = quint32(accepted.value(s("downloadId")).toInteger());
        QByteArray out;
        bool ended = false;
        (void)QTest::qWaitFor(
            [&] {
                while (!m_binaries.isEmpty()) {
                    const QByteArray msg = m_binaries.takeFirst();
                    const auto h = ChunkHeader::decode(msg);
                    if (!h || h->kind != ChunkHeader::Kind::Download || h->transferId != id)
                        continue;
                    const QByteArrayView payload = QByteArrayView(msg).sliced(ChunkHeader::Size);
                    if (!h->verify(payload) || h->offset != quint64(out.size()))
                        return true; // corrupt: stop, the caller compares bytes
                    out.append(payload);
                    send({ { s("type"), s("download-ack") },
                           { s("downloadId"), qint64(id) },
                           { s("offset"), qint64(out.size()) } });
                }
                for (const auto &m : std::as_const(m_messages)) {
                    if (m.value(s("downloadId")).toInteger() == id
                        && m.value(s("type")).toString() == QLatin1String("download-end"))
                        ended = true;
                }
                return ended || hasMessage(s("download-failed"));
            },
            Timeout * 2);
        if (!ended && failure)
            *failure = waitFor(s("download-failed"), 0);
        return out;
    }

    QWebSocket &socket() { return m_ws; }
    QString clientId() const { return m_clientId; }
    QList<QJsonObject> &messages() { return m_messages; }
    QList<QByteArray> &binaries() { return m_binaries; }

private:
    QWebSocket m_ws;
    QList<QJsonObject> m_messages;
    QList<QByteArray> m_binaries;
    QString m_clientId;
    int m_rid = 0;
};

} // namespace ProtocolTest
