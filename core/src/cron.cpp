#include "fakturad/core/cron.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace fakturad {
namespace {

struct field_rule {
    std::string_view name;
    unsigned low;
    unsigned high;
    std::array<std::string_view, 12> names;  // symbolic values, index + names_base
    unsigned names_base;
};

constexpr std::array<field_rule, 5> rules{{
    {"minute", 0, 59, {}, 0},
    {"hour", 0, 23, {}, 0},
    {"day of month", 1, 31, {}, 0},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, 1},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, 0},
}};

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == sep) {
            out.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

std::optional<unsigned> value_of(std::string_view token, const field_rule& rule) {
    unsigned v = 0;
    const auto* end = token.data() + token.size();
    if (auto [p, ec] = std::from_chars(token.data(), end, v); ec == std::errc{} && p == end) {
        return v;
    }
    std::string upper(token);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) {
        return static_cast<char>(std::toupper(c));
    });
    for (std::size_t i = 0; i < rule.names.size(); ++i) {
        if (!rule.names[i].empty() && rule.names[i] == upper) {
            return static_cast<unsigned>(i) + rule.names_base;
        }
    }
    return std::nullopt;
}

// Sets the bits of one field; returns the problem, or an empty string.
std::string parse_field(std::string_view text, const field_rule& rule, std::vector<bool>& bits) {
    const std::string where = "field " + std::string(rule.name) + ": ";
    const std::string range = std::to_string(rule.low) + "-" + std::to_string(rule.high);
    for (auto part : split(text, ',')) {
        if (part.empty()) {
            return where + "empty list element in '" + std::string(text) + "'";
        }
        unsigned step = 1;
        if (const auto slash = part.find('/'); slash != std::string_view::npos) {
            const auto step_text = part.substr(slash + 1);
            const auto* end = step_text.data() + step_text.size();
            auto [p, ec] = std::from_chars(step_text.data(), end, step);
            if (ec != std::errc{} || p != end || step == 0) {
                return where + "step '" + std::string(step_text) + "' is not a positive number";
            }
            part = part.substr(0, slash);
        }
        unsigned first = rule.low;
        unsigned last = rule.high;
        if (part != "*") {
            const auto dash = part.find('-');
            const auto a = value_of(part.substr(0, dash), rule);
            if (!a) {
                return where + "'" + std::string(part.substr(0, dash)) + "' is not a number or name";
            }
            first = *a;
            last = *a;
            if (dash != std::string_view::npos) {
                const auto b = value_of(part.substr(dash + 1), rule);
                if (!b) {
                    return where + "'" + std::string(part.substr(dash + 1)) + "' is not a number or name";
                }
                last = *b;
            } else if (step != 1) {
                last = rule.high;  // "5/15" means 5, 20, 35, 50 as in Vixie cron
            }
        }
        if (first < rule.low || last > rule.high || first > last) {
            return where + "'" + std::string(part) + "' is out of range " + range;
        }
        for (unsigned v = first; v <= last; v += step) {
            bits[v] = true;
        }
    }
    return {};
}

}  // namespace

std::variant<cron_schedule, std::string> cron_schedule::parse(std::string_view text) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0) {
            ++i;
        }
        if (i > start) {
            fields.push_back(text.substr(start, i - start));
        }
    }
    if (fields.size() != 5) {
        return "expected five fields (minute hour day-of-month month day-of-week), got " +
               std::to_string(fields.size());
    }
    cron_schedule s;
    s.text_ = std::string(text);
    for (std::size_t f = 0; f < 5; ++f) {
        std::vector<bool> bits(rules[f].high + 1, false);
        if (auto problem = parse_field(fields[f], rules[f], bits); !problem.empty()) {
            return problem;
        }
        for (unsigned v = rules[f].low; v <= rules[f].high; ++v) {
            if (!bits[v]) {
                continue;
            }
            switch (f) {
                case 0:
                    s.minutes_.set(v);
                    break;
                case 1:
                    s.hours_.set(v);
                    break;
                case 2:
                    s.days_.set(v);
                    break;
                case 3:
                    s.months_.set(v);
                    break;
                default:
                    s.weekdays_.set(v % 7);
                    break;
            }
        }
    }
    s.days_restricted_ = fields[2] != "*";
    s.weekdays_restricted_ = fields[4] != "*";
    return s;
}

bool cron_schedule::matches(std::chrono::local_seconds minute) const {
    using namespace std::chrono;
    const auto day = floor<days>(minute);
    const year_month_day ymd{day};
    const hh_mm_ss time{minute - day};
    if (!minutes_.test(static_cast<std::size_t>(time.minutes().count())) ||
        !hours_.test(static_cast<std::size_t>(time.hours().count())) ||
        !months_.test(static_cast<unsigned>(ymd.month()))) {
        return false;
    }
    const bool dom = days_.test(static_cast<unsigned>(ymd.day()));
    const bool dow = weekdays_.test(weekday{day}.c_encoding());
    if (days_restricted_ && weekdays_restricted_) {
        return dom || dow;
    }
    return dom && dow;
}

std::optional<std::chrono::local_seconds> cron_schedule::next_after(std::chrono::local_seconds after) const {
    using namespace std::chrono;
    local_seconds t = floor<minutes>(after) + minutes{1};
    const auto limit = t + days{5 * 366};
    // Skip whole days that cannot match before scanning their minutes: at most ~1,830 days x one check,
    // then at most 1,440 minutes of the matching day.
    while (t < limit) {
        const auto day = floor<days>(t);
        const year_month_day ymd{day};
        const bool month_ok = months_.test(static_cast<unsigned>(ymd.month()));
        const bool dom = days_.test(static_cast<unsigned>(ymd.day()));
        const bool dow = weekdays_.test(weekday{day}.c_encoding());
        const bool day_ok = (days_restricted_ && weekdays_restricted_) ? (dom || dow) : (dom && dow);
        if (!month_ok || !day_ok) {
            t = local_seconds{day + days{1}};
            continue;
        }
        for (; t < local_seconds{day + days{1}}; t += minutes{1}) {
            if (matches(t)) {
                return t;
            }
        }
    }
    return std::nullopt;
}

}  // namespace fakturad
