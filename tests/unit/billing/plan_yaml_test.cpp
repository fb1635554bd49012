// The YAML plan file: a full plan read exactly, every kind of error with file:line:column and key path,
// and the shipped examples in examples/plans/ parse and bill as documented.

#include "fakturad/billing/plan_yaml.hpp"

#include "billing_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fakturad::billing {
namespace {

using test::date_of;
using test::dec;

std::vector<std::string> messages(const plan_file_result& r) {
    std::vector<std::string> out;
    out.reserve(r.errors.size());
    for (const auto& e : r.errors) {
        out.push_back(e.to_string());
    }
    return out;
}

constexpr const char* full_plan = R"(legal_entities:
  - {code: DE01, name: Muster GmbH, country: DE, vat_id: DE123456789}
plans:
  - id: P-1
    contract: C-1
    account: {id: A-1, name: Kunde AG, emails: [a@kunde.example]}
    bill_to: {id: A-2, name: Zentrale, emails: [x@kunde.example, y@kunde.example]}
    currency: EUR
    language: de
    payment_terms: {net_days: 30, note: Skonto 2 % bei Zahlung in 10 Tagen}
    legal_entity: DE01
    start: 2026-01-20
    end: 2026-12-31
    renewal: {auto: true, term: P1Y, notice: P3M, notice_received: 2026-11-01}
    billing_period: P3M
    alignment: anniversary
    anchor: 2026-01-01
    vat_rounding: per_line
    discounts:
      - {amount: 25.00, from: 2026-01-01}
    items:
      - key: lic
        description: Lizenzen
        quantity: 10.5
        changes: [{from: 2026-03-01, quantity: 12}]
        vat: {category: S, rate: 19}
        pricing: {model: per_unit, price: 10.10, maximum: 500}
        discounts: [{percent: 12.5, to: 2026-06-30}]
      - key: calls
        description: Aufrufe
        type: usage
        aggregation: unique_count
        tier_aggregation: max
        billing_period: P1M
        vat: {category: S, rate: 7}
        pricing:
          model: volume
          currencies:
            EUR: {tiers: [{up_to: 10, unit_price: 0.5, flat_fee: 1}, {unit_price: 0.25}]}
            USD: {tiers: [{unit_price: 0.3}]}
    state:
      lic:
        billed_through: 2026-03-31
        charges: [{start: 2026-01-20, end: 2026-03-31, quantity: 10.5, net: 75.25, credited: 0}]
    usage:
      - {item: calls, date: 2026-02-01, quantity: 3, key: u1, seq: 7}
)";

TEST(PlanYaml, ReadsEveryFieldExactly) {
    auto r = parse_plan_file(full_plan, "full.yaml");
    if (!r.file) {
        ADD_FAILURE() << messages(r).front();
        return;
    }
    const plan_file& f = *r.file;
    ASSERT_EQ(f.plans.size(), 1U);
    const billing_plan& p = f.plans.front();
    EXPECT_EQ(p.id, "P-1");
    EXPECT_EQ(p.contract_id, "C-1");
    EXPECT_EQ(p.recipient().id, "A-2");
    EXPECT_EQ(p.recipient().emails, (std::vector<std::string>{"x@kunde.example", "y@kunde.example"}));
    EXPECT_EQ(p.seller.name, "Muster GmbH");
    EXPECT_EQ(p.terms.net_days, 30);
    EXPECT_EQ(p.terms.note, "Skonto 2 % bei Zahlung in 10 Tagen");
    EXPECT_EQ(p.start, date_of("2026-01-20"));
    EXPECT_TRUE(p.renewal.auto_renew);
    EXPECT_EQ(p.renewal.notice_received, date_of("2026-11-01"));
    EXPECT_EQ(p.period, test::period_of("P3M"));
    EXPECT_EQ(p.alignment, period_alignment::anniversary);
    EXPECT_EQ(p.anchor, date_of("2026-01-01"));
    EXPECT_EQ(p.rounding, vat_rounding::per_line);
    ASSERT_EQ(p.invoice_discounts.size(), 1U);
    EXPECT_EQ(p.invoice_discounts.front().kind, discount_kind::amount);
    const plan_item& lic = p.items[0];
    EXPECT_TRUE(identical(lic.quantity, dec("10.5")));
    EXPECT_TRUE(identical(lic.price.prices.front().price, dec("10.10")));  // no float in between
    EXPECT_EQ(lic.price.prices.front().maximum, dec("500"));
    EXPECT_EQ(lic.timing, billing_timing::in_advance);
    EXPECT_EQ(lic.changes.front().quantity, dec("12"));
    EXPECT_EQ(lic.discounts.front().value, dec("12.5"));
    const plan_item& calls = p.items[1];
    EXPECT_EQ(calls.type, charge_type::usage);
    EXPECT_EQ(calls.timing, billing_timing::in_arrears);  // the default for usage
    EXPECT_EQ(calls.aggregation, usage_aggregation::unique_count);
    EXPECT_EQ(calls.tier_aggregation, usage_aggregation::max);
    EXPECT_EQ(calls.period, test::period_of("P1M"));
    EXPECT_EQ(calls.vat.rate, dec("7"));
    ASSERT_EQ(calls.price.prices.size(), 2U);
    EXPECT_EQ(calls.price.prices[1].cur, currency("USD"));
    EXPECT_EQ(calls.price.prices[0].tiers[0].flat_fee, dec("1"));
    ASSERT_EQ(f.states.size(), 1U);
    EXPECT_EQ(f.states[0].plan_id, "P-1");
    EXPECT_EQ(f.states[0].items[0].charges[0].billed_net, dec("75.25"));
    ASSERT_EQ(f.usage.size(), 1U);
    EXPECT_EQ(f.usage[0].plan_id, "P-1");
    EXPECT_EQ(f.usage[0].sequence, 7U);
    EXPECT_EQ(f.usage[0].unique_key, "u1");
}

