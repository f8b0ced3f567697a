#include "tlsfiles.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHostAddress>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace Roomshare::Server::Tls {

namespace {

template<typename T, void (*Free)(T *)> struct Deleter
{
    void operator()(T *p) const { Free(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

std::nullopt_t fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return std::nullopt;
}

QByteArray bioContents(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(n));
}

bool addExtension(X509 *cert, int nid, const QByteArray &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.constData()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool writePrivate(const QString &path, const QByteArray &data, QString *error)
{
    QFile::remove(path);
    QFile f(path);
    // Created 0600 from the start: the key is never readable by others, not even briefly.
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || f.write(data) != data.size() || !f.flush()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

} // namespace

QString fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QString();
    return QString::fromLatin1(
        QCryptographicHash::hash(certificate.toDer(), QCryptographicHash::Sha256).toHex());
}

std::optional<Identity> loadPem(const QString &certPath, const QString &keyPath, QString *error)
{
    QFile certFile(certPath);
    if (!certFile.open(QIODevice::ReadOnly))
        return fail(error,
                    QStringLiteral("cannot read TLS certificate %1: %2")
                        .arg(certPath, certFile.errorString()));
    const auto certs = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull())
        return fail(error, QStringLiteral("%1 holds no PEM certificate").arg(certPath));
    QFile keyFile(keyPath);
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(
            error,
            QStringLiteral("cannot read TLS key %1: %2").arg(keyPath, keyFile.errorString()));
    const QByteArray keyPem = keyFile.readAll();
    Identity id;
    id.certificate = certs.first();
    for (const auto algorithm : { QSsl::Ec, QSsl::Rsa }) {
        id.key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!id.key.isNull())
            break;
    }
    if (id.key.isNull())
        return fail(
            error,
            QStringLiteral("%1 holds no unencrypted PEM private key (RSA or EC)").arg(keyPath));
    // The key must match the certificate, or every handshake would fail later and obscurely.
    {
        const QByteArray der = id.certificate.toDer();
        const unsigned char *p = reinterpret_cast<const unsigned char *>(der.constData());
        X509Ptr x509(d2i_X509(nullptr, &p, der.size()));
        BioPtr bio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
        PKeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
        if (!x509 || !pkey || X509_check_private_key(x509.get(), pkey.get()) != 1)
            return fail(error,
                        QStringLiteral("the key in %1 does not belong to the certificate in %2")
                            .arg(keyPath, certPath));
    }
    return id;
}

std::optional<Identity> generateSelfSignedCertificate(const QString &commonName,
                                                      const QStringList &hosts, int validDays,
                                                      QString *error)
{
    PKeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return fail(error, QStringLiteral("cannot generate a key pair"));
    X509Ptr cert(X509_new());
    if (!cert)
        return fail(error, QStringLiteral("out of memory"));
    X509_set_version(cert.get(), 2); // v3
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return fail(error, QStringLiteral("no random numbers for the serial"));
    serial[0] &= 0x7f; // positive
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(validDays) * 86400);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = commonName.toUtf8().left(64);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    QByteArrayList sans;
    for (const QString &host : hosts) {
        if (host.isEmpty())
            continue;
        const bool ip = !QHostAddress(host).isNull();
        sans << (ip ? QByteArrayLiteral("IP:") : QByteArrayLiteral("DNS:")) + host.toLatin1();
    }
    if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign")
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth")
        || (!sans.isEmpty() && !addExtension(cert.get(), NID_subject_alt_name, sans.join(','))))
        return fail(error, QStringLiteral("cannot build the certificate extensions"));
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(error, QStringLiteral("cannot sign the certificate"));

    BioPtr certBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1)
        return fail(error, QStringLiteral("cannot encode the certificate"));
    Identity id;
    id.certificate = QSslCertificate(bioContents(certBio.get()), QSsl::Pem);
    id.key = QSslKey(bioContents(keyBio.get()), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (id.certificate.isNull() || id.key.isNull())
        return fail(error, QStringLiteral("Qt cannot read the generated certificate"));
    return id;
}

std::optional<Identity> loadOrCreateSelfSigned(const QString &dir, const QString &commonName,
                                               const QStringList &hosts, QString *error)
{
    const QDir d(dir);
    const QString certPath = d.filePath(QStringLiteral("cert.pem"));
    const QString keyPath = d.filePath(QStringLiteral("key.pem"));
    if (QFile::exists(certPath) && QFile::exists(keyPath)) {
        auto id = loadPem(certPath, keyPath);
        if (id && id->certificate.expiryDate() > QDateTime::currentDateTimeUtc().addDays(1))
            return id;
    }
    if (!QDir().mkpath(dir))
        return fail(error, QStringLiteral("cannot create %1").arg(dir));
    QFile::setPermissions(dir,
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    auto id = generateSelfSignedCertificate(commonName, hosts, 825, error);
    if (!id)
        return std::nullopt;
    if (!writePrivate(keyPath, id->key.toPem(), error)
        || !writePrivate(certPath, id->certificate.toPem(), error))
        return std::nullopt;
    return id;
}

} // namespace Roomshare::Server::Tls
