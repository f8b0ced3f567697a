#include "serverconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

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

} // namespace Roomshare::Server::Config
