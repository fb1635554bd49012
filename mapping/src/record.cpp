// Reading record JSON, converting values to targets, evaluating conditions locally and writing them as
// SOQL. Local evaluation and the SOQL text come from the same bound condition so that they agree.

#include "fakturad/core/currency.hpp"
#include "fakturad/mapping/text.hpp"
#include "values.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>

namespace fakturad::mapping::detail {
namespace json = boost::json;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return out;
}

namespace {

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return std::nullopt;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::optional<instant> parse_sf_datetime(std::string_view s) {
    if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
        return std::nullopt;
    }
    auto d = parse_iso_date(s.substr(0, 10));
    const auto* date = std::get_if<civil_date>(&d);
    const auto hh = digits(s, 11, 2);
    const auto mm = digits(s, 14, 2);
    const auto ss = digits(s, 17, 2);
    if (date == nullptr || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (s[pos] == '.') {
        std::size_t n = 0;
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 3) {
                millis = millis * 10 + (s[pos] - '0');
            }
            ++n;
            ++pos;
        }
        if (n == 0 || n > 3) {
            return std::nullopt;
        }
        for (; n < 3; ++n) {
            millis *= 10;
        }
    }
    int offset_minutes = 0;
    const std::string_view zone = s.substr(pos);
    if (zone == "Z") {
        offset_minutes = 0;
    } else if (zone.size() == 5 || zone.size() == 6) {
        const int sign = zone[0] == '+' ? 1 : zone[0] == '-' ? -1 : 0;
        const auto oh = digits(zone, 1, 2);
        const std::size_t mpos = zone.size() == 6 ? 4 : 3;
        const auto om = digits(zone, mpos, 2);
        if (sign == 0 || !oh || !om || (zone.size() == 6 && zone[3] != ':') || *oh > 14 || *om > 59) {
            return std::nullopt;
        }
        offset_minutes = sign * (*oh * 60 + *om);
    } else {
        return std::nullopt;
    }
    using namespace std::chrono;
    const sys_days day{*date};
    return instant{day} + hours{*hh} + minutes{*mm} + seconds{*ss} + milliseconds{millis} -
           minutes{offset_minutes};
}

std::string number_text(const json::value& v) {
    if (v.is_int64()) {
        return std::to_string(v.get_int64());
    }
    if (v.is_uint64()) {
        return std::to_string(v.get_uint64());
    }
    // Shortest text that reads back as the same double: what Salesforce sent for up to 15 digits.
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v.get_double(), std::chars_format::fixed);
    return std::string(buf, r.ptr);
}

const json::value* value_at(const json::object& record, std::span<const std::string> steps) {
    const json::object* current = &record;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const json::value* v = nullptr;
        // REST answers spell names as the describe does; fall back to a case-insensitive search for
        // records written by other tools.
        if (auto it = current->find(steps[i]); it != current->end()) {
            v = &it->value();
        } else {
            for (const auto& kv : *current) {
                if (same_name(kv.key(), steps[i])) {
                    v = &kv.value();
                    break;
                }
            }
        }
        if (v == nullptr) {
            return nullptr;
        }
        if (i + 1 == steps.size()) {
            return v;
        }
        if (!v->is_object()) {
            return nullptr;
        }
        current = &v->get_object();
    }
    return nullptr;
}

bool is_number_type(std::string_view t) noexcept {
    return t == "double" || t == "currency" || t == "percent" || t == "int" || t == "long";
}

bool is_text_type(std::string_view t) noexcept {
    return t == "string" || t == "picklist" || t == "multipicklist" || t == "combobox" || t == "id" ||
           t == "reference" || t == "email" || t == "phone" || t == "url" || t == "textarea" ||
           t == "encryptedstring";
}

value_kind kind_of_field(std::string_view t) noexcept {
    if (t == "boolean") {
        return value_kind::boolean;
    }
    if (is_number_type(t)) {
        return value_kind::number;
    }
    if (t == "date") {
        return value_kind::date;
    }
    if (t == "datetime") {
        return value_kind::datetime;
    }
    return value_kind::text;
}

std::string lookup_text(const json::value& v) {
    if (v.is_string()) {
        return std::string(v.get_string());
    }
    if (v.is_bool()) {
        return v.get_bool() ? "true" : "false";
    }
    if (v.is_number()) {
        return number_text(v);
    }
    return json::serialize(v);
}

