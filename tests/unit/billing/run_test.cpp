// Invoice run scenarios: due periods, catch-up, advance vs arrears, proration at start/end/change, month
// ends and leap years, usage, minimums, discounts, grouping, selection, failure isolation, currencies.
// Every figure is computed by hand; the derivation is written beside it.

#include "billing_test_support.hpp"
#include "fakturad/billing/lifecycle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fakturad::billing {
namespace {

using test::date_of;
using test::dec;
using test::str;
using strings = std::vector<std::string>;

// 5 licences at 10.00 a month, 19 % VAT, in advance, calendar months, from 2026-01-01.
billing_plan licences(std::string_view start = "2026-01-01") {
    return test::plan_with("P-1", start, {test::recurring("lic", "5", test::per_unit("10.00"))});
}

plan_state billed_through(std::string item, std::string_view date) {
    plan_state s;
    s.items.push_back(item_state{std::move(item), date_of(date), {}});
    return s;
}

// ---- due periods, catch-up, timing -----------------------------------------------------------------------

struct due_case {
    const char* name;
    billing_timing timing;
    const char* start;
    std::optional<const char*> billed_through;
    const char* cutoff;
    strings nets;
    strings periods;
    const char* why;
};

TEST(RunScenarios, DuePeriodsCatchUpAdvanceArrears) {
    const std::vector<due_case> cases{
        {"advance first day",
         billing_timing::in_advance,
         "2026-01-01",
         {},
         "2026-01-01",
         {"50.00"},
         {"2026-01-01..2026-01-31"},
         "in advance: due on its first day; 5 x 10.00"},
        {"advance day before",
         billing_timing::in_advance,
         "2026-01-01",
         {},
         "2025-12-31",
         {},
         {},
         "nothing is due before the start"},
        {"catch-up three missed",
         billing_timing::in_advance,
         "2025-01-01",
         "2025-12-31",
         "2026-03-01",
         {"50.00", "50.00", "50.00"},
         {"2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"},
         "billed through Dec 31; runs in Jan and Feb were missed: Jan, Feb and Mar are due on Mar 1"},
        {"arrears month not over",
         billing_timing::in_arrears,
         "2026-01-01",
         {},
         "2026-01-31",
         {},
         {},
         "in arrears: January is due on Feb 1 (last day < cutoff)"},
        {"arrears after month",
         billing_timing::in_arrears,
         "2026-01-01",
         {},
         "2026-02-01",
         {"50.00"},
         {"2026-01-01..2026-01-31"},
         "January billed on Feb 1"},
        {"arrears catch-up",
         billing_timing::in_arrears,
         "2026-01-01",
         {},
         "2026-04-01",
         {"50.00", "50.00", "50.00"},
         {"2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"},
         "three months over on Apr 1, April is not"},
        {"advance start stub",
         billing_timing::in_advance,
         "2026-01-20",
         {},
         "2026-01-20",
         {"19.35"},
         {"2026-01-20..2026-01-31"},
         "12/31 x 50.00 = 19.3548.. -> 19.35"},
        {"advance stub then full",
         billing_timing::in_advance,
         "2026-01-20",
         {},
         "2026-02-01",
         {"19.35", "50.00"},
         {"2026-01-20..2026-01-31", "2026-02-01..2026-02-28"},
         "stub + February"},
        {"already billed",
         billing_timing::in_advance,
         "2026-01-01",
         "2026-03-31",
         "2026-03-15",
         {},
         {},
         "March was billed: nothing new"},
    };
    for (const auto& c : cases) {
        billing_plan plan = licences(c.start);
        plan.items.front().timing = c.timing;
        plan_state state;
        if (c.billed_through) {
            state = billed_through("lic", *c.billed_through);
        }
        const auto r = test::run_one(plan, state, c.cutoff);
        ASSERT_TRUE(r.failures.empty()) << c.name;
        strings nets;
        strings periods;
        for (const auto& d : r.drafts) {
            for (const auto& l : d.lines) {
                nets.push_back(str(l.net));
                periods.push_back(l.period ? to_string(*l.period) : std::string("-"));
            }
        }
        EXPECT_EQ(nets, c.nets) << c.name << ": " << c.why;
        EXPECT_EQ(periods, c.periods) << c.name << ": " << c.why;
    }
}

TEST(RunScenarios, CatchUpIsCappedPerRunAndContinuesNextRun) {
    billing_plan plan = licences("2026-01-01");
    const auto first = test::run_one(plan, {}, "2026-03-01", {}, 2);
    EXPECT_EQ(test::nets(first), (strings{"50.00", "50.00"}));  // Jan, Feb; March waits
    EXPECT_EQ(first.summary.plans_capped, 1U);
    plan_state state;
    state.plan_id = plan.id;
    apply_to_state(first.drafts.front(), state);
    const auto second = test::run_one(plan, state, "2026-03-01", {}, 2);
    EXPECT_EQ(test::nets(second), (strings{"50.00"}));  // March
}

// ---- proration: end, month ends, leap years, own periods -----------------------------------------------

struct proration_run_case {
    const char* name;
    const char* plan_start;
    const char* period;
    period_alignment alignment;
    std::optional<const char*> item_start;
    std::optional<const char*> item_end;
    billing_timing timing;
    const char* price;
    const char* cutoff;
    strings nets;
    strings texts;
    const char* why;
};

TEST(RunScenarios, ProrationAtStartEndMonthEndsAndLeapYears) {
    constexpr auto cal = period_alignment::calendar;
    constexpr auto ann = period_alignment::anniversary;
    constexpr auto adv = billing_timing::in_advance;
    constexpr auto arr = billing_timing::in_arrears;
    const std::vector<proration_run_case> cases{
        {"end stub in arrears",
         "2026-03-01",
         "P1M",
         cal,
         {},
         "2026-03-10",
         arr,
         "10.00",
         "2026-04-01",
         {"16.13"},
         {"lic, 2026-03-01..2026-03-10, prorated 10/31 days"},
         "10/31 x 50.00 = 16.129.."},
        {"start and end in one month",
         "2026-02-01",
         "P1M",
         cal,
         "2026-02-10",
         "2026-02-19",
         adv,
         "10.00",
         "2026-02-10",
         {"17.86"},
         {"lic, 2026-02-10..2026-02-19, prorated 10/28 days"},
         "10/28 x 50 = 17.857.."},
        {"leap February",
         "2028-02-01",
         "P1M",
         cal,
         "2028-02-15",
         {},
         adv,
         "10.00",
         "2028-02-15",
         {"25.86"},
         {"lic, 2028-02-15..2028-02-29, prorated 15/29 days"},
         "15/29 x 50 = 25.862.."},
        {"leap year annual end",
         "2028-01-01",
         "P1Y",
         cal,
         {},
         "2028-02-29",
         adv,
         "240.00",
         "2028-01-01",
         {"196.72"},
         {"lic, 2028-01-01..2028-02-29, prorated 60/366 days"},
         "5 x 240 = 1200 x 60/366"},
        {"non-leap annual end",
         "2026-01-01",
         "P1Y",
         cal,
         {},
         "2026-02-28",
         adv,
         "240.00",
         "2026-01-01",
         {"193.97"},
         {"lic, 2026-01-01..2026-02-28, prorated 59/365 days"},
         "1200 x 59/365 = 193.97.."},
        {"anniversary Jan 31",
         "2026-01-31",
         "P1M",
         ann,
         {},
         {},
         adv,
         "10.00",
         "2026-03-31",
         {"50.00", "50.00", "50.00"},
         {"lic, 2026-01-31..2026-02-27", "lic, 2026-02-28..2026-03-30", "lic, 2026-03-31..2026-04-29"},
         "Kill Bill #127: 31 -> 28 -> 31, full periods, never stuck"},
        {"calendar quarter stub",
         "2026-01-01",
         "P3M",
         cal,
         "2026-02-10",
         {},
         adv,
         "10.00",
         "2026-02-10",
         {"27.78"},
         {"lic, 2026-02-10..2026-03-31, prorated 50/90 days"},
         "Q1 has 90 days; 50/90 x 50 = 27.77.."},
        {"item co-terms with plan anchor",
         "2026-01-15",
         "P1M",
         ann,
         "2026-02-01",
         {},
         adv,
         "10.00",
         "2026-02-01",
         {"22.58"},
         {"lic, 2026-02-01..2026-02-14, prorated 14/31 days"},
         "period Jan 15..Feb 14 has 31 days; 14/31 x 50 = 22.580.."},
        {"weekly ISO weeks",
         "2026-01-01",
         "P1W",
         cal,
         "2026-01-07",
         {},
         adv,
         "10.00",
         "2026-01-07",
         {"35.71"},
         {"lic, 2026-01-07..2026-01-11, prorated 5/7 days"},
         "Wed..Sun of week Mon Jan 5: 5/7 x 50"},
    };
    for (const auto& c : cases) {
        billing_plan plan =
            test::plan_with("P-1", c.plan_start, {test::recurring("lic", "5", test::per_unit(c.price))});
        plan.period = test::period_of(c.period);
        plan.alignment = c.alignment;
        plan.items.front().timing = c.timing;
        if (c.item_start) {
            plan.items.front().start = date_of(*c.item_start);
        }
        if (c.item_end) {
            plan.items.front().end = date_of(*c.item_end);
        }
        const auto r = test::run_one(plan, {}, c.cutoff);
        ASSERT_TRUE(r.failures.empty()) << c.name << ": " << r.failures.front().second.message;
        EXPECT_EQ(test::nets(r), c.nets) << c.name << ": " << c.why;
        EXPECT_EQ(test::texts(r), c.texts) << c.name;
    }
}

TEST(RunScenarios, ItemWithOwnYearlyPeriodOnMonthlyPlan) {
    billing_plan plan = licences("2026-01-01");
    plan_item support = test::recurring("support", "1", test::per_unit("365.00"));
    support.period = test::period_of("P1Y");
    support.start = date_of("2026-03-15");
    plan.items = {support};
    // Calendar year 2026 has 365 days; Mar 15..Dec 31 = 17 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 =
    // 292.
    const auto r = test::run_one(plan, {}, "2026-03-15");
    EXPECT_EQ(test::nets(r), (strings{"292.00"}));
    EXPECT_EQ(test::texts(r), (strings{"support, 2026-03-15..2026-12-31, prorated 292/365 days"}));
}

// ---- mid-period changes -------------------------------------------------------------------------------

// March billed in advance: 5 x 10.00 = 50.00 (state), billed through Mar 31.
plan_state march_billed(
    std::string_view net = "50.00", std::string_view credited = "0", std::string_view qty = "5"
) {
    plan_state s;
    item_state item{"lic", date_of("2026-03-31"), {}};
    billed_charge c;
    c.period_start = date_of("2026-03-01");
    c.period_end = date_of("2026-03-31");
    c.quantity = dec(qty);
    c.billed_net = dec(net);
    c.credited = dec(credited);
    item.charges.push_back(c);
    s.items.push_back(item);
    return s;
}

struct change_case {
    const char* name;
    std::vector<quantity_change> changes;
    std::optional<const char*> item_end;
    const char* price;
    plan_state state;
    strings nets;
    const char* why;
};

TEST(RunScenarios, MidPeriodChangesCreditUnusedAndChargeNew) {
    const std::vector<change_case> cases{
        {"upgrade 5 -> 8 on Mar 16",
         {{date_of("2026-03-16"), dec("8")}},
         {},
         "10.00",
         march_billed(),
         {"-25.81", "41.29"},
         "credit 50.00 x 16/31 = 25.806..; charge 8 x 10 x 16/31 = 41.290.."},
        {"downgrade 5 -> 2 on Mar 16",
         {{date_of("2026-03-16"), dec("2")}},
         {},
         "10.00",
         march_billed(),
         {"-25.81", "10.32"},
         "credit 25.81; charge 2 x 10 x 16/31 = 10.322.."},
        {"credit capped by creditable",
         {{date_of("2026-03-16"), dec("8")}},
         {},
         "10.00",
         march_billed("50.00", "40.00"),
         {"-10.00", "41.29"},
         "25.81 wanted, only 50.00 - 40.00 creditable (Lago #1778)"},
        {"credit reverses the billed snapshot",
         {{date_of("2026-03-16"), dec("8")}},
         {},
         "10.00",
         march_billed("45.00", "0", "5"),
         {"-23.23", "41.29"},
         "billed at 9.00: credit 45.00 x 16/31 = 23.225.. (not today's price, Lago #1776)"},
        {"early end in March",
         {},
         "2026-03-20",
         "10.00",
         march_billed(),
         {"-17.74"},
         "ends Mar 20: Mar 21..31 = 11 days, 50.00 x 11/31 = 17.741..; nothing new to charge"},
        {"change on the first day",
         {{date_of("2026-03-01"), dec("6")}},
         {},
         "10.00",
         march_billed(),
         {"-50.00", "60.00"},
         "the whole month again: credit 50.00, charge 6 x 10.00"},
        {"same quantity: nothing",
         {{date_of("2026-03-16"), dec("5")}},
         {},
         "10.00",
         march_billed(),
         {},
         "a change to the billed quantity changes nothing"},
    };
    for (const auto& c : cases) {
        billing_plan plan = licences("2026-01-01");
        plan.items.front().changes = c.changes;
        plan.items.front().end = c.item_end ? std::optional<civil_date>(date_of(*c.item_end)) : std::nullopt;
        const auto r = test::run_one(plan, c.state, "2026-03-16");
        ASSERT_TRUE(r.failures.empty()) << c.name;
        strings nets;
        for (const auto& d : r.drafts) {
            for (const auto& l : d.lines) {
                nets.push_back(str(l.net));
            }
        }
        EXPECT_EQ(nets, c.nets) << c.name << ": " << c.why;
    }
}

TEST(RunScenarios, ChangeTextsAndSecondChangeOnTheSameDay) {
    billing_plan plan = licences("2026-01-01");
    plan.items.front().changes = {{date_of("2026-03-16"), dec("8")}};
    plan_state state = march_billed();
    state.plan_id = plan.id;
    auto first = test::run_one(plan, state, "2026-03-16");
    ASSERT_EQ(first.drafts.size(), 1U);
    EXPECT_EQ(
        test::texts(first),
        (strings{
            "lic, refund for unused days, 2026-03-16..2026-03-31 (16/31 days of 50.00 EUR billed)",
            "lic, 2026-03-16..2026-03-31, prorated 16/31 days"})
    );
    const auto& billed = first.drafts.front().billed;
    ASSERT_EQ(billed.size(), 1U);
    EXPECT_EQ(billed.front().key.period_start, date_of("2026-03-16"));
    EXPECT_EQ(billed.front().key.revision, 0U);
    apply_to_state(first.drafts.front(), state);
    // The same run again: nothing new.
    EXPECT_TRUE(test::run_one(plan, state, "2026-03-16").drafts.empty());
    // The contract is corrected: 10 licences from Mar 16, not 8. The Mar 16 charge (41.29) is credited in
    // full (16/16 days) and 10 x 10 x 16/31 = 51.612.. -> 51.61 charged as revision 1 of that start.
    plan.items.front().changes = {{date_of("2026-03-16"), dec("10")}};
    auto second = test::run_one(plan, state, "2026-03-16");
    EXPECT_EQ(test::nets(second), (strings{"-41.29", "51.61"}));
    ASSERT_EQ(second.drafts.front().billed.size(), 1U);
    EXPECT_EQ(second.drafts.front().billed.front().key.revision, 1U);
}

TEST(RunScenarios, InvoiceDiscountAppliesToRefundsToo) {
    billing_plan plan = licences("2026-01-01");
    discount pct;
    pct.value = dec("10");
    plan.invoice_discounts = {pct};
    // Upgrade: -25.81 + 41.29 = 15.48; 10 % = 1.548 -> -1.55; net 13.93 = 90 % of the difference.
    plan.items.front().changes = {{date_of("2026-03-16"), dec("8")}};
    EXPECT_EQ(
        test::nets(test::run_one(plan, march_billed(), "2026-03-16")), (strings{"-25.81", "41.29", "-1.55"})
    );
    // Early end Mar 20: refund 17.74 of a month paid at 90 %: +1.77 keeps the refund at 15.97.
    plan.items.front().changes.clear();
    plan.items.front().end = date_of("2026-03-20");
    auto r = test::run_one(plan, march_billed(), "2026-03-16");
    EXPECT_EQ(test::nets(r), (strings{"-17.74", "1.77"}));
    EXPECT_EQ(r.drafts.front().lines[1].quantity, dec("1"));
    EXPECT_EQ(r.drafts.front().lines[1].unit_price, dec("1.77"));
    // Two invoice discounts do not compound: 10 % and 5 % of 50.00 -> -5.00 and -2.50.
    plan = licences("2026-01-01");
    discount five;
    five.value = dec("5");
    plan.invoice_discounts = {pct, five};
    EXPECT_EQ(test::nets(test::run_one(plan, {}, "2026-01-01")), (strings{"50.00", "-5.00", "-2.50"}));
}

TEST(RunScenarios, ChangeInArrearsSplitsThePeriod) {
    billing_plan plan = licences("2026-01-01");
    plan.items.front().timing = billing_timing::in_arrears;
    plan.items.front().changes = {{date_of("2026-03-16"), dec("8")}};
    // March: 5 x 10 x 15/31 = 24.193.. -> 24.19 and 8 x 10 x 16/31 = 41.290.. -> 41.29.
    const auto r = test::run_one(plan, billed_through("lic", "2026-02-28"), "2026-04-01");
    EXPECT_EQ(test::nets(r), (strings{"24.19", "41.29"}));
    ASSERT_EQ(r.drafts.front().billed.size(), 2U);  // keys Mar 1 and Mar 16
    EXPECT_EQ(r.drafts.front().billed[1].key.period_start, date_of("2026-03-16"));
}

// ---- usage, commission, minimum -----------------------------------------------------------------------

struct usage_case {
    usage_aggregation aggregation;
    const char* net;
    const char* why;
};

TEST(RunScenarios, UsageAggregations) {
    // Records of March: Mar 2 100 (u1), Mar 5 250 (u2), Mar 5 seq 2: 50 (u1); Apr 1 999 lies in April.
    const std::vector<usage_record> records{
        test::use("api", "2026-03-02", "100", "u1", 1),
        test::use("api", "2026-03-05", "250", "u2", 1),
        test::use("api", "2026-03-05", "50", "u1", 2),
        test::use("api", "2026-04-01", "999", "u3", 1)};
    const std::vector<usage_case> cases{
        {usage_aggregation::sum, "4.00", "100 + 250 + 50 = 400 x 0.01"},
        {usage_aggregation::count, "0.03", "3 records x 0.01"},
        {usage_aggregation::max, "2.50", "250 x 0.01"},
        {usage_aggregation::last, "0.50", "Mar 5 seq 2: 50 x 0.01"},
        {usage_aggregation::unique_count, "0.02", "u1, u2 x 0.01"},
    };
    for (const auto& c : cases) {
        billing_plan plan = test::plan_with(
            "P-1", "2026-03-01", {test::usage_item("api", c.aggregation, test::per_unit("0.01"))}
        );
        const auto r = test::run_one(plan, {}, "2026-04-01", records);
        EXPECT_EQ(test::nets(r), strings{c.net}) << to_string(c.aggregation) << ": " << c.why;
    }
}

TEST(RunScenarios, CommissionMinimumAndTrueUp) {
    pricing commission;
    commission.model = pricing_model::percentage;
    commission.percent = dec("2.5");
    currency_prices c;
    c.minimum = dec("50.00");
    commission.prices.push_back(c);
    billing_plan plan =
        test::plan_with("P-1", "2026-03-01", {test::usage_item("sales", usage_aggregation::sum, commission)});
    // Sales 400 + 600 = 1000.00: 2.5 % = 25.00, raised to the period minimum 50.00.
    auto r = test::run_one(
        plan,
        {},
        "2026-04-01",
        {test::use("sales", "2026-03-03", "400.00"), test::use("sales", "2026-03-20", "600.00")}
    );
    EXPECT_EQ(test::nets(r), strings{"50.00"});
    EXPECT_EQ(
        test::texts(r),
        strings{"sales, 2026-03-01..2026-03-31, 2.5 % of 1,000.00 EUR (2 transactions) (minimum 50.00 EUR)"}
    );

    // Per-unit usage with a 20.00 minimum: 150 x 0.10 = 15.00 + true-up 5.00.
    pricing metered = test::per_unit("0.10");
    metered.prices.front().minimum = dec("20.00");
    plan.items = {test::usage_item("api", usage_aggregation::sum, metered)};
    r = test::run_one(plan, {}, "2026-04-01", {test::use("api", "2026-03-10", "150")});
    EXPECT_EQ(test::nets(r), (strings{"15.00", "5.00"}));
    EXPECT_EQ(r.drafts.front().lines[1].kind, line_kind::minimum_true_up);

    // Started Mar 16: the minimum is prorated 16/31 x 31.00 = 16.00; 100 x 0.10 = 10.00, true-up 6.00.
    metered.prices.front().minimum = dec("31.00");
    plan.items = {test::usage_item("api", usage_aggregation::sum, metered)};
    plan.items.front().start = date_of("2026-03-16");
    r = test::run_one(plan, {}, "2026-04-01", {test::use("api", "2026-03-20", "100")});
    EXPECT_EQ(test::nets(r), (strings{"10.00", "6.00"}));
    EXPECT_EQ(
        test::texts(r)[1],
        "Minimum commitment true-up, api, 2026-03-16..2026-03-31 (minimum 16.00 EUR, prorated 16/31 days)"
    );

    // Above the minimum: no true-up.
    r = test::run_one(plan, {}, "2026-04-01", {test::use("api", "2026-03-20", "400")});
    EXPECT_EQ(test::nets(r), (strings{"40.00"}));
}

TEST(RunScenarios, VolumeTierSelectedByAnotherAggregation) {
    // Billed: sum of API calls; tier chosen by the number of distinct users (JustOn "price tier quantity").
    pricing p;
    p.model = pricing_model::volume;
    currency_prices c;
    c.tiers = {{dec("2"), dec("0.10"), dec("0")}, {std::nullopt, dec("0.05"), dec("0")}};
    p.prices.push_back(c);
    plan_item item = test::usage_item("api", usage_aggregation::sum, p);
    item.tier_aggregation = usage_aggregation::unique_count;
    billing_plan plan = test::plan_with("P-1", "2026-03-01", {item});
    // 3 users -> tier 2: (100 + 100 + 100) x 0.05 = 15.00 (with 2 users it would be 300 x 0.10 = 30.00).
    const auto r = test::run_one(
        plan,
        {},
        "2026-04-01",
        {test::use("api", "2026-03-01", "100", "a"),
         test::use("api", "2026-03-02", "100", "b"),
         test::use("api", "2026-03-03", "100", "c")}
    );
    EXPECT_EQ(test::nets(r), strings{"15.00"});
}

// ---- discounts ----------------------------------------------------------------------------------------

TEST(RunScenarios, ItemDiscountsTimeLimited) {
    billing_plan plan = licences("2026-01-01");
    discount d;
    d.kind = discount_kind::percent;
    d.value = dec("10");
    d.valid_to = date_of("2026-02-28");
    plan.items.front().discounts = {d};
    // Jan, Feb: 50.00 - 5.00; March: no discount.
    const auto r = test::run_one(plan, {}, "2026-03-01");
    EXPECT_EQ(test::nets(r), (strings{"50.00", "-5.00", "50.00", "-5.00", "50.00"}));
    EXPECT_EQ(test::texts(r)[1], "Discount 10 % on lic, 2026-01-01..2026-01-31");
    // The billed snapshot of January includes its discount: 45.00.
    EXPECT_EQ(r.drafts.front().billed.front().billed_net, dec("45.00"));

    // An amount discount of 20.00 per month on a 12/31 stub: 20 x 12/31 = 7.741.. -> 7.74.
    plan = licences("2026-01-20");
    d.kind = discount_kind::amount;
    d.value = dec("20.00");
    d.valid_to.reset();
    plan.items.front().discounts = {d};
    EXPECT_EQ(test::nets(test::run_one(plan, {}, "2026-01-20")), (strings{"19.35", "-7.74"}));
    // Never more than the line: 100.00 off a 50.00 month gives -50.00.
    d.value = dec("100.00");
    plan.items.front().discounts = {d};
    EXPECT_EQ(
        test::nets(test::run_one(plan, {}, "2026-02-01")), (strings{"19.35", "-19.35", "50.00", "-50.00"})
    );
}

TEST(RunScenarios, InvoiceDiscountsPerVatGroup) {
    billing_plan plan = test::plan_with(
        "P-1",
        "2026-01-01",
        {test::recurring("a", "10", test::per_unit("10.00"), test::vat19()),
         test::recurring("b", "5", test::per_unit("10.00"), test::vat7())}
    );
    discount pct;
    pct.value = dec("10");
    plan.invoice_discounts = {pct};
    // 100.00 @19 and 50.00 @7: 10 % per group -> -10.00 and -5.00.
    auto r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(test::nets(r), (strings{"100.00", "50.00", "-10.00", "-5.00"}));
    EXPECT_EQ(test::texts(r)[2], "Discount 10 % (VAT S 19 %)");
    // Net 135.00; VAT 90.00 x 19 % = 17.10 and 45.00 x 7 % = 3.15; gross 155.25.
    EXPECT_EQ(r.drafts.front().totals.gross, dec("155.25"));

    discount amount;
    amount.kind = discount_kind::amount;
    amount.value = dec("20.00");
    plan.invoice_discounts = {amount};
    // 20 x 100/150 = 13.333.. -> 13.33; 20 x 50/150 = 6.666.. -> 6.67; sum 20.00.
    EXPECT_EQ(
        test::nets(test::run_one(plan, {}, "2026-01-01")), (strings{"100.00", "50.00", "-13.33", "-6.67"})
    );

    // Three equal groups: 10.00 / 3 = 3.33 each = 9.99; the remaining cent goes to the (first) largest.
    plan.items.push_back(test::recurring("c", "10", test::per_unit("10.00"), {"Z", dec("0")}));
    plan.items[1] = test::recurring("b", "10", test::per_unit("10.00"), test::vat7());
    amount.value = dec("10.00");
    plan.invoice_discounts = {amount};
    EXPECT_EQ(
        test::nets(test::run_one(plan, {}, "2026-01-01")),
        (strings{"100.00", "100.00", "100.00", "-3.34", "-3.33", "-3.33"})
    );
}

// ---- one-time charges, zero and negative quantities ---------------------------------------------------

TEST(RunScenarios, OneTimeChargeBilledOnce) {
    plan_item setup = test::recurring("setup", "1", test::flat("99.00"));
    setup.type = charge_type::one_time;
    setup.start = date_of("2026-01-15");
    billing_plan plan = test::plan_with("P-1", "2026-01-01", {setup});
    EXPECT_TRUE(test::run_one(plan, {}, "2026-01-14").drafts.empty());  // not yet
    auto r = test::run_one(plan, {}, "2026-02-01");
    EXPECT_EQ(test::nets(r), strings{"99.00"});
    plan_state state;
    state.plan_id = plan.id;
    apply_to_state(r.drafts.front(), state);
    EXPECT_TRUE(test::run_one(plan, state, "2026-12-01").drafts.empty());  // once only
}

TEST(RunScenarios, ZeroAndNegativeQuantities) {
    billing_plan plan =
        test::plan_with("P-1", "2026-01-01", {test::recurring("lic", "0", test::per_unit("10.00"))});
    // Quantity 0: the period is billed (its key is taken) with 0.00.
    auto r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(test::nets(r), strings{"0.00"});
    EXPECT_EQ(r.drafts.front().totals.gross, dec("0.00"));
    // Quantity -2: a credit line of -20.00, VAT -3.80, gross -23.80.
    plan.items.front().quantity = dec("-2");
    r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(test::nets(r), strings{"-20.00"});
    EXPECT_EQ(r.drafts.front().totals.tax, dec("-3.80"));
    EXPECT_EQ(r.drafts.front().totals.gross, dec("-23.80"));
}

// ---- currencies and rounding edges --------------------------------------------------------------------

struct currency_case {
    const char* currency;
    const char* price;
    const char* vat;
    const char* net;
    const char* tax;
    const char* gross;
    const char* why;
};

TEST(RunScenarios, CurrenciesWithZeroAndThreeMinorUnits) {
    const std::vector<currency_case> cases{
        {"JPY", "1000", "10", "387", "39", "426", "1000 x 12/31 = 387.09 -> 387; 38.7 -> 39"},
        {"BHD", "10.000", "10", "3.871", "0.387", "4.258", "10 x 12/31 = 3.87096 -> 3.871; 0.3871 -> 0.387"},
        {"EUR", "10.00", "19", "3.87", "0.74", "4.61", "3.870.. -> 3.87; 0.7353 -> 0.74"},
        {"CHF", "10.00", "8.1", "3.87", "0.31", "4.18", "3.87 x 8.1 % = 0.31347 -> 0.31"},
    };
    for (const auto& c : cases) {
        billing_plan plan = test::plan_with(
            "P-1",
            "2026-01-20",
            {test::recurring("x", "1", test::per_unit(c.price, c.currency), {"S", dec(c.vat)})}
        );
        plan.cur = currency(c.currency);
        const auto r = test::run_one(plan, {}, "2026-01-20");
        ASSERT_EQ(r.drafts.size(), 1U) << c.currency;
        const auto& t = r.drafts.front().totals;
        EXPECT_TRUE(identical(t.net, dec(c.net))) << c.currency << ": " << c.why << " got " << str(t.net);
        EXPECT_TRUE(identical(t.tax, dec(c.tax))) << c.currency << ": " << c.why << " got " << str(t.tax);
        EXPECT_TRUE(identical(t.gross, dec(c.gross)))
            << c.currency << ": " << c.why << " got " << str(t.gross);
    }
}

TEST(RunScenarios, PerCategoryAndPerLineVatOnManySmallLines) {
    // 100 items of 0.01 at 19 %: per category 1.00 x 19 % = 0.19; per line each 0.0019 -> 0.00, sum 0.00.
    std::vector<plan_item> items;
    items.reserve(100);
    for (int i = 0; i < 100; ++i) {
        items.push_back(test::recurring("i" + std::to_string(i), "1", test::per_unit("0.01")));
    }
    billing_plan plan = test::plan_with("P-1", "2026-01-01", items);
    auto r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(r.drafts.front().totals.tax, dec("0.19"));
    plan.rounding = vat_rounding::per_line;
    r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(r.drafts.front().totals.tax, dec("0.00"));
    EXPECT_EQ(r.drafts.front().totals.breakdown.front().tax_per_category, dec("0.19"));
    // JustOn's example: 3 x 0.69 + 4 x 0.99 at 19 %: per line 0.39 + 0.75 = 1.14, per category 1.15.
    plan.items = {
        test::recurring("a", "3", test::per_unit("0.69")), test::recurring("b", "4", test::per_unit("0.99"))};
    r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(r.drafts.front().totals.tax, dec("1.14"));
    plan.rounding = vat_rounding::per_category;
    r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(r.drafts.front().totals.tax, dec("1.15"));
    // x.xx5: one line of 0.05 at 10 %: 0.005 -> 0.01.
    plan.items = {test::recurring("a", "1", test::per_unit("0.05"), {"S", dec("10")})};
    r = test::run_one(plan, {}, "2026-01-01");
    EXPECT_EQ(r.drafts.front().totals.tax, dec("0.01"));
}

// ---- grouping, selection, failures, renewal ------------------------------------------------------------

TEST(RunScenarios, GroupsPlansIntoDraftsByBillToCurrencyAndEntity) {
    billing_plan a = licences();
    billing_plan b = licences();
    b.id = "P-2";
    b.account.id = "A-2";
    b.bill_to = a.account;  // A-2's invoices go to A-1
    billing_plan c = licences();
    c.id = "P-3";
    c.cur = currency("USD");
    c.items.front().price = test::per_unit("12.00", "USD");
    billing_plan d = licences();
    d.id = "P-4";
    d.seller.id = "AT01";
    std::vector<billing_plan> plans{d, c, b, a};
    run_options options;
    options.cutoff = date_of("2026-01-01");
    const auto r = run_all(plans, {}, {}, options);
    ASSERT_TRUE(r.failures.empty());
    ASSERT_EQ(r.drafts.size(), 3U);
    std::vector<std::vector<std::string>> groups;
    groups.reserve(r.drafts.size());
    for (const auto& draft : r.drafts) {
        groups.push_back(draft.plan_ids);
    }
    // Sorted by (bill-to, currency, entity): A-1/EUR/AT01, A-1/EUR/DE01 (P-2 and P-1), A-1/USD/DE01.
    EXPECT_EQ(groups, (std::vector<std::vector<std::string>>{{"P-4"}, {"P-2", "P-1"}, {"P-3"}}));
    EXPECT_EQ(r.summary.drafts, 3U);
    EXPECT_EQ(r.summary.lines, 4U);
}

// A run's documents carry what the plan states for the whole document: the buyer reference (Leitweg-ID),
// order and contract references and the payment instructions; plans that differ there never share one.
TEST(RunScenarios, DraftsCarryThePlansReferencesAndPaymentAndSplitOnThem) {
    billing_plan a = licences();
    a.references.buyer_reference = "991-12335-06";
    a.references.order_reference = "Vergabe 2026/117";
    payment_means transfer;
    a.payment = transfer;
    billing_plan b = a;
    b.id = "P-2";
    b.references.order_reference = "Vergabe 2026/118";
    billing_plan c = a;
    c.id = "P-3";
    std::vector<billing_plan> plans{a, b, c};
    run_options options;
    options.cutoff = date_of("2026-01-01");
    const auto r = run_all(plans, {}, {}, options);
    ASSERT_TRUE(r.failures.empty());
    ASSERT_EQ(r.drafts.size(), 2U);
    for (const auto& draft : r.drafts) {
        EXPECT_EQ(draft.references.buyer_reference, "991-12335-06");
        ASSERT_TRUE(draft.payment.has_value());
        EXPECT_EQ(draft.payment->code, payment_means_code::credit_transfer);
    }
    EXPECT_EQ(r.drafts[0].references.order_reference, "Vergabe 2026/117");
    EXPECT_EQ(r.drafts[0].plan_ids, (std::vector<std::string>{"P-1", "P-3"}));
    EXPECT_EQ(r.drafts[1].references.order_reference, "Vergabe 2026/118");
}

TEST(RunScenarios, SelectionAndFailClosed) {
    billing_plan good = licences();
    billing_plan bad = licences();
    bad.id = "P-2";
    bad.account.id = "A-2";
    bad.cur = currency("USD");  // the item has EUR prices only
    std::vector<billing_plan> plans{good, bad};
    run_options options;
    options.cutoff = date_of("2026-01-01");
    auto r = run_all(plans, {}, {}, options);
    ASSERT_EQ(r.drafts.size(), 1U);
    ASSERT_EQ(r.failures.size(), 1U);
    EXPECT_EQ(r.failures.front().second.code, billing_errc::invalid_plan);
    EXPECT_EQ(r.failures.front().second.message, "plan P-2: item lic: no price for currency USD");

    options.selection = {selection_kind::account, "A-2"};
    r = run_all(plans, {}, {}, options);
    EXPECT_TRUE(r.drafts.empty());
    EXPECT_EQ(r.summary.plans_selected, 1U);
    options.selection = {selection_kind::plan, "P-1"};
    r = run_all(plans, {}, {}, options);
    EXPECT_EQ(r.drafts.size(), 1U);
    EXPECT_EQ(r.summary.plans_selected, 1U);
}

struct renewal_case {
    std::optional<const char*> notice_received;
    std::optional<const char*> effective_end;
    const char* why;
};

TEST(RunScenarios, AutoRenewalAndNoticePeriod) {
    billing_plan plan = licences("2025-01-01");
    plan.end = date_of("2025-12-31");
    plan.renewal.auto_renew = true;
    plan.renewal.term = test::period_of("P1Y");
    plan.renewal.notice = test::period_of("P3M");
    const std::vector<renewal_case> cases{
        {{}, {}, "no notice: renews indefinitely"},
        {"2025-09-30", "2025-12-31", "deadline: Jan 1 - 3 months = Oct 1, minus a day = Sep 30: in time"},
        {"2025-10-01", "2026-12-31", "one day late: runs one more term"},
        {"2026-09-30", "2026-12-31", "in time for the second term"},
        {"2027-02-01", "2027-12-31", "late for 2026, in time for 2027"},
    };
    for (const auto& c : cases) {
        plan.renewal.notice_received =
            c.notice_received ? std::optional<civil_date>(date_of(*c.notice_received)) : std::nullopt;
        const auto end = effective_end(plan);
        EXPECT_EQ(end.has_value(), c.effective_end.has_value()) << c.why;
        if (end && c.effective_end) {
            EXPECT_EQ(format_iso_date(*end), *c.effective_end) << c.why;
        }
    }
    // An in-advance plan ending Dec 31 2025 is not billed for January 2026.
    plan.renewal.notice_received = date_of("2025-09-01");
    EXPECT_TRUE(test::run_one(plan, billed_through("lic", "2025-12-31"), "2026-01-01").drafts.empty());
}

TEST(RunScenarios, DraftCarriesKeysTotalsAndServicePeriod) {
    const auto r = test::run_one(licences("2026-01-20"), {}, "2026-02-01");
    ASSERT_EQ(r.drafts.size(), 1U);
    const invoice& d = r.drafts.front();
    EXPECT_EQ(d.status, invoice_status::draft);
    EXPECT_TRUE(d.number.empty());
    EXPECT_EQ(d.service_period ? to_string(*d.service_period) : "", "2026-01-20..2026-02-28");
    ASSERT_EQ(d.billed.size(), 2U);
    EXPECT_EQ(d.billed[0].key.item_key, "lic");
    EXPECT_EQ(d.billed[0].key.period_start, date_of("2026-01-20"));
    EXPECT_EQ(d.billed[1].key.period_start, date_of("2026-02-01"));
    EXPECT_EQ(d.billed[1].line_index, 1U);
    // 19.35 + 50.00 = 69.35; VAT 13.1765 -> 13.18; gross 82.53.
    EXPECT_EQ(d.totals.net, dec("69.35"));
    EXPECT_EQ(d.totals.tax, dec("13.18"));
    EXPECT_EQ(d.totals.gross, dec("82.53"));
    EXPECT_EQ(d.totals.due, dec("82.53"));
}

TEST(RunScenarios, GermanLineTexts) {
    billing_plan plan = licences("2026-01-20");
    plan.language = "de";
    plan.items.front().description = "Lizenzen";
    EXPECT_EQ(
        test::texts(test::run_one(plan, {}, "2026-01-20")),
        strings{"Lizenzen, 2026-01-20..2026-01-31, anteilig 12/31 Tage"}
    );
}

using test::flat;
using test::nets;
using test::per_unit;
using test::period_of;
using test::plan_with;
using test::recurring;
using test::run_one;
using test::usage_item;
using test::use;

// A plan-level commitment of 1,200.00 per calendar year over monthly usage at 0.10 per call, in arrears.
billing_plan committed_usage_plan() {
    plan_item api = usage_item("api", usage_aggregation::sum, per_unit("0.10"));
    plan_item commit = recurring("commit", "1", flat("1200.00"));
    commit.description = "Annual commitment";
    commit.timing = billing_timing::in_arrears;
    commit.period = period_of("P1Y");
    commit.commitment = commitment_terms{};
    auto plan = plan_with("P-C", "2026-01-01", {api, commit});
    plan.items[0].description = "API calls";
    return plan;
}

std::vector<usage_record> year_of_usage() {
    // January 3,000 calls (300.00), February to December 800 calls each (80.00 x 11 = 880.00): 1,180.00.
    std::vector<usage_record> usage{use("api", "2026-01-15", "3000")};
    for (unsigned m = 2; m <= 12; ++m) {
        usage.push_back(
            use("api", "2026-" + std::string(m < 10 ? "0" : "") + std::to_string(m) + "-10", "800")
        );
    }
    return usage;
}

TEST(RunScenarios, CommitmentTrueUpAfterTheYearInOneRun) {
    const auto plan = committed_usage_plan();
    const auto r = run_one(plan, {}, "2027-01-01", year_of_usage());
    // 12 usage lines, then the shortfall 1,200.00 - 1,180.00 = 20.00 (hand computed above).
    const auto n = nets(r);
    ASSERT_EQ(n.size(), 13u);
    EXPECT_EQ(n.front(), "300.00");
    EXPECT_EQ(n[1], "80.00");
    EXPECT_EQ(n.back(), "20.00");
    EXPECT_EQ(
        r.drafts[0].lines.back().description,
        "Minimum commitment true-up, Annual commitment, 2026-01-01..2026-12-31 (minimum 1,200.00 EUR, billed "
        "1,180.00 EUR)"
    );
    EXPECT_EQ(r.drafts[0].lines.back().kind, line_kind::minimum_true_up);
}

TEST(RunScenarios, CommitmentCountsWhatEarlierInvoicesBilledAndSettlesOnce) {
    const auto plan = committed_usage_plan();
    // January to November were billed by earlier runs (the store's plan state), less a credit of 30.00 on
    // January: 270.00 + 10 x 80.00 = 1,070.00; December adds 80.00: 1,150.00, shortfall 50.00.
    plan_state state;
    state.plan_id = plan.id;
    item_state& api = state.get("api");
    api.billed_through = date_of("2026-11-30");
    for (unsigned m = 1; m <= 11; ++m) {
        const civil_date first{std::chrono::year{2026}, std::chrono::month{m}, std::chrono::day{1}};
        const civil_date last = add_days(add_months(first, 1), -1);
        billed_charge c;
        c.period_start = first;
        c.period_end = last;
        c.quantity = dec(m == 1 ? "3000" : "800");
        c.billed_net = dec(m == 1 ? "300.00" : "80.00");
        c.credited = dec(m == 1 ? "30.00" : "0");
        api.charges.push_back(c);
    }
    const auto r = run_one(plan, state, "2027-01-01", year_of_usage());
    EXPECT_EQ(nets(r), (std::vector<std::string>{"80.00", "50.00"}));

    // Reached: usage of 12,000 calls in December makes 1,070.00 + 1,200.00; the year is settled without a
    // line and a second run bills nothing.
    auto usage = year_of_usage();
    usage.back().quantity = dec("12000");
    const auto reached = run_one(plan, state, "2027-01-01", usage);
    ASSERT_EQ(reached.drafts.size(), 1u);
    EXPECT_EQ(nets(reached), (std::vector<std::string>{"1200.00"}));
    ASSERT_EQ(reached.drafts[0].billed.size(), 2u);
    EXPECT_EQ(reached.drafts[0].billed[1].key.item_key, "commit");
    EXPECT_EQ(reached.drafts[0].billed[1].line_index, no_line);
    plan_state after = state;
    apply_to_state(reached.drafts[0], after);
    EXPECT_TRUE(run_one(plan, after, "2027-01-01", usage).drafts.empty());
}

TEST(RunScenarios, CommitmentRulesAreChecked) {
    auto plan = committed_usage_plan();
    plan.items[1].timing = billing_timing::in_advance;
    plan.items[1].commitment->covers = {"nope"};
    const auto problems = check_plan(plan);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(
        problems[0],
        "item commit: a commitment is a recurring, in_arrears item with a flat_fee price (the committed "
        "amount)"
    );
    EXPECT_EQ(problems[1], "item commit: commitment covers unknown item 'nope'");
}

// ---- project plans (milestones) -----------------------------------------------------------------------

// Agreed total: 1 x 10,000.00 (installation, 19 %) + 4 x 500.00 (training days, 19 %) = 12,000.00 net.
billing_plan project_plan() {
    plan_item install = test::recurring("install", "1", test::flat("10000.00"));
    install.type = charge_type::one_time;
    install.description = "Installation";
    plan_item training = test::recurring("training", "4", test::per_unit("500.00"));
    training.type = charge_type::one_time;
    training.description = "Training day";
    billing_plan plan = test::plan_with("PRJ-1", "2026-09-01", {install, training});
    plan.milestones = {
        {"order",
         milestone_type::advance,
         dec("30"),
         std::nullopt,
         date_of("2026-09-15"),
         "Advance on order"},
        {"delivery", milestone_type::advance, std::nullopt, dec("4000.00"), date_of("2026-10-20"), ""},
        {"acceptance", milestone_type::final_invoice, std::nullopt, std::nullopt, std::nullopt, ""},
    };
    return plan;
}

TEST(Run, ProjectMilestonesAreBilledOnceInOrderAndTheFinalInvoiceDeductsTheIssuedAdvances) {
    billing_plan plan = project_plan();
    plan_state state;
    state.plan_id = plan.id;

    // 1 Oct: the order advance is due (30 % of 12,000.00 = 3,600.00 net + 684.00 VAT).
    auto first = test::run_one(plan, state, "2026-10-01");
    ASSERT_TRUE(first.failures.empty());
    ASSERT_EQ(first.drafts.size(), 1U);
    EXPECT_EQ(first.drafts[0].type, document_type::advance);
    EXPECT_EQ(first.drafts[0].milestone, "order");
    EXPECT_EQ(first.drafts[0].totals.net, dec("3600.00"));
    EXPECT_EQ(first.drafts[0].totals.gross, dec("4284.00"));
    invoice order = first.drafts[0];
    ASSERT_TRUE(finalize(order, {"RE-2026-000010", date_of("2026-10-01")}).has_value());
    apply_to_state(order, state);
    EXPECT_TRUE(test::run_one(plan, state, "2026-10-01").drafts.empty()) << "billed once";

    // 1 Nov: the delivery advance (4,000.00); acceptance has no date yet.
    auto second = test::run_one(plan, state, "2026-11-01");
    ASSERT_EQ(second.drafts.size(), 1U);
    EXPECT_EQ(second.drafts[0].milestone, "delivery");
    EXPECT_EQ(second.drafts[0].totals.net, dec("4000.00"));
    invoice delivery = second.drafts[0];
    apply_to_state(delivery, state);  // still a draft (awaiting approval)

    // Accepted on 25 Nov: the final invoice waits while the delivery advance is a draft ...
    plan.milestones[2].due = date_of("2026-11-25");
    EXPECT_TRUE(test::run_one(plan, state, "2026-12-01").drafts.empty());
    // ... and deducts both advances once it is issued: 12,000.00 + 2,280.00 VAT = 14,280.00 gross,
    // prepaid 4,284.00 + 4,760.00 = 9,044.00, due 5,236.00.
    state.contract_documents.back().status = invoice_status::finalized;
    state.contract_documents.back().number = "RE-2026-000011";
    state.contract_documents.back().issue_date = date_of("2026-11-01");
    auto last = test::run_one(plan, state, "2026-12-01");
    ASSERT_TRUE(last.failures.empty()) << last.failures.front().second.message;
    ASSERT_EQ(last.drafts.size(), 1U);
    const invoice& fin = last.drafts[0];
    EXPECT_EQ(fin.type, document_type::final_invoice);
    EXPECT_EQ(fin.milestone, "acceptance");
    EXPECT_EQ(fin.totals.net, dec("12000.00"));
    EXPECT_EQ(fin.totals.gross, dec("14280.00"));
    EXPECT_EQ(fin.deductions.size(), 2U);
    EXPECT_EQ(fin.totals.prepaid, dec("9044.00"));
    EXPECT_EQ(fin.totals.due, dec("5236.00"));
}

TEST(Run, ProjectPlanRulesAreChecked) {
    billing_plan plan = project_plan();
    plan.milestones[1].percent = dec("80");  // now 30 % + (80 % and an amount)
    plan.milestones.push_back({"extra", milestone_type::advance, dec("5"), std::nullopt, std::nullopt, ""});
    plan.items[0].type = charge_type::recurring;
    const auto problems = check_plan(plan);
    EXPECT_EQ(
        problems,
        (std::vector<std::string>{
            "milestone delivery: give either a percent or an amount",
            "milestone acceptance: the final invoice must be the last milestone",
            "milestones: the shares add up to 115 %, more than the agreed total",
            "item install: the items of a project plan (with milestones) are its agreed total: one-time "
            "charges"})
    );
}

}  // namespace
}  // namespace fakturad::billing
