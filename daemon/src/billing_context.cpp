#include "billing_context.hpp"

#include "ctl_tax_rules.hpp"
#include "fakturad/billing/plan_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fakturad::daemon {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The exchange-rate file: {CURRENCY: [{from: YYYY-MM-DD, rate: "0.9512"}, ...]} (EUR per unit).
std::string load_rates(
    const std::filesystem::path& path,
    std::map<std::string, std::vector<std::pair<civil_date, decimal>>, std::less<>>& rates
) {
    std::string problems;
    const std::string file = path.string();
    YAML::Node root;
    try {
        root = YAML::Load(read_file(path));
    } catch (const YAML::Exception& e) {
        return file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
               ": YAML syntax error: " + e.msg + "\n";
    }
    if (!root.IsMap()) {
        return file + ": expected a mapping of currency codes to lists of {from, rate}\n";
    }
    for (const auto& entry : root) {
        const auto code = entry.first.as<std::string>();
        auto at = [&](const YAML::Node& n) {
            return file + ":" + std::to_string(n.Mark().line + 1) + ":" +
                   std::to_string(n.Mark().column + 1) + ": ";
        };
        if (!lookup_currency(code)) {
            problems += at(entry.first) + "unknown currency '" + code + "' (ISO 4217 code expected)\n";
            continue;
        }
        if (!entry.second.IsSequence()) {
            problems += at(entry.second) + code + ": expected a list of {from: YYYY-MM-DD, rate: DECIMAL}\n";
            continue;
        }
        auto& list = rates[code];
        for (const auto& item : entry.second) {
            if (!item.IsMap() || !item["from"] || !item["rate"]) {
                problems += at(item) + code + ": each entry needs from and rate\n";
                continue;
            }
            auto day = parse_iso_date(item["from"].Scalar());
            auto rate = parse_decimal(item["rate"].Scalar());
            if (std::holds_alternative<std::string>(day)) {
                problems += at(item["from"]) + code + ".from: " + std::get<std::string>(day) + "\n";
                continue;
            }
            if (!rate || !(decimal{} < *rate)) {
                problems +=
                    at(item["rate"]) + code + ".rate: expected a positive plain decimal such as 0.9512\n";
                continue;
            }
            list.emplace_back(std::get<civil_date>(day), *rate);
        }
        std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    return problems;
}

}  // namespace

billing::number_reset reset_of(const billing::number_pattern& pattern) noexcept {
    if (pattern.has_month() && pattern.has_year()) {
        return billing::number_reset::monthly;
    }
    return pattern.has_year() ? billing::number_reset::yearly : billing::number_reset::never;
}

billing_context billing_context::load(const config::billing_settings& settings) {
    std::string problems;
    billing_context ctx;
    const auto file = settings.legal_entities.string();
    auto parsed = billing::parse_plan_file(read_file(settings.legal_entities), file);
    if (!parsed.ok()) {
        for (const auto& e : parsed.errors) {
            problems += e.to_string() + "\n";
        }
    } else {
        ctx.sellers_ = std::move(parsed.file->legal_entities);
        if (ctx.sellers_.empty()) {
            problems += file + ": no legal_entities defined; invoices need a seller\n";
        }
    }
    ctx.invoice_pattern_ = settings.invoice_numbers;
    ctx.credit_note_pattern_ = settings.credit_note_numbers;
    for (const auto* key : {"billing.invoice_numbers", "billing.credit_note_numbers"}) {
        const auto& text = std::string_view(key) == "billing.invoice_numbers" ? ctx.invoice_pattern_
                                                                              : ctx.credit_note_pattern_;
        auto pattern = billing::number_pattern::parse(text);
        if (!pattern) {
            problems += std::string(key) + ": " + pattern.error().message + "\n";
            continue;
        }
        billing::number_range_spec spec;
        spec.legal_entity = "check";
        spec.series = "invoice";
        spec.pattern = text;
        spec.reset = reset_of(*pattern);
        if (auto why = billing::check_range(spec)) {
            problems += std::string(key) + ": " + *why + "\n";
        }
    }
    if (settings.tax_rules && problems.empty()) {
        std::vector<std::string> specs;
        for (const auto& seller : ctx.sellers_) {
            specs.push_back(seller.id + "=" + settings.tax_rules->string());
        }
        std::ostringstream err;
        ctx.tax_ = load_tax_rules(specs, err);
        problems += err.str();
    }
    if (settings.exchange_rates) {
        problems += load_rates(*settings.exchange_rates, ctx.rates_);
    }
    if (!problems.empty()) {
        throw std::runtime_error("billing configuration:\n" + problems);
    }
    return ctx;
}

const billing::party* billing_context::legal_entity(std::string_view code) const {
    for (const auto& s : sellers_) {
        if (s.id == code) {
            return &s;
        }
    }
    return nullptr;
}

std::optional<decimal> billing_context::eur_rate(std::string_view code, civil_date day) const {
    const auto it = rates_.find(code);
    if (it == rates_.end()) {
        return std::nullopt;
    }
    std::optional<decimal> found;
    for (const auto& [from, rate] : it->second) {
        if (day < from) {
            break;
        }
        found = rate;
    }
    return found;
}

billing::number_range_spec billing_context::range_for(const billing::invoice& doc) const {
    billing::number_range_spec spec;
    spec.legal_entity = doc.seller.id;
    spec.series = std::string(billing::default_series(doc.type));
    spec.pattern = spec.series == "credit_note" ? credit_note_pattern_ : invoice_pattern_;
    // The pattern was checked at load; a parse failure here would be a broken invariant.
    spec.reset = reset_of(*billing::number_pattern::parse(spec.pattern));
    return spec;
}

}  // namespace fakturad::daemon
