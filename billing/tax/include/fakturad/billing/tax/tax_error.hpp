#pragma once
// Errors of the tax library and the result type it returns (STYLE E1, E2).
//
// Contract:
//   - Every input that the rules cannot answer (an unknown country or province, a supply date outside the
//     rate data, a product tax class that names a rate the country does not have, a combination fakturad
//     does not determine) is reported as a value: tax_result<T> holds either T or a tax_error.
//   - A tax_error carries a code of tax_category() (stable, for programs) and a message for the operator
//     that names the offending input and what would be accepted; input text in a message is truncated and
//     stripped of control characters, so a message is safe to log.
//   - Nothing is guessed: when the data cannot answer, the answer is an error, never a default rate.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace fakturad::billing::tax {

enum class tax_errc : std::uint8_t {
    unknown_country = 1,    // not an ISO 3166-1 alpha-2 code
    unknown_region,         // not a Canadian province/territory or US state code
    missing_region,         // a Canadian or US place of supply needs a province or state
    no_rate_data,           // the supply date is outside the rate data of that country or province
    no_such_rate,           // the product tax class names a rate the country does not have on that date
    unknown_product_class,  // the product tax class is not configured
    unsupported,            // a combination these rules do not determine (named in the message)
    invalid_input,          // contradicting or incomplete input (e.g. a consumer with a VAT ID check)
    invalid_config,         // the tax-rule YAML is malformed (see tax_rules_yaml.hpp)
};

[[nodiscard]] const std::error_category& tax_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(tax_errc e) noexcept {
    return {static_cast<int>(e), tax_category()};
}

}  // namespace fakturad::billing::tax

template <>
struct std::is_error_code_enum<fakturad::billing::tax::tax_errc> : std::true_type {};

namespace fakturad::billing::tax {

struct tax_error {
    std::error_code code;
    std::string message;  // complete sentence for the operator, e.g. "unknown Canadian province 'XX' ..."
};

// Thrown only by tax_result::value() on an error; what() is the tax_error's message.
class tax_exception : public std::system_error {
public:
    explicit tax_exception(const tax_error& e) : std::system_error(e.code, e.message) {}
};

// Either a T or a tax_error.
template <typename T>
class tax_result {
public:
    // Implicit on purpose, so that functions can `return value;` and `return error;`.
    // NOLINTBEGIN(google-explicit-constructor)
    tax_result(T value) : state_(std::move(value)) {}
    tax_result(tax_error error) : state_(std::move(error)) {}
    // NOLINTEND(google-explicit-constructor)

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    [[nodiscard]] explicit operator bool() const noexcept { return has_value(); }

    // Throws tax_exception when there is no value.
    [[nodiscard]] const T& value() const& {
        check();
        return *std::get_if<0>(&state_);
    }
    [[nodiscard]] T value() && {
        check();
        return std::move(*std::get_if<0>(&state_));
    }

    // Precondition: has_value().
    [[nodiscard]] const T& operator*() const noexcept { return *std::get_if<0>(&state_); }
    [[nodiscard]] const T* operator->() const noexcept { return std::get_if<0>(&state_); }

    // Precondition: !has_value().
    [[nodiscard]] const tax_error& error() const noexcept { return *std::get_if<1>(&state_); }

private:
    void check() const {
        if (!has_value()) {
            throw tax_exception(*std::get_if<1>(&state_));
        }
    }

    std::variant<T, tax_error> state_;
};

// Builds a tax_error; `message` is used as given (callers sanitise input text with quote_input()).
[[nodiscard]] tax_error make_tax_error(tax_errc code, std::string message);

// Input text for a message: at most 40 characters, control characters replaced by '?', in single quotes.
[[nodiscard]] std::string quote_input(std::string_view text);

}  // namespace fakturad::billing::tax
