#pragma once

#include <QString>

namespace Roomshare::Gui::SystemUser {

//! The user's full name as the system knows it, to prefill "Your name": the GECOS field of
//! the password database (see nameFromGecos()), else the login name from the environment
//! (USER, USERNAME, LOGNAME). Empty when nothing usable is found; never "root".
QString fullName();

//! The name in GECOS field \a gecos of login \a login: its first comma-separated part,
//! trimmed, with "&" standing for the login name capitalised (the BSD convention). Empty
//! when that part is empty.
QString nameFromGecos(const QString &gecos, const QString &login);

} // namespace Roomshare::Gui::SystemUser
