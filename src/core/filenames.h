#pragma once

#include <QFile>
#include <QString>
#include <QStringList>

#include <utility>

namespace Roomshare::FileNames {

//! Maximum length of a sanitised name, in UTF-8 bytes (ext4 allows 255; room for " (NN)"
//! and the partial-file suffix).
constexpr int MaxNameBytes = 200;

//! Turns a name a remote sender chose into a safe single file name: no path separators
//! or traversal, no drive letters, no control or bidirectional-override characters, no
//! Windows reserved device names, no trailing dots or spaces, at most MaxNameBytes bytes
//! (keeping the extension). Never returns an empty string, "." or "..".
QString sanitize(const QString &remoteName);

//! Turns a relative folder path a remote sender chose ("Photos/2024") into safe folder
//! names, one per level: split at "/" and "\\", empty, "." and ".." levels dropped (so
//! nothing climbs out, and "/etc" is just "etc"), each level sanitize()d like a file name
//! (device names, dots-only names, lookalike separators, length). May be empty.
QStringList sanitizePath(const QString &remotePath);

//! Creates the folders \a components below \a dir, one level at a time, never through a
//! symbolic link and never outside \a dir (existing folders are used as they are).
//! Returns the innermost folder, or an empty string with a sentence in \a error.
QString makeFolders(const QString &dir, const QStringList &components, QString *error);

//! The remote name made unambiguous for display (not for use as a path): every control,
//! format, bidirectional or otherwise invisible character, and every space other than
//! U+0020, is shown as ⟨U+XXXX⟩; runs of more than three spaces as ⟨N spaces⟩. So
//! "invoice\u202Etxt.exe" shows as "invoice⟨U+202E⟩txt.exe", not as "invoiceexe.txt".
QString displayName(const QString &remoteName);

//! The path `dir/name`, or `dir/name (1).ext`, `dir/name (2).ext`... whichever does not
//! exist yet. \a name must already be sanitised.
QString uniquePath(const QString &dir, const QString &name);

//! True when \a path, fully resolved, lies inside \a dir (also resolved) and is not itself
//! a symbolic link.
bool isInside(const QString &dir, const QString &path);

//! Renames \a from to \a to only if nothing exists at \a to, not even a dangling symbolic
//! link, atomically: renameat2(RENAME_NOREPLACE) where the kernel and file system have it,
//! else link() + unlink() (link never replaces either). Never copies. False on failure.
bool renameNoReplace(const QString &from, const QString &to);

//! Creates \a file (its fileName() set) and opens it ReadWrite: created with
//! O_CREAT|O_EXCL|O_NOFOLLOW, so neither an existing file nor a symbolic link at that name
//! is ever opened or truncated, and the file opened is checked to be the one created.
//! False on failure.
bool openNew(QFile *file);
//! Opens an existing regular file ReadWrite, never through a symbolic link (the opened
//! file is checked to be the one lstat() saw). False on failure.
bool openExistingNoFollow(QFile *file);

//! Splits "archive.tar.gz" into ("archive", ".tar.gz") and "a.txt" into ("a", ".txt").
std::pair<QString, QString> splitExtension(const QString &name);

} // namespace Roomshare::FileNames
