#include "fakturad/core/decimal.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fakturad {
namespace {

decimal d(std::string_view text) { return parse_decimal_or_throw(text); }

constexpr std::int64_t max_m = decimal::max_mantissa;  // 9223372036854775807

// ---- parsing and formatting ---------------------------------------------------------------------------

struct parse_case {
    const char* text;
    std::int64_t mantissa;
    int scale;
    const char* formatted;  // to_string: exact, with the parsed scale
};

TEST(DecimalParse, ReadsPlainNotationExactly) {
    const parse_case cases[] = {
        {"0", 0, 0, "0"},
        {"123.4500", 1234500, 4, "123.4500"},  // the scale is the number of digits written
        {"-0.5", -5, 1, "-0.5"},
        {"+7.25", 725, 2, "7.25"},
        {"007.50", 750, 2, "7.50"},  // leading zeros carry no value
        {"-0", 0, 0, "0"},           // no negative zero
        {"-0.00", 0, 2, "0.00"},
        {"0.000000000000000001", 1, 18, "0.000000000000000001"},  // 10^-18, the smallest step
        {"9223372036854775807", max_m, 0, "9223372036854775807"},
        {"-9223372036854775807", -max_m, 0, "-9223372036854775807"},
        {"922337203.6854775807", max_m, 10, "922337203.6854775807"},
        {"9.223372036854775807", max_m, 18, "9.223372036854775807"},
        {"0.100000000000000000", 100000000000000000, 18, "0.100000000000000000"},
        {"19.99", 1999, 2, "19.99"},
    };
    for (const auto& c : cases) {
        auto r = parse_decimal(c.text);
        ASSERT_TRUE(r.has_value()) << c.text << ": " << r.error().message();
        EXPECT_EQ(r->mantissa(), c.mantissa) << c.text;
        EXPECT_EQ(r->scale(), c.scale) << c.text;
        EXPECT_EQ(to_string(*r), c.formatted) << c.text;
        // Round trip: what we print parses back to the identical representation.
        EXPECT_TRUE(identical(d(to_string(*r)), *r)) << c.text;
    }
}

TEST(DecimalParse, RejectsEverythingButPlainNotation) {
    for (const char* text : {"",      "-",   "+",   ".5",    "5.",       "-.5",      "1e3",  "1E3",
                             "1.0E7", " 1",  "1 ",  "1,5",   "1.234,56", "1_000",    "0x10", "NaN",
                             "inf",   "--1", "+-1", "1.2.3", "12a",      "\xD9\xA1", "1\n",  "\t2"}) {
        auto r = parse_decimal(text);
        ASSERT_FALSE(r.has_value()) << text;
        EXPECT_EQ(r.error(), money_errc::invalid_number) << text;
    }
}

TEST(DecimalParse, ReportsRangeAndScaleErrors) {
    // 2^63 and INT64_MIN do not fit the symmetric mantissa range.
    EXPECT_EQ(parse_decimal("9223372036854775808").error(), money_errc::overflow);
    EXPECT_EQ(parse_decimal("-9223372036854775808").error(), money_errc::overflow);
    EXPECT_EQ(parse_decimal("92233720368547758.08").error(), money_errc::overflow);
    EXPECT_EQ(parse_decimal("99999999999999999999999").error(), money_errc::overflow);
    // 19 fraction digits: one more than the largest scale.
    EXPECT_EQ(parse_decimal("0.1234567890123456789").error(), money_errc::scale_out_of_range);
    // Syntax is judged first: a long malformed number is invalid, not too large.
    EXPECT_EQ(parse_decimal("99999999999999999999999x").error(), money_errc::invalid_number);
}

TEST(DecimalParse, MessagesNameTheText) {
    EXPECT_EQ(
        parse_error_message("1e3", money_errc::invalid_number),
        "invalid decimal '1e3': expected plain decimal notation (optional sign, digits, optional '.' and "
        "digits; no exponent, blanks or grouping)"
    );
    EXPECT_EQ(
        parse_error_message("0.1234567890123456789", money_errc::scale_out_of_range),
        "decimal '0.1234567890123456789' has more than 18 decimal places"
    );
    // Untrusted text is sanitised and cut short.
    const std::string long_text(60, '7');
    const std::string shown = parse_error_message(long_text + "x", money_errc::invalid_number);
    EXPECT_NE(shown.find("'" + std::string(40, '7') + "...'"), std::string::npos) << shown;
    EXPECT_NE(parse_error_message("1\n'2", money_errc::invalid_number).find("'1??2'"), std::string::npos);
    try {
        (void)parse_decimal_or_throw("12,50");
        FAIL() << "no exception";
    } catch (const money_error& e) {
        EXPECT_EQ(e.code(), money_errc::invalid_number);
        EXPECT_NE(std::string(e.what()).find("'12,50'"), std::string::npos) << e.what();
    }
}

TEST(DecimalFormat, CanonicalAndFixedPlaces) {
    EXPECT_EQ(to_canonical_string(d("123.4500")), "123.45");
    EXPECT_EQ(to_canonical_string(d("5.000")), "5");
    EXPECT_EQ(to_canonical_string(d("0.00")), "0");
    EXPECT_EQ(to_canonical_string(d("-0.50")), "-0.5");
    EXPECT_EQ(to_canonical_string(d("100")), "100");  // integer zeros are significant
    EXPECT_EQ(to_canonical_string(d("1.50")), to_canonical_string(d("1.5")));

    EXPECT_EQ(to_fixed_string(d("1.5"), 2), "1.50");
    EXPECT_EQ(to_fixed_string(d("7"), 3), "7.000");
    EXPECT_EQ(to_fixed_string(d("7.125"), 0), "7");
    EXPECT_EQ(to_fixed_string(d("1.005"), 2), "1.01");                            // half_up by default
    EXPECT_EQ(to_fixed_string(d("1.005"), 2, rounding_mode::half_even), "1.00");  // tie to even 0
    EXPECT_EQ(to_fixed_string(d("-0.001"), 2), "0.00");                           // no "-0.00"
    // Padding is textual, so it works past the point where the mantissa would overflow.
    EXPECT_EQ(to_fixed_string(d("9223372036854775807"), 2), "9223372036854775807.00");
    EXPECT_THROW((void)to_fixed_string(d("1"), 19), money_error);
    EXPECT_THROW((void)to_fixed_string(d("1"), -1), money_error);
}

TEST(DecimalFormat, ToCharsDoesNotOverrunTheBuffer) {
    std::array<char, decimal::max_chars> buffer{};
    // The longest texts: 19 digits with a point and a sign, or "-0." and 18 digits.
    for (const decimal v : {decimal(-max_m, 1), decimal(-1, 18), decimal(-max_m, 18), decimal(-max_m, 0)}) {
        auto r = to_chars(buffer.data(), buffer.data() + buffer.size(), v);
        ASSERT_EQ(r.ec, std::errc{});
        EXPECT_EQ(std::string(buffer.data(), r.ptr), to_string(v));
    }
    std::array<char, 4> small{};
    auto r = to_chars(small.data(), small.data() + small.size(), d("-12.34"));  // needs 6 chars
    EXPECT_EQ(r.ec, std::errc::value_too_large);
}

// ---- rounding modes -----------------------------------------------------------------------------------

constexpr std::array all_modes = {
    rounding_mode::half_up,
    rounding_mode::half_even,
    rounding_mode::down,
    rounding_mode::up,
    rounding_mode::floor,
    rounding_mode::ceiling,
};

struct rounding_case {
    const char* value;
    int places;
    // Expected results in the order of all_modes: half_up, half_even, down, up, floor, ceiling.
    std::array<const char*, 6> expected;
};

void check_rounding(const rounding_case& c) {
    for (std::size_t i = 0; i < all_modes.size(); ++i) {
        auto r = rescale(d(c.value), c.places, all_modes[i]);
        ASSERT_TRUE(r.has_value()) << c.value;
        EXPECT_EQ(to_string(*r), c.expected[i]) << c.value << " with " << to_string(all_modes[i]);
        EXPECT_EQ(r->scale(), c.places);
    }
}

TEST(DecimalRounding, EveryModeAtTheHalfBoundaries) {
    const rounding_case cases[] = {
        //                     half_up half_even down  up    floor ceiling
        {"0.5", 0, {"1", "0", "0", "1", "0", "1"}},      // exact tie: even neighbour of 0.5 is 0
        {"-0.5", 0, {"-1", "0", "0", "-1", "-1", "0"}},  // ties away from zero / to even; -0 prints as 0
        {"0.49999", 0, {"0", "0", "0", "1", "0", "1"}},  // just below the tie: nearest is 0
        {"-0.49999", 0, {"0", "0", "0", "-1", "-1", "0"}},
        {"0.50001", 0, {"1", "1", "0", "1", "0", "1"}},  // just above the tie: nearest is 1
        {"-0.50001", 0, {"-1", "-1", "0", "-1", "-1", "0"}},
        {"1.5", 0, {"2", "2", "1", "2", "1", "2"}},  // tie: even neighbour of 1.5 is 2
        {"2.5", 0, {"3", "2", "2", "3", "2", "3"}},  // tie: even neighbour of 2.5 is 2
        {"-2.5", 0, {"-3", "-2", "-2", "-3", "-3", "-2"}},
        {"2.4", 0, {"2", "2", "2", "3", "2", "3"}},
        {"-2.6", 0, {"-3", "-3", "-2", "-3", "-3", "-2"}},
        {"3.000", 0, {"3", "3", "3", "3", "3", "3"}},  // exact values never move
        {"-3.000", 0, {"-3", "-3", "-3", "-3", "-3", "-3"}},
        {"0", 0, {"0", "0", "0", "0", "0", "0"}},
    };
    for (const auto& c : cases) {
        check_rounding(c);
    }
}

TEST(DecimalRounding, ThirdDecimalFiveToCents) {
    const rounding_case cases[] = {
        //                       half_up  half_even down    up      floor   ceiling
        {"1.005", 2, {"1.01", "1.00", "1.00", "1.01", "1.00", "1.01"}},  // 100.5 cents: even is 100
        {"1.015", 2, {"1.02", "1.02", "1.01", "1.02", "1.01", "1.02"}},  // 101.5 cents: even is 102
        {"2.675", 2, {"2.68", "2.68", "2.67", "2.68", "2.67", "2.68"}},  // a double says 2.67499999...
        {"-1.005", 2, {"-1.01", "-1.00", "-1.00", "-1.01", "-1.01", "-1.00"}},
        {"0.125", 2, {"0.13", "0.12", "0.12", "0.13", "0.12", "0.13"}},
        {"1.0050000", 2, {"1.01", "1.00", "1.00", "1.01", "1.00", "1.01"}},  // trailing zeros change nothing
        {"0.0049999", 2, {"0.00", "0.00", "0.00", "0.01", "0.00", "0.01"}},
        {"0.0050001", 2, {"0.01", "0.01", "0.00", "0.01", "0.00", "0.01"}},
        {"-0.0049999", 2, {"0.00", "0.00", "0.00", "-0.01", "-0.01", "0.00"}},
        {"1.5", 3, {"1.500", "1.500", "1.500", "1.500", "1.500", "1.500"}},  // widening is exact
    };
    for (const auto& c : cases) {
        check_rounding(c);
    }
}

TEST(DecimalRounding, ModeNamesRoundTrip) {
    for (const auto mode : all_modes) {
        auto parsed = parse_rounding_mode(to_string(mode));
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, mode);
    }
    EXPECT_EQ(to_string(rounding_mode::half_even), "half_even");
    EXPECT_EQ(parse_rounding_mode("HALF_UP").error(), money_errc::invalid_number);
    EXPECT_EQ(commercial_rounding, rounding_mode::half_up);
}

