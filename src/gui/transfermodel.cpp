#include "transfermodel.h"

#include <QDir>
#include <QFileInfo>
#include <QIcon>

#include <algorithm>
#include <limits>

#include "filenames.h"
#include "formatting.h"
#include "room.h"
#include "transferjob.h"

namespace Roomshare::Gui {

TransferModel::TransferModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(100);
    connect(&m_flushTimer, &QTimer::timeout, this, &TransferModel::flush);
}

void TransferModel::setRoom(Room *room)
{
    if (m_room)
        disconnect(m_room, nullptr, this, nullptr);
    m_room = room;
    if (room)
        connect(room, &Room::jobAdded, this, &TransferModel::addJob);
}

void TransferModel::addJob(TransferJob *job)
{
    if (!job)
        return;
    updateTransfer(job->info());
    // Snapshots are taken from the emitting job: it deletes itself after finished().
    connect(job, &TransferJob::started, this, [this, job] { updateTransfer(job->info()); });
    connect(job, &TransferJob::progressChanged, this, [this, job] { updateTransfer(job->info()); });
    connect(job, &TransferJob::finished, this, [this](TransferJob *finished) {
        const TransferInfo info = finished->info();
        if (info.group.isEmpty()) {
            updateTransfer(info);
            Q_EMIT transferFinished(info);
        } else {
            // A folder is reported once, when its last job ends.
            updateTransfer(info);
            const int row = rowOf(info.direction, info.id);
            if (row >= 0 && m_rows.at(row).info.isFinished() && !m_rows.at(row).reported) {
                m_rows[row].reported = true;
                Q_EMIT transferFinished(m_rows.at(row).info);
            }
        }
        Q_EMIT countsChanged();
    });
}

QList<TransferInfo> TransferModel::entriesAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const Row &r = m_rows.at(row);
    return r.entries.isEmpty() ? QList<TransferInfo>{ r.info } : r.entries.values();
}

void TransferModel::aggregate(Row &row)
{
    if (row.entries.isEmpty())
        return;
    const TransferInfo &first = row.entries.first();
    TransferInfo sum = first;
    sum.name = first.folderName();
    sum.fileIndex = -1;
    sum.totalBytes = sum.processedBytes = sum.bytesPerSecond = sum.resentBytes = 0;
    sum.error = ErrorCode::None;
    sum.errorText.clear();
    sum.localPath.clear();
    int running = 0;
    int pending = 0;
    int completed = 0;
    int failed = 0;
    for (const TransferInfo &t : std::as_const(row.entries)) {
        sum.totalBytes += t.totalBytes;
        sum.processedBytes
            += t.status == TransferInfo::Status::Completed ? t.totalBytes : t.processedBytes;
        sum.resentBytes += t.resentBytes;
        if (!t.isFinished())
            sum.bytesPerSecond += t.bytesPerSecond;
        switch (t.status) {
        case TransferInfo::Status::Running:
            ++running;
            break;
        case TransferInfo::Status::Pending:
            ++pending;
            break;
        case TransferInfo::Status::Completed:
            ++completed;
            break;
        case TransferInfo::Status::Failed:
            if (++failed == 1) {
                sum.error = t.error;
                sum.errorText = t.errorText;
            }
            break;
        case TransferInfo::Status::Cancelled:
            break;
        }
        // The shared folder on this computer: up from an entry as many levels as its path
        // has below the folder (downloads: sanitised levels, as they were saved).
        if (sum.localPath.isEmpty() && !t.localPath.isEmpty()
            && (t.direction == TransferInfo::Direction::Upload
                || t.status == TransferInfo::Status::Completed)) {
            const qsizetype levels = t.direction == TransferInfo::Direction::Upload
                ? t.folderPath.count(QLatin1Char('/')) + 1
                : qMax<qsizetype>(1, FileNames::sanitizePath(t.folderPath).size());
            QDir dir = QFileInfo(t.localPath).absoluteDir();
            for (qsizetype i = 1; i < levels; ++i)
                dir.cdUp();
            sum.localPath = dir.absolutePath();
        }
    }
    const int total = int(row.entries.size());
    if (running > 0)
        sum.status = TransferInfo::Status::Running;
    else if (pending > 0)
        sum.status = TransferInfo::Status::Pending;
    else if (completed == total)
        sum.status = TransferInfo::Status::Completed;
    else if (failed > 0)
        sum.status = TransferInfo::Status::Failed;
    else
        sum.status = TransferInfo::Status::Cancelled;
    if (failed > 1)
        sum.errorText
            = tr("%1 of %2 files failed; the first: %3").arg(failed).arg(total).arg(sum.errorText);
    row.info = sum;
}

