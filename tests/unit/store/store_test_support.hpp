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
#include <string_view>
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

// The same instant as an SQL text literal, for rows written with execute_for_test.
inline constexpr std::string_view ts = "'2026-11-27T09:00:00.000Z'";

// Legal entity 1 (DE), account 1 and billing plan 1 (a monthly contract in EUR): the rows most schema tests
// build on.
inline std::string seed_entity_account_plan_sql() {
    const std::string t(ts);
    return "INSERT INTO legal_entities (id, code, name, country, created_at, updated_at)"
           " VALUES (1, 'de', 'Muster GmbH', 'DE', " +
           t + ", " + t +
           ");"
           "INSERT INTO accounts (id, sf_id, name, raw_data, sf_system_modstamp, synced_at)"
           " VALUES (1, '001000000000001AAA', 'Kunde AG', '{}', " +
           t + ", " + t +
           ");"
           "INSERT INTO billing_plans (id, source_object, source_record_id, account_id, legal_entity_id, "
           "currency,"
           " language, start_date, billing_period, alignment, status, source_data, sf_system_modstamp, "
           "created_at,"
           " updated_at) VALUES (1, 'Contract', '800000000000001AAA', 1, 1, 'EUR', 'de', '2026-01-01', 'P1M',"
           " 'calendar', 'active', '{}', " +
           t + ", " + t + ", " + t + ");";
}

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