namespace {

std::string shown(std::string_view text) {
    return "'" + std::string(text.substr(0, 60)) + (text.size() > 60 ? "...'" : "'");
}

::fakturad::parse_result<typed> number_from_text(std::string_view text, bool percent) {
    std::string_view t = text;
    while (!t.empty() && t.back() == ' ') {
        t.remove_suffix(1);
    }
    if (percent && !t.empty() && t.back() == '%') {
        t.remove_suffix(1);
        while (!t.empty() && t.back() == ' ') {
            t.remove_suffix(1);
        }
    }
    auto d = parse_decimal(t);
    if (!d) {
        return parse_error_message(text, d.error());
    }
    return typed{*d};
}

::fakturad::parse_result<typed> boolean_from_text(std::string_view text) {
    const std::string l = lower(text);
    if (l == "true") {
        return typed{true};
    }
    if (l == "false") {
        return typed{false};
    }
    return "expected true or false, got " + shown(text);
}

::fakturad::parse_result<typed> date_from_text(std::string_view text) {
    if (text.size() > 10 && text[10] == 'T') {
        if (auto at = parse_sf_datetime(text)) {
            return typed{*at};
        }
        return "expected a date YYYY-MM-DD or a datetime like 2026-01-15T10:00:00.000+0000, got " +
               shown(text);
    }
    auto d = parse_iso_date(text);
    if (auto* message = std::get_if<std::string>(&d)) {
        return *message;
    }
    return typed{std::get<civil_date>(d)};
}

}  // namespace

::fakturad::parse_result<typed> read_json(const json::value& v, value_kind kind) {
    switch (kind) {
        case value_kind::text:
            return typed{lookup_text(v)};
        case value_kind::number:
            if (v.is_number()) {
                return number_from_text(number_text(v), false);
            }
            if (v.is_string()) {
                return number_from_text(v.get_string(), true);
            }
            return "expected a number, got " + json::serialize(v).substr(0, 60);
        case value_kind::date:
        case value_kind::datetime:
            if (v.is_string()) {
                return date_from_text(v.get_string());
            }
            return "expected a date or datetime text, got " + json::serialize(v).substr(0, 60);
        case value_kind::boolean:
            if (v.is_bool()) {
                return typed{v.get_bool()};
            }
            if (v.is_string()) {
                return boolean_from_text(v.get_string());
            }
            return "expected true or false, got " + json::serialize(v).substr(0, 60);
        case value_kind::country: {
            const std::string t = lookup_text(v);
            if (auto code = country_code(t)) {
                return typed{*code};
            }
            return "unknown country " + shown(t) +
                   " (give an ISO 3166-1 alpha-2 code such as DE, or an English or German country name)";
        }
    }
    return std::string("unreadable value");
}

namespace {

std::string as_text(const typed& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        return *s;
    }
    if (const auto* d = std::get_if<decimal>(&v)) {
        return to_string(*d);
    }
    if (const auto* c = std::get_if<civil_date>(&v)) {
        return format_iso_date(*c);
    }
    if (const auto* i = std::get_if<instant>(&v)) {
        return format_instant(*i);
    }
    if (const auto* b = std::get_if<bool>(&v)) {
        return *b ? "true" : "false";
    }
    return {};
}

