#include "logging.h"

Q_LOGGING_CATEGORY(lcCore, "roomshare.core", QtWarningMsg)
