#pragma once
// Helpers shared by the store tests: a private temporary directory, fixed instants and a logger that
// keeps what it was told.

#include "fakturad/core/clock.hpp"
#include "fakturad/core/logger.hpp"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fakturad::store::test_support {

// A fresh directory under the system temp directory, removed with everything in it at scope exit.
class temp_dir {
public:
    temp_dir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "fakturad-store-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed for " + pattern);
        }
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path file(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// 2026-11-27T09:00:00.000Z, the tests' "now".
inline const instant t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{9};

class capturing_logger final : public logger {
public:
    struct line {
        log_level level;
        std::string message;
    };

    void write(log_level level, std::string_view message, std::span<const log_field>) noexcept override {
        lines.push_back({level, std::string(message)});
    }
    [[nodiscard]] bool enabled(log_level) const noexcept override { return true; }

    [[nodiscard]] std::size_t count(std::string_view message) const {
        std::size_t n = 0;
        for (const auto& l : lines) {
            n += l.message == message ? 1u : 0u;
        }
        return n;
    }

    std::vector<line> lines;
};

}  // namespace fakturad::store::test_support
