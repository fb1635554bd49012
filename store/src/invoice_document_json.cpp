#include "invoice_document_json.hpp"

#include "fakturad/core/decimal.hpp"
#include "json_codec.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace fakturad::store::detail {
namespace {

using billing::invoice;

// ---- writing --------------------------------------------------------------------------------------------

json::object key_json(const billing::charge_key& k) {
    json::object o{
        {"plan_id", k.plan_id}, {"item_key", k.item_key}, {"period_start", format_iso_date(k.period_start)}};
    if (k.revision != 0) {
        o["revision"] = k.revision;
    }
    return o;
}

json::object line_json(const billing::invoice_line& l) {
    json::object o;
    o["kind"] = billing::to_string(l.kind);
    put_text(o, "plan_id", l.plan_id);
    put_text(o, "item_key", l.item_key);
    o["description"] = l.description;
    put_decimal(o, "quantity", l.quantity);
    o["unit_code"] = l.unit_code;
    put_decimal(o, "unit_price", l.unit_price);
    if (l.prorated) {
        o["prorated"] = json::object{{"days", l.prorated->days}, {"period_days", l.prorated->period_days}};
    }
    if (l.period) {
        o["period"] = range_json(*l.period);
    }
    o["vat"] = vat_json(l.vat);
    put_decimal(o, "net", l.net);
    if (l.credits) {
        o["credits"] = key_json(*l.credits);
    }
    if (l.source_line) {
        o["source_line"] = static_cast<std::uint64_t>(*l.source_line);
    }
    return o;
}

json::array billed_json(const std::vector<billing::billed_charge_ref>& refs) {
    json::array out;
    for (const auto& r : refs) {
        out.emplace_back(json::object{
            {"key", key_json(r.key)},
            {"period_end", format_iso_date(r.period_end)},
            {"quantity", to_string(r.quantity)},
            {"billed_net", to_string(r.billed_net)},
            {"line_index", static_cast<std::uint64_t>(r.line_index)},
            {"regular", r.regular},
        });
    }
    return out;
}

json::object subtotal_json(const billing::vat_subtotal& s) {
    return {
        {"category", s.category},
        {"rate", to_string(s.rate)},
        {"taxable", to_string(s.taxable)},
        {"tax", to_string(s.tax)},
        {"tax_per_category", to_string(s.tax_per_category)},
        {"deducted_taxable", to_string(s.deducted_taxable)},
        {"deducted_tax", to_string(s.deducted_tax)},
    };
}

json::array subtotals_json(const std::vector<billing::vat_subtotal>& list) {
    json::array out;
    for (const auto& s : list) {
        out.emplace_back(subtotal_json(s));
    }
    return out;
}

json::object reference_json(const billing::document_reference& r) {
    json::object o{{"number", r.number}, {"type", billing::to_string(r.type)}};
    put_date(o, "issue_date", r.issue_date);
    return o;
}

// ---- reading --------------------------------------------------------------------------------------------

constexpr std::string_view column = "invoices.document";

using reader = json_reader;

constexpr std::array all_types{
    billing::document_type::invoice,
    billing::document_type::pro_forma,
    billing::document_type::advance,
    billing::document_type::progress,
    billing::document_type::partial,
    billing::document_type::final_invoice,
    billing::document_type::cancellation,
    billing::document_type::credit_note,
};
constexpr std::array all_statuses{
    billing::invoice_status::draft, billing::invoice_status::finalized, billing::invoice_status::cancelled};
constexpr std::array all_kinds{
    billing::line_kind::charge,
    billing::line_kind::proration_credit,
    billing::line_kind::discount,
    billing::line_kind::minimum_true_up,
    billing::line_kind::agreed_share,
    billing::line_kind::manual,
};

billing::charge_key read_key(const reader& r) {
    const std::int64_t revision = r.integer("revision", 0);
    if (revision < 0 || revision > std::numeric_limits<std::uint32_t>::max()) {
        r.fail("revision", "is out of range");
    }
    return {
        r.text("plan_id", true),
        r.text("item_key", true),
        r.required_date("period_start"),
        static_cast<std::uint32_t>(revision),
    };
}

std::size_t read_index(const reader& r, std::string_view key) {
    const std::int64_t v = r.integer(key, -1);
    if (v < 0) {
        r.fail(key, "is missing or negative");
    }
    return static_cast<std::size_t>(v);
}

billing::invoice_line read_line(const reader& r) {
    billing::invoice_line l;
    l.kind = r.named("kind", all_kinds);
    l.plan_id = r.text("plan_id");
    l.item_key = r.text("item_key");
    l.description = r.text("description", true);
    l.quantity = r.number("quantity");
    l.unit_code = r.text("unit_code", true);
    l.unit_price = r.number("unit_price");
    if (auto p = r.object("prorated")) {
        l.prorated = billing::proration{p->integer("days", 0), p->integer("period_days", 0)};
    }
    if (auto p = r.object("period")) {
        l.period = read_range(*p);
    }
    l.vat = read_vat(r.required_object("vat"));
    l.net = r.number("net");
    if (auto k = r.object("credits")) {
        l.credits = read_key(*k);
    }
    if (r.find("source_line") != nullptr) {
        l.source_line = read_index(r, "source_line");
    }
    return l;
}

std::vector<billing::billed_charge_ref> read_billed(const reader& r, std::string_view key) {
    std::vector<billing::billed_charge_ref> out;
    r.each(key, [&](const reader& e) {
        out.push_back({
            read_key(e.required_object("key")),
            e.required_date("period_end"),
            e.number("quantity"),
            e.number("billed_net"),
            read_index(e, "line_index"),
            e.boolean("regular", true),
        });
    });
    return out;
}

billing::vat_subtotal read_subtotal(const reader& r) {
    return {
        r.text("category", true),
        r.number("rate"),
        r.number("taxable"),
        r.number("tax"),
        r.number("tax_per_category"),
        r.number("deducted_taxable"),
        r.number("deducted_tax"),
    };
}

std::vector<billing::vat_subtotal> read_subtotals(const reader& r, std::string_view key) {
    std::vector<billing::vat_subtotal> out;
    r.each(key, [&](const reader& e) { out.push_back(read_subtotal(e)); });
    return out;
}

billing::document_reference read_reference(const reader& r) {
    return {r.text("number"), r.date("issue_date"), r.named("type", all_types)};
}

}  // namespace

