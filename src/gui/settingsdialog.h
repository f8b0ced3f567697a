#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class SettingsDialog;
}

namespace Roomshare::Gui {

class Settings;

//! Edits Settings; values are written only when the dialog is accepted.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)
public:
    explicit SettingsDialog(Settings *settings, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    void accept() override;

private:
    Settings *m_settings;
    std::unique_ptr<Ui::SettingsDialog> m_ui;
};

} // namespace Roomshare::Gui
