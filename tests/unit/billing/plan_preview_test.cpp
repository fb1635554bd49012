// run_plan_preview (fakturactl plan preview): exit codes, the printed table, errors on stderr.

#include "ctl_plan_preview.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fakturad::daemon {
namespace {

std::filesystem::path example(const char* name) {
    return std::filesystem::path(FAKTURAD_SOURCE_DIR) / "examples" / "plans" / name;
}

struct outcome {
    int code;
    std::string out;
    std::string err;
};

outcome preview(
    const std::filesystem::path& file, std::string_view date, const std::vector<std::string>& tax_rules = {}
) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_plan_preview(file, date, tax_rules, out, err);
    return {code, out.str(), err.str()};
}

// The figures: March 1-15 at 5 licences (15/31 x 50.00 = 24.19), March 16-31 at 8 (16/31 x 80.00 = 41.29),
// April in advance (80.00), March API calls in arrears (90,000 x 0.002 + 25,000 x 0.001 = 205.00).
// Manual draft: licences May 1-14 at 8 (14/31 x 80.00 = 36.129.. -> 36.13) and 2.5 h x 120.00 = 300.00;
// VAT 336.13 x 19 % = 63.8647 -> 63.86.
constexpr const char* expected_saas =
    R"(Plan preview for cutoff 2026-04-01 (FILE): 1 draft from 1 of 1 plan, 1 manual draft; nothing is stored

Draft 1: invoice (380), EUR, language de, payment 14 days net
  Seller:  DE01 Muster Software GmbH
  Bill to: 0015g00000AbCdFAAZ Kunde AG, Buchhaltung <rechnung@kunde.example, einkauf@kunde.example>
  Buyer:   0015g00000AbCdEAAZ Kunde AG
  Plans:   P-1001
  Service period: 2026-03-01..2026-04-30

  #  Description                                                  Quantity  Unit price  VAT        Net
  ----------------------------------------------------------------------------------------------------
  1  CRM-Lizenzen, 2026-03-01..2026-03-15, anteilig 15/31 Tage       5 C62       10.00  S 19 %   24.19
  2  CRM-Lizenzen, 2026-03-16..2026-03-31, anteilig 16/31 Tage       8 C62       10.00  S 19 %   41.29
  3  CRM-Lizenzen, 2026-04-01..2026-04-30                            8 C62       10.00  S 19 %   80.00
  4  API-Aufrufe, 2026-03-01..2026-03-31                        125000 C62     0.00164  S 19 %  205.00
  ----------------------------------------------------------------------------------------------------
                                                                                     Net total  350.48
                                                                          VAT S 19 % on 350.48   66.59
                                                                                     Total EUR  417.07

  Billed periods (locked by the store as UNIQUE(item, period_start)):
    P-1001 / licences from 2026-03-01 to 2026-03-15, line 1
    P-1001 / licences from 2026-03-16 to 2026-03-31, line 2
    P-1001 / licences from 2026-04-01 to 2026-04-30, line 3
    P-1001 / api from 2026-03-01 to 2026-03-31, line 4

Manual draft 1: partial (326), EUR, language de, payment 14 days net
  Seller:  DE01 Muster Software GmbH
  Bill to: 0015g00000AbCdFAAZ Kunde AG, Buchhaltung <rechnung@kunde.example, einkauf@kunde.example>
  Buyer:   0015g00000AbCdEAAZ Kunde AG
  Plans:   P-1001
  Service period: 2026-05-01..2026-05-14

  #  Description                                                Quantity  Unit price  VAT        Net
  --------------------------------------------------------------------------------------------------
  1  CRM-Lizenzen, 2026-05-01..2026-05-14, anteilig 14/31 Tage     8 C62       10.00  S 19 %   36.13
  2  Beratung Datenmigration                                     2.5 HUR      120.00  S 19 %  300.00
  --------------------------------------------------------------------------------------------------
                                                                                   Net total  336.13
                                                                        VAT S 19 % on 336.13   63.86
                                                                                   Total EUR  399.99
  Note: Teilrechnung für die Migration
  Note: Leistungszeitraum Mai 2026

)";

