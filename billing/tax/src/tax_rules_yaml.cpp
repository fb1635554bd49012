#include "fakturad/billing/tax/tax_rules_yaml.hpp"

#include "fakturad/billing/tax/geography.hpp"
#include "fakturad/billing/tax/rate_tables.hpp"
#include "fakturad/core/edit_distance.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <span>

namespace fakturad::billing::tax {
namespace {

using std::chrono::year_month_day;

std::string join(std::span<const std::string_view> words) {
    std::string out;
    for (const auto w : words) {
        out += (out.empty() ? "" : ", ") + std::string(w);
    }
    return out;
}

struct entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
};

constexpr std::array<std::string_view, 4> top_keys{"seller", "product_classes", "us_sales_tax", "version"};
constexpr std::array<std::string_view, 5> seller_keys{
    "country", "region", "vat_status", "oss_registered", "canada"};
constexpr std::array<std::string_view, 3> canada_keys{
    "gst_hst_registered", "qst_registered", "provincial_registrations"};
constexpr std::array<std::string_view, 6> class_keys{
    "kind",
    "overrides",
    "exemption_reason_de",
    "exemption_reason_en",
    "exemption_code",
    "canada_provincial_taxable"};
constexpr std::array<std::string_view, 5> us_keys{"state", "rate", "valid_from", "valid_to", "taxable"};
constexpr std::array<std::string_view, 3> us_kinds{"goods", "services", "electronic_services"};
constexpr std::array<std::string_view, 8> kind_words{
    "standard", "reduced", "reduced_2", "super_reduced", "parking", "zero", "exempt", "<percent, e.g. 5.5>"};

class parser {
public:
    tax_rules_load_result run(std::string_view text) {
        YAML::Node root;
        try {
            root = YAML::Load(std::string(text));
        } catch (const YAML::ParserException& e) {
            errors_.push_back({e.mark.line + 1, e.mark.column + 1, "", "YAML syntax error: " + e.msg});
            return finish();
        }
        if (!root.IsMap()) {
            error(root, "", "expected a mapping with the keys " + join(top_keys));
            return finish();
        }
        auto top = entries(root, "", top_keys);
        if (auto v = find(top, "version")) {
            if (!v->IsScalar() || v->Scalar() != "1") {
                error(*v, "version", "expected 1");
            }
        }
        if (auto s = find(top, "seller")) {
            read_seller(*s);
        } else {
            error(root, "seller", "missing: the seller (legal entity) whose tax these rules determine");
        }
        if (auto c = find(top, "product_classes")) {
            read_classes(*c);
        }
        if (auto u = find(top, "us_sales_tax")) {
            read_us(*u);
        }
        return finish();
    }

private:
    tax_rules_load_result finish() {
        std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
            return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        });
        tax_rules_load_result out;
        if (errors_.empty()) {
            out.rules = std::move(rules_);
        }
        out.errors = std::move(errors_);
        return out;
    }

    void error(const YAML::Node& at, std::string path, std::string message) {
        const YAML::Mark m = at.Mark();
        const bool known = !m.is_null() && m.line >= 0;
        errors_.push_back(
            {known ? m.line + 1 : 0, known ? m.column + 1 : 0, std::move(path), std::move(message)}
        );
    }

    static std::string join_path(std::string_view prefix, std::string_view key) {
        return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
    }

    // The entries of a mapping; unknown keys (with a hint) and duplicate keys are reported. An empty
    // `allowed` accepts any key (maps keyed by names or countries).
    std::vector<entry> entries(
        const YAML::Node& map, std::string_view path, std::span<const std::string_view> allowed
    ) {
        std::vector<entry> out;
        if (!map.IsMap()) {
            error(map, std::string(path), "expected a mapping");
            return out;
        }
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
            const std::string key_path = join_path(path, key);
            if (std::any_of(out.begin(), out.end(), [&](const entry& e) { return e.key == key; })) {
                const auto first =
                    std::find_if(out.begin(), out.end(), [&](const entry& e) { return e.key == key; });
                error(
                    it->first,
                    key_path,
                    "duplicate key (first at line " + std::to_string(first->key_node.Mark().line + 1) + ")"
                );
                continue;
            }
            if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                std::string message = "unknown key " + quote_input(key);
                std::string_view best;
                std::size_t best_distance = 3;
                for (const auto candidate : allowed) {
                    const std::size_t d = edit_distance(key, candidate);
                    if (d < best_distance) {
                        best_distance = d;
                        best = candidate;
                    }
                }
                message += best.empty() ? "; allowed keys: " + join(allowed)
                                        : "; did you mean '" + std::string(best) + "'?";
                error(it->first, key_path, std::move(message));
                continue;
            }
            out.push_back({key, it->first, it->second});
        }
        return out;
    }

    static std::optional<YAML::Node> find(const std::vector<entry>& list, std::string_view key) {
        for (const auto& e : list) {
            if (e.key == key) {
                return e.value;
            }
        }
        return std::nullopt;
    }

    std::optional<std::string> scalar(const YAML::Node& n, const std::string& path) {
        if (!n.IsScalar()) {
            error(n, path, "expected a single value");
            return std::nullopt;
        }
        return n.Scalar();
    }

    std::optional<bool> boolean(const YAML::Node& n, const std::string& path) {
        auto s = scalar(n, path);
        if (!s) {
            return std::nullopt;
        }
        if (*s == "true") {
            return true;
        }
        if (*s == "false") {
            return false;
        }
        error(n, path, "expected true or false, got " + quote_input(*s));
        return std::nullopt;
    }

    std::optional<decimal> rate(const YAML::Node& n, const std::string& path) {
        auto s = scalar(n, path);
        if (!s) {
            return std::nullopt;
        }
        auto r = parse_decimal(*s);
        if (!r || r->is_negative() || *r >= decimal{100}) {
            error(
                n,
                path,
                "expected a percentage from 0 to below 100 in plain decimal notation, got " + quote_input(*s)
            );
            return std::nullopt;
        }
        return *r;
    }

    std::optional<year_month_day> date(const YAML::Node& n, const std::string& path) {
        auto s = scalar(n, path);
        if (!s) {
            return std::nullopt;
        }
        auto d = parse_date(*s);
        if (!d) {
            error(n, path, "expected a date YYYY-MM-DD, got " + quote_input(*s));
        }
        return d;
    }

    void read_seller(const YAML::Node& node) {
        auto list = entries(node, "seller", seller_keys);
        seller_profile& s = rules_.seller;
        if (auto c = find(list, "country")) {
            if (auto v = scalar(*c, "seller.country")) {
                if (is_iso_country(*v)) {
                    s.country = *v;
                } else {
                    error(
                        *c,
                        "seller.country",
                        "unknown country " + quote_input(*v) + ": expected ISO 3166-1 alpha-2"
                    );
                }
            }
        } else if (node.IsMap()) {
            error(node, "seller.country", "missing: the seller's home country (ISO 3166-1 alpha-2)");
        }
        if (auto r = find(list, "region")) {
            if (auto v = scalar(*r, "seller.region")) {
                s.region = *v;
            }
        }
        if (auto st = find(list, "vat_status")) {
            if (auto v = scalar(*st, "seller.vat_status")) {
                if (*v == "registered") {
                    s.status = vat_status::registered;
                } else if (*v == "small_business") {
                    s.status = vat_status::small_business;
                    if (!s.country.empty() && s.country != "DE") {
                        error(
                            *st, "seller.vat_status", "small_business means § 19 UStG: German sellers only"
                        );
                    }
                } else {
                    error(
                        *st,
                        "seller.vat_status",
                        "expected registered or small_business, got " + quote_input(*v)
                    );
                }
            }
        }
        if (auto o = find(list, "oss_registered")) {
            if (auto v = boolean(*o, "seller.oss_registered")) {
                s.oss_registered = *v;
            }
        }
        if (auto c = find(list, "canada")) {
            auto ca = entries(*c, "seller.canada", canada_keys);
            if (auto g = find(ca, "gst_hst_registered")) {
                s.canada.gst_hst = boolean(*g, "seller.canada.gst_hst_registered").value_or(false);
            }
            if (auto q = find(ca, "qst_registered")) {
                s.canada.qst = boolean(*q, "seller.canada.qst_registered").value_or(false);
            }
            if (auto p = find(ca, "provincial_registrations")) {
                const std::string path = "seller.canada.provincial_registrations";
                if (!p->IsSequence()) {
                    error(*p, path, "expected a list of provinces with PST/RST: BC, SK, MB");
                } else {
                    for (const auto& item : *p) {
                        auto v = scalar(item, path);
                        if (v && (*v == "BC" || *v == "SK" || *v == "MB")) {
                            s.canada.provincial.push_back(*v);
                        } else if (v) {
                            error(
                                item,
                                path,
                                quote_input(*v) +
                                    " has no provincial sales tax registered separately: expected BC, SK or "
                                    "MB "
                                    "(QC: qst_registered; HST provinces need no extra registration)"
                            );
                        }
                    }
                }
            }
        }
    }

    // A rate kind word or a percentage; `allow_exempt` is false for per-country overrides.
    std::optional<std::pair<rate_kind, decimal>> kind_value(
        const YAML::Node& n, const std::string& path, bool allow_exempt
    ) {
        auto v = scalar(n, path);
        if (!v) {
            return std::nullopt;
        }
        static constexpr std::array<std::pair<std::string_view, rate_kind>, 7> words{{
            {"standard", rate_kind::standard},
            {"reduced", rate_kind::reduced},
            {"reduced_2", rate_kind::reduced_2},
            {"super_reduced", rate_kind::super_reduced},
            {"parking", rate_kind::parking},
            {"zero", rate_kind::zero},
            {"exempt", rate_kind::exempt},
        }};
        for (const auto& [word, kind] : words) {
            if (*v == word) {
                if (kind == rate_kind::exempt && !allow_exempt) {
                    error(
                        n,
                        path,
                        "an override cannot be exempt (an exempt class needs its own exemption reason)"
                    );
                    return std::nullopt;
                }
                return std::pair{kind, decimal{}};
            }
        }
        if (auto r = parse_decimal(*v); r && !r->is_negative() && *r < decimal{100}) {
            return std::pair{rate_kind::explicit_rate, *r};
        }
        error(n, path, "expected one of " + join(kind_words) + ", got " + quote_input(*v));
        return std::nullopt;
    }

    void read_classes(const YAML::Node& node) {
        for (const auto& c : entries(node, "product_classes", {})) {
            const std::string path = "product_classes." + c.key;
            product_tax_class cls;
            cls.name = c.key;
            auto fields = entries(c.value, path, class_keys);
            if (auto k = find(fields, "kind")) {
                if (auto kv = kind_value(*k, path + ".kind", true)) {
                    cls.kind = kv->first;
                    cls.rate = kv->second;
                }
            } else if (c.value.IsMap()) {
                error(c.value, path + ".kind", "missing: " + join(kind_words));
            }
            if (auto o = find(fields, "overrides")) {
                for (const auto& ov : entries(*o, path + ".overrides", {})) {
                    const std::string opath = path + ".overrides." + ov.key;
                    if (!is_iso_country(ov.key)) {
                        error(
                            ov.key_node,
                            opath,
                            "unknown country " + quote_input(ov.key) + ": expected ISO 3166-1 alpha-2"
                        );
                        continue;
                    }
                    if (auto kv = kind_value(ov.value, opath, false)) {
                        cls.overrides.push_back({ov.key, kv->first, kv->second});
                    }
                }
            }
            if (auto d = find(fields, "exemption_reason_de")) {
                cls.exemption_reason.de = scalar(*d, path + ".exemption_reason_de").value_or("");
            }
            if (auto e = find(fields, "exemption_reason_en")) {
                cls.exemption_reason.en = scalar(*e, path + ".exemption_reason_en").value_or("");
            }
            if (auto x = find(fields, "exemption_code")) {
                cls.exemption_code = scalar(*x, path + ".exemption_code").value_or("");
                if (!cls.exemption_code.empty() && cls.exemption_code.rfind("VATEX-", 0) != 0) {
                    error(
                        *x,
                        path + ".exemption_code",
                        "expected a VATEX code (CEF VATEX list), e.g. VATEX-EU-132"
                    );
                }
            }
            if (auto p = find(fields, "canada_provincial_taxable")) {
                cls.canada_provincial_taxable =
                    boolean(*p, path + ".canada_provincial_taxable").value_or(true);
            }
            const bool has_reason = !cls.exemption_reason.de.empty() && !cls.exemption_reason.en.empty();
            if (cls.kind == rate_kind::exempt && !has_reason) {
                error(
                    c.value,
                    path,
                    "an exempt class needs exemption_reason_de and exemption_reason_en (EN 16931 BR-E-10, § "
                    "14 Abs. 4 "
                    "Nr. 8 UStG)"
                );
            }
            if (cls.kind != rate_kind::exempt && (has_reason || !cls.exemption_code.empty())) {
                error(
                    c.value,
                    path,
                    "exemption_reason_* and exemption_code belong to exempt classes only (BR-S-10)"
                );
            }
            rules_.product_classes.push_back(std::move(cls));
        }
    }

    void read_us(const YAML::Node& node) {
        if (!node.IsSequence()) {
            error(node, "us_sales_tax", "expected a list of {state, rate, valid_from, taxable}");
            return;
        }
        std::size_t index = 0;
        for (const auto& item : node) {
            const std::string path = "us_sales_tax[" + std::to_string(index++) + "]";
            auto fields = entries(item, path, us_keys);
            us_sales_tax_rate row;
            bool ok = item.IsMap();
            if (auto s = find(fields, "state")) {
                auto v = scalar(*s, path + ".state");
                if (v && is_us_state(*v)) {
                    row.state = *v;
                } else {
                    ok = false;
                    if (v) {
                        error(
                            *s,
                            path + ".state",
                            "unknown US state " + quote_input(*v) + " (USPS code, e.g. WA)"
                        );
                    }
                }
            } else if (item.IsMap()) {
                ok = false;
                error(item, path + ".state", "missing");
            }
            if (auto r = find(fields, "rate")) {
                auto v = rate(*r, path + ".rate");
                if (v && v->is_zero()) {
                    // Category S needs a rate above 0 (BR-S-05): a state without tax is left out instead.
                    error(
                        *r, path + ".rate", "a rate of 0 is not collecting: leave the state out of the table"
                    );
                    v.reset();
                }
                ok = ok && v.has_value();
                row.rate = v.value_or(decimal{});
            } else if (item.IsMap()) {
                ok = false;
                error(item, path + ".rate", "missing");
            }
            if (auto f = find(fields, "valid_from")) {
                auto v = date(*f, path + ".valid_from");
                ok = ok && v.has_value();
                if (v) {
                    row.valid_from = *v;
                }
            } else if (item.IsMap()) {
                ok = false;
                error(item, path + ".valid_from", "missing");
            }
            if (auto t = find(fields, "valid_to")) {
                row.valid_to = date(*t, path + ".valid_to");
                ok = ok && row.valid_to.has_value();
                if (row.valid_to && *row.valid_to < row.valid_from) {
                    ok = false;
                    error(*t, path + ".valid_to", "valid_to is before valid_from");
                }
            }
            row.goods = false;
            if (auto t = find(fields, "taxable")) {
                if (!t->IsSequence()) {
                    error(*t, path + ".taxable", "expected a list of " + join(us_kinds));
                    ok = false;
                } else {
                    for (const auto& k : *t) {
                        auto v = scalar(k, path + ".taxable");
                        if (v == "goods") {
                            row.goods = true;
                        } else if (v == "services") {
                            row.services = true;
                        } else if (v == "electronic_services") {
                            row.electronic_services = true;
                        } else if (v) {
                            ok = false;
                            error(
                                k,
                                path + ".taxable",
                                "expected one of " + join(us_kinds) + ", got " + quote_input(*v)
                            );
                        }
                    }
                }
            } else if (item.IsMap()) {
                ok = false;
                error(
                    item, path + ".taxable", "missing: which supplies are taxable (" + join(us_kinds) + ")"
                );
            }
            if (!ok) {
                continue;
            }
            for (const auto& other : rules_.us_sales_tax) {
                const bool apart = (other.valid_to && *other.valid_to < row.valid_from) ||
                                   (row.valid_to && *row.valid_to < other.valid_from);
                if (other.state == row.state && !apart) {
                    error(
                        item,
                        path,
                        "overlaps an earlier row for " + row.state + ": periods of a state must not overlap"
                    );
                    ok = false;
                    break;
                }
            }
            if (ok) {
                rules_.us_sales_tax.push_back(std::move(row));
            }
        }
    }

    tax_rules rules_;
    std::vector<tax_rules_diagnostic> errors_;
};

}  // namespace

std::string tax_rules_diagnostic::to_string(std::string_view file) const {
    std::string out(file);
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    out += ": ";
    if (!path.empty()) {
        out += path + ": ";
    }
    return out + message;
}

tax_rules_load_result parse_tax_rules(std::string_view yaml_text) { return parser{}.run(yaml_text); }

}  // namespace fakturad::billing::tax
