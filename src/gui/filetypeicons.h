#pragma once

#include <QIcon>
#include <QString>

namespace Roomshare::Gui {

//! Maps a file's MIME type (or, when that is empty or generic, its name) to one of the
//! app's SVG file-type icons: generic, image, document, archive, audio or video.
class FileTypeIcons final
{
public:
    enum class Kind { Generic, Image, Document, Archive, Audio, Video };

    static Kind kind(const QString &mimeType, const QString &fileName = QString());
    static QIcon icon(Kind kind);
    static QIcon icon(const QString &mimeType, const QString &fileName = QString())
    {
        return icon(kind(mimeType, fileName));
    }
};

} // namespace Roomshare::Gui
