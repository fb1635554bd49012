// The operator's tax rules in YAML: the shipped example loads and drives determination; broken files get
// every problem reported with line, column and key path.

#include "fakturad/billing/tax/tax_rules_yaml.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fakturad::billing::tax {
namespace {

constexpr std::chrono::year_month_day d(int y, unsigned m, unsigned day) {
    return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{day}};
}

std::string read_example() {
    std::ifstream in(std::string(FAKTURAD_SOURCE_DIR) + "/config/examples/tax/tax-rules.yaml");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string all_errors(const tax_rules_load_result& r) {
    std::string out;
    for (const auto& e : r.errors) {
        out += e.to_string("tax.yaml") + "\n";
    }
    return out;
}

TEST(TaxRulesYaml, ShippedExampleLoads) {
    const std::string text = read_example();
    ASSERT_FALSE(text.empty());
    const auto r = parse_tax_rules(text);
    ASSERT_TRUE(r.rules.has_value()) << all_errors(r);
    EXPECT_TRUE(r.ok());
    const tax_rules rules = r.rules.value_or(tax_rules{});
    EXPECT_EQ(rules.seller.country, "DE");
    EXPECT_TRUE(rules.seller.oss_registered);
    EXPECT_TRUE(rules.seller.canada.gst_hst);
    EXPECT_EQ(rules.seller.canada.provincial, std::vector<std::string>{"BC"});
    EXPECT_EQ(rules.product_classes.size(), 4U);
    EXPECT_EQ(rules.us_sales_tax.size(), 4U);
    ASSERT_NE(rules.find_class("training"), nullptr);
    EXPECT_EQ(rules.find_class("training")->exemption_code, "VATEX-EU-132");
}

TEST(TaxRulesYaml, EveryShippedExampleLoads) {
    const std::filesystem::path dir = std::filesystem::path(FAKTURAD_SOURCE_DIR) / "config/examples/tax";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") {
            continue;
        }
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const auto r = parse_tax_rules(text.str());
        EXPECT_TRUE(r.ok()) << entry.path().filename() << "\n" << all_errors(r);
        ++files;
    }
    EXPECT_GE(files, 3);
}

TEST(TaxRulesYaml, ExampleDrivesDetermination) {
    const auto r = parse_tax_rules(read_example());
    ASSERT_TRUE(r.rules.has_value()) << all_errors(r);
    const tax_rules rules = r.rules.value_or(tax_rules{});
    buyer_profile fr;
    fr.country = "FR";
    supply ebook;
    ebook.kind = supply_kind::electronic_services;
    ebook.product_class = "ebooks";
    ebook.date = d(2025, 3, 1);
    // FR e-books 5.5 % (CGI art. 278-0 bis), the example's override, via OSS.
    const auto fr_result = determine_tax(rules, fr, ebook);
    ASSERT_TRUE(fr_result.has_value()) << fr_result.error().message;
    EXPECT_EQ(fr_result->rate, parse_decimal_or_throw("5.5"));
    // IE e-books zero rated (VATCA 2010 Schedule 2): category Z.
    buyer_profile ie;
    ie.country = "IE";
    const auto ie_result = determine_tax(rules, ie, ebook);
    ASSERT_TRUE(ie_result.has_value()) << ie_result.error().message;
    EXPECT_EQ(ie_result->code(), "Z");
    // TX from the US table: 6.25 % on electronic services to a Texan consumer.
    buyer_profile tx;
    tx.country = "US";
    tx.region = "TX";
    supply saas = ebook;
    saas.product_class = "saas";
    const auto tx_result = determine_tax(rules, tx, saas);
    ASSERT_TRUE(tx_result.has_value()) << tx_result.error().message;
    EXPECT_EQ(tx_result->rate, parse_decimal_or_throw("6.25"));
    EXPECT_EQ(tx_result->components.front().jurisdiction, "US-TX");
}

