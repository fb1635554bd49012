#pragma once
// Durations and sizes as written in configuration: every one carries its unit, so that "30" can never
// mean seconds in one place and milliseconds in another.
//
//   durations: a sequence of <integer><unit> with unit ms, s, m (minutes), h, d — "30s", "1h30m", "250ms"
//   sizes:     <integer><unit> with unit B, KiB, MiB, GiB (powers of 1024) or kB, MB, GB (powers of 1000)
//   percents:  <integer or decimal with up to 2 places>% — "50%", "12.5%"; held as basis points (1% = 100)

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace fakturad {

// Either the parsed value or a message that says what was expected ("expected a duration with a unit, …").
template <typename T>
using parse_result = std::variant<T, std::string>;

[[nodiscard]] parse_result<std::chrono::milliseconds> parse_duration(std::string_view text);
[[nodiscard]] parse_result<std::uint64_t> parse_size(std::string_view text);
[[nodiscard]] parse_result<std::uint32_t> parse_percent_basis_points(std::string_view text);

// The shortest exact spelling: 90000ms -> "1m30s", 0 -> "0s".
[[nodiscard]] std::string format_duration(std::chrono::milliseconds value);
// Exact spelling in the largest binary unit that divides the value: 10485760 -> "10MiB".
[[nodiscard]] std::string format_size(std::uint64_t bytes);
// 1250 -> "12.5%".
[[nodiscard]] std::string format_percent_basis_points(std::uint32_t basis_points);

}  // namespace fakturad
