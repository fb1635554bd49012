#pragma once
// What has been billed for a plan already: the engine's only memory, supplied by the store with the plan.
//
// Per item:
//   billed_through  last day of the last regular period billed (JustOn's Next Service Period Start minus a
//                   day); nullopt: never billed. The next run continues the period sequence on the day
//                   after, and bills every period that is due since (catch-up of missed runs).
//   charges         billed charges a change can still affect: the store passes every charge of the item
//                   whose period ends on or after the earliest quantity change / end date that lies on or
//                   before billed_through (simplest correct choice: all charges of the last periods). For
//                   each day inside a passed charge's period the engine compares the billed quantity with
//                   the plan's current quantity and credits/charges the difference (run.hpp); days outside
//                   every passed charge are not examined.
// A charge's credited tail: credits always take the tail of a charge from a day on (credited_from) to its
// end; `credited` is the credited amount so far, never more than billed_net (Lago #1778: credits are
// capped by what was actually billed and not yet credited).
//
// apply_to_state() is what the store does when it commits a document, so tests and previews can run a
// second time on the state the first run left ("the same run twice bills nothing new").

#include "fakturad/billing/invoice.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

struct billed_charge {
    civil_date period_start;
    civil_date period_end;  // inclusive
    std::uint32_t revision = 0;
    decimal quantity;    // as billed (snapshot)
    decimal billed_net;  // as billed, incl. the item's discount lines (snapshot)
    decimal credited;    // credited so far, 0 <= credited <= billed_net (for positive nets)
    std::optional<civil_date> credited_from;  // first day of the credited tail
};

struct item_state {
    std::string item_key;
    std::optional<civil_date> billed_through;
    std::vector<billed_charge> charges;  // ordered by period_start, revision
};

struct plan_state {
    std::string plan_id;
    std::vector<item_state> items;
    // Project plans: the milestones billed already (by any document, draft or not) and the plan's advance,
    // progress and final documents so far (the earlier shares make_agreed_share and make_final_invoice
    // count).
    std::vector<std::string> billed_milestones;
    std::vector<invoice> contract_documents;

    [[nodiscard]] const item_state* find(std::string_view item_key) const noexcept;
    item_state& get(std::string_view item_key);  // adds an empty entry when missing
};

// Records what `doc` bills, credits and releases in `state` (the entries whose plan_id matches):
// regular charges advance billed_through, every billed charge is added with its snapshot, proration
// credits add to the credited charge and set its credited tail; a cancellation's released periods are
// removed again and billed_through is moved back to the day before the earliest released regular period.
void apply_to_state(const invoice& doc, plan_state& state);

}  // namespace fakturad::billing
