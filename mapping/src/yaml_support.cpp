#include "yaml_support.hpp"

#include "fakturad/core/edit_distance.hpp"

#include <algorithm>
#include <map>

namespace fakturad::mapping::detail {

std::string describe(const YAML::Node& n) {
    if (n.IsMap()) {
        return "a mapping";
    }
    if (n.IsSequence()) {
        return "a list";
    }
    if (!n.IsDefined() || n.IsNull()) {
        return "nothing";
    }
    return "'" + n.Scalar().substr(0, 40) + "'";
}

std::string_view nearest(std::string_view name, keys allowed) {
    // A third of the name, 1..3 edits: close enough for typos, far enough not to suggest nonsense.
    const std::size_t limit = std::clamp<std::size_t>(name.size() / 3, 1, 3);
    std::string_view best;
    std::size_t best_distance = limit + 1;
    for (auto a : allowed) {
        const std::size_t d = edit_distance(name, a);
        if (d < best_distance && d < a.size()) {
            best = a;
            best_distance = d;
        }
    }
    return best;
}

std::string hint(std::string_view name, keys allowed) {
    if (auto best = nearest(name, allowed); !best.empty()) {
        return " (did you mean '" + std::string(best) + "'?)";
    }
    std::string list;
    for (auto a : allowed) {
        list += list.empty() ? "" : ", ";
        list += a;
    }
    return " (allowed: " + list + ")";
}

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

source_location yaml_reader::at(const YAML::Mark& mark) const {
    source_location l;
    l.file = file_;
    // yaml-cpp marks are 0-based; a node without a position has a null mark.
    if (!mark.is_null() && mark.line >= 0) {
        l.line = mark.line + 1;
        l.column = mark.column + 1;
    }
    return l;
}

void yaml_reader::error(const YAML::Mark& mark, const std::string& path, std::string message) {
    const source_location l = at(mark);
    mapping_problem p;
    p.file = l.file;
    p.line = l.line;
    p.column = l.column;
    p.path = path;
    p.message = std::move(message);
    problems_.push_back(std::move(p));
}

bool yaml_reader::check_keys(const YAML::Node& node, const std::string& path, const keys* allowed) {
    if (!node.IsMap()) {
        error(node.Mark(), path, "expected a mapping of keys, got " + describe(node));
        return false;
    }
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        // A copy: the iterator hands out a temporary proxy (a reference would dangle).
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            error(key.Mark(), path, "expected a key name, got " + describe(key));
            continue;
        }
        const std::string& name = key.Scalar();
        if (auto [first, inserted] = seen.emplace(name, key.Mark().line + 1); !inserted) {
            error(
                key.Mark(),
                join(path, name),
                "duplicate key (first at line " + std::to_string(first->second) + ")"
            );
            continue;
        }
        if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
            error(key.Mark(), path, "unknown key '" + name.substr(0, 40) + "'" + hint(name, *allowed));
        }
    }
    return true;
}

bool yaml_reader::mapping(const YAML::Node& node, const std::string& path, keys allowed) {
    return check_keys(node, path, &allowed);
}

bool yaml_reader::free_mapping(const YAML::Node& node, const std::string& path) {
    return check_keys(node, path, nullptr);
}

bool yaml_reader::sequence(const YAML::Node& node, const std::string& path) {
    if (!node.IsSequence()) {
        error(node.Mark(), path, "expected a list, got " + describe(node));
        return false;
    }
    return true;
}

std::optional<std::string> yaml_reader::text(
    const YAML::Node& parent, std::string_view key, const std::string& path, bool required
) {
    const YAML::Node n = parent[std::string(key)];
    if (!n.IsDefined() || n.IsNull()) {
        if (required) {
            error(parent.Mark(), join(path, key), "missing required key");
        }
        return std::nullopt;
    }
    if (!n.IsScalar()) {
        error(n.Mark(), join(path, key), "expected a single value, got " + describe(n));
        return std::nullopt;
    }
    return n.Scalar();
}

}  // namespace fakturad::mapping::detail
