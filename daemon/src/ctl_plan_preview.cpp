#include "ctl_plan_preview.hpp"

#include "ctl_tax_rules.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/plan_yaml.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

namespace fakturad::daemon {
namespace {

using billing::invoice;

// fakturactl's exit codes (header comment).
constexpr int preview_ok = 0;
constexpr int preview_problems = 1;
constexpr int preview_usage = 2;

// Display width of UTF-8 text: code points, not bytes (German umlauts stay aligned).
std::size_t width(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string pad_right(std::string_view s, std::size_t w) {
    std::string out(s);
    out.append(w > width(s) ? w - width(s) : 0, ' ');
    return out;
}

std::string pad_left(std::string_view s, std::size_t w) {
    std::string out(w > width(s) ? w - width(s) : 0, ' ');
    out += s;
    return out;
}

std::string amount(decimal value, currency cur) {
    return value.scale() < cur.minor_units() ? to_fixed_string(value, cur.minor_units()) : to_string(value);
}

std::string vat_text(const billing::vat_treatment& vat) {
    return vat.category + " " + to_canonical_string(vat.rate) + " %";
}

std::string party_text(const billing::party& p) {
    std::string s = p.id;
    if (!p.name.empty()) {
        s += " " + p.name;
    }
    if (!p.emails.empty()) {
        s += " <";
        for (std::size_t i = 0; i < p.emails.size(); ++i) {
            s += (i == 0 ? "" : ", ") + p.emails[i];
        }
        s += ">";
    }
    return s;
}

void print_draft(std::ostream& out, const invoice& d, std::string_view title, std::size_t index) {
    out << title << " " << index << ": " << to_string(d.type) << " (" << billing::untdid_1001_code(d.type)
        << "), " << d.cur.code() << ", language " << d.language << ", payment " << d.terms.net_days
        << " days net";
    if (!d.terms.note.empty()) {
        out << " (" << d.terms.note << ")";
    }
    out << "\n";
    out << "  Seller:  " << party_text(d.seller) << "\n";
    out << "  Bill to: " << party_text(d.bill_to) << "\n";
    if (d.account.id != d.bill_to.id) {
        out << "  Buyer:   " << party_text(d.account) << "\n";
    }
    out << "  Plans:   ";
    for (std::size_t i = 0; i < d.plan_ids.size(); ++i) {
        out << (i == 0 ? "" : ", ") << d.plan_ids[i];
    }
    out << "\n";
    if (d.service_period) {
        out << "  Service period: " << to_string(*d.service_period) << "\n";
    }
    out << "\n";

    struct row {
        std::string number, description, quantity, unit_price, vat, net;
    };
    std::vector<row> rows;
    rows.push_back({"#", "Description", "Quantity", "Unit price", "VAT", "Net"});
    for (std::size_t i = 0; i < d.lines.size(); ++i) {
        const auto& l = d.lines[i];
        rows.push_back({
            std::to_string(i + 1),
            l.description,
            to_string(l.quantity) + " " + l.unit_code,
            to_string(l.unit_price),
            vat_text(l.vat),
            amount(l.net, d.cur),
        });
    }
    std::size_t w[6] = {0, 0, 0, 0, 0, 0};
    for (const auto& r : rows) {
        w[0] = std::max(w[0], width(r.number));
        w[1] = std::max(w[1], width(r.description));
        w[2] = std::max(w[2], width(r.quantity));
        w[3] = std::max(w[3], width(r.unit_price));
        w[4] = std::max(w[4], width(r.vat));
        w[5] = std::max(w[5], width(r.net));
    }
    const std::size_t total_width = w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + 10;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        out << "  " << pad_left(r.number, w[0]) << "  " << pad_right(r.description, w[1]) << "  "
            << pad_left(r.quantity, w[2]) << "  " << pad_left(r.unit_price, w[3]) << "  "
            << pad_right(r.vat, w[4]) << "  " << pad_left(r.net, w[5]) << "\n";
        if (i == 0) {
            out << "  " << std::string(total_width, '-') << "\n";
        }
    }
    out << "  " << std::string(total_width, '-') << "\n";
    const std::size_t label_width = total_width - w[5] - 2;
    auto total_line = [&](const std::string& label, decimal value) {
        out << "  " << pad_left(label, label_width) << "  " << pad_left(amount(value, d.cur), w[5]) << "\n";
    };
    total_line("Net total", d.totals.net);
    for (const auto& b : d.totals.breakdown) {
        total_line(
            "VAT " + b.category + " " + to_canonical_string(b.rate) + " % on " + amount(b.taxable, d.cur),
            b.tax
        );
    }
    total_line("Total " + std::string(d.cur.code()), d.totals.gross);
    if (!d.totals.prepaid.is_zero()) {
        total_line("Prepaid", d.totals.prepaid);
        total_line("Amount due", d.totals.due);
    }
    for (const auto& e : d.vat_exemptions) {
        out << "  VAT " << e.category << ": " << e.text << (e.code.empty() ? "" : " [" + e.code + "]")
            << "\n";
    }
    for (const auto& note : d.notes) {
        out << "  Note: " << note << "\n";
    }
    for (const auto& decision : d.tax_decisions) {
        out << "  Tax decision: " << decision << "\n";
    }
    if (!d.billed.empty()) {
        out << "\n  Billed periods (locked by the store as UNIQUE(item, period_start)):\n";
        for (const auto& b : d.billed) {
            out << "    " << b.key.plan_id << " / " << b.key.item_key << " from "
                << format_iso_date(b.key.period_start) << " to " << format_iso_date(b.period_end);
            if (b.key.revision != 0) {
                out << " (revision " << b.key.revision << ")";
            }
            if (b.line_index == billing::no_line) {
                out << ", no line (settled)\n";
            } else {
                out << ", line " << (b.line_index + 1) << "\n";
            }
        }
    }
    out << "\n";
}

}  // namespace

int run_plan_preview(
    const std::filesystem::path& file,
    std::string_view date,
    const std::vector<std::string>& tax_rules,
    std::ostream& out,
    std::ostream& err
) {
    const auto cutoff = parse_iso_date(date);
    if (const auto* message = std::get_if<std::string>(&cutoff)) {
        err << "fakturactl: --date: " << *message << "\n";
        return preview_usage;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        err << "fakturactl: cannot read " << file.string() << ": " << std::generic_category().message(errno)
            << "\n";
        return preview_usage;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto parsed = billing::parse_plan_file(text.str(), file.string());
    if (!parsed.ok() || !parsed.file) {
        for (const auto& e : parsed.errors) {
            err << e.to_string() << "\n";
        }
        err << "fakturactl: " << parsed.errors.size() << " problem" << (parsed.errors.size() == 1 ? "" : "s")
            << " in " << file.string() << "\n";
        return preview_problems;
    }
    const auto resolver = load_tax_rules(tax_rules, err);
    if (!resolver) {
        return preview_problems;
    }
    const billing::plan_file& plans_file = *parsed.file;
    billing::run_options options;
    options.cutoff = std::get<civil_date>(cutoff);
    options.vat = &*resolver;
    const auto result = billing::run_all(plans_file.plans, plans_file.states, plans_file.usage, options);

    out << "Plan preview for cutoff " << date << " (" << file.string() << "): " << result.drafts.size()
        << " draft" << (result.drafts.size() == 1 ? "" : "s") << " from " << result.summary.plans_billed
        << " of " << result.summary.plans_selected << " plan"
        << (result.summary.plans_selected == 1 ? "" : "s");
    if (!plans_file.drafts.empty()) {
        out << ", " << plans_file.drafts.size() << " manual draft"
            << (plans_file.drafts.size() == 1 ? "" : "s");
    }
    out << "; nothing is stored\n\n";
    for (std::size_t i = 0; i < result.drafts.size(); ++i) {
        print_draft(out, result.drafts[i], "Draft", i + 1);
    }
    if (result.summary.plans_capped > 0) {
        out << result.summary.plans_capped << " plan(s) had more due periods than one run bills ("
            << options.max_periods_per_item << " per item); the next run continues\n";
    }
    for (const auto& [plan_id, error] : result.failures) {
        err << error.message << "\n";
    }
    bool manual_failed = false;
    for (std::size_t i = 0; i < plans_file.drafts.size(); ++i) {
        const auto& spec = plans_file.drafts[i];
        const auto& plans = plans_file.plans;
        const auto plan =
            std::find_if(plans.begin(), plans.end(), [&](const auto& p) { return p.id == spec.plan_id; });
        std::vector<billing::usage_record> usage;
        std::copy_if(
            plans_file.usage.begin(),
            plans_file.usage.end(),
            std::back_inserter(usage),
            [&](const auto& u) { return u.plan_id == spec.plan_id; }
        );
        if (plan == plans.end()) {
            continue;  // the parser refused drafts of unknown plans
        }
        billing::manual_draft_input input = spec.input;
        input.vat = &*resolver;
        auto draft = billing::make_manual_draft(*plan, input, usage);
        if (!draft) {
            err << "manual draft " << (i + 1) << ": " << draft.error().message << "\n";
            manual_failed = true;
            continue;
        }
        print_draft(out, *draft, "Manual draft", i + 1);
    }
    return result.failures.empty() && !manual_failed ? preview_ok : preview_problems;
}

}  // namespace fakturad::daemon
