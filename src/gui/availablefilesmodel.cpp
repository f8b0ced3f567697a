#include "availablefilesmodel.h"

#include <QDir>
#include <QFileInfo>
#include <QFont>
#include <QIcon>
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
    QHash<qint64, Item> previous;
    for (const Row &row : std::as_const(m_rows)) {
        for (const Item &item : row.items)
            previous.insert(item.file.index, item);
    }
    beginResetModel();
    m_rows.clear();
    QHash<QString, int> folders;
    for (const FileInfo &file : files) {
        Item item = previous.value(file.index);
        item.file = file;
        const QString key = file.folderKey();
        if (!key.isEmpty() && folders.contains(key)) {
            m_rows[folders.value(key)].items.append(item);
            continue;
        }
        if (!key.isEmpty())
            folders.insert(key, int(m_rows.size()));
        m_rows.append(Row{ key, { item } });
    }
    endResetModel();
    checkNewCount();
}

void AvailableFilesModel::addFile(const FileInfo &file)
{
    const auto [existing, item] = find(file.index);
    if (existing >= 0) {
        m_rows[existing].items[item].file = file;
        emitRowChanged(existing);
        return;
    }
    const int folderRow = rowOfFolder(file.folderKey());
    if (folderRow >= 0) {
        m_rows[folderRow].items.append(Item{ file, LocalState::New, QString() });
        emitRowChanged(folderRow);
        checkNewCount();
        return;
    }
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(Row{ file.folderKey(), { Item{ file, LocalState::New, QString() } } });
    endInsertRows();
    checkNewCount();
}

void AvailableFilesModel::removeFile(qint64 index)
{
    const auto [row, item] = find(index);
    if (row < 0)
        return;
    if (m_rows.at(row).items.size() > 1) {
        m_rows[row].items.removeAt(item);
        emitRowChanged(row);
        checkNewCount();
        return;
    }
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    checkNewCount();
}

void AvailableFilesModel::setLocalState(qint64 index, LocalState state, const QString &localPath)
{
    const auto [row, item] = find(index);
    if (row < 0)
        return;
    Item &r = m_rows[row].items[item];
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
    auto stateOfFile = [this](qint64 index) {
        const auto [row, item] = find(index);
        return row >= 0 ? m_rows.at(row).items.at(item).state : LocalState::New;
    };
    // A new download of a file already on disk keeps showing "Downloaded" until it ends.
    if (find(index).first >= 0 && stateOfFile(index) != LocalState::Downloaded)
        setLocalState(index, LocalState::Downloading);
    connect(job, &TransferJob::finished, this, [this, index, stateOfFile](TransferJob *finished) {
        const TransferInfo info = finished->info();
        if (find(index).first < 0)
            return;
        switch (info.status) {
        case TransferInfo::Status::Completed:
            setLocalState(index, LocalState::Downloaded, info.localPath);
            break;
        case TransferInfo::Status::Failed:
            if (stateOfFile(index) != LocalState::Downloaded)
                setLocalState(index, LocalState::Failed);
            break;
        default:
            if (stateOfFile(index) == LocalState::Downloading)
                setLocalState(index, LocalState::New);
            break;
        }
    });
}

std::pair<int, int> AvailableFilesModel::find(qint64 index) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const QList<Item> &items = m_rows.at(i).items;
        for (int j = 0; j < items.size(); ++j) {
            if (items.at(j).file.index == index)
                return { i, j };
        }
    }
    return { -1, -1 };
}

int AvailableFilesModel::rowOf(qint64 index) const
{
    return find(index).first;
}

int AvailableFilesModel::rowOfFolder(const QString &folderKey) const
{
    if (folderKey.isEmpty())
        return -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).folderKey == folderKey)
            return i;
    }
    return -1;
}

QList<FileInfo> AvailableFilesModel::filesAt(int row) const
{
    QList<FileInfo> out;
    for (const Item &item : m_rows.value(row).items)
        out.append(item.file);
    return out;
}

