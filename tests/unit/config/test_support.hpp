#pragma once
// Helpers shared by the config tests: injected environments, a scratch directory, file I/O.

#include "fakturad/config/loader.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace fakturad::config::test {

inline environment env_of(std::map<std::string, std::string> vars) {
    return {[vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(std::string(name));
        return it != vars.end() ? std::optional<std::string>(it->second) : std::nullopt;
    }};
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write_text(const std::filesystem::path& p, std::string_view text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

inline std::vector<std::string> messages(const load_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.errors) {
        out.push_back(d.to_string());
    }
    return out;
}

// A fresh directory under the system temp directory, removed at the end of the test.
class scratch_dir {
public:
    scratch_dir() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = std::filesystem::temp_directory_path() /
                ("fakturad-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                 (info != nullptr ? info->name() : "x"));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~scratch_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace fakturad::config::test