bool is_language_tag(std::string_view t) {
    return (t.size() == 2 || t.size() == 3) &&
           std::all_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

::fakturad::parse_result<typed> finalize(
    const target_info& target, const typed& v, const std::function<civil_date(instant)>* to_civil_date
) {
    if (std::holds_alternative<std::monostate>(v)) {
        return v;
    }
    const auto* text = std::get_if<std::string>(&v);
    switch (target.type) {
        case target_type::text:
        case target_type::id:
        case target_type::emails: {
            std::string t = as_text(v);
            if (target.section == "plan" && target.name == "currency") {
                if (!lookup_currency(t)) {
                    return "unknown ISO 4217 currency code " + shown(t) + " (upper case, e.g. EUR)";
                }
            } else if (target.section == "plan" && target.name == "language" && !is_language_tag(t)) {
                return "expected a lower-case language code such as de, en, fr, got " + shown(t);
            }
            return typed{std::move(t)};
        }
        case target_type::period: {
            std::string t = as_text(v);
            auto p = parse_billing_period(t);
            if (auto* message = std::get_if<std::string>(&p)) {
                return *message;
            }
            return typed{std::move(t)};
        }
        case target_type::choice: {
            std::string t = as_text(v);
            std::string_view rest = target.choices;
            while (!rest.empty()) {
                const auto bar = rest.find('|');
                if (rest.substr(0, bar) == t) {
                    return typed{std::move(t)};
                }
                rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
            }
            std::string allowed(target.choices);
            std::replace(allowed.begin(), allowed.end(), '|', ',');
            return "unknown value " + shown(t) + " (expected one of " + allowed +
                   "; add a map: to translate)";
        }
        case target_type::country: {
            const std::string t = as_text(v);
            if (auto code = country_code(t)) {
                return typed{*code};
            }
            return "unknown country " + shown(t) +
                   " (give an ISO 3166-1 alpha-2 code such as DE, or an English or German country name)";
        }
        case target_type::decimal:
        case target_type::integer: {
            typed n = v;
            if (text != nullptr) {
                auto r = number_from_text(*text, true);
                if (auto* message = std::get_if<std::string>(&r)) {
                    return *message;
                }
                n = std::get<typed>(r);
            }
            const auto* d = std::get_if<decimal>(&n);
            if (d == nullptr) {
                return "expected a number, got " + shown(as_text(v));
            }
            if (target.type == target_type::integer && d->trimmed().scale() != 0) {
                return "expected a whole number, got " + to_string(*d);
            }
            return n;
        }
        case target_type::boolean:
            if (std::holds_alternative<bool>(v)) {
                return v;
            }
            if (text != nullptr) {
                return boolean_from_text(*text);
            }
            return "expected true or false, got " + shown(as_text(v));
        case target_type::date: {
            auto read = text != nullptr ? date_from_text(*text) : ::fakturad::parse_result<typed>{v};
            if (auto* message = std::get_if<std::string>(&read)) {
                return *message;
            }
            const typed& d = std::get<typed>(read);
            if (std::holds_alternative<civil_date>(d)) {
                return d;
            }
            if (const auto* at = std::get_if<instant>(&d)) {
                if (to_civil_date == nullptr || !*to_civil_date) {
                    return std::string(
                        "a datetime needs the org time zone to become a date (no to_civil_date given)"
                    );
                }
                return typed{(*to_civil_date)(*at)};
            }
            return "expected a date, got " + shown(as_text(v));
        }
        case target_type::instant: {
            // A date stays a date: the caller takes its day as it is, without a zone.
            auto read = text != nullptr ? date_from_text(*text) : ::fakturad::parse_result<typed>{v};
            if (std::holds_alternative<std::string>(read)) {
                return read;
            }
            const typed& d = std::get<typed>(read);
            if (std::holds_alternative<instant>(d) || std::holds_alternative<civil_date>(d)) {
                return d;
            }
            return "expected a datetime, got " + shown(as_text(v));
        }
    }
    return std::string("unsupported target");
}

// ---- conditions ------------------------------------------------------------------------------------------

namespace {

bool is_id_type(std::string_view t) { return t == "id" || t == "reference"; }

// -1/0/1 of a record value against a literal; nullopt when they do not compare (null, wrong type).
std::optional<int> compare(const field_schema& f, const json::value& v, std::string_view literal) {
    auto sign = [](const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); };
    if (v.is_null()) {
        return std::nullopt;
    }
    if (f.type == "boolean") {
        if (!v.is_bool()) {
            return std::nullopt;
        }
        const bool l = lower(literal) == "true";
        return sign(static_cast<int>(v.get_bool()), static_cast<int>(l));
    }
    if (is_number_type(f.type)) {
        auto a = read_json(v, value_kind::number);
        auto b = parse_decimal(literal);
        if (a.index() != 0 || !b) {
            return std::nullopt;
        }
        return sign(std::get<decimal>(std::get<typed>(a)), *b);
    }
    if (!v.is_string()) {
        return std::nullopt;
    }
    const std::string_view s = v.get_string();
    if (s.empty()) {
        return std::nullopt;  // Salesforce has no empty text: it is null
    }
    if (f.type == "date") {
        auto a = parse_iso_date(s.substr(0, 10));
        auto b = parse_iso_date(literal);
        if (a.index() != 0 || b.index() != 0) {
            return std::nullopt;
        }
        return sign(std::get<civil_date>(a), std::get<civil_date>(b));
    }
    if (f.type == "datetime") {
        auto a = parse_sf_datetime(s);
        auto b = parse_sf_datetime(literal);
        if (!a || !b) {
            return std::nullopt;
        }
        return sign(*a, *b);
    }
    if (is_id_type(f.type) && s.size() >= 15 && literal.size() >= 15) {
        // Ids: the 15-character form is the case-sensitive identity; the suffix only repeats it.
        return sign(s.substr(0, 15), literal.substr(0, 15));
    }
    return sign(lower(s), lower(literal));
}

bool like(std::string_view value, std::string_view pattern) {
    // Case-insensitive; % any run, _ one character, \% \_ \\ literal. Iterative with backtracking to
    // the last %, linear in practice.
    std::size_t v = 0;
    std::size_t p = 0;
    std::size_t star_p = std::string_view::npos;
    std::size_t star_v = 0;
    auto low = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    while (v < value.size()) {
        if (p < pattern.size() && pattern[p] == '%') {
            star_p = p++;
            star_v = v;
            continue;
        }
        if (p < pattern.size()) {
            char pc = pattern[p];
            std::size_t width = 1;
            bool any = pc == '_';
            if (pc == '\\' && p + 1 < pattern.size()) {
                pc = pattern[p + 1];
                width = 2;
                any = false;
            }
            if (any || low(pc) == low(value[v])) {
                p += width;
                ++v;
                continue;
            }
        }
        if (star_p == std::string_view::npos) {
            return false;
        }
        p = star_p + 1;
        v = ++star_v;
    }
    while (p < pattern.size() && pattern[p] == '%') {
        ++p;
    }
    return p == pattern.size();
}

bool is_null_value(const json::value* v) {
    return v == nullptr || v->is_null() || (v->is_string() && v->get_string().empty());
}

}  // namespace