TEST(TaxRulesYaml, EveryProblemIsReportedWithItsPosition) {
    const std::string text =
        "seller:\n"                     // 1
        "  country: DE\n"               // 2
        "  vat_stauts: registered\n"    // 3  typo
        "  oss_registered: yes\n"       // 4  not true/false
        "product_classes:\n"            // 5
        "  books:\n"                    // 6
        "    kind: reduced\n"           // 7
        "    kind: standard\n"          // 8  duplicate
        "  training:\n"                 // 9
        "    kind: exempt\n"            // 10 no reason
        "  odd:\n"                      // 11
        "    kind: cheap\n"             // 12 unknown kind
        "    overrides: {XX: zero}\n"   // 13 unknown country
        "us_sales_tax:\n"               // 14
        "  - state: ZZ\n"               // 15 unknown state
        "    rate: \"6,5\"\n"           // 16 comma
        "    valid_from: 2024-13-01\n"  // 17 bad date
        "    taxable: [goods]\n";       // 18
    const auto r = parse_tax_rules(text);
    ASSERT_FALSE(r.ok());
    const std::string all = all_errors(r);
    EXPECT_NE(
        all.find("tax.yaml:3:3: seller.vat_stauts: unknown key 'vat_stauts'; did you mean 'vat_status'?"),
        std::string::npos
    ) << all;
    EXPECT_NE(
        all.find("tax.yaml:4:19: seller.oss_registered: expected true or false, got 'yes'"), std::string::npos
    ) << all;
    EXPECT_NE(
        all.find("tax.yaml:8:5: product_classes.books.kind: duplicate key (first at line 7)"),
        std::string::npos
    ) << all;
    EXPECT_NE(
        all.find("product_classes.training: an exempt class needs exemption_reason_de"), std::string::npos
    ) << all;
    EXPECT_NE(
        all.find("tax.yaml:12:11: product_classes.odd.kind: expected one of standard"), std::string::npos
    ) << all;
    EXPECT_NE(all.find("product_classes.odd.overrides.XX: unknown country 'XX'"), std::string::npos) << all;
    EXPECT_NE(all.find("tax.yaml:15:12: us_sales_tax[0].state: unknown US state 'ZZ'"), std::string::npos)
        << all;
    EXPECT_NE(all.find("tax.yaml:16:11: us_sales_tax[0].rate: expected a percentage"), std::string::npos)
        << all;
    EXPECT_NE(
        all.find("tax.yaml:17:17: us_sales_tax[0].valid_from: expected a date YYYY-MM-DD"), std::string::npos
    ) << all;
    EXPECT_EQ(r.errors.size(), 9U) << all;
}

TEST(TaxRulesYaml, MissingSellerAndSyntaxErrors) {
    const auto empty = parse_tax_rules("product_classes: {}\n");
    ASSERT_FALSE(empty.ok());
    EXPECT_NE(all_errors(empty).find("seller: missing"), std::string::npos);
    const auto broken = parse_tax_rules("seller: [\n");
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(all_errors(broken).find("YAML syntax error"), std::string::npos);
}

TEST(TaxRulesYaml, SmallBusinessOnlyForGermany) {
    const auto r = parse_tax_rules("seller:\n  country: FR\n  vat_status: small_business\n");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(all_errors(r).find("German sellers only"), std::string::npos);
}

TEST(TaxRulesYaml, ZeroUsRateIsRejected) {
    const auto r = parse_tax_rules(
        "seller: {country: US}\n"
        "us_sales_tax:\n"
        "  - {state: OR, rate: 0, valid_from: 2020-01-01, taxable: [goods]}\n"
    );
    ASSERT_FALSE(r.ok());
    EXPECT_NE(all_errors(r).find("us_sales_tax[0].rate: a rate of 0 is not collecting"), std::string::npos)
        << all_errors(r);
}

TEST(TaxRulesYaml, OverlappingUsRowsAreRejected) {
    const auto r = parse_tax_rules(
        "seller: {country: US}\n"
        "us_sales_tax:\n"
        "  - {state: WA, rate: 6.5, valid_from: 2020-01-01, taxable: [goods]}\n"
        "  - {state: WA, rate: 7, valid_from: 2024-01-01, taxable: [goods]}\n"
    );
    ASSERT_FALSE(r.ok());
    EXPECT_NE(all_errors(r).find("overlaps an earlier row for WA"), std::string::npos) << all_errors(r);
}

}  // namespace
}  // namespace fakturad::billing::tax
