#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include "transferinfo.h"

namespace Roomshare {
class Room;
class TransferJob;
} // namespace Roomshare

namespace Roomshare::Gui {

//! One row per upload and per download job of a Room, kept as TransferInfo snapshots so
//! rows outlive their jobs (jobs delete themselves after finishing). Rows stay until
//! removeFinished() or removeTransfer(). The jobs of one shared folder (the same direction
//! and TransferInfo::group) share one row: its snapshot adds up their bytes and speed, is
//! Running while any of them runs and Completed only when all completed, and every job id
//! of the folder finds that row.
//!
//! Updates are coalesced: a job's progress only marks its row dirty, and one timer
//! (flushInterval(), 100 ms by default) turns the dirty rows into dataChanged(): one signal
//! per run of adjacent dirty rows, or a single signal over every row when more than half
//! of them changed. Insertions and removals are signalled at once.
class TransferModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferModel)
public:
    enum Column {
        NameColumn,
        ProgressColumn,
        SizeColumn,
        SpeedColumn,
        TimeLeftColumn,
        StateColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Roles {
        SortRole = Qt::UserRole + 1, //!< raw value of the cell (qint64 bytes, seconds, ...)
        DirectionRole, //!< TransferInfo::Direction as int
        JobIdRole, //!< qint64 job id (unique per direction)
        StatusRole, //!< TransferInfo::Status as int
        ProgressPerMilleRole, //!< int 0..1000 (safe for files over 2 GiB)
        ProcessedBytesRole, //!< qint64
        TotalBytesRole, //!< qint64
        IsFinishedRole, //!< bool: Completed, Failed or Cancelled
        ErrorTextRole, //!< QString: a human sentence; empty unless Failed or Cancelled
        TransferInfoRole, //!< TransferInfo, the whole snapshot (a folder's: the sums)
        EntryCountRole, //!< int: jobs in the row (1, or the entries of a shared folder)
    };
    Q_ENUM(Roles)

    explicit TransferModel(QObject *parent = nullptr);

    //! Adds a row for each job \a room creates from now on; pass nullptr to stop.
    void setRoom(Room *room);
    //! Adds a row for \a job and follows it until it finishes.
    void addJob(TransferJob *job);
    //! Inserts a row for \a info, or updates the row with the same direction and id
    //! (the update reaches views at the next flush).
    void updateTransfer(const TransferInfo &info);
    //! Removes every Completed, Failed and Cancelled row.
    void removeFinished();
    //! Removes the row of the transfer; returns false when there is none.
    bool removeTransfer(TransferInfo::Direction direction, qint64 id);

    //! Row of a transfer, or -1.
    int rowOf(TransferInfo::Direction direction, qint64 id) const;
    TransferInfo transferAt(int row) const { return m_rows.value(row).info; }
    //! The jobs of a folder's row, or the row's one job.
    QList<TransferInfo> entriesAt(int row) const;
    //! Unfinished transfers in \a direction.
    int runningCount(TransferInfo::Direction direction) const;
    bool hasFinished() const;

    int flushInterval() const { return m_flushTimer.interval(); }
    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }
    //! Emits the pending dataChanged() now (tests, and before structural changes).
    void flush();

    //! \a processed / \a total in thousandths, clamped to 0..1000; 0 when \a total is not
    //! positive. Computed without int overflow for any qint64 sizes.
    static int progressPerMille(qint64 processed, qint64 total);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    //! A transfer reached Completed, Failed or Cancelled (emitted once per job, with the
    //! final snapshot; for a shared folder once, when its last job finished, with the
    //! folder's snapshot).
    void transferFinished(const Roomshare::TransferInfo &info);
    //! runningCount() or hasFinished() may have changed (for enabling actions).
    void countsChanged();

private:
    static qint64 key(TransferInfo::Direction direction, qint64 id)
    {
        return id * 2 + (direction == TransferInfo::Direction::Download ? 1 : 0);
    }
    static QString groupKey(TransferInfo::Direction direction, const QString &group)
    {
        return (direction == TransferInfo::Direction::Download ? QLatin1Char('d')
                                                               : QLatin1Char('u'))
            + group;
    }
    struct Row
    {
        TransferInfo info; //!< the job's, or the folder's sums
        QMap<qint64, TransferInfo> entries; //!< a folder's jobs by id; empty otherwise
        bool reported = false; //!< a folder's transferFinished() was emitted
    };
    //! Recomputes a folder row's snapshot from its jobs.
    static void aggregate(Row &row);
    void rebuildIndex();

    QList<Row> m_rows;
    QHash<qint64, int> m_rowByKey; //!< every job's key, a folder's jobs included
    QHash<QString, int> m_rowByGroup; //!< groupKey() -> row
    QSet<qint64> m_dirty;
    QTimer m_flushTimer;
    QPointer<Room> m_room;
};

} // namespace Roomshare::Gui
