#include "sha256.h"

#include <QFile>

#include <openssl/evp.h>

namespace Roomshare {

struct Sha256::Private
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    ~Private() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256()
    : d(std::make_unique<Private>())
{
    reset();
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256 &&) noexcept = default;
Sha256 &Sha256::operator=(Sha256 &&) noexcept = default;

void Sha256::reset()
{
    EVP_DigestInit_ex(d->ctx, EVP_sha256(), nullptr);
}

void Sha256::addData(QByteArrayView data)
{
    if (!data.isEmpty())
        EVP_DigestUpdate(d->ctx, data.data(), size_t(data.size()));
}

QByteArray Sha256::result()
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int len = 0;
    EVP_DigestFinal_ex(d->ctx, reinterpret_cast<unsigned char *>(out.data()), &len);
    out.resize(int(len));
    reset();
    return out;
}

QString Sha256::hexResult()
{
    return QString::fromLatin1(result().toHex());
}

QByteArray Sha256::hashFile(const QString &path, qint64 length)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    Sha256 h;
    QByteArray buf(1 << 20, Qt::Uninitialized);
    qint64 left = length < 0 ? f.size() : length;
    while (left > 0) {
        const qint64 n = f.read(buf.data(), qMin<qint64>(left, buf.size()));
        if (n <= 0)
            return {};
        h.addData(QByteArrayView(buf.constData(), n));
        left -= n;
    }
    return h.result();
}

} // namespace Roomshare
