#pragma once
// The wire side of the assumed SCHUFA gateway contract (README.md): request builders and response parsers
// for the reports, the identity check and follow-up monitoring, and the classification of errors.  Pure:
// builds and reads bodies, sends nothing (client.hpp does the I/O).
//
// Personal data (B2C) passes through these functions into the request body only; nothing here logs, and
// the parsed answers hold no name, address or birth date of a person.

#include "fakturad/schufa/catalogue.hpp"
#include "fakturad/schufa/report.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad::schufa {

// The envelope every call carries (who asks, why, for which record).
struct request_envelope {
    std::string customer_reference;  // <= 40 characters; fakturad uses "fkd-<audit id>"
    interest legitimate_interest = interest::contract_initiation;
    std::string legitimate_interest_note;
    std::string salesforce_record_id;
    std::string requested_by;
    std::string requested_at;  // ISO 8601 UTC
};

struct company_subject {
    std::string name;  // <= 60, required
    std::string legal_form;
    std::string street;
    std::string house_number;
    std::string postal_code;
    std::string city;
    std::string country = "DE";
    std::string vat_id;
    std::string schufa_company_id;  // when known from an earlier report: no search, no ambiguity
};

// B2C personal data: kept as short as possible and deleted after the retention period.
struct person_subject {
    std::string first_name;
    std::string last_name;
    std::string gender = "u";  // m | w | d | u
    std::string birth_date;    // YYYY-MM-DD
    std::string street;
    std::string house_number;
    std::string postal_code;
    std::string city;
    std::string country = "DE";
};

struct report_request {
    product which = product::b2b_short;
    request_envelope envelope;
    company_subject company;                    // B2B products
    person_subject person;                      // B2C products
    std::string request_feature_code = "AU";    // B2C: the two-letter code of our SCHUFA contract
    std::string identity_variant = "STANDARD";  // identity check: STANDARD | AGE_18 | PREMIUM
};

struct api_call {
    std::string method;
    std::string path;  // below the gateway's base URL, e.g. "/v1/b2b/reports"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

enum class error_code : std::uint8_t {
    none,
    invalid_request,              // permanent: our request is wrong
    legitimate_interest_invalid,  // permanent: the basis does not allow the product
    product_not_contracted,       // permanent: our contract lacks the product
    unauthorized,                 // permanent: certificate or participant credentials
    not_found,                    // permanent: unknown subscription
    rate_limited,                 // retryable after Retry-After
    service_unavailable,          // retryable
    timeout,                      // retryable
    transport,                    // retryable: no answer at all
    unreadable,                   // permanent: an answer outside the contract
};

[[nodiscard]] std::string_view to_string(error_code e) noexcept;  // the wire spelling, e.g. RATE_LIMITED
[[nodiscard]] bool retryable(error_code e) noexcept;

struct call_failure {
    error_code code = error_code::none;
    std::string message;  // remote text, truncated, flattened to one line
    std::optional<std::chrono::milliseconds> retry_after;
};

// Report and identity-check requests (the endpoint follows the product).
[[nodiscard]] api_call build_report_request(const report_request& request);

// A parsed report, or the failure the answer describes (HTTP status and error body).
struct report_outcome {
    std::optional<credit_report> report;
    call_failure failure;
    std::string raw_body;  // the answer as received (B2B: kept for the PDF); empty for failures
    unsigned attempts = 1;

    [[nodiscard]] bool ok() const { return report.has_value(); }
};

[[nodiscard]] report_outcome parse_report_response(
    product which, unsigned status, std::string_view body, std::optional<std::string_view> retry_after
);

// Failure from an HTTP answer that is not a success (error body, or a bare status).
[[nodiscard]] call_failure failure_of(
    unsigned status, std::string_view body, std::optional<std::string_view> retry_after
);

// ---- follow-up monitoring (Nachmeldeservice) ----

enum class subject_type : std::uint8_t { company, person };

[[nodiscard]] api_call build_subscribe(
    const request_envelope& envelope, subject_type type, std::string_view subject_id
);
[[nodiscard]] api_call build_unsubscribe(const request_envelope& envelope, std::string_view subscription_id);
[[nodiscard]] api_call build_events(std::string_view after_cursor, unsigned limit);
[[nodiscard]] api_call build_ack(std::string_view up_to_cursor);

// {subscriptionId}: the id, or the failure.
[[nodiscard]] std::pair<std::string, call_failure> parse_subscribe_response(
    unsigned status, std::string_view body
);

struct monitoring_event {
    std::string event_id;
    std::string subscription_id;
    std::string occurred_at;
    std::string type;  // SCORE_CHANGED, RISK_CLASS_CHANGED, NEGATIVE_FEATURE_ADDED, ...
};

struct event_page {
    std::vector<monitoring_event> events;
    std::string next_cursor;
    call_failure failure;
};

[[nodiscard]] event_page parse_events_response(unsigned status, std::string_view body);

// HTTP Basic credentials of the participant (the password never leaves the header).
[[nodiscard]] std::string basic_authorization(std::string_view participant_id, std::string_view password);

// The SHA-256 (hex) of the normalised subject: what the audit log keeps instead of a person's data.
[[nodiscard]] std::string subject_hash(const report_request& request);

}  // namespace fakturad::schufa
