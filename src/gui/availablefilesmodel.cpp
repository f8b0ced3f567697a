#include "availablefilesmodel.h"

#include <QFont>
#include <QLocale>
#include <QMimeData>
#include <QUrl>

#include "filenames.h"
#include "filetypeicons.h"
#include "formatting.h"
#include "room.h"
#include "transferjob.h"

namespace Roomshare::Gui {

AvailableFilesModel::AvailableFilesModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void AvailableFilesModel::setRoom(Room *room)
{
    if (m_room)
        disconnect(m_room, nullptr, this, nullptr);
    m_room = room;
    if (!room) {
        resetFiles({});
        return;
    }
    connect(room, &Room::availableFilesReset, this,
            [this] { resetFiles(m_room->availableFileList()); });
    connect(room, &Room::connected, this, [this] { resetFiles(m_room->availableFileList()); });
    connect(room, &Room::fileAvailable, this, &AvailableFilesModel::addFile);
    connect(room, &Room::fileRemoved, this,
            [this](qint64 index, const QString &) { removeFile(index); });
    connect(room, &Room::jobAdded, this, &AvailableFilesModel::trackJob);
    resetFiles(room->availableFileList());
}

void AvailableFilesModel::resetFiles(const QList<FileInfo> &files)
{
    QHash<qint64, Row> previous;
    for (const Row &row : std::as_const(m_rows))
        previous.insert(row.file.index, row);
    beginResetModel();
    m_rows.clear();
    for (const FileInfo &file : files) {
        Row row = previous.value(file.index);
        row.file = file;
        m_rows.append(row);
    }
    endResetModel();
    checkNewCount();
}

void AvailableFilesModel::addFile(const FileInfo &file)
{
    const int existing = rowOf(file.index);
    if (existing >= 0) {
        m_rows[existing].file = file;
        emitRowChanged(existing);
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(Row{ file, LocalState::New, QString() });
    endInsertRows();
    checkNewCount();
}

void AvailableFilesModel::removeFile(qint64 index)
{
    const int row = rowOf(index);
    if (row < 0)
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    checkNewCount();
}

void AvailableFilesModel::setLocalState(qint64 index, LocalState state, const QString &localPath)
{
    const int row = rowOf(index);
    if (row < 0)
        return;
    Row &r = m_rows[row];
    r.state = state;
    if (state == LocalState::Downloaded)
        r.localPath = localPath;
    emitRowChanged(row);
    checkNewCount();
}

void AvailableFilesModel::trackJob(TransferJob *job)
{
    if (!job || job->direction() != TransferInfo::Direction::Download)
        return;
    const qint64 index = job->info().fileIndex;
    const int row = rowOf(index);
    // A new download of a file already on disk keeps showing "Downloaded" until it ends.
    if (row >= 0 && m_rows.at(row).state != LocalState::Downloaded)
        setLocalState(index, LocalState::Downloading);
    connect(job, &TransferJob::finished, this, [this, index](TransferJob *finished) {
        const TransferInfo info = finished->info();
        switch (info.status) {
        case TransferInfo::Status::Completed:
            setLocalState(index, LocalState::Downloaded, info.localPath);
            break;
        case TransferInfo::Status::Failed:
            if (rowOf(index) >= 0 && m_rows.at(rowOf(index)).state != LocalState::Downloaded)
                setLocalState(index, LocalState::Failed);
            break;
        default:
            if (rowOf(index) >= 0 && m_rows.at(rowOf(index)).state == LocalState::Downloading)
                setLocalState(index, LocalState::New);
            break;
        }
    });
}

int AvailableFilesModel::rowOf(qint64 index) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).file.index == index)
            return i;
    }
    return -1;
}

int AvailableFilesModel::newCount() const
{
    int count = 0;
    for (const Row &row : m_rows) {
        if (row.state == LocalState::New)
            ++count;
    }
    return count;
}

void AvailableFilesModel::emitRowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void AvailableFilesModel::checkNewCount()
{
    const int count = newCount();
    if (count == m_lastNewCount)
        return;
    m_lastNewCount = count;
    Q_EMIT newCountChanged(count);
}

int AvailableFilesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AvailableFilesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString stateText(AvailableFilesModel::LocalState state)
{
    switch (state) {
    case AvailableFilesModel::LocalState::New:
        return AvailableFilesModel::tr("New");
    case AvailableFilesModel::LocalState::Downloading:
        return AvailableFilesModel::tr("Downloading");
    case AvailableFilesModel::LocalState::Downloaded:
        return AvailableFilesModel::tr("Downloaded");
    case AvailableFilesModel::LocalState::Failed:
        return AvailableFilesModel::tr("Failed");
    }
    return QString();
}

QVariant AvailableFilesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const FileInfo &file = row.file;
    switch (role) {
    case FileIndexRole:
        return file.index;
    case LocalStateRole:
        return int(row.state);
    case LocalPathRole:
        return row.localPath;
    case FileInfoRole:
        return QVariant::fromValue(file);
    default:
        break;
    }
    switch (index.column()) {
    case NameColumn:
        switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            return FileNames::displayName(file.name);
        case SortRole:
            return file.name.toLower();
        case Qt::DecorationRole:
            return FileTypeIcons::icon(file.mimeType, file.name);
        case Qt::FontRole:
            if (row.state == LocalState::New) {
                QFont bold;
                bold.setBold(true);
                return bold;
            }
            return QVariant();
        }
        break;
    case SizeColumn:
        switch (role) {
        case Qt::DisplayRole:
            return Format::size(file.size);
        case SortRole:
            return file.size;
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        }
        break;
    case SenderColumn:
        if (role == Qt::DisplayRole)
            return file.sender;
        if (role == SortRole)
            return file.sender.toLower();
        break;
    case SharedColumn:
        if (role == Qt::DisplayRole)
            return Format::timeShared(file.createdAt);
        if (role == SortRole)
            return file.createdAt;
        if (role == Qt::ToolTipRole)
            return tr("Shared %1; available until %2")
                .arg(QLocale().toString(file.createdAt.toLocalTime(), QLocale::LongFormat),
                     QLocale().toString(file.expiresAt.toLocalTime(), QLocale::ShortFormat));
        break;
    case AudienceColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return file.broadcast ? tr("Everyone") : tr("Only you");
        if (role == Qt::ToolTipRole)
            return file.broadcast ? tr("Sent to everyone in the room")
                                  : tr("Sent to you privately (and maybe a few others)");
        break;
    case StateColumn:
        if (role == Qt::DisplayRole)
            return stateText(row.state);
        if (role == SortRole)
            return int(row.state);
        if (role == Qt::ToolTipRole && row.state == LocalState::Downloaded)
            return tr("Saved as %1").arg(row.localPath);
        break;
    }
    return QVariant();
}

QVariant AvailableFilesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case SizeColumn:
        return tr("Size");
    case SenderColumn:
        return tr("From");
    case SharedColumn:
        return tr("Shared");
    case AudienceColumn:
        return tr("Sent to");
    case StateColumn:
        return tr("State");
    default:
        return QVariant();
    }
}

Qt::ItemFlags AvailableFilesModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (m_rows.at(index.row()).state == LocalState::Downloaded)
        f |= Qt::ItemIsDragEnabled;
    return f;
}

QStringList AvailableFilesModel::mimeTypes() const
{
    return { QStringLiteral("text/uri-list") };
}

QMimeData *AvailableFilesModel::mimeData(const QModelIndexList &indexes) const
{
    QList<QUrl> urls;
    QList<int> seen;
    for (const QModelIndex &index : indexes) {
        if (!index.isValid() || seen.contains(index.row()))
            continue;
        seen.append(index.row());
        const Row &row = m_rows.at(index.row());
        if (row.state == LocalState::Downloaded && !row.localPath.isEmpty())
            urls.append(QUrl::fromLocalFile(row.localPath));
    }
    if (urls.isEmpty())
        return nullptr;
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

Qt::DropActions AvailableFilesModel::supportedDragActions() const
{
    return Qt::CopyAction;
}

} // namespace Roomshare::Gui
