// core/calendar: civil dates, anchored month arithmetic, period grids. Expected values are written by hand;
// the derivation is beside each row.

#include "fakturad/core/calendar.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <variant>
#include <vector>

namespace fakturad {
namespace {

civil_date d(std::string_view text) {
    auto r = parse_iso_date(text);
    if (auto* err = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << *err;
        return {};
    }
    return std::get<civil_date>(r);
}

billing_period p(std::string_view text) {
    auto r = parse_billing_period(text);
    if (auto* err = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << *err;
        return {};
    }
    return std::get<billing_period>(r);
}

TEST(Calendar, ParsesAndFormatsIsoDates) {
    EXPECT_EQ(format_iso_date(d("2026-03-31")), "2026-03-31");
    EXPECT_EQ(format_iso_date(d("0001-01-01")), "0001-01-01");
    EXPECT_EQ(format_iso_date(d("2028-02-29")), "2028-02-29");
}

struct bad_date {
    const char* text;
    const char* message;
};

TEST(Calendar, RejectsBadDatesWithClearMessages) {
    const std::vector<bad_date> cases{
        {"2026-02-29", "invalid date '2026-02-29': February 2026 has 28 days"},
        {"2100-02-29", "invalid date '2100-02-29': February 2100 has 28 days"},  // 2100: not a leap year
        {"2026-04-31", "invalid date '2026-04-31': April 2026 has 30 days"},
        {"2026-13-01", "invalid date '2026-13-01': the month must be 01..12"},
        {"2026-00-10", "invalid date '2026-00-10': the month must be 01..12"},
        {"0000-01-01", "invalid date '0000-01-01': the year must be 0001..9999"},
        {"2026-1-01", "invalid date '2026-1-01': expected YYYY-MM-DD (e.g. 2026-03-31)"},
        {"2026/01/01", "invalid date '2026/01/01': expected YYYY-MM-DD (e.g. 2026-03-31)"},
        {"2026-01-01T00:00", "invalid date '2026-01-01T00:00': expected YYYY-MM-DD (e.g. 2026-03-31)"},
        {" 2026-01-01", "invalid date ' 2026-01-01': expected YYYY-MM-DD (e.g. 2026-03-31)"},
        {"", "invalid date '': expected YYYY-MM-DD (e.g. 2026-03-31)"},
    };
    for (const auto& c : cases) {
        auto r = parse_iso_date(c.text);
        ASSERT_TRUE(std::holds_alternative<std::string>(r)) << c.text;
        EXPECT_EQ(std::get<std::string>(r), c.message);
    }
}

struct month_case {
    const char* anchor;
    std::int64_t months;
    const char* expected;
    const char* why;
};

TEST(Calendar, AddMonthsKeepsTheAnchorDay) {
    const std::vector<month_case> cases{
        {"2026-01-31", 1, "2026-02-28", "Feb 2026 has 28 days: 31 clamped"},
        {"2026-01-31", 2, "2026-03-31", "day taken from the anchor, not from Feb 28"},
        {"2026-01-31", 3, "2026-04-30", "April has 30 days"},
        {"2028-01-31", 1, "2028-02-29", "2028 is a leap year"},
        {"2026-01-31", 13, "2027-02-28", "12 + 1 months"},
        {"2026-03-31", -1, "2026-02-28", "backwards clamps the same way"},
        {"2026-01-15", -13, "2024-12-15", "crosses two year boundaries backwards"},
        {"2026-01-30", 1, "2026-02-28", "30 clamped to 28"},
        {"2026-01-28", 1, "2026-02-28", "no clamping needed"},
        {"2025-12-31", 2, "2026-02-28", "year rollover and clamp"},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(format_iso_date(add_months(d(c.anchor), c.months)), c.expected) << c.why;
    }
    EXPECT_EQ(format_iso_date(add_years(d("2024-02-29"), 1)), "2025-02-28");
    EXPECT_EQ(format_iso_date(add_years(d("2024-02-29"), 4)), "2028-02-29");
    EXPECT_EQ(format_iso_date(add_days(d("2028-02-28"), 1)), "2028-02-29");
    EXPECT_EQ(format_iso_date(add_days(d("2026-02-28"), 1)), "2026-03-01");
    EXPECT_EQ(format_iso_date(add_weeks(d("2026-12-28"), 1)), "2027-01-04");
}

TEST(Calendar, DaysBetween) {
    EXPECT_EQ(days_between(d("2026-01-01"), d("2026-01-31")), 30);
    EXPECT_EQ(days_between(d("2026-01-01"), d("2027-01-01")), 365);
    EXPECT_EQ(days_between(d("2028-01-01"), d("2029-01-01")), 366);  // 2028 leap year
    EXPECT_EQ(days_between(d("2026-03-01"), d("2026-02-01")), -28);
    EXPECT_EQ((date_range{d("2026-02-01"), d("2026-02-28")}.days()), 28);
    EXPECT_EQ((date_range{d("2028-02-01"), d("2028-02-29")}.days()), 29);
}

TEST(Calendar, ParsesBillingPeriods) {
    EXPECT_EQ(p("P1M"), (billing_period{1, period_unit::month}));
    EXPECT_EQ(p("P3M"), (billing_period{3, period_unit::month}));
    EXPECT_EQ(p("P14D"), (billing_period{14, period_unit::day}));
    EXPECT_EQ(p("P2W"), (billing_period{2, period_unit::week}));
    EXPECT_EQ(p("P1Y"), (billing_period{1, period_unit::year}));
    EXPECT_EQ(to_string(p("P12M")), "P12M");
    for (const char* bad : {"P0M", "1M", "P1", "PM", "P1Y2M", "PT1H", "p1m", "P01M", "P1001D", "P-1M"}) {
        EXPECT_TRUE(std::holds_alternative<std::string>(parse_billing_period(bad))) << bad;
    }
}

struct grid_case {
    const char* anchor;
    const char* period;
    period_alignment alignment;
    const char* day;
    const char* first;
    const char* last;
    const char* why;
};

TEST(Calendar, PeriodContaining) {
    constexpr auto ann = period_alignment::anniversary;
    constexpr auto cal = period_alignment::calendar;
    const std::vector<grid_case> cases{
        {"2026-01-31", "P1M", ann, "2026-02-15", "2026-01-31", "2026-02-27", "next: Feb 28 (clamped)"},
        {"2026-01-31", "P1M", ann, "2026-02-28", "2026-02-28", "2026-03-30", "Feb 28 boundary, next 31"},
        {"2026-01-31", "P1M", ann, "2026-03-31", "2026-03-31", "2026-04-29", "anchor day restored in March"},
        {"2026-01-15", "P1M", ann, "2026-01-14", "2025-12-15", "2026-01-14", "day before the anchor"},
        {"2026-01-20", "P1M", cal, "2026-01-20", "2026-01-01", "2026-01-31", "calendar month"},
        {"2026-01-20", "P3M", cal, "2026-05-05", "2026-04-01", "2026-06-30", "calendar quarter Q2"},
        {"2026-01-20", "P1Y", cal, "2028-02-29", "2028-01-01", "2028-12-31", "calendar year"},
        {"2024-02-29", "P1Y", ann, "2025-03-01", "2025-02-28", "2026-02-27", "leap anchor: Feb 28 in 2025"},
        {"2024-02-29", "P1Y", ann, "2028-02-29", "2028-02-29", "2029-02-27", "back on Feb 29 in 2028"},
        {"2026-01-01", "P14D", ann, "2026-01-20", "2026-01-15", "2026-01-28", "Jan 1 + 14 = Jan 15"},
        {"2026-01-07", "P1W", cal, "2026-01-07", "2026-01-05", "2026-01-11", "ISO week Mon-Sun"},
        {"2026-01-07", "P1W", ann, "2026-01-07", "2026-01-07", "2026-01-13", "anniversary week from Wed"},
        {"2026-01-01", "P1D", cal, "2026-03-03", "2026-03-03", "2026-03-03", "a day is its own period"},
    };
    for (const auto& c : cases) {
        const period_grid grid(d(c.anchor), p(c.period), c.alignment);
        const date_range r = grid.period_containing(d(c.day));
        EXPECT_EQ(to_string(r), std::string(c.first) + ".." + c.last) << c.why;
    }
}

TEST(Calendar, NextPeriodStubsAtStartAndEnd) {
    const period_grid grid(d("2026-01-01"), p("P1M"), period_alignment::calendar);
    // Item from Jan 20 to Mar 10: stub Jan 20-31 (12 days), full February, stub Mar 1-10.
    std::vector<std::string> got;
    civil_date from = d("2026-01-20");
    const civil_date end = d("2026-03-10");
    while (from <= end) {
        const date_range r = next_period(grid, from, end);
        got.push_back(to_string(r));
        from = add_days(r.last, 1);
    }
    EXPECT_EQ(
        got,
        (std::vector<std::string>{
            "2026-01-20..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-10"})
    );
}

// Kill Bill #127: BCD 31 went 31 -> 28 and then never produced another invoice. Twenty-four anniversary
// periods from Jan 31 must come out with the anchor day wherever the month has it.
TEST(Calendar, MonthEndAnchorNeverStops) {
    const period_grid grid(d("2026-01-31"), p("P1M"), period_alignment::anniversary);
    civil_date from = d("2026-01-31");
    for (int i = 0; i < 24; ++i) {
        const date_range r = next_period(grid, from, std::nullopt);
        EXPECT_EQ(r.first, add_months(d("2026-01-31"), i));
        from = add_days(r.last, 1);
    }
    EXPECT_EQ(format_iso_date(from), "2028-01-31");
}

// Property: for random anchors, periods and alignments, walking next_period from a random start yields
// periods that never overlap, never leave a gap, each is non-empty, lies within one full period of the
// grid, and every boundary the walk crosses is what a brute-force day-by-day search finds.
TEST(CalendarProperty, PeriodsPartitionTheCalendar) {
    std::mt19937_64 rng(20260301);
    const std::vector<std::string> periods{
        "P1D", "P3D", "P14D", "P1W", "P2W", "P1M", "P2M", "P3M", "P6M", "P12M", "P1Y", "P2Y", "P5M"};
    std::uniform_int_distribution<int> day_offset(0, 3000);
    std::uniform_int_distribution<std::size_t> pick(0, periods.size() - 1);
    const civil_date base = d("2020-01-01");
    for (int round = 0; round < 600; ++round) {
        const civil_date anchor = add_days(base, day_offset(rng));
        const civil_date start = add_days(base, day_offset(rng));
        const auto alignment = (round % 2 == 0) ? period_alignment::anniversary : period_alignment::calendar;
        const period_grid grid(anchor, p(periods[pick(rng)]), alignment);
        const civil_date end = add_days(start, 400 + day_offset(rng) / 3);
        civil_date from = start;
        civil_date previous_last = add_days(start, -1);
        int steps = 0;
        while (from <= end) {
            const date_range r = next_period(grid, from, end);
            ASSERT_EQ(r.first, add_days(previous_last, 1)) << "gap or overlap at step " << steps;
            ASSERT_LE(r.first, r.last);
            const date_range full = grid.period_containing(r.first);
            ASSERT_TRUE(full.contains(r.first) && full.contains(r.last));
            ASSERT_EQ(grid.period_containing(full.last), full);
            ASSERT_EQ(grid.boundary_after(full.last), add_days(full.last, 1));
            previous_last = r.last;
            from = add_days(r.last, 1);
            ++steps;
        }
        ASSERT_EQ(previous_last, end);
    }
}

// Brute force: boundary_at_or_before and is_boundary agree with the enumerated boundary set.
TEST(CalendarProperty, BoundariesMatchEnumeration) {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> offset(0, 1500);
    for (const char* period : {"P1M", "P2M", "P3M", "P1Y", "P10D", "P1W"}) {
        for (int round = 0; round < 40; ++round) {
            const civil_date anchor = add_days(d("2023-01-01"), offset(rng));
            const period_grid grid(anchor, p(period), period_alignment::anniversary);
            std::vector<civil_date> boundaries;
            for (int k = -200; k <= 200; ++k) {
                boundaries.push_back(advance(anchor, p(period), k));
            }
            for (std::size_t i = 1; i < boundaries.size(); ++i) {
                ASSERT_LT(boundaries[i - 1], boundaries[i]);
            }
            const civil_date probe = add_days(d("2023-01-01"), offset(rng));
            ASSERT_TRUE(boundaries.front() <= probe && probe < boundaries.back());
            civil_date expected{};
            for (const auto& b : boundaries) {
                if (b <= probe) {
                    expected = b;
                }
            }
            ASSERT_EQ(format_iso_date(grid.boundary_at_or_before(probe)), format_iso_date(expected))
                << period << " " << format_iso_date(anchor);
            ASSERT_EQ(grid.is_boundary(probe), expected == probe);
        }
    }
}

}  // namespace
}  // namespace fakturad