bool evaluate(const bound_condition& c, const json::object& record) {
    const json::value* v = value_at(record, c.source.steps);
    const field_schema& f = c.source.field;
    auto eq = [&](const std::string& literal) {
        if (is_null_value(v)) {
            return false;
        }
        auto r = compare(f, *v, literal);
        return r && *r == 0;
    };
    switch (c.spec.op) {
        case condition_op::equals:
            return eq(c.spec.values.front());
        case condition_op::not_equals:
            return !eq(c.spec.values.front());
        case condition_op::in:
            return std::any_of(c.spec.values.begin(), c.spec.values.end(), eq);
        case condition_op::not_in:
            return std::none_of(c.spec.values.begin(), c.spec.values.end(), eq);
        case condition_op::is_null:
            return is_null_value(v) == (lower(c.spec.values.front()) == "true");
        case condition_op::like:
            return !is_null_value(v) && v->is_string() && like(v->get_string(), c.spec.values.front());
        case condition_op::greater:
        case condition_op::less:
        case condition_op::at_least:
        case condition_op::at_most: {
            if (is_null_value(v)) {
                return false;
            }
            auto r = compare(f, *v, c.spec.values.front());
            if (!r) {
                return false;
            }
            switch (c.spec.op) {
                case condition_op::greater:
                    return *r > 0;
                case condition_op::less:
                    return *r < 0;
                case condition_op::at_least:
                    return *r >= 0;
                default:
                    return *r <= 0;
            }
        }
    }
    return false;
}

namespace {

// A LIKE pattern keeps its escapes \% and \_ (literal % and _); every other character is quoted as in
// soql_quote.
std::string like_quote(std::string_view pattern) {
    std::string out = "'";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '\\' && i + 1 < pattern.size() &&
            (pattern[i + 1] == '%' || pattern[i + 1] == '_')) {
            out += pattern.substr(i, 2);
            ++i;
            continue;
        }
        const std::string q = soql_quote(pattern.substr(i, 1));
        out += q.substr(1, q.size() - 2);
    }
    return out + "'";
}

