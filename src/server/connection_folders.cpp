// Shared folders (docs/protocol.md "Folders"): the optional `group`, `path` and
// `groupSize` of `upload-begin`, checked before anything is stored.

#include "connection_p.h"
#include "room_p.h"
#include "roomserver_p.h"
#include "serverlogging_p.h"

#include <folderpaths.h>
#include <jsonnumbers.h>

namespace Roomshare::Server {

bool Connection::parseFolder(const QJsonObject &msg, const QJsonValue &rid, FolderTag *folder)
{
    const QJsonValue group = msg.value(QLatin1String("group"));
    const QJsonValue path = msg.value(QLatin1String("path"));
    const QJsonValue groupSize = msg.value(QLatin1String("groupSize"));
    // Older clients and the browser page send none of them: a file on its own.
    if (group.isUndefined() && path.isUndefined() && groupSize.isUndefined())
        return true;
    auto refuse = [&](ErrorCode code, const QString &why) {
        qCInfo(lcServer) << m_clientId << "folder entry refused:" << why;
        sendError(rid, code, why);
        return false;
    };
    if (!group.isString() || !path.isString() || groupSize.isUndefined())
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("A folder entry needs \"group\", \"path\" and \"groupSize\""));
    if (!FolderPaths::isValidGroup(group.toString()))
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("\"group\" must be 1 to %1 characters of A-Z, a-z, 0-9, "
                                     "\"_\" and \"-\"")
                          .arg(FolderPaths::MaxGroupLength));
    const QString problem = FolderPaths::problem(path.toString());
    if (!problem.isEmpty())
        return refuse(ErrorCode::InvalidPath, problem);
    const auto declared = JsonNumbers::exactInteger(groupSize);
    if (!declared || *declared < 1)
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("\"groupSize\" must be a positive integer"));
    if (*declared > FolderPaths::MaxEntries)
        return refuse(ErrorCode::FolderTooLarge,
                      QStringLiteral("The folder has %1 entries; this server accepts at most %2 "
                                     "files and empty folders in one shared folder")
                          .arg(*declared)
                          .arg(FolderPaths::MaxEntries));
    if (msg.value(QLatin1String("mime")).toString() == FolderPaths::directoryMimeType()
        && JsonNumbers::exactInteger(msg.value(QLatin1String("size"))).value_or(-1) != 0)
        return refuse(ErrorCode::InvalidRequest,
                      QStringLiteral("An empty folder's entry (inode/directory) has size 0"));

    folder->group = group.toString();
    folder->path = path.toString();
    folder->groupSize = *declared;
    // A folder holds what its sender declared, no more: its published files plus its
    // uploads in progress.
    const QString key = folder->key(m_session->owner);
    qint64 entries = m_room->folderFileCount(key);
    for (const auto &[id, upload] : m_server->uploads) {
        if (upload->room == m_room->name() && upload->folder.group == folder->group
            && upload->owner == m_session->owner)
            ++entries;
    }
    if (entries >= folder->groupSize)
        return refuse(ErrorCode::FolderTooLarge,
                      QStringLiteral("The folder was declared with %1 entries and already has "
                                     "them all")
                          .arg(folder->groupSize));
    return true;
}

} // namespace Roomshare::Server
