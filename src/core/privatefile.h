#pragma once

#include <QByteArray>
#include <QString>

namespace Roomshare::PrivateFile {

//! Replaces the file \a path with \a bytes, readable and writable by the user only (0600,
//! for secrets such as session ids and invite links). The bytes go to a temporary file that
//! is created private before anything is written, then renamed over \a path: a crash in
//! between leaves the old file or none, never half of one. The folder must exist. False
//! with \a error naming the file and the cause.
bool write(const QString &path, const QByteArray &bytes, QString *error = nullptr);

} // namespace Roomshare::PrivateFile
