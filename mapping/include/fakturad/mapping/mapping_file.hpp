#pragma once
// Mapping files: which Salesforce records become billing plans and usage records, and which fakturad
// results are written back to which Salesforce fields. The format is documented key by key in
// mapping/README.md; examples live in config/examples/mappings/.
//
// Two steps. parse_mappings() checks syntax and vocabulary (keys, targets, operators, constants) without
// knowing the org; bind() (bound_mapping.hpp) then resolves every Salesforce path against the org's
// describe and checks the types. The parser takes file texts (the caller reads the files: mapping does
// no I/O) and reports every problem with file:line:column (1-based), the key path and what to do, e.g.
//   opportunity.yaml:12:7: plans[0].buyer: unknown target 'contry' (did you mean 'country'?)
// A missing key has no position of its own; its parent's is given. Duplicate keys (which yaml-cpp would
// silently accept) are errors. Constants and map values are checked against the target's type here, so a
// misspelt `alignment: calender` fails before any record is read. Nothing past this parser sees a YAML
// node (STYLE C1).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad::mapping {

// Where something stands in a mapping file (1-based; 0 when unknown).
struct source_location {
    std::string file;
    int line = 0;
    int column = 0;
    // "file:line:column"
    [[nodiscard]] std::string to_string() const;
};

struct mapping_problem {
    std::string file;
    int line = 0;
    int column = 0;
    std::string path;  // "plans[0].buyer.country"
    std::string
        sf_field;  // "Opportunity.Account.BillingCountry" when the problem is about a Salesforce field
    std::string message;
    // "file:line:column: path: message" plus " (Salesforce field X)" when sf_field is set.
    [[nodiscard]] std::string to_string() const;
};

// ---- vocabulary ------------------------------------------------------------------------------------------

// What a target takes. Constants, map values and defaults are checked against it when parsing.
enum class target_type : std::uint8_t {
    text,     // any text
    id,       // a record id or key (text)
    date,     // civil date; from a date field, a datetime field (org time zone) or text with convert: date
    instant,  // a point in time; from a datetime field, or a date field (midnight UTC)
    decimal,  // exact number
    integer,  // whole number
    boolean,  // true/false
    country,  // ISO 3166-1 alpha-2, also from English/German country names
    period,   // ISO 8601 billing period: P1M, P3M, P1Y, P14D, P1W
    choice,   // one of `choices`
    emails,   // one or several e-mail addresses separated by ';' or ','
};

struct target_info {
    std::string_view section;  // "plan", "buyer", "items", "usage"
    std::string_view name;     // "start"
    target_type type = target_type::text;
    bool required = false;           // a mapping must map it (bind() checks)
    std::string_view default_field;  // field used when the target is not mapped ("Id" for plan.id)
    std::string_view choices;        // choice: "calendar|anniversary"
    std::string_view description;    // one line for the README and messages
};

// The full vocabulary, in README order.
[[nodiscard]] std::span<const target_info> target_table() noexcept;
// nullptr when `name` is not a target of `section`.
[[nodiscard]] const target_info* find_target(std::string_view section, std::string_view name) noexcept;

enum class writeback_target : std::uint8_t { invoice, invoice_line, plan_source, sync_error };
[[nodiscard]] std::string_view to_string(writeback_target t) noexcept;

// What a fakturad result is, and so which Salesforce field types can take it.
enum class result_type : std::uint8_t {
    text,     // string, textarea, picklist, email, phone, url
    id,       // reference or string
    money,    // currency, double, percent
    number,   // double, percent, currency, int
    date,     // date
    instant,  // datetime
};

struct result_info {
    writeback_target target = writeback_target::invoice;
    std::string_view name;  // "net_amount"
    result_type type = result_type::text;
    std::string_view description;
};

[[nodiscard]] std::span<const result_info> result_table() noexcept;
[[nodiscard]] const result_info* find_result(writeback_target t, std::string_view name) noexcept;

// ---- the parsed form
// ---------------------------------------------------------------------------------------

// How a field's value is read. automatic: from the Salesforce field type and the target type.
enum class conversion : std::uint8_t {
    automatic,
    text,
    date,
    datetime,
    number,
    percent,
    currency,
    boolean,
    country
};
[[nodiscard]] std::string_view to_string(conversion c) noexcept;

struct map_entry {
    std::string from;  // exact source text
    std::string to;    // target text (checked against the target type)
    source_location at;
};

// One mapped target: `{field: PATH}` or `{value: CONSTANT}` plus options, or a plain scalar (constant).
struct value_spec {
    const target_info* target = nullptr;  // points into target_table()
    std::string path;                     // "plans[0].buyer.country"
    source_location at;
    std::string field;                         // Salesforce path relative to the record; empty for a constant
    std::optional<std::string> constant;       // {value: X} or a plain scalar
    std::optional<std::string> default_value;  // used when the field is null or empty
    std::vector<map_entry> map;                // empty: no map
    bool has_map = false;
    conversion convert = conversion::automatic;
    bool required = false;  // a null/empty result (after default) is a record problem
};

