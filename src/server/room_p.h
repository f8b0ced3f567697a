#pragma once

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include <map>
#include <memory>

namespace Roomshare::Server {

class Connection;

//! A complete, verified file offered in a room. Immutable once published.
struct StoredFile
{
    qint64 index = 0;
    QString name; //!< as the sender sent it; never used as a path
    qint64 size = 0;
    QString mime;
    QString sha256; //!< lower-case hex
    QString senderName;
    QString senderId;
    qint64 createdAt = 0; //!< ms since the epoch
    qint64 expiresAt = 0; //!< ms since the epoch
    bool broadcast = true;
    QSet<QString> recipients; //!< client ids, for targeted files
    QString storagePath;

    //! The visibility rule of docs/protocol.md: never the sender; everyone else for a
    //! broadcast file; only the named recipients for a targeted one.
    bool isVisibleTo(const QString &clientId) const;
    QJsonObject toJson() const;
};

using StoredFilePtr = std::shared_ptr<const StoredFile>;

//! One room: its members in join order and its files by index. A room outlives its
//! members so that files stay available and indexes are never reused.
class Room final
{
public:
    explicit Room(const QString &name)
        : m_name(name)
    { }

    QString name() const { return m_name; }

    const QList<Connection *> &members() const { return m_members; }
    void addMember(Connection *connection);
    void removeMember(Connection *connection);
    bool hasMember(const QString &clientId) const;

    //! Stores \a file under the next index, which it returns.
    StoredFilePtr addFile(StoredFile file);
    //! Removes and returns file \a index, or nullptr if there is none.
    StoredFilePtr takeFile(qint64 index);
    StoredFilePtr file(qint64 index) const;
    //! File \a index if \a clientId may see it, else nullptr (same answer as "no such file").
    StoredFilePtr visibleFile(qint64 index, const QString &clientId) const;
    QList<StoredFilePtr> visibleFiles(const QString &clientId) const;
    QList<StoredFilePtr> files() const;
    int fileCount() const { return int(m_files.size()); }

private:
    QString m_name;
    QList<Connection *> m_members;
    std::map<qint64, StoredFilePtr> m_files;
    qint64 m_nextIndex = 1;
};

} // namespace Roomshare::Server
