// Per-component tax subtotals: each tax rounded on its own; EU VAT agrees with core's invoice totals.

#include "fakturad/billing/tax/subtotals.hpp"

#include <gtest/gtest.h>

namespace fakturad::billing::tax {
namespace {

money cad(const char* text) { return {parse_decimal_or_throw(text), currency("CAD")}; }
money eur(const char* text) { return {parse_decimal_or_throw(text), currency("EUR")}; }

tax_determination with_components(std::vector<tax_component> components) {
    tax_determination d;
    d.category = vat_category::standard_rate;
    decimal sum;
    for (const auto& c : components) {
        sum = sum + c.rate;
    }
    d.rate = sum;
    d.components = std::move(components);
    return d;
}

TEST(ComponentSubtotals, GstAndPstAreRoundedSeparately) {
    // BC: GST 5 % and PST 7 % on 10.10 CAD (by hand):
    //   GST 10.10 x 0.05 = 0.505 -> 0.51;  PST 10.10 x 0.07 = 0.707 -> 0.71;  total 1.22.
    //   The combined 12 % would give 1.212 -> 1.21: one cent less, which is why components are kept apart.
    const auto bc = with_components({{"GST", "CA", decimal{5}}, {"PST", "CA-BC", decimal{7}}});
    const taxed_line lines[] = {{cad("10.10"), &bc}};
    const auto r = compute_component_subtotals(lines, currency("CAD"));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0].name, "GST");
    EXPECT_EQ((*r)[0].tax_amount.amount(), parse_decimal_or_throw("0.51"));
    EXPECT_EQ((*r)[1].name, "PST");
    EXPECT_EQ((*r)[1].tax_amount.amount(), parse_decimal_or_throw("0.71"));
}

TEST(ComponentSubtotals, GstIsSharedAcrossProvincesOfOneInvoice) {
    // Lines to BC (GST+PST) and AB (GST): GST base 100.00 + 50.00 = 150.00 -> 7.50; PST 100.00 x 7 % = 7.00.
    const auto bc = with_components({{"GST", "CA", decimal{5}}, {"PST", "CA-BC", decimal{7}}});
    const auto ab = with_components({{"GST", "CA", decimal{5}}});
    const taxed_line lines[] = {{cad("100.00"), &bc}, {cad("50.00"), &ab}};
    const auto r = compute_component_subtotals(lines, currency("CAD"));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0].jurisdiction, "CA");
    EXPECT_EQ((*r)[0].taxable_amount.amount(), parse_decimal_or_throw("150.00"));
    EXPECT_EQ((*r)[0].tax_amount.amount(), parse_decimal_or_throw("7.50"));
    EXPECT_EQ((*r)[1].jurisdiction, "CA-BC");
    EXPECT_EQ((*r)[1].tax_amount.amount(), parse_decimal_or_throw("7.00"));
}

TEST(ComponentSubtotals, EuVatMatchesCoreInvoiceTotals) {
    // 3 x 0.69 and 4 x 0.99 at 19 % (JustOn's example in core/rounding.hpp): 6.03 x 0.19 = 1.1457 -> 1.15,
    // plus 2 x 10.00 at 7 % = 1.40 and an AE line that carries no tax.
    const auto s19 = with_components({{"VAT", "DE", decimal{19}}});
    const auto s7 = with_components({{"VAT", "DE", decimal{7}}});
    tax_determination ae;
    ae.category = vat_category::reverse_charge;
    const invoice_totals_line totals_lines[] = {
        totals_line(s19, decimal{3}, parse_decimal_or_throw("0.69")),
        totals_line(s19, decimal{4}, parse_decimal_or_throw("0.99")),
        totals_line(s7, decimal{2}, parse_decimal_or_throw("10.00")),
        totals_line(ae, decimal{1}, parse_decimal_or_throw("100.00")),
    };
    const auto core_totals = compute_invoice_totals(totals_lines, currency("EUR"));
    ASSERT_TRUE(core_totals.has_value());
    ASSERT_EQ(core_totals->breakdown.size(), 3U);  // AE 0, S 7, S 19
    EXPECT_EQ(core_totals->total_tax.amount(), parse_decimal_or_throw("2.55"));

    const taxed_line lines[] = {
        {eur("2.07"), &s19}, {eur("3.96"), &s19}, {eur("20.00"), &s7}, {eur("100.00"), &ae}};
    const auto r = compute_component_subtotals(lines, currency("EUR"));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->size(), 2U);
    EXPECT_EQ((*r)[0].rate, decimal{7});
    EXPECT_EQ((*r)[0].tax_amount.amount(), parse_decimal_or_throw("1.40"));
    EXPECT_EQ((*r)[1].rate, decimal{19});
    EXPECT_EQ((*r)[1].tax_amount.amount(), parse_decimal_or_throw("1.15"));
}

TEST(ComponentSubtotals, CurrencyMismatchIsAnError) {
    const auto s19 = with_components({{"VAT", "DE", decimal{19}}});
    const taxed_line lines[] = {{cad("1.00"), &s19}};
    const auto r = compute_component_subtotals(lines, currency("EUR"));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), make_error_code(money_errc::currency_mismatch));
}

}  // namespace
}  // namespace fakturad::billing::tax
