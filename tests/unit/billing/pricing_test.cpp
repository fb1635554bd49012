// Pricing models at their tier boundaries, with zero and negative quantities, and proration/rounding edges.
// Every expected figure was computed by hand; the derivation is the last column of each row.

#include "fakturad/billing/pricing.hpp"

#include "billing_test_support.hpp"
#include "fakturad/billing/proration.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace fakturad::billing {
namespace {

using test::dec;
using test::str;

// (0,10] at 1.00, (10,50] at 0.80, (50, open) at 0.50
std::vector<price_tier> three_tiers() {
    return {
        {dec("10"), dec("1.00"), dec("0")},
        {dec("50"), dec("0.80"), dec("0")},
        {std::nullopt, dec("0.50"), dec("0")}};
}

pricing tiered_pricing(pricing_model model, std::vector<price_tier> tiers) {
    pricing p;
    p.model = model;
    currency_prices c;
    c.tiers = std::move(tiers);
    p.prices.push_back(c);
    return p;
}

struct price_case {
    const char* name;
    pricing price;
    const char* quantity;
    std::optional<const char*> tier_quantity;
    const char* amount;  // exact, before rounding
    const char* why;
};

decimal evaluate(const pricing& p, const char* q, std::optional<const char*> tier_q) {
    EXPECT_EQ(check_pricing(p), std::nullopt);
    price_input in;
    in.quantity = dec(q);
    if (tier_q) {
        in.tier_quantity = dec(*tier_q);
    }
    auto r = evaluate_price(p, p.prices.front(), in);
    EXPECT_TRUE(r.has_value());
    return r ? r->amount : decimal{};
}

TEST(PricingScenarios, EveryModelAtItsBoundaries) {
    const auto graduated = tiered_pricing(pricing_model::tiered, three_tiers());
    const auto volume = tiered_pricing(pricing_model::volume, three_tiers());
    const auto graduated_fees = tiered_pricing(
        pricing_model::tiered, {{dec("10"), dec("0"), dec("20.00")}, {std::nullopt, dec("1.50"), dec("5.00")}}
    );
    const auto volume_fees = tiered_pricing(
        pricing_model::volume, {{dec("10"), dec("1.00"), dec("10.00")}, {std::nullopt, dec("0.50"), dec("0")}}
    );
    const auto stairs = tiered_pricing(
        pricing_model::stairstep,
        {{dec("10"), dec("0"), dec("100.00")},
         {dec("50"), dec("0"), dec("400.00")},
         {std::nullopt, dec("0"), dec("700.00")}}
    );
    pricing package = test::per_unit("5.00");
    package.model = pricing_model::package;
    package.package_size = dec("100");
    const auto unit = test::per_unit("19.99");
    const auto fee = test::flat("49.00");

    const std::vector<price_case> cases{
        // graduated (tiered)
        {"tiered 0", graduated, "0", {}, "0", "no units, no tier"},
        {"tiered 1", graduated, "1", {}, "1.00", "1 x 1.00"},
        {"tiered 10", graduated, "10", {}, "10.00", "10 x 1.00: up_to is inclusive"},
        {"tiered 11", graduated, "11", {}, "10.80", "10 x 1.00 + 1 x 0.80"},
        {"tiered 50", graduated, "50", {}, "42.00", "10 x 1.00 + 40 x 0.80 = 10 + 32"},
        {"tiered 51", graduated, "51", {}, "42.50", "42.00 + 1 x 0.50"},
        {"tiered 60", graduated, "60", {}, "47.00", "10 + 32 + 10 x 0.50"},
        {"tiered 10.5", graduated, "10.5", {}, "10.40", "10 x 1.00 + 0.5 x 0.80"},
        {"tiered -11", graduated, "-11", {}, "-10.80", "negative quantity mirrors +11"},
        {"tiered fees 5", graduated_fees, "5", {}, "20.00", "tier 1: 5 x 0 + flat 20"},
        {"tiered fees 10", graduated_fees, "10", {}, "20.00", "tier 1 only, flat 20 once"},
        {"tiered fees 11", graduated_fees, "11", {}, "26.50", "20 + (1 x 1.50 + flat 5)"},
        // volume
        {"volume 0", volume, "0", {}, "0", "no units"},
        {"volume 10", volume, "10", {}, "10.00", "tier 1: 10 x 1.00"},
        {"volume 11", volume, "11", {}, "8.80", "tier 2 for all: 11 x 0.80"},
        {"volume 50", volume, "50", {}, "40.00", "50 x 0.80"},
        {"volume 51", volume, "51", {}, "25.50", "tier 3 for all: 51 x 0.50"},
        {"volume selector 60", volume, "5", "60", "2.50", "tier chosen by 60 (tier 3), 5 x 0.50"},
        {"volume selector 5", volume, "60", "5", "60.00", "tier chosen by 5 (tier 1), 60 x 1.00"},
        {"volume selector 10", volume, "3", "10", "3.00", "selector on the bound stays in tier 1"},
        {"volume selector 10.01", volume, "3", "10.01", "2.40", "just above the bound: tier 2, 3 x 0.80"},
        {"volume fees 10", volume_fees, "10", {}, "20.00", "10 x 1.00 + flat 10"},
        {"volume fees 11", volume_fees, "11", {}, "5.50", "11 x 0.50, no flat in tier 2"},
        {"volume -51", volume, "-51", {}, "-25.50", "mirror of 51"},
        // stair-step
        {"stairs 0", stairs, "0", {}, "0", "nothing used"},
        {"stairs 1", stairs, "1", {}, "100.00", "first bracket"},
        {"stairs 10", stairs, "10", {}, "100.00", "bound inclusive"},
        {"stairs 11", stairs, "11", {}, "400.00", "second bracket"},
        {"stairs 50", stairs, "50", {}, "400.00", "bound inclusive"},
        {"stairs 51", stairs, "51", {}, "700.00", "open bracket"},
        // package
        {"package 0", package, "0", {}, "0", "no package started"},
        {"package 1", package, "1", {}, "5.00", "one started package"},
        {"package 100", package, "100", {}, "5.00", "exactly one package"},
        {"package 101", package, "101", {}, "10.00", "ceil(101/100) = 2 x 5.00"},
        {"package 250", package, "250", {}, "15.00", "ceil(2.5) = 3 x 5.00"},
        {"package -101", package, "-101", {}, "-10.00", "mirror of 101"},
        // per unit and flat
        {"per unit 3", unit, "3", {}, "59.97", "3 x 19.99"},
        {"per unit 0", unit, "0", {}, "0", "0 x 19.99 (scale 2)"},
        {"per unit -2", unit, "-2", {}, "-39.98", "-2 x 19.99: a credit"},
        {"per unit 2.3333", unit, "2.3333", {}, "46.642667", "exact; the line rounds it once to 46.64"},
        {"flat ignores quantity", fee, "7", {}, "49.00", "flat fee: quantity printed as 1"},
    };
    for (const auto& c : cases) {
        const decimal amount = evaluate(c.price, c.quantity, c.tier_quantity);
        EXPECT_EQ(amount, dec(c.amount)) << c.name << ": " << c.why << " (got " << str(amount) << ")";
    }
}

struct commission_case {
    const char* volume;
    std::int64_t transactions;
    const char* amount;
    bool raised;
    bool capped;
    const char* why;
};

TEST(PricingScenarios, PercentageCommissionWithPeriodMinMax) {
    pricing p;
    p.model = pricing_model::percentage;
    p.percent = dec("2.5");
    currency_prices c;
    c.per_transaction_fee = dec("0.10");
    c.minimum = dec("50.00");
    c.maximum = dec("500.00");
    p.prices.push_back(c);
    ASSERT_EQ(check_pricing(p), std::nullopt);
    const std::vector<commission_case> cases{
        {"12345.67", 12, "309.84175", false, false, "12345.67 x 2.5 % = 308.64175, + 12 x 0.10"},
        {"1000.00", 0, "50.00", true, false, "25.00 below the minimum 50.00"},
        {"2000.00", 0, "50.00", false, false, "exactly the minimum: not raised"},
        {"30000.00", 0, "500.00", false, true, "750.00 capped at 500.00"},
        {"0", 0, "50.00", true, false, "no sales: the period minimum still applies"},
        {"19996.00", 0, "499.90", false, false, "499.90 just below the maximum"},
    };
    for (const auto& k : cases) {
        price_input in;
        in.transaction_volume = dec(k.volume);
        in.transaction_count = k.transactions;
        auto r = evaluate_price(p, p.prices.front(), in);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->amount, dec(k.amount)) << k.why << " got " << str(r->amount);
        EXPECT_EQ(r->raised_to_min, k.raised) << k.why;
        EXPECT_EQ(r->capped, k.capped) << k.why;
        EXPECT_EQ(r->quantity, dec("1"));
    }
}

