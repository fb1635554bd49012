#include "test_org.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace fakturad::sf_emulator::test {
namespace {

std::string b64url(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(
        reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(in.data()),
        static_cast<int>(in.size())
    );
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (auto& c : out) {
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    }
    return out;
}

// An RSA key and its self-signed certificate, as a connected app holds them.
struct rsa_pair {
    EVP_PKEY* key = nullptr;
    std::string cert_pem;
    rsa_pair() {
        key = EVP_RSA_gen(2048);
        X509* cert = X509_new();
        ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
        X509_gmtime_adj(X509_getm_notBefore(cert), 0);
        X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
        X509_set_pubkey(cert, key);
        X509_NAME_add_entry_by_txt(
            X509_get_subject_name(cert),
            "CN",
            MBSTRING_ASC,
            reinterpret_cast<const unsigned char*>("app"),
            -1,
            -1,
            0
        );
        X509_set_issuer_name(cert, X509_get_subject_name(cert));
        X509_sign(cert, key, EVP_sha256());
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(bio, cert);
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        cert_pem.assign(data, static_cast<std::size_t>(len));
        BIO_free(bio);
        X509_free(cert);
    }
    ~rsa_pair() { EVP_PKEY_free(key); }
    rsa_pair(const rsa_pair&) = delete;
    rsa_pair& operator=(const rsa_pair&) = delete;

    [[nodiscard]] std::string jwt(const std::string& claims) const {
        const std::string signing_input = b64url(R"({"alg":"RS256"})") + "." + b64url(claims);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(
            ctx,
            nullptr,
            &len,
            reinterpret_cast<const unsigned char*>(signing_input.data()),
            signing_input.size()
        );
        std::string sig(len, '\0');
        EVP_DigestSign(
            ctx,
            reinterpret_cast<unsigned char*>(sig.data()),
            &len,
            reinterpret_cast<const unsigned char*>(signing_input.data()),
            signing_input.size()
        );
        EVP_MD_CTX_free(ctx);
        sig.resize(len);
        return signing_input + "." + b64url(sig);
    }
};

class OAuth : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = temp_dir("oauth");
        { std::ofstream(dir_ / "app.crt") << app_.cert_pem; }
        emulator_options options;
        options.org_file = write_org(
            dir_,
            "  Account:\n    - {Name: A}\n",
            "  - consumer_key: jwt-key\n    certificate: app.crt\n    run_as: integration@test.example\n"
            "refresh_tokens:\n  - {token: good-refresh, consumer_key: test-key}\n"
        );
        options.instance_url = "https://127.0.0.1:9999";
        options.pinned_time = time_point(std::chrono::milliseconds(1'773'144'000'000));
        org_ = std::make_unique<emulator>(options);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    net::http_response token(const std::string& form) {
        net::http_request r;
        r.method = "POST";
        r.target = "/services/oauth2/token";
        r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
        r.body = form;
        return org_->handle(r);
    }

    std::string claims(
        const std::string& iss, const std::string& sub, const std::string& aud, std::int64_t exp
    ) {
        return R"({"iss":")" + iss + R"(","sub":")" + sub + R"(","aud":")" + aud + R"(","exp":)" +
               std::to_string(exp) + "}";
    }

    net::http_response jwt_grant(const std::string& assertion) {
        return token(
            "grant_type=" + url_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
            "&assertion=" + assertion
        );
    }

    bool token_works(const json::value& body) {
        auto req = make_request("GET", "/services/data/v59.0/limits");
        req.headers[0].value = "Bearer " + std::string(body.at("access_token").as_string());
        return org_->handle(req).status == 200;
    }

    rsa_pair app_;
    std::filesystem::path dir_;
    std::unique_ptr<emulator> org_;
    static constexpr std::int64_t now_s = 1'773'144'000;
};

