#pragma once
// Errors of the billing engine and the result type its functions return.
//
// Contract:
//   - Every expected domain outcome that is not a success (a plan that cannot be billed, a document that
//     cannot be cancelled, a credit above what is creditable, a bad number pattern) is returned as a value:
//     billing_result<T> holding either T or a billing_error (code + a message an operator can act on).
//   - Money arithmetic errors (overflow, scale) arrive as money_errc codes inside billing_errc::arithmetic,
//     with the money message in the text.
//   - Exceptions are kept for bugs and broken invariants only (STYLE E1, E5).
// Why not boost::system::result: billing is pure and depends on core and the standard library only; the
// member names follow money_result (and boost::system::result) so a later switch is mechanical.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace fakturad::billing {

enum class billing_errc : std::uint8_t {
    invalid_plan = 1,  // the plan data violates a rule (missing price for the currency, bad VAT, ...)
    arithmetic,        // a money computation overflowed or needed more than 18 decimal places
    invalid_state,     // the operation is not allowed in the document's status (edit a finalized invoice)
    not_cancellable,   // cancellation of a cancellation, of a draft, of a partly credited invoice, ...
    over_credit,       // a credit above what is still creditable
    over_advance,      // advances/progress invoices above the agreed total
    invalid_number,    // a number pattern or range that cannot produce unique numbers
    invalid_input,     // a manual draft, credit request or YAML document that is malformed
};

[[nodiscard]] const std::error_category& billing_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(billing_errc e) noexcept {
    return {static_cast<int>(e), billing_category()};
}

// A code and the full message ("plan P-1, item licence: no price for currency USD").
struct billing_error {
    billing_errc code = billing_errc::invalid_input;
    std::string message;
};

// Thrown only by billing_result::value() on an error.
class billing_exception : public std::runtime_error {
public:
    explicit billing_exception(billing_error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    [[nodiscard]] const billing_error& error() const noexcept { return error_; }

private:
    billing_error error_;
};

// Either a T or a billing_error. Use billing_status (T = std::monostate) for operations without a value.
template <typename T>
class billing_result {
public:
    // Implicit on purpose: `return value;` and `return billing_error{...};`.
    // NOLINTBEGIN(google-explicit-constructor)
    billing_result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    billing_result(billing_error e) : state_(std::in_place_index<1>, std::move(e)) {}
    // NOLINTEND(google-explicit-constructor)

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    [[nodiscard]] explicit operator bool() const noexcept { return has_value(); }

    // Throws billing_exception when there is no value.
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
    // Preconditions: has_value() for the value accessors, !has_value() for error().
    [[nodiscard]] const T& operator*() const noexcept { return *std::get_if<0>(&state_); }
    [[nodiscard]] T& operator*() noexcept { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T* operator->() const noexcept { return std::get_if<0>(&state_); }
    [[nodiscard]] T* operator->() noexcept { return std::get_if<0>(&state_); }
    [[nodiscard]] const billing_error& error() const noexcept { return *std::get_if<1>(&state_); }

private:
    void check() const {
        if (!has_value()) {
            throw billing_exception(*std::get_if<1>(&state_));
        }
    }
    std::variant<T, billing_error> state_;
};

using billing_status = billing_result<std::monostate>;

[[nodiscard]] inline billing_status ok() { return std::monostate{}; }

}  // namespace fakturad::billing

template <>
struct std::is_error_code_enum<fakturad::billing::billing_errc> : std::true_type {};
