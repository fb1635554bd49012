#include "fakturad/core/decimal.hpp"

#include <algorithm>
#include <array>

namespace fakturad {
namespace {

// -Wpedantic rejects a plain __int128; __extension__ marks the GCC/Clang extension as intended.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

constexpr int max_intermediate_scale = 38;  // 10^38 < 2^128: the largest power of ten a uint128 holds

constexpr std::array<uint128, max_intermediate_scale + 1> make_powers_of_ten() {
    std::array<uint128, max_intermediate_scale + 1> p{};
    p[0] = 1;
    for (std::size_t i = 1; i < p.size(); ++i) {
        p[i] = p[i - 1] * 10;
    }
    return p;
}
constexpr auto pow10 = make_powers_of_ten();

constexpr auto max_magnitude = static_cast<uint128>(decimal::max_mantissa);

uint128 pow10_at(int exponent) { return pow10[static_cast<std::size_t>(exponent)]; }

uint128 magnitude(std::int64_t m) {
    // The mantissa is never INT64_MIN, so the negation cannot overflow.
    return m < 0 ? static_cast<uint128>(-m) : static_cast<uint128>(m);
}

// Whether a truncated quotient q (remainder r > 0, divisor d) moves one step away from zero.
bool round_away(uint128 q, uint128 r, uint128 d, bool negative, rounding_mode mode) {
    switch (mode) {
        case rounding_mode::down:
            return false;
        case rounding_mode::up:
            return true;
        case rounding_mode::floor:
            return negative;
        case rounding_mode::ceiling:
            return !negative;
        case rounding_mode::half_up:
            return r >= d - r;  // 2r >= d without the doubling overflowing
        case rounding_mode::half_even:
            return r > d - r || (r == d - r && (q & 1U) != 0);
    }
    return false;
}

uint128 divide_rounded(uint128 n, uint128 d, bool negative, rounding_mode mode) {
    const uint128 q = n / d;
    const uint128 r = n % d;
    return (r != 0 && round_away(q, r, d, negative, mode)) ? q + 1 : q;
}

money_result<decimal> make_decimal(uint128 mag, bool negative, int scale) {
    if (mag > max_magnitude) {
        return money_errc::overflow;
    }
    const auto m = static_cast<std::int64_t>(mag);
    return decimal::from_parts(negative ? -m : m, scale);
}

// mag / 10^from_scale (from_scale 0..38) expressed at to_scale, rounded with mode when places are dropped.
money_result<decimal> round_to_scale(
    uint128 mag, bool negative, int from_scale, int to_scale, rounding_mode mode
) {
    if (to_scale < 0 || to_scale > decimal::max_scale) {
        return money_errc::scale_out_of_range;
    }
    if (to_scale >= from_scale) {
        const uint128 factor = pow10_at(to_scale - from_scale);
        if (mag > max_magnitude / factor) {
            return money_errc::overflow;
        }
        return make_decimal(mag * factor, negative, to_scale);
    }
    return make_decimal(
        divide_rounded(mag, pow10_at(from_scale - to_scale), negative, mode), negative, to_scale
    );
}

// Both mantissas at the larger scale; each fits 2^63 * 10^18 < 2^123.
struct aligned {
    int128 a;
    int128 b;
    int scale;
};

aligned align(decimal a, decimal b) {
    const int scale = std::max(a.scale(), b.scale());
    return {
        static_cast<int128>(a.mantissa()) * static_cast<int128>(pow10_at(scale - a.scale())),
        static_cast<int128>(b.mantissa()) * static_cast<int128>(pow10_at(scale - b.scale())),
        scale,
    };
}

money_result<decimal> from_int128(int128 value, int scale) {
    if (value > static_cast<int128>(decimal::max_mantissa) ||
        value < static_cast<int128>(decimal::min_mantissa)) {
        return money_errc::overflow;
    }
    return decimal::from_parts(static_cast<std::int64_t>(value), scale);
}

}  // namespace

decimal decimal::trimmed() const noexcept {
    decimal d = *this;
    while (d.scale_ > 0 && d.mantissa_ % 10 == 0) {
        d.mantissa_ /= 10;
        --d.scale_;
    }
    return d;
}

bool operator==(decimal a, decimal b) noexcept {
    const auto x = align(a, b);
    return x.a == x.b;
}

std::weak_ordering operator<=>(decimal a, decimal b) noexcept {
    const auto x = align(a, b);
    if (x.a < x.b) {
        return std::weak_ordering::less;
    }
    return x.a == x.b ? std::weak_ordering::equivalent : std::weak_ordering::greater;
}

money_result<decimal> add(decimal a, decimal b) noexcept {
    const auto x = align(a, b);
    return from_int128(x.a + x.b, x.scale);
}

money_result<decimal> subtract(decimal a, decimal b) noexcept {
    const auto x = align(a, b);
    return from_int128(x.a - x.b, x.scale);
}

money_result<decimal> multiply(decimal a, decimal b) noexcept {
    uint128 product = magnitude(a.mantissa()) * magnitude(b.mantissa());  // < 2^126
    const bool negative = a.is_negative() != b.is_negative();
    int scale = a.scale() + b.scale();
    // Dropping trailing zeros keeps the value exact; only then is a scale above 18 an error.
    while (scale > decimal::max_scale && product % 10 == 0) {
        product /= 10;
        --scale;
    }
    if (scale > decimal::max_scale) {
        return money_errc::scale_out_of_range;
    }
    return make_decimal(product, negative, scale);
}

money_result<decimal> multiply(decimal a, decimal b, int target_scale, rounding_mode mode) noexcept {
    const uint128 product = magnitude(a.mantissa()) * magnitude(b.mantissa());
    const bool negative = a.is_negative() != b.is_negative();
    return round_to_scale(product, negative, a.scale() + b.scale(), target_scale, mode);
}

money_result<decimal> divide(decimal a, decimal b, int target_scale, rounding_mode mode) noexcept {
    if (b.is_zero()) {
        return money_errc::division_by_zero;
    }
    if (target_scale < 0 || target_scale > decimal::max_scale) {
        return money_errc::scale_out_of_range;
    }
    const bool negative = a.is_negative() != b.is_negative();
    const uint128 n = magnitude(a.mantissa());
    const uint128 d = magnitude(b.mantissa());
    // q = a.m * 10^exponent / b.m at target_scale; exponent is in [-18, 36].
    int exponent = target_scale + b.scale() - a.scale();
    if (exponent < 0) {
        return make_decimal(
            divide_rounded(n, d * pow10_at(-exponent), negative, mode), negative, target_scale
        );
    }
    // Long division in chunks of up to 18 digits: n * 10^36 would not fit 128 bits, but r * 10^18 always
    // does because r < d < 2^63.
    uint128 q = n / d;
    uint128 r = n % d;
    while (exponent > 0) {
        if (q > max_magnitude) {
            return money_errc::overflow;
        }
        const int chunk = std::min(exponent, decimal::max_scale);
        const uint128 shifted = r * pow10_at(chunk);
        q = q * pow10_at(chunk) + shifted / d;
        r = shifted % d;
        exponent -= chunk;
    }
    if (r != 0 && round_away(q, r, d, negative, mode)) {
        ++q;
    }
    return make_decimal(q, negative, target_scale);
}

money_result<decimal> rescale(decimal a, int target_scale, rounding_mode mode) noexcept {
    return round_to_scale(magnitude(a.mantissa()), a.is_negative(), a.scale(), target_scale, mode);
}

decimal operator+(decimal a, decimal b) { return add(a, b).value(); }
decimal operator-(decimal a, decimal b) { return subtract(a, b).value(); }
decimal operator*(decimal a, decimal b) { return multiply(a, b).value(); }

money_result<decimal> parse_decimal(std::string_view text) noexcept {
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    uint128 mag = 0;
    bool too_large = false;  // keep scanning: a malformed number is reported as such, not as too large
    auto read_digits = [&](std::size_t& count) {
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (!too_large) {
                mag = mag * 10 + static_cast<unsigned>(text[i] - '0');
                too_large = mag > max_magnitude;
            }
            ++count;
            ++i;
        }
    };
    std::size_t int_digits = 0;
    std::size_t frac_digits = 0;
    read_digits(int_digits);
    if (int_digits == 0) {
        return money_errc::invalid_number;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        read_digits(frac_digits);
        if (frac_digits == 0) {
            return money_errc::invalid_number;
        }
    }
    if (i != text.size()) {
        return money_errc::invalid_number;
    }
    if (frac_digits > static_cast<std::size_t>(decimal::max_scale)) {
        return money_errc::scale_out_of_range;
    }
    if (too_large) {
        return money_errc::overflow;
    }
    return make_decimal(mag, negative, static_cast<int>(frac_digits));
}

