#pragma once
// The schema table: one row per key.  Parsing, defaults, rendering and the README table all read it, so
// that they cannot drift apart (STYLE C3).

#include "fakturad/config/settings.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fakturad::config::detail {

enum class value_type : std::uint8_t {
    section,         // a mapping of further keys
    string,          // any non-empty text
    vat_id,          // an EU VAT ID with correct check digits (core/vat_id.hpp), stored normalised
    name,            // [A-Za-z0-9._-], 1..64 characters
    integer,         // min..max
    choice,          // one of `choices`
    duration,        // core/units.hpp
    percent,         // core/units.hpp, basis points
    path,            // resolved against the config directory
    existing_path,   // like path, and the file must exist
    file_mode,       // octal permission bits, "0660"
    listen_address,  // host:port on a loopback host
    url,             // https, or http on a loopback host; scheme, host and port only
    service_url,     // like url, with a path (a web service endpoint)
    api_version,     // "NN.N" within min..max (in tenths)
    time_zone,       // IANA name
    secret,          // given as <key>_file, <key>_env or <key>_credential
    path_list,       // list of existing YAML files
    schedule,        // a five-field cron schedule (core/cron.hpp)
};

enum class presence : std::uint8_t {
    defaulted,    // absent: the default applies (sections: as if empty)
    optional,     // absent: unset (sections: the whole subtree is off)
    required,     // absent: error
    required_if,  // absent: error when `when` holds; present: error when it does not
};

// "<key> is <value>" for keys whose need depends on another key.
struct condition {
    std::string_view key;
    std::string_view equals;
};

// A converted value, before it is stored into `settings`.
using value = std::variant<
    std::monostate,
    std::string,
    std::int64_t,
    std::chrono::milliseconds,
    std::uint32_t,
    std::filesystem::path,
    endpoint,
    resolved_secret,
    std::vector<mapping_file>>;

struct key_spec {
    std::string_view path{};
    value_type type{};
    presence need{};
    std::string_view default_text{};  // as it would be written in the file; parsed like user input
    std::string_view unit{};
    std::string_view description{};
    condition when{};
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::span<const std::string_view> choices{};
    // Values that are recognised but not built into this version (store.backend: postgresql).
    std::span<const std::string_view> unavailable{};
    // Stores a converted value; sections get monostate when they are present.
    void (*apply)(settings&, const value&) = nullptr;
    // The effective value as YAML scalar text; nullopt for unset (sections: absent).
    std::optional<std::string> (*render)(const settings&) = nullptr;
};

// All keys, parents before children.
[[nodiscard]] std::span<const key_spec> schema();

// The row for a dotted path, or nullptr.
[[nodiscard]] const key_spec* find_key(std::string_view path);

// "store" for "store.path", "" for "store".
[[nodiscard]] std::string_view parent_of(std::string_view path);
// "path" for "store.path".
[[nodiscard]] std::string_view leaf_of(std::string_view path);

// The type column of the README table, also used in "expected ..." messages.
[[nodiscard]] std::string type_label(const key_spec& spec);

}  // namespace fakturad::config::detail
