#include "systemuser.h"

#include <QProcessEnvironment>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace Roomshare::Gui::SystemUser {

namespace {

bool usable(const QString &name)
{
    return !name.isEmpty() && name != QLatin1String("root");
}

} // namespace

QString nameFromGecos(const QString &gecos, const QString &login)
{
    QString name = gecos.section(QLatin1Char(','), 0, 0).trimmed();
    if (name.contains(QLatin1Char('&'))) {
        QString capitalised = login;
        if (!capitalised.isEmpty())
            capitalised[0] = capitalised.at(0).toUpper();
        name.replace(QLatin1Char('&'), capitalised);
    }
    return name.simplified();
}

QString fullName()
{
#ifdef Q_OS_UNIX
    // getpwuid_r: the app may look names up from more than one thread (QtConcurrent users).
    struct passwd entry = {};
    struct passwd *found = nullptr;
    char buffer[4096];
    if (getpwuid_r(getuid(), &entry, buffer, sizeof buffer, &found) == 0 && found) {
        const QString login = QString::fromLocal8Bit(found->pw_name);
        const QString name
            = nameFromGecos(QString::fromLocal8Bit(found->pw_gecos ? found->pw_gecos : ""), login);
        if (usable(name))
            return name;
        if (usable(login))
            return login;
    }
#endif
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *key : { "USER", "USERNAME", "LOGNAME" }) {
        const QString login = env.value(QString::fromLatin1(key)).trimmed();
        if (usable(login))
            return login;
    }
    return QString();
}

} // namespace Roomshare::Gui::SystemUser
