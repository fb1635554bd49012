#pragma once
// A deterministic local stand-in for the SCHUFA gateway as fakturad assumes it (the contract in
// connectors/schufa/README.md, from the project's reference notes section 3.2).  Endpoints:
//   POST   /v1/b2b/reports                 KURZ | KOMPAKT | VOLL company reports
//   POST   /v1/b2c/credit-reports          BonitaetsAuskunft
//   POST   /v1/b2c/identity-checks         IdentitaetsCheck (STANDARD | AGE_18 | PREMIUM)
//   POST   /v1/monitoring/subscriptions    subscribe {subjectType, subjectId}
//   DELETE /v1/monitoring/subscriptions/ID unsubscribe
//   GET    /v1/monitoring/events?after=&limit=   pending events (at-least-once, until acknowledged)
//   POST   /v1/monitoring/events/ack       {upTo}
//   POST   /v1/_sim/events                 test hook: a change for a subscription (see README.md)
//   GET    /v1/_sim/stats                  test hook: requests seen per endpoint and per customerReference
// Every /v1 call but the _sim ones needs HTTP Basic credentials of the configured participant (401
// UNAUTHORIZED otherwise); mutual TLS is enforced by the server (http_server's client CA).
//
// Answers are a pure function of the request: scores, classes and company ids derive from a hash of the
// normalised subject, and trigger words in the company name or the person's last name reach every case
// (emulators/schufa/README.md lists them).  It shares no code with connectors/schufa.
//
// Threading: construct and serve on one single-threaded executor.

#include "fakturad/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fakturad::emulators::schufa {

struct emulator_options {
    std::string participant_id = "fakturad";
    std::string password = "emulator-password";
    std::vector<std::string> contracted_products{
        "KURZ", "KOMPAKT", "VOLL", "BONITAETSAUSKUNFT", "IDENTITAETSCHECK"};
    std::string today = "2026-11-27";  // reportDate of every answer (deterministic)
};

class emulator {
public:
    explicit emulator(emulator_options options);
    ~emulator();
    emulator(const emulator&) = delete;
    emulator& operator=(const emulator&) = delete;

    boost::asio::awaitable<net::http_response> handle(net::http_request request);

    struct state;

private:
    std::unique_ptr<state> state_;
};

}  // namespace fakturad::emulators::schufa
