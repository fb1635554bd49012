#pragma once
// The store's text encodings of time (store/README.md): instants "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, always
// with milliseconds, so that text order is time order) and civil dates "YYYY-MM-DD".

#include "fakturad/core/clock.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::store::detail {

[[nodiscard]] std::string instant_text(instant at);
// nullopt when `text` is not in the store's format.
[[nodiscard]] std::optional<instant> parse_instant_text(std::string_view text);

[[nodiscard]] std::string date_text(std::chrono::year_month_day day);
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_date_text(std::string_view text);

}  // namespace fakturad::store::detail
