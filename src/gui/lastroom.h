#pragma once

#include <QString>

namespace Roomshare::Gui {

//! The invite link of the room this app was last in, so that the next start without a link
//! returns to it: after a crash, a kill, a reboot, or a quit that left uploads unfinished
//! (they are then listed with Resume and Discard). A quit with nothing unfinished forgets
//! it, and the next start asks as usual. The link is a secret (it admits its holder): it
//! lives in one file readable by the user only (0600), written atomically, never logged.
//! Rooms this app hosts are not kept here.
class LastRoom final
{
public:
    //! \a file: where the link is kept (default: defaultFile()).
    explicit LastRoom(const QString &file = defaultFile());

    //! `last-room` in the writable AppLocalDataLocation, next to `unfinished-uploads`.
    static QString defaultFile();
    QString file() const { return m_file; }

    //! Keeps \a link; false (with \a error naming the file and the cause) when it cannot.
    bool remember(const QString &link, QString *error = nullptr) const;
    //! The kept link, or an empty string (none, unreadable, or not an invite link).
    QString recall() const;
    void forget() const;

private:
    QString m_file;
};

} // namespace Roomshare::Gui
