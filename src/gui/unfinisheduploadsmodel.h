#pragma once

#include <QAbstractListModel>

#include "uploadstate.h"

namespace Roomshare::Gui {

//! The uploads an earlier run of the app left unfinished (Room::unfinishedUploads()), one
//! row each, newest first, with whether the source file changed since (then it cannot be
//! resumed, only discarded or sent again).
class UnfinishedUploadsModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnfinishedUploadsModel)
public:
    enum Roles {
        UploadIdRole = Qt::UserRole + 1, //!< quint32 (as qint64): the server's upload id
        PathRole, //!< QString: the source file
        SizeRole, //!< qint64: the source's size when the upload began
        ChangedRole, //!< bool: the source changed since (size or modification time)
        ProblemRole, //!< QString: what changed, a sentence; empty when unchanged
    };
    Q_ENUM(Roles)

    explicit UnfinishedUploadsModel(QObject *parent = nullptr);

    //! Replaces the rows (one reset; the sources are checked now).
    void setUploads(const QList<UnfinishedUpload> &uploads);
    UnfinishedUpload uploadAt(int row) const { return m_rows.value(row).upload; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Row
    {
        UnfinishedUpload upload;
        QString problem;
    };
    QList<Row> m_rows;
};

} // namespace Roomshare::Gui
