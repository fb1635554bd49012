#pragma once
// The connection state behind sqlite_store, shared by the store's repositories (invoice_store, ...): they
// run their statements on the same connection and inside the same `transaction`.

#include "fakturad/store/sqlite_store.hpp"
#include "sqlite_detail.hpp"
#include "text_formats.hpp"

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fakturad::store {

using detail::statement;
using detail::statement_use;

struct sqlite_store::impl {
    sqlite3* db = nullptr;
    std::filesystem::path path;
    logger* log = nullptr;
    // Prepared once per connection; keyed by the SQL text, which is always a literal of this file.
    std::unordered_map<std::string_view, std::unique_ptr<statement>> statements;

    impl() = default;
    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;
    ~impl() {
        statements.clear();  // every statement must be finalized before the connection can close
        sqlite3_close_v2(db);
    }

    // Opens the connection and sets the per-connection pragmas; migrations come after.
    static std::unique_ptr<impl> connect(const sqlite_options& options, logger& log);

    statement& cached(std::string_view sql) {
        auto& slot = statements[sql];
        if (!slot) {
            slot = std::make_unique<statement>(db, sql, path);
        }
        return *slot;
    }

    void exec(std::string_view sql, std::string_view action) const { detail::exec(db, sql, action, path); }

    [[nodiscard]] std::string text_pragma(
        std::string_view sql, std::string_view action = "cannot read from"
    ) {
        statement query(db, sql, path, action);
        return query.step() ? query.text_at(0) : std::string();
    }

    [[nodiscard]] std::int64_t int_pragma(
        std::string_view sql, std::string_view action = "cannot read from"
    ) {
        statement query(db, sql, path, action);
        return query.step() ? query.int_at(0) : 0;
    }

    [[noreturn]] void corrupt_value(std::string_view column, std::string_view value) const {
        throw detail::make_error(
            "cannot read from",
            path,
            "column " + std::string(column) + " holds \"" + std::string(value) +
                "\", which is not in the store's format",
            SQLITE_CORRUPT
        );
    }

    instant instant_at(const statement& s, int column, std::string_view name) const {
        const std::string text = s.text_at(column);
        const auto at = detail::parse_instant_text(text);
        if (!at) {
            corrupt_value(name, text);
        }
        return *at;
    }

    std::optional<instant> optional_instant_at(const statement& s, int column, std::string_view name) const {
        if (s.is_null(column)) {
            return std::nullopt;
        }
        return instant_at(s, column, name);
    }
};

// A transaction of a repository's own when its caller has none open; inside the caller's transaction the
// repository's writes commit or roll back with it.
class own_transaction {
public:
    own_transaction(sqlite_store& store, sqlite3* db) {
        if (sqlite3_get_autocommit(db) != 0) {
            tx_.emplace(store);
        }
    }
    void commit() {
        if (tx_) {
            tx_->commit();
        }
    }

private:
    std::optional<transaction> tx_;
};

}  // namespace fakturad::store
