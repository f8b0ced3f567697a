#pragma once

#include <QLoggingCategory>

namespace Roomshare::Server {
Q_DECLARE_LOGGING_CATEGORY(lcServer)
} // namespace Roomshare::Server
