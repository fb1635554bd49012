// parse_mappings: syntax and vocabulary of mapping files (format in mapping/README.md).

#include "values.hpp"
#include "yaml_support.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace fakturad::mapping {
namespace {

using detail::describe;
using detail::index;
using detail::join;
using detail::yaml_reader;

constexpr std::array<std::string_view, 3> top_keys{"plans", "usage", "writeback"};
constexpr std::array<std::string_view, 7> plan_keys{
    "name", "object", "where", "plan", "buyer", "items", "milestones"};
constexpr std::array<std::string_view, 3> items_keys{"from", "where", "fields"};
constexpr std::array<std::string_view, 4> usage_keys{"name", "object", "where", "fields"};
constexpr std::array<std::string_view, 6> spec_keys{
    "field", "value", "default", "map", "convert", "required"};
constexpr std::array<std::string_view, 6> writeback_keys{
    "invoice", "invoice_line", "plan_source", "sync_error", "files", "approval"};
constexpr std::array<std::string_view, 4> approval_keys{"status_field", "approve", "discard", "editable"};
constexpr std::array<std::string_view, 2> editable_keys{"invoice", "invoice_line"};
constexpr std::array<std::string_view, 3> object_keys{"object", "external_id", "fields"};
constexpr std::array<std::string_view, 2> files_keys{"attach_to", "formats"};
constexpr std::array<std::string_view, 2> attach_names{"account", "source"};
constexpr std::array<std::string_view, 4> format_names{"pdf", "xrechnung", "facturx", "ubl"};
constexpr std::array<std::string_view, 9> convert_names{
    "text", "date", "datetime", "number", "percent", "currency", "boolean", "country", "automatic"};
constexpr std::array<conversion, 9> convert_values{
    conversion::text,
    conversion::date,
    conversion::datetime,
    conversion::number,
    conversion::percent,
    conversion::currency,
    conversion::boolean,
    conversion::country,
    conversion::automatic};
constexpr std::array<std::string_view, 10> op_names{
    "equals", "not_equals", "in", "not_in", "greater", "less", "at_least", "at_most", "is_null", "like"};
constexpr std::array<std::string_view, 11> condition_keys{
    "field",
    "equals",
    "not_equals",
    "in",
    "not_in",
    "greater",
    "less",
    "at_least",
    "at_most",
    "is_null",
    "like"};

bool identifier(std::string_view s) {
    if (s.empty() || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// nullopt when `path` is a valid Salesforce path (at most 5 relationships, as SOQL allows), else why not.
std::optional<std::string> check_path(std::string_view path) {
    std::size_t segments = 0;
    std::string_view rest = path;
    while (true) {
        const auto dot = rest.find('.');
        const std::string_view segment = rest.substr(0, dot);
        if (!identifier(segment)) {
            return "'" + std::string(path.substr(0, 80)) +
                   "' is not a Salesforce field path (API names separated by dots, e.g. "
                   "Account.BillingCountry)";
        }
        ++segments;
        if (dot == std::string_view::npos) {
            break;
        }
        rest = rest.substr(dot + 1);
    }
    if (segments > 6) {
        return "'" + std::string(path.substr(0, 80)) + "' goes through " + std::to_string(segments - 1) +
               " relationships; SOQL allows at most 5";
    }
    return std::nullopt;
}

class parser {
public:
    parser(std::string file, std::vector<mapping_problem>& problems) : r_(std::move(file), problems) {}

    yaml_reader& reader() { return r_; }

    std::vector<std::string_view> section_names(std::string_view section) {
        std::vector<std::string_view> out;
        for (const auto& t : target_table()) {
            if (t.section == section) {
                out.push_back(t.name);
            }
        }
        return out;
    }

    void check_typed(
        const target_info& target, const YAML::Node& n, const std::string& path, const std::string& text
    ) {
        auto r = detail::finalize(target, detail::typed{text}, nullptr);
        if (auto* message = std::get_if<std::string>(&r)) {
            r_.error(n.Mark(), path, *message);
        }
    }

    std::optional<value_spec> spec(const YAML::Node& n, const target_info& target, const std::string& path) {
        value_spec s;
        s.target = &target;
        s.path = path;
        s.at = r_.at(n.Mark());
        if (n.IsScalar()) {
            s.constant = n.Scalar();
            check_typed(target, n, path, *s.constant);
            return s;
        }
        if (!n.IsMap()) {
            r_.error(
                n.Mark(),
                path,
                "expected {field: PATH} or {value: CONSTANT} (or a plain value), got " + describe(n)
            );
            return std::nullopt;
        }
        if (!r_.mapping(n, path, spec_keys)) {
            return std::nullopt;
        }
        const bool has_field = n["field"].IsDefined();
        const bool has_value = n["value"].IsDefined();
        if (has_field == has_value) {
            r_.error(
                n.Mark(),
                path,
                has_field ? "give either field or value, not both"
                          : "give field: (a Salesforce path) or value: (a constant)"
            );
        }
        if (has_field) {
            if (auto f = r_.text(n, "field", path, true)) {
                if (auto problem = check_path(*f)) {
                    r_.error(n["field"].Mark(), join(path, "field"), *problem);
                }
                s.field = *f;
            }
        } else if (has_value) {
            if (auto v = r_.text(n, "value", path, true)) {
                check_typed(target, n["value"], join(path, "value"), *v);
                s.constant = *v;
            }
        }
        if (auto d = r_.text(n, "default", path, false)) {
            check_typed(target, n["default"], join(path, "default"), *d);
            s.default_value = *d;
        }
        if (const YAML::Node m = n["map"]; m.IsDefined()) {
            s.has_map = true;
            if (r_.free_mapping(m, join(path, "map"))) {
                for (auto it = m.begin(); it != m.end(); ++it) {
                    const YAML::Node key = it->first;
                    const YAML::Node value = it->second;
                    if (!key.IsScalar()) {
                        continue;  // reported by free_mapping
                    }
                    const std::string p = join(join(path, "map"), key.Scalar());
                    if (!value.IsScalar()) {
                        r_.error(value.Mark(), p, "expected a single value, got " + describe(value));
                        continue;
                    }
                    check_typed(target, value, p, value.Scalar());
                    s.map.push_back(map_entry{key.Scalar(), value.Scalar(), r_.at(key.Mark())});
                }
                if (s.map.empty()) {
                    r_.error(m.Mark(), join(path, "map"), "an empty map translates nothing; remove it");
                }
            }
        }
        if (auto c = r_.text(n, "convert", path, false)) {
            const auto it = std::find(convert_names.begin(), convert_names.end(), *c);
            if (it == convert_names.end()) {
                r_.error(
                    n["convert"].Mark(),
                    join(path, "convert"),
                    "unknown conversion '" + c->substr(0, 40) + "'" + detail::hint(*c, convert_names)
                );
            } else {
                s.convert = convert_values[static_cast<std::size_t>(it - convert_names.begin())];
            }
        }
        if (auto q = r_.text(n, "required", path, false)) {
            if (*q == "true" || *q == "false") {
                s.required = *q == "true";
            } else {
                r_.error(
                    n["required"].Mark(),
                    join(path, "required"),
                    "expected true or false, got '" + q->substr(0, 40) + "'"
                );
            }
        }
        return s;
    }

    // A mapping of target name -> value spec.
    std::vector<value_spec> specs(const YAML::Node& n, std::string_view section, const std::string& path) {
        std::vector<value_spec> out;
        const auto names = section_names(section);
        if (!r_.free_mapping(n, path)) {
            return out;
        }
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node key = it->first;
            if (!key.IsScalar()) {
                continue;
            }
            const std::string& name = key.Scalar();
            const target_info* target = find_target(section, name);
            if (target == nullptr) {
                r_.error(
                    key.Mark(),
                    path,
                    "unknown target '" + name.substr(0, 40) + "'" + detail::hint(name, names)
                );
                continue;
            }
            if (std::any_of(out.begin(), out.end(), [&](const value_spec& s) {
                    return s.target == target;
                })) {
                continue;  // duplicate key, reported by free_mapping
            }
            if (auto s = spec(it->second, *target, join(path, name))) {
                out.push_back(std::move(*s));
            }
        }
        return out;
    }

    std::vector<condition> conditions(const YAML::Node& parent, const std::string& parent_path) {
        std::vector<condition> out;
        const YAML::Node n = parent["where"];
        const std::string path = join(parent_path, "where");
        if (!n.IsDefined() || n.IsNull()) {
            return out;
        }
        if (!r_.sequence(n, path)) {
            return out;
        }
        for (std::size_t i = 0; i < n.size(); ++i) {
            const YAML::Node c = n[i];
            const std::string p = index(path, i);
            const std::size_t before = r_problems();
            if (!r_.mapping(c, p, condition_keys)) {
                continue;
            }
            condition cond;
            cond.path = p;
            cond.at = r_.at(c.Mark());
            if (auto f = r_.text(c, "field", p, true)) {
                if (auto problem = check_path(*f)) {
                    r_.error(c["field"].Mark(), join(p, "field"), *problem);
                }
                cond.field = *f;
            }
            std::vector<std::string_view> ops;
            for (std::size_t k = 0; k < op_names.size(); ++k) {
                if (c[std::string(op_names[k])].IsDefined()) {
                    ops.push_back(op_names[k]);
                    cond.op = static_cast<condition_op>(k);
                }
            }
            if (ops.size() != 1) {
                std::string list;
                for (auto o : op_names) {
                    list += (list.empty() ? "" : ", ") + std::string(o);
                }
                r_.error(
                    c.Mark(),
                    p,
                    ops.empty() ? "a condition needs one operator: " + list
                                : "a condition takes exactly one operator, got " + std::to_string(ops.size())
                );
                continue;
            }
            const std::string op_path = join(p, ops.front());
            const YAML::Node v = c[std::string(ops.front())];
            if (cond.op == condition_op::in || cond.op == condition_op::not_in) {
                if (r_.sequence(v, op_path)) {
                    for (std::size_t k = 0; k < v.size(); ++k) {
                        if (!v[k].IsScalar()) {
                            r_.error(
                                v[k].Mark(),
                                index(op_path, k),
                                "expected a single value, got " + describe(v[k])
                            );
                            continue;
                        }
                        cond.values.push_back(v[k].Scalar());
                    }
                    if (v.size() == 0) {
                        r_.error(v.Mark(), op_path, "an empty list matches nothing; give at least one value");
                    }
                }
            } else if (!v.IsScalar()) {
                r_.error(
                    v.Mark(),
                    op_path,
                    v.IsNull() || !v.IsDefined() ? "no value: to test for an empty field use is_null: true"
                                                 : "expected a single value, got " + describe(v)
                );
            } else {
                cond.values.push_back(v.Scalar());
                if (cond.op == condition_op::is_null && v.Scalar() != "true" && v.Scalar() != "false") {
                    r_.error(
                        v.Mark(), op_path, "expected true or false, got '" + v.Scalar().substr(0, 40) + "'"
                    );
                }
            }
            if (r_problems() == before) {
                out.push_back(std::move(cond));
            }
        }
        return out;
    }

    std::string name_of(const YAML::Node& n, const std::string& path) {
        auto name = r_.text(n, "name", path, true);
        if (!name) {
            return {};
        }
        const bool ok = !name->empty() && std::all_of(name->begin(), name->end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        });
        if (!ok) {
            r_.error(
                n["name"].Mark(),
                join(path, "name"),
                "'" + name->substr(0, 40) + "' is not a mapping name (lower-case letters, digits and '-')"
            );
        }
        return *name;
    }

    std::string object_of(const YAML::Node& n, const std::string& path, std::string_view key = "object") {
        auto object = r_.text(n, key, path, true);
        if (!object) {
            return {};
        }
        if (!identifier(*object)) {
            r_.error(
                n[std::string(key)].Mark(),
                join(path, key),
                "'" + object->substr(0, 40) + "' is not a Salesforce API name"
            );
        }
        return *object;
    }

    std::optional<plan_mapping> plan(const YAML::Node& n, const std::string& path) {
        if (!r_.mapping(n, path, plan_keys)) {
            return std::nullopt;
        }
        plan_mapping m;
        m.path = path;
        m.at = r_.at(n.Mark());
        m.name = name_of(n, path);
        m.object = object_of(n, path);
        m.conditions = conditions(n, path);
        if (const YAML::Node p = n["plan"]; p.IsDefined()) {
            m.plan = specs(p, "plan", join(path, "plan"));
        } else {
            r_.error(n.Mark(), join(path, "plan"), "missing required key");
        }
        if (const YAML::Node b = n["buyer"]; b.IsDefined()) {
            m.buyer = specs(b, "buyer", join(path, "buyer"));
        } else {
            r_.error(n.Mark(), join(path, "buyer"), "missing required key");
        }
        if (const YAML::Node ms = n["milestones"]; ms.IsDefined()) {
            const std::string mp = join(path, "milestones");
            if (r_.sequence(ms, mp)) {
                for (std::size_t i = 0; i < ms.size(); ++i) {
                    m.milestones.push_back(specs(ms[i], "milestone", index(mp, i)));
                    m.milestone_at.push_back(r_.at(ms[i].Mark()));
                }
            }
        }
        if (const YAML::Node it = n["items"]; it.IsDefined()) {
            const std::string ip = join(path, "items");
            if (r_.mapping(it, ip, items_keys)) {
                items_spec items;
                items.path = ip;
                items.at = r_.at(it.Mark());
                if (auto from = r_.text(it, "from", ip, true)) {
                    if (*from != "self" && !identifier(*from)) {
                        r_.error(
                            it["from"].Mark(),
                            join(ip, "from"),
                            "expected a child relationship name (e.g. OpportunityLineItems) or self"
                        );
                    }
                    items.from = *from;
                }
                items.conditions = conditions(it, ip);
                if (items.self() && !items.conditions.empty()) {
                    r_.error(it["where"].Mark(), join(ip, "where"), "items from self take the plan's where");
                }
                if (const YAML::Node f = it["fields"]; f.IsDefined()) {
                    items.fields = specs(f, "items", join(ip, "fields"));
                } else {
                    r_.error(it.Mark(), join(ip, "fields"), "missing required key");
                }
                m.items = std::move(items);
            }
        }
        return m;
    }

    std::optional<usage_mapping> usage(const YAML::Node& n, const std::string& path) {
        if (!r_.mapping(n, path, usage_keys)) {
            return std::nullopt;
        }
        usage_mapping m;
        m.path = path;
        m.at = r_.at(n.Mark());
        m.name = name_of(n, path);
        m.object = object_of(n, path);
        m.conditions = conditions(n, path);
        if (const YAML::Node f = n["fields"]; f.IsDefined()) {
            m.fields = specs(f, "usage", join(path, "fields"));
        } else {
            r_.error(n.Mark(), join(path, "fields"), "missing required key");
        }
        return m;
    }

    std::vector<std::string_view> result_names(writeback_target t) {
        std::vector<std::string_view> out;
        for (const auto& r : result_table()) {
            if (r.target == t) {
                out.push_back(r.name);
            }
        }
        return out;
    }

    std::vector<writeback_field> wb_fields(
        const YAML::Node& n, writeback_target t, const std::string& path, bool relationship_allowed
    ) {
        std::vector<writeback_field> out;
        if (!r_.free_mapping(n, path)) {
            return out;
        }
        const auto names = result_names(t);
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            if (!key.IsScalar()) {
                continue;
            }
            const std::string p = join(path, key.Scalar());
            writeback_field f;
            f.sf_field = key.Scalar();
            f.path = p;
            f.at = r_.at(key.Mark());
            const auto dots = std::count(f.sf_field.begin(), f.sf_field.end(), '.');
            if (check_path(f.sf_field) || dots > (relationship_allowed ? 1 : 0)) {
                r_.error(
                    key.Mark(),
                    p,
                    relationship_allowed ? "expected a field API name, or Relationship__r.External_Id__c to "
                                           "set a lookup by external id"
                                         : "expected a field API name of the source object"
                );
                continue;
            }
            if (!value.IsScalar()) {
                r_.error(value.Mark(), p, "expected a result name, got " + describe(value));
                continue;
            }
            f.result = value.Scalar();
            f.info = find_result(t, f.result);
            if (f.info == nullptr) {
                r_.error(
                    value.Mark(),
                    p,
                    "unknown " + std::string(to_string(t)) + " result '" + f.result.substr(0, 40) + "'" +
                        detail::hint(f.result, names)
                );
                continue;
            }
            out.push_back(std::move(f));
        }
        if (out.empty() && n.IsMap() && n.size() == 0) {
            r_.error(n.Mark(), path, "no fields to write");
        }
        return out;
    }

