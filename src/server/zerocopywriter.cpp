#include "zerocopywriter_p.h"

#include "serverlogging_p.h"

#include <QFile>
#include <QSocketNotifier>
#include <QSslSocket>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Roomshare::Server {

namespace {

//! sendfile() to a socket the peer closed raises SIGPIPE (it has no MSG_NOSIGNAL): unless
//! the process ignores it (roomshare-server does), block it on this thread for the call and
//! swallow the one it raised, leaving the process's disposition alone.
ssize_t sendfileNoSignal(bool guard, int out, int in, off_t *offset, size_t count)
{
    if (!guard)
        return ::sendfile(out, in, offset, count);
    sigset_t pipe;
    sigset_t old;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old);
    const ssize_t n = ::sendfile(out, in, offset, count);
    const int error = errno;
    if (n < 0 && error == EPIPE) {
        const timespec zero{ 0, 0 };
        while (sigtimedwait(&pipe, nullptr, &zero) == -1 && errno == EINTR) { }
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = error;
    return n;
}

} // namespace

std::unique_ptr<ZeroCopyWriter> ZeroCopyWriter::create(QTcpSocket *socket)
{
    if (qEnvironmentVariable("ROOMSHARE_SENDFILE") == QLatin1String("0"))
        return nullptr;
    if (const auto *tls = qobject_cast<QSslSocket *>(socket);
        tls && tls->mode() != QSslSocket::UnencryptedMode)
        return nullptr;
    const qintptr descriptor = socket->socketDescriptor();
    if (descriptor < 0)
        return nullptr;
    const int fd = ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    return std::unique_ptr<ZeroCopyWriter>(new ZeroCopyWriter(fd));
}

ZeroCopyWriter::ZeroCopyWriter(int fd)
    : m_fd(fd)
    , m_writable(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Write))
{
    struct sigaction current = {};
    m_guardSigpipe = ::sigaction(SIGPIPE, nullptr, &current) != 0 || current.sa_handler != SIG_IGN;
    m_writable->setEnabled(false);
    connect(m_writable.get(), &QSocketNotifier::activated, this, &ZeroCopyWriter::flush);
}

ZeroCopyWriter::~ZeroCopyWriter()
{
    m_writable.reset();
    ::close(m_fd);
}

void ZeroCopyWriter::write(QByteArray head, std::shared_ptr<QFile> file, qint64 offset,
                           qint64 length)
{
    Q_ASSERT(pending() == 0);
    m_head = std::move(head);
    m_headSent = 0;
    m_file = std::move(file);
    m_fileOffset = offset;
    m_fileLeft = length;
    flush();
}

void ZeroCopyWriter::flush()
{
    const bool wasPending = m_writable->isEnabled();
    while (!m_failed && pending() > 0) {
        ssize_t n = 0;
        if (m_headSent < m_head.size()) {
            // MSG_MORE: the header waits for its payload, one segment rather than two.
            n = ::send(m_fd, m_head.constData() + m_headSent, size_t(m_head.size() - m_headSent),
                       MSG_NOSIGNAL | (m_fileLeft > 0 ? MSG_MORE : 0));
            if (n > 0)
                m_headSent += n;
        } else {
            off_t offset = off_t(m_fileOffset);
            n = sendfileNoSignal(m_guardSigpipe, m_fd, m_file->handle(), &offset,
                                 size_t(m_fileLeft));
            if (n > 0) {
                m_fileOffset += n;
                m_fileLeft -= n;
            } else if (n == 0) {
                // The file is shorter than it was published as: nothing sensible can follow.
                errno = EIO;
                n = -1;
            }
        }
        if (n >= 0)
            continue;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            m_writable->setEnabled(true);
            return;
        }
        m_failed = true;
        m_writable->setEnabled(false);
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        qCInfo(lcServer) << "zero-copy write failed:" << why;
        Q_EMIT failed(why);
        return;
    }
    m_writable->setEnabled(false);
    m_file.reset();
    m_head.clear();
    m_headSent = 0;
    if (wasPending && !m_failed)
        Q_EMIT drained();
}

} // namespace Roomshare::Server
