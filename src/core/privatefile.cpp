#include "privatefile.h"

#include <QFile>

namespace Roomshare::PrivateFile {

bool write(const QString &path, const QByteArray &bytes, QString *error)
{
    auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    const QString temp = path + QStringLiteral(".tmp");
    QFile::remove(temp);
    QFile f(temp);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFile::ReadOwner | QFile::WriteOwner))
        return failed(QStringLiteral("cannot write %1: %2").arg(temp, f.errorString()));
    const bool written = f.write(bytes) == bytes.size() && f.flush();
    f.close();
    // QFile::rename() does not replace: the old file goes first (a crash in between only
    // loses it, never leaves a half-written one).
    if (written && QFile::exists(path))
        QFile::remove(path);
    if (!written || !QFile::rename(temp, path)) {
        QFile::remove(temp);
        return failed(QStringLiteral("cannot write %1").arg(path));
    }
    return true;
}

} // namespace Roomshare::PrivateFile
