#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include "room.h"

namespace Roomshare::Cli {

//! One run of a roomshare-cli command. Prints one JSON object per line on stdout and
//! quits the application with the command's exit status when it is done.
class Command final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Command)
public:
    enum class Kind {
        Send,
        Listen,
        List,
        Recv,
        Admit,
        Deny,
        Invite,
        RemoveParticipant,
        RemoveFile,
        Lock,
        Unlock
    };

    struct Options
    {
        Kind kind = Kind::List;
        QString link;
        QString name;
        QStringList files; //!< send
        QStringList to; //!< send: client ids; empty = everyone
        QString dir; //!< listen --download-to, recv --out
        qint64 index = -1; //!< recv --index, remove-file
        bool all = false; //!< recv --all
        bool mine = false; //!< list --mine
        qint64 expiresIn = 0; //!< send --expires-in
        qint64 maxDownloads = 0; //!< send --max-downloads
        int reconnectWindowMs = 60000; //!< --reconnect-window
        QString knockId; //!< admit, deny
        QString inviteName; //!< invite --name (empty: a shared link)
        qint64 inviteTtlSeconds = 86400; //!< invite --ttl
        QString clientId; //!< remove-participant
    };

    //! The moderators' commands that print one result line and do nothing else.
    static bool isHostCommand(Kind kind);

    explicit Command(const Options &options, QObject *parent = nullptr);
    void start();

private:
    void onConnected();
    void onDisconnected(ErrorCode error, const QString &text);
    void download(qint64 index);
    //! send: continues the unfinished uploads an earlier run recorded for \a files (same
    //! link, same source path, unchanged source) and discards those whose source changed,
    //! saying why; returns the files to send from the start (cli_resume.cpp).
    QStringList resumeUnfinished(const QStringList &files);
    //! A resumed upload of \a file ended with \a result; one the server no longer holds
    //! (1190) is sent again from the start.
    void resumeEnded(const QString &file, const QJsonObject &result);
    //! sendFiles() options from --to, --expires-in and --max-downloads.
    QJsonObject sendOptions() const;
    //! The lobby side (cli_lobby.cpp): knock-waiting, knock and knock-ended lines.
    void connectLobbyEvents();
    //! Runs admit, deny or invite once joined.
    void runLobbyCommand();
    //! Runs remove-participant, remove-file, lock or unlock once joined (cli_meeting.cpp).
    void runMeetingCommand();
    void jobFinished(bool ok);
    void exit(int status, const QString &error = QString());

    Options m_options;
    Room m_room;
    int m_running = 0;
    bool m_anyFailed = false;
    bool m_exiting = false;
    bool m_started = false; //!< the command ran; a reconnection must not run it again
};

//! Writes \a object as one compact JSON line on stdout and flushes.
void printLine(const QJsonObject &object);

} // namespace Roomshare::Cli
