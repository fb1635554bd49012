#pragma once
// A mapping bound against the org's describe: every Salesforce path resolved to canonical names and
// field types, every type checked. A bound mapping builds SOQL queries, evaluates its `where` conditions
// locally and turns records (REST query JSON) into billing plans and usage records; the write-back part
// renders the records fakturad sends back.
//
// Record JSON is what the REST query API returns: parent paths as nested objects ("Account": {...} or
// null), child relationships as {"totalSize": n, "done": true, "records": [...]} or null.
//
// Numbers in records: Boost.JSON keeps a JSON number as int64 or double. Values are turned into decimals
// from the shortest text that reads back as the same double (std::to_chars), which is the text Salesforce
// sent for every value of up to 15 significant digits. Salesforce number fields hold at most 18 digits;
// amounts beyond 15 significant digits (above a trillion with cents) are not exact through a double and
// are out of scope for this reader.
//
// Local evaluation (matches) agrees with SOQL: text equals/in/like and ordering are case-insensitive; a
// null field never equals, is never in a list, never compares and never matches a LIKE; not_equals and
// not_in are true for null (as in SOQL, unlike SQL); is_null tests null (an empty text is null).

#include "fakturad/billing/plan.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/mapping/mapping_file.hpp"
#include "fakturad/mapping/schema.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fakturad::mapping {

// ---- binding data --------------------------------------------------------------------------------------

// A Salesforce path resolved against the describe.
struct bound_path {
    std::string text;                // canonical spelling relative to the record: "Account.BillingCountry"
    std::vector<std::string> steps;  // canonical relationship names, then the field name
    field_schema field;              // the last field
};

// What a source field yields after conversion.
enum class value_kind : std::uint8_t { text, number, date, datetime, boolean, country };

struct bound_value {
    value_spec spec;
    std::optional<bound_path> source;  // nullopt: a constant
    value_kind kind = value_kind::text;
};

struct bound_condition {
    condition spec;
    bound_path source;
};

struct items_binding {
    bool self = false;         // the record itself is the one item
    std::string relationship;  // canonical child relationship name: "OpportunityLineItems"
    std::string child_object;  // "OpportunityLineItem"
    std::string parent_field;  // the child's lookup to the source object: "OpportunityId"
    std::vector<bound_condition> conditions;
    std::vector<bound_value> fields;
};

struct plan_binding {
    std::string name;
    std::string object;  // canonical
    source_location at;
    std::string path;
    std::vector<bound_condition> conditions;
    std::vector<bound_value> plan;
    std::vector<bound_value> buyer;
    std::optional<items_binding> items;
    std::vector<std::vector<bound_value>> milestones;
};

struct usage_binding {
    std::string name;
    std::string object;
    source_location at;
    std::string path;
    std::vector<bound_condition> conditions;
    std::vector<bound_value> fields;
};

// ---- applying
// ----------------------------------------------------------------------------------------------

struct apply_context {
    // The civil date of an instant in the org's (or account's) time zone. Required when a datetime field
    // feeds a date target or a usage record's date.
    std::function<civil_date(instant)> to_civil_date;
    // The legal entity (seller party) of a code, or nullptr when unknown.
    std::function<const billing::party*(std::string_view code)> legal_entity;
};

struct record_problem {
    std::string object;     // "Opportunity"
    std::string record_id;  // the source record's Id
    std::string field;      // Salesforce path: "OpportunityLineItems[1].Quantity"; empty when none
    std::string target;     // "items.quantity"; empty for problems of the whole plan
    std::string message;
    std::string mapping_location;  // file:line:column of the value spec (or of the mapping)
    // "Opportunity 006...: OpportunityLineItems[1].Quantity -> items.quantity: message (mapping
    // file:line:column)"
    [[nodiscard]] std::string to_string() const;
};

struct plan_result {
    std::optional<billing::billing_plan> plan;  // set iff problems is empty
    std::vector<record_problem> problems;       // all problems of the record
};

struct mapped_usage {
    std::string external_id;  // the source record's key (dedup)
    std::string plan_id;      // source record Id of the plan
    std::string item_key;
    instant occurred_at;
    civil_date date;  // occurred_at in the org's zone; a date field's own date
    decimal quantity;
    std::string unique_key;
};

struct usage_result {
    std::optional<mapped_usage> usage;  // set iff problems is empty
    std::vector<record_problem> problems;
};

