#include "settingsdialog.h"

#include <QFileDialog>

#include "settings.h"
#include "ui_settingsdialog.h"

namespace Roomshare::Gui {

SettingsDialog::SettingsDialog(Settings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_ui(std::make_unique<Ui::SettingsDialog>())
{
    m_ui->setupUi(this);
    m_ui->nameEdit->setText(settings->displayName());
    m_ui->folderEdit->setText(settings->downloadFolder());
    m_ui->askCheck->setChecked(settings->askWhereToSave());
    m_ui->notifyCheck->setChecked(settings->notificationsEnabled());
    m_ui->receiptsCheck->setChecked(settings->deliveryReceipts());
    m_ui->reachCombo->setCurrentIndex(
        settings->hostReach() == Settings::HostReach::ThisComputer ? 1 : 0);
    m_ui->reachCombo->setToolTip(
        tr("Takes effect the next time you host a room. \"This computer only\" keeps the room "
           "on this computer's loopback address: nobody else can join."));
    m_ui->lobbyCheck->setChecked(settings->lobbyEnabled());
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_ui->browseButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Download Folder"),
                                                              m_ui->folderEdit->text());
        if (!dir.isEmpty())
            m_ui->folderEdit->setText(dir);
    });
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::accept()
{
    if (!m_ui->nameEdit->text().trimmed().isEmpty())
        m_settings->setDisplayName(m_ui->nameEdit->text());
    if (!m_ui->folderEdit->text().trimmed().isEmpty())
        m_settings->setDownloadFolder(m_ui->folderEdit->text().trimmed());
    m_settings->setAskWhereToSave(m_ui->askCheck->isChecked());
    m_settings->setNotificationsEnabled(m_ui->notifyCheck->isChecked());
    m_settings->setDeliveryReceipts(m_ui->receiptsCheck->isChecked());
    m_settings->setHostReach(m_ui->reachCombo->currentIndex() == 1
                                 ? Settings::HostReach::ThisComputer
                                 : Settings::HostReach::Network);
    if (m_ui->lobbyCheck->isChecked() != m_settings->lobbyEnabled())
        m_settings->setLobbyEnabled(m_ui->lobbyCheck->isChecked());
    QDialog::accept();
}

} // namespace Roomshare::Gui
