#pragma once

// A hand-driven protocol client for server tests: speaks docs/protocol.md over a raw
// QWebSocket and records every message the server sends.

#include <chunkheader.h>
#include <dataframes.h>
#include <protocol.h>
#include <sha256.h>

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <memory>

namespace ProtocolTest {

using namespace Roomshare;

constexpr int Timeout = 5000;

inline QString s(const char *latin1)
{
    return QString::fromLatin1(latin1);
}

//! \a size random bytes.
inline QByteArray randomBytes(qint64 size)
{
    QByteArray data((size + 3) / 4 * 4, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(data.data()),
                                          data.size() / 4);
    data.truncate(size);
    return data;
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

//! The raw data channel (docs/protocol.md, "Data channel") by hand: a QTcpSocket that sends
//! a first line, reads the server's answer line, and then writes and reads length-prefixed
//! frames. The server runs on this thread, so everything waits with the event loop.
class DataClient
{
public:
    DataClient()
    {
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { read(); });
    }
    Q_DISABLE_COPY_MOVE(DataClient)

    //! Connects to the room port, from \a from when it is set (another loopback address).
    bool connectTo(quint16 port, const QHostAddress &from = QHostAddress())
    {
        if (!from.isNull() && !m_socket.bind(from))
            return false;
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor(
                   [this] {
                       return m_socket.state() == QAbstractSocket::ConnectedState
                           || m_socket.state() == QAbstractSocket::UnconnectedState;
                   },
                   Timeout)
            && m_socket.state() == QAbstractSocket::ConnectedState;
    }

    //! Sends \a firstLine and returns the server's answer line without its newline; an
    //! empty array when the server answered nothing before closing or the timeout.
    QByteArray greet(QByteArrayView firstLine = DataFrames::Greeting)
    {
        m_socket.write(firstLine.toByteArray());
        (void)QTest::qWaitFor(
            [this] {
                return !m_line.isEmpty() || m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            Timeout);
        if (m_line.startsWith(DataFrames::OkPrefix))
            m_key = QString::fromLatin1(m_line.mid(DataFrames::OkPrefix.size()));
        return m_line;
    }

    //! Connects and greets; true when the server answered "OK <key>".
    bool open(quint16 port, const QHostAddress &from = QHostAddress())
    {
        return connectTo(port, from) && greet().startsWith(DataFrames::OkPrefix)
            && !m_key.isEmpty();
    }

    //! The key of the "OK" answer, for `join` as "dataKey".
    QString key() const { return m_key; }

    //! Writes \a message as one frame.
    void sendFrame(const QByteArray &message)
    {
        sendLengthAndBytes(quint32(message.size()), message);
    }
    //! Writes a frame prefix announcing \a length bytes, followed by \a bytes (which need
    //! not be that long): for frames that lie about their length.
    void sendLengthAndBytes(quint32 length, const QByteArray &bytes)
    {
        uchar prefix[DataFrames::LengthSize];
        qToBigEndian<quint32>(length, prefix);
        m_socket.write(reinterpret_cast<const char *>(prefix), sizeof prefix);
        m_socket.write(bytes);
    }

    //! Frames received after the answer line, in order.
    QList<QByteArray> &frames() { return m_frames; }
    //! Bytes received after the last complete frame (an incomplete frame, or garbage).
    QByteArray pending() const { return m_buffer; }

    bool waitForDisconnect(int timeout = Timeout)
    {
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeout);
    }

    QTcpSocket &socket() { return m_socket; }

private:
    void read()
    {
        m_buffer += m_socket.readAll();
        if (m_line.isEmpty()) {
            const qsizetype newline = m_buffer.indexOf('\n');
            if (newline < 0)
                return;
            m_line = m_buffer.left(newline);
            m_buffer.remove(0, newline + 1);
        }
        while (m_buffer.size() >= DataFrames::LengthSize) {
            const qint64 length = qFromBigEndian<quint32>(m_buffer.constData());
            if (m_buffer.size() < DataFrames::LengthSize + length)
                return;
            m_frames.append(m_buffer.mid(DataFrames::LengthSize, length));
            m_buffer.remove(0, DataFrames::LengthSize + length);
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_line;
    QString m_key;
    QList<QByteArray> m_frames;
};

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

    //! Joins and returns the `joined` reply (empty object on failure). With a data channel
    //! opened (openDataChannel()), `join` names it, and when the server takes it, chunks
    //! travel over it in both directions.
    QJsonObject join(const QString &tok, const QString &name = QString(),
                     const QJsonObject &extra = {})
    {
        QJsonObject msg{ { s("type"), s("join") }, { s("version"), 1 }, { s("token"), tok } };
        if (!name.isEmpty())
            msg.insert(s("name"), name);
        if (m_data)
            msg.insert(s("dataKey"), m_data->key());
        for (auto it = extra.begin(); it != extra.end(); ++it)
            msg.insert(it.key(), it.value());
        const QJsonObject reply = request(msg);
        if (reply.value(s("type")).toString() == QLatin1String("joined")) {
            m_clientId = reply.value(s("clientId")).toString();
            m_dataActive = m_data && reply.value(s("dataChannel")).toBool();
        }
        return reply;
    }

    //! Opens and greets a data channel to \a port for the next join().
    bool openDataChannel(quint16 port)
    {
        m_data = std::make_unique<DataClient>();
        return m_data->open(port);
    }
    //! The data channel, or nullptr without one.
    DataClient *dataChannel() const { return m_data.get(); }
    //! True when the server took the data channel at join.
    bool usesDataChannel() const { return m_dataActive; }

    void send(const QJsonObject &msg)
    {
        m_ws.sendTextMessage(QString::fromUtf8(QJsonDocument(msg).toJson(QJsonDocument::Compact)));
    }
    void sendRaw(const QString &text) { m_ws.sendTextMessage(text); }
    void sendBinary(const QByteArray &data) { m_ws.sendBinaryMessage(data); }
    //! A chunk over the data channel when the server took one, else as a binary message.
    void sendChunk(const QByteArray &chunk)
    {
        if (m_dataActive)
            m_data->sendFrame(chunk);
        else
            sendBinary(chunk);
    }

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
                       const QStringList &clientList = {}, const QString &sha = QString(),
                       const QJsonObject &extra = {})
    {
        const QJsonObject accepted = beginUpload(name, data.size(), broadcast, clientList, extra);
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

    //! \a extra: more fields of `upload-begin` (expiresIn, maxDownloads, ...).
    QJsonObject beginUpload(const QString &name, qint64 size, bool broadcast = true,
                            const QStringList &clientList = {}, const QJsonObject &extra = {})
    {
        QJsonObject msg{ { s("type"), s("upload-begin") },
                         { s("name"), name },
                         { s("size"), size },
                         { s("mime"), s("application/octet-stream") },
                         { s("broadcast"), broadcast } };
        if (!broadcast)
            msg.insert(s("clientList"), QJsonArray::fromStringList(clientList));
        for (auto it = extra.begin(); it != extra.end(); ++it)
            msg.insert(it.key(), it.value());
        return request(msg);
    }

    void sendChunks(quint32 uploadId, const QByteArray &data, qint64 from, qint64 to = -1)
    {
        if (to < 0)
            to = data.size();
        for (qint64 off = from; off < to; off += Protocol::ChunkSize) {
            const qint64 n = qMin(Protocol::ChunkSize, to - off);
            sendChunk(ChunkHeader::encode(ChunkHeader::Kind::Upload, uploadId, quint64(off),
                                          QByteArrayView(data).sliced(off, n)));
        }
    }

    //! Downloads file \a index, acknowledging as it goes, and returns the bytes; sets
    //! \a failure to the error/download-failed message if it did not end. Chunks are read
    //! from the data channel when the server took one (`download-end` may then come before
    //! the last of them), else from binary messages.
    //! \a from: the offset to start at (the bytes returned start there).
    QByteArray download(qint64 index, QJsonObject *failure = nullptr, qint64 from = 0)
    {
        const QJsonObject accepted = request(
            { { s("type"), s("download-begin") }, { s("index"), index }, { s("offset"), from } });
        if (accepted.value(s("type")).toString() != QLatin1String("download-accepted")) {
            if (failure)
                *failure = accepted;
            return QByteArray();
        }
        const quint32 id = quint32(accepted.value(s("downloadId")).toInteger());
        const qint64 size = accepted.value(s("size")).toInteger();
        QList<QByteArray> &chunks = m_dataActive ? m_data->frames() : m_binaries;
        QByteArray out;
        bool ended = false;
        (void)QTest::qWaitFor(
            [&] {
                while (!chunks.isEmpty()) {
                    const QByteArray msg = chunks.takeFirst();
                    const auto h = ChunkHeader::decode(msg);
                    if (!h || h->kind != ChunkHeader::Kind::Download || h->transferId != id)
                        continue;
                    const QByteArrayView payload = QByteArrayView(msg).sliced(ChunkHeader::Size);
                    if (!h->verify(payload) || h->offset != quint64(from + out.size()))
                        return true; // corrupt: stop, the caller compares bytes
                    out.append(payload);
                    send({ { s("type"), s("download-ack") },
                           { s("downloadId"), qint64(id) },
                           { s("offset"), qint64(from + out.size()) } });
                }
                for (const auto &m : std::as_const(m_messages)) {
                    if (m.value(s("downloadId")).toInteger() == id
                        && m.value(s("type")).toString() == QLatin1String("download-end"))
                        ended = true;
                }
                return (ended && from + out.size() >= size) || hasMessage(s("download-failed"));
            },
            Timeout * 2);
        if ((!ended || from + out.size() < size) && failure)
            *failure = waitFor(s("download-failed"), 0);
        return out;
    }

    QWebSocket &socket() { return m_ws; }
    QString clientId() const { return m_clientId; }
    QList<QJsonObject> &messages() { return m_messages; }
    QList<QByteArray> &binaries() { return m_binaries; }

private:
    QWebSocket m_ws;
    std::unique_ptr<DataClient> m_data;
    bool m_dataActive = false;
    QList<QJsonObject> m_messages;
    QList<QByteArray> m_binaries;
    QString m_clientId;
    int m_rid = 0;
};

} // namespace ProtocolTest
