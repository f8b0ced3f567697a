#pragma once

#include <QString>

//! The rules for the relative folder paths of shared folders (docs/protocol.md,
//! "Folders"), the same on the server, which refuses what breaks them, and on clients,
//! which check a folder before sending it.
namespace Roomshare::FolderPaths {

//! Entries (files and empty folders) one shared folder may hold.
constexpr int MaxEntries = 10000;
//! Components of a `path` (the shared folder's own name counts as one).
constexpr int MaxDepth = 32;
//! Characters of a whole `path`.
constexpr int MaxPathLength = 1024;
//! Characters of one component of a `path`.
constexpr int MaxComponentLength = 255;
//! Characters of a `group` id.
constexpr int MaxGroupLength = 64;
//! The media type of an empty folder's entry (a zero-byte upload; docs/protocol.md).
inline QString directoryMimeType()
{
    return QStringLiteral("inode/directory");
}

//! Why \a path is not a valid relative folder path, as a sentence; empty when it is valid:
//! 1 to MaxDepth components separated by "/", each 1 to MaxComponentLength characters,
//! not "." or "..", without "\\", control characters or a leading drive letter ("C:"), the
//! whole at most MaxPathLength characters and not starting with "/".
QString problem(const QString &path);

//! True for a group id of 1 to MaxGroupLength characters from [A-Za-z0-9_-].
bool isValidGroup(const QString &group);

} // namespace Roomshare::FolderPaths
