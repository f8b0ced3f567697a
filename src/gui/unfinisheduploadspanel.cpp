#include "unfinisheduploadspanel.h"

#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

#include "room.h"
#include "unfinisheduploadsmodel.h"

namespace Roomshare::Gui {

UnfinishedUploadsPanel::UnfinishedUploadsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new UnfinishedUploadsModel(this))
    , m_label(new QLabel(tr("Unfinished uploads from your last session:"), this))
    , m_view(new QListView(this))
    , m_resumeButton(new QPushButton(tr("Resu&me"), this))
    , m_discardButton(new QPushButton(tr("Discar&d"), this))
{
    setObjectName(QStringLiteral("unfinishedUploadsPanel"));
    m_view->setObjectName(QStringLiteral("unfinishedUploadsView"));
    m_resumeButton->setObjectName(QStringLiteral("resumeUploadsButton"));
    m_discardButton->setObjectName(QStringLiteral("discardUploadsButton"));
    m_label->setTextFormat(Qt::PlainText);
    m_label->setBuddy(m_view);
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAccessibleName(tr("Unfinished uploads"));
    m_view->setMaximumHeight(m_view->fontMetrics().height() * 6);
    m_resumeButton->setToolTip(
        tr("Continue sending the selected files from where the server stopped receiving"));
    m_discardButton->setToolTip(
        tr("Give up the selected uploads; the server deletes what it received"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_label, 1);
    buttons->addWidget(m_resumeButton);
    buttons->addWidget(m_discardButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_view);

    connect(m_resumeButton, &QPushButton::clicked, this, &UnfinishedUploadsPanel::resumeSelected);
    connect(m_discardButton, &QPushButton::clicked, this, &UnfinishedUploadsPanel::discardSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &UnfinishedUploadsPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &UnfinishedUploadsPanel::updateButtons);
    hide();
    updateButtons();
}

void UnfinishedUploadsPanel::setRoom(Room *room)
{
    if (m_room)
        m_room->disconnect(this);
    m_room = room;
    if (m_room) {
        connect(m_room, &Room::connected, this, &UnfinishedUploadsPanel::refresh);
        connect(m_room, &Room::unfinishedUploadsChanged, this, &UnfinishedUploadsPanel::refresh);
        connect(m_room, &Room::disconnected, this, &UnfinishedUploadsPanel::refresh);
    }
    refresh();
}

void UnfinishedUploadsPanel::refresh()
{
    m_model->setUploads(m_room && m_room->isConnected() ? m_room->unfinishedUploads()
                                                        : QList<UnfinishedUpload>());
    setVisible(m_model->rowCount() > 0);
    // One click resumes (or discards) them all.
    m_view->selectAll();
    updateButtons();
}

QList<quint32> UnfinishedUploadsPanel::selectedIds() const
{
    QList<quint32> ids;
    const auto rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        ids.append(quint32(i.data(UnfinishedUploadsModel::UploadIdRole).toLongLong()));
    return ids;
}

void UnfinishedUploadsPanel::updateButtons()
{
    const bool any = !selectedIds().isEmpty() && m_room && m_room->isConnected();
    m_resumeButton->setEnabled(any);
    m_discardButton->setEnabled(any);
}

int UnfinishedUploadsPanel::resumeSelected()
{
    if (!m_room)
        return 0;
    int n = 0;
    const auto ids = selectedIds();
    for (const quint32 id : ids) {
        const qint64 job = m_room->resumeUpload(id, [this](const QJsonObject &result) {
            // A failure of the resumed job shows in its transfer row; this is the refusal.
            if (!result.contains(QLatin1String("messageType")))
                Q_EMIT messageChanged(tr("Could not resume the upload: %1")
                                          .arg(result.value(QLatin1String("desc")).toString()));
        });
        n += job >= 0 ? 1 : 0;
    }
    return n;
}

int UnfinishedUploadsPanel::discardSelected()
{
    if (!m_room)
        return 0;
    const auto ids = selectedIds();
    for (const quint32 id : ids) {
        m_room->discardUpload(id, [this](const QJsonObject &result) {
            const int code = result.value(QLatin1String("result")).toInt();
            // 1190: the server had already forgotten it; nothing is left to free.
            Q_EMIT messageChanged(code == 0 || code == int(ErrorCode::UnknownJob)
                                      ? tr("Unfinished upload discarded")
                                      : tr("Could not discard the upload on the server: %1")
                                            .arg(result.value(QLatin1String("desc")).toString()));
        });
    }
    return int(ids.size());
}

} // namespace Roomshare::Gui
