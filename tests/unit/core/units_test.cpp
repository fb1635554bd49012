#include "fakturad/core/units.hpp"

#include <gtest/gtest.h>

namespace fakturad {
namespace {

using std::chrono::milliseconds;

struct duration_case {
    const char* text;
    long long ms;
};

TEST(ParseDuration, AcceptsEveryUnitAndCompounds) {
    const duration_case cases[] = {
        {"250ms", 250},
        {"30s", 30'000},
        {"5m", 300'000},
        {"2h", 7'200'000},
        {"1d", 86'400'000},
        {"1h30m", 5'400'000},
        {"1m30s500ms", 90'500},
        {"0s", 0},
        {" 10s ", 10'000},
    };
    for (const auto& c : cases) {
        auto r = parse_duration(c.text);
        ASSERT_TRUE(std::holds_alternative<milliseconds>(r)) << c.text << ": " << std::get<std::string>(r);
        EXPECT_EQ(std::get<milliseconds>(r).count(), c.ms) << c.text;
    }
}

TEST(ParseDuration, RejectsMissingUnitsAndGarbage) {
    for (const char* text : {"30", "", "s", "10 s", "-5s", "1.5s", "10sec", "5mm", "99999999999999999999d"}) {
        auto r = parse_duration(text);
        EXPECT_TRUE(std::holds_alternative<std::string>(r)) << text;
    }
    EXPECT_EQ(
        std::get<std::string>(parse_duration("30")),
        "expected a duration with a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m; got '30'"
    );
}

TEST(FormatDuration, IsShortestExactSpelling) {
    EXPECT_EQ(format_duration(milliseconds(90'000)), "1m30s");
    EXPECT_EQ(format_duration(milliseconds(0)), "0s");
    EXPECT_EQ(format_duration(milliseconds(86'400'250)), "1d250ms");
    for (long long ms : {1LL, 999LL, 1000LL, 3'600'000LL, 93'784'005LL}) {
        auto round_trip = parse_duration(format_duration(milliseconds(ms)));
        EXPECT_EQ(std::get<milliseconds>(round_trip).count(), ms);
    }
}

TEST(ParseSize, BinaryAndDecimalUnits) {
    EXPECT_EQ(std::get<std::uint64_t>(parse_size("10MiB")), 10ULL * 1024 * 1024);
    EXPECT_EQ(std::get<std::uint64_t>(parse_size("512KiB")), 512ULL * 1024);
    EXPECT_EQ(std::get<std::uint64_t>(parse_size("1GB")), 1'000'000'000ULL);
    EXPECT_EQ(std::get<std::uint64_t>(parse_size("100B")), 100ULL);
    EXPECT_EQ(std::get<std::uint64_t>(parse_size("2kB")), 2000ULL);
    for (const char* text : {"10", "10mb", "MiB", "1.5MiB", "10 MiB x", "99999999999999999999GiB"}) {
        EXPECT_TRUE(std::holds_alternative<std::string>(parse_size(text))) << text;
    }
    EXPECT_EQ(format_size(10ULL * 1024 * 1024), "10MiB");
    EXPECT_EQ(format_size(1000), "1000B");
}

TEST(ParsePercent, BasisPoints) {
    EXPECT_EQ(std::get<std::uint32_t>(parse_percent_basis_points("50%")), 5000U);
    EXPECT_EQ(std::get<std::uint32_t>(parse_percent_basis_points("12.5%")), 1250U);
    EXPECT_EQ(std::get<std::uint32_t>(parse_percent_basis_points("0.05%")), 5U);
    EXPECT_EQ(std::get<std::uint32_t>(parse_percent_basis_points("100%")), 10000U);
    for (const char* text : {"50", "101%", "100.01%", "1.234%", "%", "-1%", "1.%"}) {
        EXPECT_TRUE(std::holds_alternative<std::string>(parse_percent_basis_points(text))) << text;
    }
    EXPECT_EQ(format_percent_basis_points(1250), "12.5%");
    EXPECT_EQ(format_percent_basis_points(5), "0.05%");
    EXPECT_EQ(format_percent_basis_points(5000), "50%");
}

}  // namespace
}  // namespace fakturad