TEST_F(OAuth, ClientCredentialsIssueAWorkingToken) {
    auto res = token("grant_type=client_credentials&client_id=test-key&client_secret=test-secret");
    ASSERT_EQ(res.status, 200U) << res.body;
    EXPECT_EQ(header_of(res, "Content-Type"), "application/json;charset=UTF-8");
    auto body = body_of(res).as_object();
    for (const char* key :
         {"access_token", "instance_url", "id", "token_type", "issued_at", "signature", "scope"}) {
        EXPECT_TRUE(body.contains(key)) << key;
    }
    EXPECT_FALSE(body.contains("refresh_token"));
    EXPECT_EQ(body.at("token_type"), "Bearer");
    EXPECT_EQ(body.at("instance_url"), "https://127.0.0.1:9999");
    EXPECT_EQ(body.at("id"), "https://login.salesforce.com/id/00D5g0000000TSTEA2/0055g0000000TSTAA2");
    EXPECT_EQ(body.at("issued_at"), "1773144000000");
    EXPECT_TRUE(token_works(body));

    // The admin endpoint expires minted tokens at once (the static token is not affected).
    net::http_request expire;
    expire.method = "POST";
    expire.target = "/__emulator/expire-tokens";
    EXPECT_EQ(org_->handle(expire).status, 200U);
    EXPECT_FALSE(token_works(body));
    body = body_of(token("grant_type=client_credentials&client_id=test-key&client_secret=test-secret"))
               .as_object();
    EXPECT_TRUE(token_works(body));

    // Tokens expire after the org's session lifetime (600 s here) on the emulator clock.
    org_->advance_time_for_test(std::chrono::seconds(601));
    EXPECT_FALSE(token_works(body));
}

TEST_F(OAuth, ClientCredentialsErrors) {
    auto bad_secret = token("grant_type=client_credentials&client_id=test-key&client_secret=wrong");
    EXPECT_EQ(bad_secret.status, 400U);
    EXPECT_EQ(
        bad_secret.body, R"({"error":"invalid_client","error_description":"invalid client credentials"})"
    );
    auto bad_id = body_of(token("grant_type=client_credentials&client_id=who&client_secret=x"));
    EXPECT_EQ(bad_id.at("error"), "invalid_client_id");
    auto bad_grant = token("grant_type=password&client_id=test-key");
    EXPECT_EQ(bad_grant.status, 400U);
    EXPECT_EQ(body_of(bad_grant).at("error"), "unsupported_grant_type");
}

TEST_F(OAuth, RefreshTokenGrant) {
    auto ok = token(
        "grant_type=refresh_token&refresh_token=good-refresh&client_id=test-key&client_secret=test-secret"
    );
    ASSERT_EQ(ok.status, 200U) << ok.body;
    EXPECT_TRUE(token_works(body_of(ok)));
    auto expired =
        token("grant_type=refresh_token&refresh_token=revoked&client_id=test-key&client_secret=test-secret");
    EXPECT_EQ(expired.status, 400U);
    EXPECT_EQ(
        expired.body, R"({"error":"invalid_grant","error_description":"expired access/refresh token"})"
    );
}

TEST_F(OAuth, JwtBearerVerifiesSignatureAndClaims) {
    auto ok = jwt_grant(
        app_.jwt(claims("jwt-key", "integration@test.example", "https://login.salesforce.com", now_s + 180))
    );
    ASSERT_EQ(ok.status, 200U) << ok.body;
    EXPECT_FALSE(body_of(ok).as_object().contains("refresh_token"));
    EXPECT_TRUE(token_works(body_of(ok)));

    rsa_pair stranger;
    auto forged = jwt_grant(stranger.jwt(
        claims("jwt-key", "integration@test.example", "https://login.salesforce.com", now_s + 180)
    ));
    EXPECT_EQ(forged.status, 400U);
    EXPECT_EQ(body_of(forged).at("error"), "invalid_grant");

    auto expired = jwt_grant(
        app_.jwt(claims("jwt-key", "integration@test.example", "https://login.salesforce.com", now_s - 1))
    );
    EXPECT_EQ(body_of(expired).at("error"), "invalid_grant");

    auto audience =
        jwt_grant(app_.jwt(claims("jwt-key", "integration@test.example", "https://evil.example", now_s + 60))
        );
    EXPECT_EQ(audience.body, R"({"error":"invalid_grant","error_description":"audience is invalid"})");

    auto user = jwt_grant(
        app_.jwt(claims("jwt-key", "someone@else.example", "https://test.salesforce.com", now_s + 60))
    );
    EXPECT_EQ(
        user.body, R"({"error":"invalid_grant","error_description":"user hasn't approved this consumer"})"
    );

    auto issuer = jwt_grant(app_.jwt(
        claims("unknown-app", "integration@test.example", "https://login.salesforce.com", now_s + 60)
    ));
    EXPECT_EQ(body_of(issuer).at("error"), "invalid_client_id");

    auto garbage = jwt_grant("not.a-jwt");
    EXPECT_EQ(body_of(garbage).at("error"), "invalid_grant");
}

}  // namespace
}  // namespace fakturad::sf_emulator::test
