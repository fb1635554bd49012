#include "fakturad/mapping/schema.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace fakturad::mapping {
namespace json = boost::json;

bool same_name(std::string_view a, std::string_view b) noexcept {
    auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return low(x) == low(y); });
}

const field_schema* object_schema::field(std::string_view field_name) const {
    for (const auto& f : fields) {
        if (same_name(f.name, field_name)) {
            return &f;
        }
    }
    return nullptr;
}

const field_schema* object_schema::relationship(std::string_view rel_name) const {
    for (const auto& f : fields) {
        if (!f.relationship_name.empty() && same_name(f.relationship_name, rel_name)) {
            return &f;
        }
    }
    return nullptr;
}

const child_relationship_schema* object_schema::child(std::string_view rel_name) const {
    for (const auto& c : children) {
        if (same_name(c.relationship_name, rel_name)) {
            return &c;
        }
    }
    return nullptr;
}

void org_schema::add(object_schema o) {
    for (auto& existing : objects_) {
        if (same_name(existing.name, o.name)) {
            existing = std::move(o);
            return;
        }
    }
    objects_.push_back(std::move(o));
}

const object_schema* org_schema::find(std::string_view name) const {
    for (const auto& o : objects_) {
        if (same_name(o.name, name)) {
            return &o;
        }
    }
    return nullptr;
}

namespace {

// Optional members: absent or null gives the default; a present value of another type is malformed.
struct reader {
    const json::object& o;
    std::string where;
    std::string error;

    std::string text(std::string_view key, bool required) {
        const auto* v = o.if_contains(key);
        if (v == nullptr || v->is_null()) {
            if (required && error.empty()) {
                error = where + "'" + std::string(key) + "' is missing or not a string";
            }
            return {};
        }
        if (!v->is_string()) {
            if (error.empty()) {
                error = where + "'" + std::string(key) + "' is not a string";
            }
            return {};
        }
        return std::string(v->get_string());
    }
    bool flag(std::string_view key, bool fallback) {
        const auto* v = o.if_contains(key);
        if (v == nullptr || v->is_null()) {
            return fallback;
        }
        if (!v->is_bool()) {
            if (error.empty()) {
                error = where + "'" + std::string(key) + "' is not true or false";
            }
            return fallback;
        }
        return v->get_bool();
    }
    int integer(std::string_view key) {
        const auto* v = o.if_contains(key);
        if (v == nullptr || !v->is_int64()) {
            return 0;
        }
        return static_cast<int>(std::clamp<std::int64_t>(v->get_int64(), 0, 1 << 30));
    }
};

}  // namespace

::fakturad::parse_result<object_schema> parse_describe(std::string_view text) {
    std::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) {
        return "the describe answer is not JSON: " + ec.message();
    }
    if (!doc.is_object()) {
        return std::string("the describe answer is not a JSON object");
    }
    const json::object& top = doc.get_object();
    reader r{top, "", ""};
    object_schema o;
    o.name = r.text("name", true);
    if (!r.error.empty()) {
        return r.error;
    }
    const auto* fields = top.if_contains("fields");
    if (fields == nullptr || !fields->is_array()) {
        return std::string("'fields' is missing or not a list");
    }
    for (std::size_t i = 0; i < fields->get_array().size(); ++i) {
        const auto& fv = fields->get_array()[i];
        const std::string where = "fields[" + std::to_string(i) + "]: ";
        if (!fv.is_object()) {
            return where + "not an object";
        }
        reader fr{fv.get_object(), where, ""};
        field_schema f;
        f.name = fr.text("name", true);
        f.type = fr.text("type", true);
        f.label = fr.text("label", false);
        f.nillable = fr.flag("nillable", true);
        f.createable = fr.flag("createable", false);
        f.updateable = fr.flag("updateable", false);
        f.external_id = fr.flag("externalId", false);
        f.restricted_picklist = fr.flag("restrictedPicklist", false);
        f.length = fr.integer("length");
        f.relationship_name = fr.text("relationshipName", false);
        if (const auto* refs = fv.get_object().if_contains("referenceTo");
            refs != nullptr && refs->is_array()) {
            for (const auto& ref : refs->get_array()) {
                if (!ref.is_string()) {
                    return where + "'referenceTo' holds a value that is not a string";
                }
                f.reference_to.emplace_back(ref.get_string());
            }
        }
        if (const auto* values = fv.get_object().if_contains("picklistValues");
            values != nullptr && values->is_array()) {
            for (const auto& pv : values->get_array()) {
                if (!pv.is_object()) {
                    return where + "'picklistValues' holds a value that is not an object";
                }
                reader pr{pv.get_object(), where + "picklistValues: ", ""};
                std::string value = pr.text("value", true);
                if (pr.flag("active", true) && pr.error.empty()) {
                    f.picklist_values.push_back(std::move(value));
                }
                if (!pr.error.empty()) {
                    return pr.error;
                }
            }
        }
        if (!fr.error.empty()) {
            return fr.error;
        }
        o.fields.push_back(std::move(f));
    }
    if (const auto* children = top.if_contains("childRelationships");
        children != nullptr && children->is_array()) {
        for (std::size_t i = 0; i < children->get_array().size(); ++i) {
            const auto& cv = children->get_array()[i];
            const std::string where = "childRelationships[" + std::to_string(i) + "]: ";
            if (!cv.is_object()) {
                return where + "not an object";
            }
            reader cr{cv.get_object(), where, ""};
            child_relationship_schema c;
            c.relationship_name = cr.text("relationshipName", false);
            c.child_object = cr.text("childSObject", true);
            c.field = cr.text("field", true);
            if (!cr.error.empty()) {
                return cr.error;
            }
            // Children without a relationship name cannot be queried by subquery; they are left out.
            if (!c.relationship_name.empty()) {
                o.children.push_back(std::move(c));
            }
        }
    }
    return o;
}

}  // namespace fakturad::mapping