    std::optional<writeback_object> wb_object(
        const YAML::Node& n, writeback_target t, const std::string& path
    ) {
        if (!r_.mapping(n, path, object_keys)) {
            return std::nullopt;
        }
        writeback_object o;
        o.target = t;
        o.path = path;
        o.at = r_.at(n.Mark());
        o.object = object_of(n, path);
        if (auto ext = r_.text(n, "external_id", path, true)) {
            o.external_id = *ext;
            o.external_id_at = r_.at(n["external_id"].Mark());
        }
        if (const YAML::Node f = n["fields"]; f.IsDefined()) {
            o.fields = wb_fields(f, t, join(path, "fields"), true);
        } else {
            r_.error(n.Mark(), join(path, "fields"), "missing required key");
        }
        if (!o.external_id.empty() && n["fields"].IsDefined()) {
            const bool mapped = std::any_of(o.fields.begin(), o.fields.end(), [&](const writeback_field& f) {
                return same_name(f.sf_field, o.external_id);
            });
            if (!mapped) {
                r_.error(
                    n["external_id"].Mark(),
                    join(path, "external_id"),
                    "the external id field " + o.external_id +
                        " must be among fields (map the key result to it)"
                );
            }
        }
        return o;
    }

    std::optional<writeback_spec> writeback(const YAML::Node& n, const std::string& path) {
        if (!r_.mapping(n, path, writeback_keys)) {
            return std::nullopt;
        }
        writeback_spec w;
        w.at = r_.at(n.Mark());
        if (const YAML::Node o = n["invoice"]; o.IsDefined()) {
            w.invoice = wb_object(o, writeback_target::invoice, join(path, "invoice"));
        }
        if (const YAML::Node o = n["invoice_line"]; o.IsDefined()) {
            w.invoice_line = wb_object(o, writeback_target::invoice_line, join(path, "invoice_line"));
        }
        if (const YAML::Node o = n["sync_error"]; o.IsDefined()) {
            w.sync_error = wb_object(o, writeback_target::sync_error, join(path, "sync_error"));
        }
        if (const YAML::Node ps = n["plan_source"]; ps.IsDefined()) {
            const std::string pp = join(path, "plan_source");
            if (r_.free_mapping(ps, pp)) {
                for (auto it = ps.begin(); it != ps.end(); ++it) {
                    const YAML::Node key = it->first;
                    if (!key.IsScalar()) {
                        continue;
                    }
                    const std::string op = join(pp, key.Scalar());
                    if (!identifier(key.Scalar())) {
                        r_.error(
                            key.Mark(),
                            op,
                            "expected a source object name (plan_source: {Opportunity: {Billed_Through__c: "
                            "billed_through}})"
                        );
                        continue;
                    }
                    writeback_object o;
                    o.target = writeback_target::plan_source;
                    o.object = key.Scalar();
                    o.path = op;
                    o.at = r_.at(key.Mark());
                    o.fields = wb_fields(it->second, writeback_target::plan_source, op, false);
                    w.plan_source.push_back(std::move(o));
                }
            }
        }
        if (const YAML::Node f = n["files"]; f.IsDefined()) {
            const std::string fp = join(path, "files");
            if (r_.mapping(f, fp, files_keys)) {
                files_spec files;
                files.at = r_.at(f.Mark());
                if (auto a = r_.text(f, "attach_to", fp, true)) {
                    if (*a == "account" || *a == "source") {
                        files.to = *a == "account" ? attach_to::account : attach_to::source;
                    } else {
                        r_.error(
                            f["attach_to"].Mark(),
                            join(fp, "attach_to"),
                            "unknown value '" + a->substr(0, 40) + "'" + detail::hint(*a, attach_names)
                        );
                    }
                }
                const YAML::Node formats = f["formats"];
                const std::string fmp = join(fp, "formats");
                if (!formats.IsDefined()) {
                    r_.error(f.Mark(), fmp, "missing required key");
                } else if (r_.sequence(formats, fmp)) {
                    for (std::size_t i = 0; i < formats.size(); ++i) {
                        const std::string s = formats[i].IsScalar() ? formats[i].Scalar() : std::string();
                        if (std::find(format_names.begin(), format_names.end(), s) == format_names.end()) {
                            r_.error(
                                formats[i].Mark(),
                                index(fmp, i),
                                "unknown format '" + s.substr(0, 40) + "'" + detail::hint(s, format_names)
                            );
                            continue;
                        }
                        files.formats.push_back(s);
                    }
                }
                w.files = std::move(files);
            }
        }
        if (const YAML::Node a = n["approval"]; a.IsDefined()) {
            w.approval = approval(a, join(path, "approval"));
        }
        return w;
    }

