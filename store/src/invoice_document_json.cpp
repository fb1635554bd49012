#include "invoice_document_json.hpp"

#include "fakturad/core/decimal.hpp"
#include "fakturad/store/store_error.hpp"
#include "text_formats.hpp"

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace fakturad::store::detail {
namespace {

namespace json = boost::json;
using billing::invoice;

// ---- writing --------------------------------------------------------------------------------------------

void put_text(json::object& o, std::string_view key, std::string_view value) {
    if (!value.empty()) {
        o[key] = value;
    }
}

void put_decimal(json::object& o, std::string_view key, decimal value) { o[key] = to_string(value); }

void put_date(json::object& o, std::string_view key, const std::optional<civil_date>& value) {
    if (value) {
        o[key] = format_iso_date(*value);
    }
}

json::array text_array(const std::vector<std::string>& values) {
    json::array out;
    for (const auto& v : values) {
        out.emplace_back(v);
    }
    return out;
}

json::object range_json(const date_range& r) {
    return {{"first", format_iso_date(r.first)}, {"last", format_iso_date(r.last)}};
}

json::object party_json(const billing::party& p) {
    json::object o;
    put_text(o, "id", p.id);
    put_text(o, "name", p.name);
    if (!p.emails.empty()) {
        o["emails"] = text_array(p.emails);
    }
    put_text(o, "vat_id", p.vat_id);
    put_text(o, "country", p.country);
    if (!p.address.empty()) {
        o["address"] = text_array(p.address);
    }
    put_text(o, "postcode", p.postcode);
    put_text(o, "city", p.city);
    put_text(o, "subdivision", p.subdivision);
    put_text(o, "tax_number", p.tax_number);
    put_text(o, "registration_id", p.registration_id);
    put_text(o, "legal_registration", p.legal_registration);
    json::object contact;
    put_text(contact, "name", p.invoice_contact.name);
    put_text(contact, "phone", p.invoice_contact.phone);
    put_text(contact, "email", p.invoice_contact.email);
    if (!contact.empty()) {
        o["contact"] = std::move(contact);
    }
    if (p.endpoint) {
        o["endpoint"] = json::object{{"scheme", p.endpoint->scheme}, {"value", p.endpoint->value}};
    }
    if (p.bank) {
        json::object bank;
        put_text(bank, "iban", p.bank->iban);
        put_text(bank, "bic", p.bank->bic);
        put_text(bank, "account_name", p.bank->account_name);
        o["bank"] = std::move(bank);
    }
    put_text(o, "creditor_id", p.creditor_id);
    return o;
}

json::object vat_json(const billing::vat_treatment& v) {
    return {{"category", v.category}, {"rate", to_string(v.rate)}};
}

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

[[noreturn]] void corrupt(std::string_view path, std::string_view problem) {
    throw store_error(
        "invoices.document: " + std::string(path) + " " + std::string(problem) +
        "; the stored document is not one this fakturad wrote (restore a backup)"
    );
}

class reader {
public:
    reader(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

    [[nodiscard]] std::string at_path(std::string_view key) const { return path_ + "." + std::string(key); }

    [[nodiscard]] const json::value* find(std::string_view key) const { return o_.if_contains(key); }

    [[nodiscard]] std::string text(std::string_view key, bool required = false) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            if (required) {
                corrupt(at_path(key), "is missing");
            }
            return {};
        }
        if (!v->is_string()) {
            corrupt(at_path(key), "is not text");
        }
        return std::string(v->get_string());
    }

    [[nodiscard]] decimal number(std::string_view key) const {
        const std::string t = text(key, true);
        auto d = parse_decimal(t);
        if (!d) {
            corrupt(at_path(key), "is not a decimal");
        }
        return *d;
    }

    [[nodiscard]] std::optional<civil_date> date(std::string_view key, bool required = false) const {
        const std::string t = text(key, required);
        if (t.empty()) {
            return std::nullopt;
        }
        auto d = parse_date_text(t);
        if (!d) {
            corrupt(at_path(key), "is not a date");
        }
        return *d;
    }

    [[nodiscard]] civil_date required_date(std::string_view key) const { return *date(key, true); }

    [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t fallback) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (const auto* i = v->if_int64()) {
            return *i;
        }
        if (const auto* u = v->if_uint64(); u != nullptr && *u <= std::numeric_limits<std::int64_t>::max()) {
            return static_cast<std::int64_t>(*u);
        }
        corrupt(at_path(key), "is not an integer");
    }

    [[nodiscard]] bool boolean(std::string_view key, bool fallback) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_bool()) {
            corrupt(at_path(key), "is not true or false");
        }
        return v->get_bool();
    }

    [[nodiscard]] std::optional<reader> object(std::string_view key) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_object()) {
            corrupt(at_path(key), "is not an object");
        }
        return reader(v->get_object(), at_path(key));
    }

    [[nodiscard]] reader required_object(std::string_view key) const {
        auto r = object(key);
        if (!r) {
            corrupt(at_path(key), "is missing");
        }
        return *r;
    }

    // Calls f(reader) for each element (objects) of an optional array.
    template <class F>
    void each(std::string_view key, F&& f) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            return;
        }
        if (!v->is_array()) {
            corrupt(at_path(key), "is not a list");
        }
        std::size_t i = 0;
        for (const json::value& e : v->get_array()) {
            const std::string element = at_path(key) + "[" + std::to_string(i++) + "]";
            if (!e.is_object()) {
                corrupt(element, "is not an object");
            }
            f(reader(e.get_object(), element));
        }
    }

    [[nodiscard]] std::vector<std::string> texts(std::string_view key) const {
        std::vector<std::string> out;
        const json::value* v = find(key);
        if (v == nullptr) {
            return out;
        }
        if (!v->is_array()) {
            corrupt(at_path(key), "is not a list");
        }
        for (const json::value& e : v->get_array()) {
            if (!e.is_string()) {
                corrupt(at_path(key), "holds a value that is not text");
            }
            out.emplace_back(e.get_string());
        }
        return out;
    }

    // An enum by its to_string name.
    template <class Enum, std::size_t N>
    [[nodiscard]] Enum named(std::string_view key, const std::array<Enum, N>& values) const {
        const std::string t = text(key, true);
        for (Enum e : values) {
            if (billing::to_string(e) == t) {
                return e;
            }
        }
        corrupt(at_path(key), "holds the unknown value \"" + t + "\"");
    }

