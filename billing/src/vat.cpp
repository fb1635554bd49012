#include "fakturad/billing/vat.hpp"

#include <array>

namespace fakturad::billing {
namespace {

constexpr std::array<std::string_view, 9> categories{"S", "Z", "E", "AE", "K", "G", "O", "L", "M"};

}  // namespace

std::string_view canonical_vat_category(std::string_view code) noexcept {
    for (auto c : categories) {
        if (c == code) {
            return c;
        }
    }
    return {};
}

std::optional<std::string> check_vat(std::string_view category, decimal rate) {
    const std::string_view c = canonical_vat_category(category);
    if (c.empty()) {
        return "unknown VAT category '" + std::string(category.substr(0, 8)) +
               "' (expected S, Z, E, AE, K, G, O, L or M)";
    }
    if (rate.is_negative()) {
        return "the VAT rate must not be negative";
    }
    if (c == "S" && rate.is_zero()) {
        return "VAT category S needs a rate above 0";
    }
    if ((c == "Z" || c == "E" || c == "AE" || c == "K" || c == "G" || c == "O") && !rate.is_zero()) {
        return "VAT category " + std::string(c) + " has rate 0";
    }
    return std::nullopt;
}

std::optional<bool> vat_exemption_required(std::string_view category) noexcept {
    const std::string_view c = canonical_vat_category(category);
    if (c.empty()) {
        return std::nullopt;
    }
    return c == "E" || c == "AE" || c == "K" || c == "G" || c == "O";
}

std::string_view default_vatex_code(std::string_view category) noexcept {
    if (category == "AE") {
        return "VATEX-EU-AE";
    }
    if (category == "K") {
        return "VATEX-EU-IC";
    }
    if (category == "G") {
        return "VATEX-EU-G";
    }
    if (category == "O") {
        return "VATEX-EU-O";
    }
    return {};
}

}  // namespace fakturad::billing
