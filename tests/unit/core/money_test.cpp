#include "fakturad/core/money.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fakturad {
namespace {

const currency eur("EUR");
const currency usd("USD");
const currency gbp("GBP");
const currency jpy("JPY");
const currency bhd("BHD");
const currency chf("CHF");
const currency clf("CLF");

money m(const char* amount, currency cur) { return {parse_decimal_or_throw(amount), cur}; }

TEST(Money, ArithmeticRefusesMixedCurrencies) {
    EXPECT_EQ(*add(m("1.50", eur), m("2.25", eur)), m("3.75", eur));
    EXPECT_EQ(*subtract(m("1.50", eur), m("2.25", eur)), m("-0.75", eur));
    EXPECT_EQ(add(m("1.00", eur), m("1.00", usd)).error(), money_errc::currency_mismatch);
    EXPECT_EQ(subtract(m("1.00", eur), m("1.00", usd)).error(), money_errc::currency_mismatch);
    EXPECT_EQ(compare(m("1.00", eur), m("2", jpy)).error(), money_errc::currency_mismatch);
    EXPECT_THROW((void)(m("1.00", eur) + m("1.00", usd)), money_error);
    EXPECT_NE(m("1.00", eur), m("1.00", usd));  // equality is not an error: different currencies differ
    EXPECT_EQ(m("1.50", eur), m("1.5", eur));
    EXPECT_EQ(*compare(m("1.50", eur), m("1.51", eur)), std::weak_ordering::less);
    EXPECT_EQ(-m("2.00", eur), m("-2.00", eur));
    EXPECT_EQ(add(m("92233720368547758.07", eur), m("0.01", eur)).error(), money_errc::overflow);
}

TEST(Money, ZeroHasTheMinorUnitsAsScale) {
    EXPECT_EQ(to_string(money::zero(eur).amount()), "0.00");
    EXPECT_EQ(to_string(money::zero(jpy).amount()), "0");
    EXPECT_EQ(to_string(money::zero(bhd).amount()), "0.000");
    EXPECT_TRUE(money::zero(clf).is_zero());
    EXPECT_FALSE(money::zero(clf).is_negative());
}

struct round_case {
    const char* amount;
    const char* code;
    const char* expected;
};

TEST(Money, RoundsToTheCurrencysMinorUnits) {
    const round_case cases[] = {
        {"12.345", "EUR", "12.35"},    // tie at the third place, half_up
        {"-12.345", "EUR", "-12.35"},  // credit: away from zero
        {"12.344", "EUR", "12.34"},
        {"12.3", "EUR", "12.30"},   // widened, exact
        {"1234.5", "JPY", "1235"},  // yen has no minor unit
        {"1234.49", "JPY", "1234"},
        {"12.3", "BHD", "12.300"},  // fils: three places
        {"12.3455", "BHD", "12.346"},
        {"1.23456", "CLF", "1.2346"},  // four places
        {"0.004", "EUR", "0.00"},
        {"-0.005", "EUR", "-0.01"},
        {"199.995", "HUF", "200.00"},  // ISO keeps 2 places for the forint
    };
    for (const auto& c : cases) {
        auto r = round_to_minor_units(m(c.amount, currency(c.code)));
        ASSERT_TRUE(r.has_value()) << c.amount;
        EXPECT_EQ(to_string(r->amount()), c.expected) << c.amount << " " << c.code;
        EXPECT_EQ(r->currency(), currency(c.code));
        EXPECT_TRUE(r->is_in_minor_units());
    }
    EXPECT_EQ(to_string(round_to_minor_units(m("2.675", eur), rounding_mode::down)->amount()), "2.67");
    EXPECT_FALSE(m("0.125", eur).is_in_minor_units());
    EXPECT_TRUE(m("0.1200", eur).is_in_minor_units());  // trailing zeros are not significant
    // A mantissa near the limit cannot take two more places.
    EXPECT_EQ(round_to_minor_units(m("9223372036854775807", eur)).error(), money_errc::overflow);
}

TEST(Money, MultipliesByAFactorWithExplicitRounding) {
    // 100.00 x 17/30 days: factor 0.566667 (scale 6) -> 56.6667 -> 56.67
    EXPECT_EQ(
        *multiply(m("100.00", eur), parse_decimal_or_throw("0.566667"), 2, rounding_mode::half_up),
        m("56.67", eur)
    );
}

struct format_case {
    const char* amount;
    const char* code;
    const char* german;
    const char* english;
    const char* plain;
};

TEST(Money, FormatsForDocumentsAndMachines) {
    const format_case cases[] = {
        {"1234.56", "EUR", "1.234,56 \u20ac", "\u20ac1,234.56", "1234.56"},
        {"-1234.56", "EUR", "-1.234,56 \u20ac", "-\u20ac1,234.56", "-1234.56"},
        {"0", "EUR", "0,00 \u20ac", "\u20ac0.00", "0.00"},  // minor units are always shown
        {"1234567.5", "EUR", "1.234.567,50 \u20ac", "\u20ac1,234,567.50", "1234567.50"},
        {"999", "EUR", "999,00 \u20ac", "\u20ac999.00", "999.00"},
        {"1000", "EUR", "1.000,00 \u20ac", "\u20ac1,000.00", "1000.00"},
        {"0.1234", "EUR", "0,1234 \u20ac", "\u20ac0.1234", "0.1234"},  // a unit price: never rounded away
        {"1.5000", "EUR", "1,50 \u20ac", "\u20ac1.50", "1.50"},        // insignificant zeros dropped
        {"1234", "JPY", "1.234 \u00a5", "\u00a51,234", "1234"},
        {"1234.567", "BHD", "1.234,567 BHD", "BHD 1,234.567", "1234.567"},
        {"-0.5", "BHD", "-0,500 BHD", "-BHD 0.500", "-0.500"},  // the sign leads, as in CLDR
        {"12.5", "GBP", "12,50 \u00a3", "\u00a312.50", "12.50"},
        {"100", "USD", "100,00 $", "$100.00", "100.00"},
        {"100", "CHF", "100,00 CHF", "CHF 100.00", "100.00"},
        {"-0.00", "EUR", "0,00 \u20ac", "\u20ac0.00", "0.00"},  // no negative zero
        {"9223372036854775.807",
         "KWD",
         "9.223.372.036.854.775,807 KWD",
         "KWD 9,223,372,036,854,775.807",
         "9223372036854775.807"},
    };
    for (const auto& c : cases) {
        const money value = m(c.amount, currency(c.code));
        EXPECT_EQ(format_money(value, money_style::german), c.german) << c.amount;
        EXPECT_EQ(format_money(value, money_style::english), c.english) << c.amount;
        EXPECT_EQ(format_money(value, money_style::plain), c.plain) << c.amount;
    }
}

}  // namespace
}  // namespace fakturad
