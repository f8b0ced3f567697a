#pragma once

#include <QLocalServer>
#include <QObject>
#include <QString>

namespace Roomshare::Gui {

//! One Roomshare window per user: a second start hands its invite link (or just "come to
//! the front") to the running instance over a local socket private to the user, and exits.
//!
//! The socket lives in the user's runtime folder (`$XDG_RUNTIME_DIR`, mode 0700), or in the
//! temporary folder under a name carrying the user id with owner-only permissions. A
//! request is one line of at most maxRequestSize() bytes; the running instance answers
//! "ok" once it has taken it, so the second process exits only when the link is safe.
class SingleInstance final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SingleInstance)
public:
    explicit SingleInstance(QObject *parent = nullptr);
    ~SingleInstance() override;

    //! The socket's full name for this user (overridable by ROOMSHARE_INSTANCE_SOCKET for
    //! tests that run several independent instances).
    static QString serverName();
    static constexpr int maxRequestSize() { return 16 * 1024; }

    //! Asks a running instance to open \a inviteLink (empty: only come to the front).
    //! Returns true when it confirmed; false when none runs (or it did not answer within
    //! \a timeoutMs, then \a error says so).
    static bool handOff(const QString &inviteLink, int timeoutMs = 3000, QString *error = nullptr);

    //! Becomes the running instance. A socket left behind by a crashed instance (nobody
    //! answers on it) is replaced. False with \a error when another instance answers or the
    //! socket cannot be created.
    bool listen(QString *error = nullptr);
    bool isListening() const { return m_server.isListening(); }

Q_SIGNALS:
    //! A later start asked this instance to come to the front and, when \a inviteLink is not
    //! empty, to open it. The link is passed on unchecked.
    void openRequested(const QString &inviteLink);

private:
    void onNewConnection();

    QLocalServer m_server;
};

} // namespace Roomshare::Gui
