#include "fakturad/billing/lifecycle.hpp"

#include "arith.hpp"
#include "fakturad/core/rounding.hpp"
#include "plan_billing.hpp"
#include "text.hpp"

#include <algorithm>
#include <utility>

namespace fakturad::billing {
namespace {

billing_error state_error(std::string text) { return {billing_errc::invalid_state, std::move(text)}; }
billing_error input_error(std::string text) { return {billing_errc::invalid_input, std::move(text)}; }

std::string doc_name(const invoice& doc) {
    return std::string(to_string(doc.type)) + (doc.number.empty() ? "" : " " + doc.number);
}

billing_status require_draft(const invoice& doc) {
    if (doc.status != invoice_status::draft) {
        return state_error(
            doc_name(doc) + " is " + std::string(to_string(doc.status)) +
            ": a finalized document is immutable; correct it with a cancellation or credit note"
        );
    }
    if (is_credit_document(doc.type)) {
        return state_error(
            "a cancellation or credit note is not edited; delete the draft and create a new one"
        );
    }
    return ok();
}

bool references(const invoice& correction, const invoice& original) {
    return correction.corrects && !original.number.empty() &&
           correction.corrects->number == original.number && correction.status != invoice_status::draft;
}

std::string date_text(const std::optional<civil_date>& d) {
    return d ? format_iso_date(*d) : std::string("-");
}

struct group_amount {
    vat_treatment vat;
    decimal net;
    decimal tax;
};

group_amount* find_group(std::vector<group_amount>& groups, const std::string& category, decimal rate) {
    for (auto& g : groups) {
        if (g.vat.category == category && g.vat.rate == rate) {
            return &g;
        }
    }
    return nullptr;
}

// Agreed-total lines as invoice lines (net rounded once per line).
billing_result<std::vector<invoice_line>> agreed_lines(const agreed_total& total, currency cur) {
    std::vector<invoice_line> out;
    for (const auto& a : total.lines) {
        auto line =
            make_manual_line(a.description, a.quantity, a.unit_price, a.vat, cur, std::nullopt, a.unit_code);
        if (!line) {
            return line.error();
        }
        out.push_back(std::move(*line));
    }
    if (out.empty()) {
        return input_error("the agreed total has no lines");
    }
    return out;
}

// Earlier finalized, not cancelled advance/progress invoices of the contract.
std::vector<const invoice*> counted_shares(const std::string& contract_id, std::span<const invoice> earlier) {
    std::vector<const invoice*> out;
    for (const auto& doc : earlier) {
        if (doc.contract_id == contract_id && doc.status == invoice_status::finalized &&
            (doc.type == document_type::advance || doc.type == document_type::progress)) {
            out.push_back(&doc);
        }
    }
    return out;
}

}  // namespace

// ---- drafts ---------------------------------------------------------------------------------------------

invoice draft_header(const billing_plan& plan, document_type type) {
    invoice doc;
    doc.type = type;
    doc.seller = plan.seller;
    doc.account = plan.account;
    doc.bill_to = plan.recipient();
    doc.cur = plan.cur;
    doc.language = plan.language;
    doc.terms = plan.terms;
    doc.rounding = plan.rounding;
    doc.contract_id = plan.contract_id;
    doc.references = plan.references;
    doc.payment = plan.payment;
    doc.vat_exemptions = plan.vat_exemptions;
    if (!plan.id.empty()) {
        doc.plan_ids.push_back(plan.id);
    }
    doc.totals.net = doc.totals.tax = doc.totals.gross = doc.totals.prepaid = doc.totals.due =
        rescale(decimal{}, plan.cur.minor_units(), commercial_rounding).value();
    return doc;
}

billing_status add_line(invoice& draft, invoice_line line) {
    if (auto s = require_draft(draft); !s) {
        return s;
    }
    draft.lines.push_back(std::move(line));
    return compute_totals(draft);
}

billing_status remove_line(invoice& draft, std::size_t index) {
    if (auto s = require_draft(draft); !s) {
        return s;
    }
    if (index >= draft.lines.size()) {
        return input_error("no line " + std::to_string(index + 1));
    }
    draft.lines.erase(draft.lines.begin() + static_cast<std::ptrdiff_t>(index));
    // Billed periods of the removed line are released with it; later indexes move down.
    std::erase_if(draft.billed, [&](const billed_charge_ref& b) { return b.line_index == index; });
    for (auto& b : draft.billed) {
        if (b.line_index > index && b.line_index != no_line) {
            --b.line_index;
        }
    }
    return compute_totals(draft);
}

billing_status replace_line(invoice& draft, std::size_t index, invoice_line line) {
    if (auto s = require_draft(draft); !s) {
        return s;
    }
    if (index >= draft.lines.size()) {
        return input_error("no line " + std::to_string(index + 1));
    }
    draft.lines[index] = std::move(line);
    return compute_totals(draft);
}

billing_result<invoice_line> make_manual_line(
    std::string description,
    decimal quantity,
    decimal unit_price,
    vat_treatment vat,
    currency cur,
    std::optional<date_range> period,
    std::string unit_code
) {
    if (auto problem = check_vat(vat.category, vat.rate)) {
        return input_error("line '" + description + "': " + *problem);
    }
    if (unit_price.is_negative()) {
        return input_error(
            "line '" + description + "': the unit price must not be negative (use a negative quantity)"
        );
    }
    auto net = round_line_net(quantity, unit_price, cur);
    if (!net) {
        return billing_error{
            billing_errc::arithmetic, "line '" + description + "': " + net.error().message()};
    }
    invoice_line line;
    line.kind = line_kind::manual;
    line.description = std::move(description);
    line.quantity = quantity;
    line.unit_price = unit_price;
    line.unit_code = std::move(unit_code);
    line.vat = std::move(vat);
    line.net = net->amount();
    line.period = period;
    return line;
}

billing_result<invoice> make_manual_draft(
    const billing_plan& plan, const manual_draft_input& input, std::span<const usage_record> usage
) {
    if (is_credit_document(input.type)) {
        return input_error("cancellations and credit notes are made from the document they correct");
    }
    invoice doc = draft_header(plan, input.type);
    detail::vat_texts texts;
    if (input.from_plan) {
        billing_plan selected = plan;
        if (!input.from_plan->item_keys.empty()) {
            selected.items.clear();
            for (const auto& key : input.from_plan->item_keys) {
                auto it = std::find_if(plan.items.begin(), plan.items.end(), [&](const plan_item& i) {
                    return i.key == key;
                });
                if (it == plan.items.end()) {
                    return input_error("plan " + plan.id + " has no item '" + key + "'");
                }
                selected.items.push_back(*it);
            }
        }
        const detail::billing_target target{
            input.from_plan->service_period.last, 120, input.from_plan->service_period, false, input.vat};
        std::vector<billed_charge_ref> unused;
        bool capped = false;
        if (auto s = detail::bill_into(
                selected, plan_state{plan.id, {}, {}, {}}, usage, target, doc.lines, unused, capped, &texts
            );
            !s) {
            return s.error();
        }
    }
    for (const auto& line : input.lines) {
        if (auto problem = check_vat(line.vat.category, line.vat.rate)) {
            return input_error("line '" + line.description + "': " + *problem);
        }
        doc.lines.push_back(line);
    }
    if (doc.lines.empty()) {
        return input_error("a manual draft needs at least one line");
    }
    doc.notes = input.notes;
    texts.merge_into(doc);
    if (auto s = compute_totals(doc); !s) {
        return s.error();
    }
    return doc;
}

// ---- finalization -------------------------------------------------------------------------------------

namespace {

std::string trimmed_text(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

}  // namespace

billing_status revise_draft(invoice& draft, const draft_revision& revision, civil_date issue_date) {
    if (draft.status != invoice_status::draft) {
        return state_error(
            doc_name(draft) + " is " + std::string(to_string(draft.status)) + "; only a draft is revised"
        );
    }
    invoice revised = draft;
    auto too_long = [](std::string_view field, std::size_t length, std::size_t limit) {
        return input_error(
            std::string(field) + ": " + std::to_string(length) + " characters, at most " +
            std::to_string(limit) + " are allowed"
        );
    };
    if (revision.buyer_reference) {
        auto text = trimmed_text(*revision.buyer_reference);
        if (text.empty() && !draft.references.buyer_reference.empty()) {
            return input_error(
                "buyer reference: the plan gives \"" + draft.references.buyer_reference +
                "\" (for a public buyer the Leitweg-ID, BR-DE-15); it can be corrected but not removed"
            );
        }
        if (text.size() > max_reference_length) {
            return too_long("buyer reference", text.size(), max_reference_length);
        }
        revised.references.buyer_reference = std::move(text);
    }
    if (revision.order_reference) {
        auto text = trimmed_text(*revision.order_reference);
        if (text.size() > max_reference_length) {
            return too_long("order reference", text.size(), max_reference_length);
        }
        revised.references.order_reference = std::move(text);
    }
    if (revision.notes) {
        revised.notes.clear();
        std::size_t total = 0;
        for (const auto& note : *revision.notes) {
            auto text = trimmed_text(note);
            total += text.size();
            if (!text.empty()) {
                revised.notes.push_back(std::move(text));
            }
        }
        if (total > max_note_length) {
            return too_long("notes", total, max_note_length);
        }
    }
    if (revision.due_date) {
        const auto days =
            (std::chrono::sys_days{*revision.due_date} - std::chrono::sys_days{issue_date}).count();
        if (days < 0) {
            return input_error(
                "due date " + format_iso_date(*revision.due_date) + " is before the issue date " +
                format_iso_date(issue_date) +
                "; set a later due date or clear it for the plan's payment terms"
            );
        }
        revised.terms.net_days = static_cast<std::int32_t>(days);
    }
    for (const auto& [index, description] : revision.line_descriptions) {
        if (index >= revised.lines.size()) {
            return input_error(
                "line " + std::to_string(index + 1) + ": the draft has " +
                std::to_string(revised.lines.size()) + " lines"
            );
        }
        auto text = trimmed_text(description);
        if (text.empty()) {
            return input_error("line " + std::to_string(index + 1) + ": the description cannot be empty");
        }
        if (text.size() > max_description_length) {
            return too_long(
                "line " + std::to_string(index + 1) + " description", text.size(), max_description_length
            );
        }
        revised.lines[index].description = std::move(text);
    }
    draft = std::move(revised);
    return ok();
}

billing_status finalize(invoice& draft, const finalize_input& input) {
    if (draft.status != invoice_status::draft) {
        return state_error(doc_name(draft) + " is already " + std::string(to_string(draft.status)));
    }
    if (draft.type == document_type::pro_forma) {
        if (!input.number.empty()) {
            return input_error("a pro-forma invoice gets no legal number");
        }
    } else if (input.number.empty()) {
        return input_error(
            "a document of type " + std::string(to_string(draft.type)) + " needs a number to be finalized"
        );
    }
    if (draft.lines.empty()) {
        return input_error("a document without lines cannot be finalized");
    }
    if (is_credit_document(draft.type)) {
        if (!draft.corrects) {
            return input_error("a cancellation or credit note must reference the document it corrects");
        }
        // Totals were copied (cancellation) or capped (credit note) when it was made: not recomputed.
    } else if (auto s = compute_totals(draft); !s) {
        return s;
    }
    draft.number = input.number;
    draft.issue_date = input.issue_date;
    draft.due_date = add_days(input.issue_date, draft.terms.net_days);
    draft.status = invoice_status::finalized;
    return ok();
}

// ---- corrections --------------------------------------------------------------------------------------

billing_result<std::vector<decimal>> creditable_per_line(
    const invoice& original, std::span<const invoice> corrections
) {
    std::vector<decimal> creditable(original.lines.size());
    for (std::size_t i = 0; i < original.lines.size(); ++i) {
        creditable[i] = original.lines[i].net.signum() > 0 ? original.lines[i].net : decimal{};
    }
    try {
        for (const auto& c : corrections) {
            if (!references(c, original)) {
                continue;
            }
            if (c.type == document_type::cancellation) {
                std::fill(creditable.begin(), creditable.end(), decimal{});
                break;
            }
            for (const auto& line : c.lines) {
                if (line.source_line && *line.source_line < creditable.size()) {
                    creditable[*line.source_line] = creditable[*line.source_line] - line.net;
                }
            }
        }
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "creditable amounts");
    }
    return creditable;
}

billing_result<invoice> make_cancellation(const invoice& original, std::span<const invoice> corrections) {
    auto refuse = [&](std::string why) {
        return billing_error{billing_errc::not_cancellable, doc_name(original) + ": " + std::move(why)};
    };
    if (original.type == document_type::cancellation) {
        return refuse("a cancellation cannot be cancelled; issue a new invoice instead");
    }
    if (original.type == document_type::credit_note) {
        return refuse("a credit note cannot be cancelled; issue a new invoice for the amount instead");
    }
    if (original.type == document_type::pro_forma) {
        return refuse("a pro-forma invoice has no legal effect and is not cancelled");
    }
    if (original.status == invoice_status::draft) {
        return refuse("a draft is deleted, not cancelled");
    }
    if (original.status == invoice_status::cancelled) {
        return refuse("already cancelled");
    }
    for (const auto& c : corrections) {
        if (!references(c, original)) {
            continue;
        }
        if (c.type == document_type::cancellation) {
            return refuse("already cancelled by " + c.number);
        }
        return refuse(
            "partly credited by " + c.number +
            "; a full cancellation would credit more than is creditable: credit the remainder instead"
        );
    }
    invoice doc = original;  // lines, breakdown, totals and deductions mirrored exactly
    doc.type = document_type::cancellation;
    doc.status = invoice_status::draft;
    doc.number.clear();
    doc.issue_date.reset();
    doc.due_date.reset();
    doc.corrects = document_reference{original.number, original.issue_date, original.type};
    doc.released = original.billed;
    doc.billed.clear();
    const auto& l = detail::labels_for(doc.language);
    doc.notes.clear();
    doc.notes.push_back(
        (l.german ? "Storno der Rechnung " : "Cancellation of invoice ") + original.number +
        (l.german ? " vom " : " of ") + date_text(original.issue_date)
    );
    return doc;
}

billing_result<invoice> make_credit_note(
    const invoice& original, std::span<const invoice> corrections, const credit_request& request
) {
    if (original.status != invoice_status::finalized || is_credit_document(original.type) ||
        original.type == document_type::pro_forma) {
        return billing_error{
            billing_errc::not_cancellable,
            doc_name(original) + ": only a finalized invoice that is not cancelled can be credited"};
    }
    auto creditable = creditable_per_line(original, corrections);
    if (!creditable) {
        return creditable.error();
    }
    if (request.lines.empty()) {
        return input_error("a credit note needs at least one line");
    }
    invoice doc = original;
    doc.type = document_type::credit_note;
    doc.status = invoice_status::draft;
    doc.number.clear();
    doc.issue_date.reset();
    doc.due_date.reset();
    doc.lines.clear();
    doc.billed.clear();
    doc.released.clear();
    doc.deductions.clear();
    doc.corrects = document_reference{original.number, original.issue_date, original.type};
    const int minor = original.cur.minor_units();
    const auto& l = detail::labels_for(doc.language);
    try {
        std::vector<decimal> requested(original.lines.size());
        for (const auto& r : request.lines) {
            if (r.line >= original.lines.size()) {
                return input_error("no line " + std::to_string(r.line + 1) + " on " + doc_name(original));
            }
            const invoice_line& src = original.lines[r.line];
            decimal amount;
            decimal quantity{1};
            if (r.quantity && r.amount) {
                return input_error("credit either a quantity or an amount, not both");
            }
            if (r.quantity) {
                if (r.quantity->signum() <= 0 || src.quantity.signum() <= 0 || *r.quantity > src.quantity) {
                    return input_error(
                        "line " + std::to_string(r.line + 1) + ": the credited quantity must lie in (0, " +
                        to_string(src.quantity) + "]"
                    );
                }
                amount = detail::div_round(src.net * *r.quantity, src.quantity, minor);
                quantity = *r.quantity;
            } else if (r.amount) {
                amount = *r.amount;
                if (amount.signum() <= 0) {
                    return input_error(
                        "line " + std::to_string(r.line + 1) + ": the credited amount must be above 0"
                    );
                }
            } else {
                amount = (*creditable)[r.line] - requested[r.line];
            }
            requested[r.line] = requested[r.line] + amount;
            if ((*creditable)[r.line] < requested[r.line]) {
                return billing_error{
                    billing_errc::over_credit,
                    "line " + std::to_string(r.line + 1) + ": credit " + to_string(requested[r.line]) +
                        " exceeds the creditable " + to_string((*creditable)[r.line])};
            }
            if (amount.signum() <= 0) {
                return billing_error{
                    billing_errc::over_credit,
                    "line " + std::to_string(r.line + 1) + ": nothing left to credit"};
            }
            invoice_line line = src;
            line.kind = line_kind::manual;
            line.quantity = quantity;
            line.unit_price = detail::div_round(amount, quantity, std::max(minor, 6)).trimmed();
            line.net = amount;
            line.prorated.reset();
            line.source_line = r.line;
            line.credits.reset();
            for (const auto& b : original.billed) {
                if (b.line_index == r.line) {
                    line.credits = b.key;
                }
            }
            line.description = (l.german ? "Korrektur: " : "Credit: ") + src.description;
            doc.lines.push_back(std::move(line));
        }
        if (auto s = compute_totals(doc); !s) {
            return s.error();
        }
        // VAT per group: never more than the VAT still creditable; the credit that exhausts a group's base
        // takes exactly its remaining VAT, so original + credits = 0.
        std::vector<group_amount> remaining;
        remaining.reserve(original.totals.breakdown.size());
        for (const auto& b : original.totals.breakdown) {
            remaining.push_back({{b.category, b.rate}, b.taxable, b.tax});
        }
        for (const auto& c : corrections) {
            if (!references(c, original)) {
                continue;
            }
            for (const auto& b : c.totals.breakdown) {
                if (group_amount* g = find_group(remaining, b.category, b.rate)) {
                    g->net = g->net - b.taxable;
                    g->tax = g->tax - b.tax;
                }
            }
        }
        decimal tax_total = detail::at_scale(decimal{}, minor);
        for (auto& b : doc.totals.breakdown) {
            if (const group_amount* g = find_group(remaining, b.category, b.rate)) {
                if (b.taxable == g->net || g->tax < b.tax) {
                    b.tax = g->tax;
                }
            }
            tax_total = tax_total + b.tax;
        }
        doc.totals.tax = tax_total;
        doc.totals.gross = doc.totals.net + tax_total;
        doc.totals.prepaid = detail::at_scale(decimal{}, minor);
        doc.totals.due = doc.totals.gross;
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "credit note");
    }
    doc.notes.clear();
    std::string note = (l.german ? "Rechnungskorrektur zu Rechnung " : "Credit note for invoice ") +
                       original.number + (l.german ? " vom " : " of ") + date_text(original.issue_date);
    if (!request.reason.empty()) {
        note += ": " + request.reason;
    }
    doc.notes.push_back(std::move(note));
    return doc;
}

