#pragma once
// OAuth 2.0 token requests for server-to-server access (reference §1): the JWT bearer flow, signed with
// RS256 by OpenSSL, and the client credentials flow.  Pure apart from the signature: building a request
// reads no clock (the caller passes `now`), and parsing reads only the given body.
//
// Secrets stay in `secret<>`: the private key, the client secret, the assertion and the access token are
// exposed only when the I/O side writes them to the wire; no error message ever contains them.

#include "fakturad/core/clock.hpp"
#include "fakturad/core/secret.hpp"
#include "fakturad/salesforce/error.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <variant>

namespace fakturad::salesforce {

// JWT bearer: the connected app's consumer key signs in as `username` with the key whose certificate is
// uploaded to the app.  No refresh token: a new assertion is minted whenever a token is needed.
struct jwt_bearer_credentials {
    std::string token_url;     // https://login.salesforce.com/services/oauth2/token, or My Domain
    std::string consumer_key;  // claim iss
    std::string username;      // claim sub
    std::string audience = "https://login.salesforce.com";  // claim aud (test.salesforce.com for sandboxes)
    secret<std::string> private_key_pem;                    // PEM (PKCS#8 or traditional RSA)
    std::chrono::seconds lifetime{180};                     // exp = now + lifetime; Salesforce allows 3 min
};

// Client credentials: posted to the org's My Domain token URL; the app runs as its integration user.
struct client_credentials {
    std::string token_url;
    std::string client_id;
    secret<std::string> client_secret;
};

using credentials = std::variant<jwt_bearer_credentials, client_credentials>;

// A form-encoded POST to the token endpoint; the body carries the assertion or the secret.
struct token_request {
    std::string url;
    secret<std::string> form_body;
};

struct access_token {
    secret<std::string> value;
    std::string instance_url;  // https://mydomain.my.salesforce.com, without a trailing slash
    std::string identity_url;  // .../id/<orgId>/<userId>
};

// The JWT (header.claims.signature, base64url) for `c` at `now`.  Error errc::credentials_unusable when
// the key cannot be read or is not an RSA key; the message never contains the key.
[[nodiscard]] boost::system::result<secret<std::string>, call_error> make_jwt_assertion(
    const jwt_bearer_credentials& c, instant now
);

// The token request for either flow.
[[nodiscard]] boost::system::result<token_request, call_error> build_token_request(
    const credentials& c, instant now
);

// A token endpoint answer: 200 with access_token and instance_url, or errc::auth_rejected carrying
// `error` and `error_description` (HTTP 400), or errc::bad_response.
[[nodiscard]] boost::system::result<access_token, call_error> parse_token_response(
    unsigned http_status, std::string_view body
);

}  // namespace fakturad::salesforce
