#pragma once
// The migration runner behind sqlite_store::open.

#include "fakturad/core/logger.hpp"
#include "fakturad/store/migration.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <span>

namespace fakturad::store::detail {

// "FKTD": written to the database header by the first migration, so that `file` and fakturad can tell a
// fakturad database from another application's.
inline constexpr std::int64_t application_id = 0x464b5444;

// Applies the migrations the database lacks, each in its own IMMEDIATE transaction together with its
// schema_migrations row, and returns the resulting schema version.  `migrations` must be ordered by
// version 1..N.  Refuses (store_error) a foreign database, a newer schema, a changed or inconsistent
// history, and a failing migration (rolled back: the version stays where it was).
std::int64_t apply_migrations(
    sqlite3* db, const std::filesystem::path& path, logger& log, std::span<const migration> migrations
);

// The highest applied version, 0 for a database without history.
[[nodiscard]] std::int64_t applied_version(sqlite3* db, const std::filesystem::path& path);

}  // namespace fakturad::store::detail