private:
    const json::object& o_;
    std::string path_;
};

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
constexpr std::array all_means{
    billing::payment_means_code::credit_transfer,
    billing::payment_means_code::direct_debit,
    billing::payment_means_code::card,
};

billing::party read_party(const reader& r) {
    billing::party p;
    p.id = r.text("id");
    p.name = r.text("name");
    p.emails = r.texts("emails");
    p.vat_id = r.text("vat_id");
    p.country = r.text("country");
    p.address = r.texts("address");
    p.postcode = r.text("postcode");
    p.city = r.text("city");
    p.subdivision = r.text("subdivision");
    p.tax_number = r.text("tax_number");
    p.registration_id = r.text("registration_id");
    p.legal_registration = r.text("legal_registration");
    if (auto c = r.object("contact")) {
        p.invoice_contact = {c->text("name"), c->text("phone"), c->text("email")};
    }
    if (auto e = r.object("endpoint")) {
        p.endpoint = billing::electronic_address{e->text("scheme", true), e->text("value", true)};
    }
    if (auto b = r.object("bank")) {
        p.bank = billing::bank_account{b->text("iban"), b->text("bic"), b->text("account_name")};
    }
    p.creditor_id = r.text("creditor_id");
    return p;
}

billing::vat_treatment read_vat(const reader& r) { return {r.text("category", true), r.number("rate")}; }

date_range read_range(const reader& r) { return {r.required_date("first"), r.required_date("last")}; }

