#pragma once

#include "serveroptions.h"

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
//! `dataDir()/partial`. File metadata is not persisted yet, so listen() clears both folders.
class RoomServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RoomServer)

public:
    explicit RoomServer(ServerOptions options, QObject *parent = nullptr);
    //! Closes every connection and deletes partial uploads.
    ~RoomServer() override;

    //! Prepares the data folder and starts listening. Returns false and sets \a error
    //! (when given) if the folder cannot be prepared, the secret is empty or the port is busy.
    bool listen(QString *error = nullptr);
    //! Closes every connection and stops listening. Stored files stay on disk until the next
    //! listen().
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
    //! The port actually listened on (useful with port 0); 0 when not listening.
    quint16 port() const;

    const ServerOptions &options() const;
    QString dataDir() const;
    QString partialDir() const; //!< uploads in progress
    QString filesDir() const; //!< complete, verified files

    // Read-only state, mainly for tests and diagnostics.
    int connectionCount() const; //!< open WebSocket connections, joined or not
    int roomCount() const; //!< rooms that were ever joined (rooms keep their files while empty)
    int participantCount(const QString &room
                         = QString()) const; //!< joined clients, optionally of one room
    int fileCount(const QString &room
                  = QString()) const; //!< available files, optionally of one room
    int uploadCount() const; //!< uploads in progress
    int downloadCount() const; //!< downloads in progress

Q_SIGNALS:
    //! A client joined \a room as \a clientId (after the `joined` reply was sent).
    void participantJoined(const QString &room, const QString &clientId);
    //! \a clientId's connection ended, for any reason (after the others were told).
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