TEST(PricingScenarios, MaximumCapsEveryModel) {
    pricing p = test::per_unit("10.00");
    p.prices.front().maximum = dec("100.00");
    price_input in;
    in.quantity = dec("12");  // 12 x 10.00 = 120.00 > 100.00
    auto r = evaluate_price(p, p.prices.front(), in);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->amount, dec("100.00"));
    EXPECT_TRUE(r->capped);
}

TEST(PricingScenarios, RejectsMalformedPricing) {
    auto open_middle = tiered_pricing(
        pricing_model::tiered, {{std::nullopt, dec("1"), dec("0")}, {dec("5"), dec("1"), dec("0")}}
    );
    EXPECT_EQ(check_pricing(open_middle), "only the last tier may be open (without up_to) (EUR)");
    auto closed_last = tiered_pricing(pricing_model::volume, {{dec("10"), dec("1"), dec("0")}});
    EXPECT_EQ(
        check_pricing(closed_last),
        "the last tier must be open (without up_to), so that every quantity has a price (EUR)"
    );
    auto decreasing = tiered_pricing(
        pricing_model::tiered,
        {{dec("10"), dec("1"), dec("0")}, {dec("10"), dec("1"), dec("0")}, {std::nullopt, dec("1"), dec("0")}}
    );
    EXPECT_EQ(check_pricing(decreasing), "tiers must have increasing up_to bounds above 0 (EUR)");
    auto negative = test::per_unit("-1.00");
    EXPECT_EQ(check_pricing(negative), "prices must not be negative (a credit is a negative quantity) (EUR)");
    pricing package = test::per_unit("1.00");
    package.model = pricing_model::package;
    package.package_size = dec("0");
    EXPECT_EQ(check_pricing(package), "package_size must be above 0");
}

