#include "cli.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <cstdio>

namespace Roomshare::Cli {

namespace {

QJsonObject roomEvent(const QString &type, const QJsonObject &fields)
{
    QJsonObject o = fields;
    o.insert(QStringLiteral("messageType"), type);
    return o;
}

void printRaw(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

void printLine(const QJsonObject &object)
{
    printRaw(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

Command::Command(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_room.setReconnectWindow(m_options.reconnectWindowMs);
    // send keeps what it needs to continue its uploads after a restart (cli_resume.cpp).
    if (m_options.kind == Kind::Send)
        m_room.setUploadStateFolder(UploadStateStore::defaultFolder());
    connect(&m_room, &Room::connected, this, &Command::onConnected);
    connect(&m_room, &Room::stateChanged, this, [this](Room::State state) {
        if (state == Room::State::Reconnecting && m_options.kind != Kind::List)
            printLine(roomEvent(QStringLiteral("room-reconnecting"),
                                { { QStringLiteral("room"), m_room.roomName() },
                                  { QStringLiteral("reason"), m_room.lastErrorText() } }));
    });
    connect(&m_room, &Room::disconnected, this, &Command::onDisconnected);
    connectLobbyEvents();
    // admit, deny, invite and the other host commands print exactly their one result line;
    // list exactly one JSON array, even when someone joins or leaves meanwhile (on several
    // server nodes a departure from another node arrives a moment later, during the next
    // command's list).
    if (isHostCommand(m_options.kind) || m_options.kind == Kind::List)
        return;
    connect(&m_room, &Room::participantJoined, this, [](const Participant &p) {
        printLine(roomEvent(QStringLiteral("user-connected"),
                            { { QStringLiteral("clientId"), p.clientId },
                              { QStringLiteral("name"), p.name },
                              { QStringLiteral("role"), p.role } }));
    });
    connect(&m_room, &Room::participantLeft, this, [](const Participant &p) {
        printLine(roomEvent(
            QStringLiteral("user-disconnected"),
            { { QStringLiteral("clientId"), p.clientId }, { QStringLiteral("name"), p.name } }));
    });
    if (m_options.kind != Kind::List) {
        connect(&m_room, &Room::fsUploadResult, this, &printLine);
        connect(&m_room, &Room::fsDownloadResult, this, [this](const QJsonObject &event) {
            // recv only reports its own jobs; listen reports everything.
            if (m_options.kind == Kind::Recv
                && event.value(QLatin1String("messageType")).toString()
                    == QLatin1String("download-available"))
                return;
            printLine(event);
        });
        connect(&m_room, &Room::fileRemoved, this, [](qint64 index, const QString &reason) {
            printLine(roomEvent(QStringLiteral("file-removed"),
                                { { QStringLiteral("response"),
                                    QJsonObject{ { QStringLiteral("index"), double(index) },
                                                 { QStringLiteral("reason"), reason } } } }));
        });
    }
    if (m_options.kind == Kind::Listen && !m_options.dir.isEmpty())
        connect(&m_room, &Room::fileAvailable, this,
                [this](const FileInfo &f) { download(f.index); });
}

void Command::start()
{
    if (!m_room.connectToRoom(m_options.link, m_options.name))
        exit(1, m_room.lastErrorText());
}

void Command::onConnected()
{
    if (m_started) {
        // Back after a drop: the jobs resume by themselves (upload-resumed/download-resumed).
        if (m_options.kind != Kind::List)
            printLine(roomEvent(QStringLiteral("room-reconnected"),
                                { { QStringLiteral("clientId"), m_room.clientId() },
                                  { QStringLiteral("room"), m_room.roomName() } }));
        return;
    }
    m_started = true;
    if (m_options.kind == Kind::Admit || m_options.kind == Kind::Deny
        || m_options.kind == Kind::Invite)
        return runLobbyCommand();
    if (isHostCommand(m_options.kind))
        return runMeetingCommand();
    // list prints exactly one JSON array, so scripts can pipe it straight into a parser.
    if (m_options.kind != Kind::List)
        printLine(roomEvent(QStringLiteral("room-connected"),
                            { { QStringLiteral("clientId"), m_room.clientId() },
                              { QStringLiteral("room"), m_room.roomName() },
                              { QStringLiteral("name"), m_room.displayName() },
                              { QStringLiteral("role"), m_room.role() },
                              { QStringLiteral("server"), m_room.serverAddress() },
                              { QStringLiteral("dataChannel"), m_room.usesDataChannel() } }));
    switch (m_options.kind) {
    case Kind::List:
        if (m_options.mine) {
            return m_room.listMyFiles([this](const QJsonObject &result) {
                if (result.value(QLatin1String("result")).toInt(-1) != 0) {
                    return exit(1,
                                QStringLiteral("%1 (%2)")
                                    .arg(result.value(QLatin1String("desc")).toString())
                                    .arg(result.value(QLatin1String("result")).toInt()));
                }
                const QJsonArray files = result.value(QLatin1String("response"))
                                             .toObject()
                                             .value(QLatin1String("files"))
                                             .toArray();
                printRaw(QJsonDocument(files).toJson(QJsonDocument::Compact));
                exit(0);
            });
        }
        printRaw(QJsonDocument(m_room.availableFiles()).toJson(QJsonDocument::Compact));
        return exit(0);
    case Kind::Send: {
        const QJsonObject options = sendOptions();
        const QStringList fresh = resumeUnfinished(m_options.files);
        if (fresh.isEmpty())
            return;
        const auto ids = m_room.sendFiles(fresh, options, [this](const QJsonObject &result) {
            // Only per-file results carry a messageType; a refusal of the whole request does
            // not.
            if (result.contains(QLatin1String("messageType")))
                return jobFinished(result.value(QLatin1String("result")).toInt() == 0);
            exit(1, QString::fromUtf8(QJsonDocument(result).toJson(QJsonDocument::Compact)));
        });
        m_running += int(ids.size());
        return;
    }
    case Kind::Recv: {
        if (m_options.all) {
            const auto files = m_room.availableFileList();
            for (const auto &f : files)
                download(f.index);
            if (files.isEmpty())
                exit(0);
        } else {
            download(m_options.index);
        }
        return;
    }
    case Kind::Listen:
        if (!m_options.dir.isEmpty())
            for (const auto &f : m_room.availableFileList())
                download(f.index);
        return;
    case Kind::Admit:
    case Kind::Deny:
    case Kind::Invite:
    case Kind::RemoveParticipant:
    case Kind::RemoveFile:
    case Kind::Lock:
    case Kind::Unlock:
        return;
    }
}

QJsonObject Command::sendOptions() const
{
    QJsonObject options{ { QStringLiteral("broadcast"), m_options.to.isEmpty() } };
    if (!m_options.to.isEmpty())
        options.insert(QStringLiteral("clientList"), QJsonArray::fromStringList(m_options.to));
    if (m_options.expiresIn > 0)
        options.insert(QStringLiteral("expiresIn"), double(m_options.expiresIn));
    if (m_options.maxDownloads > 0)
        options.insert(QStringLiteral("maxDownloads"), double(m_options.maxDownloads));
    return options;
}

void Command::download(qint64 index)
{
    ++m_running;
    const qint64 id = m_room.recvFiles(
        index, { { QStringLiteral("saveDir"), m_options.dir } }, [this](const QJsonObject &result) {
            const bool ok = result.value(QLatin1String("result")).toInt() == 0;
            if (!ok && !result.contains(QLatin1String("messageType"))
                && m_options.kind == Kind::Recv)
                std::fprintf(stderr, "%s\n",
                             QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
            jobFinished(ok);
        });
    Q_UNUSED(id);
}

void Command::jobFinished(bool ok)
{
    --m_running;
    m_anyFailed |= !ok;
    if (m_running <= 0 && m_options.kind != Kind::Listen)
        exit(m_anyFailed ? 1 : 0,
             m_anyFailed ? QStringLiteral("some transfers failed") : QString());
}

void Command::onDisconnected(ErrorCode error, const QString &text)
{
    if (m_exiting)
        return;
    exit(1,
         QStringLiteral("%1 (%2)").arg(text.isEmpty() ? errorText(error) : text).arg(int(error)));
}

void Command::exit(int status, const QString &error)
{
    if (m_exiting)
        return;
    m_exiting = true;
    if (!error.isEmpty())
        std::fprintf(stderr, "roomshare-cli: %s\n", qPrintable(error));
    // Leave the room cleanly, then quit once the close handshake had a moment to go out.
    m_room.disconnectFromRoom();
    QTimer::singleShot(0, qApp, [status] { QCoreApplication::exit(status); });
}

} // namespace Roomshare::Cli
