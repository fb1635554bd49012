#pragma once
// Test helper: a throwaway certificate authority with a server certificate for 127.0.0.1 and a client
// certificate, written as PEM files with OpenSSL's APIs (no key is checked in).  For mutual-TLS tests of
// the SCHUFA connector, emulator and daemon.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace fakturad::test {

struct mtls_files {
    std::filesystem::path ca;  // the CA certificate: trusted by both sides
    std::filesystem::path server_certificate;
    std::filesystem::path server_key;
    std::filesystem::path client_certificate;
    std::filesystem::path client_key;
    std::filesystem::path stranger_certificate;  // a client certificate from another CA
    std::filesystem::path stranger_key;
};

namespace detail {

inline void write_pem(
    const std::filesystem::path& cert_path, const std::filesystem::path& key_path, X509* cert, EVP_PKEY* key
) {
    FILE* f = std::fopen(cert_path.c_str(), "wb");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen(key_path.c_str(), "wb");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
}

// A certificate for `key` named `cn`, signed by `issuer_key` (issuer name from `issuer`, or itself).
inline X509* make_certificate(
    EVP_PKEY* key,
    const char* cn,
    X509* issuer,
    EVP_PKEY* issuer_key,
    long serial,
    const char* extension_san,
    bool ca
) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0
    );
    X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert, cert, nullptr, nullptr, 0);
    auto add = [&](int nid, const char* value) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(cert, ext, -1);
        X509_EXTENSION_free(ext);
    };
    add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (extension_san != nullptr) {
        add(NID_subject_alt_name, extension_san);
    }
    X509_sign(cert, issuer_key, EVP_sha256());
    return cert;
}

}  // namespace detail

inline mtls_files write_mtls_files(const std::filesystem::path& dir) {
    mtls_files f{
        dir / "ca.pem",
        dir / "server.pem",
        dir / "server-key.pem",
        dir / "client.pem",
        dir / "client-key.pem",
        dir / "stranger.pem",
        dir / "stranger-key.pem"};
    EVP_PKEY* ca_key = EVP_EC_gen("P-256");
    EVP_PKEY* server_key = EVP_EC_gen("P-256");
    EVP_PKEY* client_key = EVP_EC_gen("P-256");
    EVP_PKEY* stranger_key = EVP_EC_gen("P-256");
    if (ca_key == nullptr || server_key == nullptr || client_key == nullptr || stranger_key == nullptr) {
        throw std::runtime_error("EVP_EC_gen failed");
    }
    X509* ca = detail::make_certificate(ca_key, "fakturad test CA", nullptr, ca_key, 1, nullptr, true);
    X509* server =
        detail::make_certificate(server_key, "localhost", ca, ca_key, 2, "IP:127.0.0.1,DNS:localhost", false);
    X509* client =
        detail::make_certificate(client_key, "fakturad participant", ca, ca_key, 3, nullptr, false);
    X509* stranger =
        detail::make_certificate(stranger_key, "stranger", nullptr, stranger_key, 4, nullptr, false);
    detail::write_pem(f.ca, dir / "ca-key.pem", ca, ca_key);
    detail::write_pem(f.server_certificate, f.server_key, server, server_key);
    detail::write_pem(f.client_certificate, f.client_key, client, client_key);
    detail::write_pem(f.stranger_certificate, f.stranger_key, stranger, stranger_key);
    for (X509* c : {ca, server, client, stranger}) {
        X509_free(c);
    }
    for (EVP_PKEY* k : {ca_key, server_key, client_key, stranger_key}) {
        EVP_PKEY_free(k);
    }
    return f;
}

}  // namespace fakturad::test
