#pragma once
// Thin RAII over the SQLite C API, and the one place that turns SQLite errors into operator messages.

#include "fakturad/store/store_error.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::store::detail {

// What an operator can do about a SQLite result code; empty when there is nothing specific to say.
[[nodiscard]] std::string_view hint_for(int sqlite_code) noexcept;

// "<action> <path>: <message>; <hint>", e.g. "cannot open /x/y.sqlite: unable to open database file; check
// that the directory exists and is writable by the fakturad user".
[[nodiscard]] store_error make_error(
    std::string_view action, const std::filesystem::path& path, std::string_view message, int sqlite_code
);

// As make_error, with the connection's current error message and code.
[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view action, const std::filesystem::path& path);

// Runs one or more statements that return no rows of interest.
void exec(sqlite3* db, std::string_view sql, std::string_view action, const std::filesystem::path& path);

// A prepared statement.  Binding indexes are 1-based, column indexes 0-based, as in SQLite.
class statement {
public:
    // `action` starts the message of a failure to prepare, e.g. "cannot open" while the connection is set up.
    statement(
        sqlite3* db,
        std::string_view sql,
        const std::filesystem::path& path,
        std::string_view action = "cannot read from"
    );
    ~statement();
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    void bind(int index, std::string_view text);
    void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
    void bind(int index, const char* text) { bind(index, std::string_view(text)); }
    void bind(int index, std::int64_t value);
    void bind(int index, const std::optional<std::string>& text);
    void bind_null(int index);

    // True when a row is ready, false when the statement is done.
    bool step();
    // Steps to completion; for statements whose rows do not matter.
    void run();

    [[nodiscard]] int column_count() const noexcept;
    [[nodiscard]] bool is_null(int column) const noexcept;
    [[nodiscard]] std::int64_t int_at(int column) const noexcept;
    [[nodiscard]] std::string text_at(int column) const;
    [[nodiscard]] std::optional<std::string> optional_text_at(int column) const;

    // Ends the statement's read snapshot and clears bindings.  A statement left un-reset would keep its
    // snapshot open, which shows stale data to later reads and stops checkpoints from finishing.
    void reset() noexcept;

private:
    void check_bind(int rc);

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    const std::filesystem::path* path_;
};

// Resets a (cached) statement when the scope that uses it ends, also on exceptions.
class statement_use {
public:
    explicit statement_use(statement& s) noexcept : s_(s) {}
    ~statement_use() { s_.reset(); }
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;

    statement* operator->() noexcept { return &s_; }
    statement& operator*() noexcept { return s_; }

private:
    statement& s_;
};

}  // namespace fakturad::store::detail
