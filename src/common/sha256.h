#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

namespace Roomshare {

//! Incremental SHA-256 through OpenSSL's EVP interface (about ten times faster than
//! QCryptographicHash in Qt 6.4). Copyable state is not needed, so it is move-only.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&) noexcept;
    Sha256 &operator=(Sha256 &&) noexcept;
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void reset();
    void addData(QByteArrayView data);
    //! The digest of everything added since the last reset; the object is reset afterwards.
    QByteArray result();
    //! Lower-case hex of result().
    QString hexResult();

    //! SHA-256 of the whole file at \a path, or an empty array if it cannot be read.
    static QByteArray hashFile(const QString &path, qint64 length = -1);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace Roomshare
