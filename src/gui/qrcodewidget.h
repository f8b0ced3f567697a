#pragma once

#include <QImage>
#include <QWidget>

namespace Roomshare::Gui {

//! Shows a text (an invite link) as a QR code, always dark modules on white with a quiet
//! zone, scaled by whole pixels so the modules stay crisp.
class QrCodeWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(QrCodeWidget)
public:
    explicit QrCodeWidget(QWidget *parent = nullptr);

    QString text() const { return m_text; }
    void setText(const QString &text);
    //! One pixel per module plus a four-module quiet zone; null when \a text is empty or
    //! too long to encode.
    static QImage encode(const QString &text);
    QImage image() const { return m_image; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    QImage m_image;
};

} // namespace Roomshare::Gui
