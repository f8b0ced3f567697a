#include "qrcodewidget.h"

#include <QPainter>

#include <qrencode.h>

#include "guilogging.h"

namespace Roomshare::Gui {

namespace {
constexpr int QuietZone = 4;
}

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void QrCodeWidget::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_image = encode(text);
    setToolTip(text);
    updateGeometry();
    update();
}

QImage QrCodeWidget::encode(const QString &text)
{
    if (text.isEmpty())
        return QImage();
    const QByteArray utf8 = text.toUtf8();
    QRcode *code = QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) {
        qCWarning(lcGui) << "Could not encode a QR code for a text of" << utf8.size() << "bytes";
        return QImage();
    }
    const int side = code->width + 2 * QuietZone;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    for (int y = 0; y < code->width; ++y) {
        for (int x = 0; x < code->width; ++x) {
            if (code->data[y * code->width + x] & 1)
                image.setPixel(x + QuietZone, y + QuietZone, qRgb(0, 0, 0));
        }
    }
    QRcode_free(code);
    return image;
}

QSize QrCodeWidget::sizeHint() const
{
    const int modules = m_image.isNull() ? 41 : m_image.width();
    return QSize(modules * 3, modules * 3);
}

QSize QrCodeWidget::minimumSizeHint() const
{
    const int modules = m_image.isNull() ? 41 : m_image.width();
    return QSize(modules * 2, modules * 2);
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    if (m_image.isNull())
        return;
    QPainter p(this);
    const qreal dpr = devicePixelRatioF();
    const int available = int(qMin(width(), height()) * dpr);
    const int scale = qMax(1, available / m_image.width());
    const qreal side = m_image.width() * scale / dpr;
    const QRectF target((width() - side) / 2, (height() - side) / 2, side, side);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, m_image);
}

} // namespace Roomshare::Gui
