// Tax determination wired into the billing engine: items with `tax:` get category, rate, exemption reason
// and notes per line, at the line's tax point (the last day of its service period).
#include "fakturad/billing/tax/tax_rules_resolver.hpp"

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/core/decimal.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

namespace fakturad::billing::tax {
namespace {

civil_date day(std::string_view text) { return std::get<civil_date>(parse_iso_date(text)); }
decimal dec(std::string_view text) { return parse_decimal_or_throw(text); }

tax_rules de_rules() {
    tax_rules rules;
    rules.seller.country = "DE";
    rules.seller.oss_registered = true;
    product_tax_class training;
    training.name = "training";
    training.kind = rate_kind::exempt;
    training.exemption_reason = {"Steuerfrei nach § 4 Nr. 21 UStG", "Exempt under section 4 no. 21 UStG"};
    training.exemption_code = "VATEX-EU-132";
    rules.product_classes.push_back(training);
    return rules;
}

tax_rules_resolver resolver() {
    std::map<std::string, tax_rules, std::less<>> rules;
    rules.emplace("DE01", de_rules());
    return tax_rules_resolver(std::move(rules));
}

// Monthly in advance from `start`, one flat-fee item of 100.00 determined by the tax rules.
billing_plan plan(
    std::string_view start, std::string country, bool business, std::string supply = "services"
) {
    billing_plan p;
    p.id = "P-1";
    p.account.id = "A-1";
    p.account.name = "Kunde";
    p.account.country = std::move(country);
    p.buyer_tax.business = business;
    p.seller.id = "DE01";
    p.seller.name = "Muster GmbH";
    p.seller.country = "DE";
    p.start = day(start);
    p.language = "de";
    p.contract_id = p.id;
    plan_item item;
    item.key = "fee";
    item.description = "Gebühr";
    item.price.model = pricing_model::flat_fee;
    currency_prices eur;
    eur.price = dec("100.00");
    item.price.prices.push_back(eur);
    item.tax = item_tax{std::move(supply), "standard"};
    p.items.push_back(item);
    return p;
}

run_result run(const billing_plan& p, std::string_view cutoff, const vat_resolver* vat) {
    run_options options;
    options.cutoff = day(cutoff);
    options.vat = vat;
    std::vector<billing_plan> plans{p};
    return run_all(plans, {}, {}, options);
}

std::vector<std::string> vat_of_lines(const run_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.drafts) {
        for (const auto& l : d.lines) {
            out.push_back(l.vat.category + " " + to_string(l.vat.rate.trimmed()));
        }
    }
    return out;
}

TEST(tax_rules_resolver_test, each_period_takes_the_rate_of_its_tax_point) {
    // German VAT was 16 % from 2020-07-01 to 2020-12-31 (§ 28 Abs. 1 UStG, Zweites Corona-Steuerhilfegesetz),
    // 19 % before and after. A catch-up run over June 2020 to January 2021 bills each month at the rate of
    // its last day: June 19, July..December 16, January 19.
    const auto taxes = resolver();
    const auto r = run(plan("2020-06-01", "DE", true), "2021-01-01", &taxes);
    ASSERT_TRUE(r.failures.empty()) << r.failures.front().second.message;
    EXPECT_EQ(
        vat_of_lines(r),
        (std::vector<std::string>{"S 19", "S 16", "S 16", "S 16", "S 16", "S 16", "S 16", "S 19"})
    );
    ASSERT_EQ(r.drafts.size(), 1u);
    const auto& totals = r.drafts[0].totals;
    ASSERT_EQ(totals.breakdown.size(), 2u);
    // 6 x 100.00 at 16 % = 96.00; 2 x 100.00 at 19 % = 38.00.
    EXPECT_EQ(
        to_string(totals.breakdown[0].rate.trimmed()) + " " + to_string(totals.breakdown[0].tax), "16 96.00"
    );
    EXPECT_EQ(
        to_string(totals.breakdown[1].rate.trimmed()) + " " + to_string(totals.breakdown[1].tax), "19 38.00"
    );
    EXPECT_EQ(to_string(totals.gross), "934.00");
}

TEST(tax_rules_resolver_test, a_quarter_that_spans_a_rate_change_is_taxed_when_it_ends) {
    // § 13 Abs. 1 Nr. 1 a UStG: a partial service (Teilleistung) is supplied when its period ends. The
    // quarter June..August 2020 ends on August 31: 16 %.
    auto p = plan("2020-06-01", "DE", true);
    p.period = billing_period{3, period_unit::month};
    p.alignment = period_alignment::anniversary;
    const auto taxes = resolver();
    const auto r = run(p, "2020-06-01", &taxes);
    EXPECT_EQ(vat_of_lines(r), (std::vector<std::string>{"S 16"}));
}

TEST(tax_rules_resolver_test, reverse_charge_carries_its_exemption_reason_and_note) {
    // § 3a Abs. 2 UStG: B2B services to an FR business are supplied in FR; the recipient owes the VAT
    // (Art. 196 VAT Directive): category AE, VATEX-EU-AE, the reverse-charge note (§ 14a Abs. 5 UStG).
    auto p = plan("2026-04-01", "FR", true);
    p.account.vat_id = "FR40303265045";
    p.buyer_tax.vat_id_confirmed = true;
    const auto taxes = resolver();
    const auto r = run(p, "2026-04-01", &taxes);
    ASSERT_EQ(r.drafts.size(), 1u);
    EXPECT_EQ(vat_of_lines(r), (std::vector<std::string>{"AE 0"}));
    ASSERT_EQ(r.drafts[0].vat_exemptions.size(), 1u);
    EXPECT_EQ(r.drafts[0].vat_exemptions[0].category, "AE");
    EXPECT_EQ(r.drafts[0].vat_exemptions[0].code, "VATEX-EU-AE");
    ASSERT_FALSE(r.drafts[0].notes.empty());
    EXPECT_NE(r.drafts[0].notes[0].find("Steuerschuldnerschaft des Leistungsempfängers"), std::string::npos)
        << r.drafts[0].notes[0];
    ASSERT_EQ(r.drafts[0].tax_decisions.size(), 1u);
    const std::string& why = r.drafts[0].tax_decisions[0];
    EXPECT_EQ(why.rfind("item fee, tax point 2026-04-30: AE 0 % by eu_b2b_services_reverse_charge (", 0), 0u)
        << why;
    EXPECT_NE(why.find("vat_id=valid"), std::string::npos) << why;
}

TEST(tax_rules_resolver_test, goods_to_an_unconfirmed_vat_id_carry_home_vat_and_say_why) {
    // § 6a Abs. 1 Nr. 4 UStG: an intra-community supply is tax-free only to a buyer who used a valid VAT ID
    // of another member state; without a confirmed VAT ID the seller charges German VAT, and the record says
    // why.
    auto p = plan("2026-04-01", "FR", true, "goods");
    p.items[0].type = charge_type::one_time;
    p.account.vat_id = "FR40303265045";
    const auto taxes = resolver();
    auto r = run(p, "2026-04-01", &taxes);
    ASSERT_EQ(r.drafts.size(), 1u) << (r.failures.empty() ? "" : r.failures[0].second.message);
    EXPECT_EQ(vat_of_lines(r), (std::vector<std::string>{"S 19"}));
    ASSERT_EQ(r.drafts[0].tax_decisions.size(), 1u);
    EXPECT_NE(
        r.drafts[0].tax_decisions[0].find("eu_intra_community_supply_unconfirmed_vat_id"), std::string::npos
    ) << r.drafts[0].tax_decisions[0];
    p.buyer_tax.vat_id_confirmed = true;
    r = run(p, "2026-04-01", &taxes);
    EXPECT_EQ(vat_of_lines(r), (std::vector<std::string>{"K 0"}))
        << "confirmed: tax-free intra-community supply";
}

TEST(tax_rules_resolver_test, oss_consumer_in_italy_pays_italian_vat) {
    // § 3a Abs. 5 UStG: electronic services to an IT consumer are supplied in IT; the seller is OSS
    // registered: Italian standard rate 22 %.
    const auto taxes = resolver();
    const auto r = run(plan("2026-04-01", "IT", false, "electronic_services"), "2026-04-01", &taxes);
    EXPECT_EQ(vat_of_lines(r), (std::vector<std::string>{"S 22"}));
}

TEST(tax_rules_resolver_test, an_exempt_class_gets_its_reason_and_a_manual_draft_uses_the_same_resolver) {
    auto p = plan("2026-04-01", "DE", false);
    p.items[0].tax->product_class = "training";
    const auto taxes = resolver();
    manual_draft_input input;
    input.from_plan = manual_plan_lines{{}, {day("2026-04-01"), day("2026-04-30")}};
    input.vat = &taxes;
    auto draft = make_manual_draft(p, input);
    ASSERT_TRUE(draft) << draft.error().message;
    ASSERT_EQ(draft->lines.size(), 1u);
    EXPECT_EQ(draft->lines[0].vat.category, "E");
    ASSERT_EQ(draft->vat_exemptions.size(), 1u);
    EXPECT_EQ(draft->vat_exemptions[0].text, "Steuerfrei nach § 4 Nr. 21 UStG");
    EXPECT_EQ(draft->vat_exemptions[0].code, "VATEX-EU-132");
}

TEST(tax_rules_resolver_test, without_rules_or_buyer_country_the_plan_fails_closed_with_the_reason) {
    const auto none = run(plan("2026-04-01", "DE", true), "2026-04-01", nullptr);
    ASSERT_EQ(none.failures.size(), 1u);
    EXPECT_TRUE(none.drafts.empty());
    EXPECT_EQ(
        none.failures[0].second.message,
        "plan P-1: item fee asks for tax determination (tax:), but no tax rules are configured for legal "
        "entity "
        "DE01"
    );
    const auto taxes = resolver();
    const auto no_country = run(plan("2026-04-01", "", true), "2026-04-01", &taxes);
    ASSERT_EQ(no_country.failures.size(), 1u);
    EXPECT_EQ(
        no_country.failures[0].second.message,
        "plan P-1: item fee: account A-1 has no country; tax determination needs the buyer's country"
    );
    auto other_seller = plan("2026-04-01", "DE", true);
    other_seller.seller.id = "AT01";
    const auto unknown = run(other_seller, "2026-04-01", &taxes);
    ASSERT_EQ(unknown.failures.size(), 1u);
    EXPECT_NE(
        unknown.failures[0].second.message.find("no tax rules are configured for legal entity AT01"),
        std::string::npos
    );
}

}  // namespace
}  // namespace fakturad::billing::tax