billing::charge_key read_key(const reader& r) {
    const std::int64_t revision = r.integer("revision", 0);
    if (revision < 0 || revision > std::numeric_limits<std::uint32_t>::max()) {
        corrupt(r.at_path("revision"), "is out of range");
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
        corrupt(r.at_path(key), "is missing or negative");
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
    o["payment_terms"] = json::object{{"net_days", doc.terms.net_days}, {"note", doc.terms.note}};
    o["vat_rounding"] = doc.rounding == vat_rounding::per_line ? "per_line" : "per_category";
    o["plan_ids"] = text_array(doc.plan_ids);
    put_text(o, "contract_id", doc.contract_id);
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
    json::object refs;
    put_text(refs, "buyer_reference", doc.references.buyer_reference);
    put_text(refs, "order_reference", doc.references.order_reference);
    put_text(refs, "contract_reference", doc.references.contract_reference);
    if (!refs.empty()) {
        o["references"] = std::move(refs);
    }
    if (doc.payment) {
        json::object p{{"code", billing::to_string(doc.payment->code)}};
        put_text(p, "mandate_reference", doc.payment->mandate_reference);
        put_text(p, "debtor_iban", doc.payment->debtor_iban);
        put_text(p, "card_last_digits", doc.payment->card_last_digits);
        put_text(p, "card_holder", doc.payment->card_holder);
        put_text(p, "remittance", doc.payment->remittance);
        put_text(p, "card_network", doc.payment->card_network);
        o["payment"] = std::move(p);
    }
    if (!doc.vat_exemptions.empty()) {
        json::array exemptions;
        for (const auto& e : doc.vat_exemptions) {
            exemptions.emplace_back(json::object{{"category", e.category}, {"code", e.code}, {"text", e.text}}
            );
        }
        o["vat_exemptions"] = std::move(exemptions);
    }
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
    boost::system::error_code ec;
    const json::value root = json::parse(text, ec);
    if (ec) {
        corrupt("(the whole value)", "is not valid JSON: " + ec.message());
    }
    if (!root.is_object()) {
        corrupt("(the whole value)", "is not an object");
    }
    const reader r(root.get_object(), "document");
    if (r.integer("format", 0) != 1) {
        corrupt(r.at_path("format"), "is not 1");
    }
    invoice doc;
    doc.type = r.named("type", all_types);
    doc.status = r.named("status", all_statuses);
    doc.number = r.text("number");
    doc.issue_date = r.date("issue_date");
    doc.due_date = r.date("due_date");
    doc.seller = read_party(r.required_object("seller"));
    doc.account = read_party(r.required_object("account"));
    doc.bill_to = read_party(r.required_object("bill_to"));
    auto cur = lookup_currency(r.text("currency", true));
    if (!cur) {
        corrupt(r.at_path("currency"), "is not an ISO 4217 code");
    }
    doc.cur = *cur;
    doc.language = r.text("language", true);
    const reader terms = r.required_object("payment_terms");
    const std::int64_t net_days = terms.integer("net_days", 0);
    if (net_days < 0 || net_days > std::numeric_limits<std::int32_t>::max()) {
        corrupt(terms.at_path("net_days"), "is out of range");
    }
    doc.terms = {static_cast<std::int32_t>(net_days), terms.text("note")};
    const std::string rounding = r.text("vat_rounding", true);
    if (rounding != "per_line" && rounding != "per_category") {
        corrupt(r.at_path("vat_rounding"), "is neither per_category nor per_line");
    }
    doc.rounding = rounding == "per_line" ? vat_rounding::per_line : vat_rounding::per_category;
    doc.plan_ids = r.texts("plan_ids");
    doc.contract_id = r.text("contract_id");
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
    if (auto refs = r.object("references")) {
        doc.references = {
            refs->text("buyer_reference"), refs->text("order_reference"), refs->text("contract_reference")};
    }
    if (auto p = r.object("payment")) {
        doc.payment = billing::payment_means{
            p->named("code", all_means),
            p->text("mandate_reference"),
            p->text("debtor_iban"),
            p->text("card_last_digits"),
            p->text("card_holder"),
            p->text("remittance"),
            p->text("card_network"),
        };
    }
    r.each("vat_exemptions", [&](const reader& e) {
        doc.vat_exemptions.push_back({e.text("category", true), e.text("code"), e.text("text")});
    });
    doc.tax_decisions = r.texts("tax_decisions");
    if (auto v = r.object("vat_currency")) {
        auto code = lookup_currency(v->text("currency", true));
        if (!code) {
            corrupt(v->at_path("currency"), "is not an ISO 4217 code");
        }
        doc.vat_currency = billing::vat_accounting_currency{*code, v->number("rate")};
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
