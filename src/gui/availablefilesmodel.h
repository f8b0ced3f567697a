#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>

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
        FileInfoRole, //!< FileInfo
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
    FileInfo fileAt(int row) const { return m_rows.value(row).file; }
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
    struct Row
    {
        FileInfo file;
        LocalState state = LocalState::New;
        QString localPath;
    };
    void emitRowChanged(int row);
    void checkNewCount();

    QPointer<Room> m_room;
    QList<Row> m_rows;
    int m_lastNewCount = 0;
};

} // namespace Roomshare::Gui
