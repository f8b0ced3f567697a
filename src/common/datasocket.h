#pragma once

#include <QTcpSocket>

#include <sys/ioctl.h>

namespace Roomshare::DataFrames {

//! The descriptor DataFrames::FrameReader::next() may read frames from directly: a plain
//! QTcpSocket's while it is connected, else -1. Never a QSslSocket's (its bytes are
//! encrypted), and never once the socket has closed it (the number may be reused).
//! Header-only: the common library itself does not link Qt Network.
inline qintptr directDescriptor(const QTcpSocket *socket)
{
    if (!socket || socket->metaObject() != &QTcpSocket::staticMetaObject
        || socket->state() != QAbstractSocket::ConnectedState)
        return -1;
    return socket->socketDescriptor();
}

//! Bytes waiting in the kernel for \a descriptor (from directDescriptor()); 0 for -1.
inline qint64 kernelBytesAvailable(qintptr descriptor)
{
    int pending = 0;
    if (descriptor < 0 || ::ioctl(int(descriptor), FIONREAD, &pending) != 0)
        return 0;
    return pending;
}

} // namespace Roomshare::DataFrames
