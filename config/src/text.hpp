#pragma once
// Small text helpers for diagnostics.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fakturad::config::detail {

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// Levenshtein distance, case-sensitive.
// The candidate closest to `word` when it is close enough to be a likely typo, else nullopt.
[[nodiscard]] std::optional<std::string> nearest(
    std::string_view word, std::span<const std::string> candidates
);

}  // namespace fakturad::config::detail
