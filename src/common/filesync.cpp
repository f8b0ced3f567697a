#include "filesync.h"

#include <QtGlobal>

#if defined(Q_OS_WIN)
#include <io.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace Roomshare::FileSync {

bool syncData(int fd)
{
#if defined(Q_OS_LINUX)
    return ::fdatasync(fd) == 0;
#elif defined(Q_OS_DARWIN)
    // fsync on macOS leaves the data in the drive's cache; F_FULLFSYNC flushes it, and
    // some file systems (network shares) refuse it.
    return ::fcntl(fd, F_FULLFSYNC) == 0 || ::fsync(fd) == 0;
#elif defined(Q_OS_WIN)
    return ::_commit(fd) == 0;
#else
    return ::fsync(fd) == 0;
#endif
}

void syncFolder(const char *path)
{
#if defined(Q_OS_WIN)
    Q_UNUSED(path)
#else
    const int fd = ::open(path, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
#endif
}

int duplicate(int fd)
{
#if defined(Q_OS_WIN)
    return ::_dup(fd);
#else
    return ::dup(fd);
#endif
}

void close(int fd)
{
#if defined(Q_OS_WIN)
    ::_close(fd);
#else
    ::close(fd);
#endif
}

} // namespace Roomshare::FileSync