void TransferModel::updateTransfer(const TransferInfo &info)
{
    const qint64 k = key(info.direction, info.id);
    if (!info.group.isEmpty()) {
        const QString g = groupKey(info.direction, info.group);
        const auto row = m_rowByGroup.constFind(g);
        // A folder downloaded (or sent) again after its row finished gets a row of its own.
        const bool fresh = row == m_rowByGroup.constEnd()
            || (m_rows.at(*row).info.isFinished() && !m_rows.at(*row).entries.contains(info.id));
        if (fresh) {
            const int at = int(m_rows.size());
            Row r;
            r.entries.insert(info.id, info);
            aggregate(r);
            beginInsertRows(QModelIndex(), at, at);
            m_rows.append(r);
            m_rowByKey.insert(k, at);
            m_rowByGroup.insert(g, at);
            endInsertRows();
            Q_EMIT countsChanged();
            return;
        }
        Row &r = m_rows[*row];
        r.entries.insert(info.id, info);
        aggregate(r);
        m_rowByKey.insert(k, *row);
        m_dirty.insert(k);
        if (!m_flushTimer.isActive())
            m_flushTimer.start();
        return;
    }
    const auto it = m_rowByKey.constFind(k);
    if (it == m_rowByKey.constEnd()) {
        const int row = int(m_rows.size());
        beginInsertRows(QModelIndex(), row, row);
        m_rows.append(Row{ info, {} });
        m_rowByKey.insert(k, row);
        endInsertRows();
        Q_EMIT countsChanged();
        return;
    }
    m_rows[*it].info = info;
    m_dirty.insert(k);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void TransferModel::flush()
{
    m_flushTimer.stop();
    if (m_dirty.isEmpty())
        return;
    QList<int> rows;
    rows.reserve(m_dirty.size());
    for (qint64 k : std::as_const(m_dirty)) {
        const int row = m_rowByKey.value(k, -1);
        if (row >= 0)
            rows.append(row);
    }
    m_dirty.clear();
    if (rows.isEmpty())
        return;
    // Past half the rows, one signal is cheaper for every view than many small ones.
    if (rows.size() * 2 > m_rows.size()) {
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    std::sort(rows.begin(), rows.end());
    int first = rows.first();
    int last = first;
    for (int i = 1; i <= rows.size(); ++i) {
        if (i < rows.size() && rows.at(i) == last + 1) {
            last = rows.at(i);
            continue;
        }
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
        if (i < rows.size())
            first = last = rows.at(i);
    }
}

void TransferModel::removeFinished()
{
    flush();
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!m_rows.at(row).info.isFinished())
            continue;
        // Adjacent finished rows go in one removal.
        int first = row;
        while (first > 0 && m_rows.at(first - 1).info.isFinished())
            --first;
        beginRemoveRows(QModelIndex(), first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first;
    }
    rebuildIndex();
    Q_EMIT countsChanged();
}

bool TransferModel::removeTransfer(TransferInfo::Direction direction, qint64 id)
{
    const int row = rowOf(direction, id);
    if (row < 0)
        return false;
    flush();
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    rebuildIndex();
    Q_EMIT countsChanged();
    return true;
}

void TransferModel::rebuildIndex()
{
    m_rowByKey.clear();
    m_rowByGroup.clear();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &r = m_rows.at(i);
        if (r.entries.isEmpty()) {
            m_rowByKey.insert(key(r.info.direction, r.info.id), i);
            continue;
        }
        m_rowByGroup.insert(groupKey(r.info.direction, r.info.group), i);
        for (const TransferInfo &t : r.entries)
            m_rowByKey.insert(key(t.direction, t.id), i);
    }
}

int TransferModel::rowOf(TransferInfo::Direction direction, qint64 id) const
{
    return m_rowByKey.value(key(direction, id), -1);
}

int TransferModel::runningCount(TransferInfo::Direction direction) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [direction](const Row &r) {
        return r.info.direction == direction && !r.info.isFinished();
    }));
}

bool TransferModel::hasFinished() const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(),
                       [](const Row &r) { return r.info.isFinished(); });
}

int TransferModel::progressPerMille(qint64 processed, qint64 total)
{
    if (total <= 0 || processed <= 0)
        return 0;
    if (processed >= total)
        return 1000;
    // Dividing first keeps processed * 1000 from overflowing for huge files.
    const qint64 perMille = total > (std::numeric_limits<qint64>::max() / 1000)
        ? processed / (total / 1000)
        : processed * 1000 / total;
    return int(std::clamp<qint64>(perMille, 0, 1000));
}

int TransferModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TransferModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

