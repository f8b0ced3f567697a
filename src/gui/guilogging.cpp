#include "guilogging.h"

#include <QtGlobal>

Q_LOGGING_CATEGORY(lcGui, "roomshare.gui")

static void initRoomshareResources()
{
    Q_INIT_RESOURCE(roomshare);
}

void Roomshare::Gui::initResources()
{
    initRoomshareResources();
}
