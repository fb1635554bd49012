// bind() and objects_to_describe(): resolving mapping paths against the org's describe.

#include "values.hpp"
#include "yaml_support.hpp"

#include <algorithm>
#include <set>

namespace fakturad::mapping {
namespace {

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    while (true) {
        const auto dot = path.find('.');
        out.emplace_back(path.substr(0, dot));
        if (dot == std::string_view::npos) {
            return out;
        }
        path = path.substr(dot + 1);
    }
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
    std::vector<std::string_view> views(candidates.begin(), candidates.end());
    // Case differences do not count as typos: SOQL ignores case, so compare lower-cased.
    std::vector<std::string> lowered;
    lowered.reserve(candidates.size());
    for (const auto& c : candidates) {
        lowered.push_back(detail::lower(c));
    }
    std::vector<std::string_view> lviews(lowered.begin(), lowered.end());
    const std::string lname = detail::lower(name);
    const auto best = detail::nearest(lname, lviews);
    if (best.empty()) {
        return {};
    }
    const auto i = static_cast<std::size_t>(std::find(lviews.begin(), lviews.end(), best) - lviews.begin());
    return " (did you mean '" + candidates[i] + "'?)";
}

bool fits_result(result_type r, std::string_view t) {
    switch (r) {
        case result_type::money:
            return t == "currency" || t == "double" || t == "percent";
        case result_type::number:
            return t == "double" || t == "percent" || t == "currency" || t == "int";
        case result_type::date:
            return t == "date";
        case result_type::instant:
            return t == "datetime";
        case result_type::id:
            return t == "reference" || t == "string";
        case result_type::text:
            return t == "string" || t == "textarea" || t == "picklist" || t == "email" || t == "phone" ||
                   t == "url" || t == "combobox";
    }
    return false;
}

std::string_view result_type_text(result_type r) {
    switch (r) {
        case result_type::money:
            return "an amount (currency, double or percent field)";
        case result_type::number:
            return "a number (double, percent, currency or int field)";
        case result_type::date:
            return "a date (date field)";
        case result_type::instant:
            return "a point in time (datetime field)";
        case result_type::id:
            return "a record id (lookup or text field)";
        case result_type::text:
            return "text (text, text area, picklist, e-mail, phone or URL field)";
    }
    return "?";
}

std::string_view target_type_text(target_type t) {
    switch (t) {
        case target_type::text:
        case target_type::id:
        case target_type::emails:
        case target_type::choice:
        case target_type::period:
            return "text";
        case target_type::date:
            return "a date";
        case target_type::instant:
            return "a datetime";
        case target_type::decimal:
            return "a number";
        case target_type::integer:
            return "a whole number";
        case target_type::boolean:
            return "true/false";
        case target_type::country:
            return "a country";
    }
    return "?";
}

class binder {
public:
    binder(const org_schema& schema, std::vector<mapping_problem>& problems)
        : schema_(schema), problems_(problems) {}

    void problem(
        const source_location& at, const std::string& path, std::string sf_field, std::string message
    ) {
        mapping_problem p;
        p.file = at.file;
        p.line = at.line;
        p.column = at.column;
        p.path = path;
        p.sf_field = std::move(sf_field);
        p.message = std::move(message);
        problems_.push_back(std::move(p));
    }

    const object_schema* object(const std::string& name, const source_location& at, const std::string& path) {
        if (const auto* o = schema_.find(name)) {
            return o;
        }
        std::vector<std::string> names;
        for (const auto& o : schema_.objects()) {
            names.push_back(o.name);
        }
        problem(
            at,
            path,
            name,
            "unknown object " + name + did_you_mean(name, names) + " (or it was not described)"
        );
        return nullptr;
    }

