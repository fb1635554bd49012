// Measures the two hot paths of the money code: parse_decimal on typical raw JSON tokens, and a line net
// (quantity scale 4 x unit price scale 6, rounded half_up to cents). Prints per-run figures and, last, one
// line `RESULT parse_per_s=A mul_round_per_s=B` with the best of the runs.
#include "fakturad/core/decimal.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <vector>

namespace {

using fakturad::decimal;

constexpr std::array<std::string_view, 16> tokens{
    "19.99",
    "0.5",
    "1234.5678",
    "-42.10",
    "100",
    "0.000001",
    "99999.999999",
    "7",
    "3.1415",
    "-0.01",
    "250000.00",
    "12.345678",
    "0.3330",
    "48.00000",
    "1.0",
    "922337203685.4775",
};

std::uint64_t per_second(std::uint64_t operations, std::chrono::nanoseconds elapsed) {
    const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed.count(), 1));
    return operations * 1'000'000'000ULL / ns;
}

std::uint64_t run_parse(std::uint64_t rounds, std::uint64_t& checksum) {
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t r = 0; r < rounds; ++r) {
        for (const auto token : tokens) {
            auto value = fakturad::parse_decimal(token);
            checksum +=
                static_cast<std::uint64_t>(value->mantissa()) + static_cast<std::uint64_t>(value->scale());
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    return per_second(rounds * tokens.size(), std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
}

std::uint64_t run_mul_round(
    std::uint64_t rounds,
    const std::vector<decimal>& quantities,
    const std::vector<decimal>& prices,
    std::uint64_t& checksum
) {
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t r = 0; r < rounds; ++r) {
        for (std::size_t i = 0; i < quantities.size(); ++i) {
            auto net = fakturad::multiply(quantities[i], prices[i], 2, fakturad::rounding_mode::half_up);
            checksum += static_cast<std::uint64_t>(net->mantissa());
        }
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    return per_second(
        rounds * quantities.size(), std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed)
    );
}

}  // namespace

int main() {
    // Deterministic operands: quantity 0.0001..999.9999 (scale 4), price 0.000001..9999.999999 (scale 6).
    std::vector<decimal> quantities;
    std::vector<decimal> prices;
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    auto next = [&state] {
        state ^= state << 13U;
        state ^= state >> 7U;
        state ^= state << 17U;
        return state;
    };
    for (int i = 0; i < 1024; ++i) {
        quantities.emplace_back(static_cast<std::int64_t>(next() % 10'000'000) - 2'000'000, 4);
        prices.emplace_back(static_cast<std::int64_t>(next() % 10'000'000'000), 6);
    }

    std::uint64_t checksum = 0;  // unsigned: wraps instead of overflowing
    std::uint64_t best_parse = 0;
    std::uint64_t best_mul = 0;
    constexpr int runs = 5;
    for (int run = 1; run <= runs; ++run) {
        const std::uint64_t parse = run_parse(200'000, checksum);
        const std::uint64_t mul = run_mul_round(3'000, quantities, prices, checksum);
        best_parse = std::max(best_parse, parse);
        best_mul = std::max(best_mul, mul);
        std::printf(
            "run %d: parse %llu/s, quantity x price -> cents %llu/s\n",
            run,
            static_cast<unsigned long long>(parse),
            static_cast<unsigned long long>(mul)
        );
    }
    std::printf("checksum %llu\n", static_cast<unsigned long long>(checksum));
    std::printf(
        "RESULT parse_per_s=%llu mul_round_per_s=%llu\n",
        static_cast<unsigned long long>(best_parse),
        static_cast<unsigned long long>(best_mul)
    );
    return 0;
}
