#pragma once
// Usage (consumption and transactions) and its aggregation over a billing period.
//
// A usage record belongs to one item of one plan and to one civil date: the caller converts the record's
// instant to a date in the account's time zone once, at the edge (store/connector), with the same function
// for billing and for "already billed?" look-ups (Kill Bill #1856: two boundary functions billed a period
// twice). The engine only sees dates.
//
// Aggregations over the records whose date lies in the period [first, last] (both included):
//   sum           sum of quantities                         (API calls, GB transferred, transaction volume)
//   count         number of records                         (events, transactions)
//   max           largest quantity; 0 without records       (peak seats, peak storage)
//   last          quantity of the latest record: greatest (date, sequence); 0 without records
//   unique_count  number of distinct unique_key values      (active users)
// Records with a date outside the period are ignored, so the same list can be passed for several periods.

#include "fakturad/billing/error.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fakturad::billing {

enum class usage_aggregation : std::uint8_t { sum, count, max, last, unique_count };

[[nodiscard]] std::string_view to_string(usage_aggregation a) noexcept;
[[nodiscard]] std::optional<usage_aggregation> parse_usage_aggregation(std::string_view text) noexcept;

struct usage_record {
    std::string plan_id;         // the plan it belongs to (run_all filters by it; add() ignores it)
    std::string item_key;        // the plan item it belongs to
    civil_date date;             // civil date in the account's zone
    std::uint64_t sequence = 0;  // order within a day for `last` (e.g. the store row id)
    decimal quantity;            // quantity or, for percentage items, the transaction amount
    std::string unique_key;      // what unique_count counts (a user id); may be empty otherwise
};

struct usage_measure {
    decimal value;             // the aggregate
    decimal volume;            // sum of quantities (what a percentage item charges on)
    std::int64_t records = 0;  // records in the period
};

// Aggregates the records of `item_key` in `period`. Errors: arithmetic (overflow of the sum).
[[nodiscard]] billing_result<usage_measure> aggregate_usage(
    std::span<const usage_record> records,
    std::string_view item_key,
    const date_range& period,
    usage_aggregation aggregation
);

}  // namespace fakturad::billing
