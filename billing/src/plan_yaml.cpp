#include "fakturad/billing/plan_yaml.hpp"

#include "fakturad/core/decimal.hpp"
#include "fakturad/core/edit_distance.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <variant>

namespace fakturad::billing {
namespace {

std::string describe(const YAML::Node& n) {
    if (n.IsMap()) {
        return "a mapping";
    }
    if (n.IsSequence()) {
        return "a list";
    }
    if (n.IsNull()) {
        return "nothing";
    }
    return "'" + n.Scalar().substr(0, 40) + "'";
}

using keys = std::span<const std::string_view>;

// Reads one document, collecting every error with its position and path.
class reader {
public:
    reader(std::string_view file, std::vector<plan_file_error>& errors) : file_(file), errors_(errors) {}

    void error(const YAML::Mark& mark, const std::string& path, std::string message) {
        plan_file_error e;
        e.file = file_;
        if (!mark.is_null() && mark.line >= 0) {
            e.line = mark.line + 1;
            e.column = mark.column + 1;
        }
        e.path = path;
        e.message = std::move(message);
        errors_.push_back(std::move(e));
    }

    // A mapping with only `allowed` keys, no duplicates. Returns false (after reporting) if not a mapping.
    bool mapping(const YAML::Node& node, const std::string& path, keys allowed) {
        if (!node.IsMap()) {
            error(node.Mark(), path, "expected a mapping of keys, got " + describe(node));
            return false;
        }
        std::map<std::string, int> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            // A copy: the iterator hands out a temporary proxy (a reference would dangle).
            const YAML::Node key = it->first;
            if (!key.IsScalar()) {
                error(key.Mark(), path, "expected a key name, got " + describe(key));
                continue;
            }
            const std::string& name = key.Scalar();
            if (auto [first, inserted] = seen.emplace(name, key.Mark().line + 1); !inserted) {
                error(
                    key.Mark(),
                    join(path, name),
                    "duplicate key (first at line " + std::to_string(first->second) + ")"
                );
                continue;
            }
            if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                unknown(key.Mark(), path, name, allowed);
            }
        }
        return true;
    }

    // A mapping with free key names (item keys, currency codes): only duplicates are refused.
    bool free_mapping(const YAML::Node& node, const std::string& path) {
        if (!node.IsMap()) {
            error(node.Mark(), path, "expected a mapping of keys, got " + describe(node));
            return false;
        }
        std::map<std::string, int> seen;
        bool ok = true;
        for (auto it = node.begin(); it != node.end(); ++it) {
            // A copy: the iterator hands out a temporary proxy (a reference would dangle).
            const YAML::Node key = it->first;
            if (!key.IsScalar()) {
                error(key.Mark(), path, "expected a key name, got " + describe(key));
                ok = false;
                continue;
            }
            if (auto [first, inserted] = seen.emplace(key.Scalar(), key.Mark().line + 1); !inserted) {
                error(
                    key.Mark(),
                    join(path, key.Scalar()),
                    "duplicate key (first at line " + std::to_string(first->second) + ")"
                );
                ok = false;
            }
        }
        return ok;
    }

    [[nodiscard]] std::size_t error_count() const noexcept { return errors_.size(); }

    bool sequence(const YAML::Node& node, const std::string& path) {
        if (!node.IsSequence()) {
            error(node.Mark(), path, "expected a list, got " + describe(node));
            return false;
        }
        return true;
    }

    static std::string join(const std::string& path, std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }
    static std::string index(const std::string& path, std::size_t i) {
        return path + "[" + std::to_string(i) + "]";
    }

    // The value of `key` if present and a scalar; reports a missing required key at the parent.
    std::optional<std::string> text(
        const YAML::Node& parent, std::string_view key, const std::string& path, bool required
    ) {
        const YAML::Node n = parent[std::string(key)];
        if (!n.IsDefined() || n.IsNull()) {
            if (required) {
                error(parent.Mark(), join(path, key), "missing required key");
            }
            return std::nullopt;
        }
        if (!n.IsScalar()) {
            error(n.Mark(), join(path, key), "expected a single value, got " + describe(n));
            return std::nullopt;
        }
        return n.Scalar();
    }

    std::optional<decimal> number(
        const YAML::Node& parent, std::string_view key, const std::string& path, bool required
    ) {
        auto t = text(parent, key, path, required);
        if (!t) {
            return std::nullopt;
        }
        return number_of(parent[std::string(key)], *t, join(path, key));
    }

    std::optional<decimal> number_of(const YAML::Node& n, const std::string& t, const std::string& path) {
        auto d = parse_decimal(t);
        if (!d) {
            error(n.Mark(), path, parse_error_message(t, d.error()));
            return std::nullopt;
        }
        return *d;
    }

    std::optional<civil_date> date(
        const YAML::Node& parent, std::string_view key, const std::string& path, bool required
    ) {
        auto t = text(parent, key, path, required);
        if (!t) {
            return std::nullopt;
        }
        auto d = parse_iso_date(*t);
        if (auto* message = std::get_if<std::string>(&d)) {
            error(parent[std::string(key)].Mark(), join(path, key), *message);
            return std::nullopt;
        }
        return std::get<civil_date>(d);
    }

    std::optional<billing_period> period(
        const YAML::Node& parent, std::string_view key, const std::string& path
    ) {
        auto t = text(parent, key, path, false);
        if (!t) {
            return std::nullopt;
        }
        auto p = parse_billing_period(*t);
        if (auto* message = std::get_if<std::string>(&p)) {
            error(parent[std::string(key)].Mark(), join(path, key), *message);
            return std::nullopt;
        }
        return std::get<billing_period>(p);
    }

    std::optional<bool> boolean(const YAML::Node& parent, std::string_view key, const std::string& path) {
        auto t = text(parent, key, path, false);
        if (!t) {
            return std::nullopt;
        }
        if (*t == "true") {
            return true;
        }
        if (*t == "false") {
            return false;
        }
        error(parent[std::string(key)].Mark(), join(path, key), "expected true or false, got '" + *t + "'");
        return std::nullopt;
    }

    std::optional<std::int64_t> integer(
        const YAML::Node& parent,
        std::string_view key,
        const std::string& path,
        std::int64_t low,
        std::int64_t high
    ) {
        auto d = number(parent, key, path, false);
        if (!d) {
            return std::nullopt;
        }
        const decimal t = d->trimmed();
        if (t.scale() != 0 || t.mantissa() < low || t.mantissa() > high) {
            error(
                parent[std::string(key)].Mark(),
                join(path, key),
                "expected a whole number in " + std::to_string(low) + ".." + std::to_string(high)
            );
            return std::nullopt;
        }
        return t.mantissa();
    }

