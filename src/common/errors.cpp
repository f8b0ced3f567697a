#include "errors.h"

namespace Roomshare {

QString errorText(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return QStringLiteral("success");
    case ErrorCode::RoomDisconnected:
        return QStringLiteral("File sharing is not allowed on disconnected rooms");
    case ErrorCode::FileNotAvailable:
        return QStringLiteral("The file is not available");
    case ErrorCode::UploadFailed:
        return QStringLiteral("The file upload failed");
    case ErrorCode::DownloadFailed:
        return QStringLiteral("The file download failed");
    case ErrorCode::EmptyFileList:
        return QStringLiteral("file upload failed because file list is empty");
    case ErrorCode::FileTooLarge:
        return QStringLiteral("The file is larger than the room allows");
    case ErrorCode::InvalidInvite:
        return QStringLiteral("The invite link is not valid");
    case ErrorCode::InvalidRequest:
        return QStringLiteral("The request is not valid");
    case ErrorCode::UnknownJob:
        return QStringLiteral("There is no transfer with that id");
    case ErrorCode::IntegrityError:
        return QStringLiteral("The file arrived damaged (checksum mismatch)");
    case ErrorCode::Cancelled:
        return QStringLiteral("The transfer was cancelled");
    case ErrorCode::FileWithdrawn:
        return QStringLiteral("The file is no longer available");
    case ErrorCode::StorageError:
        return QStringLiteral("The server could not store the file");
    case ErrorCode::LocalFileError:
        return QStringLiteral("The local file could not be read or written");
    case ErrorCode::LimitExceeded:
        return QStringLiteral("A server limit was exceeded");
    case ErrorCode::ConnectionLost:
        return QStringLiteral("The connection to the room was lost");
    case ErrorCode::ProtocolError:
        return QStringLiteral("The peer broke the protocol");
    case ErrorCode::NotPermitted:
        return QStringLiteral("This action is not permitted");
    case ErrorCode::TlsVerificationFailed:
        return QStringLiteral("The server's identity could not be verified (TLS certificate)");
    case ErrorCode::InvalidPath:
        return QStringLiteral("The folder path is not allowed");
    case ErrorCode::FolderTooLarge:
        return QStringLiteral("The folder has more files than the room allows");
    }
    return QStringLiteral("Unknown error %1").arg(int(code));
}

QString errorTitle(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return QString();
    case ErrorCode::RoomDisconnected:
        return QStringLiteral("room is disconnected");
    case ErrorCode::FileNotAvailable:
        return QStringLiteral("file not available");
    case ErrorCode::EmptyFileList:
    case ErrorCode::UploadFailed:
    case ErrorCode::FileTooLarge:
    case ErrorCode::StorageError:
        return QStringLiteral("file upload failed");
    case ErrorCode::DownloadFailed:
        return QStringLiteral("file download failed");
    case ErrorCode::InvalidInvite:
        return QStringLiteral("invalid invite");
    case ErrorCode::InvalidRequest:
        return QStringLiteral("invalid request");
    case ErrorCode::UnknownJob:
        return QStringLiteral("unknown job");
    case ErrorCode::IntegrityError:
        return QStringLiteral("integrity check failed");
    case ErrorCode::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCode::FileWithdrawn:
        return QStringLiteral("file withdrawn");
    case ErrorCode::LocalFileError:
        return QStringLiteral("local file error");
    case ErrorCode::LimitExceeded:
        return QStringLiteral("limit exceeded");
    case ErrorCode::ConnectionLost:
        return QStringLiteral("connection lost");
    case ErrorCode::ProtocolError:
        return QStringLiteral("protocol error");
    case ErrorCode::NotPermitted:
        return QStringLiteral("not permitted");
    case ErrorCode::TlsVerificationFailed:
        return QStringLiteral("TLS verification failed");
    case ErrorCode::InvalidPath:
        return QStringLiteral("invalid path");
    case ErrorCode::FolderTooLarge:
        return QStringLiteral("folder too large");
    }
    return QStringLiteral("error");
}

} // namespace Roomshare
