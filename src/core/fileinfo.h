#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace Roomshare {

//! A file offered in the room, as the server describes it (docs/protocol.md, "FILE objects").
struct FileInfo
{
    qint64 index = -1; //!< room-wide stable id; never reused in the room
    QString name; //!< the sender's name for it, unsanitised: sanitise before using as a path
    qint64 size = 0;
    QString mimeType;
    QString sha256; //!< lower-case hex
    QString sender; //!< display name of the sender
    QString senderId; //!< clientId of the sender
    QDateTime createdAt;
    QDateTime expiresAt;
    bool broadcast = true; //!< false: sent to chosen participants only
    //! Shared folders (docs/protocol.md "Folders"); empty / 0 for a file on its own.
    QString group; //!< the sender's id for the shared folder
    QString path; //!< the relative folder, unsanitised: sanitise before using as a path
    qint64 groupSize = 0; //!< entries (files and empty folders) the sender declared

    bool isValid() const { return index >= 0; }
    bool isInFolder() const { return !group.isEmpty(); }
    //! An empty folder's entry: nothing to save but the folder itself.
    bool isEmptyFolderEntry() const;
    //! The key of the shared folder for the whole room: sender id, ":" and group.
    QString folderKey() const
    {
        return isInFolder() ? senderId + QLatin1Char(':') + group : QString();
    }
    //! The shared folder's name (the first component of path).
    QString folderName() const { return path.section(QLatin1Char('/'), 0, 0); }
    //! The protocol's FILE object.
    static FileInfo fromJson(const QJsonObject &o);
    //! The EnableX `availableFiles` entry: {name, size, index, sender, senderId, createdAt,
    //! expiresAt} plus broadcast, type and sha256 (and group, path, groupSize for a folder's
    //! entry). Times are milliseconds since the epoch.
    QJsonObject toJson() const;
};

//! A member of the room.
struct Participant
{
    QString clientId;
    QString name;
    QString role; //!< "participant" or "moderator"

    bool isModerator() const { return role == QLatin1String("moderator"); }
    static Participant fromJson(const QJsonObject &o);
    QJsonObject toJson() const;
    friend bool operator==(const Participant &a, const Participant &b)
    {
        return a.clientId == b.clientId && a.name == b.name && a.role == b.role;
    }
};

} // namespace Roomshare

Q_DECLARE_METATYPE(Roomshare::FileInfo)
Q_DECLARE_METATYPE(Roomshare::Participant)
