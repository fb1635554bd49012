#include "fakturad/billing/pricing.hpp"

#include "arith.hpp"

#include <array>
#include <string>
#include <utility>

namespace fakturad::billing {
namespace {

constexpr std::array<std::pair<std::string_view, pricing_model>, 7> model_names{{
    {"flat_fee", pricing_model::flat_fee},
    {"per_unit", pricing_model::per_unit},
    {"tiered", pricing_model::tiered},
    {"volume", pricing_model::volume},
    {"stairstep", pricing_model::stairstep},
    {"package", pricing_model::package},
    {"percentage", pricing_model::percentage},
}};

bool uses_tiers(pricing_model m) {
    return m == pricing_model::tiered || m == pricing_model::volume || m == pricing_model::stairstep;
}

// The tier whose (previous bound, up_to] contains q (q > 0), or the first tier for q == 0.
const price_tier& tier_for(const std::vector<price_tier>& tiers, decimal q) {
    for (const auto& t : tiers) {
        if (!t.up_to || q <= *t.up_to) {
            return t;
        }
    }
    return tiers.back();  // unreachable after check_pricing: the last tier is open
}

decimal graduated(const std::vector<price_tier>& tiers, decimal q) {
    decimal amount;
    decimal previous;
    for (const auto& t : tiers) {
        if (q <= previous) {
            break;
        }
        const decimal upper = t.up_to ? std::min(*t.up_to, q) : q;
        const decimal units = upper - previous;
        if (units.signum() > 0) {
            amount = amount + units * t.unit_price + t.flat_fee;
        }
        if (!t.up_to) {
            break;
        }
        previous = *t.up_to;
    }
    return amount;
}

}  // namespace

std::string_view to_string(pricing_model m) noexcept {
    for (const auto& [name, value] : model_names) {
        if (value == m) {
            return name;
        }
    }
    return "unknown";
}

std::optional<pricing_model> parse_pricing_model(std::string_view text) noexcept {
    for (const auto& [name, value] : model_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

const currency_prices* pricing::find(currency cur) const noexcept {
    for (const auto& p : prices) {
        if (p.cur == cur) {
            return &p;
        }
    }
    return nullptr;
}

std::optional<std::string> check_pricing(const pricing& p) {
    if (p.prices.empty()) {
        return "no prices";
    }
    if (p.model == pricing_model::package && p.package_size.signum() <= 0) {
        return "package_size must be above 0";
    }
    if (p.model == pricing_model::percentage && p.percent.is_negative()) {
        return "percent must not be negative";
    }
    for (std::size_t i = 0; i < p.prices.size(); ++i) {
        const auto& c = p.prices[i];
        // Built only for a message: check_pricing runs for every item of every billed plan.
        const auto in = [&c] { return " (" + std::string(c.cur.code()) + ")"; };
        for (std::size_t j = 0; j < i; ++j) {
            if (p.prices[j].cur == c.cur) {
                return "prices for " + std::string(c.cur.code()) + " given twice";
            }
        }
        if (c.price.is_negative() || c.per_transaction_fee.is_negative()) {
            return "prices must not be negative (a credit is a negative quantity)" + in();
        }
        if ((c.minimum && c.minimum->is_negative()) || (c.maximum && c.maximum->is_negative())) {
            return "minimum and maximum must not be negative" + in();
        }
        if (c.minimum && c.maximum && *c.maximum < *c.minimum) {
            return "maximum is below minimum" + in();
        }
        if (!uses_tiers(p.model)) {
            continue;
        }
        if (c.tiers.empty()) {
            return "a " + std::string(to_string(p.model)) + " pricing needs tiers" + in();
        }
        decimal previous;
        for (std::size_t t = 0; t < c.tiers.size(); ++t) {
            const auto& tier = c.tiers[t];
            if (tier.unit_price.is_negative() || tier.flat_fee.is_negative()) {
                return "tier prices must not be negative" + in();
            }
            const bool last = t + 1 == c.tiers.size();
            if (!tier.up_to) {
                if (!last) {
                    return "only the last tier may be open (without up_to)" + in();
                }
                continue;
            }
            if (last) {
                return "the last tier must be open (without up_to), so that every quantity has a price" +
                       in();
            }
            if (*tier.up_to <= previous) {
                return "tiers must have increasing up_to bounds above 0" + in();
            }
            previous = *tier.up_to;
        }
    }
    return std::nullopt;
}

billing_result<price_evaluation> evaluate_price(
    const pricing& p, const currency_prices& prices, const price_input& in
) {
    try {
        price_evaluation out;
        const decimal q = in.quantity;
        const decimal abs_q = q.abs();
        decimal magnitude;  // |amount| for the quantity models
        switch (p.model) {
            case pricing_model::flat_fee:
                out.amount = prices.price;
                out.quantity = decimal{1};
                out.unit_price = prices.price;
                break;
            case pricing_model::per_unit:
                out.amount = q * prices.price;
                out.quantity = q;
                out.unit_price = prices.price;
                break;
            case pricing_model::tiered:
                magnitude = graduated(prices.tiers, abs_q);
                break;
            case pricing_model::volume:
            case pricing_model::stairstep: {
                if (abs_q.is_zero()) {
                    break;
                }
                const decimal selector = in.tier_quantity ? in.tier_quantity->abs() : abs_q;
                const price_tier& t = tier_for(prices.tiers, selector);
                magnitude = abs_q * t.unit_price + t.flat_fee;
                break;
            }
            case pricing_model::package: {
                const decimal packages = divide(abs_q, p.package_size, 0, rounding_mode::ceiling).value();
                magnitude = packages * prices.price;
                break;
            }
            case pricing_model::percentage: {
                decimal amount = detail::exact_percent_of(in.transaction_volume, p.percent);
                if (!prices.per_transaction_fee.is_zero()) {
                    amount = amount + decimal{in.transaction_count} * prices.per_transaction_fee;
                }
                if (prices.minimum && amount < *prices.minimum) {
                    amount = *prices.minimum;
                    out.raised_to_min = true;
                }
                if (prices.maximum && amount > *prices.maximum) {
                    amount = *prices.maximum;
                    out.capped = true;
                }
                out.amount = amount;
                out.quantity = decimal{amount.is_negative() ? -1 : 1};
                out.unit_price = amount.abs();
                return out;
            }
        }
        if (p.model != pricing_model::flat_fee && p.model != pricing_model::per_unit) {
            out.amount = q.is_negative() ? magnitude.negated() : magnitude;
            out.quantity = q;
            // The average price per unit, 6 places at most and at least the currency's.
            const decimal average =
                abs_q.is_zero() ? decimal{} : detail::div_round(magnitude, abs_q, 6).trimmed();
            out.unit_price = average.scale() < prices.cur.minor_units()
                                 ? detail::at_scale(average, prices.cur.minor_units())
                                 : average;
        }
        if (prices.maximum && out.amount.abs() > *prices.maximum) {
            out.amount = out.amount.is_negative() ? prices.maximum->negated() : *prices.maximum;
            out.capped = true;
        }
        return out;
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "pricing " + std::string(to_string(p.model)));
    }
}

}  // namespace fakturad::billing
