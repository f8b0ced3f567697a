#pragma once

#include <QByteArray>
#include <QObject>

#include <memory>

QT_BEGIN_NAMESPACE
class QFile;
class QSocketNotifier;
class QTcpSocket;
QT_END_NAMESPACE

namespace Roomshare::Server {

//! Writes download frames on a plain TCP data channel without copying their payload
//! through user space: the length prefix and chunk header with send(), the payload with
//! sendfile() straight from the file's page cache (docs/protocol.md, "Data channel").
//! One frame at a time; a frame the kernel took only in part is finished when the socket
//! becomes writable again (a notifier on a dup of the descriptor, so Qt's own notifiers
//! on the socket are untouched), then drained() is emitted. Write frames here only while
//! the QTcpSocket's own buffer is empty, and write to the QTcpSocket only while pending()
//! is 0, so the two never interleave.
class ZeroCopyWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ZeroCopyWriter)

public:
    //! A writer for \a socket, or null when zero copy does not apply: a TLS socket, no
    //! descriptor, or ROOMSHARE_SENDFILE=0 in the environment (for measuring).
    static std::unique_ptr<ZeroCopyWriter> create(QTcpSocket *socket);
    ~ZeroCopyWriter() override;

    //! Bytes of the current frame not yet handed to the kernel.
    qint64 pending() const { return qint64(m_head.size()) - m_headSent + m_fileLeft; }
    //! Starts one frame: \a head (prefix and header), then \a length bytes of \a file from
    //! \a offset. \a file is kept open until the frame is out. Needs pending() == 0.
    void write(QByteArray head, std::shared_ptr<QFile> file, qint64 offset, qint64 length);

Q_SIGNALS:
    //! The frame that was pending is out.
    void drained();
    //! The socket failed (reset, closed): the data channel is lost.
    void failed(const QString &why);

private:
    ZeroCopyWriter(int fd);
    void flush();

    int m_fd = -1; //!< our dup of the socket's descriptor
    std::unique_ptr<QSocketNotifier> m_writable;
    QByteArray m_head;
    qint64 m_headSent = 0;
    std::shared_ptr<QFile> m_file;
    qint64 m_fileOffset = 0;
    qint64 m_fileLeft = 0;
    bool m_failed = false;
    //! SIGPIPE is not ignored in this process (a library user's choice): sendfile() runs with
    //! it blocked.
    bool m_guardSigpipe = true;
};

} // namespace Roomshare::Server
