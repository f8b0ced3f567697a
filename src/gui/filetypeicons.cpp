#include "filetypeicons.h"

#include <QHash>
#include <QMimeDatabase>

namespace Roomshare::Gui {

static FileTypeIcons::Kind kindOf(const QMimeType &mime)
{
    using Kind = FileTypeIcons::Kind;
    const auto matches = [&mime](QLatin1String prefix) {
        if (mime.name().startsWith(prefix))
            return true;
        const QStringList parents = mime.allAncestors();
        for (const QString &parent : parents) {
            if (parent.startsWith(prefix))
                return true;
        }
        return false;
    };
    if (matches(QLatin1String("image/")))
        return Kind::Image;
    if (matches(QLatin1String("audio/")))
        return Kind::Audio;
    if (matches(QLatin1String("video/")))
        return Kind::Video;
    static const QStringList archives = {
        QStringLiteral("application/zip"),     QStringLiteral("application/gzip"),
        QStringLiteral("application/x-tar"),   QStringLiteral("application/x-7z-compressed"),
        QStringLiteral("application/x-xz"),    QStringLiteral("application/x-bzip2"),
        QStringLiteral("application/vnd.rar"), QStringLiteral("application/x-compressed-tar"),
        QStringLiteral("application/x-zstd"),  QStringLiteral("application/x-rar"),
    };
    if (archives.contains(mime.name()))
        return Kind::Archive;
    if (matches(QLatin1String("text/")) || mime.name() == QLatin1String("application/pdf")
        || mime.name().contains(QLatin1String("document"))
        || mime.name().contains(QLatin1String("spreadsheet"))
        || mime.name().contains(QLatin1String("presentation"))
        || mime.name().contains(QLatin1String("msword")))
        return Kind::Document;
    if (mime.inherits(QStringLiteral("application/zip")))
        return Kind::Archive;
    return Kind::Generic;
}

FileTypeIcons::Kind FileTypeIcons::kind(const QString &mimeType, const QString &fileName)
{
    QMimeDatabase db;
    QMimeType mime = db.mimeTypeForName(mimeType);
    if ((!mime.isValid() || mime.isDefault()) && !fileName.isEmpty())
        mime = db.mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    if (!mime.isValid())
        return Kind::Generic;
    return kindOf(mime);
}

QIcon FileTypeIcons::icon(Kind kind)
{
    static QHash<int, QIcon> cache;
    const auto it = cache.constFind(int(kind));
    if (it != cache.constEnd())
        return *it;
    QString name;
    switch (kind) {
    case Kind::Generic:
        name = QStringLiteral("file-generic");
        break;
    case Kind::Image:
        name = QStringLiteral("file-image");
        break;
    case Kind::Document:
        name = QStringLiteral("file-document");
        break;
    case Kind::Archive:
        name = QStringLiteral("file-archive");
        break;
    case Kind::Audio:
        name = QStringLiteral("file-audio");
        break;
    case Kind::Video:
        name = QStringLiteral("file-video");
        break;
    }
    const QIcon result(QStringLiteral(":/icons/%1.svg").arg(name));
    cache.insert(int(kind), result);
    return result;
}

} // namespace Roomshare::Gui
