#pragma once
// SOQL literals.  Every value the connector puts into a query goes through these functions, so that a
// customer name like `O'Brien` or a key with a backslash can neither break the query nor change its
// meaning (SOQL injection).  Pure functions.
//
// String literals follow the SOQL "quoted string escape sequences" rules: inside single quotes the
// escape character is the backslash, and `\n \r \t \b \f \" \' \\` and `\uXXXX` are the valid escapes.
// Text is UTF-8; characters outside ASCII pass through unchanged (SOQL takes them as they are), control
// characters without a short escape become `\uXXXX`.  Invalid UTF-8 is refused rather than sent.

#include "fakturad/core/clock.hpp"
#include "fakturad/salesforce/error.hpp"

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fakturad::salesforce {

// 'value' with every special character escaped, quotes included.  Error (errc::bad_input) for invalid
// UTF-8 or a NUL byte.
[[nodiscard]] boost::system::result<std::string, call_error> soql_quote(std::string_view value);

// As soql_quote, and `%` and `_` escaped too, for a LIKE pattern that must match `value` literally.
[[nodiscard]] boost::system::result<std::string, call_error> soql_quote_like(std::string_view value);

// A dateTime literal (unquoted, UTC): 2024-03-01T10:15:00.000Z.
[[nodiscard]] std::string soql_datetime(instant t);

// True for an API name that may appear unquoted in a query: an object, a field or a relationship path
// (letters, digits, `_`, and `.` between names).  The connector refuses any other name.
[[nodiscard]] bool is_soql_identifier(std::string_view name);

// Parses a dateTime as the REST API returns it (`2013-05-20T20:49:32.000+0000`), also accepting `Z` and
// `+hh:mm` offsets and missing milliseconds; nullopt when it is not one.
[[nodiscard]] std::optional<instant> parse_salesforce_datetime(std::string_view text);

}  // namespace fakturad::salesforce
