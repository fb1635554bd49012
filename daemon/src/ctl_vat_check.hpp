#pragma once
// `fakturactl vat-check [--offline] [NUMBER...]`: checks VAT identification numbers.
//
// Input: the numbers in `options.numbers`, or, when there are none, one number per line from `in` (blank
// lines are skipped, a trailing CR is dropped).  Output: one line per number on `out`,
//     NUMBER<TAB>valid|invalid|unconfirmed<TAB>details
// with NUMBER exactly as given.  Details never contain a TAB or a line break (remote text is flattened).
//
// Offline mode checks format and check digits only (core/vat_id): no daemon, no network, and it can
// always decide, so it exits 0.  Online mode first checks offline (a malformed number is "invalid"
// without asking VIES), then asks VIES directly through the connector with per-member-state limits and
// retries; a number VIES could not confirm (temporary fault, IP_BLOCKED, ...) is "unconfirmed".
//
// Exit codes (fakturactl's): 0 every number got valid or invalid; 1 at least one is unconfirmed;
// 2 bad options (e.g. an unusable --requester or --ca-file), reported on `err`.

#include "fakturad/vies/protocol.hpp"

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace fakturad::daemon {

struct vat_check_options {
    bool offline = false;              // --offline
    std::vector<std::string> numbers;  // positional NUMBER...
    vies::api api = vies::api::soap;   // --api soap|rest
    std::string url;                   // --url: SOAP service URL or REST base URL (default: the EC's)
    std::string status_url;            // --status-url: REST base for /check-status (default: REST base)
    std::string requester;             // --requester: our own VAT ID, for consultation numbers
    std::string ca_file;               // --ca-file: extra trusted CA bundle (PEM)
    std::chrono::milliseconds timeout{30'000};      // --timeout: per request
    unsigned per_member_state = 1;                  // --per-member-state: requests in flight per member state
    unsigned attempts = 3;                          // --attempts: tries per number before "unconfirmed"
    std::chrono::milliseconds backoff_base{1'000};  // first retry waits up to this (full jitter)
    std::chrono::milliseconds backoff_cap{30'000};
    bool check_status = true;  // ask /check-status first (REST base) and park unavailable states
};

int run_vat_check(const vat_check_options& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace fakturad::daemon