    // One of `names`, through `parse`.
    template <typename T, typename Parse>
    std::optional<T> choice(
        const YAML::Node& parent,
        std::string_view key,
        const std::string& path,
        keys names,
        Parse parse,
        bool required = false
    ) {
        auto t = text(parent, key, path, required);
        if (!t) {
            return std::nullopt;
        }
        if (std::optional<T> v = parse(*t)) {
            return v;
        }
        std::string list;
        for (auto n : names) {
            list += list.empty() ? "" : ", ";
            list += n;
        }
        error(
            parent[std::string(key)].Mark(),
            join(path, key),
            "unknown value '" + t->substr(0, 40) + "' (expected " + list + ")"
        );
        return std::nullopt;
    }

    std::vector<std::string> strings(
        const YAML::Node& parent, std::string_view key, const std::string& path
    ) {
        std::vector<std::string> out;
        const YAML::Node n = parent[std::string(key)];
        if (!n.IsDefined() || n.IsNull()) {
            return out;
        }
        if (n.IsScalar()) {
            out.push_back(n.Scalar());
            return out;
        }
        if (!sequence(n, join(path, key))) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            if (!n[i].IsScalar()) {
                error(
                    n[i].Mark(), index(join(path, key), i), "expected a single value, got " + describe(n[i])
                );
                continue;
            }
            out.push_back(n[i].Scalar());
        }
        return out;
    }

private:
    void unknown(const YAML::Mark& mark, const std::string& path, const std::string& name, keys allowed) {
        const std::size_t limit = std::clamp<std::size_t>(name.size() / 3, 1, 3);
        std::optional<std::string_view> best;
        std::size_t best_distance = limit + 1;
        for (auto a : allowed) {
            const std::size_t d = edit_distance(name, a);
            if (d < best_distance && d < a.size()) {
                best = a;
                best_distance = d;
            }
        }
        std::string message = "unknown key '" + name.substr(0, 40) + "'";
        if (best) {
            message += " (did you mean '" + std::string(*best) + "'?)";
        } else {
            message += " (allowed:";
            for (auto a : allowed) {
                message += " " + std::string(a);
            }
            message += ")";
        }
        error(mark, path, std::move(message));
    }

    std::string file_;
    std::vector<plan_file_error>& errors_;
};

constexpr std::array<std::string_view, 14> party_keys{
    "id",
    "name",
    "emails",
    "vat_id",
    "country",
    "address",
    "postcode",
    "city",
    "subdivision",
    "tax_number",
    "registration_id",
    "legal_registration",
    "contact",
    "electronic_address"};
constexpr std::array<std::string_view, 16> entity_keys{
    "code",
    "name",
    "emails",
    "vat_id",
    "country",
    "address",
    "postcode",
    "city",
    "subdivision",
    "tax_number",
    "registration_id",
    "legal_registration",
    "contact",
    "electronic_address",
    "bank_account",
    "creditor_id"};
constexpr std::array<std::string_view, 3> contact_keys{"name", "phone", "email"};
constexpr std::array<std::string_view, 2> endpoint_keys{"scheme", "value"};
constexpr std::array<std::string_view, 3> bank_keys{"iban", "bic", "account_name"};
constexpr std::array<std::string_view, 7> payment_means_keys{
    "type",
    "mandate_reference",
    "debtor_iban",
    "card_last_digits",
    "card_holder",
    "card_network",
    "remittance"};
constexpr std::array<std::string_view, 3> payment_means_names{"credit_transfer", "direct_debit", "card"};
constexpr std::array<std::string_view, 3> exemption_keys{"category", "code", "text"};
constexpr std::array<std::string_view, 26> plan_keys{
    "id",
    "contract",
    "buyer_reference",
    "order_reference",
    "contract_reference",
    "payment_means",
    "vat_exemptions",
    "account",
    "bill_to",
    "currency",
    "language",
    "payment_terms",
    "legal_entity",
    "start",
    "end",
    "renewal",
    "billing_period",
    "alignment",
    "anchor",
    "vat_rounding",
    "buyer_tax",
    "discounts",
    "items",
    "milestones",
    "state",
    "usage"};
constexpr std::array<std::string_view, 6> milestone_keys{"key", "type", "percent", "amount", "due", "label"};
constexpr std::array<std::string_view, 3> milestone_type_names{"advance", "progress", "final"};
constexpr std::array<std::string_view, 18> item_keys{
    "key",
    "description",
    "product_code",
    "unit",
    "type",
    "timing",
    "quantity",
    "changes",
    "vat",
    "tax",
    "commitment",
    "start",
    "end",
    "billing_period",
    "pricing",
    "aggregation",
    "tier_aggregation",
    "discounts"};
constexpr std::array<std::string_view, 5> price_value_keys{
    "price", "tiers", "minimum", "maximum", "per_transaction_fee"};
constexpr std::array<std::string_view, 10> pricing_keys{
    "model",
    "price",
    "tiers",
    "minimum",
    "maximum",
    "per_transaction_fee",
    "currencies",
    "package_size",
    "percent",
    "tier_quantity"};
constexpr std::array<std::string_view, 3> tier_keys{"up_to", "unit_price", "flat_fee"};
constexpr std::array<std::string_view, 5> discount_keys{"percent", "amount", "from", "to", "description"};

constexpr std::array<std::string_view, 5> aggregation_names{"sum", "count", "max", "last", "unique_count"};
constexpr std::array<std::string_view, 7> model_names{
    "flat_fee", "per_unit", "tiered", "volume", "stairstep", "package", "percentage"};
constexpr std::array<std::string_view, 3> charge_type_names{"recurring", "one_time", "usage"};
constexpr std::array<std::string_view, 2> timing_names{"in_advance", "in_arrears"};
constexpr std::array<std::string_view, 2> change_keys{"from", "quantity"};
constexpr std::array<std::string_view, 2> vat_keys{"category", "rate"};
constexpr std::array<std::string_view, 2> item_tax_keys{"supply", "class"};
constexpr std::array<std::string_view, 1> commitment_keys{"covers"};
constexpr std::array<std::string_view, 2> buyer_tax_keys{"kind", "vat_id_confirmed"};
constexpr std::array<std::string_view, 2> buyer_kind_names{"business", "consumer"};
constexpr std::array<std::string_view, 2> state_item_keys{"billed_through", "charges"};
constexpr std::array<std::string_view, 7> charge_keys{
    "start", "end", "revision", "quantity", "net", "credited", "credited_from"};