    std::optional<bound_path> resolve(
        const object_schema& root, std::string_view text, const source_location& at, const std::string& path
    ) {
        const auto steps = split(text);
        const std::string sf = root.name + "." + std::string(text);
        bound_path out;
        const object_schema* current = &root;
        for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
            const std::string& step = steps[i];
            const field_schema* ref = current->relationship(step);
            if (ref == nullptr) {
                if (const field_schema* f = current->field(step)) {
                    if (!f->relationship_name.empty()) {
                        problem(
                            at,
                            path,
                            sf,
                            "'" + step + "' is a lookup field; a path goes through its relationship name '" +
                                f->relationship_name + "'"
                        );
                    } else {
                        problem(
                            at,
                            path,
                            sf,
                            "'" + step + "' on " + current->name + " is a " + f->type +
                                " field, not a relationship: a path cannot go through it"
                        );
                    }
                    return std::nullopt;
                }
                std::vector<std::string> names;
                for (const auto& f : current->fields) {
                    if (!f.relationship_name.empty()) {
                        names.push_back(f.relationship_name);
                    }
                }
                problem(
                    at,
                    path,
                    sf,
                    "unknown relationship '" + step + "' on " + current->name + did_you_mean(step, names)
                );
                return std::nullopt;
            }
            if (ref->reference_to.size() != 1) {
                problem(
                    at,
                    path,
                    sf,
                    "'" + step + "' is polymorphic (it may point to " +
                        std::to_string(ref->reference_to.size()) +
                        " objects); a mapping path needs a lookup to one object"
                );
                return std::nullopt;
            }
            const object_schema* next = schema_.find(ref->reference_to.front());
            if (next == nullptr) {
                problem(
                    at,
                    path,
                    sf,
                    "object " + ref->reference_to.front() + " (behind '" + step + "') was not described"
                );
                return std::nullopt;
            }
            out.steps.push_back(ref->relationship_name);
            current = next;
        }
        const field_schema* f = current->field(steps.back());
        if (f == nullptr) {
            std::vector<std::string> names;
            for (const auto& cf : current->fields) {
                names.push_back(cf.name);
            }
            problem(
                at,
                path,
                sf,
                "unknown field '" + steps.back() + "' on " + current->name + did_you_mean(steps.back(), names)
            );
            return std::nullopt;
        }
        out.steps.push_back(f->name);
        out.field = *f;
        for (std::size_t i = 0; i < out.steps.size(); ++i) {
            out.text += (i == 0 ? "" : ".") + out.steps[i];
        }
        return out;
    }

    std::optional<bound_value> value(const object_schema& root, const value_spec& spec) {
        bound_value b;
        b.spec = spec;
        if (spec.field.empty()) {
            b.kind = value_kind::text;
            return b;
        }
        auto source = resolve(root, spec.field, spec.at, spec.path);
        if (!source) {
            return std::nullopt;
        }
        const field_schema& f = source->field;
        const std::string sf = root.name + "." + source->text;
        const target_info& target = *spec.target;
        const std::string& t = f.type;
        if (t == "address" || t == "location" || t == "base64" || t == "anyType") {
            problem(
                spec.at,
                spec.path,
                sf,
                "a " + t + " field cannot be mapped; map its parts (e.g. BillingStreet)"
            );
            return std::nullopt;
        }
        const value_kind field_kind = detail::kind_of_field(t);
        value_kind kind = field_kind;
        auto bad_convert = [&] {
            problem(
                spec.at,
                spec.path,
                sf,
                "convert: " + std::string(to_string(spec.convert)) + " cannot read a " + t + " field"
            );
        };
        switch (spec.convert) {
            case conversion::automatic:
                if (target.type == target_type::country && field_kind == value_kind::text) {
                    kind = value_kind::country;
                }
                break;
            case conversion::text:
                kind = value_kind::text;
                break;
            case conversion::date:
            case conversion::datetime:
                if (field_kind != value_kind::text && field_kind != value_kind::date &&
                    field_kind != value_kind::datetime) {
                    bad_convert();
                    return std::nullopt;
                }
                kind = field_kind == value_kind::text ? value_kind::date : field_kind;
                break;
            case conversion::number:
            case conversion::percent:
            case conversion::currency:
                if (field_kind != value_kind::text && field_kind != value_kind::number) {
                    bad_convert();
                    return std::nullopt;
                }
                kind = value_kind::number;
                break;
            case conversion::boolean:
                if (field_kind != value_kind::text && field_kind != value_kind::boolean) {
                    bad_convert();
                    return std::nullopt;
                }
                kind = value_kind::boolean;
                break;
            case conversion::country:
                if (field_kind != value_kind::text) {
                    bad_convert();
                    return std::nullopt;
                }
                kind = value_kind::country;
                break;
        }
        if (spec.has_map) {
            // The map reads the field's text and gives checked target text: any scalar field fits. A
            // restricted picklist only ever holds its values, so any other key is a typo.
            if (f.restricted_picklist) {
                for (const auto& e : spec.map) {
                    if (std::find(f.picklist_values.begin(), f.picklist_values.end(), e.from) ==
                        f.picklist_values.end()) {
                        std::string values;
                        for (const auto& v : f.picklist_values) {
                            values += (values.empty() ? "" : ", ") + v;
                        }
                        problem(
                            e.at,
                            spec.path + ".map",
                            sf,
                            "'" + e.from + "' is not a value of the restricted picklist (values: " + values +
                                ")"
                        );
                    }
                }
            }
            b.source = std::move(*source);
            b.kind = value_kind::text;
            return b;
        }
        bool fits = true;
        std::string advice;
        switch (target.type) {
            case target_type::text:
            case target_type::id:
            case target_type::emails:
            case target_type::choice:
            case target_type::period:
                fits = true;
                break;
            case target_type::country:
                fits = kind == value_kind::country || kind == value_kind::text;
                break;
            case target_type::date:
            case target_type::instant:
                fits = kind == value_kind::date || kind == value_kind::datetime;
                advice = " (a text field holding YYYY-MM-DD needs convert: date)";
                break;
            case target_type::decimal:
            case target_type::integer:
                fits = kind == value_kind::number;
                advice = " (a text field holding a number needs convert: number)";
                break;
            case target_type::boolean:
                fits = kind == value_kind::boolean;
                advice = " (a text field holding true/false needs convert: boolean, other texts a map:)";
                break;
        }
        if (!fits) {
            problem(
                spec.at,
                spec.path,
                sf,
                "a " + t + " field cannot give " + std::string(target.section) + "." +
                    std::string(target.name) + ", which takes " + std::string(target_type_text(target.type)) +
                    (field_kind == value_kind::text ? advice : std::string())
            );
            return std::nullopt;
        }
        b.source = std::move(*source);
        b.kind = kind;
        return b;
    }

