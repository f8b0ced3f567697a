#include "sharedbyyoupanel.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "myfilesmodel.h"

namespace Roomshare::Gui {

SharedByYouPanel::SharedByYouPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new MyFilesModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_label(new QLabel(tr("Shar&ed by you"), this))
    , m_view(new QTreeView(this))
    , m_withdrawButton(new QPushButton(tr("Wit&hdraw"), this))
    , m_copyButton(new QPushButton(tr("Copy &Name"), this))
    , m_refreshButton(new QPushButton(tr("Re&fresh"), this))
{
    setObjectName(QStringLiteral("sharedByYouPanel"));
    m_view->setObjectName(QStringLiteral("sharedByYouView"));
    m_withdrawButton->setObjectName(QStringLiteral("withdrawButton"));
    m_copyButton->setObjectName(QStringLiteral("copyNameButton"));
    m_withdrawButton->setToolTip(
        tr("Remove the selected files for everyone; downloads in progress stop"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(MyFilesModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setSortingEnabled(true);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAccessibleName(tr("Files shared by you"));
    m_view->sortByColumn(MyFilesModel::SharedColumn, Qt::DescendingOrder);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(MyFilesModel::NameColumn, QHeaderView::Stretch);
    for (int c = MyFilesModel::SizeColumn; c < MyFilesModel::ColumnCount; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_label->setTextFormat(Qt::PlainText); // the mnemonic still works in plain text
    m_label->setObjectName(QStringLiteral("sharedByYouLabel"));
    m_label->setBuddy(m_view);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_label, 1);
    buttons->addWidget(m_refreshButton);
    buttons->addWidget(m_copyButton);
    buttons->addWidget(m_withdrawButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(m_view);

    connect(m_withdrawButton, &QPushButton::clicked, this, &SharedByYouPanel::withdrawSelected);
    connect(m_copyButton, &QPushButton::clicked, this, &SharedByYouPanel::copySelectedNames);
    connect(m_refreshButton, &QPushButton::clicked, m_model, &MyFilesModel::refresh);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SharedByYouPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SharedByYouPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SharedByYouPanel::updateButtons);
    connect(m_model, &MyFilesModel::refreshFailed, this, [this](const QString &text) {
        Q_EMIT messageChanged(tr("Could not list the files you shared: %1").arg(text));
    });
    connect(m_model, &MyFilesModel::withdrawn, this, [this](qint64, const QString &error) {
        Q_EMIT messageChanged(error.isEmpty() ? tr("File withdrawn")
                                              : tr("Could not withdraw the file: %1").arg(error));
    });
    updateButtons();
}

void SharedByYouPanel::setRoom(Room *room)
{
    m_model->setRoom(room);
}

QList<qint64> SharedByYouPanel::selectedIndexes() const
{
    QList<qint64> out;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        out.append(i.data(MyFilesModel::FileIndexRole).toLongLong());
    return out;
}

bool SharedByYouPanel::withdrawSelected()
{
    const QList<qint64> indexes = selectedIndexes();
    for (qint64 i : indexes)
        m_model->withdraw(i);
    return !indexes.isEmpty();
}

bool SharedByYouPanel::copySelectedNames()
{
    QStringList names;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : rows)
        names.append(i.data(MyFilesModel::FileNameRole).toString());
    if (names.isEmpty())
        return false;
    QGuiApplication::clipboard()->setText(names.join(QLatin1Char('\n')));
    Q_EMIT messageChanged(tr("Copied %n name(s)", nullptr, int(names.size())));
    return true;
}

void SharedByYouPanel::updateButtons()
{
    const bool any = m_view->selectionModel()->hasSelection();
    m_withdrawButton->setEnabled(any);
    m_copyButton->setEnabled(any);
}

} // namespace Roomshare::Gui
