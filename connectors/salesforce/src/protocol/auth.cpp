#include "fakturad/salesforce/auth.hpp"

#include "fakturad/salesforce/rest.hpp"
#include "fakturad/salesforce/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

// RFC 7515 base64url: the standard alphabet's '+' and '/' as '-' and '_', no padding.
std::string base64url(std::string_view data) {
    std::string out = base64_encode(data);
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

call_error unusable(std::string why) {
    return call_error{errc::credentials_unusable, "JWT bearer assertion", 0, {}, std::move(why), 0};
}

struct bio_deleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct pkey_deleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct md_ctx_deleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// RSA-SHA256 (PKCS#1 v1.5) over `input`.  Errors name the step, never the key material.
boost::system::result<std::string, call_error> sign_rs256(
    const std::string& key_pem, std::string_view input
) {
    std::unique_ptr<BIO, bio_deleter> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
    if (!bio) {
        return unusable("out of memory reading the private key");
    }
    std::unique_ptr<EVP_PKEY, pkey_deleter> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
    );
    if (!key) {
        return unusable("the private key is not a readable unencrypted PEM key; check the key file");
    }
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        return unusable("the private key is not an RSA key; Salesforce JWT bearer needs RS256");
    }
    std::unique_ptr<EVP_MD_CTX, md_ctx_deleter> ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(
            ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size()
        ) != 1) {
        return unusable("OpenSSL could not sign with the private key");
    }
    std::string signature(length, '\0');
    if (EVP_DigestSign(
            ctx.get(),
            reinterpret_cast<unsigned char*>(signature.data()),
            &length,
            reinterpret_cast<const unsigned char*>(input.data()),
            input.size()
        ) != 1) {
        return unusable("OpenSSL could not sign with the private key");
    }
    signature.resize(length);
    return signature;
}

std::string form_field(std::string_view name, std::string_view value) {
    return std::string(name) + "=" + percent_encode(value);
}

}  // namespace

boost::system::result<secret<std::string>, call_error> make_jwt_assertion(
    const jwt_bearer_credentials& c, instant now
) {
    if (c.consumer_key.empty() || c.username.empty() || c.audience.empty()) {
        return unusable("consumer key, username and audience must all be set");
    }
    const auto exp =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch() + c.lifetime).count();
    const std::string header = R"({"alg":"RS256"})";
    const json::object claims{
        {"iss", c.consumer_key}, {"sub", c.username}, {"aud", c.audience}, {"exp", exp}};
    const std::string signing_input = base64url(header) + "." + base64url(json::serialize(claims));
    auto signature = sign_rs256(c.private_key_pem.expose(), signing_input);
    if (!signature) {
        return signature.error();
    }
    return secret<std::string>(signing_input + "." + base64url(*signature));
}

boost::system::result<token_request, call_error> build_token_request(const credentials& c, instant now) {
    if (const auto* jwt = std::get_if<jwt_bearer_credentials>(&c)) {
        auto assertion = make_jwt_assertion(*jwt, now);
        if (!assertion) {
            return assertion.error();
        }
        return token_request{
            jwt->token_url,
            secret<std::string>(
                form_field("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer") + "&" +
                form_field("assertion", assertion->expose())
            )};
    }
    const auto& cc = std::get<client_credentials>(c);
    if (cc.client_id.empty() || cc.client_secret.expose().empty()) {
        return call_error{
            errc::credentials_unusable,
            "client credentials",
            0,
            {},
            "client id and client secret must be set",
            0};
    }
    return token_request{
        cc.token_url,
        secret<std::string>(
            form_field("grant_type", "client_credentials") + "&" + form_field("client_id", cc.client_id) +
            "&" + form_field("client_secret", cc.client_secret.expose())
        )};
}

boost::system::result<access_token, call_error> parse_token_response(
    unsigned http_status, std::string_view body
) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
    const auto text = [o](std::string_view key) {
        const json::value* f = o != nullptr ? o->if_contains(key) : nullptr;
        return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    if (http_status != 200) {
        call_error e{
            errc::auth_rejected, "token request", http_status, text("error"), text("error_description"), 0};
        e.message = truncate_remote_text(e.message);
        if (o == nullptr) {
            e.code = http_status >= 500 ? errc::retries_exhausted : errc::bad_response;
            e.message = "the token endpoint answered without a JSON body";
        }
        return e;
    }
    access_token t;
    t.value = secret<std::string>(text("access_token"));
    t.instance_url = text("instance_url");
    t.identity_url = text("id");
    while (!t.instance_url.empty() && t.instance_url.back() == '/') {
        t.instance_url.pop_back();
    }
    if (t.value.expose().empty() || t.instance_url.empty()) {
        return call_error{
            errc::bad_response,
            "token request",
            http_status,
            {},
            "the token answer lacks access_token or instance_url",
            0};
    }
    return t;
}

}  // namespace fakturad::salesforce
