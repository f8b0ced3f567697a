#pragma once

#include <QObject>
#include <QTimer>

namespace Roomshare::Gui {

//! Exponential backoff for reconnecting after the connection dropped: the first attempt
//! waits initialDelay() seconds, each further one twice as long, up to maxDelay().
//! It only keeps time; the window connects when attemptDue() fires.
class Reconnector final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Reconnector)
public:
    explicit Reconnector(QObject *parent = nullptr);

    int initialDelay() const { return m_initialDelay; }
    int maxDelay() const { return m_maxDelay; }
    void setDelays(int initialSeconds, int maxSeconds);

    //! Starts waiting for the next attempt (with the next, longer delay).
    void schedule();
    //! Connected again: the next drop starts over at initialDelay().
    void reset();
    //! Stops waiting without attempting (the user left the room).
    void stop();
    bool isWaiting() const { return m_tick.isActive(); }
    int secondsLeft() const { return m_secondsLeft; }
    //! The delay the next schedule() will use.
    int nextDelay() const { return m_nextDelay; }

Q_SIGNALS:
    //! Once a second while waiting, and once right after schedule().
    void countdown(int secondsLeft);
    //! The wait is over: connect now.
    void attemptDue();

private:
    QTimer m_tick;
    int m_initialDelay = 1;
    int m_maxDelay = 30;
    int m_nextDelay = 1;
    int m_secondsLeft = 0;
};

} // namespace Roomshare::Gui
