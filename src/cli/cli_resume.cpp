// `roomshare-cli send` of a file whose upload an earlier run left unfinished (killed,
// crashed, the machine rebooted): continue it from the server's durable offset, or say
// why not and start over.

#include "cli.h"

#include <QFileInfo>

#include <cstdio>

namespace Roomshare::Cli {

QStringList Command::resumeUnfinished(const QStringList &files)
{
    const QList<UnfinishedUpload> unfinished = m_room.unfinishedUploads();
    QStringList fresh;
    for (const QString &file : files) {
        const QString path = QFileInfo(file).absoluteFilePath();
        UnfinishedUpload record;
        for (const UnfinishedUpload &u : unfinished)
            if (u.path == path && record.uploadId == 0)
                record = u;
        if (record.uploadId == 0) {
            fresh.append(file);
            continue;
        }
        QString why;
        if (!record.sourceUnchanged(&why)) {
            std::fprintf(stderr,
                         "roomshare-cli: not resuming the unfinished upload of %s: %s; "
                         "sending it again from the start\n",
                         qPrintable(path), qPrintable(why));
            printLine(
                QJsonObject{ { QStringLiteral("messageType"), QStringLiteral("upload-discarded") },
                             { QStringLiteral("result"), int(ErrorCode::LocalFileError) },
                             { QStringLiteral("description"), why },
                             { QStringLiteral("response"),
                               QJsonObject{ { QStringLiteral("uploadId"), double(record.uploadId) },
                                            { QStringLiteral("name"), record.name },
                                            { QStringLiteral("path"), path } } } });
            m_room.discardUpload(record.uploadId);
            fresh.append(file);
            continue;
        }
        std::fprintf(stderr,
                     "roomshare-cli: resuming the unfinished upload of %s from an earlier run\n",
                     qPrintable(path));
        ++m_running;
        m_room.resumeUpload(record.uploadId,
                            [this, file](const QJsonObject &result) { resumeEnded(file, result); });
    }
    return fresh;
}

void Command::resumeEnded(const QString &file, const QJsonObject &result)
{
    const int code = result.value(QLatin1String("result")).toInt();
    if (code == int(ErrorCode::UnknownJob)) {
        // The server no longer holds it (its session ended, or it expired): the file still
        // has to arrive, so it goes again from the start.
        std::fprintf(stderr, "roomshare-cli: %s; sending it again from the start\n",
                     qPrintable(result.value(QLatin1String("desc")).toString()));
        const auto ids = m_room.sendFiles({ file }, sendOptions(), [this](const QJsonObject &r) {
            jobFinished(r.value(QLatin1String("result")).toInt() == 0);
        });
        m_running += int(ids.size());
        return jobFinished(true);
    }
    if (!result.contains(QLatin1String("messageType")))
        std::fprintf(stderr, "roomshare-cli: %s\n",
                     qPrintable(result.value(QLatin1String("desc")).toString()));
    jobFinished(code == 0);
}

} // namespace Roomshare::Cli