billing_status mark_cancelled(invoice& original, const invoice& cancellation) {
    if (original.status != invoice_status::finalized) {
        return state_error(
            doc_name(original) + " is " + std::string(to_string(original.status)) + ", not finalized"
        );
    }
    if (cancellation.type != document_type::cancellation ||
        cancellation.status != invoice_status::finalized || !cancellation.corrects ||
        cancellation.corrects->number != original.number) {
        return state_error("only a finalized cancellation referencing " + original.number + " cancels it");
    }
    original.status = invoice_status::cancelled;
    return ok();
}

// ---- advance, progress, final -------------------------------------------------------------------------

billing_result<invoice> make_agreed_share(
    const billing_plan& header,
    const agreed_total& total,
    std::span<const invoice> earlier,
    const share_request& request
) {
    if (request.type != document_type::advance && request.type != document_type::progress) {
        return input_error("an agreed share is an advance or a progress invoice");
    }
    if (request.percent.has_value() == request.amount.has_value()) {
        return input_error("give either a percent or an amount");
    }
    if (request.percent && (request.percent->signum() <= 0 || decimal{100} < *request.percent)) {
        return input_error("the percent must lie in (0, 100]");
    }
    if (request.amount && request.amount->signum() <= 0) {
        return input_error("the amount must be above 0");
    }
    auto lines = agreed_lines(total, header.cur);
    if (!lines) {
        return lines.error();
    }
    const int minor = header.cur.minor_units();
    const auto& l = detail::labels_for(header.language);
    invoice doc = draft_header(header, request.type);
    doc.contract_id = total.contract_id;
    try {
        std::vector<group_amount> agreed;
        decimal agreed_net;
        for (const auto& line : *lines) {
            group_amount* g = find_group(agreed, line.vat.category, line.vat.rate);
            if (g == nullptr) {
                agreed.push_back({line.vat, decimal{}, decimal{}});
                g = &agreed.back();
            }
            g->net = g->net + line.net;
            agreed_net = agreed_net + line.net;
        }
        if (agreed_net.signum() <= 0) {
            return input_error("the agreed total must be above 0");
        }
        // Already invoiced shares per group (the `tax` field holds them here).
        for (const invoice* doc_before : counted_shares(total.contract_id, earlier)) {
            for (const auto& line : doc_before->lines) {
                if (group_amount* g = find_group(agreed, line.vat.category, line.vat.rate)) {
                    g->tax = g->tax + line.net;
                }
            }
        }
        std::vector<decimal> share(agreed.size());
        if (request.percent) {
            for (std::size_t i = 0; i < agreed.size(); ++i) {
                share[i] = detail::percent_of(agreed[i].net, *request.percent, minor);
            }
        } else {
            const decimal wanted = detail::at_scale(*request.amount, minor);
            if (agreed_net < wanted) {
                return billing_error{billing_errc::over_advance, "the amount exceeds the agreed total"};
            }
            decimal assigned;
            std::size_t largest = 0;
            for (std::size_t i = 0; i < agreed.size(); ++i) {
                share[i] = detail::div_round(wanted * agreed[i].net, agreed_net, minor);
                assigned = assigned + share[i];
                if (agreed[largest].net < agreed[i].net) {
                    largest = i;
                }
            }
            share[largest] = share[largest] + (wanted - assigned);
        }
        for (std::size_t i = 0; i < agreed.size(); ++i) {
            if (agreed[i].net < agreed[i].tax + share[i]) {
                return billing_error{
                    billing_errc::over_advance,
                    "VAT " + agreed[i].vat.category + " " + to_string(agreed[i].vat.rate.trimmed()) +
                        " %: " + to_string(agreed[i].tax) + " invoiced before + " + to_string(share[i]) +
                        " exceeds the agreed " + to_string(agreed[i].net)};
            }
            if (share[i].is_zero()) {
                continue;
            }
            invoice_line line;
            line.kind = line_kind::agreed_share;
            line.plan_id = header.id;
            line.quantity = decimal{1};
            line.unit_price = share[i];
            line.net = share[i];
            line.vat = agreed[i].vat;
            std::string& text = line.description;
            if (!request.label.empty()) {
                text = request.label;
            } else if (request.type == document_type::advance) {
                text = l.german ? "Anzahlung" : "Advance payment";
            } else {
                text = l.german ? "Abschlagszahlung" : "Progress payment";
            }
            text += ": ";
            if (request.percent) {
                detail::append_number(text, *request.percent, l);
                text += l.german ? " % der vereinbarten Nettosumme " : " % of the agreed net total ";
                detail::append_amount(text, agreed_net, header.cur, l);
            } else {
                text +=
                    l.german ? "Anteil an der vereinbarten Nettosumme " : "share of the agreed net total ";
                detail::append_amount(text, agreed_net, header.cur, l);
            }
            if (agreed.size() > 1) {
                text += " (" + std::string(l.vat) + " " + agreed[i].vat.category + " ";
                detail::append_number(text, agreed[i].vat.rate, l);
                text += " %)";
            }
            doc.lines.push_back(std::move(line));
        }
    } catch (const money_error& e) {
        return detail::arithmetic_error(e, "agreed share");
    }
    if (auto s = compute_totals(doc); !s) {
        return s.error();
    }
    return doc;
}

billing_result<invoice> make_final_invoice(
    const billing_plan& header, const agreed_total& total, std::span<const invoice> earlier
) {
    auto lines = agreed_lines(total, header.cur);
    if (!lines) {
        return lines.error();
    }
    invoice doc = draft_header(header, document_type::final_invoice);
    doc.contract_id = total.contract_id;
    doc.lines = std::move(*lines);
    for (auto& line : doc.lines) {
        line.plan_id = header.id;
    }
    for (const invoice* share : counted_shares(total.contract_id, earlier)) {
        if (!(share->cur == header.cur)) {
            return input_error(doc_name(*share) + " is in another currency than the final invoice");
        }
        deduction d;
        d.document = document_reference{share->number, share->issue_date, share->type};
        d.gross = share->totals.gross;
        for (const auto& b : share->totals.breakdown) {
            d.amounts.push_back(vat_subtotal{b.category, b.rate, b.taxable, b.tax, b.tax_per_category, {}, {}}
            );
        }
        doc.deductions.push_back(std::move(d));
    }
    if (auto s = compute_totals(doc); !s) {
        return s.error();
    }
    return doc;
}

}  // namespace fakturad::billing
