// The host's meeting controls in roomshare-cli: remove-participant, remove-file, lock and
// unlock, each printing one result line.

#include "cli.h"

namespace Roomshare::Cli {

bool Command::isHostCommand(Kind kind)
{
    switch (kind) {
    case Kind::Admit:
    case Kind::Deny:
    case Kind::Invite:
    case Kind::RemoveParticipant:
    case Kind::RemoveFile:
    case Kind::Lock:
    case Kind::Unlock:
        return true;
    case Kind::Send:
    case Kind::Listen:
    case Kind::List:
    case Kind::Recv:
        break;
    }
    return false;
}

void Command::runMeetingCommand()
{
    auto finish = [this](const char *messageType, const QJsonObject &result) {
        if (result.value(QLatin1String("result")).toInt(-1) != 0) {
            return exit(1,
                        QStringLiteral("%1 (%2)")
                            .arg(result.value(QLatin1String("desc")).toString())
                            .arg(result.value(QLatin1String("result")).toInt()));
        }
        QJsonObject line = result.value(QLatin1String("response")).toObject();
        line.insert(QStringLiteral("messageType"), QString::fromLatin1(messageType));
        printLine(line);
        exit(0);
    };
    switch (m_options.kind) {
    case Kind::RemoveParticipant:
        return m_room.removeParticipant(m_options.clientId, [finish](const QJsonObject &r) {
            finish("participant-removed", r);
        });
    case Kind::RemoveFile:
        return m_room.removeFile(m_options.index,
                                 [finish](const QJsonObject &r) { finish("file-removed", r); });
    case Kind::Lock:
    case Kind::Unlock:
        return m_room.setLocked(m_options.kind == Kind::Lock,
                                [finish](const QJsonObject &r) { finish("room-locked", r); });
    default:
        return;
    }
}

} // namespace Roomshare::Cli
