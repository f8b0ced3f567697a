#include "folderpaths.h"

#include <QStringList>

namespace Roomshare::FolderPaths {

QString problem(const QString &path)
{
    if (path.isEmpty())
        return QStringLiteral("The folder path is empty");
    if (path.size() > MaxPathLength)
        return QStringLiteral("The folder path has %1 characters; at most %2 are allowed")
            .arg(path.size())
            .arg(MaxPathLength);
    if (path.startsWith(QLatin1Char('/')))
        return QStringLiteral("The folder path must be relative, not start with \"/\"");
    if (path.contains(QLatin1Char('\\')))
        return QStringLiteral("The folder path must use \"/\" between folders, not \"\\\"");
    if (path.size() >= 2 && path.at(1) == QLatin1Char(':') && path.at(0).isLetter())
        return QStringLiteral("The folder path must be relative, not start with a drive letter");
    const QStringList parts = path.split(QLatin1Char('/'));
    if (parts.size() > MaxDepth)
        return QStringLiteral("The folder path is %1 folders deep; at most %2 are allowed")
            .arg(parts.size())
            .arg(MaxDepth);
    for (const QString &part : parts) {
        if (part.isEmpty())
            return QStringLiteral("The folder path has an empty folder name (\"//\" or a "
                                  "trailing \"/\")");
        if (part == QLatin1String(".") || part == QLatin1String(".."))
            return QStringLiteral("The folder path must not contain \".\" or \"..\"");
        if (part.size() > MaxComponentLength)
            return QStringLiteral("A folder name in the path has %1 characters; at most %2 "
                                  "are allowed")
                .arg(part.size())
                .arg(MaxComponentLength);
        for (const QChar c : part) {
            if (c.unicode() < 0x20 || c.unicode() == 0x7F)
                return QStringLiteral("The folder path contains a control character");
        }
    }
    return QString();
}

bool isValidGroup(const QString &group)
{
    if (group.isEmpty() || group.size() > MaxGroupLength)
        return false;
    for (const QChar c : group) {
        const char16_t u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_'
              || u == '-'))
            return false;
    }
    return true;
}

} // namespace Roomshare::FolderPaths