struct proration_case {
    const char* amount;
    std::int64_t days;
    std::int64_t period_days;
    const char* currency;
    const char* expected;
    const char* why;
};

TEST(ProrationScenarios, ActualDaysRoundedOnce) {
    const std::vector<proration_case> cases{
        {"100.00", 12, 31, "EUR", "38.71", "100 x 12/31 = 38.7096.. -> 38.71"},
        {"100.00", 12, 30, "EUR", "40.00", "100 x 12/30 = 40 exactly"},
        {"100.00", 31, 31, "EUR", "100.00", "a full period is not prorated"},
        {"29.99", 1, 31, "EUR", "0.97", "29.99 / 31 = 0.96741.. -> 0.97"},
        {"1200.00", 60, 366, "EUR", "196.72", "leap year 2028: Jan 1..Feb 29 = 60 of 366 days"},
        {"1200.00", 59, 365, "EUR", "193.97", "2026: Jan 1..Feb 28 = 59 of 365 days, 193.9726.."},
        {"0.05", 1, 2, "EUR", "0.03", "0.025: x.xx5 rounds half up"},
        {"10.01", 1, 2, "EUR", "5.01", "5.005: half up"},
        {"-100.00", 12, 31, "EUR", "-38.71", "credits round away from zero like charges"},
        {"1000", 12, 31, "JPY", "387", "JPY has 0 places: 387.09.. -> 387"},
        {"10.000", 12, 31, "BHD", "3.871", "BHD has 3 places: 3.87096.. -> 3.871"},
        {"46.642667", 30, 30, "EUR", "46.64", "2.3333 x 19.99 exact, rounded only here"},
        {"31.00", 16, 31, "EUR", "16.00", "a minimum of 31.00 for 16 of 31 days"},
        {"0.009", 1, 1, "EUR", "0.01", "below a cent rounds up from 0.005"},
    };
    for (const auto& c : cases) {
        auto r = prorate(dec(c.amount), c.days, c.period_days, currency(c.currency));
        ASSERT_TRUE(r.has_value()) << c.why;
        EXPECT_TRUE(identical(*r, dec(c.expected))) << c.why << " got " << str(*r);
    }
}

}  // namespace
}  // namespace fakturad::billing
