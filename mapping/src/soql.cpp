// SOQL text and local matching of bound mappings. The same bound conditions give both, so a record the
// query returns is one matches() accepts.

#include "fakturad/mapping/text.hpp"
#include "values.hpp"

#include <algorithm>
#include <stdexcept>

namespace fakturad::mapping {
namespace {

void add(std::vector<std::string>& fields, const std::string& f) {
    if (std::none_of(fields.begin(), fields.end(), [&](const std::string& e) { return same_name(e, f); })) {
        fields.push_back(f);
    }
}

void add_values(std::vector<std::string>& fields, const std::vector<bound_value>& values) {
    for (const auto& v : values) {
        if (v.source) {
            add(fields, v.source->text);
        }
    }
}

void add_conditions(std::vector<std::string>& fields, const std::vector<bound_condition>& conditions) {
    for (const auto& c : conditions) {
        add(fields, c.source.text);
    }
}

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        out += (i == 0 ? "" : std::string(separator)) + parts[i];
    }
    return out;
}

std::string where_clause(const std::vector<bound_condition>& conditions) {
    std::vector<std::string> parts;
    for (const auto& c : conditions) {
        parts.push_back(detail::soql_condition(c));
    }
    return parts.empty() ? std::string() : " WHERE " + joined(parts, " AND ");
}

bool all_match(const std::vector<bound_condition>& conditions, const boost::json::object& record) {
    return std::all_of(conditions.begin(), conditions.end(), [&](const bound_condition& c) {
        return detail::evaluate(c, record);
    });
}

}  // namespace

std::vector<std::string> bound_plan_mapping::select_fields() const {
    std::vector<std::string> fields{"Id", "SystemModstamp"};
    add_values(fields, b_.plan);
    add_values(fields, b_.buyer);
    for (const auto& m : b_.milestones) {
        add_values(fields, m);
    }
    if (b_.items && b_.items->self) {
        add_values(fields, b_.items->fields);
    }
    add_conditions(fields, b_.conditions);
    return fields;
}

std::string bound_plan_mapping::child_select() const {
    if (!b_.items || b_.items->self) {
        return {};
    }
    std::vector<std::string> fields{"Id"};
    add_values(fields, b_.items->fields);
    add_conditions(fields, b_.items->conditions);
    return "(SELECT " + joined(fields, ", ") + " FROM " + b_.items->relationship +
           where_clause(b_.items->conditions) + ")";
}

std::string bound_plan_mapping::soql_all() const {
    const std::string child = child_select();
    return "SELECT " + joined(select_fields(), ", ") + (child.empty() ? "" : ", " + child) + " FROM " +
           b_.object + where_clause(b_.conditions);
}

std::string bound_plan_mapping::soql_ids() const {
    return "SELECT Id FROM " + b_.object + where_clause(b_.conditions);
}

// " WHERE Id IN ('..', '..')"; throws std::invalid_argument for no ids or one that is not a Salesforce id.
static std::string where_ids(std::span<const std::string> ids) {
    if (ids.empty()) {
        throw std::invalid_argument("soql_by_ids: no ids");
    }
    std::vector<std::string> quoted;
    for (const auto& id : ids) {
        if (!is_salesforce_id(id)) {
            throw std::invalid_argument(
                "soql_by_ids: '" + id.substr(0, 40) + "' is not a Salesforce record id"
            );
        }
        quoted.push_back("'" + id + "'");
    }
    return " WHERE Id IN (" + joined(quoted, ", ") + ")";
}

std::string bound_plan_mapping::soql_by_ids(std::span<const std::string> ids) const {
    const std::string child = child_select();
    return "SELECT " + joined(select_fields(), ", ") + (child.empty() ? "" : ", " + child) + " FROM " +
           b_.object + where_ids(ids);
}

std::vector<watched_object> bound_plan_mapping::watched_objects() const {
    std::vector<watched_object> out;
    watched_object source;
    source.object = b_.object;
    source.parent_id_field = "Id";
    out.push_back(std::move(source));
    if (b_.items && !b_.items->self) {
        watched_object child;
        child.object = b_.items->child_object;
        child.parent_id_field = b_.items->parent_field;
        out.push_back(std::move(child));
    }
    return out;
}

bool bound_plan_mapping::matches(const boost::json::object& record) const {
    return all_match(b_.conditions, record);
}

std::vector<std::string> bound_usage_mapping::select_fields() const {
    std::vector<std::string> fields{"Id", "SystemModstamp"};
    add_values(fields, b_.fields);
    add_conditions(fields, b_.conditions);
    return fields;
}

std::string bound_usage_mapping::soql_all() const {
    return "SELECT " + joined(select_fields(), ", ") + " FROM " + b_.object + where_clause(b_.conditions);
}

std::string bound_usage_mapping::soql_by_ids(std::span<const std::string> ids) const {
    return "SELECT " + joined(select_fields(), ", ") + " FROM " + b_.object + where_ids(ids);
}

watched_object bound_usage_mapping::watched() const {
    watched_object w;
    w.object = b_.object;
    w.parent_id_field = "Id";
    return w;
}

bool bound_usage_mapping::matches(const boost::json::object& record) const {
    return all_match(b_.conditions, record);
}

}  // namespace fakturad::mapping
