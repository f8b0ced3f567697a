#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <vector>

#include "errors.h"

class QSslCertificate;
class QSslError;
class QWebSocket;

namespace Roomshare {

//! Opens a WebSocket to a server that may be reached at several addresses (an invite
//! link's primary address and its `alt=` alternates), racing them in the manner of Happy
//! Eyeballs (RFC 8305): the first address is tried at once, each further one 250 ms after
//! the previous attempt started or as soon as it failed, and the first whose WebSocket
//! handshake completes (and, on TLS, whose certificate passes the pin) wins; the others
//! are aborted. A certificate pin makes any address that answers safe to use.
//!
//! Exactly one of connected() or failed() is emitted per start(), never from inside
//! start(). A new start() or abort() cancels the race in progress without a signal.
class Connector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connector)
public:
    explicit Connector(QObject *parent = nullptr);
    ~Connector() override;

    //! Lower-case hex SHA-256 of the certificate the server must present (`fp=`); empty to
    //! rely on the system's CAs. On a link without `fp=` but with trust on first use (a
    //! knock link), the first certificate seen is accepted and becomes the pin.
    void setPinnedFingerprint(const QString &fingerprint) { m_pin = fingerprint; }
    QString pinnedFingerprint() const { return m_pin; }
    void setTrustOnFirstUse(bool enabled) { m_trustOnFirstUse = enabled; }
    //! The largest message the sockets accept, applied before anything is read.
    void setMessageLimits(quint64 maxMessage, quint64 maxFrame);

    //! Races \a urls (in order of preference) for at most \a timeoutMs in all.
    void start(const QList<QUrl> &urls, int timeoutMs);
    void abort();
    bool isRunning() const { return !m_attempts.empty(); }

    //! Lower-case hex SHA-256 of \a certificate's DER form; empty for a null certificate.
    static QString fingerprintOf(const QSslCertificate &certificate);

Q_SIGNALS:
    //! \a socket (now owned by the receiver, parented to nothing) completed its handshake
    //! with the server at \a url.
    void connected(QWebSocket *socket, const QUrl &url);
    //! No address answered: \a text names every address tried and why it failed (refused,
    //! timed out, no route, name not found, certificate mismatch), with a hint.
    //! \a code is TlsVerificationFailed when an address answered with the wrong
    //! certificate, else RoomDisconnected.
    void failed(Roomshare::ErrorCode code, const QString &text);

private:
    struct Attempt;
    void startNext();
    bool isCurrent(const Attempt *attempt) const;
    void onAttemptConnected(Attempt *attempt);
    void onAttemptFailed(Attempt *attempt, const QString &why);
    void onSslErrors(Attempt *attempt, const QList<QSslError> &errors);
    void finishIfAllFailed();
    void onDeadline();
    QString describeFailures() const;

    std::vector<std::unique_ptr<Attempt>> m_attempts;
    QList<QUrl> m_urls;
    int m_next = 0;
    QString m_pin;
    bool m_trustOnFirstUse = false;
    bool m_tlsMismatch = false;
    quint64 m_maxMessage = 0;
    quint64 m_maxFrame = 0;
    int m_timeoutMs = 0;
    QTimer m_stagger; //!< the Connection Attempt Delay of RFC 8305
    QTimer m_deadline;
    QElapsedTimer m_clock;
};

} // namespace Roomshare