struct error_case {
    const char* name;
    const char* yaml;
    std::vector<std::string> errors;
};

TEST(PlanYaml, ReadsAProjectPlansMilestones) {
    constexpr const char* yaml = R"(legal_entities:
  - {code: DE01, name: Muster GmbH, country: DE, vat_id: DE123456789}
plans:
  - id: PRJ-1
    account: {id: A-1, name: Kunde AG}
    currency: EUR
    legal_entity: DE01
    start: 2026-03-01
    items:
      - {key: impl, description: Implementierung, type: one_time, quantity: 1, vat: {category: S, rate: 19}, pricing: {model: flat_fee, price: 12000}}
    milestones:
      - {key: order, type: advance, percent: 30, due: 2026-03-01, label: Anzahlung bei Auftrag}
      - {key: delivery, type: progress, amount: 4000.00, due: 2026-05-15}
      - {key: acceptance, type: final}
)";
    auto r = parse_plan_file(yaml, "p.yaml");
    ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().to_string());
    const auto& m = r.file->plans.at(0).milestones;
    ASSERT_EQ(m.size(), 3U);
    EXPECT_EQ(
        m[0],
        (milestone{
            "order",
            milestone_type::advance,
            dec("30"),
            std::nullopt,
            date_of("2026-03-01"),
            "Anzahlung bei Auftrag"})
    );
    EXPECT_EQ(
        m[1],
        (milestone{
            "delivery", milestone_type::progress, std::nullopt, dec("4000.00"), date_of("2026-05-15"), ""})
    );
    EXPECT_EQ(
        m[2],
        (milestone{"acceptance", milestone_type::final_invoice, std::nullopt, std::nullopt, std::nullopt, ""})
    );

    const std::string head = std::string(yaml).substr(0, std::string(yaml).find("    milestones:"));
    const auto bad = parse_plan_file(
        head +
            "    milestones:\n"
            "      - {key: a, type: anzahlung, percent: 10}\n"
            "      - {key: b, type: advance}\n",
        "p.yaml"
    );
    EXPECT_EQ(
        messages(bad),
        (std::vector<std::string>{
            "p.yaml:12:24: plans[0].milestones[0].type: unknown value 'anzahlung' (expected advance, "
            "progress, "
            "final)",
            "p.yaml:13:9: plans[0].milestones[1]: give either percent or amount (an advance or progress "
            "share)"})
    );
    // The plan rules (check_plan) judge the milestones as a whole once each one reads well.
    const auto final_first = parse_plan_file(
        head +
            "    milestones:\n"
            "      - {key: c, type: final}\n"
            "      - {key: d, type: advance, percent: 10}\n",
        "p.yaml"
    );
    ASSERT_EQ(final_first.errors.size(), 1U);
    EXPECT_NE(
        messages(final_first).front().find("the final invoice must be the last milestone"), std::string::npos
    ) << messages(final_first).front();
}

