// render_effective and schema_markdown: the two texts generated from the schema table.
#include "fakturad/config/loader.hpp"
#include "schema.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace fakturad::config {
namespace {

using detail::key_spec;
using detail::presence;
using detail::value_type;

std::string yaml_scalar(const std::string& text, bool quoted) {
    YAML::Emitter e;
    if (quoted) {
        e << YAML::DoubleQuoted;
    }
    e << text;
    return e.c_str();
}

std::string markdown_default(const key_spec& spec) {
    switch (spec.need) {
        case presence::defaulted:
            return spec.default_text.empty() ? "" : "`" + std::string(spec.default_text) + "`";
        case presence::optional:
            return spec.type == value_type::section ? "*absent*" : "*unset*";
        case presence::required:
            return "*required*";
        case presence::required_if:
            return "*required if `" + std::string(detail::leaf_of(spec.when.key)) + "` is `" +
                   std::string(spec.when.equals) + "`*";
    }
    return "";
}

}  // namespace

std::string render_effective(const settings& s) {
    std::string out = "# Effective configuration from " + s.source_file.string() +
                      "\n# Defaults filled in, relative paths resolved, secrets redacted.\n";
    std::set<std::string, std::less<>> absent;
    for (const auto& spec : detail::schema()) {
        bool skipped = false;
        for (auto p = detail::parent_of(spec.path); !p.empty(); p = detail::parent_of(p)) {
            skipped = skipped || absent.contains(p);
        }
        if (skipped) {
            continue;
        }
        const std::string indent(
            2 * static_cast<std::size_t>(std::count(spec.path.begin(), spec.path.end(), '.')), ' '
        );
        const std::string key = indent + std::string(detail::leaf_of(spec.path)) + ":";
        const auto text = spec.render(s);
        if (spec.type == value_type::section) {
            if (!text) {
                absent.insert(std::string(spec.path));
                out += key + " ~\n";
            } else {
                out += key + "\n";
            }
            continue;
        }
        if (!text) {
            out += key + " ~\n";
            continue;
        }
        if (spec.type == value_type::path_list) {
            if (text->empty()) {
                out += key + " []\n";
                continue;
            }
            out += key + "\n";
            std::size_t start = 0;
            for (auto end = text->find('\n'); end != std::string::npos; end = text->find('\n', start)) {
                out += indent + "  - " + yaml_scalar(text->substr(start, end - start), false) + "\n";
                start = end + 1;
            }
            continue;
        }
        const bool quoted = spec.type == value_type::file_mode || spec.type == value_type::api_version ||
                            spec.type == value_type::schedule;
        out += key + " " + yaml_scalar(*text, quoted) + "\n";
    }
    return out;
}

std::string schema_markdown() {
    std::string out =
        "| Key | Type | Default | Unit | Description |\n"
        "|---|---|---|---|---|\n";
    for (const auto& spec : detail::schema()) {
        std::string key = "`" + std::string(spec.path) + "`";
        if (spec.type == value_type::secret) {
            key = "`" + std::string(spec.path) + "_file` / `_env` / `_credential`";
        }
        out += "| " + key + " | " + detail::type_label(spec) + " | " + markdown_default(spec) + " | " +
               std::string(spec.unit) + " | " + std::string(spec.description) + " |\n";
    }
    return out;
}

}  // namespace fakturad::config
