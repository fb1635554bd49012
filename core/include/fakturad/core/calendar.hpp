#pragma once
// calendar: civil dates, date arithmetic and billing periods. Billing works on civil dates only
// (std::chrono::year_month_day): no time zone, no instant, no clock. A Salesforce Date field, a service
// period or a due date never passes through a zone, so daylight saving time cannot move a boundary
// (the Kill Bill bugs #445, #1934 and #1856 came from round trips through instants).
//
// Month arithmetic keeps the anchor day (the "anniversary day")
//   add_months(anchor, n) is anchor's year/month plus n months, with the anchor's day clamped to the last
//   day of the target month. The day is always taken from the anchor, never from an earlier result:
//     2026-01-31 + 1 month = 2026-02-28, + 2 months = 2026-03-31 (not 03-28), + 13 months = 2027-02-28
//     2028-01-31 + 1 month = 2028-02-29 (leap year)
//     2024-02-29 + 1 year  = 2025-02-28, + 4 years = 2028-02-29
//   So a period sequence is always computed as anchor + k * period, which cannot drift (Kill Bill #127:
//   31 -> 28 -> 28 ... or a lost month when each step started from the previous, clamped result).
//
// Billing periods and grids
//   A billing_period is N days, weeks, months or years (ISO 8601 "P14D", "P2W", "P1M", "P3M", "P1Y").
//   A period_grid is the set B of boundary dates (first days of periods) of one period and alignment:
//     anniversary: B = { advance(anchor, period, k) : k any integer } — the anchor's day of the month
//                  recurs (clamped in short months), e.g. anchor 2026-01-31, P1M: ..., 01-31, 02-28,
//                  03-31, 04-30, ...
//     calendar:    B = the calendar's own boundaries of that length:
//                  P<N>D: every N-th day counted from 1970-01-01;
//                  P<N>W: every N-th Monday counted from Monday 1970-01-05 (ISO weeks start on Monday);
//                  P<N>M: the first day of every month m with (12 * year + month - 1) divisible by N
//                         (P1M: every 1st; P3M: Jan/Apr/Jul/Oct 1; P6M: Jan/Jul 1; P12M: Jan 1);
//                  P<N>Y: January 1 of every year divisible by N.
//   The boundaries are strictly increasing in k (proved per unit in calendar.cpp), so the periods
//     period k = [b_k, b_(k+1) - 1 day]
//   partition the whole calendar: every day lies in exactly one period, consecutive periods never overlap
//   and never leave a gap. period_containing(d) is the period of that partition that contains d.
//   An item that starts on a day s that is not a boundary gets a first period [s, boundary_after(s) - 1]
//   (a stub, prorated against the full period containing s); an item that ends on e gets a last period
//   [boundary_at_or_before(e) or its start, e]. next_period() walks that sequence; tests check the
//   partition property over thousands of random anchors, periods and start days.
//
// Errors: parse functions return parse_result (units.hpp) with a message that names the text and what was
// expected. Arithmetic is defined for years 1..9999; results outside throw std::out_of_range (dates that
// far out are a bug, not input, because input dates are parsed and checked first).
//
// Everything here is pure, allocation-free except functions returning std::string, and thread-safe.

