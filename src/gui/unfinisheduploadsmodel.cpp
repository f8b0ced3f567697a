#include "unfinisheduploadsmodel.h"

#include "formatting.h"

namespace Roomshare::Gui {

UnfinishedUploadsModel::UnfinishedUploadsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void UnfinishedUploadsModel::setUploads(const QList<UnfinishedUpload> &uploads)
{
    beginResetModel();
    m_rows.clear();
    for (const UnfinishedUpload &u : uploads) {
        Row row{ u, QString() };
        u.sourceUnchanged(&row.problem);
        m_rows.append(row);
    }
    endResetModel();
}

int UnfinishedUploadsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant UnfinishedUploadsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = m_rows.at(index.row());
    const UnfinishedUpload &u = row.upload;
    switch (role) {
    case Qt::DisplayRole:
        return row.problem.isEmpty()
            ? tr("%1 (%2)").arg(u.name, Format::size(u.size))
            : tr("%1 (%2) — changed since, cannot be resumed").arg(u.name, Format::size(u.size));
    case Qt::ToolTipRole:
        return row.problem.isEmpty() ? u.path : row.problem;
    case UploadIdRole:
        return qint64(u.uploadId);
    case PathRole:
        return u.path;
    case SizeRole:
        return u.size;
    case ChangedRole:
        return !row.problem.isEmpty();
    case ProblemRole:
        return row.problem;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> UnfinishedUploadsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(UploadIdRole, "uploadId");
    names.insert(PathRole, "path");
    names.insert(SizeRole, "size");
    names.insert(ChangedRole, "changed");
    names.insert(ProblemRole, "problem");
    return names;
}

} // namespace Roomshare::Gui
