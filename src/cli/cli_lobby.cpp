// The lobby in roomshare-cli: knocking with a token-less link, the moderator's knock
// events in `listen`, and the admit, deny and invite commands.

#include "cli.h"

#include <QJsonDocument>

namespace Roomshare::Cli {

namespace {

QJsonObject line(const char *messageType, QJsonObject fields)
{
    fields.insert(QStringLiteral("messageType"), QString::fromLatin1(messageType));
    return fields;
}

} // namespace

void Command::connectLobbyEvents()
{
    connect(&m_room, &Room::knockWaiting, this, [this](const QString &room) {
        QJsonObject fields{ { QStringLiteral("room"), room },
                            { QStringLiteral("server"), m_room.serverAddress() } };
        if (m_room.isFingerprintTrustedOnFirstUse())
            fields.insert(QStringLiteral("fingerprint"), m_room.serverFingerprint());
        const QJsonObject waiting = line("knock-waiting", fields);
        // list promises exactly one JSON array on stdout.
        if (m_options.kind == Kind::List)
            std::fprintf(stderr, "%s\n",
                         QJsonDocument(waiting).toJson(QJsonDocument::Compact).constData());
        else
            printLine(waiting);
    });
    if (m_options.kind != Kind::Listen)
        return;
    connect(&m_room, &Room::knockReceived, this, [](const KnockRequest &knock) {
        printLine(line("knock",
                       { { QStringLiteral("knockId"), knock.id },
                         { QStringLiteral("name"), knock.name },
                         { QStringLiteral("address"), knock.address },
                         { QStringLiteral("room"), knock.room } }));
    });
    connect(&m_room, &Room::knockEnded, this, [](const QString &id, KnockOutcome outcome) {
        printLine(line("knock-ended",
                       { { QStringLiteral("knockId"), id },
                         { QStringLiteral("outcome"), Lobby::outcomeName(outcome) } }));
    });
}

void Command::runLobbyCommand()
{
    auto finish = [this](const char *messageType, const QJsonObject &result) {
        if (result.value(QLatin1String("result")).toInt(-1) != 0) {
            return exit(1,
                        QStringLiteral("%1 (%2)")
                            .arg(result.value(QLatin1String("desc")).toString())
                            .arg(result.value(QLatin1String("result")).toInt()));
        }
        printLine(line(messageType, result.value(QLatin1String("response")).toObject()));
        exit(0);
    };
    if (m_options.kind == Kind::Invite) {
        m_room.createInviteLink(m_options.inviteName, m_options.inviteTtlSeconds,
                                [finish](const QJsonObject &r) { finish("invite-created", r); });
        return;
    }
    m_room.answerKnock(m_options.knockId,
                       m_options.kind == Kind::Admit ? KnockAnswer::Admit : KnockAnswer::Deny,
                       [finish](const QJsonObject &r) { finish("knock-answered", r); });
}

} // namespace Roomshare::Cli
