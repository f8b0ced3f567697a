#pragma once

#include <dataframes.h>

#include <QObject>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace Roomshare {

//! The client end of the raw data channel (docs/protocol.md, "Data channel"): a second
//! TCP or TLS connection to the room port that carries chunks as length-prefixed frames,
//! sparing both ends WebSocket masking. Internal to Room.
class DataChannel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DataChannel)

public:
    //! Returns false to hold a frame (it is offered again on resumeReading()) and stop
    //! reading: what is unread stays in the socket and the kernel, throttling the server.
    using Consumer = std::function<bool(const QByteArray &message)>;

    explicit DataChannel(QObject *parent = nullptr);
    ~DataChannel() override;

    //! Connects to the host and port of \a serverUrl (TLS for wss://) and greets. For TLS,
    //! \a trusted is the certificate the WebSocket connection verified: exactly that
    //! certificate is accepted here, so the data channel trusts what the link trusts.
    void open(const QUrl &serverUrl, const QSslCertificate &trusted);
    //! Set after greeted(): what `join` names as "dataKey".
    QString key() const { return m_key; }
    void setConsumer(Consumer consumer) { m_consumer = std::move(consumer); }
    //! Queues one chunk as a frame.
    void send(const DataFrames::ChunkFrame &chunk);
    qint64 backlog() const;
    //! Offers a held frame again and goes on reading.
    void resumeReading();
    //! Drops the frame being held, if any, and goes on reading.
    void discardHeld();
    bool isHolding() const { return m_held.has_value(); }

Q_SIGNALS:
    //! The server accepted the greeting; key() is set. Emitted at most once.
    void greeted();
    //! The channel could not be set up (before greeted()) or broke (after it); \a why says
    //! how. Emitted at most once; the channel is unusable afterwards.
    void failed(const QString &why);
    void bytesWritten();
    //! Bytes arrived: the server is alive.
    void activity();

private:
    void onConnected();
    void onReadyRead();
    void fail(const QString &why);

    std::unique_ptr<QTcpSocket> m_socket;
    QSslCertificate m_trusted;
    QString m_key;
    bool m_failed = false;
    Consumer m_consumer;
    DataFrames::FrameReader m_frames;
    std::optional<QByteArray> m_held;
};

} // namespace Roomshare
