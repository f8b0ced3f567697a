#pragma once

#include <QLoggingCategory>

//! The desktop app's logging category, "roomshare.gui".
Q_DECLARE_LOGGING_CATEGORY(lcGui)

namespace Roomshare::Gui {
//! Registers the library's icons and translations resource. Call once from main() (the
//! library is static, so the linker would otherwise drop the resource initialiser).
void initResources();
} // namespace Roomshare::Gui
