#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QWidget>

class QCheckBox;
class QComboBox;

namespace Roomshare::Gui {

//! The small choice next to *Send files…*: how long what you send stays in the room, and
//! whether it is withdrawn once every recipient has it. It only shapes the `sendFiles`
//! options (`expiresIn`, `maxDownloads`); the server caps `expiresIn` at its own limit.
class SendLimits final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SendLimits)
public:
    enum class Keep {
        RoomLimit, //!< as long as the room keeps files (the server's --file-ttl)
        OneHour,
        EndOfDay, //!< until the coming local midnight
        OneDay,
    };
    Q_ENUM(Keep)

    explicit SendLimits(QWidget *parent = nullptr);

    Keep keep() const;
    void setKeep(Keep keep);
    bool oncePerPerson() const;
    void setOncePerPerson(bool once);

    //! Seconds from \a now that \a keep stands for; 0 for RoomLimit. EndOfDay is at least
    //! one minute, so a file sent at 23:59:59 is not gone before anyone sees it.
    static qint64 expiresInSeconds(Keep keep, const QDateTime &now);
    //! \a options (broadcast / clientList) with the chosen limits added; \a recipients is
    //! how many people receive the files (for "once per person").
    QJsonObject apply(QJsonObject options, int recipients,
                      const QDateTime &now = QDateTime::currentDateTime()) const;

private:
    QComboBox *m_keep;
    QCheckBox *m_once;
};

} // namespace Roomshare::Gui
