#include "filenames.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(Q_OS_LINUX)
#include <sys/syscall.h>
#endif
#endif

namespace Roomshare::FileNames {

namespace {

bool isBidiOrInvisible(char32_t c)
{
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F
        || c == 0x061C || c == 0xFEFF || (c >= 0x200B && c <= 0x200D))
        return true;
    // Every other format character (soft hyphen, word joiner, invisible operators, tags),
    // line and paragraph separators, surrogates that lost their pair, and noncharacters.
    const auto category = QChar::category(c);
    return category == QChar::Other_Format || category == QChar::Other_Surrogate
        || category == QChar::Separator_Line || category == QChar::Separator_Paragraph
        || (c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF) || c > 0x10FFFF;
}

// Characters that look like a path separator without being one: a name showing "a／b"
// would read as a folder.
bool isSeparatorLookalike(char32_t c)
{
    return c == 0x2215 || c == 0x2044 || c == 0xFF0F || c == 0xFF3C || c == 0x29F8 || c == 0x29F9
        || c == 0x2216 || c == 0xFE68;
}

bool isReservedDeviceName(const QString &name)
{
    // Windows refuses these with any extension ("nul.txt"), in any case.
    static const QRegularExpression re(
        QStringLiteral(
            "^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\\$|conout\\$|clock\\$) *(\\..*)?$"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(name).hasMatch();
}

QString truncateUtf8(const QString &s, int maxBytes)
{
    QString out;
    int bytes = 0;
    for (const char32_t c : s.toUcs4()) {
        const int n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (bytes + n > maxBytes)
            break;
        bytes += n;
        out += QString::fromUcs4(&c, 1);
    }
    return out;
}

} // namespace

std::pair<QString, QString> splitExtension(const QString &name)
{
    static const QRegularExpression doubleExt(QStringLiteral("\\.tar\\.(gz|bz2|xz|zst)$"),
                                              QRegularExpression::CaseInsensitiveOption);
    const auto m = doubleExt.match(name);
    if (m.hasMatch() && m.capturedStart() > 0)
        return { name.left(m.capturedStart()), name.mid(m.capturedStart()) };
    const int dot = name.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0 || name.size() - dot > 16)
        return { name, QString() };
    return { name.left(dot), name.mid(dot) };
}

QString sanitize(const QString &remoteName)
{
    // Only the last path component counts, whichever separator the sender's system uses.
    QString name = remoteName;
    const int cut = qMax(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\')));
    if (cut >= 0)
        name = name.mid(cut + 1);
    // Drive-relative names such as "C:evil.txt".
    if (name.size() >= 2 && name.at(1) == QLatin1Char(':') && name.at(0).isLetter())
        name = name.mid(2);

    QString clean;
    clean.reserve(name.size());
    for (const char32_t c : name.toUcs4()) {
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || isBidiOrInvisible(c))
            continue;
        if (c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' || c == '*'
            || isSeparatorLookalike(c)) {
            clean += QLatin1Char('_');
            continue;
        }
        clean += QString::fromUcs4(&c, 1);
    }
    // Leading dots would hide the file (and ".."); trailing dots and spaces are dropped by
    // Windows, which makes two names collide.
    while (!clean.isEmpty()
           && (clean.endsWith(QLatin1Char('.')) || clean.endsWith(QLatin1Char(' '))))
        clean.chop(1);
    while (!clean.isEmpty()
           && (clean.startsWith(QLatin1Char('.')) || clean.startsWith(QLatin1Char(' '))))
        clean.remove(0, 1);
    if (clean.isEmpty())
        clean = QStringLiteral("file");
    if (isReservedDeviceName(clean))
        clean.prepend(QLatin1Char('_'));

    if (clean.toUtf8().size() > MaxNameBytes) {
        auto [base, ext] = splitExtension(clean);
        const int extBytes = int(ext.toUtf8().size());
        if (extBytes > MaxNameBytes / 2)
            clean = truncateUtf8(clean, MaxNameBytes);
        else
            clean = truncateUtf8(base, MaxNameBytes - extBytes) + ext;
    }
    return clean;
}

QStringList sanitizePath(const QString &remotePath)
{
    QStringList out;
    const QStringList parts
        = remotePath.split(QRegularExpression(QStringLiteral("[/\\\\]")), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        if (part == QLatin1String(".") || part == QLatin1String(".."))
            continue;
        out.append(sanitize(part));
    }
    return out;
}

QString makeFolders(const QString &dir, const QStringList &components, QString *error)
{
    QString current = QDir(dir).absolutePath();
    for (const QString &name : components) {
        const QString next = QDir(current).filePath(name);
        const QFileInfo fi(next);
        if (fi.isSymLink()) {
            *error = QStringLiteral("%1 is a symbolic link; refusing to save through it").arg(next);
            return QString();
        }
        if (!fi.exists() && !QDir(current).mkdir(name) && !QFileInfo(next).isDir()) {
            *error = QStringLiteral("Cannot create the folder %1").arg(next);
            return QString();
        }
        if (!QFileInfo(next).isDir() || QFileInfo(next).isSymLink()) {
            *error = QStringLiteral("%1 is in the way of a folder of that name").arg(next);
            return QString();
        }
        if (!isInside(dir, next)) {
            *error = QStringLiteral("Refusing to create %1 outside %2").arg(next, dir);
            return QString();
        }
        current = next;
    }
    return current;
}

QString uniquePath(const QString &dir, const QString &name)
{
    // A dangling symlink "does not exist" to QFileInfo::exists(), but its name is taken.
    auto taken = [](const QString &path) {
        const QFileInfo fi(path);
        return fi.exists() || fi.isSymLink();
    };
    const QDir d(dir);
    QString candidate = d.filePath(name);
    if (!taken(candidate))
        return candidate;
    const auto [base, ext] = splitExtension(name);
    for (int i = 1;; ++i) {
        candidate = d.filePath(base + QStringLiteral(" (%1)").arg(i) + ext);
        if (!taken(candidate))
            return candidate;
    }
}

bool isInside(const QString &dir, const QString &path)
{
    const QString root = QDir(QFileInfo(dir).canonicalFilePath()).absolutePath();
    if (root.isEmpty())
        return false;
    // The file may not exist yet: resolve its folder, then append the name.
    const QFileInfo fi(path);
    // A symlink could lead anywhere, now or later; never write through one.
    if (fi.isSymLink())
        return false;
    const QString parent = QFileInfo(fi.absolutePath()).canonicalFilePath();
    if (parent.isEmpty())
        return false;
    const QString resolved = QDir(parent).filePath(fi.fileName());
    return resolved.startsWith(root + QLatin1Char('/')) && fi.fileName() != QLatin1String("..")
        && fi.fileName() != QLatin1String(".");
}

bool renameNoReplace(const QString &from, const QString &to)
{
#ifdef Q_OS_UNIX
    const QByteArray src = QFile::encodeName(from);
    const QByteArray dst = QFile::encodeName(to);
#if defined(Q_OS_LINUX) && defined(SYS_renameat2)
    // Through syscall(): glibc's wrapper is newer than some systems we build on.
    constexpr unsigned RenameNoReplace = 1; // RENAME_NOREPLACE
    if (::syscall(SYS_renameat2, AT_FDCWD, src.constData(), AT_FDCWD, dst.constData(),
                  RenameNoReplace)
        == 0)
        return true;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return false;
#endif
    // link() fails with EEXIST whatever is at the target, dangling symlinks included.
    if (::link(src.constData(), dst.constData()) != 0)
        return false;
    ::unlink(src.constData());
    return true;
#else
    // QFile::rename refuses an existing target; it may copy across file systems, which
    // cannot happen here (both names are in the download folder).
    return !QFileInfo(to).isSymLink() && QFile::rename(from, to);
#endif
}

namespace {

#ifdef Q_OS_UNIX
// Opens \a file by name (QFile::open(fd) would forget the name, which the download job
// needs) without truncating, then checks that what was opened is the regular file
// \a expected describes, not something swapped in meanwhile (a symbolic link included).
bool openVerified(QFile *file, const struct stat &expected)
{
    if (!file->open(QIODevice::ReadWrite | QIODevice::ExistingOnly))
        return false;
    struct stat opened;
    struct stat now;
    const QByteArray path = QFile::encodeName(file->fileName());
    if (::fstat(file->handle(), &opened) != 0 || ::lstat(path.constData(), &now) != 0
        || !S_ISREG(opened.st_mode) || !S_ISREG(now.st_mode) || opened.st_dev != expected.st_dev
        || opened.st_ino != expected.st_ino || now.st_ino != expected.st_ino) {
        file->close();
        return false;
    }
    return true;
}
#endif

} // namespace

bool openNew(QFile *file)
{
#ifdef Q_OS_UNIX
    const QByteArray path = QFile::encodeName(file->fileName());
    const int fd
        = ::open(path.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    struct stat created;
    const bool ok = ::fstat(fd, &created) == 0;
    ::close(fd);
    return ok && openVerified(file, created);
#else
    return !QFileInfo(file->fileName()).isSymLink()
        && file->open(QIODevice::ReadWrite | QIODevice::NewOnly);
#endif
}

bool openExistingNoFollow(QFile *file)
{
#ifdef Q_OS_UNIX
    struct stat before;
    if (::lstat(QFile::encodeName(file->fileName()).constData(), &before) != 0
        || !S_ISREG(before.st_mode))
        return false;
    return openVerified(file, before);
#else
    return !QFileInfo(file->fileName()).isSymLink()
        && file->open(QIODevice::ReadWrite | QIODevice::ExistingOnly);
#endif
}

QString displayName(const QString &remoteName)
{
    QString out;
    out.reserve(remoteName.size());
    int spaces = 0;
    auto flushSpaces = [&] {
        // Long runs of spaces push the real extension out of sight ("a.pdf      .exe").
        if (spaces > 3)
            out += QStringLiteral(" \u27E8%1 spaces\u27E9 ").arg(spaces);
        else
            out += QString(spaces, QLatin1Char(' '));
        spaces = 0;
    };
    for (const char32_t c : remoteName.toUcs4()) {
        if (c == ' ') {
            ++spaces;
            continue;
        }
        flushSpaces();
        const auto category = QChar::category(c);
        const bool invisible = c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)
            || isBidiOrInvisible(c) || (category == QChar::Separator_Space && c != 0x20);
        if (invisible)
            out += QStringLiteral("\u27E8U+%1\u27E9")
                       .arg(uint(c), 4, 16, QLatin1Char('0'))
                       .toUpper();
        else
            out += QString::fromUcs4(&c, 1);
    }
    flushSpaces();
    return out;
}

} // namespace Roomshare::FileNames
