#include "fakturad/core/calendar.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

namespace fakturad {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::months;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month;

constexpr std::array<std::string_view, 12> month_names{
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
};

// Dates in 1..9999: what ISO text can spell and what the store's CHECKs accept.
civil_date checked(civil_date d) {
    const int y = static_cast<int>(d.year());
    if (y < 1 || y > 9999) {
        throw std::out_of_range("date arithmetic left the years 0001..9999");
    }
    return d;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

// Shows untrusted text in a message: at most 40 characters, control characters as '?'.
std::string quoted(std::string_view text) {
    std::string out = "'";
    const std::size_t n = std::min<std::size_t>(text.size(), 40);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > n) {
        out += "...";
    }
    out += "'";
    return out;
}

bool all_digits(std::string_view s) noexcept {
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return !s.empty();
}

unsigned to_unsigned(std::string_view s) noexcept {
    unsigned v = 0;
    for (char c : s) {
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v;
}

std::int64_t month_index(civil_date d) noexcept {
    return static_cast<std::int64_t>(static_cast<int>(d.year())) * 12 +
           static_cast<std::int64_t>(static_cast<unsigned>(d.month())) - 1;
}

civil_date first_of_month_index(std::int64_t index) {
    const std::int64_t y = floor_div(index, 12);
    const std::int64_t m = index - y * 12 + 1;
    if (y < 1 || y > 9999) {
        throw std::out_of_range("date arithmetic left the years 0001..9999");
    }
    return civil_date{year{static_cast<int>(y)}, month{static_cast<unsigned>(m)}, day{1}};
}

constexpr civil_date unix_epoch{year{1970}, month{1}, day{1}};
constexpr civil_date first_monday{year{1970}, month{1}, day{5}};

}  // namespace

parse_result<civil_date> parse_iso_date(std::string_view text) {
    const std::string prefix = "invalid date " + quoted(text) + ": ";
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
        !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
        return prefix + "expected YYYY-MM-DD (e.g. 2026-03-31)";
    }
    const unsigned y = to_unsigned(text.substr(0, 4));
    const unsigned m = to_unsigned(text.substr(5, 2));
    const unsigned d = to_unsigned(text.substr(8, 2));
    if (y == 0) {
        return prefix + "the year must be 0001..9999";
    }
    if (m < 1 || m > 12) {
        return prefix + "the month must be 01..12";
    }
    const unsigned last = days_in_month(year{static_cast<int>(y)}, month{m});
    if (d < 1 || d > last) {
        return prefix + std::string(month_names[m - 1]) + " " + std::to_string(y) + " has " +
               std::to_string(last) + " days";
    }
    return civil_date{year{static_cast<int>(y)}, month{m}, day{d}};
}

