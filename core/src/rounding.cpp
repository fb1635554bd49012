#include "fakturad/core/rounding.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fakturad {
namespace {

constexpr std::array<std::pair<std::string_view, rounding_mode>, 6> rounding_mode_names{{
    {"half_up", rounding_mode::half_up},
    {"half_even", rounding_mode::half_even},
    {"down", rounding_mode::down},
    {"up", rounding_mode::up},
    {"floor", rounding_mode::floor},
    {"ceiling", rounding_mode::ceiling},
}};

// Adds value to sum in place; the error (overflow) when it does not fit.
std::error_code accumulate(decimal& sum, decimal value) noexcept {
    auto result = add(sum, value);
    if (!result) {
        return result.error();
    }
    sum = *result;
    return {};
}

struct breakdown_group {
    std::string_view category;
    decimal rate;  // trimmed, so 19 and 19.00 meet in one group
    decimal taxable;
    decimal line_tax_sum;  // per_line mode only
};

}  // namespace

std::string_view to_string(rounding_mode mode) noexcept {
    for (const auto& [name, value] : rounding_mode_names) {
        if (value == mode) {
            return name;
        }
    }
    return "unknown";
}

money_result<rounding_mode> parse_rounding_mode(std::string_view name) noexcept {
    for (const auto& [known, value] : rounding_mode_names) {
        if (known == name) {
            return value;
        }
    }
    return money_errc::invalid_number;
}

money_result<money> round_line_net(decimal quantity, decimal unit_price, currency cur) noexcept {
    auto net = multiply(quantity, unit_price, cur.minor_units(), commercial_rounding);
    if (!net) {
        return net.error();
    }
    return money(*net, cur);
}

money_result<money> round_tax_amount(money taxable_amount, decimal rate_percent) noexcept {
    // rate / 100 is the same mantissa two places further right: exact, no division needed.
    const decimal rate = rate_percent.trimmed();
    auto fraction = decimal::from_parts(rate.mantissa(), rate.scale() + 2);
    if (!fraction) {
        return fraction.error();
    }
    return multiply(taxable_amount, *fraction, taxable_amount.currency().minor_units(), commercial_rounding);
}

money vat_breakdown::tax_delta() const { return tax_amount - tax_amount_per_category; }

money_result<invoice_totals> compute_invoice_totals(
    std::span<const invoice_totals_line> lines, currency cur, vat_rounding mode
) {
    const decimal zero = money::zero(cur).amount();
    std::vector<money> line_nets;
    std::vector<money> line_taxes;
    std::vector<breakdown_group> groups;
    line_nets.reserve(lines.size());
    if (mode == vat_rounding::per_line) {
        line_taxes.reserve(lines.size());
    }
    decimal total_net = zero;
    for (const auto& line : lines) {
        auto net = round_line_net(line.quantity, line.unit_price, cur);
        if (!net) {
            return net.error();
        }
        line_nets.push_back(*net);
        if (auto ec = accumulate(total_net, net->amount())) {
            return ec;
        }
        const decimal rate = line.vat_rate.trimmed();
        // Invoices have a handful of VAT groups: a linear search beats a map here.
        auto group = std::find_if(groups.begin(), groups.end(), [&](const breakdown_group& g) {
            return g.category == line.vat_category && identical(g.rate, rate);
        });
        if (group == groups.end()) {
            groups.push_back({line.vat_category, rate, zero, zero});
            group = groups.end() - 1;
        }
        if (auto ec = accumulate(group->taxable, net->amount())) {
            return ec;
        }
        if (mode == vat_rounding::per_line) {
            auto tax = round_tax_amount(*net, rate);
            if (!tax) {
                return tax.error();
            }
            line_taxes.push_back(*tax);
            if (auto ec = accumulate(group->line_tax_sum, tax->amount())) {
                return ec;
            }
        }
    }
    std::sort(groups.begin(), groups.end(), [](const breakdown_group& a, const breakdown_group& b) {
        return a.category != b.category ? a.category < b.category : a.rate < b.rate;
    });

    std::vector<vat_breakdown> breakdown;
    breakdown.reserve(groups.size());
    decimal total_tax = zero;
    for (const auto& g : groups) {
        const money taxable(g.taxable, cur);
        auto per_category = round_tax_amount(taxable, g.rate);
        if (!per_category) {
            return per_category.error();
        }
        const money tax = mode == vat_rounding::per_line ? money(g.line_tax_sum, cur) : *per_category;
        if (auto ec = accumulate(total_tax, tax.amount())) {
            return ec;
        }
        breakdown.push_back({g.category, g.rate, taxable, tax, *per_category});
    }
    auto gross = add(total_net, total_tax);
    if (!gross) {
        return gross.error();
    }
    return invoice_totals{
        std::move(line_nets),
        std::move(line_taxes),
        std::move(breakdown),
        money(total_net, cur),
        money(total_tax, cur),
        money(*gross, cur),
    };
}

}  // namespace fakturad