constexpr std::array<std::string_view, 5> usage_keys{"item", "date", "quantity", "key", "seq"};
constexpr std::array<std::string_view, 2> terms_keys{"net_days", "note"};
constexpr std::array<std::string_view, 4> renewal_keys{"auto", "term", "notice", "notice_received"};
constexpr std::array<std::string_view, 2> alignment_names{"anniversary", "calendar"};
constexpr std::array<std::string_view, 2> rounding_names{"per_category", "per_line"};
constexpr std::array<std::string_view, 3> root_keys{"legal_entities", "plans", "drafts"};
constexpr std::array<std::string_view, 12> draft_keys{
    "plan",
    "type",
    "items",
    "period",
    "lines",
    "notes",
    "id",
    "share",
    "corrects",
    "credit",
    "finalize",
    "vat_currency"};
constexpr std::array<std::string_view, 3> share_keys{"percent", "amount", "label"};
constexpr std::array<std::string_view, 2> credit_keys{"lines", "reason"};
constexpr std::array<std::string_view, 3> credit_line_keys{"line", "quantity", "amount"};
constexpr std::array<std::string_view, 2> finalize_keys{"number", "issue_date"};
constexpr std::array<std::string_view, 2> vat_currency_keys{"code", "rate"};
constexpr std::array<std::string_view, 6> line_keys{
    "description", "quantity", "unit_price", "unit", "vat", "period"};
constexpr std::array<std::string_view, 2> range_keys{"from", "to"};
constexpr std::array<std::string_view, 8> draft_type_names{
    "invoice", "pro_forma", "advance", "progress", "partial", "final", "cancellation", "credit_note"};

class plan_reader {
public:
    plan_reader(reader& r, const std::vector<party>& entities) : r_(r), entities_(entities) {}

    std::optional<party> read_party(const YAML::Node& n, const std::string& path, bool entity) {
        if (!r_.mapping(n, path, entity ? keys(entity_keys) : keys(party_keys))) {
            return std::nullopt;
        }
        party p;
        p.id = r_.text(n, entity ? "code" : "id", path, true).value_or("");
        p.name = r_.text(n, "name", path, true).value_or("");
        p.emails = r_.strings(n, "emails", path);
        p.vat_id = r_.text(n, "vat_id", path, false).value_or("");
        p.country = r_.text(n, "country", path, false).value_or("");
        p.address = r_.strings(n, "address", path);
        p.postcode = r_.text(n, "postcode", path, false).value_or("");
        p.city = r_.text(n, "city", path, false).value_or("");
        p.subdivision = r_.text(n, "subdivision", path, false).value_or("");
        p.tax_number = r_.text(n, "tax_number", path, false).value_or("");
        p.registration_id = r_.text(n, "registration_id", path, false).value_or("");
        p.legal_registration = r_.text(n, "legal_registration", path, false).value_or("");
        if (const YAML::Node c = n["contact"]; c.IsDefined() && !c.IsNull()) {
            const std::string cp = reader::join(path, "contact");
            if (r_.mapping(c, cp, contact_keys)) {
                p.invoice_contact.name = r_.text(c, "name", cp, false).value_or("");
                p.invoice_contact.phone = r_.text(c, "phone", cp, false).value_or("");
                p.invoice_contact.email = r_.text(c, "email", cp, false).value_or("");
            }
        }
        if (const YAML::Node e = n["electronic_address"]; e.IsDefined() && !e.IsNull()) {
            const std::string ep = reader::join(path, "electronic_address");
            if (r_.mapping(e, ep, endpoint_keys)) {
                auto scheme = r_.text(e, "scheme", ep, true);
                auto value = r_.text(e, "value", ep, true);
                if (scheme && value) {
                    p.endpoint = electronic_address{*scheme, *value};
                }
            }
        }
        if (const YAML::Node b = n["bank_account"]; entity && b.IsDefined() && !b.IsNull()) {
            const std::string bp = reader::join(path, "bank_account");
            if (r_.mapping(b, bp, bank_keys)) {
                bank_account account;
                account.iban = r_.text(b, "iban", bp, true).value_or("");
                account.bic = r_.text(b, "bic", bp, false).value_or("");
                account.account_name = r_.text(b, "account_name", bp, false).value_or("");
                if (auto problem = check_iban(account.iban); problem && !account.iban.empty()) {
                    r_.error(b["iban"].Mark(), reader::join(bp, "iban"), *problem);
                }
                p.bank = std::move(account);
            }
        }
        if (entity) {
            p.creditor_id = r_.text(n, "creditor_id", path, false).value_or("");
        }
        return p;
    }

    // payment_means: the seller must hold what the means needs (bank account, creditor identifier).
    std::optional<payment_means> read_payment_means(
        const YAML::Node& n, const std::string& path, const party& seller
    ) {
        if (!r_.mapping(n, path, payment_means_keys)) {
            return std::nullopt;
        }
        auto code = r_.choice<payment_means_code>(
            n, "type", path, payment_means_names, parse_payment_means_code, true
        );
        if (!code) {
            return std::nullopt;
        }
        payment_means pm;
        pm.code = *code;
        pm.remittance = r_.text(n, "remittance", path, false).value_or("");
        pm.mandate_reference =
            r_.text(n, "mandate_reference", path, pm.code == payment_means_code::direct_debit).value_or("");
        pm.debtor_iban =
            r_.text(n, "debtor_iban", path, pm.code == payment_means_code::direct_debit).value_or("");
        pm.card_last_digits =
            r_.text(n, "card_last_digits", path, pm.code == payment_means_code::card).value_or("");
        pm.card_holder = r_.text(n, "card_holder", path, false).value_or("");
        pm.card_network = r_.text(n, "card_network", path, pm.code == payment_means_code::card).value_or("");
        if (!pm.debtor_iban.empty()) {
            if (auto problem = check_iban(pm.debtor_iban)) {
                r_.error(n["debtor_iban"].Mark(), reader::join(path, "debtor_iban"), *problem);
            }
        }
        if (pm.code == payment_means_code::credit_transfer && !seller.bank) {
            r_.error(
                n.Mark(),
                path,
                "a credit transfer needs the seller's bank_account (legal_entities[].bank_account.iban)"
            );
        }
        if (pm.code == payment_means_code::direct_debit && seller.creditor_id.empty()) {
            r_.error(
                n.Mark(),
                path,
                "a direct debit needs the seller's SEPA creditor id (legal_entities[].creditor_id)"
            );
        }
        return pm;
    }

