#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include "errors.h"
#include "transferinfo.h"

namespace Roomshare::Gui {

//! Human-readable text for sizes, speeds, times and errors, shared by the models and windows.
class Format final
{
    Q_DECLARE_TR_FUNCTIONS(Format)
public:
    //! "12.3 MB", in the user's locale.
    static QString size(qint64 bytes);
    //! "4.2 MB/s", or an empty string when \a bytesPerSecond is not positive.
    static QString speed(qint64 bytesPerSecond);
    //! "3 s", "4 min 20 s", "1 h 5 min"; empty when \a seconds is negative (unknown).
    static QString duration(qint64 seconds);
    //! "14:05" for today, otherwise the short date and time.
    static QString timeShared(const QDateTime &when,
                              const QDateTime &now = QDateTime::currentDateTime());
    //! A sentence explaining why a transfer failed, naming the file or its sender when that
    //! helps ("Bob's file is no longer available."). Empty for Completed transfers.
    static QString transferError(const TransferInfo &info);
    //! A sentence for an error code outside any transfer (refused requests, disconnects).
    static QString error(ErrorCode code, const QString &detail = QString());
    //! A shared folder's row: "Photos (folder, 203 items)"; \a name already made safe to show.
    static QString folderLabel(const QString &name, int entries);
    //! "Everyone", "Bob", "Bob and Carol", "Bob, Carol and Dave".
    static QString nameList(const QStringList &names);
};

} // namespace Roomshare::Gui
