#include "fakturad/billing/tax/subtotals.hpp"

#include <algorithm>
#include <tuple>

namespace fakturad::billing::tax {

invoice_totals_line totals_line(const tax_determination& tax, decimal quantity, decimal unit_price) {
    return {quantity, unit_price, tax.code(), tax.rate};
}

money_result<std::vector<component_subtotal>> compute_component_subtotals(
    std::span<const taxed_line> lines, currency cur
) {
    std::vector<component_subtotal> out;
    for (const auto& line : lines) {
        if (line.net.currency() != cur) {
            return money_errc::currency_mismatch;
        }
        for (const auto& c : line.tax->components) {
            const decimal rate = c.rate.trimmed();
            auto it = std::find_if(out.begin(), out.end(), [&](const component_subtotal& s) {
                return s.jurisdiction == c.jurisdiction && s.name == c.name && s.rate == rate;
            });
            if (it == out.end()) {
                out.push_back({c.name, c.jurisdiction, rate, money::zero(cur), money::zero(cur)});
                it = std::prev(out.end());
            }
            auto sum = add(it->taxable_amount, line.net);
            if (!sum) {
                return sum.error();
            }
            it->taxable_amount = *sum;
        }
    }
    for (auto& s : out) {
        auto tax = round_tax_amount(s.taxable_amount, s.rate);
        if (!tax) {
            return tax.error();
        }
        s.tax_amount = *tax;
    }
    std::sort(out.begin(), out.end(), [](const component_subtotal& a, const component_subtotal& b) {
        return std::tie(a.jurisdiction, a.name) < std::tie(b.jurisdiction, b.name) ||
               (std::tie(a.jurisdiction, a.name) == std::tie(b.jurisdiction, b.name) && a.rate < b.rate);
    });
    return out;
}

}  // namespace fakturad::billing::tax