    std::optional<approval_spec> approval(const YAML::Node& n, const std::string& path) {
        if (!r_.mapping(n, path, approval_keys)) {
            return std::nullopt;
        }
        approval_spec a;
        a.path = path;
        a.at = r_.at(n.Mark());
        if (auto f = r_.text(n, "status_field", path, true)) {
            a.status_field = *f;
            a.status_field_at = r_.at(n["status_field"].Mark());
        }
        if (auto v = r_.text(n, "approve", path, true)) {
            a.approve = *v;
            a.values_at = r_.at(n["approve"].Mark());
        }
        if (auto v = r_.text(n, "discard", path, false)) {
            a.discard = *v;
            if (a.discard == a.approve) {
                r_.error(n["discard"].Mark(), join(path, "discard"), "must differ from approve");
            }
        }
        const YAML::Node editable = n["editable"];
        const std::string ep = join(path, "editable");
        if (editable.IsDefined() && r_.mapping(editable, ep, editable_keys)) {
            for (const auto t : {writeback_target::invoice, writeback_target::invoice_line}) {
                const std::string key(to_string(t));
                const YAML::Node list = editable[key];
                const std::string lp = join(ep, key);
                if (!list.IsDefined() || !r_.sequence(list, lp)) {
                    continue;
                }
                const auto allowed = editable_results(t);
                for (std::size_t i = 0; i < list.size(); ++i) {
                    const std::string name = list[i].IsScalar() ? list[i].Scalar() : std::string();
                    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
                        r_.error(
                            list[i].Mark(),
                            index(lp, i),
                            "'" + name.substr(0, 40) +
                                "' cannot be edited on a draft; amounts come from the plan" +
                                detail::hint(name, allowed)
                        );
                        continue;
                    }
                    approval_editable e;
                    e.target = t;
                    e.result = name;
                    e.path = index(lp, i);
                    e.at = r_.at(list[i].Mark());
                    a.editable.push_back(std::move(e));
                }
            }
        }
        return a;
    }

