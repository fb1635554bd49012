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

}  // namespace fakturad::mapping
