#pragma once

#include <QWidget>

namespace Roomshare::Gui {

//! A translucent layer over the window while files are dragged onto it, telling who will
//! receive them, or why the drop will be refused. It ignores mouse input and follows its
//! parent's size; the window shows and hides it from its drag events.
class DropOverlay final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DropOverlay)
public:
    enum class Mode { Accept, Refuse };
    Q_ENUM(Mode)

    explicit DropOverlay(QWidget *parent);

    //! Shows the overlay with \a headline and the smaller \a detail line.
    void showMessage(Mode mode, const QString &headline, const QString &detail);
    Mode mode() const { return m_mode; }
    QString headline() const { return m_headline; }
    QString detail() const { return m_detail; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;

private:
    Mode m_mode = Mode::Accept;
    QString m_headline;
    QString m_detail;
};

} // namespace Roomshare::Gui