std::string parse_error_message(std::string_view text, std::error_code ec) {
    // The text may come from a remote system: cut it short and keep only printable ASCII (STYLE E3).
    constexpr std::size_t max_shown = 40;
    std::string shown;
    for (const char c : text.substr(0, max_shown)) {
        shown += (c >= ' ' && c <= '~' && c != '\'') ? c : '?';
    }
    if (text.size() > max_shown) {
        shown += "...";
    }
    std::string message;
    if (ec == money_errc::overflow) {
        message = "decimal '" + shown +
                  "' is out of range: at most 19 significant digits, magnitude at most 9223372036854775807";
    } else if (ec == money_errc::scale_out_of_range) {
        message = "decimal '" + shown + "' has more than 18 decimal places";
    } else {
        message = "invalid decimal '" + shown +
                  "': expected plain decimal notation (optional sign, digits, optional '.' and digits; "
                  "no exponent, blanks or grouping)";
    }
    return message;
}

decimal parse_decimal_or_throw(std::string_view text) {
    auto result = parse_decimal(text);
    if (!result) {
        throw money_error(result.error(), parse_error_message(text, result.error()));
    }
    return *result;
}

std::to_chars_result to_chars(char* first, char* last, decimal value) noexcept {
    // Digits of the magnitude, least significant first, padded so there is one digit before the point.
    std::array<char, 20> digits{};
    std::size_t count = 0;
    auto mag = static_cast<std::uint64_t>(magnitude(value.mantissa()));
    do {
        digits[count++] = static_cast<char>('0' + mag % 10);
        mag /= 10;
    } while (mag != 0);
    const auto scale = static_cast<std::size_t>(value.scale());
    while (count < scale + 1) {
        digits[count++] = '0';
    }
    const std::size_t length = (value.is_negative() ? 1U : 0U) + count + (scale > 0 ? 1U : 0U);
    if (last - first < static_cast<std::ptrdiff_t>(length)) {
        return {last, std::errc::value_too_large};
    }
    char* out = first;
    if (value.is_negative()) {
        *out++ = '-';
    }
    for (std::size_t k = count; k > 0; --k) {
        if (k == scale && scale > 0) {
            *out++ = '.';
        }
        *out++ = digits[k - 1];
    }
    return {out, std::errc{}};
}

std::string to_string(decimal value) {
    std::array<char, decimal::max_chars> buffer{};
    const auto result = to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return {buffer.data(), result.ptr};
}

std::string to_canonical_string(decimal value) { return to_string(value.trimmed()); }

std::string to_fixed_string(decimal value, int places, rounding_mode mode) {
    if (places < 0 || places > decimal::max_scale) {
        throw money_error(make_error_code(money_errc::scale_out_of_range));
    }
    if (places < value.scale()) {
        // Dropping places divides the mantissa, so this cannot overflow.
        return to_string(*rescale(value, places, mode));
    }
    // Appending zeros as text is exact even where the padded mantissa would not fit 64 bits.
    std::string text = to_string(value);
    if (value.scale() == 0 && places > 0) {
        text += '.';
    }
    text.append(static_cast<std::size_t>(places - value.scale()), '0');
    return text;
}

}  // namespace fakturad