TEST(PlanYaml, ReportsEveryErrorWithPositionAndPath) {
    const std::vector<error_case> cases{
        {"syntax", "plans: [\n", {"e.yaml:2:1: YAML syntax error: end of sequence flow not found"}},
        {"top level", "- a\n", {"e.yaml:1:1: expected a mapping of keys, got a list"}},
        {"missing plans", "legal_entities: []\n", {"e.yaml:1:1: plans: missing required key"}},
        {"unknown key with hint",
         "plans:\n  - id: P\n    acount: {id: A, name: N}\n",
         {"e.yaml:3:5: plans[0]: unknown key 'acount' (did you mean 'account'?)",
          "e.yaml:2:5: plans[0].account: missing required key",
          "e.yaml:2:5: plans[0].currency: missing required key",
          "e.yaml:2:5: plans[0].legal_entity: missing required key",
          "e.yaml:2:5: plans[0].start: missing required key",
          "e.yaml:2:5: plans[0].items: missing required key"}},
        {"duplicate key and bad values",
         "plans:\n"
         "  - id: P\n"
         "    id: Q\n"
         "    account: {id: A, name: N}\n"
         "    currency: eur\n"
         "    legal_entity: X\n"
         "    start: 2026-02-30\n"
         "    items:\n"
         "      - key: k\n"
         "        description: d\n"
         "        qantity: 1,5\n"
         "        vat: {category: S, rate: 19}\n"
         "        pricing: {model: per_unit, price: 1e3}\n",
         {"e.yaml:3:5: plans[0].id: duplicate key (first at line 2)",
          "e.yaml:5:15: plans[0].currency: unknown ISO 4217 currency code 'eur' (codes are upper case: EUR)",
          "e.yaml:7:12: plans[0].start: invalid date '2026-02-30': February 2026 has 28 days",
          "e.yaml:11:9: plans[0].items[0]: unknown key 'qantity' (did you mean 'quantity'?)",
          std::string("e.yaml:13:43: plans[0].items[0].pricing.price: invalid decimal '1e3': expected plain "
          ) + "decimal notation (optional sign, digits, optional '.' and digits; no exponent, blanks or "
              "grouping)"}},
        {"plan rule",
         "plans:\n"
         "  - id: P\n"
         "    account: {id: A, name: N}\n"
         "    currency: USD\n"
         "    legal_entity: X\n"
         "    start: 2026-01-01\n"
         "    items:\n"
         "      - key: k\n"
         "        description: d\n"
         "        type: usage\n"
         "        timing: in_advance\n"
         "        vat: {category: Z, rate: 7}\n"
         "        pricing: {model: tierd}\n",
         {"e.yaml:13:26: plans[0].items[0].pricing.model: unknown value 'tierd' (expected flat_fee, "
          "per_unit, "
          "tiered, volume, stairstep, package, percentage)"}},
        {"check_plan problems",
         "plans:\n"
         "  - id: P\n"
         "    account: {id: A, name: N}\n"
         "    currency: USD\n"
         "    legal_entity: X\n"
         "    start: 2026-01-01\n"
         "    items:\n"
         "      - key: k\n"
         "        description: d\n"
         "        type: usage\n"
         "        timing: in_advance\n"
         "        vat: {category: Z, rate: 7}\n"
         "        pricing: {model: per_unit, price: 1}\n"
         "    usage:\n"
         "      - {item: nope, date: 2026-01-02}\n",
         {"e.yaml:2:5: plans[0]: item k: VAT category Z has rate 0",
          "e.yaml:2:5: plans[0]: item k: usage and percentage items are billed in arrears",
          "e.yaml:15:16: plans[0].usage[0].item: plan P has no usage item 'nope'"}},
        {"currencies and direct prices",
         "plans:\n"
         "  - id: P\n"
         "    account: {id: A, name: N}\n"
         "    currency: EUR\n"
         "    legal_entity: X\n"
         "    start: 2026-01-01\n"
         "    items:\n"
         "      - key: k\n"
         "        description: d\n"
         "        vat: {category: S, rate: 19}\n"
         "        pricing: {model: per_unit, price: 1, currencies: {XXY: {price: 2}}}\n",
         {"e.yaml:11:43: plans[0].items[0].pricing.price: give prices either per currency (currencies:) or "
          "directly, not both",
          "e.yaml:11:59: plans[0].items[0].pricing.currencies.XXY: unknown ISO 4217 currency code 'XXY'"}},
        {"manual drafts",
         "plans:\n"
         "  - id: P\n"
         "    account: {id: A, name: N}\n"
         "    currency: EUR\n"
         "    legal_entity: X\n"
         "    start: 2026-01-01\n"
         "    items: []\n"
         "drafts:\n"
         "  - {plan: Q}\n"
         "  - {plan: P, type: cancellation}\n"
         "  - plan: P\n"
         "    items: [a]\n"
         "    lines: [{description: x, unit_price: -1, vat: {category: S, rate: 19}}]\n",
         {"e.yaml:9:12: drafts[0].plan: no plan 'Q' in this file",
          "e.yaml:10:5: drafts[1].corrects: missing required key",
          "e.yaml:12:12: drafts[2].items: items need a period to be billed for",
          std::string("e.yaml:13:13: drafts[2].lines[0]: line 'x': the unit price must not be negative ") +
              "(use a negative quantity)",
          "e.yaml:11:5: drafts[2]: a manual draft needs lines or a period with plan items"}},
    };
    for (const auto& c : cases) {
        auto r = parse_plan_file(c.yaml, "e.yaml");
        EXPECT_FALSE(r.ok()) << c.name;
        EXPECT_EQ(messages(r), c.errors) << c.name;
    }
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct example_case {
    const char* file;
    const char* cutoff;
    std::vector<std::string> nets;
    const char* gross;
    const char* why;
};

TEST(PlanYaml, ExamplesParseAndBillAsDocumented) {
    const std::vector<example_case> cases{
        {"saas-monthly.yaml",
         "2026-04-01",
         {"24.19", "41.29", "80.00", "205.00"},
         "417.07",
         "Mar 1-15: 5 x 10 x 15/31; Mar 16-31: 8 x 10 x 16/31; April 8 x 10 in advance; March calls "
         "125,000 in arrears: 90,000 x 0.002 + 25,000 x 0.001 = 205.00; net 350.48, VAT 66.59"},
        {"marketplace-commission.yaml",
         "2026-04-01",
         {"89.41"},
         "106.40",
         "volume 3,560.40 x 2.5 % = 89.01 + 4 x 0.10; VAT 16.99"},
        {"annual-multi-currency.yaml",
         "2026-07-01",
         {"12000.00", "7000.00", "2000.00", "9000.00"},
         "30000.00",
         "flat 12,000; 140 seats in tier 2 x 50; ceil(750/100) = 8 x 250; 140 in the 51-250 bracket"},
    };
    for (const auto& c : cases) {
        const std::string path = std::string(FAKTURAD_SOURCE_DIR) + "/examples/plans/" + c.file;
        auto r = parse_plan_file(read(path), c.file);
        if (!r.file) {
            ADD_FAILURE() << c.file << ": " << messages(r).front();
            continue;
        }
        run_options options;
        options.cutoff = date_of(c.cutoff);
        const plan_file& f = *r.file;
        auto run = run_all(f.plans, f.states, f.usage, options);
        ASSERT_TRUE(run.failures.empty()) << c.file << ": " << run.failures.front().second.message;
        EXPECT_EQ(test::nets(run), c.nets) << c.file << ": " << c.why;
        ASSERT_EQ(run.drafts.size(), 1U);
        EXPECT_EQ(run.drafts.front().totals.gross, dec(c.gross)) << c.file << ": " << c.why;
    }
}

// examples/plans/project-milestones.yaml: by 2026-05-31 the order (30 % of 12,000.00) and the delivery
// (4,000.00) milestones are due, the acceptance has no date: two documents, no final invoice.
TEST(PlanYaml, ProjectExampleBillsTheDueMilestones) {
    const std::string path = std::string(FAKTURAD_SOURCE_DIR) + "/examples/plans/project-milestones.yaml";
    auto r = parse_plan_file(read(path), "project-milestones.yaml");
    ASSERT_TRUE(r.file) << messages(r).front();
    run_options options;
    options.cutoff = date_of("2026-05-31");
    const plan_file& f = *r.file;
    auto run = run_all(f.plans, f.states, f.usage, options);
    ASSERT_TRUE(run.failures.empty()) << run.failures.front().second.message;
    ASSERT_EQ(run.drafts.size(), 2U);
    EXPECT_EQ(run.drafts[0].type, document_type::advance);
    EXPECT_EQ(run.drafts[0].totals.gross, dec("4284.00"));
    EXPECT_EQ(run.drafts[1].type, document_type::progress);
    EXPECT_EQ(run.drafts[1].totals.gross, dec("4760.00"));
}

}  // namespace
}  // namespace fakturad::billing