std::string document_to_json(const invoice& doc) {
    json::object o;
    o["format"] = 1;
    o["type"] = billing::to_string(doc.type);
    o["status"] = billing::to_string(doc.status);
    put_text(o, "number", doc.number);
    put_date(o, "issue_date", doc.issue_date);
    put_date(o, "due_date", doc.due_date);
    o["seller"] = party_json(doc.seller);
    o["account"] = party_json(doc.account);
    o["bill_to"] = party_json(doc.bill_to);
    o["currency"] = doc.cur.code();
    o["language"] = doc.language;
    o["payment_terms"] = payment_terms_json(doc.terms);
    o["vat_rounding"] = doc.rounding == vat_rounding::per_line ? "per_line" : "per_category";
    o["plan_ids"] = text_array(doc.plan_ids);
    put_text(o, "contract_id", doc.contract_id);
    put_text(o, "milestone", doc.milestone);
    json::array lines;
    for (const auto& l : doc.lines) {
        lines.emplace_back(line_json(l));
    }
    o["lines"] = std::move(lines);
    o["billed"] = billed_json(doc.billed);
    if (!doc.released.empty()) {
        o["released"] = billed_json(doc.released);
    }
    if (doc.corrects) {
        o["corrects"] = reference_json(*doc.corrects);
    }
    if (!doc.deductions.empty()) {
        json::array deductions;
        for (const auto& d : doc.deductions) {
            deductions.emplace_back(json::object{
                {"document", reference_json(d.document)},
                {"amounts", subtotals_json(d.amounts)},
                {"gross", to_string(d.gross)},
            });
        }
        o["deductions"] = std::move(deductions);
    }
    if (doc.service_period) {
        o["service_period"] = range_json(*doc.service_period);
    }
    if (!doc.notes.empty()) {
        o["notes"] = text_array(doc.notes);
    }
    put_document_terms(o, doc.references, doc.payment, doc.vat_exemptions);
    if (!doc.tax_decisions.empty()) {
        o["tax_decisions"] = text_array(doc.tax_decisions);
    }
    if (doc.vat_currency) {
        o["vat_currency"] = json::object{
            {"currency", doc.vat_currency->cur.code()}, {"rate", to_string(doc.vat_currency->rate)}};
    }
    const auto& t = doc.totals;
    o["totals"] = json::object{
        {"net", to_string(t.net)},
        {"tax", to_string(t.tax)},
        {"gross", to_string(t.gross)},
        {"prepaid", to_string(t.prepaid)},
        {"due", to_string(t.due)},
        {"breakdown", subtotals_json(t.breakdown)},
    };
    return json::serialize(o);
}

invoice document_from_json(std::string_view text) {
    json::value root;
    const reader r = reader::parse(text, root, "document", column, 1);
    invoice doc;
    doc.type = r.named("type", all_types);
    doc.status = r.named("status", all_statuses);
    doc.number = r.text("number");
    doc.issue_date = r.date("issue_date");
    doc.due_date = r.date("due_date");
    doc.seller = read_party(r.required_object("seller"));
    doc.account = read_party(r.required_object("account"));
    doc.bill_to = read_party(r.required_object("bill_to"));
    doc.cur = r.currency_code("currency");
    doc.language = r.text("language", true);
    doc.terms = read_payment_terms(r.required_object("payment_terms"));
    doc.rounding = r.named("vat_rounding", all_vat_roundings);
    doc.plan_ids = r.texts("plan_ids");
    doc.contract_id = r.text("contract_id");
    doc.milestone = r.text("milestone");
    r.each("lines", [&](const reader& e) { doc.lines.push_back(read_line(e)); });
    doc.billed = read_billed(r, "billed");
    doc.released = read_billed(r, "released");
    if (auto c = r.object("corrects")) {
        doc.corrects = read_reference(*c);
    }
    r.each("deductions", [&](const reader& e) {
        doc.deductions.push_back(
            {read_reference(e.required_object("document")), read_subtotals(e, "amounts"), e.number("gross")}
        );
    });
    if (auto p = r.object("service_period")) {
        doc.service_period = read_range(*p);
    }
    doc.notes = r.texts("notes");
    read_document_terms(r, doc.references, doc.payment, doc.vat_exemptions);
    doc.tax_decisions = r.texts("tax_decisions");
    if (auto v = r.object("vat_currency")) {
        doc.vat_currency = billing::vat_accounting_currency{v->currency_code("currency"), v->number("rate")};
    }
    const reader t = r.required_object("totals");
    doc.totals.net = t.number("net");
    doc.totals.tax = t.number("tax");
    doc.totals.gross = t.number("gross");
    doc.totals.prepaid = t.number("prepaid");
    doc.totals.due = t.number("due");
    doc.totals.breakdown = read_subtotals(t, "breakdown");
    return doc;
}

}  // namespace fakturad::store::detail
