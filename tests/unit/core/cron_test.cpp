#include "fakturad/core/cron.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <variant>

namespace fakturad {
namespace {

using namespace std::chrono;

local_seconds at(int y, unsigned m, unsigned d, int hh, int mm) {
    return local_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm};
}

cron_schedule parsed(std::string_view text) {
    auto r = cron_schedule::parse(text);
    if (const auto* problem = std::get_if<std::string>(&r)) {
        ADD_FAILURE() << text << ": " << *problem;
    }
    return std::get<cron_schedule>(std::move(r));
}

std::string problem_of(std::string_view text) {
    auto r = cron_schedule::parse(text);
    const auto* problem = std::get_if<std::string>(&r);
    return problem == nullptr ? "<parsed>" : *problem;
}

TEST(CronSchedule, MonthlyOnTheFirstAtTwo) {
    const auto s = parsed("0 2 1 * *");
    EXPECT_EQ(s.next_after(at(2026, 11, 27, 10, 0)), at(2026, 12, 1, 2, 0));
    // Exactly at a firing minute: the next one, a month later.
    EXPECT_EQ(s.next_after(at(2026, 12, 1, 2, 0)), at(2027, 1, 1, 2, 0));
    EXPECT_EQ(s.next_after(at(2026, 12, 1, 1, 59)), at(2026, 12, 1, 2, 0));
}

TEST(CronSchedule, StepsRangesListsAndNames) {
    const auto s = parsed("*/15 8-10 * JAN,jul MON-FRI");
    EXPECT_TRUE(s.matches(at(2026, 7, 1, 8, 45)));   // a Wednesday
    EXPECT_FALSE(s.matches(at(2026, 7, 4, 8, 45)));  // a Saturday
    EXPECT_FALSE(s.matches(at(2026, 7, 1, 8, 50)));
    EXPECT_FALSE(s.matches(at(2026, 8, 3, 9, 0)));
    EXPECT_EQ(s.next_after(at(2026, 7, 31, 10, 45)), at(2027, 1, 1, 8, 0));  // Jan 1 2027 is a Friday
}

TEST(CronSchedule, DayOfMonthOrDayOfWeekWhenBothRestricted) {
    const auto s = parsed("0 0 13 * 5");  // the 13th, or any Friday
    EXPECT_TRUE(s.matches(at(2026, 11, 13, 0, 0)));
    EXPECT_TRUE(s.matches(at(2026, 11, 27, 0, 0)));  // Friday
    EXPECT_FALSE(s.matches(at(2026, 11, 26, 0, 0)));
    const auto sunday = parsed("0 0 * * 7");
    EXPECT_TRUE(sunday.matches(at(2026, 11, 29, 0, 0)));
}

TEST(CronSchedule, LeapDayAndImpossibleDates) {
    EXPECT_EQ(parsed("30 6 29 2 *").next_after(at(2026, 3, 1, 0, 0)), at(2028, 2, 29, 6, 30));
    EXPECT_EQ(parsed("0 0 30 2 *").next_after(at(2026, 1, 1, 0, 0)), std::nullopt);
}

TEST(CronSchedule, ProblemsNameTheField) {
    EXPECT_EQ(
        problem_of("0 2 1 *"), "expected five fields (minute hour day-of-month month day-of-week), got 4"
    );
    EXPECT_EQ(problem_of("0 24 1 * *"), "field hour: '24' is out of range 0-23");
    EXPECT_EQ(problem_of("0 2 0 * *"), "field day of month: '0' is out of range 1-31");
    EXPECT_EQ(problem_of("x 2 1 * *"), "field minute: 'x' is not a number or name");
    EXPECT_EQ(problem_of("*/0 2 1 * *"), "field minute: step '0' is not a positive number");
    EXPECT_EQ(problem_of("0 2 1 FOO *"), "field month: 'FOO' is not a number or name");
    EXPECT_EQ(problem_of("0 5-2 1 * *"), "field hour: '5-2' is out of range 0-23");
}

}  // namespace
}  // namespace fakturad
