#pragma once
// A versioned schema migration.
//
// The daemon's migrations are the files store/migrations/NNNN_name.sql, embedded into the library at build
// time (store/cmake/embed_migrations.cmake); the list is ordered by version, starting at 1 without gaps.
// Each migration runs in its own transaction together with its row in `schema_migrations`, so a database
// is always exactly at some version.  Never edit a migration once it has been released: the store keeps
// the SHA-256 of every applied migration and refuses to open a database whose history differs from the
// build's.  Add a new file instead (store/README.md, "Migration rules").

#include <cstdint>
#include <span>
#include <string_view>

namespace fakturad::store {

struct migration {
    std::int64_t version;   // NNNN of the file name; 1, 2, 3, ...
    std::string_view name;  // the rest of the file name, e.g. "initial"
    std::string_view sql;   // one or more statements; no BEGIN/COMMIT/ATTACH (the runner refuses them)
};

// The migrations this build knows, ordered by version.  Never empty.
[[nodiscard]] std::span<const migration> embedded_migrations() noexcept;

}  // namespace fakturad::store
