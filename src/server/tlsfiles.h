#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>

#include <optional>

//! TLS material for the room server: loading a certificate and key from PEM files,
//! generating a self-signed certificate (the desktop app's embedded room), and the
//! fingerprint that invite links pin (`fp=`).
namespace Roomshare::Server::Tls {

struct Identity
{
    QSslCertificate certificate;
    QSslKey key;
};

//! Lower-case hex SHA-256 of the certificate's DER encoding: the `fp=` of invite links.
QString fingerprint(const QSslCertificate &certificate);

//! Reads a PEM certificate (the first one, when the file holds a chain) and a PEM private
//! key (RSA or EC). Sets \a error and returns std::nullopt when either cannot be read or
//! the key does not belong to the certificate.
std::optional<Identity> loadPem(const QString &certPath, const QString &keyPath,
                                QString *error = nullptr);

//! Generates a new EC P-256 key and a self-signed X.509 v3 certificate for it, valid from
//! one hour ago for \a validDays days, with CN \a commonName and \a hosts (IP addresses or
//! DNS names) as subjectAltName. Returns std::nullopt and sets \a error on failure.
std::optional<Identity> generateSelfSignedCertificate(const QString &commonName,
                                                      const QStringList &hosts, int validDays = 825,
                                                      QString *error = nullptr);

//! Loads `cert.pem` and `key.pem` from \a dir, or generates a self-signed pair there first
//! (the key written with mode 0600, the folder 0700). A certificate that has expired or
//! expires within a day is replaced. Returns std::nullopt and sets \a error on failure.
std::optional<Identity> loadOrCreateSelfSigned(const QString &dir, const QString &commonName,
                                               const QStringList &hosts, QString *error = nullptr);

} // namespace Roomshare::Server::Tls
