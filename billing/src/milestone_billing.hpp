#pragma once
// The documents a project plan's milestones call for at a cutoff (plan.hpp, milestone): the run's path for
// plans with milestones instead of periods. Pure.

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/vat_resolver.hpp"
#include "fakturad/core/calendar.hpp"

#include <vector>

namespace fakturad::billing::detail {

// Every milestone not billed yet, in list order, whose due date is on or before `cutoff`; a final invoice
// only once every earlier milestone's document is finalized (else it and later ones wait). Each document
// carries its milestone key and the plan id. Errors: invalid_plan (no price in the plan's currency, tax
// determination failing), arithmetic, over_advance (from make_agreed_share).
[[nodiscard]] billing_result<std::vector<invoice>> bill_milestones(
    const billing_plan& plan, const plan_state& state, civil_date cutoff, const vat_resolver* vat
);

}  // namespace fakturad::billing::detail
