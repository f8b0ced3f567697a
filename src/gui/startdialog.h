#pragma once

#include <QDialog>

#include <memory>

namespace Ui {
class StartDialog;
}

namespace Roomshare::Gui {

//! The first question when the app starts without arguments: host a room here, or join
//! one with an invite link; plus the display name (not needed when the link names you).
class StartDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StartDialog)
public:
    enum class Mode { Host, Join };
    Q_ENUM(Mode)

    explicit StartDialog(QWidget *parent = nullptr);
    ~StartDialog() override;

    Mode mode() const;
    void setMode(Mode mode);
    //! The trimmed invite link (Join only).
    QString inviteLink() const;
    void setInviteLink(const QString &link);
    QString displayName() const;
    void setDisplayName(const QString &name);

    void accept() override;

private:
    void updateState();
    //! The name the link's token carries, or an empty string.
    QString nameInLink() const;

    std::unique_ptr<Ui::StartDialog> m_ui;
};

} // namespace Roomshare::Gui
