#pragma once

// Durable writes on every platform: the Linux calls the server relies on (fdatasync,
// dup/close of a descriptor for the background syncer) behind one small interface with a
// portable fallback, so the code around them builds unchanged on macOS and Windows.

namespace Roomshare::FileSync {

//! Makes the data written to \a fd (and the size) durable: fdatasync on Linux,
//! F_FULLFSYNC (falling back to fsync) on macOS, fsync on other Unix systems, _commit on
//! Windows. False when the system reports a failure.
bool syncData(int fd);
//! Makes a folder's entries (a file just created or renamed in it) durable. A no-op where
//! folders cannot be opened (Windows, where NTFS journals metadata).
void syncFolder(const char *path);
//! A second descriptor for the file behind \a fd, for a background thread to sync and
//! close while the first may be closed meanwhile; -1 on failure.
int duplicate(int fd);
//! Closes a descriptor from duplicate().
void close(int fd);

} // namespace Roomshare::FileSync
