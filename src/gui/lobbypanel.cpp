#include "lobbypanel.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "guilogging.h"
#include "room.h"

namespace Roomshare::Gui {

namespace {
// A day, like the participant link the app shows when it hosts.
constexpr qint64 MintedLinkTtlSeconds = 86400;
} // namespace

LobbyPanel::LobbyPanel(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(tr("People waiting to join"), this))
    , m_list(new QVBoxLayout)
    , m_createLinkButton(new QPushButton(tr("Create participant link…"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    layout->addWidget(m_title);
    layout->addLayout(m_list);
    m_createLinkButton->setObjectName(QStringLiteral("createLinkButton"));
    m_createLinkButton->setToolTip(
        tr("Ask the room server for a new participant link, valid for one day"));
    m_createLinkButton->hide();
    layout->addWidget(m_createLinkButton);
    connect(m_createLinkButton, &QPushButton::clicked, this, &LobbyPanel::createParticipantLink);
    updateVisibility();
}

void LobbyPanel::setRoom(Room *room)
{
    if (m_room)
        m_room->disconnect(this);
    m_room = room;
    if (!room)
        return;
    connect(room, &Room::knockReceived, this, &LobbyPanel::addKnock);
    connect(room, &Room::knockEnded, this,
            [this](const QString &id, KnockOutcome) { removeKnock(id); });
    connect(room, &Room::disconnected, this, [this] {
        for (const QString &id : m_rows.keys())
            removeKnock(id);
    });
    for (const KnockRequest &knock : room->pendingKnocks())
        addKnock(knock);
}

void LobbyPanel::setLinkCreationOffered(bool offered)
{
    m_createLinkButton->setVisible(offered);
    updateVisibility();
}

bool LobbyPanel::isLinkCreationOffered() const
{
    return !m_createLinkButton->isHidden();
}

QPushButton *LobbyPanel::answerButton(const QString &knockId, bool admit) const
{
    QWidget *row = m_rows.value(knockId);
    return row ? row->findChild<QPushButton *>(admit ? QStringLiteral("admitButton")
                                                     : QStringLiteral("denyButton"))
               : nullptr;
}

QString LobbyPanel::waitingText(const Room *room)
{
    const QString waiting = tr("Waiting for the host to let you in…");
    if (!room || !room->isFingerprintTrustedOnFirstUse())
        return waiting;
    // Shown so the person can compare it with what the host sees (docs/security.md).
    QString fp = room->serverFingerprint().toUpper();
    for (int i = fp.size() - 2; i > 0; i -= 2)
        fp.insert(i, QLatin1Char(':'));
    return tr("%1 (server certificate %2)").arg(waiting, fp);
}

void LobbyPanel::addKnock(const KnockRequest &knock)
{
    if (m_rows.contains(knock.id))
        return;
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    const QString text = tr("%1 wants to join").arg(knock.name);
    auto *label = new QLabel(text, row);
    // The name is whatever the knocker typed: never interpret it as markup.
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setToolTip(tr("From %1").arg(knock.address));
    auto *admit = new QPushButton(tr("Admit"), row);
    admit->setObjectName(QStringLiteral("admitButton"));
    admit->setAccessibleName(tr("Admit %1").arg(knock.name));
    auto *deny = new QPushButton(tr("Deny"), row);
    deny->setObjectName(QStringLiteral("denyButton"));
    deny->setAccessibleName(tr("Deny %1").arg(knock.name));
    layout->addWidget(label, 1);
    layout->addWidget(admit);
    layout->addWidget(deny);
    const QString id = knock.id;
    connect(admit, &QPushButton::clicked, this, [this, id] { answer(id, true); });
    connect(deny, &QPushButton::clicked, this, [this, id] { answer(id, false); });
    m_list->addWidget(row);
    m_rows.insert(id, row);
    updateVisibility();
    Q_EMIT knockArrived(text);
}

void LobbyPanel::removeKnock(const QString &knockId)
{
    QWidget *row = m_rows.take(knockId);
    if (!row)
        return;
    row->hide();
    row->deleteLater();
    updateVisibility();
}

void LobbyPanel::answer(const QString &knockId, bool admit)
{
    if (!m_room)
        return;
    if (QWidget *row = m_rows.value(knockId))
        row->setEnabled(false); // one answer; the row goes when knock-ended arrives
    m_room->answerKnock(knockId, admit ? KnockAnswer::Admit : KnockAnswer::Deny,
                        [this, knockId](const QJsonObject &result) {
                            if (result.value(QLatin1String("result")).toInt() != 0)
                                removeKnock(knockId); // answered elsewhere or gone
                        });
}

void LobbyPanel::createParticipantLink()
{
    if (!m_room)
        return;
    m_createLinkButton->setEnabled(false);
    QPointer<LobbyPanel> self(this);
    m_room->createInviteLink(QString(), MintedLinkTtlSeconds, [self](const QJsonObject &result) {
        if (!self)
            return;
        self->m_createLinkButton->setEnabled(true);
        if (result.value(QLatin1String("result")).toInt() != 0) {
            const QString why = result.value(QLatin1String("desc")).toString();
            qCInfo(lcGui) << "creating a participant link failed:" << why;
            Q_EMIT self->linkCreationFailed(why);
            return;
        }
        const QString link = result.value(QLatin1String("response"))
                                 .toObject()
                                 .value(QLatin1String("link"))
                                 .toString();
        self->showLink(link);
        Q_EMIT self->inviteLinkCreated(link);
    });
}

void LobbyPanel::showLink(const QString &link)
{
    auto *dialog = new QDialog(window());
    dialog->setObjectName(QStringLiteral("participantLinkDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Participant link"));
    auto *layout = new QVBoxLayout(dialog);
    auto *label = new QLabel(
        tr("Anyone with this link can join the room for one day, choosing their own name:"),
        dialog);
    label->setWordWrap(true);
    auto *edit = new QLineEdit(link, dialog);
    edit->setObjectName(QStringLiteral("participantLinkEdit"));
    edit->setReadOnly(true);
    edit->setCursorPosition(0);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QPushButton *copy = buttons->addButton(tr("&Copy"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, dialog,
            [link] { QGuiApplication::clipboard()->setText(link); });
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(label);
    layout->addWidget(edit);
    layout->addWidget(buttons);
    dialog->resize(520, dialog->sizeHint().height());
    dialog->show();
}

void LobbyPanel::updateVisibility()
{
    m_title->setVisible(!m_rows.isEmpty());
    setVisible(!m_rows.isEmpty() || isLinkCreationOffered());
}

} // namespace Roomshare::Gui
