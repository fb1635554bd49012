#pragma once
// Loading the YAML configuration file into `settings`.
//
// The loader checks the whole file and collects every problem it finds instead of stopping at the first,
// so that an operator fixes a config in one round (STYLE C2).  Each problem is a `diagnostic` with the
// position in the file and the dotted key path.  A secret's value never appears in a diagnostic.
//
// Reading: the loader reads the config file, secret files (`*_file`, `*_credential`), the environment
// through the given `environment` (`*_env`, CREDENTIALS_DIRECTORY) and every listed mapping file (to check
// that it exists and is valid YAML).  It neither writes anything nor logs.  All functions are thread-safe
// as long as `env.get` is.

#include "fakturad/config/settings.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::config {

// One problem in a config file (or in a mapping file it lists).
struct diagnostic {
    std::string file;  // the path as the caller passed it, or the mapping file as reachable from there
    int line = 0;      // 1-based; 0 when the problem has no position (e.g. unreadable file)
    int column = 0;    // 1-based; 0 when line is 0
    std::string path;  // dotted key path, e.g. "store.path" or "mappings[0]"; empty when not about a key
    std::string message;

    // "<file>:<line>:<column>: <path>: <message>"; the "<path>: " part is left out when path is empty and
    // the ":<line>:<column>" part when line is 0.
    [[nodiscard]] std::string to_string() const;
};

// Access to environment variables.  Injected so that tests do not depend on (or modify) the real process
// environment.
struct environment {
    std::function<std::optional<std::string>(std::string_view)> get;

    // The real environment of this process (getenv).
    static environment process();
};

struct load_result {
    // Set exactly when `errors` is empty.
    std::optional<settings> config;
    std::vector<diagnostic> errors;

    [[nodiscard]] bool ok() const;
};

// Loads the config file at `path`.  Diagnostics name the file as `path.string()`, unchanged.  Relative
// paths inside resolve against the directory of `path`.
load_result load_file(const std::filesystem::path& path, const environment& env);

// Loads config text that came from elsewhere (tests, stdin).  `file_name` is used in diagnostics;
// relative paths inside resolve against `base_dir` (made absolute against the working directory).
// `settings::source_file` becomes `file_name` when absolute, otherwise base_dir / file name of `file_name`.
load_result load_string(
    std::string_view yaml,
    std::string_view file_name,
    const std::filesystem::path& base_dir,
    const environment& env
);

// The effective configuration as YAML, with every default filled in and every path absolute.  Secrets
// are shown as "*** (from file keys/sf.pem)": the source, never the value.  For --print-config.
std::string render_effective(const settings& s);

// The key table (key, type, default, unit, description) as Markdown, generated from the same schema that
// drives parsing and defaults.  config/README.md embeds it; a test keeps the two in sync.
std::string schema_markdown();

}  // namespace fakturad::config
