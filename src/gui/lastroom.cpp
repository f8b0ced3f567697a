#include "lastroom.h"

#include "invite.h"
#include "privatefile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace Roomshare::Gui {

namespace {
// A link is a few hundred bytes; anything much larger is not one of ours.
constexpr qint64 MaxFileSize = 16 * 1024;
} // namespace

LastRoom::LastRoom(const QString &file)
    : m_file(file)
{ }

QString LastRoom::defaultFile()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return dir.isEmpty() ? QString() : QDir(dir).filePath(QStringLiteral("last-room"));
}

bool LastRoom::remember(const QString &link, QString *error) const
{
    auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_file.isEmpty())
        return failed(QStringLiteral("no writable application data folder"));
    const QString folder = QFileInfo(m_file).absolutePath();
    if (!QDir().mkpath(folder))
        return failed(QStringLiteral("cannot create %1").arg(folder));
    return PrivateFile::write(m_file, link.trimmed().toUtf8() + '\n', error);
}

QString LastRoom::recall() const
{
    QFile f(m_file);
    if (m_file.isEmpty() || QFileInfo(m_file).size() > MaxFileSize || !f.open(QIODevice::ReadOnly))
        return QString();
    const QString link = QString::fromUtf8(f.readAll()).trimmed();
    return InviteLink::parse(link) ? link : QString();
}

void LastRoom::forget() const
{
    if (!m_file.isEmpty())
        QFile::remove(m_file);
}

} // namespace Roomshare::Gui
