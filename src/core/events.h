#pragma once

#include <QJsonArray>
#include <QJsonObject>

#include "errors.h"
#include "fileinfo.h"
#include "transferinfo.h"

//! Builders for the EnableX-shaped JSON objects the Room emits and passes to callbacks.
namespace Roomshare::Events {

//! {result, error, desc}: the seed's error object for callbacks.
QJsonObject error(ErrorCode code, const QString &desc = QString());
//! fs-upload-result: "upload-started", "upload-completed", "upload-failed" or "upload-cancelled".
QJsonObject upload(const TransferInfo &info, const FileInfo &announced = FileInfo());
//! fs-download-result for a job: "download-started", "-completed", "-failed" or "-cancelled".
QJsonObject download(const TransferInfo &info);
//! "upload-resumed" {upJobId, offset} or "download-resumed" {jobId, offset}: the job continues
//! from \a offset after a reconnection.
QJsonObject resumed(const TransferInfo &info, qint64 offset);
//! fs-download-result "download-available" for a newly offered file.
QJsonObject downloadAvailable(const FileInfo &file);
//! The cancelUploads()/cancelDownloads() success callback object:
//! {result: 0, description, response: {cancelled: [ids]}}.
QJsonObject cancelled(const QString &description, const QJsonArray &ids);
//! The recvFiles() success callback object ("download-success").
QJsonObject downloadSuccess(const TransferInfo &info);

} // namespace Roomshare::Events
