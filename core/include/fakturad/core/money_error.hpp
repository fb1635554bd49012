#pragma once
// Errors of the money code (decimal, currency, money, rounding policy) and the result type it returns.
//
// Contract:
//   - Every operation that can fail on valid-looking input (overflow, a scale beyond 18, division by zero,
//     text that is not a number, an unknown currency code, two currencies mixed) reports it as a value:
//     money_result<T> holding either T or a std::error_code of money_category(). Nothing is ever clamped,
//     wrapped or silently rounded.
//   - The throwing conveniences (decimal operators +, -, *, money_result::value() on an error, the
//     *_or_throw functions) throw money_error, a std::system_error carrying the same code.
//   - Messages are constant per code and name what to do; a parse error message that names the offending
//     text is built on demand by parse_error_message() (decimal.hpp), off the hot path.
//
// Why not boost::system::result: core/ depends on the standard library only (docs/DESIGN.md), and GCC 12
// in C++20 mode has no std::expected. money_result keeps boost::system::result's member names (has_value,
// value, error, operator*, operator->) so that moving to either later is mechanical.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace fakturad {

enum class money_errc : std::uint8_t {
    overflow = 1,        // the exact or rounded result does not fit an int64 mantissa at its scale
    scale_out_of_range,  // a scale above 18 was asked for, or an exact product would need one
    division_by_zero,
    invalid_number,     // text is not plain decimal notation (see parse_decimal)
    currency_mismatch,  // arithmetic or comparison on amounts in two different currencies
    unknown_currency,   // not an ISO 4217 code in fakturad's currency table
};

[[nodiscard]] const std::error_category& money_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(money_errc e) noexcept {
    return {static_cast<int>(e), money_category()};
}

}  // namespace fakturad

template <>
struct std::is_error_code_enum<fakturad::money_errc> : std::true_type {};

namespace fakturad {

// Thrown only by the throwing conveniences; code() is one of money_errc.
class money_error : public std::system_error {
public:
    explicit money_error(std::error_code ec) : std::system_error(ec) {}
    money_error(std::error_code ec, const std::string& what) : std::system_error(ec, what) {}
};

// Either a T or an error code; allocation-free when T is (every money type except invoice_totals).
template <typename T>
class money_result {
public:
    // Implicit on purpose, so that functions can `return value;` and `return money_errc::overflow;`.
    // NOLINTBEGIN(google-explicit-constructor)
    money_result(T value) noexcept : state_(std::move(value)) {}
    money_result(money_errc e) noexcept : state_(make_error_code(e)) {}
    money_result(std::error_code ec) noexcept : state_(ec) {}
    // NOLINTEND(google-explicit-constructor)

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    [[nodiscard]] explicit operator bool() const noexcept { return has_value(); }

    // Throws money_error when there is no value.
    [[nodiscard]] const T& value() const& {
        check();
        return *std::get_if<0>(&state_);
    }
    [[nodiscard]] T& value() & {
        check();
        return *std::get_if<0>(&state_);
    }
    [[nodiscard]] T value() && {
        check();
        return std::move(*std::get_if<0>(&state_));
    }

    // Precondition: has_value().
    [[nodiscard]] const T& operator*() const noexcept { return *std::get_if<0>(&state_); }
    [[nodiscard]] T& operator*() noexcept { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T* operator->() const noexcept { return std::get_if<0>(&state_); }
    [[nodiscard]] T* operator->() noexcept { return std::get_if<0>(&state_); }

    // The error; an empty error_code when there is a value.
    [[nodiscard]] std::error_code error() const noexcept {
        const auto* ec = std::get_if<1>(&state_);
        return ec != nullptr ? *ec : std::error_code{};
    }

private:
    void check() const {
        if (!has_value()) {
            throw money_error(*std::get_if<1>(&state_));
        }
    }

    std::variant<T, std::error_code> state_;
};

}  // namespace fakturad
