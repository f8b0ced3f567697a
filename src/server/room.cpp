#include "room_p.h"

#include "filepage_p.h"

#include <QTimer>

namespace Roomshare::Server {

bool StoredFile::isVisibleTo(const QString &clientId) const
{
    if (clientId == senderId)
        return false;
    return broadcast || recipients.contains(clientId);
}

QJsonObject StoredFile::toJson() const
{
    QJsonObject json{
        { QStringLiteral("index"), index },
        { QStringLiteral("name"), name },
        { QStringLiteral("size"), size },
        // A file stored before media types were checked may hold anything here.
        { QStringLiteral("type"),
          isValidMimeType(mime) ? mime : QStringLiteral("application/octet-stream") },
        { QStringLiteral("sha256"), sha256 },
        { QStringLiteral("sender"), senderName },
        { QStringLiteral("senderId"), senderId },
        { QStringLiteral("createdAt"), createdAt },
        { QStringLiteral("expiresAt"), expiresAt },
        { QStringLiteral("broadcast"), broadcast },
    };
    if (maxDownloads > 0)
        json.insert(QStringLiteral("maxDownloads"), maxDownloads);
    if (!folder.isEmpty()) {
        json.insert(QStringLiteral("group"), folder.group);
        json.insert(QStringLiteral("path"), folder.path);
        json.insert(QStringLiteral("groupSize"), folder.groupSize);
    }
    return json;
}

QJsonObject Session::participantJson() const
{
    return QJsonObject{ { QStringLiteral("clientId"), clientId },
                        { QStringLiteral("name"), name },
                        { QStringLiteral("role"), role } };
}

void Room::addMember(Session *session)
{
    if (!m_members.contains(session))
        m_members.append(session);
}

void Room::removeMember(Session *session)
{
    m_members.removeAll(session);
}

bool Room::hasMember(const QString &clientId) const
{
    if (hasLocalMember(clientId))
        return true;
    for (const RemoteMember &m : m_remoteMembers) {
        if (m.clientId == clientId)
            return true;
    }
    return false;
}

bool Room::hasLocalMember(const QString &clientId) const
{
    for (const Session *s : m_members) {
        if (s->clientId == clientId)
            return true;
    }
    return false;
}

bool Room::addRemoteMember(const RemoteMember &member)
{
    for (RemoteMember &m : m_remoteMembers) {
        if (m.clientId == member.clientId) {
            m = member;
            return false;
        }
    }
    m_remoteMembers.append(member);
    return true;
}

std::optional<RemoteMember> Room::takeRemoteMember(const QString &clientId)
{
    for (qsizetype i = 0; i < m_remoteMembers.size(); ++i) {
        if (m_remoteMembers.at(i).clientId == clientId)
            return m_remoteMembers.takeAt(i);
    }
    return std::nullopt;
}

QList<RemoteMember> Room::takeRemoteMembersOf(const QString &node)
{
    QList<RemoteMember> out;
    for (qsizetype i = m_remoteMembers.size() - 1; i >= 0; --i) {
        if (m_remoteMembers.at(i).node == node)
            out.prepend(m_remoteMembers.takeAt(i));
    }
    return out;
}

StoredFilePtr Room::insertFile(StoredFile file)
{
    m_nextIndex = qMax(m_nextIndex, file.index + 1);
    auto ptr = std::make_shared<const StoredFile>(std::move(file));
    if (const auto old = m_files.find(ptr->index);
        old != m_files.end() && !old->second->folder.isEmpty())
        --m_folderFiles[old->second->folder.key(old->second->owner)];
    m_files[ptr->index] = ptr;
    if (!ptr->folder.isEmpty())
        ++m_folderFiles[ptr->folder.key(ptr->owner)];
    return ptr;
}

StoredFilePtr Room::takeFile(qint64 index)
{
    const auto it = m_files.find(index);
    if (it == m_files.end())
        return nullptr;
    StoredFilePtr file = it->second;
    m_files.erase(it);
    if (!file->folder.isEmpty()) {
        const QString key = file->folder.key(file->owner);
        if (--m_folderFiles[key] <= 0)
            m_folderFiles.remove(key);
    }
    m_downloadCounts.remove(index);
    m_deliveries.remove(index);
    return file;
}

bool Room::addDelivery(qint64 index, const Delivery &delivery)
{
    QList<Delivery> &list = m_deliveries[index];
    for (const Delivery &d : std::as_const(list)) {
        if (d.clientId == delivery.clientId)
            return false;
    }
    list.append(delivery);
    return true;
}

StoredFilePtr Room::file(qint64 index) const
{
    const auto it = m_files.find(index);
    return it == m_files.end() ? nullptr : it->second;
}

StoredFilePtr Room::visibleFile(qint64 index, const QString &clientId) const
{
    StoredFilePtr f = file(index);
    return f && f->isVisibleTo(clientId) ? f : nullptr;
}

QList<StoredFilePtr> Room::visibleFiles(const QString &clientId) const
{
    QList<StoredFilePtr> out;
    for (const auto &[index, f] : m_files) {
        if (f->isVisibleTo(clientId))
            out.append(f);
    }
    return out;
}

void Room::forEachFileAfter(qint64 after,
                            const std::function<bool(const StoredFilePtr &)> &visit) const
{
    for (auto it = m_files.upper_bound(after); it != m_files.end(); ++it) {
        if (!visit(it->second))
            return;
    }
}

QList<StoredFilePtr> Room::files() const
{
    QList<StoredFilePtr> out;
    out.reserve(qsizetype(m_files.size()));
    for (const auto &[index, f] : m_files)
        out.append(f);
    return out;
}

} // namespace Roomshare::Server
