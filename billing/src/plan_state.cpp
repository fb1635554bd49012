#include "fakturad/billing/plan_state.hpp"

#include <algorithm>

namespace fakturad::billing {
namespace {

billed_charge* find_charge(item_state& item, civil_date start, std::uint32_t revision) {
    for (auto& c : item.charges) {
        if (c.period_start == start && c.revision == revision) {
            return &c;
        }
    }
    return nullptr;
}

}  // namespace

const item_state* plan_state::find(std::string_view item_key) const noexcept {
    for (const auto& i : items) {
        if (i.item_key == item_key) {
            return &i;
        }
    }
    return nullptr;
}

item_state& plan_state::get(std::string_view item_key) {
    for (auto& i : items) {
        if (i.item_key == item_key) {
            return i;
        }
    }
    items.push_back(item_state{std::string(item_key), std::nullopt, {}});
    return items.back();
}

void apply_to_state(const invoice& doc, plan_state& state) {
    if (doc.type == document_type::pro_forma) {
        return;  // a pro-forma bills nothing
    }
    if (!doc.milestone.empty() &&
        std::find(doc.plan_ids.begin(), doc.plan_ids.end(), state.plan_id) != doc.plan_ids.end()) {
        state.billed_milestones.push_back(doc.milestone);
        state.contract_documents.push_back(doc);
        return;
    }
    if (doc.type == document_type::cancellation) {
        for (const auto& ref : doc.released) {
            if (ref.key.plan_id != state.plan_id) {
                continue;
            }
            item_state& item = state.get(ref.key.item_key);
            std::erase_if(item.charges, [&](const billed_charge& c) {
                return c.period_start == ref.key.period_start && c.revision == ref.key.revision;
            });
            if (ref.regular && item.billed_through && !(*item.billed_through < ref.key.period_start)) {
                item.billed_through = add_days(ref.key.period_start, -1);
            }
        }
        // The original's credits against earlier charges are undone with it.
        for (const auto& line : doc.lines) {
            if (!line.credits || line.credits->plan_id != state.plan_id) {
                continue;
            }
            item_state& item = state.get(line.credits->item_key);
            if (billed_charge* c = find_charge(item, line.credits->period_start, line.credits->revision)) {
                c->credited = c->credited + line.net;  // the credit line's net is negative
                if (c->credited.is_zero()) {
                    c->credited_from.reset();
                }
            }
        }
        return;
    }
    const bool credit_note = doc.type == document_type::credit_note;
    if (!credit_note) {
        for (const auto& ref : doc.billed) {
            if (ref.key.plan_id != state.plan_id) {
                continue;
            }
            item_state& item = state.get(ref.key.item_key);
            billed_charge c;
            c.period_start = ref.key.period_start;
            c.period_end = ref.period_end;
            c.revision = ref.key.revision;
            c.quantity = ref.quantity;
            c.billed_net = ref.billed_net;
            auto pos = std::find_if(item.charges.begin(), item.charges.end(), [&](const billed_charge& o) {
                return c.period_start < o.period_start ||
                       (c.period_start == o.period_start && c.revision < o.revision);
            });
            item.charges.insert(pos, c);
            if (ref.regular && (!item.billed_through || *item.billed_through < ref.period_end)) {
                item.billed_through = ref.period_end;
            }
        }
    }
    for (const auto& line : doc.lines) {
        if (!line.credits || line.credits->plan_id != state.plan_id) {
            continue;
        }
        item_state& item = state.get(line.credits->item_key);
        billed_charge* c = find_charge(item, line.credits->period_start, line.credits->revision);
        if (c == nullptr) {
            continue;
        }
        if (credit_note) {
            c->credited = c->credited + line.net;  // credit note lines state the credited amount
            continue;
        }
        c->credited = c->credited - line.net;  // a proration credit line's net is negative
        if (line.period && (!c->credited_from || line.period->first < *c->credited_from)) {
            c->credited_from = line.period->first;
        }
    }
}

}  // namespace fakturad::billing
