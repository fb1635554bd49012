#pragma once
// Sans-I/O VIES protocol: request builders and lenient response parsers for the SOAP service
// (checkVatService: checkVat, checkVatApprox) and the REST API (VoW: /check-vat-number, /check-status),
// and the classification of every outcome by its meaning.  No sockets, no clock, no randomness here; the
// io/ client executes the calls these functions describe.
//
// Parsing is deliberately lenient because live VIES answers break their own schema:
//   - SOAP elements are matched by local name and namespace URI, never by prefix (env:, soap:, ns2: vary).
//   - "---" means "not disclosed" (DE never discloses); empty elements (requestIdentifier for valid=false)
//     mean "not given".  Both become std::nullopt, with `undisclosed` telling them apart for name/address.
//   - traderCompanyType "---" violates the WSDL pattern and is accepted anyway.
//   - REST: the body decides, not the HTTP status; an errorWrappers entry is a fault whatever the status.
// Remote text (names, addresses, fault messages) is untrusted: kept in its own fields, fault messages are
// truncated to 200 bytes.
//
// Outcome classes (see classify()):
//   temporary faults  MS_UNAVAILABLE, TIMEOUT, SERVICE_UNAVAILABLE, GLOBAL_MAX_CONCURRENT_REQ(_TIME),
//                     MS_MAX_CONCURRENT_REQ(_TIME), unknown codes, transport errors, malformed answers
//                     -> unconfirmed, retry later with backoff.  Never "invalid".
//   INVALID_INPUT     -> invalid (the number is not well-formed for VIES).
//   VAT_BLOCKED       -> unconfirmed, no retry: the number is blocked from checks, verify it by hand.
//   INVALID_REQUESTER_INFO -> unconfirmed, configuration error: our own VAT ID is wrong; stop the batch.
//   IP_BLOCKED        -> unconfirmed; stop ALL VIES traffic and alert an operator.

#include "fakturad/core/vat_id.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad::vies {

// Which VIES interface the connector talks to (configuration `vies.api`).
enum class api : std::uint8_t { soap, rest };

// The published endpoints.
inline constexpr std::string_view default_soap_url =
    "https://ec.europa.eu/taxation_customs/vies/services/checkVatService";
inline constexpr std::string_view default_rest_url = "https://ec.europa.eu/taxation_customs/vies/rest-api";
inline constexpr std::string_view soap_envelope_ns = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view types_ns = "urn:ec.europa.eu:taxud:vies:services:checkVat:types";

// One check.  `target` is normalised (fakturad::check_vat_id); `requester` is our own VAT ID: when set the
// SOAP call is checkVatApprox and the REST call carries requesterMemberStateCode/requesterNumber, so that
// VIES returns a consultation number (requestIdentifier).  Trader fields are optional match data.
struct check_request {
    vat_id target;
    std::optional<vat_id> requester;
    std::string trader_name;
    std::string trader_company_type;
    std::string trader_street;
    std::string trader_postcode;
    std::string trader_city;
};

// An HTTP call described without doing it.  `path` is appended to the configured base URL ("" for SOAP,
// "/check-vat-number" for REST).
struct http_call {
    std::string method;
    std::string path;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

[[nodiscard]] http_call build_soap_check(const check_request& request);
[[nodiscard]] http_call build_rest_check(const check_request& request);
[[nodiscard]] http_call build_rest_status();

enum class match_code : std::uint8_t { absent, valid, invalid, not_processed };

// A field VIES may withhold: nullopt when empty or "---"; `undisclosed` is true only for "---".
struct disclosed_text {
    std::optional<std::string> value;
    bool undisclosed = false;
};

// A successful answer (VIES looked the number up).
struct check_answer {
    std::string country;
    std::string number;
    bool valid = false;
    std::string request_date;                       // as sent: "2026-03-02+01:00" or ISO date-time
    std::optional<std::string> request_identifier;  // consultation number, when VIES issued one
    disclosed_text name;
    disclosed_text address;  // lines separated by '\n'
    disclosed_text company_type;
    disclosed_text street;
    disclosed_text postcode;
    disclosed_text city;
    match_code name_match = match_code::absent;
    match_code company_type_match = match_code::absent;
    match_code street_match = match_code::absent;
    match_code postcode_match = match_code::absent;
    match_code city_match = match_code::absent;
};

// The fault codes VIES documents (SOAP faultstring, REST errorWrappers[].error), plus `unknown` for any
// other text (e.g. the retired SERVER_BUSY), which is treated as temporary.
enum class fault : std::uint8_t {
    invalid_input,
    invalid_requester_info,
    service_unavailable,
    ms_unavailable,
    timeout,
    vat_blocked,
    ip_blocked,
    global_max_concurrent_req,
    global_max_concurrent_req_time,
    ms_max_concurrent_req,
    ms_max_concurrent_req_time,
    unknown,
};

[[nodiscard]] fault parse_fault_code(std::string_view code) noexcept;
[[nodiscard]] std::string_view to_string(fault f) noexcept;  // the wire code, "UNKNOWN" for unknown

struct fault_answer {
    fault code = fault::unknown;
    std::string raw_code;  // as received, truncated
    std::string message;   // REST message or SOAP faultcode, truncated
};

// What one HTTP exchange meant.  Exactly one of answer / fault is set, or neither when the response was
// not understood (then `problem` says why).
struct parsed_response {
    std::optional<check_answer> answer;
    std::optional<fault_answer> fault;
    std::string problem;
};

// `status` is the HTTP status code; bodies of any status are examined.
[[nodiscard]] parsed_response parse_soap_response(unsigned status, std::string_view body);
[[nodiscard]] parsed_response parse_rest_response(unsigned status, std::string_view body);

enum class availability : std::uint8_t { available, unavailable, monitoring_disabled, unknown };

struct member_state_status {
    std::string country;
    availability state = availability::unknown;
};

struct status_answer {
    bool vow_available = false;
    std::vector<member_state_status> countries;
};

// GET /check-status.  nullopt when the body is not a status document.
[[nodiscard]] std::optional<status_answer> parse_rest_status(std::string_view body);

// --- classification -------------------------------------------------------------------------------------

enum class verdict : std::uint8_t { valid, invalid, unconfirmed };
[[nodiscard]] std::string_view to_string(verdict v) noexcept;  // "valid", "invalid", "unconfirmed"

// How the caller proceeds after an outcome.
enum class next_step : std::uint8_t {
    final,               // the verdict stands (valid, invalid, or VAT_BLOCKED's manual path)
    retry_member_state,  // temporary, caused by one member state: back off that state
    retry_global,        // temporary, VIES-wide: back off every request
    stop_config,         // our requester data is wrong: stop and fix the configuration
    stop_all,            // IP_BLOCKED: stop every VIES request and alert
};

struct check_outcome {
    verdict result = verdict::unconfirmed;
    next_step step = next_step::retry_global;
    std::optional<check_answer> answer;
    std::optional<fault> fault_code;
    std::string detail;  // one line for people, e.g. "VIES: MS_MAX_CONCURRENT_REQ, retry later"
};

[[nodiscard]] next_step classify(fault f) noexcept;
[[nodiscard]] check_outcome outcome_of(const parsed_response& response);
// A failure below HTTP (connect, TLS, deadline): temporary, VIES-wide.
[[nodiscard]] check_outcome outcome_of_transport_error(std::string_view what);

}  // namespace fakturad::vies
