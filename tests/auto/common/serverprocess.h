#pragma once

// The real roomshare-server executable (ROOMSHARE_SERVER_BIN, set by roomshare_add_test) as
// a child process on a fixed data folder, restartable on the same port; for tests that kill
// it or measure it from /proc.

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <memory>

//! The roomshare-server executable on a fixed data folder; restartable on the same port.
class ServerProcess
{
public:
    //! Extra command-line options for every start().
    QStringList extraArguments;

    ServerProcess(const QString &dataDir, const QString &secretFile)
        : m_dataDir(dataDir)
        , m_secretFile(secretFile)
    { }
    ~ServerProcess() { kill(); }

    bool start(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_stderr.clear();
        m_proc = std::make_unique<QProcess>();
        m_proc->setProcessEnvironment(env);
        QObject::connect(m_proc.get(), &QProcess::readyReadStandardError, m_proc.get(),
                         [this] { m_stderr += m_proc->readAllStandardError(); });
        const QStringList arguments{
            QStringLiteral("--listen"),        QStringLiteral("127.0.0.1:%1").arg(m_port),
            QStringLiteral("--data"),          m_dataDir,
            QStringLiteral("--secret-file"),   m_secretFile,
            QStringLiteral("--ping-interval"), QStringLiteral("0.5"),
            QStringLiteral("--idle-timeout"),  QStringLiteral("3")
        };
        m_proc->start(qEnvironmentVariable("ROOMSHARE_SERVER_BIN"), arguments + extraArguments);
        if (!m_proc->waitForStarted(5000))
            return false;
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.contains('\n') && t.elapsed() < 10000) {
            m_proc->waitForReadyRead(100);
            out += m_proc->readAllStandardOutput();
        }
        const auto m = QRegularExpression(QStringLiteral("listening on ws://127.0.0.1:(\\d+)"))
                           .match(QString::fromUtf8(out));
        if (!m.hasMatch()) {
            m_proc->waitForFinished(1000);
            m_stderr += m_proc->readAllStandardError();
            qWarning("roomshare-server did not start: %s %s", out.constData(),
                     m_stderr.constData());
            return false;
        }
        m_port = quint16(m.captured(1).toUInt());
        return true;
    }
    void kill()
    {
        if (m_proc && m_proc->state() != QProcess::NotRunning) {
            m_proc->kill(); // SIGKILL: no cleanup of any kind
            m_proc->waitForFinished(5000);
        }
    }
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_proc ? m_proc->processId() : 0; }
    //! The process's resident memory now (VmRSS), in bytes; 0 when not running.
    qint64 residentBytes() const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid()));
        if (pid() <= 0 || !status.open(QIODevice::ReadOnly))
            return 0;
        const auto m = QRegularExpression(QStringLiteral("VmRSS:\\s+(\\d+) kB"))
                           .match(QString::fromLatin1(status.readAll()));
        return m.hasMatch() ? m.captured(1).toLongLong() * 1024 : 0;
    }
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(m_port)); }
    QByteArray stderrText() const { return m_stderr; }

private:
    QString m_dataDir;
    QString m_secretFile;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_proc;
    QByteArray m_stderr;
};
