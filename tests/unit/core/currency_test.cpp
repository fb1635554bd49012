#include "fakturad/core/currency.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

namespace fakturad {
namespace {

struct currency_case {
    const char* code;
    std::uint16_t numeric;
    int minor_units;
};

TEST(Currency, LooksUpIsoCodesWithMinorUnits) {
    const currency_case cases[] = {
        {"EUR", 978, 2}, {"USD", 840, 2}, {"GBP", 826, 2}, {"CHF", 756, 2}, {"JPY", 392, 0}, {"KRW", 410, 0},
        {"ISK", 352, 0}, {"CLP", 152, 0}, {"VND", 704, 0}, {"XOF", 952, 0}, {"BHD", 48, 3},  {"KWD", 414, 3},
        {"JOD", 400, 3}, {"OMR", 512, 3}, {"TND", 788, 3}, {"IQD", 368, 3}, {"LYD", 434, 3}, {"CLF", 990, 4},
        {"UYW", 927, 4}, {"HUF", 348, 2}, {"PLN", 985, 2}, {"CZK", 203, 2}, {"XCG", 532, 2}, {"ZWG", 924, 2},
    };
    for (const auto& c : cases) {
        auto r = lookup_currency(c.code);
        ASSERT_TRUE(r.has_value()) << c.code;
        EXPECT_EQ(r->code(), c.code);
        EXPECT_EQ(r->numeric(), c.numeric) << c.code;
        EXPECT_EQ(r->minor_units(), c.minor_units) << c.code;
        EXPECT_FALSE(r->info().withdrawn) << c.code;
        auto by_number = lookup_currency(c.numeric);
        ASSERT_TRUE(by_number.has_value()) << c.numeric;
        EXPECT_EQ(*by_number, *r) << c.numeric;
    }
    EXPECT_EQ(lookup_currency("EUR")->info().name, "Euro");
}

TEST(Currency, RejectsUnknownCodes) {
    // Lower case, too long, empty, metals without minor units, withdrawn long ago, made up.
    for (const char* code : {"eur", "EURO", "", "EU", "XAU", "XDR", "DEM", "HRK", "XYZ", "EUR "}) {
        auto r = lookup_currency(code);
        ASSERT_FALSE(r.has_value()) << code;
        EXPECT_EQ(r.error(), money_errc::unknown_currency) << code;
    }
    EXPECT_EQ(lookup_currency(std::uint16_t{999}).error(), money_errc::unknown_currency);
    EXPECT_EQ(lookup_currency(std::uint16_t{0}).error(), money_errc::unknown_currency);
    EXPECT_THROW(currency("XYZ"), money_error);
    EXPECT_EQ(currency("EUR").minor_units(), 2);
}

TEST(Currency, KeepsRecentlyWithdrawnCodesForCorrections) {
    // Bulgaria moved to the euro on 2026-01-01; a credit note for a 2025 invoice is still in BGN.
    auto bgn = lookup_currency("BGN");
    ASSERT_TRUE(bgn.has_value());
    EXPECT_TRUE(bgn->info().withdrawn);
    EXPECT_EQ(bgn->minor_units(), 2);
    // ANG and its successor XCG share 532; the number finds the active one.
    EXPECT_TRUE(lookup_currency("ANG")->info().withdrawn);
    EXPECT_EQ(lookup_currency(std::uint16_t{532})->code(), "XCG");
}

TEST(Currency, TableIsSortedUniqueAndWellFormed) {
    const auto table = all_currencies();
    EXPECT_GE(table.size(), 160U);
    std::set<std::uint16_t> active_numbers;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& c = table[i];
        ASSERT_EQ(c.code.size(), 3U) << c.code;
        for (const char ch : c.code) {
            EXPECT_TRUE(ch >= 'A' && ch <= 'Z') << c.code;
        }
        if (i > 0) {
            EXPECT_LT(table[i - 1].code, c.code) << "lookup_currency needs the table sorted by code";
        }
        EXPECT_LE(c.minor_units, 4) << c.code;
        EXPECT_GT(c.numeric, 0) << c.code;
        EXPECT_LT(c.numeric, 1000) << c.code;
        EXPECT_FALSE(c.name.empty()) << c.code;
        if (!c.withdrawn) {
            EXPECT_TRUE(active_numbers.insert(c.numeric).second) << "numeric code twice: " << c.numeric;
        }
        // Every entry is reachable by its code.
        EXPECT_EQ(lookup_currency(c.code)->code(), c.code);
    }
}

}  // namespace
}  // namespace fakturad