#include "fakturad/core/units.hpp"

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad {

using civil_date = std::chrono::year_month_day;

// ---- dates ----------------------------------------------------------------------------------------------

// "YYYY-MM-DD" exactly (ISO 8601 calendar date, extended format, 4-digit year 0001..9999). Rejected:
// other separators, missing leading zeros, blanks, times, "2026-02-29" (with "February 2026 has 28 days").
[[nodiscard]] parse_result<civil_date> parse_iso_date(std::string_view text);

// "YYYY-MM-DD". Precondition: d.ok() and year 1..9999.
[[nodiscard]] std::string format_iso_date(civil_date d);

// Writes the 10 characters of format_iso_date to out[0..9] without allocating; returns out + 10.
char* format_iso_date(char* out, civil_date d) noexcept;

// Last day of a month: 28, 29, 30 or 31.
[[nodiscard]] unsigned days_in_month(std::chrono::year y, std::chrono::month m) noexcept;

// to - from in days (negative when to is earlier): days_between(2026-01-01, 2026-01-31) == 30.
[[nodiscard]] std::int64_t days_between(civil_date from, civil_date to) noexcept;

[[nodiscard]] civil_date add_days(civil_date d, std::int64_t n);
[[nodiscard]] civil_date add_weeks(civil_date d, std::int64_t n);
// The anchor's year/month plus n months (n may be negative); the anchor's day clamped to the month end.
[[nodiscard]] civil_date add_months(civil_date anchor, std::int64_t n);
// add_months(anchor, 12 * n): 2024-02-29 + 1 year = 2025-02-28.
[[nodiscard]] civil_date add_years(civil_date anchor, std::int64_t n);

// Monday = 0 ... Sunday = 6.
[[nodiscard]] unsigned iso_weekday_index(civil_date d) noexcept;

// ---- inclusive date ranges -----------------------------------------------------------------------------

// [first, last], both days included: a service period as printed on an invoice ("2026-03-01 – 2026-03-31").
struct date_range {
    civil_date first;
    civil_date last;

    // Number of days, counting both ends: [2026-03-01, 2026-03-31] has 31. Precondition: first <= last.
    [[nodiscard]] std::int64_t days() const noexcept { return days_between(first, last) + 1; }
    [[nodiscard]] bool contains(civil_date d) const noexcept { return first <= d && d <= last; }
    [[nodiscard]] bool overlaps(const date_range& o) const noexcept {
        return first <= o.last && o.first <= last;
    }
    friend bool operator==(const date_range&, const date_range&) = default;
};

// The intersection, or nullopt when the ranges do not overlap.
[[nodiscard]] std::optional<date_range> intersect(const date_range& a, const date_range& b) noexcept;

// "2026-03-01..2026-03-31".
[[nodiscard]] std::string to_string(const date_range& r);

// ---- billing periods -----------------------------------------------------------------------------------

enum class period_unit : std::uint8_t { day, week, month, year };

struct billing_period {
    std::int32_t count = 1;  // N >= 1
    period_unit unit = period_unit::month;
    friend bool operator==(const billing_period&, const billing_period&) = default;
};

// ISO 8601 duration with a single component: "P<N>D", "P<N>W", "P<N>M", "P<N>Y", N in 1..1000
// ("P1M", "P3M", "P1Y", "P14D"); the store keeps periods in this form. Combined forms ("P1Y2M"), "PT1H",
// zero and lower case are rejected.
[[nodiscard]] parse_result<billing_period> parse_billing_period(std::string_view text);
[[nodiscard]] std::string to_string(billing_period p);

// anchor + k * period, every step taken from the anchor (months and years clamp the anchor's day).
[[nodiscard]] civil_date advance(civil_date anchor, billing_period p, std::int64_t k);

enum class period_alignment : std::uint8_t { anniversary, calendar };

[[nodiscard]] std::string_view to_string(period_alignment a) noexcept;
[[nodiscard]] std::optional<period_alignment> parse_period_alignment(std::string_view text) noexcept;

// The boundaries of one period length and alignment (see the header comment). Cheap to copy; every
// query is O(1).
class period_grid {
public:
    // anchor: for anniversary alignment the date whose day recurs (usually the plan's start);
    // ignored for calendar alignment. Precondition: p.count >= 1.
    period_grid(civil_date anchor, billing_period p, period_alignment a) noexcept
        : anchor_(anchor), period_(p), alignment_(a) {}

    // The greatest boundary <= d.
    [[nodiscard]] civil_date boundary_at_or_before(civil_date d) const;
    // The smallest boundary > d.
    [[nodiscard]] civil_date boundary_after(civil_date d) const;
    // [boundary_at_or_before(d), boundary_after(d) - 1]: the full period that contains d.
    [[nodiscard]] date_range period_containing(civil_date d) const;
    [[nodiscard]] bool is_boundary(civil_date d) const { return boundary_at_or_before(d) == d; }

    [[nodiscard]] civil_date anchor() const noexcept { return anchor_; }
    [[nodiscard]] billing_period period() const noexcept { return period_; }
    [[nodiscard]] period_alignment alignment() const noexcept { return alignment_; }

private:
    civil_date anchor_;
    billing_period period_;
    period_alignment alignment_;
};

// The period of a sequence that starts on `from`: [from, min(boundary_after(from) - 1, last_day)].
// Walking next_period(grid, previous.last + 1, end) from an item's start yields its periods without
// overlap or gap; the first is a stub when the start is not a boundary, the last when end is not the day
// before one. Precondition: from <= last_day when last_day is given.
[[nodiscard]] date_range next_period(
    const period_grid& grid, civil_date from, std::optional<civil_date> last_day
);

}  // namespace fakturad
