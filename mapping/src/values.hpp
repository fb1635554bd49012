#pragma once
// Internals shared by parse, bind and apply: typed values, reading record JSON, target conversion,
// condition evaluation and SOQL literals.

#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/units.hpp"
#include "fakturad/mapping/bound_mapping.hpp"
#include "fakturad/mapping/mapping_file.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace fakturad::mapping::detail {

// null, text, exact number, date, instant, boolean (the same alternatives as writeback_value).
using typed = writeback_value;

[[nodiscard]] std::string lower(std::string_view s);

// Salesforce datetime: "2026-01-15T10:00:00.000+0000", "...Z", "+01:00"; seconds and fraction optional
// only as Salesforce writes them (seconds required, fraction up to 3 digits).
[[nodiscard]] std::optional<instant> parse_sf_datetime(std::string_view text);

// The text of a JSON number: int64/uint64 exactly, doubles in their shortest round-trip form.
[[nodiscard]] std::string number_text(const boost::json::value& v);

// The value at `steps` below `record` (nested parent objects); nullptr when a parent is null or absent.
[[nodiscard]] const boost::json::value* value_at(
    const boost::json::object& record, std::span<const std::string> steps
);

// The kind of value a Salesforce field type gives without conversion.
[[nodiscard]] value_kind kind_of_field(std::string_view sf_type) noexcept;
[[nodiscard]] bool is_text_type(std::string_view sf_type) noexcept;
[[nodiscard]] bool is_number_type(std::string_view sf_type) noexcept;

// A non-null record value read as `kind`.
[[nodiscard]] ::fakturad::parse_result<typed> read_json(const boost::json::value& v, value_kind kind);
// The text a map looks up: strings as they are, numbers as their text, booleans true/false.
[[nodiscard]] std::string lookup_text(const boost::json::value& v);

// The value in the target's form: text/id/period/choice/emails/country as text, date as civil_date,
// instant, decimal (integer: whole), boolean. `to_civil_date` may be null (then an instant cannot become
// a date). The error says what was expected.
[[nodiscard]] ::fakturad::parse_result<typed> finalize(
    const target_info& target, const typed& v, const std::function<civil_date(instant)>* to_civil_date
);

// The condition on one record (or child record). SOQL semantics (bound_mapping.hpp header comment).
[[nodiscard]] bool evaluate(const bound_condition& c, const boost::json::object& record);
// "Field = 'x'", "Field IN (1, 2)", "Field = null", ...
[[nodiscard]] std::string soql_condition(const bound_condition& c);
// nullopt when `literal` fits a condition on `field` with `op`, else why not.
[[nodiscard]] std::optional<std::string> check_literal(
    const field_schema& field, condition_op op, std::string_view literal
);

}  // namespace fakturad::mapping::detail
