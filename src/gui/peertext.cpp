#include "peertext.h"

#include "filenames.h"

#include <QFileInfo>
#include <QLabel>
#include <QSet>
#include <QWidget>

namespace Roomshare::Gui::PeerText {

QString shown(const QString &text)
{
    return FileNames::displayName(text);
}

void makeLabelsPlain(QWidget *root)
{
    const auto labels = root->findChildren<QLabel *>();
    for (QLabel *label : labels)
        label->setTextFormat(Qt::PlainText);
    if (auto *label = qobject_cast<QLabel *>(root))
        label->setTextFormat(Qt::PlainText);
}

bool isRiskyToOpen(const QString &path)
{
    static const QSet<QString> launched{
        // Windows
        QStringLiteral("exe"),
        QStringLiteral("com"),
        QStringLiteral("scr"),
        QStringLiteral("pif"),
        QStringLiteral("bat"),
        QStringLiteral("cmd"),
        QStringLiteral("msi"),
        QStringLiteral("msp"),
        QStringLiteral("cpl"),
        QStringLiteral("hta"),
        QStringLiteral("js"),
        QStringLiteral("jse"),
        QStringLiteral("vbs"),
        QStringLiteral("vbe"),
        QStringLiteral("wsf"),
        QStringLiteral("wsh"),
        QStringLiteral("ps1"),
        QStringLiteral("psm1"),
        QStringLiteral("lnk"),
        QStringLiteral("url"),
        QStringLiteral("reg"),
        QStringLiteral("jar"),
        QStringLiteral("appref-ms"),
        QStringLiteral("application"),
        QStringLiteral("msc"),
        QStringLiteral("gadget"),
        // macOS
        QStringLiteral("app"),
        QStringLiteral("command"),
        QStringLiteral("pkg"),
        QStringLiteral("workflow"),
        QStringLiteral("terminal"),
        // Linux desktops and shells
        QStringLiteral("desktop"),
        QStringLiteral("sh"),
        QStringLiteral("run"),
        QStringLiteral("bin"),
        QStringLiteral("appimage"),
        QStringLiteral("py"),
        QStringLiteral("pl"),
        QStringLiteral("rb"),
        QStringLiteral("deb"),
        QStringLiteral("rpm"),
    };
    const QFileInfo fi(path);
    if (fi.isFile() && fi.isExecutable())
        return true;
    // The last suffix decides what launches it ("report.pdf.exe" is a program).
    return launched.contains(fi.suffix().toLower());
}

} // namespace Roomshare::Gui::PeerText
