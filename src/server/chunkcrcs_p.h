#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Roomshare::Server {

//! The checksums of an upload's bytes so far, built from the per-chunk CRC-32Cs the server
//! verifies anyway, without a second pass over the data (docs/protocol.md, "Uploads"):
//! the CRC-32C of the whole prefix (compared with the sender's in `upload-end`) and the
//! CRC-32C of each block of Protocol::ChunkSize bytes aligned at offset 0 (stored with the
//! file, so downloads send its bytes with `sendfile` and never read them).
class ChunkCrcs final
{
public:
    //! Forgets everything.
    void reset();
    //! Appends \a payload, whose CRC-32C is \a crc (already computed or verified).
    void append(QByteArrayView payload, quint32 crc);
    //! Rebuilds the state from the first \a length bytes of \a in (after a restart). False on
    //! a read error.
    bool rebuild(QIODevice &in, qint64 length);
    //! The CRC-32C of everything appended.
    quint32 whole() const { return m_whole; }
    qint64 length() const { return m_length; }
    //! The block CRCs, the last block possibly shorter, as big-endian 32-bit values.
    QByteArray blocks() const;

private:
    quint32 m_whole = 0;
    qint64 m_length = 0;
    std::vector<quint32> m_blocks; //!< the complete blocks
    quint32 m_partial = 0; //!< CRC-32C of the bytes past the last complete block
};

//! The CRC-32C of block \a block in \a blocks (ChunkCrcs::blocks()); nullopt when absent.
std::optional<quint32> blockCrc(const QByteArray &blocks, qint64 block);

} // namespace Roomshare::Server