std::string soql_literal(const field_schema& f, const std::string& literal) {
    if (f.type == "boolean") {
        return lower(literal);
    }
    if (is_number_type(f.type) || f.type == "date" || f.type == "datetime") {
        return literal;  // checked by bind(): digits, dates and datetimes need no quoting
    }
    return soql_quote(literal);
}

}  // namespace

std::string soql_condition(const bound_condition& c) {
    const std::string& field = c.source.text;
    const field_schema& f = c.source.field;
    auto list = [&] {
        std::string out = "(";
        for (std::size_t i = 0; i < c.spec.values.size(); ++i) {
            out += (i == 0 ? "" : ", ") + soql_literal(f, c.spec.values[i]);
        }
        return out + ")";
    };
    switch (c.spec.op) {
        case condition_op::equals:
            return field + " = " + soql_literal(f, c.spec.values.front());
        case condition_op::not_equals:
            return field + " != " + soql_literal(f, c.spec.values.front());
        case condition_op::in:
            return field + " IN " + list();
        case condition_op::not_in:
            return field + " NOT IN " + list();
        case condition_op::greater:
            return field + " > " + soql_literal(f, c.spec.values.front());
        case condition_op::less:
            return field + " < " + soql_literal(f, c.spec.values.front());
        case condition_op::at_least:
            return field + " >= " + soql_literal(f, c.spec.values.front());
        case condition_op::at_most:
            return field + " <= " + soql_literal(f, c.spec.values.front());
        case condition_op::is_null:
            return field + (lower(c.spec.values.front()) == "true" ? " = null" : " != null");
        case condition_op::like:
            return field + " LIKE " + like_quote(c.spec.values.front());
    }
    return {};
}

std::optional<std::string> check_literal(const field_schema& f, condition_op op, std::string_view literal) {
    if (f.type == "textarea" || f.type == "address" || f.type == "base64" || f.type == "location") {
        return "a " + f.type + " field cannot be filtered in SOQL";
    }
    if (op == condition_op::is_null) {
        return std::nullopt;  // the parser checked true/false
    }
    const bool ordering = op == condition_op::greater || op == condition_op::less ||
                          op == condition_op::at_least || op == condition_op::at_most;
    if (op == condition_op::like) {
        if (f.type != "string" && f.type != "picklist" && f.type != "email" && f.type != "phone" &&
            f.type != "url" && f.type != "combobox") {
            return "like needs a text field, not a " + f.type + " field";
        }
        return std::nullopt;
    }
    if (f.type == "boolean") {
        if (ordering) {
            return "a boolean field cannot be compared with " + std::string(to_string(op));
        }
        if (lower(literal) != "true" && lower(literal) != "false") {
            return "a boolean field compares with true or false, not " + shown(literal);
        }
        return std::nullopt;
    }
    if (is_number_type(f.type)) {
        if (auto d = parse_decimal(literal); !d) {
            return "a " + f.type +
                   " field compares with a number: " + parse_error_message(literal, d.error());
        }
        return std::nullopt;
    }
    if (f.type == "date") {
        if (auto d = parse_iso_date(literal); auto* message = std::get_if<std::string>(&d)) {
            return "a date field compares with a date YYYY-MM-DD: " + *message;
        }
        return std::nullopt;
    }
    if (f.type == "datetime") {
        if (!parse_sf_datetime(literal)) {
            return "a datetime field compares with a datetime like 2026-01-15T00:00:00Z, not " +
                   shown(literal);
        }
        return std::nullopt;
    }
    if (is_id_type(f.type) && !is_salesforce_id(literal)) {
        return "an id field compares with a 15- or 18-character record id, not " + shown(literal);
    }
    if (f.restricted_picklist && !ordering) {
        const bool known =
            std::any_of(f.picklist_values.begin(), f.picklist_values.end(), [&](const auto& p) {
                return lower(p) == lower(literal);
            });
        if (!known) {
            std::string values;
            for (const auto& p : f.picklist_values) {
                values += (values.empty() ? "" : ", ") + p;
            }
            return shown(literal) + " is not a value of this restricted picklist (values: " + values + ")";
        }
    }
    return std::nullopt;
}

}  // namespace fakturad::mapping::detail
