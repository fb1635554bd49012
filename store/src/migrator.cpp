#include "migrator.hpp"

#include "sha256.hpp"
#include "sqlite_detail.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace fakturad::store::detail {
namespace {

struct applied_migration {
    std::int64_t version = 0;
    std::string name;
    std::string checksum;
};

std::string display_name(std::int64_t version, std::string_view name) {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%04lld", static_cast<long long>(version));
    return std::string(digits) + "_" + std::string(name);
}

bool table_exists(sqlite3* db, const std::filesystem::path& path, std::string_view table) {
    statement query(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", path);
    query.bind(1, table);
    return query.step();
}

std::int64_t pragma_int(sqlite3* db, const std::filesystem::path& path, std::string_view pragma) {
    statement query(db, pragma, path);
    return query.step() ? query.int_at(0) : 0;
}

std::vector<applied_migration> read_history(sqlite3* db, const std::filesystem::path& path) {
    std::vector<applied_migration> history;
    if (!table_exists(db, path, "schema_migrations")) {
        return history;
    }
    statement query(db, "SELECT version, name, checksum FROM schema_migrations ORDER BY version", path);
    while (query.step()) {
        history.push_back({query.int_at(0), query.text_at(1), query.text_at(2)});
    }
    return history;
}

// A database written by another program must not silently receive fakturad's tables.
void check_owner(sqlite3* db, const std::filesystem::path& path) {
    const std::int64_t id = pragma_int(db, path, "PRAGMA application_id");
    if (id == application_id) {
        return;
    }
    if (id != 0) {
        char hex[32];
        std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(id));
        throw make_error(
            "cannot open",
            path,
            std::string("the file belongs to another application (application_id ") + hex +
                "); check the configured database path",
            0
        );
    }
    statement query(db, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite%'", path);
    query.step();
    if (query.int_at(0) > 0 && !table_exists(db, path, "schema_migrations")) {
        throw make_error(
            "cannot open",
            path,
            "the database holds tables but no fakturad schema history; check the configured database path",
            0
        );
    }
}

// Returns the applied version after checking that the history is a prefix of `migrations`.
std::int64_t check_history(
    const std::vector<applied_migration>& history,
    std::span<const migration> migrations,
    const std::filesystem::path& path
) {
    const auto known = static_cast<std::int64_t>(migrations.size());
    if (!history.empty() && history.back().version > known) {
        throw make_error(
            "cannot open",
            path,
            "database schema version " + std::to_string(history.back().version) +
                " is newer than this fakturad (knows " + std::to_string(known) +
                "); upgrade fakturad or restore a backup",
            0
        );
    }
    for (std::size_t i = 0; i < history.size(); ++i) {
        const applied_migration& row = history[i];
        if (row.version != static_cast<std::int64_t>(i) + 1) {
            throw make_error(
                "cannot open",
                path,
                "schema_migrations has no row for version " + std::to_string(i + 1) +
                    "; the schema history was edited by hand, restore a backup",
                0
            );
        }
        const migration& expected = migrations[i];
        const std::string checksum = sha256_hex(expected.sql);
        if (row.name != expected.name || row.checksum != checksum) {
            throw make_error(
                "cannot open",
                path,
                "applied migration " + display_name(row.version, row.name) + " (checksum " + row.checksum +
                    ") differs from " + display_name(expected.version, expected.name) +
                    " in this fakturad (checksum " + checksum +
                    "); an applied migration must never change: restore the migration file and add a new one",
                0
            );
        }
    }
    return static_cast<std::int64_t>(history.size());
}

// A migration that committed or attached on its own would break "one migration, one transaction".
int refuse_transaction_control(void*, int action, const char*, const char*, const char*, const char*) {
    switch (action) {
        case SQLITE_TRANSACTION:
        case SQLITE_ATTACH:
        case SQLITE_DETACH:
            return SQLITE_DENY;
        default:
            return SQLITE_OK;
    }
}

void apply_one(sqlite3* db, const std::filesystem::path& path, const migration& m) {
    const std::string name = display_name(m.version, m.name);
    const std::string action = "cannot apply migration " + name + " to";
    exec(
        db,
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY CHECK (version >= 1),"
        " name TEXT NOT NULL,"
        " checksum TEXT NOT NULL CHECK (length(checksum) = 64),"
        " applied_at TEXT NOT NULL) STRICT",
        action,
        path
    );

    sqlite3_set_authorizer(db, refuse_transaction_control, nullptr);
    const std::string sql(m.sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    sqlite3_set_authorizer(db, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        std::string text = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        if ((rc & 0xff) == SQLITE_AUTH) {
            text += " (a migration must not contain BEGIN, COMMIT, ROLLBACK, ATTACH or DETACH)";
        }
        throw make_error(action, path, text, sqlite3_extended_errcode(db));
    }

    statement fk_check(db, "PRAGMA foreign_key_check", path);
    if (fk_check.step()) {
        throw make_error(
            action,
            path,
            "it leaves rows in table " + fk_check.text_at(0) + " whose foreign key does not resolve",
            0
        );
    }
    fk_check.reset();

    statement record(
        db,
        "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        path
    );
    record.bind(1, m.version);
    record.bind(2, m.name);
    record.bind(3, sha256_hex(m.sql));
    record.run();
    exec(
        db,
        "PRAGMA user_version = " + std::to_string(m.version) +
            "; PRAGMA application_id = " + std::to_string(application_id),
        action,
        path
    );
}

void check_list(std::span<const migration> migrations) {
    // The build script enforces this for the embedded list; a hand-made test list could break it.
    if (migrations.empty()) {
        throw store_error("the migration list is empty");
    }
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        if (migrations[i].version != static_cast<std::int64_t>(i) + 1) {
            throw store_error("the migration list must hold versions 1..N in order");
        }
    }
}

}  // namespace

std::int64_t applied_version(sqlite3* db, const std::filesystem::path& path) {
    if (!table_exists(db, path, "schema_migrations")) {
        return 0;
    }
    statement query(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", path);
    query.step();
    return query.int_at(0);
}

std::int64_t apply_migrations(
    sqlite3* db, const std::filesystem::path& path, logger& log, std::span<const migration> migrations
) {
    check_list(migrations);
    check_owner(db, path);
    std::int64_t version = check_history(read_history(db, path), migrations, path);
    const auto target = static_cast<std::int64_t>(migrations.size());
    while (version < target) {
        // The history is read again under the write lock: another process may have migrated meanwhile.
        exec(db, "BEGIN IMMEDIATE", "cannot start migrating", path);
        const migration* applied = nullptr;
        try {
            version = check_history(read_history(db, path), migrations, path);
            if (version < target) {
                applied = &migrations[static_cast<std::size_t>(version)];
                apply_one(db, path, *applied);
            }
            exec(db, "COMMIT", "cannot commit a migration to", path);
        } catch (const store_error& e) {
            if (sqlite3_get_autocommit(db) == 0) {
                sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            }
            if (applied == nullptr) {
                throw;
            }
            throw store_error(
                std::string(e.what()) + " (the database stays at schema version " + std::to_string(version) +
                    ")",
                e.sqlite_code()
            );
        }
        if (applied != nullptr) {
            version = applied->version;
            log.info(
                "store schema migration applied",
                {{"path", path.string()},
                 {"version", std::to_string(version)},
                 {"name", std::string(applied->name)}}
            );
        }
    }
    return version;
}

}  // namespace fakturad::store::detail
