// The embedded rate tables load, cover every member state and province, and answer by date.

#include "fakturad/billing/tax/rate_tables.hpp"

#include "fakturad/billing/tax/geography.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fakturad::billing::tax {
namespace {

constexpr std::chrono::year_month_day d(int y, unsigned m, unsigned day) {
    return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{day}};
}

TEST(EuVatRateTable, CoversAll27MemberStatesOnTheDataDate) {
    const std::set<std::string> members{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
                                        "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
                                        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
    ASSERT_EQ(members.size(), 27U);
    for (const auto& country : members) {
        EXPECT_TRUE(is_eu_member(country)) << country;
        const auto r = eu_rates_on(country, d(2025, 8, 1));
        ASSERT_TRUE(r.has_value()) << country << ": " << r.error().message;
        // Art. 97 MwStSystRL: standard rate at least 15 %; Art. 99: reduced rates at least 5 %.
        EXPECT_GE((*r)->standard, decimal{15}) << country;
        for (const auto& reduced : (*r)->reduced) {
            EXPECT_GE(reduced, decimal{5}) << country;
            EXPECT_LT(reduced, (*r)->standard) << country;
        }
    }
    EXPECT_EQ(eu_vat_rates_as_of(), "2025-08-01");
}

TEST(EuVatRateTable, StandardRatesOnTheDataDate) {
    // Commission table "VAT rates applied in the Member States" as of the data date.
    const std::pair<const char*, const char*> expected[] = {
        {"AT", "20"}, {"BE", "21"}, {"BG", "20"},   {"CY", "19"}, {"CZ", "21"}, {"DE", "19"}, {"DK", "25"},
        {"EE", "24"}, {"ES", "21"}, {"FI", "25.5"}, {"FR", "20"}, {"GR", "24"}, {"HR", "25"}, {"HU", "27"},
        {"IE", "23"}, {"IT", "22"}, {"LT", "21"},   {"LU", "17"}, {"LV", "21"}, {"MT", "18"}, {"NL", "21"},
        {"PL", "23"}, {"PT", "23"}, {"RO", "21"},   {"SE", "25"}, {"SI", "22"}, {"SK", "23"},
    };
    for (const auto& [country, rate] : expected) {
        const auto r = eu_rates_on(country, d(2025, 8, 1));
        ASSERT_TRUE(r.has_value()) << country;
        EXPECT_EQ((*r)->standard, parse_decimal_or_throw(rate)) << country;
    }
}

TEST(EuVatRateTable, GreeceIsGrAndNotEl) {
    EXPECT_TRUE(eu_rates_on("GR", d(2025, 3, 1)).has_value());
    const auto el = eu_rates_on("EL", d(2025, 3, 1));
    ASSERT_FALSE(el.has_value());
    EXPECT_EQ(el.error().code, make_error_code(tax_errc::unknown_country));
    EXPECT_EQ(vat_id_country("EL123456789"), "GR");
    EXPECT_EQ(vat_id_country("GR123456789"), std::nullopt);
    EXPECT_EQ(vat_id_country("GB123456789"), std::nullopt);
    EXPECT_EQ(vat_id_country("NL123456789B01"), "NL");
}

TEST(EuVatRateTable, NonMemberIsNotEu) {
    EXPECT_FALSE(is_eu_member("CH"));
    EXPECT_FALSE(is_eu_member("GB"));
    EXPECT_TRUE(is_iso_country("CH"));
    EXPECT_FALSE(is_iso_country("EL"));
    EXPECT_FALSE(in_eu_vat_territory("ES", "CN"));
    EXPECT_TRUE(in_eu_vat_territory("ES", "MD"));
}

TEST(CaSalesTaxRateTable, CoversAllProvincesAndTerritories) {
    for (const char* p : {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}) {
        EXPECT_TRUE(is_canadian_province(p)) << p;
        const auto r = ca_rates_on(p, d(2025, 8, 1));
        ASSERT_TRUE(r.has_value()) << p << ": " << r.error().message;
        EXPECT_NE((*r)->hst.has_value(), (*r)->gst.has_value()) << p;
    }
    EXPECT_EQ(ca_sales_tax_rates_as_of(), "2025-08-01");
}

TEST(Dates, ParseAndFormat) {
    EXPECT_EQ(parse_date("2024-02-29"), d(2024, 2, 29));
    EXPECT_EQ(parse_date("2025-02-29"), std::nullopt);
    EXPECT_EQ(parse_date("2025-1-01"), std::nullopt);
    EXPECT_EQ(parse_date("+025-01-01"), std::nullopt);
    EXPECT_EQ(format_date(d(2020, 7, 1)), "2020-07-01");
}

}  // namespace
}  // namespace fakturad::billing::tax