static QString statusText(const TransferInfo &t)
{
    const bool up = t.direction == TransferInfo::Direction::Upload;
    switch (t.status) {
    case TransferInfo::Status::Pending:
        return TransferModel::tr("Waiting");
    case TransferInfo::Status::Running:
        return up ? TransferModel::tr("Uploading") : TransferModel::tr("Downloading");
    case TransferInfo::Status::Completed:
        return up ? TransferModel::tr("Sent") : TransferModel::tr("Downloaded");
    case TransferInfo::Status::Cancelled:
        return TransferModel::tr("Cancelled");
    case TransferInfo::Status::Failed:
        return TransferModel::tr("Failed: %1").arg(Format::transferError(t));
    }
    return QString();
}

QVariant TransferModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const TransferInfo &t = m_rows.at(index.row()).info;
    const int entries = qMax(1, int(m_rows.at(index.row()).entries.size()));
    const bool folder = !t.group.isEmpty();
    const bool up = t.direction == TransferInfo::Direction::Upload;
    switch (role) {
    case EntryCountRole:
        return entries;
    case DirectionRole:
        return int(t.direction);
    case JobIdRole:
        return t.id;
    case StatusRole:
        return int(t.status);
    case ProgressPerMilleRole:
        return t.status == TransferInfo::Status::Completed
            ? 1000
            : progressPerMille(t.processedBytes, t.totalBytes);
    case ProcessedBytesRole:
        return t.processedBytes;
    case TotalBytesRole:
        return t.totalBytes;
    case IsFinishedRole:
        return t.isFinished();
    case ErrorTextRole:
        return t.status == TransferInfo::Status::Failed ? Format::transferError(t) : QString();
    case TransferInfoRole:
        return QVariant::fromValue(t);
    default:
        break;
    }
    switch (index.column()) {
    case NameColumn:
        switch (role) {
        case Qt::DisplayRole:
            if (folder)
                return Format::folderLabel(FileNames::displayName(t.name), entries);
            return FileNames::displayName(t.name);
        case SortRole:
            return t.name.toLower();
        case Qt::DecorationRole:
            if (folder)
                return QIcon(QStringLiteral(":/icons/folder.svg"));
            return QIcon(up ? QStringLiteral(":/icons/upload.svg")
                            : QStringLiteral(":/icons/download.svg"));
        case Qt::ToolTipRole:
            if (folder && up)
                return tr("Upload of the folder %1")
                    .arg(t.localPath.isEmpty() ? t.name : t.localPath);
            if (folder)
                return tr("Download of the folder %1 from %2")
                    .arg(FileNames::displayName(t.name), t.peerName);
            if (up)
                return tr("Upload of %1").arg(t.localPath.isEmpty() ? t.name : t.localPath);
            return tr("Download of %1 from %2").arg(t.name, t.peerName);
        case Qt::AccessibleTextRole:
            return up ? tr("Upload: %1").arg(t.name) : tr("Download: %1").arg(t.name);
        }
        break;
    case ProgressColumn:
        if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
            const int perMille = t.status == TransferInfo::Status::Completed
                ? 1000
                : progressPerMille(t.processedBytes, t.totalBytes);
            return tr("%1%").arg(perMille / 10);
        }
        if (role == SortRole)
            return progressPerMille(t.processedBytes, t.totalBytes);
        break;
    case SizeColumn:
        if (role == Qt::DisplayRole) {
            if (t.status == TransferInfo::Status::Completed)
                return Format::size(t.totalBytes);
            return tr("%1 of %2").arg(Format::size(t.processedBytes), Format::size(t.totalBytes));
        }
        if (role == SortRole)
            return t.totalBytes;
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SpeedColumn:
        if (role == Qt::DisplayRole)
            return t.isFinished() ? QString() : Format::speed(t.bytesPerSecond);
        if (role == SortRole)
            return t.bytesPerSecond;
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case TimeLeftColumn:
        if (role == Qt::DisplayRole)
            return Format::duration(t.secondsLeft());
        if (role == SortRole)
            return t.secondsLeft();
        if (role == Qt::TextAlignmentRole)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case StateColumn:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
            return statusText(t);
        if (role == SortRole)
            return int(t.status);
        break;
    }
    return QVariant();
}

QVariant TransferModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case ProgressColumn:
        return tr("Progress");
    case SizeColumn:
        return tr("Size");
    case SpeedColumn:
        return tr("Speed");
    case TimeLeftColumn:
        return tr("Time left");
    case StateColumn:
        return tr("State");
    default:
        return QVariant();
    }
}

Qt::ItemFlags TransferModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

} // namespace Roomshare::Gui