private:
    std::size_t r_problems() const { return r_.problem_count(); }

    yaml_reader r_;
};

}  // namespace

parse_result parse_mappings(std::span<const std::pair<std::string, std::string>> files) {
    parse_result result;
    mapping_set set;
    auto& problems = result.problems;
    std::map<std::string, source_location> names;
    std::optional<source_location> writeback_at;
    for (const auto& [file, text] : files) {
        parser p(file, problems);
        YAML::Node doc;
        try {
            doc = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            p.reader().error(e.mark, "", "invalid YAML: " + e.msg);
            continue;
        }
        if (!doc.IsDefined() || doc.IsNull()) {
            continue;  // an empty file maps nothing
        }
        if (!p.reader().mapping(doc, "", top_keys)) {
            continue;
        }
        auto unique = [&](const std::string& name, const YAML::Node& node, const std::string& path) {
            if (name.empty()) {
                return;
            }
            const source_location here = p.reader().at(node["name"].Mark());
            if (auto [it, inserted] = names.emplace(name, here); !inserted) {
                p.reader().error(
                    node["name"].Mark(),
                    join(path, "name"),
                    "mapping name '" + name + "' is already used at " + it->second.to_string() +
                        " (names are unique across all mapping files)"
                );
            }
        };
        if (const YAML::Node plans = doc["plans"]; plans.IsDefined() && p.reader().sequence(plans, "plans")) {
            for (std::size_t i = 0; i < plans.size(); ++i) {
                if (auto m = p.plan(plans[i], index("plans", i))) {
                    unique(m->name, plans[i], m->path);
                    set.plans.push_back(std::move(*m));
                }
            }
        }
        if (const YAML::Node usage = doc["usage"]; usage.IsDefined() && p.reader().sequence(usage, "usage")) {
            for (std::size_t i = 0; i < usage.size(); ++i) {
                if (auto m = p.usage(usage[i], index("usage", i))) {
                    unique(m->name, usage[i], m->path);
                    set.usage.push_back(std::move(*m));
                }
            }
        }
        if (const YAML::Node wb = doc["writeback"]; wb.IsDefined()) {
            // The key's position: the value's would point into its first line of keys.
            YAML::Mark key_mark = wb.Mark();
            for (auto it = doc.begin(); it != doc.end(); ++it) {
                if (it->first.IsScalar() && it->first.Scalar() == "writeback") {
                    key_mark = it->first.Mark();
                }
            }
            const source_location here = p.reader().at(key_mark);
            if (writeback_at) {
                p.reader().error(
                    key_mark,
                    "writeback",
                    "a second writeback section (the first is at " + writeback_at->to_string() +
                        "); write-back is configured once across all mapping files"
                );
            } else {
                writeback_at = here;
                set.writeback = p.writeback(wb, "writeback");
            }
        }
    }
    if (problems.empty()) {
        result.set = std::move(set);
    }
    return result;
}

}  // namespace fakturad::mapping