// ---- arithmetic ---------------------------------------------------------------------------------------

TEST(DecimalArithmetic, AddAndSubtractAcrossScales) {
    EXPECT_TRUE(identical(d("1.5") + d("2.25"), d("3.75")));  // result scale = max(1, 2) = 2
    EXPECT_TRUE(identical(d("0.1") + d("0.2"), d("0.3")));  // binary floating point gives 0.30000000000000004
    EXPECT_TRUE(identical(d("10") - d("0.01"), d("9.99")));
    EXPECT_TRUE(identical(d("-5.00") + d("5"), d("0.00")));
    EXPECT_TRUE(identical(-d("1.20"), d("-1.20")));
}

TEST(DecimalArithmetic, ComparesAcrossScales) {
    EXPECT_EQ(d("1.50"), d("1.5"));
    EXPECT_FALSE(identical(d("1.50"), d("1.5")));
    EXPECT_LT(d("1.5"), d("1.51"));
    EXPECT_LT(d("-0.5"), d("0.00"));
    EXPECT_EQ(d("0"), d("-0.000"));
    EXPECT_GT(decimal(max_m, 0), decimal(max_m, 1));     // 9.2e18 > 9.2e17
    EXPECT_LT(decimal(-max_m, 0), decimal(-max_m, 18));  // -9.2e18 < -9.2
    EXPECT_GT(d("0.000000000000000001"), d("0"));
}

