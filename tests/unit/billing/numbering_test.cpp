// Number patterns, resets and ranges.

#include "fakturad/billing/numbering.hpp"

#include "billing_test_support.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace fakturad::billing {
namespace {

using test::date_of;

struct format_case {
    const char* pattern;
    std::uint64_t value;
    const char* date;
    const char* expected;
};

TEST(Numbering, FormatsPatterns) {
    const std::vector<format_case> cases{
        {"RE-{YYYY}-{seq:06}", 42, "2026-03-01", "RE-2026-000042"},
        {"GS{YY}{MM}-{seq:04}", 7, "2026-03-31", "GS2603-0007"},
        {"{YYYY}{MM}{DD}-{seq}", 123, "2026-12-05", "20261205-123"},
        {"{{RE}}-{seq}", 5, "2026-01-01", "{RE}-5"},
        {"RE-{YYYY}-{seq:06}",
         1000000,
         "2026-03-01",
         "RE-2026-1000000"},  // wider than the padding: never cut
        {"INV {seq:01}", 9, "2026-01-01", "INV 9"},
    };
    for (const auto& c : cases) {
        auto p = number_pattern::parse(c.pattern);
        ASSERT_TRUE(p.has_value()) << c.pattern << ": " << p.error().message;
        EXPECT_EQ(p->format(c.value, date_of(c.date)), c.expected);
    }
}

struct bad_pattern {
    const char* pattern;
    const char* message;
};

TEST(Numbering, RejectsPatternsThatCannotBeUnique) {
    const std::vector<bad_pattern> cases{
        {"RE-{YYYY}",
         "number pattern 'RE-{YYYY}': no {seq} placeholder: every number needs the sequence value"},
        {"{seq}-{seq}", "number pattern '{seq}-{seq}': more than one {seq} placeholder"},
        {"RE-{year}-{seq}",
         "number pattern 'RE-{year}-{seq}': unknown placeholder '{year}' (known: {YYYY}, {YY}, {MM}, {DD}, "
         "{seq}, "
         "{seq:0N})"},
        {"RE-{seq", "number pattern 'RE-{seq': unclosed '{' at position 4"},
        {"RE}-{seq}", "number pattern 'RE}-{seq}': unmatched '}' at position 3 (write }} for a brace)"},
        {"RE-{seq:6}",
         "number pattern 'RE-{seq:6}': '{seq:6}': the padding is written {seq:0N} with N in 1..18"},
        {"RE-{seq:019}",
         "number pattern 'RE-{seq:019}': '{seq:019}': the padding is written {seq:0N} with N in 1..18"},
        {"R\xc3\x89-{seq}",
         "number pattern 'R\xc3\x89-{seq}': only printable ASCII characters are allowed (position 2)"},
    };
    for (const auto& c : cases) {
        auto p = number_pattern::parse(c.pattern);
        ASSERT_FALSE(p.has_value()) << c.pattern;
        EXPECT_EQ(p.error().code, billing_errc::invalid_number);
        EXPECT_EQ(p.error().message, c.message);
    }
}

struct range_case {
    const char* pattern;
    number_reset reset;
    std::optional<const char*> problem;
};

TEST(Numbering, ResetMustBeVisibleInTheNumber) {
    const std::vector<range_case> cases{
        {"RE-{YYYY}-{seq:06}", number_reset::yearly, {}},
        {"RE-{YY}-{seq:06}", number_reset::yearly, {}},
        {"RE-{seq:06}",
         number_reset::yearly,
         "a yearly reset needs {YYYY} or {YY} in the pattern, or numbers would repeat"},
        {"RE-{YYYY}-{seq}",
         number_reset::monthly,
         "a monthly reset needs a year and {MM} in the pattern, or numbers would repeat"},
        {"RE-{YYYY}{MM}-{seq}", number_reset::monthly, {}},
        {"RE-{seq:08}", number_reset::never, {}},
    };
    for (const auto& c : cases) {
        number_range_spec spec{"DE01", "invoice", c.pattern, c.reset, 1};
        auto problem = check_range(spec);
        EXPECT_EQ(problem.has_value(), c.problem.has_value()) << c.pattern;
        if (problem && c.problem) {
            EXPECT_EQ(*problem, *c.problem);
        }
    }
}

TEST(Numbering, RangesDrawForwardPerPeriodKey) {
    number_range_spec spec{"DE01", "invoice", "RE-{YYYY}-{seq:06}", number_reset::yearly, 1};
    EXPECT_EQ(period_key(number_reset::yearly, date_of("2026-03-01")), "2026");
    EXPECT_EQ(period_key(number_reset::monthly, date_of("2026-03-01")), "2026-03");
    EXPECT_EQ(period_key(number_reset::never, date_of("2026-03-01")), "");
    auto range = number_range::create(spec, "2026");
    ASSERT_TRUE(range.has_value());
    std::set<std::string> numbers;
    for (int i = 0; i < 3; ++i) {
        auto drawn = range->draw(date_of("2026-12-31"));
        ASSERT_TRUE(drawn.has_value());
        numbers.insert(drawn->number);
    }
    EXPECT_EQ(numbers, (std::set<std::string>{"RE-2026-000001", "RE-2026-000002", "RE-2026-000003"}));
    // 2027 belongs to another range (the store keeps one row per period key): refused here.
    auto wrong = range->draw(date_of("2027-01-01"));
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().message, "issue date 2027-01-01 belongs to range period '2027', not '2026'");
    auto next_year = number_range::create(spec, "2027");
    EXPECT_EQ(next_year->draw(date_of("2027-01-01"))->number, "RE-2027-000001");
    EXPECT_EQ(default_series(document_type::progress), "invoice");
    EXPECT_EQ(default_series(document_type::cancellation), "credit_note");
    EXPECT_EQ(default_series(document_type::pro_forma), "");
    number_range_spec bad = spec;
    bad.pattern = "RE-{seq}";
    EXPECT_FALSE(number_range::create(bad, "2026").has_value());
}

}  // namespace
}  // namespace fakturad::billing
