#pragma once
// The parts of the store's JSON codecs that invoices.document and billing_plans.plan_document share:
// writers that leave empty optional fields out, a strict reader that names the field it refuses, and the
// encodings of parties, VAT treatments, payment means, references and exemptions (one encoding, so a party
// reads the same from a plan as from the invoice made of it).
//
// Conventions: decimals are text keeping their scale ("1.50" stays "1.50"), dates "YYYY-MM-DD", periods
// ISO 8601 ("P1M"), enums their snake_case names. Reading throws store_error naming the column and the
// path of the field ("billing_plans.plan_document: plan.items[0].price.model is missing; ...").

#include "fakturad/billing/plan.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/rounding.hpp"

#include <boost/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::store::detail {

namespace json = boost::json;

// ---- writing ------------------------------------------------------------------------------------------

void put_text(json::object& o, std::string_view key, std::string_view value);  // left out when empty
void put_decimal(json::object& o, std::string_view key, decimal value);
void put_date(json::object& o, std::string_view key, const std::optional<civil_date>& value);
[[nodiscard]] json::array text_array(const std::vector<std::string>& values);
[[nodiscard]] json::object range_json(const date_range& r);
[[nodiscard]] json::object party_json(const billing::party& p);
[[nodiscard]] json::object vat_json(const billing::vat_treatment& v);
[[nodiscard]] json::object payment_json(const billing::payment_means& p);
// Empty when every reference is empty (the caller leaves it out).
[[nodiscard]] json::object references_json(const billing::document_references& r);
[[nodiscard]] json::array exemptions_json(const std::vector<billing::vat_exemption>& list);
[[nodiscard]] json::object payment_terms_json(const billing::payment_terms& t);
// "references", "payment" and "vat_exemptions", each left out when empty: what plans and the documents
// made of them carry alike.
void put_document_terms(
    json::object& o,
    const billing::document_references& references,
    const std::optional<billing::payment_means>& payment,
    const std::vector<billing::vat_exemption>& exemptions
);

// ---- enum names -----------------------------------------------------------------------------------------

[[nodiscard]] std::string_view enum_name(vat_rounding r) noexcept;
[[nodiscard]] std::string_view enum_name(billing::discount_kind k) noexcept;
template <class Enum>
[[nodiscard]] std::string_view enum_name(Enum e) noexcept {
    using billing::to_string;
    using fakturad::to_string;
    return to_string(e);
}

// ---- reading --------------------------------------------------------------------------------------------

// Throws store_error: "<column>: <path> <problem>; the stored value is not one this fakturad wrote ...".
[[noreturn]] void corrupt_json(std::string_view column, std::string_view path, std::string_view problem);

// A strict view of one JSON object: absent optional fields read as empty, a field of the wrong type or a
// missing required field throws (corrupt_json). `column` must outlive the reader (a literal).
class json_reader {
public:
    json_reader(const json::object& o, std::string path, std::string_view column)
        : o_(&o), path_(std::move(path)), column_(column) {}

    // Parses `text` and returns the reader of its top-level object (kept alive by `root`), whose "format"
    // must be `format`.
    static json_reader parse(
        std::string_view text,
        json::value& root,
        std::string path,
        std::string_view column,
        std::int64_t format
    );

    [[nodiscard]] std::string at_path(std::string_view key) const { return path_ + "." + std::string(key); }
    [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
        corrupt_json(column_, at_path(key), problem);
    }

    [[nodiscard]] const json::value* find(std::string_view key) const { return o_->if_contains(key); }
    [[nodiscard]] std::string text(std::string_view key, bool required = false) const;
    [[nodiscard]] decimal number(std::string_view key) const;
    [[nodiscard]] std::optional<decimal> optional_number(std::string_view key) const;
    [[nodiscard]] std::optional<civil_date> date(std::string_view key, bool required = false) const;
    [[nodiscard]] civil_date required_date(std::string_view key) const { return *date(key, true); }
    [[nodiscard]] billing_period period(std::string_view key) const;
    [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t fallback) const;
    [[nodiscard]] bool boolean(std::string_view key, bool fallback) const;
    [[nodiscard]] std::optional<json_reader> object(std::string_view key) const;
    [[nodiscard]] json_reader required_object(std::string_view key) const;
    [[nodiscard]] std::vector<std::string> texts(std::string_view key) const;
    [[nodiscard]] currency currency_code(std::string_view key) const;

    // Calls f(reader) for each element (objects) of an optional array.
    template <class F>
    void each(std::string_view key, F&& f) const {
        const json::value* v = find(key);
        if (v == nullptr) {
            return;
        }
        if (!v->is_array()) {
            fail(key, "is not a list");
        }
        std::size_t i = 0;
        for (const json::value& e : v->get_array()) {
            std::string element = at_path(key) + "[" + std::to_string(i++) + "]";
            if (!e.is_object()) {
                corrupt_json(column_, element, "is not an object");
            }
            f(json_reader(e.get_object(), std::move(element), column_));
        }
    }

    // An enum by its name (enum_name).
    template <class Enum, std::size_t N>
    [[nodiscard]] Enum named(std::string_view key, const std::array<Enum, N>& values) const {
        const std::string t = text(key, true);
        for (Enum e : values) {
            if (enum_name(e) == t) {
                return e;
            }
        }
        fail(key, "holds the unknown value \"" + t + "\"");
    }

private:
    const json::object* o_;
    std::string path_;
    std::string_view column_;
};

inline constexpr std::array all_payment_means{
    billing::payment_means_code::credit_transfer,
    billing::payment_means_code::direct_debit,
    billing::payment_means_code::card,
};
inline constexpr std::array all_vat_roundings{vat_rounding::per_category, vat_rounding::per_line};

[[nodiscard]] billing::party read_party(const json_reader& r);
[[nodiscard]] billing::vat_treatment read_vat(const json_reader& r);
[[nodiscard]] date_range read_range(const json_reader& r);
[[nodiscard]] billing::payment_means read_payment(const json_reader& r);
[[nodiscard]] billing::payment_terms read_payment_terms(const json_reader& r);
// The counterpart of put_document_terms.
void read_document_terms(
    const json_reader& r,
    billing::document_references& references,
    std::optional<billing::payment_means>& payment,
    std::vector<billing::vat_exemption>& exemptions
);

}  // namespace fakturad::store::detail
