#pragma once

#include <QHash>
#include <QPointer>
#include <QWidget>

class QBoxLayout;
class QLabel;
class QPushButton;

namespace Roomshare {
class Room;
struct KnockRequest;
} // namespace Roomshare

namespace Roomshare::Gui {

//! The lobby for the room's moderators: "People waiting to join", one row per knock
//! ("Erin wants to join", Admit, Deny), hidden while nobody waits; and, for a moderator
//! on a server this app does not host, "Create participant link…", which asks the server
//! to sign a link and shows it with a Copy button. Names are shown as plain text.
class LobbyPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LobbyPanel)
public:
    explicit LobbyPanel(QWidget *parent = nullptr);

    //! Follows \a room's knocks (moderators only receive any).
    void setRoom(Room *room);
    //! Offers "Create participant link…" (for a moderator who joined a remote server).
    void setLinkCreationOffered(bool offered);
    bool isLinkCreationOffered() const;
    //! Knocks shown (waiting for an answer).
    int knockCount() const { return int(m_rows.size()); }
    //! The row's Admit or Deny button of knock \a knockId (tests, accessibility checks).
    QPushButton *answerButton(const QString &knockId, bool admit) const;
    //! What a knocker's window says while it waits, with the certificate fingerprint when
    //! it was trusted on first use.
    static QString waitingText(const Room *room);

public Q_SLOTS:
    //! Asks the server for a participant link valid one day; inviteLinkCreated() or
    //! linkCreationFailed() follows.
    void createParticipantLink();

Q_SIGNALS:
    //! Someone knocked: \a text is "NAME wants to join", for a notification.
    void knockArrived(const QString &text);
    //! The server signed a participant link (also shown in a small window with Copy).
    void inviteLinkCreated(const QString &link);
    void linkCreationFailed(const QString &text);

private:
    void addKnock(const KnockRequest &knock);
    void removeKnock(const QString &knockId);
    void answer(const QString &knockId, bool admit);
    void showLink(const QString &link);
    void updateVisibility();

    QPointer<Room> m_room;
    QLabel *m_title;
    QBoxLayout *m_list;
    QPushButton *m_createLinkButton;
    QHash<QString, QWidget *> m_rows; //!< knockId -> its row (owned by the layout's widget)
};

} // namespace Roomshare::Gui
