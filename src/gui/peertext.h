#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

//! Text that other people chose (names of participants and files, server messages) never
//! gets to format the app: docs/security.md, "What the user sees".
namespace Roomshare::Gui::PeerText {

//! \a text (a participant's or file's name) as shown in status messages, notifications and
//! labels: bidi overrides and invisible characters made visible (FileNames::displayName).
QString shown(const QString &text);

//! Sets Qt::PlainText on every QLabel below \a root, so peer text is never read as HTML.
void makeLabelsPlain(QWidget *root);

//! True for a received file the system would run rather than show when opened: the
//! executable bit, or an extension that Windows, macOS or Linux desktops launch.
bool isRiskyToOpen(const QString &path);

} // namespace Roomshare::Gui::PeerText
