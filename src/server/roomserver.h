#pragma once

#include "serveroptions.h"

#include <invite.h>

#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

namespace Roomshare::Server {

class RoomServerPrivate;

//! The Roomshare room server: accepts WebSocket connections, admits them to rooms with
//! signed join tokens and relays files between participants, exactly as docs/protocol.md
//! describes. Everything runs on the thread the object lives on; no call blocks.
//!
//! Completed files are kept under `dataDir()/files`, uploads in progress under
//! `dataDir()/partial`, and what they are (rooms, files, sessions, uploads) in the SQLite
//! database `dataDir()/roomshare.db`. listen() loads that state, so a restarted server
//! (even after kill -9) offers the same files and resumes the same uploads; see
//! docs/protocol.md, "Persistence".
class RoomServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomServer)

public:
    explicit RoomServer(ServerOptions options, QObject *parent = nullptr);
    //! Closes every connection; uploads in progress stay resumable on disk.
    ~RoomServer() override;

    //! Prepares the data folder and starts listening. Returns false and sets \a error
    //! (when given) if the folder cannot be prepared, the secret is empty or the port is busy.
    bool listen(QString *error = nullptr);
    //! Closes every connection and stops listening. Files, partial uploads and sessions stay
    //! on disk for the next listen().
    void close();
    bool isListening() const;

    //! The address clients connect to, `ws://HOST:PORT/` (`wss://` with TLS). A wildcard
    //! listen address (0.0.0.0, ::) is reported as 127.0.0.1. Empty when not listening.
    QUrl url() const;
    //! True when the options carry a TLS certificate: the server then speaks `wss://` only.
    bool isSecure() const;
    //! Lower-case hex SHA-256 of the TLS certificate (DER), for `fp=` in invite links;
    //! empty without TLS.
    QString certificateFingerprint() const;
    //! Where others reach this server, the preferred address first: the public URLs when
    //! set, else for a wildcard listen address every address of this machine a guest may
    //! share a network with (HostAddresses::candidates(), the default route's first) and
    //! the advertised host name, else the listen address. Empty when not listening.
    QList<ServerEndpoint> endpoints() const;
    //! Adds \a name (a host name that resolves to this machine) to endpoints() as the last
    //! alternate; empty removes it.
    void setAdvertisedHostName(const QString &name);
    //! Whether the links speak TLS: the server's own, or that of the first public URL.
    bool linksAreSecure() const;
    //! Signs \a claims and builds the invite link for them: every endpoint (the first as
    //! the link's host, the others as `alt=`), and `fp=` when the server has a certificate
    //! and the links speak TLS.
    QString inviteLink(const JoinClaims &claims) const;
    //! Signs \a claims and builds the web invite link (InviteLink::toWebString()): the
    //! browser page this server serves, on the first endpoint.
    QString webInviteLink(const JoinClaims &claims) const;

    //! The port actually listened on (useful with port 0); 0 when not listening.
    quint16 port() const;

    const ServerOptions &options() const;
    QString dataDir() const;
    QString partialDir() const; //!< uploads in progress
    QString filesDir() const; //!< complete, verified files

    // Read-only state, mainly for tests and diagnostics.
    int connectionCount() const; //!< open WebSocket connections, joined or not
    int roomCount() const; //!< rooms that were ever joined (rooms keep their files while empty)
    //! Present participants of this server (connected, or dropped less than the grace
    //! period ago), optionally of one room; not those of other nodes sharing the database.
    int participantCount(const QString &room = QString()) const;
    int fileCount(const QString &room
                  = QString()) const; //!< available files, optionally of one room
    int uploadCount() const; //!< uploads in progress, connected or waiting to be resumed
    int sessionCount() const; //!< sessions that can be resumed (present or not)
    int downloadCount() const; //!< downloads in progress

    //! The most bytes queued for sending on any one connection's chunk transport (its data
    //! channel, else its WebSocket), now.
    qint64 largestSendBacklog() const;
    //! The most bytes read ahead from any one greeted data channel no `join` claimed yet.
    qint64 largestUnclaimedReadAhead() const;

    //! What the server's periodic scans (file and partial-upload expiry, forgetting idle
    //! sessions, checkpoints of uploads receiving data) did since construction.
    struct ScanCounts
    {
        qint64 scans = 0; //!< scans run
        qint64 visited = 0; //!< entries (files, uploads, sessions) they looked at, in all
    };
    //! Each scan looks at what is due (and at an entry whose deadline moved since it was
    //! indexed, at most once per its period), never at everything the server holds; tests
    //! check this with thousands of idle uploads, sessions and files.
    ScanCounts scanCounts() const;
    //! Download chunks sent by sendfile since construction (docs/protocol.md, "Data
    //! channel"): tests check that the zero-copy path is the one taken.
    qint64 zeroCopyChunks() const;

Q_SIGNALS:
    //! A client joined \a room as \a clientId (after the `joined` reply was sent), or came
    //! back after it had been announced as left. Not emitted for a resume within the grace
    //! period. This server's clients only: participants of other nodes sharing the database
    //! emit neither this nor participantLeft() (fileAvailable() and fileRemoved() are
    //! emitted for other nodes' files too).
    void participantJoined(const QString &room, const QString &clientId);
    //! \a clientId left: it closed its connection, or its connection dropped and it did not
    //! resume within the grace period (after the others were told).
    void participantLeft(const QString &room, const QString &clientId);
    //! A verified upload became file \a index of \a room (after `upload-done` and
    //! `file-available`).
    void fileAvailable(const QString &room, qint64 index);
    //! File \a index of \a room was removed; \a reason is "withdrawn" or "expired".
    //! Its storage is already deleted when this is emitted.
    void fileRemoved(const QString &room, qint64 index, const QString &reason);

private:
    friend class RoomServerPrivate;
    std::unique_ptr<RoomServerPrivate> d;
};

} // namespace Roomshare::Server