// An object whose changes can change a plan, and the field that names the plan's source record.
struct watched_object {
    std::string object;
    std::string parent_id_field;  // "Id" for the source object, the child's lookup field for children
};

class bound_plan_mapping {
public:
    explicit bound_plan_mapping(plan_binding b) : b_(std::move(b)) {}

    [[nodiscard]] const std::string& name() const noexcept { return b_.name; }
    [[nodiscard]] const std::string& object() const noexcept { return b_.object; }
    [[nodiscard]] const source_location& location() const noexcept { return b_.at; }
    [[nodiscard]] const plan_binding& binding() const noexcept { return b_; }

    // Top-level fields and parent paths (Id, SystemModstamp first; deduplicated case-insensitively), no
    // subquery. Includes the fields of the conditions, so records fetched by id can be matched locally.
    [[nodiscard]] std::vector<std::string> select_fields() const;
    // "(SELECT ... FROM <ChildRelationship> [WHERE ...])", or empty when items come from the record itself.
    [[nodiscard]] std::string child_select() const;
    // SELECT <fields>, <child select> FROM <Object> [WHERE <conditions>]
    [[nodiscard]] std::string soql_all() const;
    // SELECT Id FROM <Object> [WHERE <conditions>]: the records the mapping selects, ids only (a first load
    // lists them, possibly through Bulk API 2.0, then fetches them by id in chunks).
    [[nodiscard]] std::string soql_ids() const;
    // The same select WHERE Id IN (...), without the conditions: the caller tells matching from no longer
    // matching records with matches(). Throws std::invalid_argument for an empty list or an id that is not
    // a 15/18-character Salesforce id (ids come from Salesforce: a bad one is a bug upstream).
    [[nodiscard]] std::string soql_by_ids(std::span<const std::string> ids) const;
    // The source object (parent_id_field "Id") and the child object of the items (its lookup field).
    [[nodiscard]] std::vector<watched_object> watched_objects() const;
    // The `where` conditions, evaluated on the record (SOQL semantics, see the header comment).
    [[nodiscard]] bool matches(const boost::json::object& record) const;
    // The billing plan of one record; complete only when no problem was found (all are collected). Child
    // records that fail the items' conditions are skipped. The plan passes billing::check_plan.
    [[nodiscard]] plan_result apply(const boost::json::object& record, const apply_context& ctx) const;

private:
    plan_binding b_;
};

class bound_usage_mapping {
public:
    explicit bound_usage_mapping(usage_binding b) : b_(std::move(b)) {}

    [[nodiscard]] const std::string& name() const noexcept { return b_.name; }
    [[nodiscard]] const std::string& object() const noexcept { return b_.object; }
    [[nodiscard]] const source_location& location() const noexcept { return b_.at; }
    [[nodiscard]] const usage_binding& binding() const noexcept { return b_; }

    // Id, SystemModstamp, then the mapped and condition fields: for polling by SystemModstamp.
    [[nodiscard]] std::vector<std::string> select_fields() const;
    [[nodiscard]] std::string soql_all() const;
    // The same fields WHERE Id IN (...), without the conditions; throws like bound_plan_mapping's.
    [[nodiscard]] std::string soql_by_ids(std::span<const std::string> ids) const;
    [[nodiscard]] watched_object watched() const;
    [[nodiscard]] bool matches(const boost::json::object& record) const;
    [[nodiscard]] usage_result apply(const boost::json::object& record, const apply_context& ctx) const;

private:
    usage_binding b_;
};

// ---- write-back
// --------------------------------------------------------------------------------------------

// A result value: null, text (also ids), exact number, date, instant, boolean.
using writeback_value = std::variant<std::monostate, std::string, decimal, civil_date, instant, bool>;

struct bound_writeback_field {
    writeback_field spec;
    std::vector<std::string> steps;  // canonical: {"Invoice__r", "Fakturad_Key__c"} or {"Net_Amount__c"}
    field_schema field;              // the written field (for a relationship key: the parent's external id)
};

struct bound_writeback_object {
    writeback_target target = writeback_target::invoice;
    std::string object;       // canonical; for plan_source the source object
    std::string external_id;  // canonical; empty for plan_source
    std::vector<bound_writeback_field> fields;
    source_location at;
};

struct bound_editable_field {
    writeback_target target = writeback_target::invoice;
    std::string result;    // e.g. order_reference
    std::string sf_field;  // canonical field of the target object that shows and takes it
};