struct multiply_case {
    const char* a;
    const char* b;
    int scale;
    rounding_mode mode;
    const char* expected;
};

TEST(DecimalArithmetic, QuantityTimesUnitPriceRoundsOnceToCents) {
    // quantity at scale 4 x unit price at scale 6 = product at scale 10, rounded once to scale 2.
    const multiply_case cases[] = {
        // 30000 x 690000 = 20700000000 at scale 10 = 2.0700000000
        {"3.0000", "0.690000", 2, rounding_mode::half_up, "2.07"},
        // 1.5 x 19.999999 = 29.9999985: the third decimal 9 rounds up to 30.00; truncation gives 29.99
        {"1.5000", "19.999999", 2, rounding_mode::half_up, "30.00"},
        {"1.5000", "19.999999", 2, rounding_mode::down, "29.99"},
        // 0.333 x 0.10 = 0.0333 -> 0.03
        {"0.3330", "0.100000", 2, rounding_mode::half_up, "0.03"},
        // 2.5 x 0.01 = 0.025: a tie, half_up 0.03, half_even 0.02
        {"2.5000", "0.010000", 2, rounding_mode::half_up, "0.03"},
        {"2.5000", "0.010000", 2, rounding_mode::half_even, "0.02"},
        // 123456789 x 1234567891 = 152415787625361999 at scale 10 = 15241578.7625361999 -> .76 (next digit 2)
        {"12345.6789", "1234.567891", 2, rounding_mode::half_up, "15241578.76"},
        {"12345.6789", "1234.567891", 2, rounding_mode::up, "15241578.77"},
        // credit line: -2 x 4.995 = -9.99 exactly
        {"-2.0000", "4.995000", 2, rounding_mode::half_up, "-9.99"},
        // -1 x 0.005 = -0.005: half_up goes away from zero
        {"-1.0000", "0.005000", 2, rounding_mode::half_up, "-0.01"},
        // 10^6 x 999999.999999 = 999999999999.000000: the six places shift out exactly
        {"1000000.0000", "999999.999999", 2, rounding_mode::half_up, "999999999999.00"},
        // 1 x 999999.999999 -> 1000000.00: the carry runs through every digit
        {"1.0000", "999999.999999", 2, rounding_mode::half_up, "1000000.00"},
        {"0.0000", "123.456789", 2, rounding_mode::half_up, "0.00"},
        // both mantissas near 2^63: the 126-bit product is rounded before the range check
        {"9.223372036854775807", "0.999999999999999999", 2, rounding_mode::half_up, "9.22"},
    };
    for (const auto& c : cases) {
        auto r = multiply(d(c.a), d(c.b), c.scale, c.mode);
        ASSERT_TRUE(r.has_value()) << c.a << " x " << c.b << ": " << r.error().message();
        EXPECT_EQ(to_string(*r), c.expected) << c.a << " x " << c.b;
    }
}