char* format_iso_date(char* out, civil_date d) noexcept {
    auto put = [](char* p, unsigned v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            p[i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(out, static_cast<unsigned>(static_cast<int>(d.year())), 4);
    out[4] = '-';
    put(out + 5, static_cast<unsigned>(d.month()), 2);
    out[7] = '-';
    put(out + 8, static_cast<unsigned>(d.day()), 2);
    return out + 10;
}

std::string format_iso_date(civil_date d) {
    std::string s(10, '0');
    format_iso_date(s.data(), d);
    return s;
}

unsigned days_in_month(year y, month m) noexcept {
    return static_cast<unsigned>(std::chrono::year_month_day_last{y, std::chrono::month_day_last{m}}.day());
}

std::int64_t days_between(civil_date from, civil_date to) noexcept {
    return (sys_days{to} - sys_days{from}).count();
}

civil_date add_days(civil_date d, std::int64_t n) {
    // Fast paths for the neighbours, which period walks ask for most (no round trip through sys_days).
    const unsigned day_of_month = static_cast<unsigned>(d.day());
    if (n == 1) {
        if (day_of_month < 28 || day_of_month < days_in_month(d.year(), d.month())) {
            return civil_date{d.year(), d.month(), day{day_of_month + 1}};
        }
        const year_month next = year_month{d.year(), d.month()} + months{1};
        return checked(civil_date{next.year(), next.month(), day{1}});
    }
    if (n == -1) {
        if (day_of_month > 1) {
            return civil_date{d.year(), d.month(), day{day_of_month - 1}};
        }
        const year_month previous = year_month{d.year(), d.month()} - months{1};
        return checked(civil_date{
            previous.year(), previous.month(), day{days_in_month(previous.year(), previous.month())}});
    }
    return checked(civil_date{sys_days{d} + days{n}});
}

civil_date add_weeks(civil_date d, std::int64_t n) { return add_days(d, n * 7); }

civil_date add_months(civil_date anchor, std::int64_t n) {
    if (n > 120000 || n < -120000) {
        throw std::out_of_range("date arithmetic left the years 0001..9999");
    }
    const year_month ym = year_month{anchor.year(), anchor.month()} + months{n};
    const unsigned last = days_in_month(ym.year(), ym.month());
    const unsigned d = std::min(static_cast<unsigned>(anchor.day()), last);
    return checked(civil_date{ym.year(), ym.month(), day{d}});
}

civil_date add_years(civil_date anchor, std::int64_t n) {
    if (n > 10000 || n < -10000) {
        throw std::out_of_range("date arithmetic left the years 0001..9999");
    }
    return add_months(anchor, n * 12);
}

unsigned iso_weekday_index(civil_date d) noexcept {
    return std::chrono::weekday{sys_days{d}}.iso_encoding() - 1;
}

std::optional<date_range> intersect(const date_range& a, const date_range& b) noexcept {
    const civil_date f = std::max(a.first, b.first);
    const civil_date l = std::min(a.last, b.last);
    if (l < f) {
        return std::nullopt;
    }
    return date_range{f, l};
}

std::string to_string(const date_range& r) {
    std::string s(22, '.');
    format_iso_date(s.data(), r.first);
    format_iso_date(s.data() + 12, r.last);
    return s;
}

parse_result<billing_period> parse_billing_period(std::string_view text) {
    std::string message = "invalid billing period " + quoted(text) +
                          ": expected an ISO 8601 duration with one component, P<N>D, P<N>W, P<N>M or "
                          "P<N>Y with N in 1..1000 (e.g. P1M, P3M, P1Y, P14D)";
    if (text.size() < 3 || text.front() != 'P') {
        return message;
    }
    const std::string_view digits = text.substr(1, text.size() - 2);
    if (!all_digits(digits) || digits.size() > 4 || digits.front() == '0') {
        return message;
    }
    const unsigned n = to_unsigned(digits);
    if (n < 1 || n > 1000) {
        return message;
    }
    billing_period p;
    p.count = static_cast<std::int32_t>(n);
    switch (text.back()) {
        case 'D':
            p.unit = period_unit::day;
            break;
        case 'W':
            p.unit = period_unit::week;
            break;
        case 'M':
            p.unit = period_unit::month;
            break;
        case 'Y':
            p.unit = period_unit::year;
            break;
        default:
            return message;
    }
    return p;
}

std::string to_string(billing_period p) {
    static constexpr std::array<char, 4> letters{'D', 'W', 'M', 'Y'};
    return "P" + std::to_string(p.count) + letters[static_cast<std::size_t>(p.unit)];
}

civil_date advance(civil_date anchor, billing_period p, std::int64_t k) {
    switch (p.unit) {
        case period_unit::day:
            return add_days(anchor, k * p.count);
        case period_unit::week:
            return add_days(anchor, k * p.count * 7);
        case period_unit::month:
            return add_months(anchor, k * p.count);
        case period_unit::year:
            return add_years(anchor, k * p.count);
    }
    return anchor;
}

std::string_view to_string(period_alignment a) noexcept {
    return a == period_alignment::anniversary ? "anniversary" : "calendar";
}

std::optional<period_alignment> parse_period_alignment(std::string_view text) noexcept {
    if (text == "anniversary") {
        return period_alignment::anniversary;
    }
    if (text == "calendar") {
        return period_alignment::calendar;
    }
    return std::nullopt;
}

// Why the boundaries are strictly increasing (the partition argument in the header rests on it):
//   - days/weeks: b_k = ref + k * step days with step >= 1.
//   - anniversary months/years: b_k lies in month index anchor + k * N * (1 or 12); distinct k give
//     distinct months, ordered like k, so the clamped day cannot reorder them.
//   - calendar months/years: first days of month indexes k * N (or of January of years k * N).
// boundary_at_or_before picks the greatest k with b_k <= d: for anniversary months the candidate from the
// month difference can be one step too late only when it falls in d's own month on a later day, and then
// the previous boundary is in an earlier month, so one correction step suffices.
civil_date period_grid::boundary_at_or_before(civil_date d) const {
    const std::int64_t n = period_.count;
    switch (period_.unit) {
        case period_unit::day:
        case period_unit::week: {
            const std::int64_t step = period_.unit == period_unit::day ? n : 7 * n;
            civil_date ref = anchor_;
            if (alignment_ == period_alignment::calendar) {
                ref = period_.unit == period_unit::day ? unix_epoch : first_monday;
            }
            const std::int64_t k = floor_div(days_between(ref, d), step);
            return add_days(ref, k * step);
        }
        case period_unit::month:
        case period_unit::year: {
            const std::int64_t step = period_.unit == period_unit::month ? n : 12 * n;
            if (alignment_ == period_alignment::calendar) {
                return first_of_month_index(floor_div(month_index(d), step) * step);
            }
            std::int64_t k = floor_div(month_index(d) - month_index(anchor_), step);
            civil_date b = add_months(anchor_, k * step);
            if (d < b) {
                --k;
                b = add_months(anchor_, k * step);
            }
            return b;
        }
    }
    return d;
}

civil_date period_grid::boundary_after(civil_date d) const {
    const std::int64_t n = period_.count;
    switch (period_.unit) {
        case period_unit::day:
        case period_unit::week: {
            const std::int64_t step = period_.unit == period_unit::day ? n : 7 * n;
            return add_days(boundary_at_or_before(d), step);
        }
        case period_unit::month:
        case period_unit::year: {
            const std::int64_t step = period_.unit == period_unit::month ? n : 12 * n;
            if (alignment_ == period_alignment::calendar) {
                return first_of_month_index((floor_div(month_index(d), step) + 1) * step);
            }
            std::int64_t k = floor_div(month_index(d) - month_index(anchor_), step);
            if (d < add_months(anchor_, k * step)) {
                return add_months(anchor_, k * step);
            }
            return add_months(anchor_, (k + 1) * step);
        }
    }
    return d;
}

date_range period_grid::period_containing(civil_date d) const {
    return {boundary_at_or_before(d), add_days(boundary_after(d), -1)};
}

date_range next_period(const period_grid& grid, civil_date from, std::optional<civil_date> last_day) {
    civil_date last = add_days(grid.boundary_after(from), -1);
    if (last_day && *last_day < last) {
        last = *last_day;
    }
    return {from, last};
}

}  // namespace fakturad
