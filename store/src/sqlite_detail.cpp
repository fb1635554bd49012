#include "sqlite_detail.hpp"

#include <climits>

namespace fakturad::store::detail {

std::string_view hint_for(int sqlite_code) noexcept {
    switch (sqlite_code & 0xff) {
        case SQLITE_CANTOPEN:
            return "check that the directory exists and is writable by the fakturad user";
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_AUTH:
            return "check that the database file, its -wal and -shm files and their directory are writable "
                   "by "
                   "the fakturad user";
        case SQLITE_NOTADB:
            return "the file is not a SQLite database; check the configured path or restore a backup";
        case SQLITE_CORRUPT:
            return "the database is damaged; stop fakturad, keep a copy of the file, run PRAGMA "
                   "integrity_check "
                   "with the sqlite3 tool and restore a backup";
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return "another connection held the write lock longer than the busy timeout; look for a second "
                   "fakturad or a long sqlite3 session on the same file";
        case SQLITE_FULL:
            return "the disk is full; free space on the volume that holds the database";
        case SQLITE_IOERR:
            return "the operating system reported an I/O error; check the disk and the kernel log";
        case SQLITE_NOMEM:
            return "the process ran out of memory";
        case SQLITE_CONSTRAINT:
            return "the write breaks an invariant of the schema (store/README.md); this is a bug in the "
                   "caller";
        default:
            return {};
    }
}

store_error make_error(
    std::string_view action, const std::filesystem::path& path, std::string_view message, int sqlite_code
) {
    std::string text;
    text.append(action).append(" ").append(path.string()).append(": ").append(message);
    if (const auto hint = hint_for(sqlite_code); !hint.empty()) {
        text.append("; ").append(hint);
    }
    return store_error(text, sqlite_code);
}

void throw_sqlite(sqlite3* db, std::string_view action, const std::filesystem::path& path) {
    throw make_error(action, path, sqlite3_errmsg(db), sqlite3_extended_errcode(db));
}

void exec(sqlite3* db, std::string_view sql, std::string_view action, const std::filesystem::path& path) {
    const std::string text(sql);  // sqlite3_exec wants a terminated string
    char* message = nullptr;
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string copy = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throw make_error(action, path, copy, sqlite3_extended_errcode(db));
    }
}

statement::statement(
    sqlite3* db, std::string_view sql, const std::filesystem::path& path, std::string_view action
)
    : db_(db), path_(&path) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) {
        throw make_error(action, path, "statement too long", SQLITE_TOOBIG);
    }
    if (sqlite3_prepare_v3(
            db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr
        ) != SQLITE_OK) {
        throw_sqlite(db, action, path);
    }
}

statement::~statement() { sqlite3_finalize(stmt_); }

void statement::check_bind(int rc) {
    if (rc != SQLITE_OK) {
        throw_sqlite(db_, "cannot bind a value for", *path_);
    }
}

void statement::bind(int index, std::string_view text) {
    check_bind(sqlite3_bind_text64(
        stmt_, index, text.data(), static_cast<sqlite3_uint64>(text.size()), SQLITE_TRANSIENT, SQLITE_UTF8
    ));
}

void statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value)));
}

void statement::bind(int index, const std::optional<std::string>& text) {
    if (text) {
        bind(index, std::string_view(*text));
    } else {
        bind_null(index);
    }
}

void statement::bind_null(int index) { check_bind(sqlite3_bind_null(stmt_, index)); }

bool statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const bool reads_only = sqlite3_stmt_readonly(stmt_) != 0;
    throw_sqlite(db_, reads_only ? "cannot read from" : "cannot write to", *path_);
}

void statement::run() {
    while (step()) {
    }
}

int statement::column_count() const noexcept { return sqlite3_column_count(stmt_); }

bool statement::is_null(int column) const noexcept {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t statement::int_at(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }

std::string statement::text_at(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) {
        return {};
    }
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::optional<std::string> statement::optional_text_at(int column) const {
    if (is_null(column)) {
        return std::nullopt;
    }
    return text_at(column);
}

void statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

}  // namespace fakturad::store::detail
