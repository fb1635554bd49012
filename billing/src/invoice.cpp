#include "fakturad/billing/invoice.hpp"

#include "arith.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fakturad::billing {
namespace {

struct type_row {
    document_type type;
    std::string_view name;
    std::string_view code;
};

constexpr std::array<type_row, 8> type_table{{
    {document_type::invoice, "invoice", "380"},
    {document_type::pro_forma, "pro_forma", "325"},
    {document_type::advance, "advance", "386"},
    {document_type::progress, "progress", "326"},
    {document_type::partial, "partial", "326"},
    {document_type::final_invoice, "final", "380"},
    {document_type::cancellation, "cancellation", "381"},
    {document_type::credit_note, "credit_note", "381"},
}};

bool group_less(const vat_subtotal& a, const vat_subtotal& b) {
    return a.category != b.category ? a.category < b.category : a.rate < b.rate;
}

}  // namespace

std::string_view to_string(document_type t) noexcept { return type_table[static_cast<std::size_t>(t)].name; }

std::optional<document_type> parse_document_type(std::string_view text) noexcept {
    for (const auto& row : type_table) {
        if (row.name == text) {
            return row.type;
        }
    }
    return std::nullopt;
}

std::string_view untdid_1001_code(document_type t) noexcept {
    return type_table[static_cast<std::size_t>(t)].code;
}

bool is_credit_document(document_type t) noexcept {
    return t == document_type::cancellation || t == document_type::credit_note;
}

std::string_view to_string(invoice_status s) noexcept {
    switch (s) {
        case invoice_status::draft:
            return "draft";
        case invoice_status::finalized:
            return "finalized";
        case invoice_status::cancelled:
            return "cancelled";
    }
    return "unknown";
}

std::string_view to_string(line_kind k) noexcept {
    switch (k) {
        case line_kind::charge:
            return "charge";
        case line_kind::proration_credit:
            return "proration_credit";
        case line_kind::discount:
            return "discount";
        case line_kind::minimum_true_up:
            return "minimum_true_up";
        case line_kind::agreed_share:
            return "agreed_share";
        case line_kind::manual:
            return "manual";
    }
    return "unknown";
}

billing_status compute_totals(invoice& doc) {
    // Reused per thread: runs compute totals for every draft.
    thread_local std::vector<invoice_totals_line> input;
    input.clear();
    input.reserve(doc.lines.size());
    std::optional<date_range> service;
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        const auto& line = doc.lines[i];
        const std::string_view category = canonical_vat_category(line.vat.category);
        if (category.empty()) {
            return billing_error{
                billing_errc::invalid_input,
                "line " + std::to_string(i + 1) + ": unknown VAT category '" + line.vat.category + "'"};
        }
        // The net is already rounded once; 1 x net reproduces it exactly (rounding.hpp point 1).
        input.push_back({decimal{1}, line.net, category, line.vat.rate});
        if (line.period) {
            if (!service) {
                service = line.period;
            } else {
                service->first = std::min(service->first, line.period->first);
                service->last = std::max(service->last, line.period->last);
            }
        }
    }
    auto totals = compute_invoice_totals(input, doc.cur, doc.rounding);
    if (!totals) {
        return billing_error{billing_errc::arithmetic, "invoice totals: " + totals.error().message()};
    }
    try {
        document_totals out;
        out.net = totals->total_net.amount();
        out.tax = totals->total_tax.amount();
        out.gross = totals->total_gross.amount();
        out.breakdown.reserve(totals->breakdown.size());
        const decimal zero = detail::at_scale(decimal{}, doc.cur.minor_units());
        for (const auto& b : totals->breakdown) {
            out.breakdown.push_back(vat_subtotal{
                std::string(b.vat_category),
                b.vat_rate,
                b.taxable_amount.amount(),
                b.tax_amount.amount(),
                b.tax_amount_per_category.amount(),
                zero,
                zero,
            });
        }
        decimal prepaid = zero;
        for (const auto& d : doc.deductions) {
            prepaid = prepaid + d.gross;
            for (const auto& a : d.amounts) {
                auto it =
                    std::find_if(out.breakdown.begin(), out.breakdown.end(), [&](const vat_subtotal& s) {
                        return s.category == a.category && s.rate == a.rate;
                    });
                if (it == out.breakdown.end()) {
                    out.breakdown.push_back(vat_subtotal{
                        a.category, a.rate.trimmed(), zero, zero, zero, zero, zero});
                    it = out.breakdown.end() - 1;
                }
                it->deducted_taxable = it->deducted_taxable + a.taxable;
                it->deducted_tax = it->deducted_tax + a.tax;
            }
        }
        std::sort(out.breakdown.begin(), out.breakdown.end(), group_less);
        out.prepaid = prepaid;
        out.due = out.gross - prepaid;
        doc.totals = std::move(out);
        doc.service_period = service;
        return ok();
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "invoice totals");
    }
}

decimal signed_total(const invoice& doc) noexcept {
    return is_credit_document(doc.type) ? doc.totals.gross.negated() : doc.totals.gross;
}

billing_result<std::optional<decimal>> vat_total_in_accounting_currency(const invoice& doc) {
    if (!doc.vat_currency) {
        return std::optional<decimal>{};
    }
    auto converted = multiply(
        doc.totals.tax, doc.vat_currency->rate, doc.vat_currency->cur.minor_units(), commercial_rounding
    );
    if (!converted) {
        return billing_error{
            billing_errc::arithmetic, "VAT total in " + std::string(doc.vat_currency->cur.code())};
    }
    return std::optional<decimal>{*converted};
}

}  // namespace fakturad::billing