std::string with_file(std::string text, const std::filesystem::path& file) {
    const auto at = text.find("FILE");
    return text.replace(at, 4, file.string());
}

TEST(PlanPreview, PrintsTheDraftsOfTheExample) {
    const auto file = example("saas-monthly.yaml");
    const auto r = preview(file, "2026-04-01");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, with_file(expected_saas, file));
}

TEST(PlanPreview, NothingDue) {
    const auto r = preview(example("annual-multi-currency.yaml"), "2026-06-30");
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find(": 0 drafts from 0 of 1 plan; nothing is stored"), std::string::npos) << r.out;
}

TEST(PlanPreview, ArgumentErrors) {
    auto r = preview(example("saas-monthly.yaml"), "2026-4-1");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "fakturactl: --date: invalid date '2026-4-1': expected YYYY-MM-DD (e.g. 2026-03-31)\n");
    r = preview(example("does-not-exist.yaml"), "2026-04-01");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot read"), std::string::npos);
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos);
}

TEST(PlanPreview, PlanFileErrorsGoToStderr) {
    const auto dir = std::filesystem::path(FAKTURAD_BINARY_DIR) / "tests" / "plan_preview";
    std::filesystem::create_directories(dir);
    const auto file = dir / "broken.yaml";
    std::ofstream(file) << "plans:\n  - id: P\n    currency: EUR\n    colour: red\n";
    const auto r = preview(file, "2026-04-01");
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    const std::string f = file.string();
    EXPECT_EQ(
        r.err,
        f +
            ":4:5: plans[0]: unknown key 'colour' (allowed: id contract buyer_reference order_reference "
            "contract_reference payment_means vat_exemptions account bill_to currency language payment_terms "
            "legal_entity start end renewal billing_period alignment anchor vat_rounding buyer_tax discounts "
            "items milestones state usage)\n" +
            f + ":2:5: plans[0].account: missing required key\n" + f +
            ":2:5: plans[0].legal_entity: missing required key\n" + f +
            ":2:5: plans[0].start: missing required key\n" + f +
            ":2:5: plans[0].items: missing required key\n" + "fakturactl: 5 problems in " + f + "\n"
    );
}

TEST(PlanPreview, TaxRulesDetermineTheVatOfTaxItems) {
    const std::string rules = std::string(FAKTURAD_SOURCE_DIR) + "/config/examples/tax/tax-rules.yaml";
    const auto r = preview(example("tax-determined.yaml"), "2026-05-01", {"DE01=" + rules});
    EXPECT_EQ(r.code, 0) << r.err;
    // FR business with a confirmed VAT ID: reverse charge (§ 3a Abs. 2 UStG, Art. 196 VAT Directive), the
    // training too, because a B2B service is supplied where the buyer is; IT consumer, electronic service:
    // Italian VAT via OSS (§ 3a Abs. 5 UStG), 20.00 x 2 months x 22 % = 8.80; CH business: not taxable in
    // Germany (category O).
    EXPECT_NE(
        r.out.find("CRM subscription, 2026-04-01..2026-04-30            1 C62      200.00  AE 0 %"),
        std::string::npos
    ) << r.out;
    EXPECT_NE(r.out.find("VAT S 22 % on 40.00   8.80"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("VAT O 0 % on 400.00    0.00"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  VAT AE: Reverse charge [VATEX-EU-AE]"), std::string::npos) << r.out;

    const auto without = preview(example("tax-determined.yaml"), "2026-05-01");
    EXPECT_EQ(without.code, 1);
    EXPECT_NE(
        without.err.find("plan P-FR: item saas: no tax rules are configured for legal entity DE01"),
        std::string::npos
    ) << without.err;

    const auto bad = preview(example("tax-determined.yaml"), "2026-05-01", {"DE01"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_EQ(
        bad.err,
        "fakturactl: --tax-rules DE01: expected LEGAL_ENTITY=FILE, e.g. --tax-rules DE01=tax-rules.yaml\n"
    );
}

}  // namespace
}  // namespace fakturad::daemon
