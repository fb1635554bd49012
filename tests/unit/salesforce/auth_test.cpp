#include "fakturad/salesforce/auth.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <sstream>

namespace fakturad::salesforce {
namespace {

struct rsa_key {
    std::string private_pem;
    std::string public_pem;
};

rsa_key make_rsa_key() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    rsa_key out;
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    out.private_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, key);
    n = BIO_get_mem_data(b, &data);
    out.public_pem.assign(data, static_cast<std::size_t>(n));
    BIO_free(b);
    EVP_PKEY_free(key);
    return out;
}

std::string base64url_decode(std::string_view in) {
    std::string s(in);
    for (auto& c : s) {
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    const std::size_t pad = (4 - s.size() % 4) % 4;
    s.append(pad, '=');
    std::string out(s.size() / 4 * 3, '\0');
    EVP_DecodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(s.data()),
        static_cast<int>(s.size())
    );
    out.resize(out.size() - pad);
    return out;
}

bool verify_rs256(const std::string& public_pem, std::string_view input, const std::string& signature) {
    BIO* b = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                    EVP_DigestVerify(
                        ctx,
                        reinterpret_cast<const unsigned char*>(signature.data()),
                        signature.size(),
                        reinterpret_cast<const unsigned char*>(input.data()),
                        input.size()
                    ) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return ok;
}

const instant t0 = instant(std::chrono::seconds(1'773'144'000));

TEST(JwtAssertion, HasTheClaimsAndAValidRs256Signature) {
    const auto key = make_rsa_key();
    jwt_bearer_credentials c{
        "https://login.salesforce.com/services/oauth2/token",
        "consumer-key",
        "integration@example.com",
        "https://login.salesforce.com",
        secret<std::string>(key.private_pem),
        std::chrono::seconds(180)};
    auto jwt = make_jwt_assertion(c, t0);
    ASSERT_TRUE(jwt.has_value()) << jwt.error().describe();
    const std::string& text = jwt->expose();
    const auto d1 = text.find('.');
    const auto d2 = text.find('.', d1 + 1);
    ASSERT_NE(d2, std::string::npos);
    EXPECT_EQ(
        boost::json::parse(base64url_decode(text.substr(0, d1))), boost::json::parse(R"({"alg":"RS256"})")
    );
    const auto claims = boost::json::parse(base64url_decode(text.substr(d1 + 1, d2 - d1 - 1))).as_object();
    EXPECT_EQ(claims.at("iss"), "consumer-key");
    EXPECT_EQ(claims.at("sub"), "integration@example.com");
    EXPECT_EQ(claims.at("aud"), "https://login.salesforce.com");
    EXPECT_EQ(claims.at("exp").to_number<std::int64_t>(), 1'773'144'180);
    EXPECT_TRUE(verify_rs256(key.public_pem, text.substr(0, d2), base64url_decode(text.substr(d2 + 1))));
    EXPECT_FALSE(
        verify_rs256(make_rsa_key().public_pem, text.substr(0, d2), base64url_decode(text.substr(d2 + 1)))
    );

    auto req = build_token_request(c, t0);
    ASSERT_TRUE(req.has_value());
    EXPECT_EQ(req->url, c.token_url);
    EXPECT_EQ(
        req->form_body.expose().rfind(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", 0
        ),
        0U
    );
    std::ostringstream printed;
    printed << req->form_body << c.private_key_pem;
    EXPECT_EQ(printed.str(), "******");
}

TEST(JwtAssertion, UnreadableOrNonRsaKeysFailWithoutShowingTheKey) {
    jwt_bearer_credentials c{
        "https://x/services/oauth2/token",
        "k",
        "u",
        "https://login.salesforce.com",
        secret<std::string>("-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----\n"),
        std::chrono::seconds(180)};
    auto jwt = make_jwt_assertion(c, t0);
    ASSERT_FALSE(jwt.has_value());
    EXPECT_EQ(jwt.error().code, errc::credentials_unusable);
    EXPECT_EQ(jwt.error().describe().find("TOPSECRET"), std::string::npos);

    EVP_PKEY* ec = EVP_EC_gen("P-256");
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, ec, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    c.private_key_pem = secret<std::string>(std::string(data, static_cast<std::size_t>(n)));
    BIO_free(b);
    EVP_PKEY_free(ec);
    jwt = make_jwt_assertion(c, t0);
    ASSERT_FALSE(jwt.has_value());
    EXPECT_NE(jwt.error().message.find("not an RSA key"), std::string::npos);
}

TEST(ClientCredentials, FormCarriesIdAndEncodedSecret) {
    client_credentials c{
        "https://my.example/services/oauth2/token", "app id", secret<std::string>("s&e=c+r")};
    auto req = build_token_request(c, t0);
    ASSERT_TRUE(req.has_value());
    EXPECT_EQ(
        req->form_body.expose(),
        "grant_type=client_credentials&client_id=app%20id&client_secret=s%26e%3Dc%2Br"
    );
    c.client_secret = secret<std::string>();
    EXPECT_EQ(build_token_request(c, t0).error().code, errc::credentials_unusable);
}

TEST(TokenResponse, ParsesSuccessAndOauthErrors) {
    auto t = parse_token_response(
        200,
        R"({"access_token":"00Dxx!AQ0","instance_url":"https://acme.my.salesforce.com/","id":"https://login.salesforce.com/id/00Dxx/005xx","token_type":"Bearer","issued_at":"1278448832702"})"
    );
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->value.expose(), "00Dxx!AQ0");
    EXPECT_EQ(t->instance_url, "https://acme.my.salesforce.com");
    auto e =
        parse_token_response(400, R"({"error":"invalid_grant","error_description":"audience is invalid"})");
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, errc::auth_rejected);
    EXPECT_EQ(e.error().error_code, "invalid_grant");
    EXPECT_EQ(e.error().message, "audience is invalid");
    EXPECT_EQ(parse_token_response(200, R"({"access_token":"x"})").error().code, errc::bad_response);
    EXPECT_EQ(parse_token_response(400, "<html>").error().code, errc::bad_response);
}

}  // namespace
}  // namespace fakturad::salesforce
