#include "sendlimits.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QTimeZone>

namespace Roomshare::Gui {

SendLimits::SendLimits(QWidget *parent)
    : QWidget(parent)
    , m_keep(new QComboBox(this))
    , m_once(new QCheckBox(tr("&Once per person"), this))
{
    setObjectName(QStringLiteral("sendLimits"));
    m_keep->setObjectName(QStringLiteral("keepCombo"));
    m_keep->addItem(tr("Keep as long as the room allows"), int(Keep::RoomLimit));
    m_keep->addItem(tr("Keep for 1 hour"), int(Keep::OneHour));
    m_keep->addItem(tr("Keep until the end of the day"), int(Keep::EndOfDay));
    m_keep->addItem(tr("Keep for 24 hours"), int(Keep::OneDay));
    m_keep->setAccessibleName(tr("How long files you send stay in the room"));
    m_keep->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_once->setObjectName(QStringLiteral("oncePerPersonCheck"));
    m_once->setToolTip(tr("Withdraw what you send once each recipient has downloaded it"));
    m_once->setAccessibleName(tr("Withdraw once each recipient has it"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_keep);
    layout->addWidget(m_once);
}

SendLimits::Keep SendLimits::keep() const
{
    return Keep(m_keep->currentData().toInt());
}

void SendLimits::setKeep(Keep keep)
{
    m_keep->setCurrentIndex(m_keep->findData(int(keep)));
}

bool SendLimits::oncePerPerson() const
{
    return m_once->isChecked();
}

void SendLimits::setOncePerPerson(bool once)
{
    m_once->setChecked(once);
}

qint64 SendLimits::expiresInSeconds(Keep keep, const QDateTime &now)
{
    switch (keep) {
    case Keep::RoomLimit:
        return 0;
    case Keep::OneHour:
        return 3600;
    case Keep::OneDay:
        return 24 * 3600;
    case Keep::EndOfDay: {
        const QDateTime midnight(now.date().addDays(1), QTime(0, 0), now.timeZone());
        return qMax<qint64>(60, now.secsTo(midnight));
    }
    }
    return 0;
}

QJsonObject SendLimits::apply(QJsonObject options, int recipients, const QDateTime &now) const
{
    const qint64 expiresIn = expiresInSeconds(keep(), now);
    if (expiresIn > 0)
        options.insert(QStringLiteral("expiresIn"), double(expiresIn));
    if (oncePerPerson() && recipients > 0)
        options.insert(QStringLiteral("maxDownloads"), recipients);
    return options;
}

} // namespace Roomshare::Gui