    std::vector<vat_exemption> read_exemptions(const YAML::Node& n, const std::string& path) {
        std::vector<vat_exemption> out;
        if (!n.IsDefined() || n.IsNull() || !r_.sequence(n, path)) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string p = reader::index(path, i);
            if (!r_.mapping(n[i], p, exemption_keys)) {
                continue;
            }
            vat_exemption e;
            e.category = r_.text(n[i], "category", p, true).value_or("");
            e.code = r_.text(n[i], "code", p, false).value_or("");
            e.text = r_.text(n[i], "text", p, false).value_or("");
            if (e.code.empty() && e.text.empty()) {
                r_.error(n[i].Mark(), p, "an exemption needs a VATEX code, a text or both");
            }
            if (!e.category.empty() && vat_exemption_required(e.category) != std::optional<bool>{true}) {
                r_.error(
                    n[i]["category"].Mark(),
                    reader::join(p, "category"),
                    "category '" + e.category.substr(0, 8) +
                        "' takes no exemption reason (only E, AE, K, G, O)"
                );
            }
            out.push_back(std::move(e));
        }
        return out;
    }

    // A project plan's milestones (billing_plan::milestones); check_plan judges them as a whole.
    std::vector<milestone> read_milestones(const YAML::Node& parent, const std::string& path) {
        std::vector<milestone> out;
        const YAML::Node n = parent["milestones"];
        const std::string at = reader::join(path, "milestones");
        if (!n.IsDefined() || n.IsNull() || !r_.sequence(n, at)) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string p = reader::index(at, i);
            if (!r_.mapping(n[i], p, milestone_keys)) {
                continue;
            }
            milestone m;
            m.key = r_.text(n[i], "key", p, true).value_or("");
            const auto type =
                r_.choice<milestone_type>(n[i], "type", p, milestone_type_names, parse_milestone_type, true);
            if (!type) {
                continue;
            }
            m.type = *type;
            m.percent = r_.number(n[i], "percent", p, false);
            m.amount = r_.number(n[i], "amount", p, false);
            if (m.type != milestone_type::final_invoice && m.percent.has_value() == m.amount.has_value()) {
                r_.error(n[i].Mark(), p, "give either percent or amount (an advance or progress share)");
                continue;
            }
            m.due = r_.date(n[i], "due", p, false);
            m.label = r_.text(n[i], "label", p, false).value_or("");
            out.push_back(std::move(m));
        }
        return out;
    }

    std::vector<discount> read_discounts(const YAML::Node& parent, const std::string& path) {
        std::vector<discount> out;
        const YAML::Node n = parent["discounts"];
        const std::string at = reader::join(path, "discounts");
        if (!n.IsDefined() || n.IsNull() || !r_.sequence(n, at)) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string p = reader::index(at, i);
            if (!r_.mapping(n[i], p, discount_keys)) {
                continue;
            }
            discount d;
            auto percent = r_.number(n[i], "percent", p, false);
            auto amount = r_.number(n[i], "amount", p, false);
            if (percent.has_value() == amount.has_value()) {
                r_.error(n[i].Mark(), p, "give either percent or amount");
                continue;
            }
            d.kind = percent ? discount_kind::percent : discount_kind::amount;
            d.value = percent ? *percent : *amount;
            d.valid_from = r_.date(n[i], "from", p, false);
            d.valid_to = r_.date(n[i], "to", p, false);
            d.description = r_.text(n[i], "description", p, false).value_or("");
            out.push_back(std::move(d));
        }
        return out;
    }

    std::vector<price_tier> read_tiers(const YAML::Node& parent, const std::string& path) {
        std::vector<price_tier> out;
        const YAML::Node n = parent["tiers"];
        const std::string at = reader::join(path, "tiers");
        if (!n.IsDefined() || n.IsNull() || !r_.sequence(n, at)) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string p = reader::index(at, i);
            if (!r_.mapping(n[i], p, tier_keys)) {
                continue;
            }
            price_tier t;
            t.up_to = r_.number(n[i], "up_to", p, false);
            t.unit_price = r_.number(n[i], "unit_price", p, false).value_or(decimal{});
            t.flat_fee = r_.number(n[i], "flat_fee", p, false).value_or(decimal{});
            out.push_back(t);
        }
        return out;
    }

    void read_price_values(const YAML::Node& n, const std::string& path, currency_prices& c) {
        c.price = r_.number(n, "price", path, false).value_or(decimal{});
        c.tiers = read_tiers(n, path);
        c.minimum = r_.number(n, "minimum", path, false);
        c.maximum = r_.number(n, "maximum", path, false);
        c.per_transaction_fee = r_.number(n, "per_transaction_fee", path, false).value_or(decimal{});
    }

    std::optional<pricing> read_pricing(
        const YAML::Node& item,
        const std::string& item_path,
        currency plan_cur,
        std::optional<decimal>& tier_quantity
    ) {
        const std::string path = reader::join(item_path, "pricing");
        const YAML::Node n = item["pricing"];
        if (!n.IsDefined()) {
            r_.error(item.Mark(), path, "missing required key");
            return std::nullopt;
        }
        if (!r_.mapping(n, path, pricing_keys)) {
            return std::nullopt;
        }
        pricing p;
        auto model = r_.choice<pricing_model>(n, "model", path, model_names, parse_pricing_model, true);
        if (!model) {
            return std::nullopt;
        }
        p.model = *model;
        p.package_size = r_.number(n, "package_size", path, false).value_or(decimal{1});
        p.percent = r_.number(n, "percent", path, false).value_or(decimal{});
        tier_quantity = r_.number(n, "tier_quantity", path, false);
        const YAML::Node per_currency = n["currencies"];
        if (per_currency.IsDefined() && !per_currency.IsNull()) {
            const std::string at = reader::join(path, "currencies");
            for (auto key : price_value_keys) {
                if (n[std::string(key)].IsDefined()) {
                    r_.error(
                        n[std::string(key)].Mark(),
                        reader::join(path, key),
                        "give prices either per currency (currencies:) or directly, not both"
                    );
                }
            }
            if (!r_.free_mapping(per_currency, at)) {
                return std::nullopt;
            }
            for (auto it = per_currency.begin(); it != per_currency.end(); ++it) {
                const YAML::Node key = it->first;  // copies: the iterator's proxy is a temporary
                const YAML::Node value = it->second;
                const std::string& code = key.Scalar();
                const std::string p_at = reader::join(at, code);
                auto cur = lookup_currency(code);
                if (!cur) {
                    r_.error(key.Mark(), p_at, "unknown ISO 4217 currency code '" + code.substr(0, 8) + "'");
                    continue;
                }
                if (!r_.mapping(value, p_at, price_value_keys)) {
                    continue;
                }
                currency_prices c;
                c.cur = *cur;
                read_price_values(value, p_at, c);
                p.prices.push_back(std::move(c));
            }
        } else {
            currency_prices c;
            c.cur = plan_cur;
            read_price_values(n, path, c);
            p.prices.push_back(std::move(c));
        }
        return p;
    }

    std::optional<plan_item> read_item(const YAML::Node& n, const std::string& path, currency plan_cur) {
        if (!r_.mapping(n, path, item_keys)) {
            return std::nullopt;
        }
        plan_item item;
        item.key = r_.text(n, "key", path, true).value_or("");
        item.description = r_.text(n, "description", path, true).value_or("");
        item.product_code = r_.text(n, "product_code", path, false).value_or("");
        item.unit_code = r_.text(n, "unit", path, false).value_or("C62");
        item.type = r_.choice<charge_type>(n, "type", path, charge_type_names, parse_charge_type)
                        .value_or(charge_type::recurring);
        const billing_timing default_timing =
            item.type == charge_type::usage ? billing_timing::in_arrears : billing_timing::in_advance;
        item.timing = r_.choice<billing_timing>(n, "timing", path, timing_names, parse_billing_timing)
                          .value_or(default_timing);
        item.quantity = r_.number(n, "quantity", path, false).value_or(decimal{1});
        const YAML::Node changes = n["changes"];
        if (changes.IsDefined() && !changes.IsNull() && r_.sequence(changes, reader::join(path, "changes"))) {
            for (std::size_t i = 0; i < changes.size(); ++i) {
                const std::string p = reader::index(reader::join(path, "changes"), i);
                if (!r_.mapping(changes[i], p, change_keys)) {
                    continue;
                }
                auto from = r_.date(changes[i], "from", p, true);
                auto q = r_.number(changes[i], "quantity", p, true);
                if (from && q) {
                    item.changes.push_back({*from, *q});
                }
            }
        }
        const YAML::Node vat = n["vat"];
        const std::string vat_path = reader::join(path, "vat");
        const YAML::Node tax = n["tax"];
        const std::string tax_path = reader::join(path, "tax");
        if (vat.IsDefined() && tax.IsDefined()) {
            r_.error(
                tax.Mark(),
                tax_path,
                "give either vat (a fixed treatment) or tax (determined from the tax rules), not both"
            );
        } else if (tax.IsDefined()) {
            if (r_.mapping(tax, tax_path, item_tax_keys)) {
                item_tax t;
                t.supply = r_.text(tax, "supply", tax_path, true).value_or("services");
                t.product_class = r_.text(tax, "class", tax_path, false).value_or("standard");
                if (!is_supply_kind(t.supply)) {
                    r_.error(
                        tax["supply"].Mark(),
                        reader::join(tax_path, "supply"),
                        "unknown supply kind '" + t.supply + "' (allowed: " + std::string(supply_kinds_text) +
                            ")"
                    );
                }
                item.tax = std::move(t);
            }
        } else if (!vat.IsDefined()) {
            r_.error(
                n.Mark(), vat_path, "missing required key (or give tax: to determine it from the tax rules)"
            );
        } else if (r_.mapping(vat, vat_path, vat_keys)) {
            item.vat.category = r_.text(vat, "category", vat_path, true).value_or("S");
            item.vat.rate = r_.number(vat, "rate", vat_path, item.vat.category == "S").value_or(decimal{});
        }
        if (const YAML::Node c = n["commitment"]; c.IsDefined()) {
            const std::string cp = reader::join(path, "commitment");
            if (r_.mapping(c, cp, commitment_keys)) {
                item.commitment = commitment_terms{r_.strings(c, "covers", cp)};
            }
        }
        item.start = r_.date(n, "start", path, false);
        item.end = r_.date(n, "end", path, false);
        item.period = r_.period(n, "billing_period", path);
        auto price = read_pricing(n, path, plan_cur, item.tier_quantity);
        if (price) {
            item.price = std::move(*price);
        }
        item.aggregation =
            r_.choice<usage_aggregation>(n, "aggregation", path, aggregation_names, parse_usage_aggregation)
                .value_or(usage_aggregation::sum);
        item.tier_aggregation = r_.choice<usage_aggregation>(
            n, "tier_aggregation", path, aggregation_names, parse_usage_aggregation
        );
        item.discounts = read_discounts(n, path);
        return item;
    }

    void read_state(const YAML::Node& n, const std::string& path, const billing_plan& plan, plan_file& out) {
        if (!n.IsDefined() || n.IsNull() || !r_.free_mapping(n, path)) {
            return;
        }
        plan_state state;
        state.plan_id = plan.id;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node key_node = it->first;  // copies: the iterator's proxy is a temporary
            const YAML::Node value = it->second;
            const std::string& key = key_node.Scalar();
            const std::string p = reader::join(path, key);
            if (std::none_of(plan.items.begin(), plan.items.end(), [&](const plan_item& i) {
                    return i.key == key;
                })) {
                r_.error(key_node.Mark(), p, "plan " + plan.id + " has no item '" + key.substr(0, 40) + "'");
                continue;
            }
            if (!r_.mapping(value, p, state_item_keys)) {
                continue;
            }
            item_state item;
            item.item_key = key;
            item.billed_through = r_.date(value, "billed_through", p, false);
            const YAML::Node charges = value["charges"];
            if (charges.IsDefined() && !charges.IsNull() &&
                r_.sequence(charges, reader::join(p, "charges"))) {
                for (std::size_t i = 0; i < charges.size(); ++i) {
                    const std::string cp = reader::index(reader::join(p, "charges"), i);
                    if (!r_.mapping(charges[i], cp, charge_keys)) {
                        continue;
                    }
                    billed_charge c;
                    auto start = r_.date(charges[i], "start", cp, true);
                    auto end = r_.date(charges[i], "end", cp, true);
                    auto q = r_.number(charges[i], "quantity", cp, true);
                    auto net = r_.number(charges[i], "net", cp, true);
                    if (!start || !end || !q || !net) {
                        continue;
                    }
                    c.period_start = *start;
                    c.period_end = *end;
                    c.quantity = *q;
                    c.billed_net = *net;
                    c.revision = static_cast<std::uint32_t>(
                        r_.integer(charges[i], "revision", cp, 0, 1000000).value_or(0)
                    );
                    c.credited = r_.number(charges[i], "credited", cp, false).value_or(decimal{});
                    c.credited_from = r_.date(charges[i], "credited_from", cp, false);
                    item.charges.push_back(c);
                }
            }
            state.items.push_back(std::move(item));
        }
        out.states.push_back(std::move(state));
    }

    void read_usage(const YAML::Node& n, const std::string& path, const billing_plan& plan, plan_file& out) {
        if (!n.IsDefined() || n.IsNull() || !r_.sequence(n, path)) {
            return;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const std::string p = reader::index(path, i);
            if (!r_.mapping(n[i], p, usage_keys)) {
                continue;
            }
            usage_record u;
            u.plan_id = plan.id;
            u.item_key = r_.text(n[i], "item", p, true).value_or("");
            auto date = r_.date(n[i], "date", p, true);
            auto q = r_.number(n[i], "quantity", p, false);
            u.unique_key = r_.text(n[i], "key", p, false).value_or("");
            u.sequence = static_cast<std::uint64_t>(
                r_.integer(n[i], "seq", p, 0, INT64_MAX).value_or(static_cast<std::int64_t>(i))
            );
            if (!date) {
                continue;
            }
            u.date = *date;
            u.quantity = q.value_or(decimal{1});
            if (std::none_of(plan.items.begin(), plan.items.end(), [&](const plan_item& it) {
                    return it.key == u.item_key && it.type == charge_type::usage;
                })) {
                r_.error(
                    n[i]["item"].Mark(),
                    reader::join(p, "item"),
                    "plan " + plan.id + " has no usage item '" + u.item_key.substr(0, 40) + "'"
                );
                continue;
            }
            out.usage.push_back(std::move(u));
        }
    }

    void read_plan(const YAML::Node& n, const std::string& path, plan_file& out) {
        if (!r_.mapping(n, path, plan_keys)) {
            return;
        }
        const std::size_t errors_before = r_.error_count();
        billing_plan plan;
        plan.id = r_.text(n, "id", path, true).value_or("");
        plan.contract_id = r_.text(n, "contract", path, false).value_or(plan.id);
        plan.references.buyer_reference = r_.text(n, "buyer_reference", path, false).value_or("");
        plan.references.order_reference = r_.text(n, "order_reference", path, false).value_or("");
        plan.references.contract_reference = r_.text(n, "contract_reference", path, false).value_or("");
        plan.vat_exemptions = read_exemptions(n["vat_exemptions"], reader::join(path, "vat_exemptions"));
        if (auto account = n["account"]; account.IsDefined()) {
            plan.account = read_party(account, reader::join(path, "account"), false).value_or(party{});
        } else {
            r_.error(n.Mark(), reader::join(path, "account"), "missing required key");
        }
        if (auto bill_to = n["bill_to"]; bill_to.IsDefined() && !bill_to.IsNull()) {
            plan.bill_to = read_party(bill_to, reader::join(path, "bill_to"), false);
        }
        if (auto code = r_.text(n, "currency", path, true)) {
            auto cur = lookup_currency(*code);
            if (cur) {
                plan.cur = *cur;
            } else {
                r_.error(
                    n["currency"].Mark(),
                    reader::join(path, "currency"),
                    "unknown ISO 4217 currency code '" + code->substr(0, 8) + "' (codes are upper case: EUR)"
                );
            }
        }
        plan.language = r_.text(n, "language", path, false).value_or("de");
        if (auto terms = n["payment_terms"]; terms.IsDefined() && !terms.IsNull()) {
            const std::string tp = reader::join(path, "payment_terms");
            if (r_.mapping(terms, tp, terms_keys)) {
                plan.terms.net_days =
                    static_cast<std::int32_t>(r_.integer(terms, "net_days", tp, 0, 3650).value_or(14));
                plan.terms.note = r_.text(terms, "note", tp, false).value_or("");
            }
        }
        if (auto code = r_.text(n, "legal_entity", path, true)) {
            auto it = std::find_if(entities_.begin(), entities_.end(), [&](const party& e) {
                return e.id == *code;
            });
            if (it != entities_.end()) {
                plan.seller = *it;
            } else if (entities_.empty()) {
                plan.seller.id = *code;
                plan.seller.name = *code;
            } else {
                r_.error(
                    n["legal_entity"].Mark(),
                    reader::join(path, "legal_entity"),
                    "no legal entity with code '" + code->substr(0, 40) + "' in legal_entities"
                );
            }
        }
        if (const YAML::Node pm = n["payment_means"]; pm.IsDefined() && !pm.IsNull()) {
            plan.payment = read_payment_means(pm, reader::join(path, "payment_means"), plan.seller);
        }
        plan.start = r_.date(n, "start", path, true).value_or(civil_date{});
        plan.end = r_.date(n, "end", path, false);
        if (auto renewal = n["renewal"]; renewal.IsDefined() && !renewal.IsNull()) {
            const std::string rp = reader::join(path, "renewal");
            if (r_.mapping(renewal, rp, renewal_keys)) {
                plan.renewal.auto_renew = r_.boolean(renewal, "auto", rp).value_or(false);
                plan.renewal.term = r_.period(renewal, "term", rp).value_or(plan.renewal.term);
                plan.renewal.notice = r_.period(renewal, "notice", rp).value_or(plan.renewal.notice);
                plan.renewal.notice_received = r_.date(renewal, "notice_received", rp, false);
            }
        }
        plan.period = r_.period(n, "billing_period", path).value_or(plan.period);
        plan.alignment =
            r_.choice<period_alignment>(n, "alignment", path, alignment_names, parse_period_alignment)
                .value_or(period_alignment::calendar);
        plan.anchor = r_.date(n, "anchor", path, false);
        plan.rounding = r_.choice<vat_rounding>(
                              n,
                              "vat_rounding",
                              path,
                              rounding_names,
                              [](std::string_view t) -> std::optional<vat_rounding> {
                                  if (t == "per_category") {
                                      return vat_rounding::per_category;
                                  }
                                  if (t == "per_line") {
                                      return vat_rounding::per_line;
                                  }
                                  return std::nullopt;
                              }
        ).value_or(vat_rounding::per_category);
        if (const YAML::Node bt = n["buyer_tax"]; bt.IsDefined()) {
            const std::string bp = reader::join(path, "buyer_tax");
            if (r_.mapping(bt, bp, buyer_tax_keys)) {
                plan.buyer_tax.business = r_.choice<bool>(
                                                bt,
                                                "kind",
                                                bp,
                                                buyer_kind_names,
                                                [](std::string_view t) -> std::optional<bool> {
                                                    if (t == "business") {
                                                        return true;
                                                    }
                                                    if (t == "consumer") {
                                                        return false;
                                                    }
                                                    return std::nullopt;
                                                }
                ).value_or(true);
                plan.buyer_tax.vat_id_confirmed = r_.boolean(bt, "vat_id_confirmed", bp).value_or(false);
            }
        }
        plan.invoice_discounts = read_discounts(n, path);
        const YAML::Node items = n["items"];
        const std::string ip = reader::join(path, "items");
        if (!items.IsDefined()) {
            r_.error(n.Mark(), ip, "missing required key");
        } else if (r_.sequence(items, ip)) {
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (auto item = read_item(items[i], reader::index(ip, i), plan.cur)) {
                    plan.items.push_back(std::move(*item));
                }
            }
        }
        plan.milestones = read_milestones(n, path);
        if (r_.error_count() == errors_before) {
            for (const auto& problem : check_plan(plan)) {
                r_.error(n.Mark(), path, problem);
            }
        }
        read_state(n["state"], reader::join(path, "state"), plan, out);
        read_usage(n["usage"], reader::join(path, "usage"), plan, out);
        out.plans.push_back(std::move(plan));
    }

    std::optional<date_range> read_range(
        const YAML::Node& parent, std::string_view key, const std::string& path
    ) {
        const YAML::Node n = parent[std::string(key)];
        const std::string p = reader::join(path, key);
        if (!n.IsDefined() || n.IsNull() || !r_.mapping(n, p, range_keys)) {
            return std::nullopt;
        }
        auto from = r_.date(n, "from", p, true);
        auto to = r_.date(n, "to", p, true);
        if (!from || !to) {
            return std::nullopt;
        }
        if (*to < *from) {
            r_.error(n.Mark(), p, "'to' lies before 'from'");
            return std::nullopt;
        }
        return date_range{*from, *to};
    }

    void read_draft(const YAML::Node& n, const std::string& path, plan_file& out) {
        if (!r_.mapping(n, path, draft_keys)) {
            return;
        }
        manual_draft_spec spec;
        spec.line = n.Mark().line + 1;
        spec.column = n.Mark().column + 1;
        spec.plan_id = r_.text(n, "plan", path, true).value_or("");
        const auto plan = std::find_if(out.plans.begin(), out.plans.end(), [&](const billing_plan& p) {
            return p.id == spec.plan_id;
        });
        if (!spec.plan_id.empty() && plan == out.plans.end()) {
            r_.error(
                n["plan"].Mark(),
                reader::join(path, "plan"),
                "no plan '" + spec.plan_id.substr(0, 40) + "' in this file"
            );
            return;
        }
        spec.input.type = r_.choice<document_type>(n, "type", path, draft_type_names, parse_document_type)
                              .value_or(document_type::invoice);
        read_draft_chain(n, path, spec, out);
        if (auto period = read_range(n, "period", path)) {
            spec.input.from_plan = manual_plan_lines{r_.strings(n, "items", path), *period};
        } else if (n["items"].IsDefined()) {
            r_.error(n["items"].Mark(), reader::join(path, "items"), "items need a period to be billed for");
        }
        spec.input.notes = r_.strings(n, "notes", path);
        const YAML::Node lines = n["lines"];
        const std::string lp = reader::join(path, "lines");
        if (lines.IsDefined() && !lines.IsNull() && r_.sequence(lines, lp)) {
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const std::string p = reader::index(lp, i);
                if (!r_.mapping(lines[i], p, line_keys)) {
                    continue;
                }
                auto description = r_.text(lines[i], "description", p, true);
                auto quantity = r_.number(lines[i], "quantity", p, false);
                auto price = r_.number(lines[i], "unit_price", p, true);
                const std::string unit = r_.text(lines[i], "unit", p, false).value_or("C62");
                vat_treatment vat;
                const YAML::Node v = lines[i]["vat"];
                const std::string vp = reader::join(p, "vat");
                if (!v.IsDefined()) {
                    r_.error(lines[i].Mark(), vp, "missing required key");
                    continue;
                }
                if (!r_.mapping(v, vp, vat_keys)) {
                    continue;
                }
                vat.category = r_.text(v, "category", vp, true).value_or("S");
                vat.rate = r_.number(v, "rate", vp, vat.category == "S").value_or(decimal{});
                auto period = read_range(lines[i], "period", p);
                if (!description || !price || plan == out.plans.end()) {
                    continue;
                }
                auto line = make_manual_line(
                    *description, quantity.value_or(decimal{1}), *price, vat, plan->cur, period, unit
                );
                if (!line) {
                    r_.error(lines[i].Mark(), p, line.error().message);
                    continue;
                }
                spec.input.lines.push_back(std::move(*line));
            }
        }
        // Cancellations and credit notes take their lines from the document they correct.
        if (spec.input.lines.empty() && !spec.input.from_plan && !is_credit_document(spec.input.type)) {
            r_.error(n.Mark(), path, "a manual draft needs lines or a period with plan items");
        }
        if (is_credit_document(spec.input.type) && (!spec.input.lines.empty() || spec.input.from_plan)) {
            r_.error(
                n.Mark(), path, "a cancellation or credit note takes its lines from `corrects`, not `lines`"
            );
        }
        out.drafts.push_back(std::move(spec));
    }

    // The keys that make a draft part of a document chain: id, share, corrects, credit, finalize, and
    // the VAT accounting currency.
    void read_draft_chain(
        const YAML::Node& n, const std::string& path, manual_draft_spec& spec, plan_file& out
    ) {
        const document_type type = spec.input.type;
        spec.id = r_.text(n, "id", path, false).value_or("");
        if (!spec.id.empty()) {
            for (const auto& earlier : out.drafts) {
                if (earlier.id == spec.id) {
                    r_.error(
                        n["id"].Mark(), reader::join(path, "id"), "draft id '" + spec.id + "' used twice"
                    );
                }
            }
        }
        const bool share_type = type == document_type::advance || type == document_type::progress;
        if (const YAML::Node sh = n["share"]; sh.IsDefined() && !sh.IsNull()) {
            const std::string sp = reader::join(path, "share");
            if (!share_type) {
                r_.error(sh.Mark(), sp, "only advance and progress invoices take a share");
            } else if (r_.mapping(sh, sp, share_keys)) {
                share_request share;
                share.type = type;
                share.percent = r_.number(sh, "percent", sp, false);
                share.amount = r_.number(sh, "amount", sp, false);
                share.label = r_.text(sh, "label", sp, false).value_or("");
                if (share.percent.has_value() == share.amount.has_value()) {
                    r_.error(sh.Mark(), sp, "give either percent or amount");
                }
                spec.share = share;
            }
        } else if (share_type) {
            r_.error(n.Mark(), reader::join(path, "share"), "missing required key (advance and progress)");
        }
        if (auto corrects = r_.text(n, "corrects", path, is_credit_document(type))) {
            spec.corrects = *corrects;
            if (!is_credit_document(type)) {
                r_.error(
                    n["corrects"].Mark(),
                    reader::join(path, "corrects"),
                    "only cancellations and credit notes correct a document"
                );
            } else if (std::none_of(out.drafts.begin(), out.drafts.end(), [&](const manual_draft_spec& d) {
                           return d.id == spec.corrects;
                       })) {
                r_.error(
                    n["corrects"].Mark(),
                    reader::join(path, "corrects"),
                    "no earlier draft with id '" + spec.corrects.substr(0, 40) + "'"
                );
            }
        }
        if (const YAML::Node c = n["credit"]; c.IsDefined() && !c.IsNull()) {
            const std::string cp = reader::join(path, "credit");
            if (type != document_type::credit_note) {
                r_.error(c.Mark(), cp, "only a credit note takes `credit`");
            } else if (r_.mapping(c, cp, credit_keys)) {
                credit_request request;
                request.reason = r_.text(c, "reason", cp, false).value_or("");
                const YAML::Node lines = c["lines"];
                const std::string lp = reader::join(cp, "lines");
                if (!lines.IsDefined()) {
                    r_.error(c.Mark(), lp, "missing required key");
                } else if (r_.sequence(lines, lp)) {
                    for (std::size_t i = 0; i < lines.size(); ++i) {
                        const std::string p = reader::index(lp, i);
                        if (!r_.mapping(lines[i], p, credit_line_keys)) {
                            continue;
                        }
                        credit_request_line line;
                        if (!lines[i]["line"].IsDefined()) {
                            r_.error(lines[i].Mark(), reader::join(p, "line"), "missing required key");
                        }
                        line.line = static_cast<std::size_t>(
                            r_.integer(lines[i], "line", p, 1, 100000).value_or(1) - 1
                        );
                        line.quantity = r_.number(lines[i], "quantity", p, false);
                        line.amount = r_.number(lines[i], "amount", p, false);
                        if (line.quantity && line.amount) {
                            r_.error(lines[i].Mark(), p, "give quantity or amount, not both");
                        }
                        request.lines.push_back(line);
                    }
                }
                spec.credit = std::move(request);
            }
        } else if (type == document_type::credit_note) {
            r_.error(n.Mark(), reader::join(path, "credit"), "missing required key (credit note)");
        }
        if (const YAML::Node f = n["finalize"]; f.IsDefined() && !f.IsNull()) {
            const std::string fp = reader::join(path, "finalize");
            if (r_.mapping(f, fp, finalize_keys)) {
                finalize_input fin;
                fin.number = r_.text(f, "number", fp, type != document_type::pro_forma).value_or("");
                if (type == document_type::pro_forma && f["number"].IsDefined()) {
                    r_.error(
                        f["number"].Mark(), reader::join(fp, "number"), "a pro-forma document has no number"
                    );
                }
                if (auto issued = r_.date(f, "issue_date", fp, true)) {
                    fin.issue_date = *issued;
                    spec.finalization = fin;
                }
            }
        }
        if (const YAML::Node v = n["vat_currency"]; v.IsDefined() && !v.IsNull()) {
            const std::string vp = reader::join(path, "vat_currency");
            if (r_.mapping(v, vp, vat_currency_keys)) {
                auto code = r_.text(v, "code", vp, true);
                auto rate = r_.number(v, "rate", vp, true);
                std::optional<currency> cur;
                if (code) {
                    if (auto found = lookup_currency(*code)) {
                        cur = *found;
                    } else {
                        r_.error(
                            v["code"].Mark(),
                            reader::join(vp, "code"),
                            "unknown ISO 4217 currency code '" + code->substr(0, 8) + "'"
                        );
                    }
                }
                if (rate && (rate->is_negative() || rate->is_zero())) {
                    r_.error(v["rate"].Mark(), reader::join(vp, "rate"), "the exchange rate must be above 0");
                } else if (cur && rate) {
                    spec.vat_currency = vat_accounting_currency{*cur, *rate};
                }
            }
        }
    }

