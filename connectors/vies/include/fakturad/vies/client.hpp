#pragma once
// The VIES connector's I/O side: executes the calls that protocol.hpp describes over net::http_client,
// and drives batch_scheduler for many numbers.  No Beast in this header.
//
// Threading and lifetime: every coroutine runs on the http_client's single-threaded executor; the client
// and the http_client must outlive every call and batch (the composition root owns them).  Each request
// carries `timeout` as its deadline, so a batch ends even when VIES hangs.
//
// Nothing here retries by itself: check() is one attempt, classified; check_batch() retries through the
// scheduler's backoff policy and honours the per-member-state limits.

#include "fakturad/vies/protocol.hpp"
#include "fakturad/vies/scheduling.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::net {
class http_client;
}

namespace fakturad::vies {

struct client_options {
    api which = api::soap;                      // vies.api
    std::string soap_url{default_soap_url};     // vies.soap_url
    std::string rest_url{default_rest_url};     // vies.rest_url (also used for /check-status)
    std::chrono::milliseconds timeout{30'000};  // vies.timeout: per request
    // Our own VAT ID (vies.requester_vat_id).  When set, requests carry it so that VIES issues a
    // consultation number (requestIdentifier) to keep as evidence; a request's own requester wins.
    std::optional<vat_id> requester;
};

struct batch_report {
    std::vector<batch_result> results;  // same order as the input
    halt_reason halted = halt_reason::none;
    unsigned peak_per_member_state = 0;
};

class client {
public:
    client(net::http_client& http, client_options options);

    // One attempt.  Never throws for remote trouble: transport failures and faults come back classified.
    boost::asio::awaitable<check_outcome> check(check_request request);

    // GET <rest_url>/check-status; nullopt when it cannot be fetched or read.
    boost::asio::awaitable<std::optional<status_answer>> status();

    // Checks every item under `options` (limits, backoff, status first) and returns when all are resolved,
    // or after a halt (IP_BLOCKED, INVALID_REQUESTER_INFO) once the requests in flight have finished.
    boost::asio::awaitable<batch_report> check_batch(
        std::vector<check_request> items, batch_options options, random_source& random
    );

    [[nodiscard]] const client_options& options() const { return options_; }

    // IP_BLOCKED circuit breaker: once VIES answers IP_BLOCKED, every later check() and batch of this
    // client is answered "unconfirmed" without a request, until an operator calls clear_ip_block().
    [[nodiscard]] bool ip_blocked() const { return ip_blocked_; }
    void clear_ip_block() { ip_blocked_ = false; }

private:
    net::http_client& http_;
    client_options options_;
    bool ip_blocked_ = false;
};

}  // namespace fakturad::vies