AvailableFilesModel::LocalState AvailableFilesModel::stateOf(const Row &row)
{
    if (row.folderKey.isEmpty())
        return row.items.first().state;
    int downloaded = 0;
    bool failed = false;
    for (const Item &item : row.items) {
        if (item.state == LocalState::Downloading)
            return LocalState::Downloading;
        failed |= item.state == LocalState::Failed;
        downloaded += item.state == LocalState::Downloaded ? 1 : 0;
    }
    if (failed)
        return LocalState::Failed;
    // A folder some of whose entries have not arrived yet is not "Downloaded".
    const qint64 declared = row.items.first().file.groupSize;
    if (downloaded == row.items.size() && row.items.size() >= declared)
        return LocalState::Downloaded;
    return LocalState::New;
}

QString AvailableFilesModel::localPathOf(const Row &row)
{
    if (row.folderKey.isEmpty())
        return row.items.first().localPath;
    for (const Item &item : row.items) {
        if (item.localPath.isEmpty())
            continue;
        // Up from the entry as many levels as its sanitised path has below the folder.
        QDir dir = QFileInfo(item.localPath).absoluteDir();
        const qsizetype levels = qMax<qsizetype>(1, FileNames::sanitizePath(item.file.path).size());
        for (qsizetype i = 1; i < levels; ++i)
            dir.cdUp();
        return dir.absolutePath();
    }
    return QString();
}

int AvailableFilesModel::newCount() const
{
    int count = 0;
    for (const Row &row : m_rows) {
        if (stateOf(row) == LocalState::New)
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
    const Row &r = m_rows.at(index.row());
    const FileInfo &file = r.items.first().file;
    const bool folder = !r.folderKey.isEmpty();
    const LocalState state = stateOf(r);
    const QString localPath = state == LocalState::Downloaded ? localPathOf(r) : QString();
    qint64 size = 0;
    for (const Item &item : r.items)
        size += item.file.size;
    const int entries = int(r.items.size());
    switch (role) {
    case FileIndexRole:
        return file.index;
    case LocalStateRole:
        return int(state);
    case LocalPathRole:
        return localPath;
    case FileInfoRole:
        return QVariant::fromValue(file);
    case FolderKeyRole:
        return r.folderKey;
    case EntryCountRole:
        return entries;
    default:
        break;
    }
    switch (index.column()) {
    case NameColumn:
        switch (role) {
        case Qt::DisplayRole:
            if (folder)
                return Format::folderLabel(FileNames::displayName(file.folderName()), entries);
            return FileNames::displayName(file.name);
        case Qt::ToolTipRole:
            if (folder)
                return tr("The folder %1: %2 of the %3 files and folders in it have arrived")
                    .arg(FileNames::displayName(file.folderName()))
                    .arg(entries)
                    .arg(file.groupSize);
            return FileNames::displayName(file.name);
        case SortRole:
            return (folder ? file.folderName() : file.name).toLower();
        case Qt::DecorationRole:
            if (folder)
                return QIcon(QStringLiteral(":/icons/folder.svg"));
            return FileTypeIcons::icon(file.mimeType, file.name);
        case Qt::FontRole:
            if (state == LocalState::New) {
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
            return Format::size(size);
        case SortRole:
            return size;
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
        if (role == Qt::DisplayRole) {
            // Nothing partial shown as complete: a folder still arriving says how far.
            if (folder && entries < file.groupSize)
                return tr("%1 (%2 of %3 arrived)")
                    .arg(stateText(state))
                    .arg(entries)
                    .arg(file.groupSize);
            return stateText(state);
        }
        if (role == SortRole)
            return int(state);
        if (role == Qt::ToolTipRole && state == LocalState::Downloaded)
            return tr("Saved as %1").arg(localPath);
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
    if (stateOf(m_rows.at(index.row())) == LocalState::Downloaded)
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
        const QString path = stateOf(row) == LocalState::Downloaded ? localPathOf(row) : QString();
        if (!path.isEmpty())
            urls.append(QUrl::fromLocalFile(path));
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
