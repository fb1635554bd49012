#include "fakturad/billing/tax/tax_error.hpp"

namespace fakturad::billing::tax {
namespace {

class category_impl final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "fakturad.tax"; }
    [[nodiscard]] std::string message(int code) const override {
        switch (static_cast<tax_errc>(code)) {
            case tax_errc::unknown_country:
                return "unknown country: expected an ISO 3166-1 alpha-2 code";
            case tax_errc::unknown_region:
                return "unknown province or state";
            case tax_errc::missing_region:
                return "a province or state is required for this place of supply";
            case tax_errc::no_rate_data:
                return "no tax rate data for this place on the supply date";
            case tax_errc::no_such_rate:
                return "the product tax class names a rate the country does not have";
            case tax_errc::unknown_product_class:
                return "unknown product tax class";
            case tax_errc::unsupported:
                return "combination not determined by fakturad's tax rules";
            case tax_errc::invalid_input:
                return "invalid tax input";
            case tax_errc::invalid_config:
                return "invalid tax rules configuration";
        }
        return "unknown tax error";
    }
};

}  // namespace

const std::error_category& tax_category() noexcept {
    static const category_impl instance;
    return instance;
}

tax_error make_tax_error(tax_errc code, std::string message) {
    return {make_error_code(code), std::move(message)};
}

std::string quote_input(std::string_view text) {
    constexpr std::size_t limit = 40;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > limit) {
        out += "...";
    }
    out += "'";
    return out;
}

}  // namespace fakturad::billing::tax
