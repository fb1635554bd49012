#pragma once
// Finds the shared conformance material (FAKTURAD_SHARED_DIR, default <source>/../shared) and reads files.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace fakturad::vies::test {

inline std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("FAKTURAD_SHARED_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return std::filesystem::path(FAKTURAD_SOURCE_DIR) / ".." / "shared";
}

inline std::filesystem::path vies_dir() { return shared_dir() / "conformance" / "vies"; }

inline std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace fakturad::vies::test
