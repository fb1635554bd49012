#include "fakturad/salesforce/incremental.hpp"

#include "fakturad/salesforce/soql.hpp"

#include <algorithm>
#include <cctype>

namespace fakturad::salesforce {

boost::system::result<std::string, call_error> build_incremental_soql(
    const incremental_query& q, const sync_cursor& from
) {
    const auto refuse = [&q](const std::string& name) {
        return call_error{
            errc::bad_input,
            "incremental query of " + q.object,
            0,
            {},
            "'" + truncate_remote_text(name, 80) + "' is not a SOQL name; check the field mapping",
            0};
    };
    if (!is_soql_identifier(q.object) || q.object.find('.') != std::string::npos) {
        return refuse(q.object);
    }
    std::vector<std::string> fields{"Id", "SystemModstamp"};
    for (const auto& f : q.fields) {
        if (!is_soql_identifier(f)) {
            return refuse(f);
        }
        const bool known = std::any_of(fields.begin(), fields.end(), [&f](const std::string& g) {
            return std::equal(f.begin(), f.end(), g.begin(), g.end(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            });
        });
        if (!known) {
            fields.push_back(f);
        }
    }
    std::string soql = "SELECT ";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        soql += (i == 0 ? "" : ", ") + fields[i];
    }
    soql += " FROM " + q.object;
    std::vector<std::string> conditions;
    if (from.last_system_modstamp) {
        conditions.push_back("SystemModstamp >= " + soql_datetime(*from.last_system_modstamp - q.overlap));
    }
    if (!q.extra_condition.empty()) {
        conditions.push_back("(" + q.extra_condition + ")");
    }
    for (std::size_t i = 0; i < conditions.size(); ++i) {
        soql += (i == 0 ? " WHERE " : " AND ") + conditions[i];
    }
    soql += " ORDER BY SystemModstamp ASC, Id ASC";
    return soql;
}

boost::system::result<void, call_error> advance_cursor(
    sync_cursor& cursor, const boost::json::object& record
) {
    const auto* stamp = record.if_contains("SystemModstamp");
    const auto* id = record.if_contains("Id");
    std::optional<instant> at;
    if (stamp != nullptr && stamp->is_string()) {
        at = parse_salesforce_datetime(stamp->as_string());
    }
    if (!at || id == nullptr || !id->is_string()) {
        return call_error{
            errc::bad_response,
            "incremental query",
            200,
            {},
            "a record lacks a readable Id or SystemModstamp",
            0};
    }
    const std::string record_id(id->as_string());
    const bool later =
        !cursor.last_system_modstamp || *at > *cursor.last_system_modstamp ||
        (*at == *cursor.last_system_modstamp && record_id > cursor.last_record_id.value_or(""));
    if (later) {
        cursor.last_system_modstamp = at;
        cursor.last_record_id = record_id;
    }
    return {};
}

}  // namespace fakturad::salesforce
