#include "formatting.h"

#include <QLocale>

namespace Roomshare::Gui {

QString Format::size(qint64 bytes)
{
    // Decimal units match what file managers on Linux and macOS show for the same file.
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString Format::speed(qint64 bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return QString();
    return tr("%1/s").arg(size(bytesPerSecond));
}

QString Format::duration(qint64 seconds)
{
    if (seconds < 0)
        return QString();
    if (seconds < 60)
        return tr("%n s", nullptr, int(seconds));
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 100 * 3600)
        return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return tr("days");
}

QString Format::timeShared(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return QString();
    const QDateTime local = when.toLocalTime();
    if (local.date() == now.toLocalTime().date())
        return QLocale().toString(local.time(), QLocale::ShortFormat);
    return QLocale().toString(local, QLocale::ShortFormat);
}

QString Format::transferError(const TransferInfo &info)
{
    if (info.status == TransferInfo::Status::Completed)
        return QString();
    if (info.status == TransferInfo::Status::Cancelled)
        return tr("Cancelled.");
    const bool download = info.direction == TransferInfo::Direction::Download;
    switch (info.error) {
    case ErrorCode::FileNotAvailable:
    case ErrorCode::FileWithdrawn:
        if (download && !info.peerName.isEmpty())
            return tr("%1's file is no longer available.").arg(info.peerName);
        return tr("The file is no longer available.");
    case ErrorCode::IntegrityError:
        return download ? tr("The download was damaged on the way; please try again.")
                        : tr("The upload was damaged on the way; please try again.");
    case ErrorCode::ConnectionLost:
    case ErrorCode::RoomDisconnected:
        return tr("The connection to the room was lost.");
    case ErrorCode::LocalFileError:
        return download ? tr("The file could not be saved on this computer.")
                        : tr("The file could not be read on this computer.");
    case ErrorCode::FileTooLarge:
        return tr("The file is larger than the room allows.");
    case ErrorCode::StorageError:
        return tr("The room has no space left for this file.");
    case ErrorCode::LimitExceeded:
        return tr("Too many transfers at once; please try again in a moment.");
    case ErrorCode::NotPermitted:
        return tr("You are not allowed to do that in this room.");
    case ErrorCode::Cancelled:
        return tr("Cancelled.");
    default:
        break;
    }
    return error(info.error, info.errorText);
}

QString Format::error(ErrorCode code, const QString &detail)
{
    switch (code) {
    case ErrorCode::None:
        return detail;
    case ErrorCode::RoomDisconnected:
        return tr("You are not connected to the room.");
    case ErrorCode::EmptyFileList:
        return tr("There were no files to send.");
    case ErrorCode::InvalidInvite:
        return tr("This invite link is not valid (it may have expired or belong to another room).");
    case ErrorCode::InvalidRequest:
        return tr("The room refused the request; check that the recipients are still here.");
    case ErrorCode::ConnectionLost:
        return tr("The connection to the room was lost.");
    case ErrorCode::FileNotAvailable:
    case ErrorCode::FileWithdrawn:
        return tr("The file is no longer available.");
    default:
        break;
    }
    // The core's texts are sentences already; only the code is never shown on its own.
    const QString text = detail.isEmpty() ? errorText(code) : detail;
    if (text.isEmpty())
        return tr("Something went wrong.");
    QString sentence = text;
    sentence[0] = sentence[0].toUpper();
    if (!sentence.endsWith(u'.') && !sentence.endsWith(u'!') && !sentence.endsWith(u'?'))
        sentence += u'.';
    return sentence;
}

QString Format::nameList(const QStringList &names)
{
    if (names.isEmpty())
        return tr("Everyone");
    if (names.size() == 1)
        return names.first();
    const QStringList head = names.mid(0, names.size() - 1);
    return tr("%1 and %2").arg(head.join(tr(", ")), names.last());
}

QString Format::folderLabel(const QString &name, int entries)
{
    return entries == 1 ? tr("%1 (folder, 1 item)").arg(name)
                        : tr("%1 (folder, %2 items)").arg(name).arg(entries);
}

} // namespace Roomshare::Gui
