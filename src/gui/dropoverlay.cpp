#include "dropoverlay.h"

#include <QEvent>
#include <QIcon>
#include <QPainter>
#include <QPainterPath>

namespace Roomshare::Gui {

DropOverlay::DropOverlay(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setAccessibleName(tr("Drop files here"));
    hide();
    parent->installEventFilter(this);
    setGeometry(parent->rect());
}

void DropOverlay::showMessage(Mode mode, const QString &headline, const QString &detail)
{
    m_mode = mode;
    m_headline = headline;
    m_detail = detail;
    setAccessibleDescription(headline + u' ' + detail);
    setGeometry(parentWidget()->rect());
    raise();
    show();
    update();
}

bool DropOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void DropOverlay::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    QColor veil = pal.color(QPalette::Window);
    veil.setAlpha(215);
    p.fillRect(rect(), veil);

    const QColor accent
        = m_mode == Mode::Accept ? pal.color(QPalette::Highlight) : QColor(0xd6, 0x45, 0x45);
    const QRectF frame = QRectF(rect()).adjusted(24, 24, -24, -24);
    QPen pen(accent, 3, Qt::DashLine);
    pen.setDashPattern({ 4, 3 });
    p.setPen(pen);
    QColor fill = accent;
    fill.setAlpha(28);
    p.setBrush(fill);
    p.drawRoundedRect(frame, 18, 18);

    const int iconSide = qMin(96, int(frame.height() / 4));
    const QString iconName = m_mode == Mode::Accept ? QStringLiteral(":/icons/upload.svg")
                                                    : QStringLiteral(":/icons/cancel.svg");
    const QRect iconRect(int(frame.center().x()) - iconSide / 2,
                         int(frame.center().y()) - iconSide - 16, iconSide, iconSide);
    QIcon(iconName).paint(&p, iconRect);

    QFont headlineFont = font();
    headlineFont.setPointSizeF(headlineFont.pointSizeF() * 1.8);
    headlineFont.setBold(true);
    p.setFont(headlineFont);
    p.setPen(pal.color(QPalette::WindowText));
    const QRect textArea = frame.toRect().adjusted(32, 0, -32, 0);
    const QRect headlineRect(textArea.left(), iconRect.bottom() + 16, textArea.width(),
                             QFontMetrics(headlineFont).height() * 2);
    p.drawText(headlineRect, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_headline);

    QFont detailFont = font();
    detailFont.setPointSizeF(detailFont.pointSizeF() * 1.15);
    p.setFont(detailFont);
    const QRect used = p.boundingRect(
        headlineRect, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_headline);
    p.setFont(detailFont);
    const QRect detailRect(textArea.left(), used.bottom() + 8, textArea.width(),
                           QFontMetrics(detailFont).height() * 3);
    p.drawText(detailRect, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_detail);
}

} // namespace Roomshare::Gui
