#pragma once
// Tax determination: seller, buyer and supply in; EN 16931 VAT category, rate, exemption reason, legal
// notes and the rule that applied out. The decision table with its legal references is in
// billing/tax/README.md; every branch of determine.cpp names its legal basis in the result.
//
// Scope (anything else is tax_errc::unsupported with a message that says so, never a guess):
//   - Sellers established in an EU member state. Germany completely (19/7/0 %, §19 UStG, §13b UStG for
//     construction services, building cleaning and scrap metal); other member states with their domestic
//     rates and the same EU cross-border rules (without their national small-business or domestic
//     reverse-charge schemes).
//   - Cross-border from the EU: B2B services reverse charge (AE), intra-community supply of goods (K) with
//     a confirmed VAT ID, else home VAT; B2C distance sales and electronic services at the destination
//     rate via OSS (all 27 states, rate data with effective dates); exports of goods (G); services to
//     businesses and electronic services to consumers outside the EU (O) - or, when the seller is
//     registered there, Canadian GST/HST/PST/QST or US sales tax from the operator's table.
//   - Sellers established in Canada (GST/HST/PST/RST/QST by province of supply) or the United States
//     (operator's state table) supplying within their country.
//
// Pure: no I/O, no clock (the supply date is an input), thread-safe, deterministic.

#include "fakturad/billing/tax/tax_error.hpp"
#include "fakturad/billing/tax/tax_types.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace fakturad::billing::tax {

// The operator's tax configuration for one legal entity (seller), usually from YAML (tax_rules_yaml.hpp).
struct tax_rules {
    seller_profile seller;
    std::vector<product_tax_class> product_classes;
    std::vector<us_sales_tax_rate> us_sales_tax;  // states where the seller collects US sales tax

    // The configured class of that name; else the built-in classes "standard", "reduced", "reduced_2",
    // "super_reduced", "parking" and "zero" (rate_kind of the same name); else nullptr. "exempt" is not
    // built in: an exempt class needs its exemption reason.
    [[nodiscard]] const product_tax_class* find_class(std::string_view name) const;
};

// Determines the tax of one supply (one invoice line, or several lines with the same inputs).
// Errors: see tax_errc; unknown_product_class when s.product_class is neither configured nor built in.
[[nodiscard]] tax_result<tax_determination> determine_tax(
    const tax_rules& rules, const buyer_profile& buyer, const supply& s
);

// The same with the product class given directly.
[[nodiscard]] tax_result<tax_determination> determine_tax(
    const seller_profile& seller,
    const buyer_profile& buyer,
    const supply& s,
    const product_tax_class& product_class,
    std::span<const us_sales_tax_rate> us_sales_tax
);

}  // namespace fakturad::billing::tax
