#pragma once

// For tests that drive the real executables as child processes (tst_cli_restart,
// tst_apprestart, tst_uploadstate): where they are, files to send, what a folder holds, and
// the real roomshare-server behind a fault proxy that can stop the link dead mid-upload.

#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

#include "faultproxy.h"

namespace ProcessTest {

inline QString serverBin()
{
    return qEnvironmentVariable("ROOMSHARE_SERVER_BIN");
}

inline QString cliBin()
{
    return qEnvironmentVariable("ROOMSHARE_CLI_BIN");
}

inline QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(b.data()), n / 4);
    return b;
}

//! Every file below \a dir, hidden ones included, at any depth.
inline QStringList filesUnder(const QString &dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

//! The real roomshare-server (data and secret in \a dir) as a child process, reached
//! through a FaultProxy: the links invite() makes name the proxy.
class ProxiedServer
{
public:
    explicit ProxiedServer(const QString &dir)
        : m_dir(dir)
    { }
    ~ProxiedServer()
    {
        m_server.terminate();
        if (!m_server.waitForFinished(5000))
            m_server.kill();
    }

    //! Starts the server and the proxy; false with \a error saying why not.
    bool start(QString *error)
    {
        m_server.setProgram(serverBin());
        m_server.setArguments({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                QStringLiteral("--data"), dataDir(),
                                QStringLiteral("--secret-file"), secretFile() });
        m_server.start();
        QElapsedTimer t;
        t.start();
        while (!m_server.canReadLine() && t.elapsed() < 10000
               && m_server.state() != QProcess::NotRunning)
            m_server.waitForReadyRead(100);
        const QString first = QString::fromUtf8(m_server.readLine()).trimmed();
        static const QRegularExpression re(
            QStringLiteral("^roomshare-server listening on ws://127\\.0\\.0\\.1:(\\d+)$"));
        const auto m = re.match(first);
        if (!m.hasMatch()) {
            *error = QStringLiteral("roomshare-server did not start: ") + first;
            return false;
        }
        m_proxy = std::make_unique<FaultProxy>(quint16(m.captured(1).toUInt()));
        if (!m_proxy->listen()) {
            *error = QStringLiteral("the fault proxy cannot listen");
            return false;
        }
        return true;
    }

    FaultProxy &proxy() { return *m_proxy; }
    QString dataDir() const { return m_dir + QStringLiteral("/data"); }
    QString secretFile() const { return m_dir + QStringLiteral("/secret"); }

    //! A link for \a name into \a room through the proxy (`roomshare-server invite`), or an
    //! empty string.
    QString invite(const QString &name, const QString &room) const
    {
        QProcess p;
        p.start(serverBin(),
                { QStringLiteral("invite"), QStringLiteral("--secret-file"), secretFile(),
                  QStringLiteral("--url"), m_proxy->url().toString(), QStringLiteral("--room"),
                  room, QStringLiteral("--name"), name });
        if (!p.waitForFinished(10000) || p.exitCode() != 0)
            return QString();
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }

private:
    QString m_dir;
    QProcess m_server;
    std::unique_ptr<FaultProxy> m_proxy;
};

} // namespace ProcessTest