TEST(DecimalArithmetic, ExactMultiplyKeepsEveryDigit) {
    EXPECT_TRUE(identical(d("1.5") * d("2.25"), d("3.375")));  // 15 x 225 = 3375 at scale 1 + 2
    // scale 10 + 9 = 19, but the product 10 x 1 ends in a zero: 1 at scale 18
    EXPECT_TRUE(identical(d("0.0000000010") * d("0.000000001"), d("0.000000000000000001")));
    // 1 x 1 at scale 19 has no zero to drop: exact multiplication is impossible, round explicitly
    EXPECT_EQ(multiply(d("0.0000000001"), d("0.000000001")).error(), money_errc::scale_out_of_range);
}

struct divide_case {
    const char* a;
    const char* b;
    int scale;
    rounding_mode mode;
    const char* expected;
};

TEST(DecimalArithmetic, DivisionRoundsToTheTargetScale) {
    const divide_case cases[] = {
        {"1", "3", 2, rounding_mode::half_up, "0.33"},  // 0.333...
        {"1", "3", 2, rounding_mode::up, "0.34"},
        {"2", "3", 2, rounding_mode::half_up, "0.67"},  // 0.666...
        {"2", "3", 2, rounding_mode::down, "0.66"},
        {"-1", "3", 2, rounding_mode::floor, "-0.34"},  // -0.333... toward -infinity
        {"-1", "3", 2, rounding_mode::ceiling, "-0.33"},
        {"1", "-3", 2, rounding_mode::half_up, "-0.33"},
        {"10", "4", 0, rounding_mode::half_up, "3"},  // 2.5 tie
        {"10", "4", 0, rounding_mode::half_even, "2"},
        {"7", "7", 2, rounding_mode::half_up, "1.00"},
        {"19.99", "0.5", 2, rounding_mode::half_up, "39.98"},
        {"100.00", "12", 4, rounding_mode::half_up, "8.3333"},  // monthly share of a yearly fee
        // 1 / 10^-18 = 10^18, fits at scale 0
        {"1", "0.000000000000000001", 0, rounding_mode::half_up, "1000000000000000000"},
        // 1 / (3 x 10^-18) at scale 1: needs 10^19 x numerator, computed by long division
        {"1", "0.000000000000000003", 1, rounding_mode::half_up, "333333333333333333.3"},
        // 10^-18 / 10^18 = 10^-36: rounds to 0, or to the smallest step away from zero
        {"0.000000000000000001", "1000000000000000000", 18, rounding_mode::half_up, "0.000000000000000000"},
        {"0.000000000000000001", "1000000000000000000", 18, rounding_mode::up, "0.000000000000000001"},
    };
    for (const auto& c : cases) {
        auto r = divide(d(c.a), d(c.b), c.scale, c.mode);
        ASSERT_TRUE(r.has_value()) << c.a << " / " << c.b << ": " << r.error().message();
        EXPECT_EQ(to_string(*r), c.expected) << c.a << " / " << c.b;
    }
    EXPECT_EQ(divide(d("1"), d("0.00"), 2, rounding_mode::half_up).error(), money_errc::division_by_zero);
    EXPECT_EQ(divide(d("1"), d("3"), 19, rounding_mode::half_up).error(), money_errc::scale_out_of_range);
    // 10^19 does not fit
    EXPECT_EQ(
        divide(d("1"), d("0.000000000000000001"), 1, rounding_mode::half_up).error(), money_errc::overflow
    );
}

