#pragma once

#include <QObject>
#include <QString>

namespace Roomshare {
Q_NAMESPACE

//! Error codes of the file-share API. 1180-1187 keep the EnableX meanings;
//! Roomshare's own codes start at 1188 and are documented in docs/protocol.md.
enum class ErrorCode : int {
    None = 0,
    RoomDisconnected = 1180, //!< the room is not connected
    FileNotAvailable = 1181, //!< unknown index, or a file not offered to this participant
    UploadFailed = 1182, //!< generic upload failure
    DownloadFailed = 1183, //!< generic download failure
    EmptyFileList = 1185, //!< sendFiles() with no files
    FileTooLarge = 1187, //!< file larger than the server's maximum
    // Roomshare's own codes:
    InvalidInvite
    = 1188, //!< invite link or join token malformed, badly signed, expired or for another room
    InvalidRequest
    = 1189, //!< malformed or contradictory request (bad JSON, wrong types, no recipients)
    UnknownJob = 1190, //!< no upload/download job with that id
    IntegrityError = 1191, //!< SHA-256 of the received bytes does not match the sender's
    Cancelled = 1192, //!< the job was cancelled by this side
    FileWithdrawn = 1193, //!< the sender (or a moderator) withdrew the file, or it expired
    StorageError = 1194, //!< the server could not store the data (disk full, write error)
    LocalFileError = 1195, //!< this side could not read the source or write the target file
    LimitExceeded = 1196, //!< a server limit was hit (too many transfers, message too large, rate)
    ConnectionLost = 1197, //!< the connection dropped while the job was running
    ProtocolError = 1198, //!< the peer broke the protocol (unexpected chunk, offset past the end)
    NotPermitted = 1199, //!< the participant's role does not allow the action
    TlsVerificationFailed = 1200, //!< the server's TLS certificate is not trusted or does not match
                                  //!< the pinned fingerprint
    InvalidPath = 1201, //!< a folder path that is absolute, climbs out (`..`), is empty, too long
                        //!< or too deep (docs/protocol.md, "Folders")
    FolderTooLarge = 1202, //!< more files in one shared folder than the server allows
};
Q_ENUM_NS(ErrorCode)

//! A short human sentence for \a code, suitable for the "desc" field.
QString errorText(ErrorCode code);
//! The "error" summary line for \a code ("file upload failed", ...), as the EnableX callbacks carry
//! it.
QString errorTitle(ErrorCode code);

} // namespace Roomshare
