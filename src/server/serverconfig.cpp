#include "serverconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTextStream>

#include <algorithm>
#include <limits>

namespace Roomshare::Server::Config {

std::optional<qint64> parseByteSize(const QString &text)
{
    QString s = text.trimmed().toUpper();
    if (s.endsWith(QLatin1String("IB")))
        s.chop(2);
    else if (s.endsWith(QLatin1Char('B')))
        s.chop(1);
    int shift = 0;
    if (!s.isEmpty()) {
        switch (s.back().unicode()) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        case 'T':
            shift = 40;
            break;
        default:
            break;
        }
        if (shift)
            s.chop(1);
    }
    if (s.isEmpty())
        return std::nullopt;
    for (const QChar c : std::as_const(s)) {
        if (!c.isDigit() || c.unicode() > '9')
            return std::nullopt;
    }
    bool ok = false;
    const qint64 value = s.toLongLong(&ok);
    if (!ok || value < 0 || value > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

std::optional<HostPort> parseHostPort(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QString t = text.trimmed();
    const int colon = t.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return fail(QStringLiteral("\"%1\" is not HOST:PORT").arg(t));
    QString host = t.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = t.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("\"%1\" is not a valid port").arg(t.mid(colon + 1)));
    HostPort hp;
    hp.port = quint16(port);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        hp.address = QHostAddress(QHostAddress::LocalHost);
    else if (host == QLatin1String("*"))
        hp.address = QHostAddress(QHostAddress::Any); // IPv4 and IPv6
    else if (!hp.address.setAddress(host))
        return fail(QStringLiteral("\"%1\" is not an IP address").arg(host));
    return hp;
}

std::optional<QByteArray> loadSecret(const QString &path, bool create, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QFile file(path);
    if (!file.exists() && create) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QByteArray raw(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()),
                                              raw.size() / int(sizeof(quint32)));
        // NewOnly: never overwrite a secret another process created in the meantime.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                       QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return fail(
                QStringLiteral("cannot create secret file %1: %2").arg(path, file.errorString()));
        const QByteArray hex = raw.toHex() + '\n';
        if (file.write(hex) != hex.size() || !file.flush())
            return fail(
                QStringLiteral("cannot write secret file %1: %2").arg(path, file.errorString()));
        file.close();
    }
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read secret file %1: %2").arg(path, file.errorString()));
    const QByteArray secret = file.readAll().trimmed();
    if (secret.isEmpty())
        return fail(QStringLiteral("secret file %1 is empty").arg(path));
    return secret;
}

std::optional<QList<FileSetting>> readConfigFile(const QString &path, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return fail(
            QStringLiteral("cannot read configuration file %1: %2").arg(path, file.errorString()));
    QList<FileSetting> settings;
    QTextStream in(&file);
    int number = 0;
    while (!in.atEnd()) {
        const QString line = in.readLine().trimmed();
        ++number;
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))
            || line.startsWith(QLatin1Char(';')))
            continue;
        const int equals = line.indexOf(QLatin1Char('='));
        FileSetting setting;
        setting.key = line.left(equals).trimmed();
        setting.value = line.mid(equals + 1).trimmed();
        setting.line = number;
        if (equals <= 0 || setting.key.isEmpty())
            return fail(QStringLiteral("%1:%2: expected \"key = value\"").arg(path).arg(number));
        if (setting.value.size() >= 2 && setting.value.startsWith(QLatin1Char('"'))
            && setting.value.endsWith(QLatin1Char('"')))
            setting.value = setting.value.mid(1, setting.value.size() - 2);
        settings.append(setting);
    }
    return settings;
}

std::optional<QStringList> argumentsWithConfigFile(const QString &path,
                                                   const QList<QCommandLineOption> &options,
                                                   const QStringList &setOnCommandLine,
                                                   const QStringList &arguments, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const auto settings = readConfigFile(path, error);
    if (!settings)
        return std::nullopt;
    QStringList fromFile;
    for (const FileSetting &setting : *settings) {
        const auto option = std::find_if(
            options.cbegin(), options.cend(),
            [&setting](const QCommandLineOption &o) { return o.names().contains(setting.key); });
        if (option == options.cend())
            return fail(QStringLiteral("%1:%2: unknown key \"%3\"")
                            .arg(path)
                            .arg(setting.line)
                            .arg(setting.key));
        const QStringList names = option->names();
        const bool onCommandLine
            = std::any_of(names.cbegin(), names.cend(), [&setOnCommandLine](const QString &name) {
                  return setOnCommandLine.contains(name);
              });
        const QString flag = QStringLiteral("--") + names.constLast();
        if (option->valueName().isEmpty()) {
            static const QStringList yes = { QStringLiteral("yes"), QStringLiteral("true"),
                                             QStringLiteral("on"), QStringLiteral("1") };
            static const QStringList no = { QStringLiteral("no"), QStringLiteral("false"),
                                            QStringLiteral("off"), QStringLiteral("0") };
            const QString value = setting.value.toLower();
            if (!yes.contains(value) && !no.contains(value))
                return fail(QStringLiteral("%1:%2: %3 takes yes or no, not \"%4\"")
                                .arg(path)
                                .arg(setting.line)
                                .arg(setting.key, setting.value));
            if (yes.contains(value) && !onCommandLine)
                fromFile.append(flag);
        } else if (!onCommandLine) {
            // --key=value: a value that starts with '-' stays a value.
            fromFile.append(flag + QLatin1Char('=') + setting.value);
        }
    }
    QStringList result = arguments.mid(0, 1);
    result += fromFile;
    result += arguments.mid(1);
    return result;
}

} // namespace Roomshare::Server::Config
