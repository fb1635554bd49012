#pragma once
// What to do after a REST answer (reference §2.4 and §7): the classification of outcomes and the capped
// exponential backoff with full jitter.  Pure: the jitter comes from an injected random source so that
// tests are deterministic.
//
// Classes: 2xx success; 401 INVALID_SESSION_ID auth_expired (get a new token once, then retry); 5xx,
// 429, UNABLE_TO_LOCK_ROW and the concurrency form of 403 REQUEST_LIMIT_EXCEEDED retryable; the
// daily-allocation form of REQUEST_LIMIT_EXCEEDED ("TotalRequests Limit exceeded") and every other 4xx
// permanent (a retry would fail the same way); no answer at all (connection dropped, timeout) retryable
// for idempotent calls.

#include "fakturad/salesforce/error.hpp"
#include "fakturad/salesforce/wire.hpp"

#include <chrono>
#include <cstdint>
#include <vector>

namespace fakturad::salesforce {

enum class outcome_class : std::uint8_t { success, retryable, auth_expired, daily_limit, permanent };

[[nodiscard]] outcome_class classify_response(
    unsigned http_status, const std::vector<api_error_item>& errors
);

// The error code of a permanent failure: errc::not_found for 404 NOT_FOUND (an unknown object, record or
// external-ID field, which callers report by name), errc::request_rejected for every other one.
[[nodiscard]] errc rejection_code(unsigned http_status, const std::vector<api_error_item>& errors);

// A per-record failure inside a collections answer worth retrying for that record alone.
[[nodiscard]] bool is_retryable_record_error(const api_error_item& error);

// Uniform integers for jitter; the composition root seeds one, tests use a fixed sequence.
class random_source {
public:
    virtual ~random_source() = default;
    // A value in [0, n); n > 0.
    virtual std::uint64_t below(std::uint64_t n) = 0;
};

struct backoff_policy {
    std::chrono::milliseconds base{500};    // upper bound of the first wait
    std::chrono::milliseconds cap{30'000};  // no wait is longer
    unsigned max_attempts = 6;              // attempts in all, the first included
};

// The wait before attempt `next_attempt` (>= 2): uniform in [0, min(cap, base * 2^(next_attempt - 2))].
[[nodiscard]] std::chrono::milliseconds backoff_delay(
    const backoff_policy& policy, unsigned next_attempt, random_source& random
);

}  // namespace fakturad::salesforce
