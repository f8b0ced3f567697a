#include "myfilesmodel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include "formatting.h"
#include "room.h"

namespace Roomshare::Gui {

MyFilesModel::MyFilesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void MyFilesModel::setRoom(Room *room)
{
    if (m_room)
        disconnect(m_room, nullptr, this, nullptr);
    m_room = room;
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    if (!room)
        return;
    connect(room, &Room::connected, this, &MyFilesModel::refresh);
    connect(room, &Room::fileDelivered, this, &MyFilesModel::refresh);
    connect(room, &Room::ownFileRemoved, this, &MyFilesModel::refresh);
    connect(room, &Room::fsUploadResult, this, [this](const QJsonObject &event) {
        if (event.value(QLatin1String("messageType")).toString()
            == QLatin1String("upload-completed"))
            refresh();
    });
    // Names of recipients come from the participants list.
    auto namesChanged = [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, RecipientsColumn), index(rowCount() - 1, RecipientsColumn),
                               { Qt::DisplayRole, Qt::ToolTipRole, SortRole });
    };
    connect(room, &Room::participantJoined, this, namesChanged);
    connect(room, &Room::participantLeft, this, namesChanged);
    if (room->isConnected())
        refresh();
}

void MyFilesModel::refresh()
{
    if (!m_room || !m_room->isConnected())
        return;
    const quint64 generation = ++m_generation;
    m_room->listMyFiles([this, generation,
                         guard = QPointer<MyFilesModel>(this)](const QJsonObject &result) {
        if (!guard || generation != m_generation)
            return;
        if (result.value(QLatin1String("result")).toInt(-1) != 0) {
            Q_EMIT refreshFailed(result.value(QLatin1String("desc")).toString());
            return;
        }
        QList<Row> rows;
        const QJsonArray files = result.value(QLatin1String("response"))
                                     .toObject()
                                     .value(QLatin1String("files"))
                                     .toArray();
        for (const auto &v : files) {
            const QJsonObject o = v.toObject();
            Row row;
            row.index = o.value(QLatin1String("index")).toInteger(-1);
            row.name = o.value(QLatin1String("name")).toString();
            row.size = o.value(QLatin1String("size")).toInteger();
            for (const auto &id : o.value(QLatin1String("recipients")).toArray())
                row.recipients.append(id.toString());
            row.createdAt
                = QDateTime::fromMSecsSinceEpoch(o.value(QLatin1String("createdAt")).toInteger());
            row.expiresAt
                = QDateTime::fromMSecsSinceEpoch(o.value(QLatin1String("expiresAt")).toInteger());
            row.downloads = o.value(QLatin1String("downloads")).toInteger();
            for (const auto &d : o.value(QLatin1String("deliveredTo")).toArray())
                row.deliveredTo.append(d.toObject().value(QLatin1String("name")).toString());
            row.deliveredTo.sort(Qt::CaseInsensitive);
            rows.append(row);
        }
        beginResetModel();
        m_rows = rows;
        endResetModel();
        Q_EMIT refreshed();
    });
}

void MyFilesModel::withdraw(qint64 fileIndex)
{
    if (!m_room)
        return;
    m_room->removeFile(
        fileIndex,
        [this, fileIndex, guard = QPointer<MyFilesModel>(this)](const QJsonObject &result) {
            if (!guard)
                return;
            const int code = result.value(QLatin1String("result")).toInt(-1);
            if (code != 0) {
                Q_EMIT withdrawn(
                    fileIndex,
                    Format::error(ErrorCode(code), result.value(QLatin1String("desc")).toString()));
                return;
            }
            removeRow(fileIndex);
            Q_EMIT withdrawn(fileIndex, QString());
        });
}

void MyFilesModel::removeRow(qint64 fileIndex)
{
    const int row = rowOf(fileIndex);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

int MyFilesModel::rowOf(qint64 fileIndex) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).index == fileIndex)
            return i;
    }
    return -1;
}

int MyFilesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int MyFilesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString MyFilesModel::recipientsText(const Row &row) const
{
    if (row.recipients.isEmpty())
        return tr("Everyone");
    const QList<Participant> present = m_room ? m_room->participants() : QList<Participant>();
    QStringList names;
    for (const QString &id : row.recipients) {
        QString name = id;
        for (const Participant &p : present) {
            if (p.clientId == id)
                name = p.name;
        }
        names.append(name);
    }
    return Format::nameList(names);
}

QString MyFilesModel::deliveredText(const Row &row)
{
    if (row.deliveredTo.isEmpty())
        return QString();
    const QString names = Format::nameList(row.deliveredTo);
    if (row.recipients.isEmpty())
        return names;
    return tr("%1 (%2 of %3)").arg(names).arg(row.deliveredTo.size()).arg(row.recipients.size());
}

QVariant MyFilesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    if (role == FileIndexRole)
        return row.index;
    if (role == FileNameRole)
        return row.name;
    switch (index.column()) {
    case NameColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == SortRole)
            return row.name;
        break;
    case SizeColumn:
        if (role == Qt::DisplayRole)
            return Format::size(row.size);
        if (role == SortRole)
            return row.size;
        if (role == Qt::TextAlignmentRole)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case RecipientsColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == SortRole)
            return recipientsText(row);
        break;
    case SharedColumn:
        if (role == Qt::DisplayRole)
            return Format::timeShared(row.createdAt);
        if (role == SortRole)
            return row.createdAt;
        if (role == Qt::ToolTipRole)
            return QLocale().toString(row.createdAt.toLocalTime(), QLocale::LongFormat);
        break;
    case ExpiresColumn:
        if (role == Qt::DisplayRole)
            return QLocale().toString(row.expiresAt.toLocalTime(), QLocale::ShortFormat);
        if (role == SortRole)
            return row.expiresAt;
        break;
    case DownloadsColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return row.downloads;
        if (role == Qt::ToolTipRole)
            return tr("Downloaded completely %n time(s)", nullptr, int(row.downloads));
        if (role == Qt::TextAlignmentRole)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case DeliveredColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return deliveredText(row);
        if (role == Qt::ToolTipRole)
            return row.deliveredTo.isEmpty() ? tr("Nobody has confirmed receiving it yet")
                                             : tr("Downloaded by %1").arg(deliveredText(row));
        break;
    default:
        break;
    }
    return QVariant();
}

QVariant MyFilesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QVariant();
    switch (section) {
    case NameColumn:
        return tr("Name");
    case SizeColumn:
        return tr("Size");
    case RecipientsColumn:
        return tr("Sent to");
    case SharedColumn:
        return tr("Shared");
    case ExpiresColumn:
        return tr("Available until");
    case DownloadsColumn:
        return tr("Downloads");
    case DeliveredColumn:
        return tr("Downloaded by");
    default:
        return QVariant();
    }
}

} // namespace Roomshare::Gui
