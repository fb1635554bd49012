#pragma once
// The billing engine's vat_resolver (billing/vat_resolver.hpp) on the operator's tax rules: one rule set per
// legal entity (seller code), determination by determine_tax() for each item and tax point.
//
// Buyer facts come from the plan: the account's country, subdivision (province/state) and VAT ID, and
// plan.buyer_tax (business or consumer, VAT ID confirmed). Texts (exemption reason, notes) are taken in the
// plan's language: German for "de", English otherwise.

#include "fakturad/billing/tax/determine.hpp"
#include "fakturad/billing/vat_resolver.hpp"

#include <map>
#include <string>

namespace fakturad::billing::tax {

class tax_rules_resolver final : public vat_resolver {
public:
    // rules per legal entity code
    explicit tax_rules_resolver(std::map<std::string, tax_rules, std::less<>> rules)
        : rules_(std::move(rules)) {}

    [[nodiscard]] billing_result<resolved_vat> resolve(
        const billing_plan& plan, const plan_item& item, civil_date tax_point
    ) const override;

private:
    std::map<std::string, tax_rules, std::less<>> rules_;
};

}  // namespace fakturad::billing::tax
