#pragma once
// The org's shape as the mapping needs it, read from Salesforce describe answers
// (GET /services/data/vXX.X/sobjects/<Object>/describe). Only what binding a mapping needs is kept:
// field names and types, write permissions, external ids, references and their relationship names,
// picklist values and child relationships. Names compare case-insensitively, as SOQL does.

#include "fakturad/core/units.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fakturad::mapping {

struct field_schema {
    std::string name;  // API name as the describe spells it: "BillingCountry", "Billing_Start__c"
    // Salesforce describe type: id, string, picklist, multipicklist, combobox, reference, boolean, currency,
    // double, percent, int, long, date, datetime, time, email, phone, url, textarea, address, base64, ...
    std::string type;
    std::string label;
    bool nillable = true;
    bool createable = false;
    bool updateable = false;
    bool external_id = false;
    bool restricted_picklist = false;  // only picklist_values are accepted by the org
    int length = 0;
    std::vector<std::string> reference_to;  // reference: the target objects (several: polymorphic)
    std::string relationship_name;          // reference: "Account" for AccountId, "Product__r" for Product__c
    std::vector<std::string> picklist_values;  // active values
};

struct child_relationship_schema {
    std::string relationship_name;  // "OpportunityLineItems"
    std::string child_object;       // "OpportunityLineItem"
    std::string field;              // the child's lookup to the parent: "OpportunityId"
};

struct object_schema {
    std::string name;
    std::vector<field_schema> fields;
    std::vector<child_relationship_schema> children;

    // By API name, case-insensitive; nullptr when there is none.
    [[nodiscard]] const field_schema* field(std::string_view field_name) const;
    // The reference field whose relationship name is rel_name ("Account" -> AccountId), case-insensitive.
    [[nodiscard]] const field_schema* relationship(std::string_view rel_name) const;
    // The child relationship named rel_name ("OpportunityLineItems"), case-insensitive.
    [[nodiscard]] const child_relationship_schema* child(std::string_view rel_name) const;
};

class org_schema {
public:
    // Adds or replaces (same name, case-insensitive) an object.
    void add(object_schema o);
    // Case-insensitive; nullptr when the object was not described.
    [[nodiscard]] const object_schema* find(std::string_view name) const;
    [[nodiscard]] const std::vector<object_schema>& objects() const noexcept { return objects_; }

private:
    std::vector<object_schema> objects_;
};

// Parses one describe answer (the JSON body). The error text says what is malformed, e.g.
// "fields[3]: 'name' is missing or not a string".
[[nodiscard]] ::fakturad::parse_result<object_schema> parse_describe(std::string_view json);

// Whether two API names are the same for Salesforce (ASCII case-insensitive).
[[nodiscard]] bool same_name(std::string_view a, std::string_view b) noexcept;

}  // namespace fakturad::mapping
