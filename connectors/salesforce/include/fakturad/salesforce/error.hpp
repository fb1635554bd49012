#pragma once
// Errors of the Salesforce connector.  Every failed call comes back as a `call_error` value naming the
// request it belongs to, what Salesforce answered (HTTP status, errorCode, message) and how many attempts
// were made, so that an operator can act on it without a debug log.  Remote text is untrusted: it is kept
// in its own field, truncated, and never used as a format string.  Tokens, keys and secrets never appear.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace fakturad::salesforce {

enum class errc : std::uint8_t {
    bad_input = 1,          // a value the connector refuses to send (bad identifier, invalid UTF-8, ...)
    auth_rejected,          // the token endpoint refused the credentials (HTTP 400 error/error_description)
    credentials_unusable,   // the configured private key cannot be read or used for signing
    session_invalid,        // 401 INVALID_SESSION_ID even right after getting a new token
    request_rejected,       // a permanent API error (4xx other than the retryable ones)
    daily_limit_exhausted,  // 403 REQUEST_LIMIT_EXCEEDED for the rolling 24 h allocation
    api_share_exhausted,    // not sent: the configured share of the daily API limit is used up
    retries_exhausted,      // a retryable failure (5xx, lock, throttling, transport) persisted
    transport_failed,       // the call did not reach Salesforce or no answer came (not retried)
    bad_response,           // Salesforce answered something the connector cannot read
    stopped_by_caller,      // a page handler asked to stop
    replay_id_invalid,      // the change-event replay id is no longer retained: catch up by polling
    not_found,              // 404 NOT_FOUND: no such object, record or external-ID field in the org
    job_failed,             // a Bulk API job ended Failed or Aborted (the job's errorMessage, if any)
    job_timed_out,          // a Bulk API job was not complete within bulk_job_timeout; it was aborted
};

[[nodiscard]] const std::error_category& salesforce_category() noexcept;
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

struct call_error {
    errc code = errc::bad_response;
    std::string request;       // what was attempted, e.g. "query Account (page 3)"
    unsigned http_status = 0;  // 0 when no response arrived
    std::string error_code;    // Salesforce errorCode / OAuth error, when there was one
    std::string message;       // Salesforce's message or our explanation (truncated, untrusted)
    unsigned attempts = 0;

    // One line for logs and operators: "<request>: <category text> (HTTP 400 MALFORMED_QUERY: ...) after 3
    // attempts".
    [[nodiscard]] std::string describe() const;
};

// Cuts remote text to `limit` bytes (on a UTF-8 boundary) so that a huge error body cannot flood a log.
[[nodiscard]] std::string truncate_remote_text(std::string_view text, std::size_t limit = 500);

}  // namespace fakturad::salesforce

template <>
struct std::is_error_code_enum<fakturad::salesforce::errc> : std::true_type {};
