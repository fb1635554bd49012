#pragma once
// Object and field definitions the emulator serves: built-in standard objects plus custom objects and
// fields read from the project's Salesforce DX metadata and from the org file.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::sf_emulator {

struct field_def {
    std::string name;
    std::string type;  // describe type: id, string, picklist, reference, boolean, currency, double, ...
    std::string label;
    int length = 0;
    int precision = 0;
    int scale = 0;
    int digits = 0;
    bool nillable = true;
    bool createable = true;
    bool updateable = true;
    bool defaulted_on_create = false;
    bool external_id = false;
    bool unique = false;
    bool id_lookup = false;
    bool name_field = false;
    bool restricted_picklist = false;
    bool custom = false;
    bool case_sensitive = false;
    std::vector<std::string> picklist;
    std::string picklist_default;
    std::optional<std::string> default_value;  // boolean defaults ("true"/"false")
    std::vector<std::string> reference_to;
    std::string relationship_name;        // child-to-parent name used in SOQL paths
    std::string child_relationship_name;  // name of this lookup's children on the parent object
    bool cascade_delete = false;
    std::string compound_field_name;
    // AutoNumber name fields of custom objects: displayFormat ("INV-{YYYY}-{0000}") and startingNumber.
    std::string display_format;
    std::uint64_t starting_number = 1;
};

struct object_def {
    std::string name;
    std::string key_prefix;
    std::string label;
    std::string label_plural;
    bool custom = false;
    bool createable = true;
    bool updateable = true;
    bool deletable = true;
    bool undeletable = true;
    bool mergeable = false;
    bool searchable = true;
    bool triggerable = true;
    bool replicateable = true;
    std::vector<field_def> fields;

    [[nodiscard]] const field_def* find_field(std::string_view name) const;  // case-insensitive
    [[nodiscard]] const field_def* find_relationship(std::string_view relationship) const;
};

struct child_relationship {
    std::string child_object;
    std::string field;
    std::string relationship_name;
    bool cascade_delete = false;
};

class schema {
public:
    // The standard objects of a fresh business-account org (salesforce-objects.md).
    static schema standard();

    // Reads objects/<Obj>/<Obj>.object-meta.xml and objects/<Obj>/fields/*.field-meta.xml under a
    // Salesforce DX source folder (force-app/main/default).  Throws std::runtime_error naming the file.
    void load_dx_metadata(const std::filesystem::path& source_dir);

    void add_object(object_def object);
    void add_field(const std::string& object, field_def field);

    [[nodiscard]] const object_def* find(std::string_view name) const;  // case-insensitive
    [[nodiscard]] const object_def* find_by_prefix(std::string_view prefix) const;
    [[nodiscard]] std::vector<child_relationship> children_of(const std::string& object) const;
    [[nodiscard]] const std::map<std::string, object_def>& objects() const { return objects_; }

private:
    std::map<std::string, object_def> objects_;  // keyed by exact name
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace fakturad::sf_emulator
