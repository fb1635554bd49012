#include "json_codec.hpp"

#include "fakturad/store/store_error.hpp"
#include "text_formats.hpp"

#include <limits>
#include <utility>
#include <variant>

namespace fakturad::store::detail {

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

json::object payment_json(const billing::payment_means& p) {
    json::object o{{"code", billing::to_string(p.code)}};
    put_text(o, "mandate_reference", p.mandate_reference);
    put_text(o, "debtor_iban", p.debtor_iban);
    put_text(o, "card_last_digits", p.card_last_digits);
    put_text(o, "card_holder", p.card_holder);
    put_text(o, "remittance", p.remittance);
    put_text(o, "card_network", p.card_network);
    return o;
}

json::object references_json(const billing::document_references& r) {
    json::object o;
    put_text(o, "buyer_reference", r.buyer_reference);
    put_text(o, "order_reference", r.order_reference);
    put_text(o, "contract_reference", r.contract_reference);
    return o;
}

json::array exemptions_json(const std::vector<billing::vat_exemption>& list) {
    json::array out;
    for (const auto& e : list) {
        out.emplace_back(json::object{{"category", e.category}, {"code", e.code}, {"text", e.text}});
    }
    return out;
}

json::object payment_terms_json(const billing::payment_terms& t) {
    return {{"net_days", t.net_days}, {"note", t.note}};
}

void put_document_terms(
    json::object& o,
    const billing::document_references& references,
    const std::optional<billing::payment_means>& payment,
    const std::vector<billing::vat_exemption>& exemptions
) {
    if (json::object refs = references_json(references); !refs.empty()) {
        o["references"] = std::move(refs);
    }
    if (payment) {
        o["payment"] = payment_json(*payment);
    }
    if (!exemptions.empty()) {
        o["vat_exemptions"] = exemptions_json(exemptions);
    }
}

std::string_view enum_name(vat_rounding r) noexcept {
    return r == vat_rounding::per_line ? "per_line" : "per_category";
}

std::string_view enum_name(billing::discount_kind k) noexcept {
    return k == billing::discount_kind::amount ? "amount" : "percent";
}

void corrupt_json(std::string_view column, std::string_view path, std::string_view problem) {
    throw store_error(
        std::string(column) + ": " + std::string(path) + " " + std::string(problem) +
        "; the stored value is not one this fakturad wrote (restore a backup)"
    );
}

json_reader json_reader::parse(
    std::string_view text, json::value& root, std::string path, std::string_view column, std::int64_t format
) {
    boost::system::error_code ec;
    root = json::parse(text, ec);
    if (ec) {
        corrupt_json(column, "(the whole value)", "is not valid JSON: " + ec.message());
    }
    if (!root.is_object()) {
        corrupt_json(column, "(the whole value)", "is not an object");
    }
    json_reader r(root.get_object(), std::move(path), column);
    if (r.integer("format", 0) != format) {
        r.fail("format", "is not " + std::to_string(format));
    }
    return r;
}

std::string json_reader::text(std::string_view key, bool required) const {
    const json::value* v = find(key);
    if (v == nullptr) {
        if (required) {
            fail(key, "is missing");
        }
        return {};
    }
    if (!v->is_string()) {
        fail(key, "is not text");
    }
    return std::string(v->get_string());
}

decimal json_reader::number(std::string_view key) const {
    const std::string t = text(key, true);
    auto d = parse_decimal(t);
    if (!d) {
        fail(key, "is not a decimal");
    }
    return *d;
}

std::optional<decimal> json_reader::optional_number(std::string_view key) const {
    if (find(key) == nullptr) {
        return std::nullopt;
    }
    return number(key);
}

std::optional<civil_date> json_reader::date(std::string_view key, bool required) const {
    const std::string t = text(key, required);
    if (t.empty()) {
        return std::nullopt;
    }
    auto d = parse_date_text(t);
    if (!d) {
        fail(key, "is not a date");
    }
    return *d;
}

billing_period json_reader::period(std::string_view key) const {
    auto p = parse_billing_period(text(key, true));
    if (auto* error = std::get_if<std::string>(&p)) {
        fail(key, "is not a billing period (" + *error + ")");
    }
    return std::get<billing_period>(p);
}

std::int64_t json_reader::integer(std::string_view key, std::int64_t fallback) const {
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
    fail(key, "is not an integer");
}

bool json_reader::boolean(std::string_view key, bool fallback) const {
    const json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_bool()) {
        fail(key, "is not true or false");
    }
    return v->get_bool();
}

std::optional<json_reader> json_reader::object(std::string_view key) const {
    const json::value* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_object()) {
        fail(key, "is not an object");
    }
    return json_reader(v->get_object(), at_path(key), column_);
}

json_reader json_reader::required_object(std::string_view key) const {
    auto r = object(key);
    if (!r) {
        fail(key, "is missing");
    }
    return *r;
}

std::vector<std::string> json_reader::texts(std::string_view key) const {
    std::vector<std::string> out;
    const json::value* v = find(key);
    if (v == nullptr) {
        return out;
    }
    if (!v->is_array()) {
        fail(key, "is not a list");
    }
    for (const json::value& e : v->get_array()) {
        if (!e.is_string()) {
            fail(key, "holds a value that is not text");
        }
        out.emplace_back(e.get_string());
    }
    return out;
}

currency json_reader::currency_code(std::string_view key) const {
    auto cur = lookup_currency(text(key, true));
    if (!cur) {
        fail(key, "is not an ISO 4217 code");
    }
    return *cur;
}

billing::party read_party(const json_reader& r) {
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

billing::vat_treatment read_vat(const json_reader& r) { return {r.text("category", true), r.number("rate")}; }

date_range read_range(const json_reader& r) { return {r.required_date("first"), r.required_date("last")}; }

billing::payment_means read_payment(const json_reader& r) {
    return billing::payment_means{
        r.named("code", all_payment_means),
        r.text("mandate_reference"),
        r.text("debtor_iban"),
        r.text("card_last_digits"),
        r.text("card_holder"),
        r.text("remittance"),
        r.text("card_network"),
    };
}

billing::payment_terms read_payment_terms(const json_reader& r) {
    const std::int64_t net_days = r.integer("net_days", -1);
    if (net_days < 0 || net_days > std::numeric_limits<std::int32_t>::max()) {
        r.fail("net_days", "is missing or out of range");
    }
    return {static_cast<std::int32_t>(net_days), r.text("note")};
}

void read_document_terms(
    const json_reader& r,
    billing::document_references& references,
    std::optional<billing::payment_means>& payment,
    std::vector<billing::vat_exemption>& exemptions
) {
    if (auto refs = r.object("references")) {
        references = {
            refs->text("buyer_reference"), refs->text("order_reference"), refs->text("contract_reference")};
    }
    if (auto p = r.object("payment")) {
        payment = read_payment(*p);
    }
    r.each("vat_exemptions", [&](const json_reader& e) {
        exemptions.push_back({e.text("category", true), e.text("code"), e.text("text")});
    });
}

}  // namespace fakturad::store::detail
