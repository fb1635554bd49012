#pragma once
// The port through which the engine asks tax determination (billing/tax) for the VAT of a line whose item
// has `tax:` instead of a fixed `vat:` (plan.hpp). The engine stays free of tax law: it hands over the plan
// (seller, buyer, buyer_tax facts), the item (supply kind, product class) and the tax point, and receives
// category, rate, the exemption reason and the notes the law requires on the invoice, in the plan's
// language. billing/tax's tax_rules_resolver implements it from the operator's tax rules.
//
// Tax point: the last day of the line's service period (§13 Abs. 1 Nr. 1a UStG: a periodic service is
// supplied when each period ends), the item's start for a one-time charge. A credit for unused days is
// determined at the tax point of its own days, which lie in the credited period: the same facts give the
// same treatment as the charge it reverses.

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/vat.hpp"
#include "fakturad/core/calendar.hpp"

#include <string>
#include <vector>

namespace fakturad::billing {

struct resolved_vat {
    vat_treatment vat;
    vat_exemption exemption;         // category empty when the treatment needs no exemption reason
    std::vector<std::string> notes;  // legally required invoice notes (BT-22), in the plan's language
    // Why: the rule, its legal basis and the facts that decided, for the invoice record (not printed), e.g.
    // "S 19: eu_intra_community_supply_unconfirmed_vat_id (§ 6a Abs. 1 Nr. 4 UStG) seller=DE;...".
    std::string decision;
};

class vat_resolver {
public:
    virtual ~vat_resolver() = default;
    // Errors: invalid_plan with the reason (no tax rules for the seller, an unsupported case, a buyer
    // fact missing); the run then fails this plan closed.
    [[nodiscard]] virtual billing_result<resolved_vat> resolve(
        const billing_plan& plan, const plan_item& item, civil_date tax_point
    ) const = 0;
};

}  // namespace fakturad::billing
