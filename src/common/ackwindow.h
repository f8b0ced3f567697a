#pragma once

#include <QtGlobal>

#include <array>

namespace Roomshare {

//! The flow-control window of one transfer's sender (an upload on the client, a download
//! on the server), sized from the bandwidth-delay product it measures: the round trip from
//! the time a byte was handed to the socket to the acknowledgement covering it (the
//! smallest seen, which excludes queueing), and the delivery rate from the acknowledged
//! bytes over at least one round trip (the largest of the recent samples). The window is
//! twice their product, so a transfer that the window limits doubles its window every round
//! trip until the link (not the window) limits it; it stays between MinWindow (the fixed
//! window of protocol version 1, docs/protocol.md "Flow control") and MaxWindow, which
//! bounds what a sender can have in flight per transfer. A slow receiver keeps its window
//! at MinWindow: its rate is small.
class AckWindow
{
public:
    static constexpr qint64 MinWindow = 8 * 1024 * 1024;
    static constexpr qint64 MaxWindow = 64 * 1024 * 1024;

    //! Bytes up to \a endOffset were handed to the socket at \a nowNs (CLOCK_MONOTONIC).
    void sent(qint64 endOffset, qint64 nowNs);
    //! An acknowledgement of everything before \a offset arrived at \a nowNs.
    void acked(qint64 offset, qint64 nowNs);
    //! The sender starts over at \a offset (a nack, a resume): samples in flight are void;
    //! the estimates stay.
    void restart(qint64 offset);
    //! Unacknowledged bytes the sender may have now.
    qint64 window() const { return m_window; }
    qint64 minRttNs() const { return m_minRttNs; }
    //! Bytes per second, the largest recent sample; 0 before the first.
    double rate() const;

    static qint64 nowNs();

private:
    struct Mark
    {
        qint64 endOffset = 0;
        qint64 timeNs = 0;
    };
    void update();

    // Send times of the last chunks in flight (oldest dropped when full: fewer samples,
    // never wrong ones, since a sample only needs some mark at or below the ack).
    static constexpr int Marks = 256; // MaxWindow in 256 KiB chunks
    std::array<Mark, Marks> m_marks{};
    int m_head = 0; //!< oldest mark
    int m_count = 0;
    qint64 m_minRttNs = 0; //!< 0: none yet
    qint64 m_rateStartNs = 0; //!< the current rate sample's start
    qint64 m_rateStartOffset = 0;
    qint64 m_ackedOffset = 0;
    static constexpr int RateSamples = 8;
    std::array<double, RateSamples> m_rates{};
    int m_nextRate = 0;
    qint64 m_window = MinWindow;
};

} // namespace Roomshare
