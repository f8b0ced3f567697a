#include "startdialog.h"

#include <QItemSelectionModel>
#include <QPushButton>

#include "invite.h"
#include "nearbyroomsmodel.h"
#include "peertext.h"
#include "roombrowser.h"
#include "ui_startdialog.h"

namespace Roomshare::Gui {

StartDialog::StartDialog(QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::StartDialog>())
    , m_browser(new Discovery::RoomBrowser(this))
    , m_nearby(new NearbyRoomsModel(this))
{
    m_ui->setupUi(this);
    m_ui->nearbyList->setModel(m_nearby);
    // The message may quote a server's error text.
    PeerText::makeLabelsPlain(this);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Start"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &StartDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &StartDialog::reject);
    for (QRadioButton *radio :
         { m_ui->hostRadio, m_ui->nearbyRadio, m_ui->joinRadio, m_ui->addressRadio })
        connect(radio, &QRadioButton::toggled, this, &StartDialog::updateState);
    connect(m_ui->linkEdit, &QLineEdit::textChanged, this, &StartDialog::updateState);
    connect(m_ui->nameEdit, &QLineEdit::textChanged, this, &StartDialog::updateState);
    connect(m_ui->addressHostEdit, &QLineEdit::textChanged, this, &StartDialog::updateState);
    connect(m_ui->addressPortSpin, &QSpinBox::valueChanged, this, &StartDialog::updateState);
    // Picking a room in the list is choosing to join it; a double click (or Enter) joins.
    connect(m_ui->nearbyList->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid())
                    m_ui->nearbyRadio->setChecked(true);
                updateState();
            });
    connect(m_ui->nearbyList, &QListView::activated, this, [this](const QModelIndex &index) {
        m_ui->nearbyList->setCurrentIndex(index);
        m_ui->nearbyRadio->setChecked(true);
        accept();
    });
    connect(m_nearby, &NearbyRoomsModel::statusChanged, this, &StartDialog::updateNearbyStatus);
    connect(m_nearby, &QAbstractItemModel::rowsRemoved, this, &StartDialog::updateState);
    connect(m_nearby, &QAbstractItemModel::modelReset, this, &StartDialog::updateState);
    updateNearbyStatus();
    updateState();
}

StartDialog::~StartDialog() = default;

void StartDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (m_discoveryEnabled && m_browser->state() == Discovery::RoomBrowser::State::Idle) {
        m_nearby->setBrowser(m_browser);
        m_browser->start();
        if (m_browser->state() == Discovery::RoomBrowser::State::Browsing)
            m_nearby->setSearching();
    }
}

StartDialog::Mode StartDialog::mode() const
{
    return m_ui->hostRadio->isChecked() ? Mode::Host : Mode::Join;
}

void StartDialog::setMode(Mode mode)
{
    (mode == Mode::Join ? m_ui->joinRadio : m_ui->hostRadio)->setChecked(true);
    updateState();
}

StartDialog::JoinMethod StartDialog::joinMethod() const
{
    if (m_ui->nearbyRadio->isChecked())
        return JoinMethod::Nearby;
    if (m_ui->addressRadio->isChecked())
        return JoinMethod::Address;
    return JoinMethod::Link;
}

void StartDialog::setJoinMethod(JoinMethod method)
{
    switch (method) {
    case JoinMethod::Nearby:
        m_ui->nearbyRadio->setChecked(true);
        break;
    case JoinMethod::Link:
        m_ui->joinRadio->setChecked(true);
        break;
    case JoinMethod::Address:
        m_ui->addressRadio->setChecked(true);
        break;
    }
    updateState();
}

QString StartDialog::inviteLink() const
{
    switch (joinMethod()) {
    case JoinMethod::Nearby:
        return nearbyLink();
    case JoinMethod::Address:
        return addressLink();
    case JoinMethod::Link:
        break;
    }
    return m_ui->linkEdit->text().trimmed();
}

void StartDialog::setInviteLink(const QString &link)
{
    m_ui->linkEdit->setText(link);
}

void StartDialog::setAddress(const QString &host, quint16 port)
{
    m_ui->addressHostEdit->setText(host);
    m_ui->addressPortSpin->setValue(port);
}

QString StartDialog::displayName() const
{
    return m_ui->nameEdit->text().trimmed();
}

void StartDialog::setDisplayName(const QString &name)
{
    m_ui->nameEdit->setText(name);
}

QString StartDialog::nearbyLink() const
{
    const QModelIndex current = m_ui->nearbyList->currentIndex();
    return current.isValid() ? current.data(NearbyRoomsModel::KnockLinkRole).toString() : QString();
}

QString StartDialog::addressLink() const
{
    // TLS by default: the app hosts its rooms with TLS. The client learns the certificate
    // when it knocks (no fp= to pin here).
    const auto link = Discovery::addressKnockLink(m_ui->addressHostEdit->text(),
                                                  quint16(m_ui->addressPortSpin->value()));
    return link ? link->toString() : QString();
}

QString StartDialog::nameInLink() const
{
    if (joinMethod() != JoinMethod::Link)
        return QString();
    const auto link = InviteLink::parse(inviteLink());
    if (!link)
        return QString();
    const auto claims = Token::peek(link->token);
    return claims ? claims->name : QString();
}

void StartDialog::updateNearbyStatus()
{
    const QString text = m_nearby->statusText();
    m_ui->nearbyStatusLabel->setText(text);
    m_ui->nearbyStatusLabel->setVisible(!text.isEmpty());
}

void StartDialog::updateState()
{
    const bool join = mode() == Mode::Join;
    const JoinMethod method = joinMethod();
    m_ui->linkEdit->setEnabled(join && method == JoinMethod::Link);
    m_ui->addressHostEdit->setEnabled(join && method == JoinMethod::Address);
    m_ui->addressPortSpin->setEnabled(join && method == JoinMethod::Address);
    QString message;
    bool ok = true;
    if (join) {
        switch (method) {
        case JoinMethod::Link: {
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
            break;
        }
        case JoinMethod::Nearby:
            if (nearbyLink().isEmpty()) {
                ok = false;
                message = tr("Choose a room from the list.");
            } else if (!m_ui->nearbyList->currentIndex()
                            .data(NearbyRoomsModel::LobbyRole)
                            .toBool()) {
                // Joining is still offered: the announcement may be older than the lobby.
                message = tr("This room does not announce a lobby: knocking may be refused; "
                             "ask its host for an invite link if it is.");
            } else {
                message = tr("The room's moderators will be asked to let you in.");
            }
            break;
        case JoinMethod::Address:
            if (m_ui->addressHostEdit->text().trimmed().isEmpty()) {
                ok = false;
                message = tr("Enter the name or IP address of the computer hosting the room.");
            } else if (addressLink().isEmpty()) {
                ok = false;
                message = tr("This is not a host name or IP address.");
            } else {
                message = tr("The room's moderators will be asked to let you in.");
            }
            break;
        }
    }
    const bool needsName = !join || nameInLink().isEmpty();
    m_ui->nameEdit->setEnabled(needsName);
    if (ok && needsName && displayName().isEmpty()) {
        ok = false;
        message = tr("Enter the name the others will see.");
    }
    m_ui->messageLabel->setText(message);
    QPushButton *start = m_ui->buttonBox->button(QDialogButtonBox::Ok);
    start->setText(join ? tr("&Join") : tr("&Start"));
    start->setEnabled(ok);
}

void StartDialog::accept()
{
    updateState();
    if (!m_ui->buttonBox->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    m_browser->stop();
    QDialog::accept();
}

} // namespace Roomshare::Gui
