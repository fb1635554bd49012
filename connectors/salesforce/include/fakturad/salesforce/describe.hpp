#pragma once
// Request builders and parsers for the describe resources (reference §2.1): one object's metadata
// (`sobjects/<Object>/describe`) and the list of the org's objects (`sobjects`, the global describe).
// Pure: no I/O.  The connector hands the describe body over as JSON; turning it into schema types is the
// mapping module's job.

#include "fakturad/salesforce/error.hpp"
#include "fakturad/salesforce/wire.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace fakturad::salesforce {

// GET /services/data/<version>/sobjects/<object>/describe (idempotent).  `object` is an API name
// ("Account", "Invoice__c"); the caller checks it (is_soql_identifier) before building, the builder
// percent-encodes it so that nothing else can reach the path.  An object the org does not have is
// answered with 404 NOT_FOUND (errc::not_found once sent).
[[nodiscard]] api_request build_describe(std::string_view version, std::string_view object);

// The describe body: a JSON object with at least `name` (a string) and `fields` (an array); anything else
// (childRelationships, recordTypeInfos, urls, ...) is passed through untouched.  errc::bad_response
// otherwise.
[[nodiscard]] boost::system::result<boost::json::object, call_error> parse_describe(std::string_view body);

// GET /services/data/<version>/sobjects (idempotent): every object of the org.
[[nodiscard]] api_request build_describe_global(std::string_view version);

// The `name` of every entry of the global describe's `sobjects` array, in the answer's order.
// errc::bad_response when the body has no such array or an entry has no name.
[[nodiscard]] boost::system::result<std::vector<std::string>, call_error> parse_describe_global(
    std::string_view body
);

}  // namespace fakturad::salesforce
