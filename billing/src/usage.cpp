#include "fakturad/billing/usage.hpp"

#include "arith.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace fakturad::billing {
namespace {

constexpr std::array<std::pair<std::string_view, usage_aggregation>, 5> aggregation_names{{
    {"sum", usage_aggregation::sum},
    {"count", usage_aggregation::count},
    {"max", usage_aggregation::max},
    {"last", usage_aggregation::last},
    {"unique_count", usage_aggregation::unique_count},
}};

}  // namespace

std::string_view to_string(usage_aggregation a) noexcept {
    for (const auto& [name, value] : aggregation_names) {
        if (value == a) {
            return name;
        }
    }
    return "unknown";
}

std::optional<usage_aggregation> parse_usage_aggregation(std::string_view text) noexcept {
    for (const auto& [name, value] : aggregation_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

billing_result<usage_measure> aggregate_usage(
    std::span<const usage_record> records,
    std::string_view item_key,
    const date_range& period,
    usage_aggregation aggregation
) {
    try {
        usage_measure m;
        std::optional<decimal> max;
        const usage_record* last = nullptr;
        std::vector<std::string_view> keys;
        for (const auto& r : records) {
            if (r.item_key != item_key || !period.contains(r.date)) {
                continue;
            }
            ++m.records;
            m.volume = m.volume + r.quantity;
            if (!max || *max < r.quantity) {
                max = r.quantity;
            }
            if (last == nullptr || last->date < r.date ||
                (last->date == r.date && last->sequence <= r.sequence)) {
                last = &r;
            }
            if (aggregation == usage_aggregation::unique_count) {
                keys.push_back(r.unique_key);
            }
        }
        switch (aggregation) {
            case usage_aggregation::sum:
                m.value = m.volume;
                break;
            case usage_aggregation::count:
                m.value = decimal{m.records};
                break;
            case usage_aggregation::max:
                m.value = max.value_or(decimal{});
                break;
            case usage_aggregation::last:
                m.value = last != nullptr ? last->quantity : decimal{};
                break;
            case usage_aggregation::unique_count: {
                std::sort(keys.begin(), keys.end());
                const auto distinct = std::unique(keys.begin(), keys.end()) - keys.begin();
                m.value = decimal{static_cast<std::int64_t>(distinct)};
                break;
            }
        }
        return m;
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "usage of item " + std::string(item_key));
    }
}

}  // namespace fakturad::billing
