#pragma once
// Located errors and key checks for yaml-cpp documents. billing/src/plan_yaml.cpp has the same small
// helpers in its anonymous namespace; they are written again here rather than moved, so that mapping
// does not reach into billing's private code.

#include "fakturad/mapping/mapping_file.hpp"

#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::mapping::detail {

using keys = std::span<const std::string_view>;

// "a mapping", "a list", "nothing", "'text'".
[[nodiscard]] std::string describe(const YAML::Node& n);

// The nearest of `allowed` to `name` for a "did you mean" hint, or empty when none is close.
[[nodiscard]] std::string_view nearest(std::string_view name, keys allowed);
// " (did you mean 'x'?)" or " (allowed: a, b, c)".
[[nodiscard]] std::string hint(std::string_view name, keys allowed);

[[nodiscard]] std::string join(const std::string& path, std::string_view key);
[[nodiscard]] std::string index(const std::string& path, std::size_t i);

class yaml_reader {
public:
    yaml_reader(std::string file, std::vector<mapping_problem>& problems)
        : file_(std::move(file)), problems_(problems) {}

    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    [[nodiscard]] std::size_t problem_count() const noexcept { return problems_.size(); }
    [[nodiscard]] source_location at(const YAML::Mark& mark) const;

    void error(const YAML::Mark& mark, const std::string& path, std::string message);

    // A mapping whose keys are scalars without duplicates; with `allowed`, unknown keys are reported with
    // a hint. Returns false (after reporting) when the node is not a mapping.
    bool mapping(const YAML::Node& node, const std::string& path, keys allowed);
    bool free_mapping(const YAML::Node& node, const std::string& path);
    bool sequence(const YAML::Node& node, const std::string& path);

    // The scalar text of parent[key]; a missing required key is reported at the parent.
    std::optional<std::string> text(
        const YAML::Node& parent, std::string_view key, const std::string& path, bool required
    );

private:
    bool check_keys(const YAML::Node& node, const std::string& path, const keys* allowed);

    std::string file_;
    std::vector<mapping_problem>& problems_;
};

}  // namespace fakturad::mapping::detail