    std::vector<bound_value> values(
        const object_schema& root,
        const std::vector<value_spec>& specs,
        std::string_view section,
        const source_location& at,
        const std::string& section_path
    ) {
        std::vector<bound_value> out;
        for (const auto& s : specs) {
            if (auto b = value(root, s)) {
                out.push_back(std::move(*b));
            }
        }
        for (const auto& t : target_table()) {
            if (t.section != section || !t.required) {
                continue;
            }
            const bool mapped =
                std::any_of(specs.begin(), specs.end(), [&](const value_spec& s) { return s.target == &t; });
            if (!mapped) {
                problem(
                    at,
                    detail::join(section_path, t.name),
                    "",
                    "missing required target " + std::string(t.name) + " (" + std::string(t.description) + ")"
                );
            }
        }
        return out;
    }

    std::vector<bound_condition> conditions(const object_schema& root, const std::vector<condition>& conds) {
        std::vector<bound_condition> out;
        for (const auto& c : conds) {
            auto source = resolve(root, c.field, c.at, c.path);
            if (!source) {
                continue;
            }
            bool ok = true;
            for (const auto& v : c.values) {
                if (auto problem_text = detail::check_literal(source->field, c.op, v)) {
                    problem(c.at, c.path, root.name + "." + source->text, *problem_text);
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out.push_back(bound_condition{c, std::move(*source)});
            }
        }
        return out;
    }

    std::optional<bound_plan_mapping> plan(const plan_mapping& m) {
        const object_schema* root = object(m.object, m.at, detail::join(m.path, "object"));
        if (root == nullptr) {
            return std::nullopt;
        }
        const std::size_t before = problems_.size();
        plan_binding b;
        b.name = m.name;
        b.object = root->name;
        b.at = m.at;
        b.path = m.path;
        b.conditions = conditions(*root, m.conditions);
        b.plan = values(*root, m.plan, "plan", m.at, detail::join(m.path, "plan"));
        b.buyer = values(*root, m.buyer, "buyer", m.at, detail::join(m.path, "buyer"));
        for (std::size_t i = 0; i < m.milestones.size(); ++i) {
            b.milestones.push_back(values(
                *root,
                m.milestones[i],
                "milestone",
                m.milestone_at[i],
                detail::index(detail::join(m.path, "milestones"), i)
            ));
        }
        if (m.items) {
            const items_spec& is = *m.items;
            items_binding ib;
            const object_schema* child_object = root;
            if (is.self()) {
                ib.self = true;
            } else if (const auto* rel = root->child(is.from)) {
                ib.relationship = rel->relationship_name;
                ib.child_object = rel->child_object;
                ib.parent_field = rel->field;
                child_object = schema_.find(rel->child_object);
                if (child_object == nullptr) {
                    problem(
                        is.at,
                        detail::join(is.path, "from"),
                        rel->child_object,
                        "object " + rel->child_object + " was not described"
                    );
                }
            } else {
                std::vector<std::string> names;
                for (const auto& c : root->children) {
                    names.push_back(c.relationship_name);
                }
                problem(
                    is.at,
                    detail::join(is.path, "from"),
                    root->name + "." + is.from,
                    "unknown child relationship '" + is.from + "' of " + root->name +
                        did_you_mean(is.from, names)
                );
                child_object = nullptr;
            }
            if (child_object != nullptr) {
                ib.conditions = conditions(*child_object, is.conditions);
                ib.fields = values(*child_object, is.fields, "items", is.at, detail::join(is.path, "fields"));
            }
            b.items = std::move(ib);
        }
        if (problems_.size() != before) {
            return std::nullopt;
        }
        return bound_plan_mapping(std::move(b));
    }

    std::optional<bound_usage_mapping> usage(const usage_mapping& m) {
        const object_schema* root = object(m.object, m.at, detail::join(m.path, "object"));
        if (root == nullptr) {
            return std::nullopt;
        }
        const std::size_t before = problems_.size();
        usage_binding b;
        b.name = m.name;
        b.object = root->name;
        b.at = m.at;
        b.path = m.path;
        b.conditions = conditions(*root, m.conditions);
        b.fields = values(*root, m.fields, "usage", m.at, detail::join(m.path, "fields"));
        if (problems_.size() != before) {
            return std::nullopt;
        }
        return bound_usage_mapping(std::move(b));
    }

    std::optional<bound_approval> approval_of(
        const approval_spec& a, const std::vector<bound_writeback_object>& objects
    ) {
        auto target_of = [&](writeback_target t) -> const bound_writeback_object* {
            for (const auto& o : objects) {
                if (o.target == t) {
                    return &o;
                }
            }
            return nullptr;
        };
        // The single-step field a target maps `result` to.
        auto field_for = [](const bound_writeback_object& o, std::string_view result) -> const field_schema* {
            for (const auto& f : o.fields) {
                if (f.spec.result == result && f.steps.size() == 1) {
                    return &f.field;
                }
            }
            return nullptr;
        };
        const std::size_t before = problems_.size();
        const bound_writeback_object* invoice = target_of(writeback_target::invoice);
        if (invoice == nullptr) {
            problem(
                a.at,
                a.path,
                "",
                "approval needs writeback.invoice: drafts are approved on the invoice records"
            );
            return std::nullopt;
        }
        bound_approval out;
        out.approve = a.approve;
        out.discard = a.discard;
        const object_schema* o = schema_.find(invoice->object);
        const field_schema* status = o == nullptr ? nullptr : o->field(a.status_field);
        const std::string status_path = detail::join(a.path, "status_field");
        const std::string sf = invoice->object + "." + a.status_field;
        if (status == nullptr) {
            problem(
                a.status_field_at,
                status_path,
                sf,
                "unknown field '" + a.status_field + "' on " + invoice->object
            );
        } else {
            out.status_field = status->name;
            const field_schema* mapped = field_for(*invoice, "status");
            if (mapped == nullptr || mapped->name != status->name) {
                problem(
                    a.status_field_at,
                    status_path,
                    sf,
                    "map " + status->name +
                        ": status in writeback.invoice.fields, so drafts show their status"
                );
            }
            if (!status->updateable) {
                problem(
                    a.status_field_at,
                    status_path,
                    sf,
                    status->name + " is not updateable: a clerk could not approve"
                );
            }
            if (status->restricted_picklist) {
                for (const auto* value : {&a.approve, &a.discard}) {
                    if (!value->empty() &&
                        std::find(status->picklist_values.begin(), status->picklist_values.end(), *value) ==
                            status->picklist_values.end()) {
                        std::string values;
                        for (const auto& v : status->picklist_values) {
                            values += (values.empty() ? "" : ", ") + v;
                        }
                        problem(
                            a.values_at,
                            a.path,
                            sf,
                            "'" + *value + "' is not a value of the restricted picklist (values: " + values +
                                "); add it to the picklist"
                        );
                    }
                }
            }
        }
        for (const auto& e : a.editable) {
            const bound_writeback_object* target = target_of(e.target);
            if (target == nullptr) {
                problem(
                    e.at,
                    e.path,
                    "",
                    "no writeback." + std::string(to_string(e.target)) + " to edit " + e.result + " on"
                );
                continue;
            }
            const field_schema* field = field_for(*target, e.result);
            if (field == nullptr) {
                problem(
                    e.at,
                    e.path,
                    target->object,
                    "map a field to " + e.result + " in writeback." + std::string(to_string(e.target)) +
                        ".fields: the clerk edits it there"
                );
                continue;
            }
            if (!field->updateable) {
                problem(e.at, e.path, target->object + "." + field->name, field->name + " is not updateable");
                continue;
            }
            out.editable.push_back({e.target, e.result, field->name});
        }
        if (problems_.size() != before) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<bound_writeback_object> writeback_object_of(
        const writeback_object& w, const std::vector<plan_mapping>& plans
    ) {
        const bool plan_source = w.target == writeback_target::plan_source;
        const object_schema* o =
            object(w.object, w.at, plan_source ? w.path : detail::join(w.path, "object"));
        if (o == nullptr) {
            return std::nullopt;
        }
        const std::size_t before = problems_.size();
        bound_writeback_object b;
        b.target = w.target;
        b.object = o->name;
        b.at = w.at;
        if (plan_source && std::none_of(plans.begin(), plans.end(), [&](const plan_mapping& p) {
                return same_name(p.object, w.object);
            })) {
            problem(
                w.at,
                w.path,
                o->name,
                "no plan mapping reads " + o->name + "; plan_source names source objects"
            );
        }
        if (!plan_source) {
            const field_schema* ext = o->field(w.external_id);
            if (ext == nullptr || !ext->external_id) {
                problem(
                    w.external_id_at,
                    detail::join(w.path, "external_id"),
                    o->name + "." + w.external_id,
                    ext == nullptr
                        ? "unknown field '" + w.external_id + "' on " + o->name
                        : w.external_id + " is not an external id field (tick External ID on the field)"
                );
            } else {
                b.external_id = ext->name;
            }
        }
        for (const auto& f : w.fields) {
            const auto steps = split(f.sf_field);
            const std::string sf = o->name + "." + f.sf_field;
            bound_writeback_field bf;
            bf.spec = f;
            const field_schema* written = nullptr;
            if (steps.size() == 2) {
                const field_schema* ref = o->relationship(steps[0]);
                if (ref == nullptr) {
                    problem(f.at, f.path, sf, "unknown relationship '" + steps[0] + "' on " + o->name);
                    continue;
                }
                if (!ref->createable) {
                    problem(f.at, f.path, sf, ref->name + " cannot be written (not createable)");
                    continue;
                }
                const object_schema* parent =
                    ref->reference_to.size() == 1 ? schema_.find(ref->reference_to.front()) : nullptr;
                if (parent == nullptr) {
                    problem(
                        f.at,
                        f.path,
                        sf,
                        "the object behind '" + steps[0] + "' is polymorphic or was not described"
                    );
                    continue;
                }
                written = parent->field(steps[1]);
                if (written == nullptr || !written->external_id) {
                    problem(
                        f.at,
                        f.path,
                        sf,
                        written == nullptr ? "unknown field '" + steps[1] + "' on " + parent->name
                                           : parent->name + "." + written->name +
                                                 " is not an external id: a lookup is set through one"
                    );
                    continue;
                }
                bf.steps = {ref->relationship_name, written->name};
            } else {
                written = o->field(steps[0]);
                if (written == nullptr) {
                    std::vector<std::string> names;
                    for (const auto& of : o->fields) {
                        names.push_back(of.name);
                    }
                    problem(
                        f.at,
                        f.path,
                        sf,
                        "unknown field '" + steps[0] + "' on " + o->name + did_you_mean(steps[0], names)
                    );
                    continue;
                }
                const bool writable = plan_source ? written->updateable : written->createable;
                if (!writable) {
                    problem(
                        f.at,
                        f.path,
                        sf,
                        written->name + " is not " + (plan_source ? "updateable" : "createable") +
                            " (a formula, system or read-only field, or no field-level edit access)"
                    );
                    continue;
                }
                bf.steps = {written->name};
            }
            if (!fits_result(f.info->type, written->type)) {
                problem(
                    f.at,
                    f.path,
                    sf,
                    "a " + written->type + " field cannot take " + f.result + ", which is " +
                        std::string(result_type_text(f.info->type))
                );
                continue;
            }
            bf.field = *written;
            b.fields.push_back(std::move(bf));
        }
        if (problems_.size() != before) {
            return std::nullopt;
        }
        return b;
    }

private:
    const org_schema& schema_;
    std::vector<mapping_problem>& problems_;
};

// Walks a path as far as the known schema allows; the first object it cannot see goes to `missing`.
void walk(
    const org_schema& known, std::string_view object, std::string_view path, std::set<std::string>& missing
) {
    const object_schema* current = known.find(object);
    if (current == nullptr) {
        missing.insert(std::string(object));
        return;
    }
    const auto steps = split(path);
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
        const field_schema* ref = current->relationship(steps[i]);
        if (ref == nullptr || ref->reference_to.size() != 1) {
            return;  // bind() reports it
        }
        current = known.find(ref->reference_to.front());
        if (current == nullptr) {
            missing.insert(ref->reference_to.front());
            return;
        }
    }
}

}  // namespace

