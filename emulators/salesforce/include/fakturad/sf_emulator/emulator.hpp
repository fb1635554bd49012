#pragma once
// The Salesforce org emulator: an in-memory org that answers the REST API and the OAuth token endpoint the
// way ../shared/docs/reference/salesforce-api.md describes them.  It shares no protocol code with
// connectors/salesforce: the two meet only on the wire.
//
// Threading: not thread-safe.  Call everything from the one thread that runs the server's io_context.
//
// Test controls (no authentication; the emulator listens on loopback only):
//   POST /__emulator/faults {"share":0.05,"kinds":["500","503","REQUEST_LIMIT_EXCEEDED","UNABLE_TO_LOCK_ROW",
//        "drop"],"latency_ms":0,"seed":1}  (also the org file key `faults:`); share 0 turns faults off
//   POST /__emulator/expire-tokens  (every minted access token now answers 401 INVALID_SESSION_ID)
//   POST /__emulator/clock {"advance_ms":N} or {"set":"2026-03-10T12:00:00Z"}  (pins the clock)
//   GET  /__emulator/stats  -> {"api_calls","faults_injected","cometd_subscriptions","now"}
//   POST /__emulator/change-events {"gap_next":N,"overflow_after":M}  (also the org file key
//        `change_events:`): the next N record changes publish GAP_<type> events (record ids, no fields,
//        empty changeOrigin) instead of their change events; a transaction's changes past the M-th
//        (default 100000; a create/delete one change, an update one per changed field) publish one
//        GAP_OVERFLOW event per object instead (no record ids).  Rolled-back allOrNone requests publish
//        nothing.
//   POST /__emulator/save   (save(); 409 when no persist file is configured)
//   POST /__emulator/forget-cometd-clients  (as after a restart: connects get 403::Unknown client)
// The daily API limit (org file `daily_api_requests`) is enforced: once used up, REST calls get 403
// REQUEST_LIMIT_EXCEEDED.

#include "fakturad/net/http_server.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::sf_emulator {

using time_point = std::chrono::sys_time<std::chrono::milliseconds>;

struct emulator_options {
    // YAML org file (emulators/salesforce/orgs/*.yaml): users, connected apps, seed records, and the
    // `metadata` folder (relative to the org file) holding the custom objects in Salesforce DX format.
    std::filesystem::path org_file;
    // Accepted as a valid access token for every REST call, next to tokens minted by the token endpoint.
    std::optional<std::string> static_token;
    // Base URL reported as instance_url by the token endpoint, e.g. "https://127.0.0.1:8443".
    std::string instance_url = "http://127.0.0.1";
    // When set and the file exists, the org's records are loaded from it instead of the seed records; save()
    // writes them back (sf-emulator does on SIGTERM/SIGINT and on POST /__emulator/save).
    std::optional<std::filesystem::path> persist_file;
    // Pins the emulator's clock from the start, so that seed records get deterministic stamps (tests).
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> pinned_time;
};

class emulator {
public:
    // Loads the org file and its metadata.  Throws std::runtime_error naming the file and the problem.
    explicit emulator(emulator_options options);
    ~emulator();
    emulator(const emulator&) = delete;
    emulator& operator=(const emulator&) = delete;

    // Answers one request (token endpoint or REST).  Never throws for bad input: every client error is
    // an HTTP error response with the body Salesforce would send.
    net::http_response handle(const net::http_request& request);

    // A handler for net::http_server that forwards to handle().  The emulator must outlive the server.
    net::http_handler handler();

    void set_instance_url(std::string url);

    // The emulator's clock stamps CreatedDate, LastModifiedDate and SystemModstamp and anchors relative
    // SOQL date literals and token expiry.  It follows the system clock until a test pins it.
    [[nodiscard]] time_point now() const;
    void set_time_for_test(time_point t);
    void advance_time_for_test(std::chrono::milliseconds d);

    // Writes every record (deleted ones included) and the Id counters to options.persist_file, atomically
    // (temporary file + rename).  Throws std::runtime_error when no file is configured or writing fails.
    void save() const;

    // REST calls counted against the daily limit so far (what Sforce-Limit-Info reports as used).
    [[nodiscard]] std::size_t api_calls() const;

    // CometD (POST /cometd/NN.N): like handle(), but returns nullopt when the request is a lone /meta/connect
    // with nothing to deliver yet, which handler() then holds for up to cometd_hold() (org file
    // `cometd_timeout_ms`, default 110 s) before answering it through handle().
    std::optional<net::http_response> handle_or_hold(const net::http_request& request);
    [[nodiscard]] std::chrono::milliseconds cometd_hold() const;

    // Delay the handler() adds before each answer (fault injection `latency_ms`).
    [[nodiscard]] std::chrono::milliseconds injected_latency() const;

    struct state;

private:
    std::unique_ptr<state> state_;
};

// Appends the case-safe 3-character checksum to a 15-character Id (salesforce-objects.md §2.2).
std::string id18(std::string_view id15);

}  // namespace fakturad::sf_emulator
