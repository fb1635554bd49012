// Rendering write-back records from fakturad results.

#include "values.hpp"

#include <charconv>

namespace fakturad::mapping {
namespace json = boost::json;

const bound_writeback_object* bound_writeback::find(writeback_target t, std::string_view source_object)
    const noexcept {
    for (const auto& o : objects_) {
        if (o.target == t && (t != writeback_target::plan_source || same_name(o.object, source_object))) {
            return &o;
        }
    }
    return nullptr;
}

namespace {

json::value to_json(const writeback_value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        return json::value(*s);
    }
    if (const auto* d = std::get_if<decimal>(&v)) {
        const decimal t = d->trimmed();
        if (t.scale() == 0) {
            return json::value(t.mantissa());
        }
        // The double nearest to the exact text; written back in shortest form it is that text again for up
        // to 15 significant digits (the JSON number Salesforce parses).
        const std::string text = to_string(*d);
        double out = 0;
        std::from_chars(text.data(), text.data() + text.size(), out);
        return json::value(out);
    }
    if (const auto* c = std::get_if<civil_date>(&v)) {
        return json::value(format_iso_date(*c));
    }
    if (const auto* i = std::get_if<instant>(&v)) {
        return json::value(format_instant(*i));
    }
    if (const auto* b = std::get_if<bool>(&v)) {
        return json::value(*b);
    }
    return json::value(nullptr);
}

}  // namespace

json::object bound_writeback::render(
    writeback_target t,
    const std::function<writeback_value(std::string_view result_name)>& value_of,
    std::string_view source_object
) const {
    json::object out;
    const bound_writeback_object* o = find(t, source_object);
    if (o == nullptr) {
        return out;
    }
    for (const auto& f : o->fields) {
        json::value v = to_json(value_of(f.spec.result));
        if (f.steps.size() == 2) {
            json::object& parent = out[f.steps[0]].emplace_object();
            parent[f.steps[1]] = std::move(v);
        } else {
            out[f.steps[0]] = std::move(v);
        }
    }
    return out;
}

}  // namespace fakturad::mapping
