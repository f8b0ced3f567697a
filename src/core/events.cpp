#include "events.h"

namespace Roomshare::Events {

namespace {

QString statusWord(TransferInfo::Status s)
{
    switch (s) {
    case TransferInfo::Status::Pending:
    case TransferInfo::Status::Running:
        return QStringLiteral("started");
    case TransferInfo::Status::Completed:
        return QStringLiteral("completed");
    case TransferInfo::Status::Failed:
        return QStringLiteral("failed");
    case TransferInfo::Status::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QString();
}

QJsonObject envelope(const QString &messageType, ErrorCode code, const QString &description,
                     const QJsonObject &response, const QString &reason)
{
    QJsonObject o{ { QStringLiteral("messageType"), messageType },
                   { QStringLiteral("result"), int(code) },
                   { QStringLiteral("description"), description },
                   { QStringLiteral("response"), response } };
    if (code != ErrorCode::None) {
        o.insert(QStringLiteral("error"), errorTitle(code));
        o.insert(QStringLiteral("desc"), reason.isEmpty() ? errorText(code) : reason);
    }
    return o;
}

} // namespace

QJsonObject error(ErrorCode code, const QString &desc)
{
    return QJsonObject{ { QStringLiteral("result"), int(code) },
                        { QStringLiteral("error"), errorTitle(code) },
                        { QStringLiteral("desc"), desc.isEmpty() ? errorText(code) : desc } };
}

QJsonObject upload(const TransferInfo &info, const FileInfo &announced)
{
    const QString word = statusWord(info.status);
    QJsonObject uploadInfo{ { QStringLiteral("upJobId"), double(info.id) },
                            { QStringLiteral("name"), info.name },
                            { QStringLiteral("size"), double(info.totalBytes) },
                            { QStringLiteral("type"), info.mimeType } };
    if (announced.isValid()) {
        uploadInfo.insert(QStringLiteral("index"), double(announced.index));
        uploadInfo.insert(QStringLiteral("createdAt"),
                          double(announced.createdAt.toMSecsSinceEpoch()));
        uploadInfo.insert(QStringLiteral("expiresAt"),
                          double(announced.expiresAt.toMSecsSinceEpoch()));
        uploadInfo.insert(QStringLiteral("sha256"), announced.sha256);
        uploadInfo.insert(QStringLiteral("speed"), double(info.bytesPerSecond));
    }
    const QJsonObject response{ { QStringLiteral("uploadStatus"), word },
                                { QStringLiteral("upJobId"), double(info.id) },
                                { QStringLiteral("uploadInfo"), uploadInfo } };
    return envelope(QStringLiteral("upload-") + word, info.error, QStringLiteral("upload ") + word,
                    response, info.errorText);
}

QJsonObject download(const TransferInfo &info)
{
    const QString word = statusWord(info.status);
    QJsonObject downloadInfo{ { QStringLiteral("name"), info.name },
                              { QStringLiteral("size"), double(info.totalBytes) },
                              { QStringLiteral("index"), double(info.fileIndex) } };
    if (info.status == TransferInfo::Status::Completed) {
        downloadInfo.insert(QStringLiteral("path"), info.localPath);
        downloadInfo.insert(QStringLiteral("speed"), double(info.bytesPerSecond));
    }
    const QJsonObject response{ { QStringLiteral("downloadStatus"), word },
                                { QStringLiteral("jobId"), double(info.id) },
                                { QStringLiteral("downloadInfo"), downloadInfo } };
    return envelope(QStringLiteral("download-") + word, info.error,
                    QStringLiteral("download-") + word, response, info.errorText);
}

QJsonObject resumed(const TransferInfo &info, qint64 offset)
{
    const bool upload = info.direction == TransferInfo::Direction::Upload;
    const QString type
        = upload ? QStringLiteral("upload-resumed") : QStringLiteral("download-resumed");
    const QJsonObject response{ { upload ? QStringLiteral("upJobId") : QStringLiteral("jobId"),
                                  double(info.id) },
                                { QStringLiteral("offset"), double(offset) } };
    return envelope(type, ErrorCode::None,
                    upload ? QStringLiteral("upload resumed") : QStringLiteral("download resumed"),
                    response, QString());
}

QJsonObject downloadAvailable(const FileInfo &file)
{
    const QJsonObject response{ { QStringLiteral("downloadStatus"), QStringLiteral("available") },
                                { QStringLiteral("downloadInfo"), file.toJson() } };
    return envelope(QStringLiteral("download-available"), ErrorCode::None,
                    QStringLiteral("download-available"), response, QString());
}

QJsonObject cancelled(const QString &description, const QJsonArray &ids)
{
    return QJsonObject{ { QStringLiteral("result"), 0 },
                        { QStringLiteral("description"), description },
                        { QStringLiteral("response"),
                          QJsonObject{ { QStringLiteral("cancelled"), ids } } } };
}

QJsonObject downloadSuccess(const TransferInfo &info)
{
    const QJsonObject response{ { QStringLiteral("downloadStatus"), QStringLiteral("success") },
                                { QStringLiteral("jobId"), double(info.id) },
                                { QStringLiteral("index"), double(info.fileIndex) },
                                { QStringLiteral("name"), info.name },
                                { QStringLiteral("type"), info.mimeType },
                                { QStringLiteral("size"), double(info.totalBytes) },
                                { QStringLiteral("path"), info.localPath } };
    return envelope(QStringLiteral("download-success"), ErrorCode::None,
                    QStringLiteral("download-success"), response, QString());
}

} // namespace Roomshare::Events
