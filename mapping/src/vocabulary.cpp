// The vocabulary of mapping files: targets per section and write-back results. One table each drives the
// parser, bind(), the apply code's defaults and mapping/README.md.

#include "fakturad/mapping/mapping_file.hpp"

#include <array>

namespace fakturad::mapping {
namespace {

using tt = target_type;

constexpr std::array targets{
    // plan -> billing_plan
    target_info{"plan", "id", tt::id, false, "Id", "", "plan id; the source record Id"},
    target_info{"plan", "account_id", tt::id, true, "", "", "the buyer's account Id"},
    target_info{"plan", "start", tt::date, true, "", "", "first day billed"},
    target_info{
        "plan", "end", tt::date, false, "", "", "last day billed (with auto_renew: end of the first term)"},
    target_info{"plan", "currency", tt::text, false, "", "", "ISO 4217 code (default EUR)"},
    target_info{
        "plan", "language", tt::text, false, "", "", "document language, BCP 47 primary tag (default de)"},
    target_info{
        "plan", "period", tt::period, false, "", "", "billing period P1M, P3M, P1Y, P14D, P1W (default P1M)"},
    target_info{
        "plan", "alignment", tt::choice, false, "", "calendar|anniversary", "period grid (default calendar)"},
    target_info{"plan", "anchor", tt::date, false, "", "", "anniversary anchor (default start)"},
    target_info{
        "plan",
        "payment_terms_days",
        tt::integer,
        false,
        "",
        "",
        "due date = issue date + days (default 14)"},
    target_info{
        "plan", "payment_terms_note", tt::text, false, "", "", "payment terms text printed on the invoice"},
    target_info{
        "plan", "seller", tt::text, true, "", "", "legal entity code (from the config's legal entities)"},
    target_info{"plan", "buyer_reference", tt::text, false, "", "", "BT-10 buyer reference, e.g. Leitweg-ID"},
    target_info{"plan", "order_reference", tt::text, false, "", "", "BT-13 purchase order reference"},
    target_info{"plan", "contract_reference", tt::text, false, "", "", "BT-12 contract reference"},
    target_info{
        "plan", "contract_id", tt::text, false, "", "", "groups advance/final documents of one contract"},
    target_info{"plan", "auto_renew", tt::boolean, false, "", "", "renews by renewal_term (default false)"},
    target_info{
        "plan", "renewal_term", tt::period, false, "", "", "length of each renewal term (default P1Y)"},
    target_info{"plan", "notice_period", tt::period, false, "", "", "notice before a term end (default P3M)"},
    target_info{
        "plan",
        "buyer_business",
        tt::boolean,
        false,
        "",
        "",
        "B2B buyer for tax determination (default true)"},
    target_info{
        "plan",
        "payment_means",
        tt::choice,
        false,
        "",
        "credit_transfer|direct_debit|card",
        "how the buyer pays"},
    target_info{
        "plan", "mandate_reference", tt::text, false, "", "", "direct debit mandate reference (BT-89)"},
    target_info{"plan", "debtor_iban", tt::text, false, "", "", "direct debit: the buyer's IBAN (BT-91)"},
    target_info{
        "plan", "bill_to_email", tt::emails, false, "", "", "invoice recipients other than the buyer's"},
    // buyer -> billing::party
    target_info{"buyer", "id", tt::id, false, "", "", "party key (default: the plan's account_id)"},
    target_info{"buyer", "name", tt::text, true, "", "", "legal name (BT-44)"},
    target_info{"buyer", "vat_id", tt::text, false, "", "", "VAT identifier (BT-48)"},
    target_info{"buyer", "country", tt::country, true, "", "", "ISO 3166-1 alpha-2, or a country name"},
    target_info{"buyer", "street", tt::text, false, "", "", "street; several lines separated by newlines"},
    target_info{"buyer", "postcode", tt::text, false, "", "", "post code (BT-53)"},
    target_info{"buyer", "city", tt::text, false, "", "", "city (BT-52)"},
    target_info{"buyer", "subdivision", tt::text, false, "", "", "region, state, province (BT-54)"},
    target_info{"buyer", "registration_id", tt::text, false, "", "", "legal registration (BT-47)"},
    target_info{"buyer", "contact_name", tt::text, false, "", "", "contact person (BT-56)"},
    target_info{"buyer", "contact_phone", tt::text, false, "", "", "contact phone (BT-57)"},
    target_info{"buyer", "contact_email", tt::text, false, "", "", "contact e-mail (BT-58)"},
    target_info{"buyer", "email", tt::emails, false, "", "", "invoice recipient(s), ';' or ',' separated"},
    target_info{"buyer", "endpoint", tt::text, false, "", "", "electronic address (BT-49)"},
    target_info{
        "buyer",
        "endpoint_scheme",
        tt::text,
        false,
        "",
        "",
        "EAS scheme of endpoint (default EM for an e-mail)"},
    // items.fields -> billing::plan_item
    target_info{"milestone", "key", tt::text, true, "", "", "milestone key, stable within the plan"},
    target_info{
        "milestone", "type", tt::choice, true, "", "advance|progress|final", "advance, progress or final"},
    target_info{"milestone", "percent", tt::decimal, false, "", "", "share of the agreed net in percent"},
    target_info{"milestone", "amount", tt::decimal, false, "", "", "or a net amount"},
    target_info{"milestone", "due", tt::date, false, "", "", "billed from this day on; empty: not reached"},
    target_info{"milestone", "label", tt::text, false, "", "", "line text of an advance"},
    target_info{"items", "key", tt::id, false, "Id", "", "item key, stable within the plan"},
    target_info{"items", "description", tt::text, true, "", "", "line text"},
    target_info{"items", "product_code", tt::text, false, "", "", "seller's product code"},
    target_info{"items", "unit_code", tt::text, false, "", "", "UN/ECE Rec. 20 unit (default C62)"},
    target_info{
        "items",
        "type",
        tt::choice,
        false,
        "",
        "recurring|one_time|usage",
        "charge type (default recurring)"},
    target_info{
        "items",
        "timing",
        tt::choice,
        false,
        "",
        "in_advance|in_arrears",
        "default in_advance; usage and percentage: in_arrears"},
    target_info{
        "items",
        "model",
        tt::choice,
        false,
        "",
        "flat_fee|per_unit|percentage",
        "pricing model (default per_unit)"},
    target_info{
        "items",
        "unit_price",
        tt::decimal,
        false,
        "",
        "",
        "price per unit in the plan currency; flat_fee: the fee"},
    target_info{
        "items",
        "percent",
        tt::decimal,
        false,
        "",
        "",
        "percentage model: percent of the transaction volume"},
    target_info{"items", "quantity", tt::decimal, false, "", "", "quantity (default 1; ignored for usage)"},
    target_info{"items", "start", tt::date, false, "", "", "first day (default: plan start)"},
    target_info{"items", "end", tt::date, false, "", "", "last day (default: plan end)"},
    target_info{"items", "period", tt::period, false, "", "", "own billing period (default: plan period)"},
    target_info{
        "items",
        "aggregation",
        tt::choice,
        false,
        "",
        "sum|count|max|last|unique_count",
        "usage aggregation (default sum)"},
    target_info{
        "items",
        "tax_supply",
        tt::choice,
        false,
        "",
        "goods|services|electronic_services|construction_services|building_cleaning|scrap_metal",
        "tax determination: what is supplied"},
    target_info{
        "items",
        "tax_class",
        tt::text,
        false,
        "",
        "",
        "tax determination: product tax class (default standard)"},
    target_info{
        "items",
        "vat_category",
        tt::choice,
        false,
        "",
        "S|Z|E|AE|K|G|O|L|M",
        "fixed VAT category (default S)"},
    target_info{"items", "vat_rate", tt::decimal, false, "", "", "fixed VAT rate in percent (default 19)"},
    target_info{
        "items", "discount_percent", tt::decimal, false, "", "", "item discount in percent, when above 0"},
    // usage -> mapped_usage
    target_info{"usage", "id", tt::id, false, "Id", "", "external id of the usage record (deduplication)"},
    target_info{"usage", "plan_id", tt::id, true, "", "", "source record Id of the plan"},
    target_info{"usage", "item_key", tt::id, true, "", "", "key of the plan item"},
    target_info{"usage", "quantity", tt::decimal, true, "", "", "quantity, or the transaction amount"},
    target_info{"usage", "occurred_at", tt::instant, true, "", "", "datetime (or date) of the usage"},
    target_info{"usage", "unique_key", tt::text, false, "", "", "what unique_count counts"},
};

using rt = result_type;
using wt = writeback_target;

constexpr std::array results{
    result_info{wt::invoice, "key", rt::text, "fakturad's document key (the upsert key)"},
    result_info{wt::invoice, "account_id", rt::id, "buyer account Id"},
    result_info{wt::invoice, "plan_id", rt::id, "the plan's source record Id"},
    result_info{wt::invoice, "source_object", rt::text, "the plan's source object name"},
    result_info{wt::invoice, "number", rt::text, "document number (empty for drafts)"},
    result_info{
        wt::invoice, "document_type", rt::text, "invoice, credit_note, cancellation, advance, final, ..."},
    result_info{wt::invoice, "status", rt::text, "draft, finalized, sent, paid, cancelled"},
    result_info{wt::invoice, "issue_date", rt::date, "issue date"},
    result_info{wt::invoice, "due_date", rt::date, "due date"},
    result_info{wt::invoice, "service_start", rt::date, "first day of the service period"},
    result_info{wt::invoice, "service_end", rt::date, "last day of the service period"},
    result_info{wt::invoice, "currency", rt::text, "ISO 4217 code"},
    result_info{wt::invoice, "net_amount", rt::money, "total without VAT"},
    result_info{wt::invoice, "tax_amount", rt::money, "VAT total"},
    result_info{wt::invoice, "gross_amount", rt::money, "total with VAT"},
    result_info{wt::invoice, "issued_at", rt::instant, "when the document was finalized"},
    result_info{wt::invoice, "buyer_reference", rt::text, "BT-10"},
    result_info{wt::invoice, "order_reference", rt::text, "BT-13 purchase order reference"},
    result_info{wt::invoice, "note", rt::text, "the invoice notes (BT-22), one per line"},
    result_info{
        wt::invoice,
        "tax_decisions",
        rt::text,
        "why each VAT treatment applies (rule, legal basis, facts), one per line"},
    result_info{wt::invoice_line, "key", rt::text, "line key (the upsert key)"},
    result_info{wt::invoice_line, "invoice_key", rt::text, "the invoice's key (for a relationship key)"},
    result_info{wt::invoice_line, "line_number", rt::number, "1, 2, ..."},
    result_info{wt::invoice_line, "description", rt::text, "line text"},
    result_info{wt::invoice_line, "product_code", rt::text, "product code"},
    result_info{wt::invoice_line, "quantity", rt::number, "billed quantity"},
    result_info{wt::invoice_line, "unit_code", rt::text, "UN/ECE Rec. 20 unit"},
    result_info{wt::invoice_line, "unit_price", rt::money, "price per unit"},
    result_info{wt::invoice_line, "net_amount", rt::money, "line net amount"},
    result_info{wt::invoice_line, "tax_category", rt::text, "VAT category code"},
    result_info{wt::invoice_line, "tax_rate", rt::number, "VAT rate in percent"},
    result_info{wt::invoice_line, "service_start", rt::date, "first day of the line's period"},
    result_info{wt::invoice_line, "service_end", rt::date, "last day of the line's period"},
    result_info{wt::plan_source, "billed_through", rt::date, "last day billed"},
    result_info{wt::plan_source, "next_invoice_date", rt::date, "when the next invoice is due to be made"},
    result_info{wt::plan_source, "plan_status", rt::text, "active, ended, error"},
    result_info{wt::sync_error, "key", rt::text, "error key (the upsert key)"},
    result_info{wt::sync_error, "object", rt::text, "Salesforce object of the failing record"},
    result_info{wt::sync_error, "record_id", rt::id, "the failing record's Id"},
    result_info{wt::sync_error, "code", rt::text, "error code"},
    result_info{wt::sync_error, "message", rt::text, "what is wrong and what to do"},
    result_info{wt::sync_error, "occurred_at", rt::instant, "when it was found"},
    result_info{wt::sync_error, "mapping", rt::text, "name of the mapping that read the record"},
};

}  // namespace

std::span<const target_info> target_table() noexcept { return targets; }

std::span<const std::string_view> editable_results(writeback_target t) noexcept {
    static constexpr std::array<std::string_view, 4> invoice{
        "buyer_reference", "order_reference", "note", "due_date"};
    static constexpr std::array<std::string_view, 1> line{"description"};
    if (t == writeback_target::invoice) {
        return invoice;
    }
    if (t == writeback_target::invoice_line) {
        return line;
    }
    return {};
}

const target_info* find_target(std::string_view section, std::string_view name) noexcept {
    for (const auto& t : targets) {
        if (t.section == section && t.name == name) {
            return &t;
        }
    }
    return nullptr;
}

std::span<const result_info> result_table() noexcept { return results; }

const result_info* find_result(writeback_target t, std::string_view name) noexcept {
    for (const auto& r : results) {
        if (r.target == t && r.name == name) {
            return &r;
        }
    }
    return nullptr;
}

std::string_view to_string(writeback_target t) noexcept {
    switch (t) {
        case writeback_target::invoice:
            return "invoice";
        case writeback_target::invoice_line:
            return "invoice_line";
        case writeback_target::plan_source:
            return "plan_source";
        case writeback_target::sync_error:
            return "sync_error";
    }
    return "?";
}

std::string_view to_string(conversion c) noexcept {
    switch (c) {
        case conversion::automatic:
            return "automatic";
        case conversion::text:
            return "text";
        case conversion::date:
            return "date";
        case conversion::datetime:
            return "datetime";
        case conversion::number:
            return "number";
        case conversion::percent:
            return "percent";
        case conversion::currency:
            return "currency";
        case conversion::boolean:
            return "boolean";
        case conversion::country:
            return "country";
    }
    return "?";
}

std::string_view to_string(condition_op op) noexcept {
    switch (op) {
        case condition_op::equals:
            return "equals";
        case condition_op::not_equals:
            return "not_equals";
        case condition_op::in:
            return "in";
        case condition_op::not_in:
            return "not_in";
        case condition_op::greater:
            return "greater";
        case condition_op::less:
            return "less";
        case condition_op::at_least:
            return "at_least";
        case condition_op::at_most:
            return "at_most";
        case condition_op::is_null:
            return "is_null";
        case condition_op::like:
            return "like";
    }
    return "?";
}

std::string source_location::to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string mapping_problem::to_string() const {
    std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
    if (!path.empty()) {
        out += path + ": ";
    }
    out += message;
    if (!sf_field.empty()) {
        out += " (Salesforce field " + sf_field + ")";
    }
    return out;
}

}  // namespace fakturad::mapping
