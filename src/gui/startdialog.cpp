#include "startdialog.h"

#include "peertext.h"

#include <QPushButton>

#include "invite.h"
#include "ui_startdialog.h"

namespace Roomshare::Gui {

StartDialog::StartDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::StartDialog>())
{
    m_ui->setupUi(this);
    // The message may quote a server's error text.
    PeerText::makeLabelsPlain(this);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Start"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &StartDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &StartDialog::reject);
    connect(m_ui->hostRadio, &QRadioButton::toggled, this, &StartDialog::updateState);
    connect(m_ui->linkEdit, &QLineEdit::textChanged, this, &StartDialog::updateState);
    connect(m_ui->nameEdit, &QLineEdit::textChanged, this, &StartDialog::updateState);
    updateState();
}

StartDialog::~StartDialog() = default;

StartDialog::Mode StartDialog::mode() const
{
    return m_ui->joinRadio->isChecked() ? Mode::Join : Mode::Host;
}

void StartDialog::setMode(Mode mode)
{
    (mode == Mode::Join ? m_ui->joinRadio : m_ui->hostRadio)->setChecked(true);
    updateState();
}

QString StartDialog::inviteLink() const
{
    return m_ui->linkEdit->text().trimmed();
}

void StartDialog::setInviteLink(const QString &link)
{
    m_ui->linkEdit->setText(link);
}

QString StartDialog::displayName() const
{
    return m_ui->nameEdit->text().trimmed();
}

void StartDialog::setDisplayName(const QString &name)
{
    m_ui->nameEdit->setText(name);
}

QString StartDialog::nameInLink() const
{
    const auto link = InviteLink::parse(inviteLink());
    if (!link)
        return QString();
    const auto claims = Token::peek(link->token);
    return claims ? claims->name : QString();
}

void StartDialog::updateState()
{
    const bool join = mode() == Mode::Join;
    m_ui->linkEdit->setEnabled(join);
    QString message;
    bool ok = true;
    if (join) {
        QString why;
        if (inviteLink().isEmpty()) {
            ok = false;
            message = tr("Paste the invite link you were given.");
        } else if (!InviteLink::parse(inviteLink(), &why)) {
            ok = false;
            message = tr("This is not a Roomshare invite link.");
        } else if (!nameInLink().isEmpty()) {
            message = tr("The link invites you as %1.").arg(nameInLink());
        }
    }
    const bool needsName = !join || nameInLink().isEmpty();
    m_ui->nameEdit->setEnabled(needsName);
    if (ok && needsName && displayName().isEmpty()) {
        ok = false;
        message = tr("Enter the name the others will see.");
    }
    m_ui->messageLabel->setText(message);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

void StartDialog::accept()
{
    if (!m_ui->buttonBox->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    QDialog::accept();
}

} // namespace Roomshare::Gui
