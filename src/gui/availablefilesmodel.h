#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

#include <utility>

#include "fileinfo.h"
#include "transferinfo.h"

namespace Roomshare {
class Room;
class TransferJob;
} // namespace Roomshare

namespace Roomshare::Gui {

//! The files available to this participant (Room::availableFiles()), one row each, with
//! what this participant did with them (new, downloading, downloaded, failed). Rows follow
//! the room's fileAvailable / fileRemoved / availableFilesReset signals; the local state
//! follows the room's download jobs. Downloaded rows can be dragged out as file URLs.
//! The entries of one shared folder (FileInfo::folderKey()) share one row: its size adds up
//! theirs, its state is Downloaded only when every entry is, and while fewer entries than
//! the sender declared have arrived it says so.
class AvailableFilesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AvailableFilesModel)
public:
    enum Column {
        NameColumn,
        SizeColumn,
        SenderColumn,
        SharedColumn,
        AudienceColumn,
        StateColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum class LocalState { New, Downloading, Downloaded, Failed };
    Q_ENUM(LocalState)

    enum Roles {
        SortRole
        = Qt::UserRole + 1, //!< raw value of the cell for sorting (qint64 size, QDateTime, ...)
        FileIndexRole, //!< qint64 room-wide index
        LocalStateRole, //!< LocalState as int
        LocalPathRole, //!< QString, the downloaded file; empty unless Downloaded
        FileInfoRole, //!< FileInfo (a folder's row: its first entry)
        FolderKeyRole, //!< QString FileInfo::folderKey(); empty for a file on its own
        EntryCountRole, //!< int: 1, or the entries of the folder available now
    };
    Q_ENUM(Roles)

    explicit AvailableFilesModel(QObject *parent = nullptr);

    //! Follows \a room; pass nullptr to clear.
    void setRoom(Room *room);

    //! Replaces every row (keeps the local state of files that stay).
    void resetFiles(const QList<FileInfo> &files);
    void addFile(const FileInfo &file);
    void removeFile(qint64 index);
    //! Records what happened to the download of file \a index.
    void setLocalState(qint64 index, LocalState state, const QString &localPath = QString());
    //! Follows a download job's life (what setRoom() does for every download job).
    void trackJob(TransferJob *job);

    //! Row of file \a index, or -1.
    int rowOf(qint64 index) const;
    FileInfo fileAt(int row) const { return m_rows.value(row).items.value(0).file; }
    //! Every file of the row: the folder's entries, or the one file.
    QList<FileInfo> filesAt(int row) const;
    //! Files nobody downloaded yet (the window title shows this number).
    int newCount() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override;

Q_SIGNALS:
    //! newCount() changed.
    void newCountChanged(int count);

private:
    struct Item
    {
        FileInfo file;
        LocalState state = LocalState::New;
        QString localPath;
    };
    struct Row
    {
        QString folderKey; //!< empty: one file on its own
        QList<Item> items; //!< never empty
    };
    //! The folder's or the file's state.
    static LocalState stateOf(const Row &row);
    //! Where the folder (or the file) was saved; empty unless Downloaded.
    static QString localPathOf(const Row &row);
    int rowOfFolder(const QString &folderKey) const;
    //! Row and item of file \a index, or {-1, -1}.
    std::pair<int, int> find(qint64 index) const;
    void emitRowChanged(int row);
    void checkNewCount();

    QPointer<Room> m_room;
    QList<Row> m_rows;
    int m_lastNewCount = 0;
};

} // namespace Roomshare::Gui