// The approval of drafts in Salesforce (approval_spec), checked against the org: status_field is the
// invoice object's field mapped to `status`, approve/discard are values it takes, each editable result is
// mapped to an updateable field.
struct bound_approval {
    std::string status_field;
    std::string approve;
    std::string discard;  // empty: no discarding from Salesforce
    std::vector<bound_editable_field> editable;
};

class bound_writeback {
public:
    bound_writeback(
        std::vector<bound_writeback_object> objects,
        std::optional<files_spec> files,
        std::optional<bound_approval> approval = std::nullopt
    )
        : objects_(std::move(objects)), files_(std::move(files)), approval_(std::move(approval)) {}

    // The configured object of a target (plan_source: the one for source_object), or nullptr.
    [[nodiscard]] const bound_writeback_object* find(writeback_target t, std::string_view source_object = {})
        const noexcept;
    [[nodiscard]] const std::vector<bound_writeback_object>& objects() const noexcept { return objects_; }
    [[nodiscard]] const std::optional<files_spec>& files() const noexcept { return files_; }
    [[nodiscard]] const std::optional<bound_approval>& approval() const noexcept { return approval_; }

    // The record to send for `t` (plan_source: for the source object): each mapped field with
    // value_of(result name). "Rel__r.Ext__c" keys become nested objects {"Rel__r": {"Ext__c": v}}.
    // Values: text as strings; decimals as JSON numbers (int64 for whole numbers, else the double read
    // from the exact text, which the shortest-form serializer writes back as that text for up to 15
    // significant digits); dates "YYYY-MM-DD"; instants "YYYY-MM-DDTHH:MM:SS.mmmZ"; booleans; null.
    // An empty object when the target is not configured.
    [[nodiscard]] boost::json::object render(
        writeback_target t,
        const std::function<writeback_value(std::string_view result_name)>& value_of,
        std::string_view source_object = {}
    ) const;

private:
    std::vector<bound_writeback_object> objects_;
    std::optional<files_spec> files_;
    std::optional<bound_approval> approval_;
};

struct bound_set {
    std::vector<bound_plan_mapping> plans;
    std::vector<bound_usage_mapping> usage;
    std::optional<bound_writeback> writeback;

    [[nodiscard]] const bound_plan_mapping* find_plan(std::string_view name) const noexcept;
    [[nodiscard]] const bound_usage_mapping* find_usage(std::string_view name) const noexcept;
};

struct bind_result {
    std::optional<bound_set> set;  // set iff problems is empty
    std::vector<mapping_problem> problems;
    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

// Resolves and type-checks every path against `schema`. Problems (all collected, each with the value
// spec's file:line:column and the Salesforce field): unknown object, unknown field or relationship (with
// a did-you-mean from the describe), a step through a non-reference or polymorphic field, a field type
// that cannot give the target's type, a condition literal that does not fit the field, a map key that is
// not a value of a restricted picklist, a write-back field that does not exist, cannot be written or
// does not fit the result, a write-back external id that is not an external id field, a missing required
// target.
[[nodiscard]] bind_result bind(const mapping_set& set, const org_schema& schema);

// ---- sync helper
// -------------------------------------------------------------------------------------------

// The plan after a source change, keeping items that disappeared. An item of `before` whose key is not in
// `after` stays in `after` with end = min(its end, removed_on): removed_on is the last day it is billed.
// Dropping it would make the engine forget periods already billed in advance; ending it lets the engine
// credit the unused, already billed days after removed_on. Items that start after removed_on were never
// billed and are dropped.
[[nodiscard]] billing::billing_plan carry_removed_items(
    const billing::billing_plan& before, billing::billing_plan after, civil_date removed_on
);

// The plan after a source change seen on `changed_on`, with the history the engine needs to bill the
// change exactly: removed items are carried as carry_removed_items does, and an item whose quantity changed
// keeps its earlier quantity with a quantity change effective on changed_on (the first day at the new
// quantity), after its earlier changes. The engine then credits the unused part of periods already billed
// and charges the new quantity for the rest (prorated by days) instead of re-pricing whole periods.
// Items that have not started by changed_on, usage items and items whose mapping gives changes itself are
// taken as they are.
[[nodiscard]] billing::billing_plan carry_plan_history(
    const billing::billing_plan& before, billing::billing_plan after, civil_date changed_on
);

}  // namespace fakturad::mapping
