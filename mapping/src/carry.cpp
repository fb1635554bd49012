#include "fakturad/mapping/bound_mapping.hpp"

#include <algorithm>

namespace fakturad::mapping {

billing::billing_plan carry_removed_items(
    const billing::billing_plan& before, billing::billing_plan after, civil_date removed_on
) {
    for (const auto& item : before.items) {
        const bool kept =
            std::any_of(after.items.begin(), after.items.end(), [&](const billing::plan_item& i) {
                return i.key == item.key;
            });
        if (kept) {
            continue;
        }
        const civil_date start = item.start.value_or(before.start);
        if (removed_on < start) {
            continue;  // never billed: nothing to credit
        }
        billing::plan_item ended = item;
        const std::optional<civil_date> end = ended.end ? ended.end : before.end;
        ended.end = end && *end < removed_on ? *end : removed_on;
        after.items.push_back(std::move(ended));
    }
    return after;
}

billing::billing_plan carry_plan_history(
    const billing::billing_plan& before, billing::billing_plan after, civil_date changed_on
) {
    after = carry_removed_items(before, std::move(after), changed_on);
    for (auto& item : after.items) {
        const auto old =
            std::find_if(before.items.begin(), before.items.end(), [&](const billing::plan_item& i) {
                return i.key == item.key;
            });
        if (old == before.items.end() || item.type == billing::charge_type::usage || !item.changes.empty()) {
            continue;
        }
        const civil_date start = item.start.value_or(after.start);
        if (changed_on <= start) {
            continue;  // not started yet: the new quantity holds from the start
        }
        // The quantity the plan had on changed_on, after its earlier changes.
        decimal current = old->quantity;
        std::vector<billing::quantity_change> history;
        for (const auto& c : old->changes) {
            if (c.effective < changed_on) {
                current = c.quantity;
                history.push_back(c);
            }
        }
        const decimal wanted = item.quantity;
        item.quantity = old->quantity;
        if (wanted != current) {
            billing::quantity_change change;
            change.effective = changed_on;
            change.quantity = wanted;
            history.push_back(change);
        }
        item.changes = std::move(history);
    }
    return after;
}

}  // namespace fakturad::mapping