std::vector<std::string> objects_to_describe(const mapping_set& set, const org_schema& known) {
    std::set<std::string> missing;
    auto need = [&](const std::string& object) {
        if (!object.empty() && known.find(object) == nullptr) {
            missing.insert(object);
        }
    };
    for (const auto& p : set.plans) {
        need(p.object);
        for (const auto& c : p.conditions) {
            walk(known, p.object, c.field, missing);
        }
        std::vector<const std::vector<value_spec>*> groups{&p.plan, &p.buyer};
        for (const auto& m : p.milestones) {
            groups.push_back(&m);
        }
        for (const auto* specs : groups) {
            for (const auto& s : *specs) {
                if (!s.field.empty()) {
                    walk(known, p.object, s.field, missing);
                }
            }
        }
        if (p.items && !p.items->self()) {
            if (const auto* root = known.find(p.object)) {
                if (const auto* rel = root->child(p.items->from)) {
                    need(rel->child_object);
                    for (const auto& c : p.items->conditions) {
                        walk(known, rel->child_object, c.field, missing);
                    }
                    for (const auto& s : p.items->fields) {
                        if (!s.field.empty()) {
                            walk(known, rel->child_object, s.field, missing);
                        }
                    }
                }
            }
        } else if (p.items) {
            for (const auto& s : p.items->fields) {
                if (!s.field.empty()) {
                    walk(known, p.object, s.field, missing);
                }
            }
        }
    }
    for (const auto& u : set.usage) {
        need(u.object);
        for (const auto& c : u.conditions) {
            walk(known, u.object, c.field, missing);
        }
        for (const auto& s : u.fields) {
            if (!s.field.empty()) {
                walk(known, u.object, s.field, missing);
            }
        }
    }
    if (set.writeback) {
        const auto& w = *set.writeback;
        for (const auto* o : {&w.invoice, &w.invoice_line, &w.sync_error}) {
            if (*o) {
                need((*o)->object);
                for (const auto& f : (*o)->fields) {
                    walk(known, (*o)->object, f.sf_field, missing);
                }
            }
        }
        for (const auto& o : w.plan_source) {
            need(o.object);
        }
    }
    return {missing.begin(), missing.end()};
}