private:
    reader& r_;
    const std::vector<party>& entities_;
};

}  // namespace

std::string plan_file_error::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    out += ": ";
    if (!path.empty()) {
        out += path + ": ";
    }
    out += message;
    return out;
}

plan_file_result parse_plan_file(std::string_view text, std::string_view file_name) {
    plan_file_result result;
    reader r(file_name, result.errors);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        r.error(e.mark, "", "YAML syntax error: " + e.msg);
        return result;
    }
    if (!r.mapping(root, "", root_keys)) {
        return result;
    }
    plan_file out;
    const YAML::Node entities = root["legal_entities"];
    if (entities.IsDefined() && !entities.IsNull() && r.sequence(entities, "legal_entities")) {
        plan_reader pr(r, out.legal_entities);
        for (std::size_t i = 0; i < entities.size(); ++i) {
            if (auto e = pr.read_party(entities[i], reader::index("legal_entities", i), true)) {
                out.legal_entities.push_back(std::move(*e));
            }
        }
    }
    const YAML::Node plans = root["plans"];
    if (!plans.IsDefined()) {
        r.error(root.Mark(), "plans", "missing required key");
    } else if (r.sequence(plans, "plans")) {
        plan_reader pr(r, out.legal_entities);
        for (std::size_t i = 0; i < plans.size(); ++i) {
            pr.read_plan(plans[i], reader::index("plans", i), out);
        }
        for (std::size_t i = 0; i < out.plans.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (out.plans[i].id == out.plans[j].id) {
                    r.error(
                        plans[i].Mark(),
                        reader::index("plans", i),
                        "plan id '" + out.plans[i].id + "' used twice"
                    );
                }
            }
        }
    }
    const YAML::Node drafts = root["drafts"];
    if (drafts.IsDefined() && !drafts.IsNull() && r.sequence(drafts, "drafts")) {
        plan_reader pr(r, out.legal_entities);
        for (std::size_t i = 0; i < drafts.size(); ++i) {
            pr.read_draft(drafts[i], reader::index("drafts", i), out);
        }
    }
    if (result.errors.empty()) {
        result.file = std::move(out);
    }
    return result;
}

}  // namespace fakturad::billing
