#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Roomshare {

//! What a client keeps about one upload in progress so that it can continue it after the
//! app or CLI was restarted (killed, crashed, the machine rebooted). The session id is a
//! secret bearer value: it lives only in the state folder's private files, never in a log.
struct UnfinishedUpload
{
    QString linkKey; //!< UploadStateStore::linkKey() of the invite link it was sent with
    QString server; //!< host:port, for display
    QString room;
    QString sessionId; //!< the session that owns the upload on the server
    quint32 uploadId = 0; //!< the server's durable upload id
    QString path; //!< absolute path of the source file
    QString name;
    qint64 size = 0; //!< the source's size when the upload began
    qint64 modifiedMs = 0; //!< the source's modification time (ms since the epoch) then
    bool broadcast = true;
    QStringList recipients;
    qint64 savedAtMs = 0; //!< when the record was written (the newest session wins)

    QJsonObject toJson() const;
    //! The record in \a o, or one with uploadId 0 when \a o is not a valid record.
    static UnfinishedUpload fromJson(const QJsonObject &o);
    //! True when the source file still has the recorded size and modification time;
    //! otherwise false with \a why saying what changed (a sentence for the user).
    bool sourceUnchanged(QString *why = nullptr) const;
};

//! The folder of UnfinishedUpload records: one JSON file per upload, readable and writable
//! by the user only (folder 0700, files 0600), written atomically.
class UploadStateStore
{
public:
    explicit UploadStateStore(const QString &folder);

    //! The application's own state folder for these records: the writable
    //! AppLocalDataLocation (so "roomshare" and "roomshare-cli" each have theirs) plus
    //! "unfinished-uploads".
    static QString defaultFolder();
    //! A key naming the invite link (its token) without revealing it: hex SHA-256.
    static QString linkKey(const QString &token);

    QString folder() const { return m_folder; }
    //! Writes \a record; false (with \a error) when the folder or file cannot be written.
    bool save(const UnfinishedUpload &record, QString *error = nullptr) const;
    void remove(const QString &linkKey, quint32 uploadId) const;
    //! The records of link \a linkKey, newest first.
    QList<UnfinishedUpload> list(const QString &linkKey) const;

private:
    QString fileName(const QString &linkKey, quint32 uploadId) const;

    QString m_folder;
};

} // namespace Roomshare