bind_result bind(const mapping_set& set, const org_schema& schema) {
    bind_result result;
    binder b(schema, result.problems);
    bound_set out;
    for (const auto& p : set.plans) {
        if (auto bp = b.plan(p)) {
            out.plans.push_back(std::move(*bp));
        }
    }
    for (const auto& u : set.usage) {
        if (auto bu = b.usage(u)) {
            out.usage.push_back(std::move(*bu));
        }
    }
    if (set.writeback) {
        const auto& w = *set.writeback;
        std::vector<bound_writeback_object> objects;
        for (const auto* o : {&w.invoice, &w.invoice_line, &w.sync_error}) {
            if (*o) {
                if (auto bo = b.writeback_object_of(**o, set.plans)) {
                    objects.push_back(std::move(*bo));
                }
            }
        }
        for (const auto& o : w.plan_source) {
            if (auto bo = b.writeback_object_of(o, set.plans)) {
                objects.push_back(std::move(*bo));
            }
        }
        std::optional<bound_approval> approval;
        if (w.approval) {
            approval = b.approval_of(*w.approval, objects);
        }
        out.writeback.emplace(std::move(objects), w.files, std::move(approval));
    }
    if (result.problems.empty()) {
        result.set = std::move(out);
    }
    return result;
}

const bound_plan_mapping* bound_set::find_plan(std::string_view name) const noexcept {
    for (const auto& p : plans) {
        if (p.name() == name) {
            return &p;
        }
    }
    return nullptr;
}

const bound_usage_mapping* bound_set::find_usage(std::string_view name) const noexcept {
    for (const auto& u : usage) {
        if (u.name() == name) {
            return &u;
        }
    }
    return nullptr;
}

}  // namespace fakturad::mapping