TEST(DecimalOverflow, DetectedAtTheInt64Edges) {
    const decimal max(max_m);
    const decimal min(-max_m);
    EXPECT_EQ(add(max, decimal(1)).error(), money_errc::overflow);
    EXPECT_TRUE(identical(*add(max, decimal(0)), max));
    EXPECT_EQ(subtract(min, decimal(1)).error(), money_errc::overflow);
    EXPECT_TRUE(identical(max.negated(), min));  // the range is symmetric
    // INT64_MIN is not a valid mantissa.
    EXPECT_EQ(decimal::from_parts(INT64_MIN, 0).error(), money_errc::overflow);
    EXPECT_THROW((void)decimal(INT64_MIN, 0), money_error);
    EXPECT_EQ(decimal::from_parts(1, 19).error(), money_errc::scale_out_of_range);
    EXPECT_EQ(decimal::from_parts(1, -1).error(), money_errc::scale_out_of_range);
    // Aligning max to scale 18 for the addition needs 9.2e36: the 128-bit intermediate holds it, the
    // result does not fit.
    EXPECT_EQ(add(max, d("0.000000000000000001")).error(), money_errc::overflow);
    // 922337203685477580 + 0.7 = 9223372036854775807 at scale 1: exactly the limit.
    EXPECT_EQ(*add(decimal(922337203685477580), d("0.7")), decimal(max_m, 1));
    EXPECT_EQ(add(decimal(922337203685477580), d("0.8")).error(), money_errc::overflow);
    // floor(sqrt(2^63 - 1)) = 3037000499: its square fits, the next one does not.
    EXPECT_EQ(*multiply(decimal(3037000499), decimal(3037000499)), decimal(9223372030926249001));
    EXPECT_EQ(multiply(decimal(3037000500), decimal(3037000500)).error(), money_errc::overflow);
    // max x 0.5 = 4611686018427387903.5 -> 4611686018427387904 (half_up), fits.
    EXPECT_EQ(*multiply(max, d("0.5"), 0, rounding_mode::half_up), decimal(4611686018427387904));
    EXPECT_EQ(multiply(max, max, 0, rounding_mode::half_up).error(), money_errc::overflow);
    EXPECT_EQ(multiply(max, d("1.5"), 0, rounding_mode::half_up).error(), money_errc::overflow);
    // Adding places multiplies the mantissa; dropping places divides it and cannot overflow.
    EXPECT_EQ(rescale(max, 1, rounding_mode::half_up).error(), money_errc::overflow);
    EXPECT_EQ(to_string(*rescale(decimal(max_m, 18), 0, rounding_mode::half_up)), "9");
    EXPECT_EQ(rescale(max, 19, rounding_mode::half_up).error(), money_errc::scale_out_of_range);
    // The throwing operators carry the same code.
    try {
        (void)(max + decimal(1));
        FAIL() << "no exception";
    } catch (const money_error& e) {
        EXPECT_EQ(e.code(), money_errc::overflow);
    }
    EXPECT_THROW((void)(min - decimal(1)), money_error);
    EXPECT_THROW((void)(max * decimal(2)), money_error);
}

TEST(DecimalBasics, ZeroSignAndTrimming) {
    const decimal zero;
    EXPECT_TRUE(zero.is_zero());
    EXPECT_EQ(zero.signum(), 0);
    EXPECT_EQ(d("-0.01").signum(), -1);
    EXPECT_EQ(d("0.01").signum(), 1);
    EXPECT_TRUE(identical(d("-2.50").abs(), d("2.50")));
    EXPECT_TRUE(identical(d("1.2300").trimmed(), d("1.23")));
    EXPECT_TRUE(identical(d("0.000").trimmed(), decimal{}));
    EXPECT_TRUE(identical(d("100").trimmed(), d("100")));
    static_assert(decimal(1999, 2).mantissa() == 1999);  // usable in constant expressions
}

}  // namespace
}  // namespace fakturad
