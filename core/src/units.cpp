#include "fakturad/core/units.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace fakturad {
namespace {

struct unit_factor {
    std::string_view name;
    std::uint64_t factor;
};

// Reads a run of decimal digits; false when there is none or it overflows.
bool read_digits(std::string_view& text, std::uint64_t& value) {
    const auto* first = text.data();
    const auto* last = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || ptr == first) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(ptr - first));
    return true;
}

bool multiply_checked(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
        return false;
    }
    out = a * b;
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

parse_result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    // Longest names first so that "ms" is not read as "m" followed by garbage.
    static constexpr std::array<unit_factor, 5> units{{
        {"ms", 1},
        {"s", 1000},
        {"m", 60'000},
        {"h", 3'600'000},
        {"d", 86'400'000},
    }};
    const std::string expected =
        "expected a duration with a unit (ms, s, m, h, d), e.g. 30s, 5m, 1h30m; got '" + std::string(text) +
        "'";
    std::string_view rest = trim(text);
    if (rest.empty()) {
        return expected;
    }
    std::uint64_t total = 0;
    while (!rest.empty()) {
        std::uint64_t amount = 0;
        if (!read_digits(rest, amount)) {
            return expected;
        }
        const unit_factor* unit = nullptr;
        for (const auto& u : units) {
            if (rest.starts_with(u.name)) {
                unit = &u;
                break;
            }
        }
        if (unit == nullptr) {
            return expected;
        }
        rest.remove_prefix(unit->name.size());
        std::uint64_t part = 0;
        if (!multiply_checked(amount, unit->factor, part) ||
            total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - part) {
            return "duration too large: '" + std::string(text) + "'";
        }
        total += part;
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(total));
}

parse_result<std::uint64_t> parse_size(std::string_view text) {
    static constexpr std::array<unit_factor, 7> units{{
        {"KiB", 1024ULL},
        {"MiB", 1024ULL * 1024},
        {"GiB", 1024ULL * 1024 * 1024},
        {"kB", 1000ULL},
        {"MB", 1000ULL * 1000},
        {"GB", 1000ULL * 1000 * 1000},
        {"B", 1ULL},
    }};
    const std::string expected =
        "expected a size with a unit (B, KiB, MiB, GiB, kB, MB, GB), e.g. 10MiB; got '" + std::string(text) +
        "'";
    std::string_view rest = trim(text);
    std::uint64_t amount = 0;
    if (!read_digits(rest, amount)) {
        return expected;
    }
    for (const auto& u : units) {
        if (rest == u.name) {
            std::uint64_t bytes = 0;
            if (!multiply_checked(amount, u.factor, bytes)) {
                return "size too large: '" + std::string(text) + "'";
            }
            return bytes;
        }
    }
    return expected;
}

parse_result<std::uint32_t> parse_percent_basis_points(std::string_view text) {
    const std::string expected =
        "expected a percentage between 0% and 100% with at most two decimals, e.g. 50% or 12.5%; got '" +
        std::string(text) + "'";
    std::string_view rest = trim(text);
    if (!rest.ends_with('%')) {
        return expected;
    }
    rest.remove_suffix(1);
    std::uint64_t whole = 0;
    if (!read_digits(rest, whole)) {
        return expected;
    }
    std::uint64_t fraction = 0;
    if (!rest.empty()) {
        if (rest.front() != '.') {
            return expected;
        }
        rest.remove_prefix(1);
        const std::size_t places = rest.size();
        if (places == 0 || places > 2 || !read_digits(rest, fraction) || !rest.empty()) {
            return expected;
        }
        if (places == 1) {
            fraction *= 10;
        }
    }
    if (whole > 100 || (whole == 100 && fraction != 0)) {
        return expected;
    }
    return static_cast<std::uint32_t>(whole * 100 + fraction);
}

std::string format_duration(std::chrono::milliseconds value) {
    auto ms = value.count();
    if (ms == 0) {
        return "0s";
    }
    std::string out;
    if (ms < 0) {
        out += '-';
        ms = -ms;
    }
    static constexpr std::array<unit_factor, 5> units{{
        {"d", 86'400'000},
        {"h", 3'600'000},
        {"m", 60'000},
        {"s", 1000},
        {"ms", 1},
    }};
    auto rest = static_cast<std::uint64_t>(ms);
    for (const auto& u : units) {
        if (rest >= u.factor) {
            out += std::to_string(rest / u.factor);
            out += u.name;
            rest %= u.factor;
        }
    }
    return out;
}

std::string format_size(std::uint64_t bytes) {
    static constexpr std::array<unit_factor, 3> units{{
        {"GiB", 1024ULL * 1024 * 1024},
        {"MiB", 1024ULL * 1024},
        {"KiB", 1024ULL},
    }};
    for (const auto& u : units) {
        if (bytes != 0 && bytes % u.factor == 0) {
            return std::to_string(bytes / u.factor) + std::string(u.name);
        }
    }
    return std::to_string(bytes) + "B";
}

std::string format_percent_basis_points(std::uint32_t basis_points) {
    std::string out = std::to_string(basis_points / 100);
    const auto fraction = basis_points % 100;
    if (fraction != 0) {
        out += '.';
        out += static_cast<char>('0' + fraction / 10);
        if (fraction % 10 != 0) {
            out += static_cast<char>('0' + fraction % 10);
        }
    }
    return out + "%";
}

}  // namespace fakturad
