#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QPointer>
#include <QStringList>

namespace Roomshare {
class Room;
} // namespace Roomshare

namespace Roomshare::Gui {

//! "Shared by You": the files this participant sent that are still in the room, from this
//! session and its earlier ones (Room::listMyFiles(), docs/protocol.md "Your own files"),
//! one row each with to whom, when, until when and how many downloads. The server announces
//! no file to its own sender, so the list is asked for again by refresh(): on every
//! (re)connection, after each completed upload, on each delivery receipt
//! (Room::fileDelivered), when one of the files leaves the room (Room::ownFileRemoved:
//! removed by a moderator, expired, at its download limit) and when the user asks.
class MyFilesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MyFilesModel)
public:
    enum Column {
        NameColumn,
        SizeColumn,
        RecipientsColumn,
        SharedColumn,
        ExpiresColumn,
        DownloadsColumn,
        DeliveredColumn, //!< "Bob, Carol" from the delivery receipts; "(2 of 3)" if targeted
        ColumnCount
    };
    Q_ENUM(Column)

    enum Roles {
        SortRole = Qt::UserRole + 1, //!< raw value of the cell for sorting
        FileIndexRole, //!< qint64 room-wide index
        FileNameRole, //!< QString, the name as sent
    };
    Q_ENUM(Roles)

    explicit MyFilesModel(QObject *parent = nullptr);

    //! Follows \a room (refreshing on connection and completed uploads); nullptr clears.
    void setRoom(Room *room);
    //! Asks the server for the list again; the rows are replaced when the answer arrives
    //! (refreshed() then). An answer to an older refresh is ignored.
    void refresh();
    //! Withdraws file \a index for everyone (Room::removeFile()); its row goes when the
    //! server confirms. withdrawn() tells the outcome.
    void withdraw(qint64 index);
    //! Row of file \a index, or -1.
    int rowOf(qint64 index) const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    //! A refresh() was answered and the rows replaced.
    void refreshed();
    //! A refresh() failed: \a text says why.
    void refreshFailed(const QString &text);
    //! withdraw(\a index) ended: \a error is empty on success, else a sentence.
    void withdrawn(qint64 index, const QString &error);

private:
    struct Row
    {
        qint64 index = -1;
        QString name;
        qint64 size = 0;
        QStringList recipients; //!< client ids; empty for everyone
        QDateTime createdAt;
        QDateTime expiresAt;
        qint64 downloads = 0;
        QStringList deliveredTo; //!< names, from the delivery receipts
    };
    QString recipientsText(const Row &row) const;
    static QString deliveredText(const Row &row);
    void removeRow(qint64 index);

    QPointer<Room> m_room;
    QList<Row> m_rows;
    quint64 m_generation = 0; //!< of the latest refresh()
};

} // namespace Roomshare::Gui
