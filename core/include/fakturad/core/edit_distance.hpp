#pragma once
// Levenshtein distance, for "did you mean …?" hints on unknown keys and values in configuration, plan and
// tax-rule files.  Byte-wise (keys are ASCII); O(|a|·|b|) time, O(|b|) memory.

#include <cstddef>
#include <string_view>

namespace fakturad {

[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace fakturad
