#pragma once
// The wire description of one REST call, as the protocol code builds it and the I/O side sends it, and
// the parser for Salesforce's error bodies.  Pure.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad::salesforce {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct api_request {
    std::string method = "GET";
    // Path below the instance URL ("/services/data/v62.0/query?q=..."); the I/O side prefixes it.
    std::string path;
    header_list headers;  // call-specific headers; Authorization and Sforce-Call-Options are added on send
    std::string body;
    // True when sending it twice has the effect of sending it once (GET, upsert by external ID); only
    // these are retried by the sender itself.
    bool idempotent = true;
    std::string what;  // for errors and logs: "upsert Invoice__c by Fakturad_Key__c (records 1-200)"
};

// One entry of a REST error body `[{"message","errorCode","fields"}]`, or of a SaveResult's `errors`
// (where the code is called `statusCode`).
struct api_error_item {
    std::string code;
    std::string message;
    std::vector<std::string> fields;
};

// The entries of an error body; a body that is not the documented array (an HTML error page, a single
// object) yields one entry with an empty code and the text truncated as its message.
[[nodiscard]] std::vector<api_error_item> parse_error_body(std::string_view body);

// Percent-encodes `text` for a query-string value or a path segment (RFC 3986 unreserved kept).
[[nodiscard]] std::string percent_encode(std::string_view text);

}  // namespace fakturad::salesforce
