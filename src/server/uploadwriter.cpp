#include "serverlogging_p.h"
#include "uploadwriter_p.h"

#include <QCoreApplication>
#include <QThread>

namespace Roomshare::Server {

namespace {

QThread *g_storageThread = nullptr;

void stopStorageThread()
{
    if (!g_storageThread)
        return;
    g_storageThread->quit();
    g_storageThread->wait();
    delete g_storageThread;
    g_storageThread = nullptr;
}

} // namespace

QThread *UploadWriter::storageThread()
{
    // Created on the main thread by the first upload; stopped when the application exits.
    if (!g_storageThread) {
        g_storageThread = new QThread;
        g_storageThread->setObjectName(QStringLiteral("roomshare-storage"));
        g_storageThread->start();
        qAddPostRoutine(stopStorageThread);
    }
    return g_storageThread;
}

UploadWriter::UploadWriter(const QString &path)
    : m_file(path)
{ }

UploadWriter::~UploadWriter() = default;

bool UploadWriter::open()
{
    // Unbuffered: each chunk goes straight to the OS, so a full disk shows up on the write
    // that hit it rather than at some later flush.
    return m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered);
}

void UploadWriter::start()
{
    moveToThread(storageThread());
}

void UploadWriter::append(const QByteArray &message, qsizetype payloadOffset)
{
    QMetaObject::invokeMethod(
        this, [this, message, payloadOffset] { doAppend(message, payloadOffset); },
        Qt::QueuedConnection);
}

void UploadWriter::finish()
{
    QMetaObject::invokeMethod(
        this, [this] { doFinish(); }, Qt::QueuedConnection);
}

void UploadWriter::dispose()
{
    disconnect();
    deleteLater();
}

void UploadWriter::doAppend(const QByteArray &message, qsizetype payloadOffset)
{
    if (!m_error.isEmpty())
        return;
    const QByteArrayView payload = QByteArrayView(message).sliced(payloadOffset);
    if (m_file.write(payload.data(), payload.size()) != payload.size()) {
        m_error = m_file.errorString();
        qCWarning(lcServer) << "write failed for" << m_file.fileName() << m_error;
        return;
    }
    m_hash.addData(payload);
    m_written += payload.size();
    Q_EMIT written(m_written);
}

void UploadWriter::doFinish()
{
    m_file.close();
    if (m_error.isEmpty() && m_file.error() != QFileDevice::NoError)
        m_error = m_file.errorString();
    Q_EMIT finished(m_error.isEmpty() ? m_hash.hexResult() : QString(), m_error);
}

} // namespace Roomshare::Server