enum class condition_op : std::uint8_t {
    equals,
    not_equals,
    in,
    not_in,
    greater,
    less,
    at_least,
    at_most,
    is_null,
    like,
};
[[nodiscard]] std::string_view to_string(condition_op op) noexcept;

struct condition {
    std::string field;  // Salesforce path
    condition_op op = condition_op::equals;
    std::vector<std::string> values;  // one for every op but in/not_in; is_null: "true"/"false"
    std::string path;                 // "plans[0].where[1]"
    source_location at;
};

struct items_spec {
    std::string from;  // a child relationship of the plan's object, or "self"
    std::vector<condition> conditions;
    std::vector<value_spec> fields;
    std::string path;
    source_location at;
    [[nodiscard]] bool self() const noexcept { return from == "self"; }
};

struct plan_mapping {
    std::string name;
    std::string object;
    std::vector<condition> conditions;
    std::vector<value_spec> plan;
    std::vector<value_spec> buyer;
    std::optional<items_spec> items;
    std::vector<std::vector<value_spec>> milestones;  // project plans: one spec group per milestone
    std::vector<source_location> milestone_at;
    std::string path;  // "plans[0]"
    source_location at;
};

struct usage_mapping {
    std::string name;
    std::string object;
    std::vector<condition> conditions;
    std::vector<value_spec> fields;
    std::string path;
    source_location at;
};

// One `Salesforce field: result name` pair of a write-back object. The field may go through one
// relationship to an external id of the parent ("Invoice__r.Fakturad_Key__c").
struct writeback_field {
    std::string sf_field;
    std::string result;
    const result_info* info = nullptr;  // points into result_table()
    std::string path;
    source_location at;
};

struct writeback_object {
    writeback_target target = writeback_target::invoice;
    std::string object;       // empty for plan_source: the plan's source object
    std::string external_id;  // upsert key; empty for plan_source (updated by record Id)
    source_location external_id_at;
    std::vector<writeback_field> fields;
    std::string path;
    source_location at;
};

enum class attach_to : std::uint8_t { account, source };

struct files_spec {
    attach_to to = attach_to::account;
    std::vector<std::string> formats;  // pdf, xrechnung, facturx, ubl
    source_location at;
};

// Drafts approved in Salesforce (billing.finalize: approval): a clerk edits the editable fields of a draft
// invoice record and sets status_field to `approve` (finalize) or `discard` (delete the draft; the next run
// bills its periods again).
struct approval_editable {
    writeback_target target = writeback_target::invoice;  // invoice or invoice_line
    std::string result;                                   // e.g. order_reference, description
    std::string path;
    source_location at;
};

struct approval_spec {
    std::string status_field;
    source_location status_field_at;
    std::string approve;
    std::string discard;  // empty: drafts cannot be discarded from Salesforce
    source_location values_at;
    std::vector<approval_editable> editable;
    std::string path;
    source_location at;
};

// The results a clerk may edit on a draft before approving it (billing::draft_revision).
[[nodiscard]] std::span<const std::string_view> editable_results(writeback_target t) noexcept;

struct writeback_spec {
    std::optional<writeback_object> invoice;
    std::optional<writeback_object> invoice_line;
    std::vector<writeback_object> plan_source;  // one per source object (object = the plan mapping object)
    std::optional<writeback_object> sync_error;
    std::optional<files_spec> files;
    std::optional<approval_spec> approval;
    source_location at;
};

// Everything of all mapping files.
struct mapping_set {
    std::vector<plan_mapping> plans;
    std::vector<usage_mapping> usage;
    std::optional<writeback_spec> writeback;
};

struct parse_result {
    std::optional<mapping_set> set;  // set iff problems is empty
    std::vector<mapping_problem> problems;
    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

// Parses several files (name, text) at once: mapping names are unique across files, the writeback
// section appears at most once. File names are only used in the messages.
[[nodiscard]] parse_result parse_mappings(std::span<const std::pair<std::string, std::string>> files);

class org_schema;

// The objects bind() needs described that `known` lacks: source objects, every object a path passes
// through, child objects, usage objects, writeback objects. Paths go through relationships whose target
// is only known from the describe, so call it again after adding the answers until it returns nothing.
// Names the describe cannot resolve (unknown field, polymorphic reference) are left for bind() to report.
[[nodiscard]] std::vector<std::string> objects_to_describe(const mapping_set& set, const org_schema& known);

}  // namespace fakturad::mapping
