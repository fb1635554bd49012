#pragma once
// The SCHUFA connector's I/O side: executes the calls protocol.hpp describes over net::http_client, with
// the participant's credentials on every request and mutual TLS underneath (the http_client is built with
// the client certificate; see net/http_client.hpp).  No Beast in this header.
//
// Threading and lifetime: every coroutine runs on the http_client's single-threaded executor; the client
// and the http_client must outlive every call (the composition root owns them).  Each request carries
// `timeout` as its deadline.
//
// Retries: a retryable failure (RATE_LIMITED, SERVICE_UNAVAILABLE, TIMEOUT, no answer) is tried again up
// to `max_attempts` times with the same customerReference, waiting Retry-After or a doubling delay from
// `retry_base`.  Permanent failures come back at once.  Nothing throws for remote trouble.
//
// The legitimate interest is checked before anything is sent: a request whose interest does not allow its
// product fails with LEGITIMATE_INTEREST_INVALID without a request (catalogue.hpp).

#include "fakturad/core/secret.hpp"
#include "fakturad/schufa/protocol.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace fakturad::net {
class http_client;
}

namespace fakturad::schufa {

struct client_options {
    std::string base_url;  // e.g. https://gateway.example:8443 (no trailing slash)
    std::string participant_id;
    secret<std::string> password;
    std::chrono::milliseconds timeout{30'000};
    unsigned max_attempts = 3;
    std::chrono::milliseconds retry_base{500};
};

struct subscribe_outcome {
    std::string subscription_id;
    call_failure failure;
    [[nodiscard]] bool ok() const { return failure.code == error_code::none; }
};

class client {
public:
    client(net::http_client& http, client_options options);

    boost::asio::awaitable<report_outcome> request_report(report_request request);

    boost::asio::awaitable<subscribe_outcome> subscribe(
        request_envelope envelope, subject_type type, std::string subject_id
    );
    // Succeeds also when SCHUFA no longer knows the subscription (NOT_FOUND): it is gone either way.
    boost::asio::awaitable<call_failure> unsubscribe(request_envelope envelope, std::string subscription_id);

    // One page of events after `cursor` (empty: from the oldest unacknowledged).
    boost::asio::awaitable<event_page> events(std::string cursor, unsigned limit);
    boost::asio::awaitable<call_failure> acknowledge(std::string up_to_cursor);

    [[nodiscard]] const client_options& options() const { return options_; }

private:
    struct answer {
        unsigned status = 0;
        std::string body;
        std::optional<std::string> retry_after;
        call_failure transport;  // code transport when no answer came
        unsigned attempts = 1;
    };
    boost::asio::awaitable<answer> send(api_call call, bool retry);

    net::http_client& http_;
    client_options options_;
};

}  // namespace fakturad::schufa
