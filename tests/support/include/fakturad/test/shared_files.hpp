#pragma once
// Finds the shared conformance material the tests use in place (validators, rule sets, samples, vector
// files) and reads files. The folder is FAKTURAD_SHARED_DIR when that is set, else <source dir>/../shared
// (FAKTURAD_SOURCE_DIR, defined for every test by fakturad_test). Tests that need it skip with a clear
// message when it is absent; nothing from it is ever copied into the repository.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace fakturad::test {

// The shared folder's path (it may not exist).
inline std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("FAKTURAD_SHARED_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return std::filesystem::path(FAKTURAD_SOURCE_DIR) / ".." / "shared";
}

// shared_dir() / relative when that is an existing folder, else an empty path (skip the test then).
inline std::filesystem::path shared_subdir(std::string_view relative) {
    auto dir = shared_dir() / relative;
    return std::filesystem::is_directory(dir) ? dir : std::filesystem::path();
}

// The whole file, or nullopt when it cannot be read.
inline std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace fakturad::test
