#pragma once
// The SOQL subset the emulator understands, parsed into a tree; evaluation lives in emulator.cpp.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::sf_emulator::soql {

struct literal {
    enum class kind { string, number, boolean, null, date, datetime, date_range };
    kind type = kind::null;
    std::string text;           // string value, number text, date "YYYY-MM-DD", datetime as written
    std::int64_t epoch_ms = 0;  // datetime
    // date_range: a relative literal such as LAST_N_DAYS:7 as [from, to) in days since the epoch
    std::int64_t from_day = 0;
    std::int64_t to_day = 0;
    bool flag = false;  // boolean value
};

struct condition {
    enum class kind { and_, or_, not_, compare };
    kind type = kind::compare;
    std::vector<std::unique_ptr<condition>> children;
    std::vector<std::string> path;  // compare: field path, e.g. {"Account", "Name"}
    std::string op;                 // =, !=, <, <=, >, >=, LIKE, IN, NOT IN
    std::vector<literal> values;    // one, or several for IN
    std::size_t column = 0;         // 1-based position of the field in the query, for errors
};

struct query;

struct select_item {
    std::vector<std::string> path;  // field or relationship path
    std::unique_ptr<query> subquery;
    bool count = false;  // COUNT() or COUNT(field)
    std::string alias;
    std::size_t column = 0;
};

struct order_item {
    std::vector<std::string> path;
    bool descending = false;
    bool nulls_last = false;
    bool nulls_given = false;
};

struct query {
    std::vector<select_item> items;
    std::string object;  // FROM name (a relationship name inside a subquery)
    std::size_t object_column = 0;
    std::unique_ptr<condition> where;
    std::vector<order_item> order_by;
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> offset;
    bool count_only = false;  // SELECT COUNT() FROM ...
};

struct parse_error {
    std::string code;  // MALFORMED_QUERY
    std::string message;
    std::size_t column = 0;
};

// Parses `text`; `today_day` (days since 1970-01-01, UTC) anchors relative date literals.
// Returns nullptr and fills `error` on a syntax error.
std::unique_ptr<query> parse(const std::string& text, std::int64_t today_day, parse_error& error);

// Days since 1970-01-01 for a civil date, and back.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
std::string civil_from_days(std::int64_t days);
// Parses "YYYY-MM-DDThh:mm:ss[.SSS](Z|+hh:mm|+hhmm)"; nullopt when malformed.
std::optional<std::int64_t> parse_datetime(const std::string& text);
bool is_date(const std::string& text);

}  // namespace fakturad::sf_emulator::soql
