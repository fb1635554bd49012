#pragma once
// The JSON form of a billing plan in billing_plans.plan_document: the whole billing::billing_plan as the
// mapping made it, which is what invoice runs bill from (the columns of billing_plans and plan_items are
// the query surface). Every field is written (optional ones only when set), so decoding gives back exactly
// the plan that was encoded, decimals with their scale. Encoding is deterministic: the same plan gives the
// same text, which is how put_plan tells an unchanged plan. Reading is strict (json_codec.hpp).

#include "fakturad/billing/plan.hpp"

#include <string>
#include <string_view>

namespace fakturad::store::detail {

[[nodiscard]] std::string plan_to_json(const billing::billing_plan& plan);

// The pricing alone (plan_items.pricing_data), in the same form as in the plan document.
[[nodiscard]] std::string pricing_to_json(const billing::pricing& pricing);

// Throws store_error naming the field when `json` is not a plan this build wrote.
[[nodiscard]] billing::billing_plan plan_from_json(std::string_view json);

}  // namespace fakturad::store::detail
