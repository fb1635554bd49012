// Migrations at open: from empty, idempotent re-open, refusal of newer or changed histories, rollback of a
// failing migration.

#include "fakturad/store/sqlite_store.hpp"
#include "store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <fstream>

namespace fakturad::store {
namespace {

using test_support::capturing_logger;
using test_support::temp_dir;
using ::testing::HasSubstr;

constexpr migration first{1, "first", "CREATE TABLE a (x INTEGER) STRICT;"};
constexpr migration second{2, "second", "CREATE TABLE b (y INTEGER) STRICT;"};
constexpr migration broken_second{
    2, "broken", "CREATE TABLE half (z INTEGER) STRICT; INSERT INTO missing_table VALUES (1);"};

std::string scalar(sqlite_store& store, std::string_view sql) {
    const auto rows = store.query_for_test(sql);
    return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string("<null>") : *rows[0][0];
}

bool has_table(sqlite_store& store, const std::string& name) {
    return scalar(
               store, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" + name + "'"
           ) == "1";
}

class MigrationsTest : public ::testing::Test {
protected:
    sqlite_store open(std::span<const migration> list) {
        return sqlite_store::open_with_migrations_for_test({.path = db_path}, log, list);
    }

    temp_dir dir;
    std::filesystem::path db_path = dir.file("fakturad.sqlite");
    capturing_logger log;
};

TEST_F(MigrationsTest, EmbeddedMigrationsApplyToAnEmptyDatabase) {
    auto store = sqlite_store::open({.path = db_path}, log);
    EXPECT_GE(sqlite_store::latest_schema_version(), 1);
    EXPECT_EQ(store.schema_version(), sqlite_store::latest_schema_version());
    EXPECT_EQ(
        log.count("store schema migration applied"),
        static_cast<std::size_t>(sqlite_store::latest_schema_version())
    );

    for (const char* table :
         {"meta",
          "legal_entities",
          "accounts",
          "contacts",
          "billing_plans",
          "plan_items",
          "usage_records",
          "billed_periods",
          "invoice_runs",
          "invoices",
          "invoice_lines",
          "number_ranges",
          "number_voids",
          "sync_cursors",
          "quarantine",
          "outbox",
          "schema_migrations"}) {
        EXPECT_TRUE(has_table(store, table)) << table;
    }
    const auto rows =
        store.query_for_test("SELECT version, name, checksum, applied_at FROM schema_migrations");
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0][0], "1");
    EXPECT_EQ(rows[0][1], "initial");
    EXPECT_THAT(*rows[0][2], ::testing::MatchesRegex("[0-9a-f]{64}"));
    EXPECT_THAT(
        *rows[0][3],
        ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z")
    );
    EXPECT_EQ(scalar(store, "PRAGMA user_version"), std::to_string(sqlite_store::latest_schema_version()));
    EXPECT_EQ(scalar(store, "PRAGMA application_id"), std::to_string(0x464b5444));
}

TEST_F(MigrationsTest, ChecksumIsTheSha256OfTheMigrationText) {
    // printf 'CREATE TABLE a (x INTEGER) STRICT;' | sha256sum
    auto store = open(std::array{first});
    EXPECT_EQ(
        scalar(store, "SELECT checksum FROM schema_migrations WHERE version = 1"),
        "3f7b6ff95514f90095ce2f619c182e54d2414d3ca904d606357477bebed3d0b1"
    );
}

TEST_F(MigrationsTest, ChecksumIsRightAtEveryPaddingBoundary) {
    // Comment-only migrations of 55, 56, 64 and 119 bytes: one or two final SHA-256 blocks.
    const std::array<std::string, 4> texts{
        "-- " + std::string(52, 'x'),
        "-- " + std::string(53, 'x'),
        "-- " + std::string(61, 'x'),
        "-- " + std::string(116, 'x')};
    const std::array<migration, 4> list{
        migration{1, "m55", texts[0]},
        migration{2, "m56", texts[1]},
        migration{3, "m64", texts[2]},
        migration{4, "m119", texts[3]}};
    auto store = open(list);
    const auto rows = store.query_for_test("SELECT checksum FROM schema_migrations ORDER BY version");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0][0], "e2fa1cee2dfaf34eeaf33e4f3ed3bde58ab1bf629f00803b28791fa8f079a764");
    EXPECT_EQ(rows[1][0], "2d5a31c4c0e881cd3b4b3beac51b3e8cbb20f763ed5b7f519001c8df71863f5a");
    EXPECT_EQ(rows[2][0], "1bb8db16857ba7428593fa807d97970cd6b85ec5e311aa3073e3021ecd34a690");
    EXPECT_EQ(rows[3][0], "702790f69fa8863aa07e3af9e478956c67e4b27054bbaa8fd4c7352544c6ffe9");
}

TEST_F(MigrationsTest, ReopenAppliesNothing) {
    std::vector<std::vector<std::optional<std::string>>> before;
    {
        auto store = sqlite_store::open({.path = db_path}, log);
        before = store.query_for_test("SELECT * FROM schema_migrations ORDER BY version");
    }
    capturing_logger second_log;
    auto store = sqlite_store::open({.path = db_path}, second_log);
    EXPECT_EQ(store.query_for_test("SELECT * FROM schema_migrations ORDER BY version"), before);
    EXPECT_EQ(second_log.count("store schema migration applied"), 0u);
    EXPECT_EQ(second_log.count("store opened"), 1u);
}

TEST_F(MigrationsTest, ReopenAppliesOnlyTheNewMigrations) {
    { auto store = open(std::array{first}); }
    capturing_logger second_log;
    auto store =
        sqlite_store::open_with_migrations_for_test({.path = db_path}, second_log, std::array{first, second});
    EXPECT_EQ(store.schema_version(), 2);
    EXPECT_TRUE(has_table(store, "b"));
    EXPECT_EQ(second_log.count("store schema migration applied"), 1u);
}

TEST_F(MigrationsTest, NewerDatabaseIsRefusedWithAnActionableMessage) {
    { auto store = open(std::array{first, second}); }
    try {
        auto store = open(std::array{first});
        FAIL() << "a database newer than the build must not open";
    } catch (const store_error& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "cannot open " + db_path.string() +
                ": database schema version 2 is newer than this fakturad (knows 1); upgrade fakturad or "
                "restore "
                "a backup"
        );
    }
}

TEST_F(MigrationsTest, NewerDatabaseIsRefusedByTheDaemonsOpen) {
    {
        auto store = sqlite_store::open({.path = db_path}, log);
        store.execute_for_test(
            "INSERT INTO schema_migrations VALUES (" +
            std::to_string(sqlite_store::latest_schema_version() + 1) + ", 'from_the_future', '" +
            std::string(64, 'f') + "', '2030-01-01T00:00:00.000Z')"
        );
    }
    const auto known = sqlite_store::latest_schema_version();
    EXPECT_THROW(
        {
            try {
                auto store = sqlite_store::open({.path = db_path}, log);
            } catch (const store_error& e) {
                EXPECT_EQ(
                    std::string(e.what()),
                    "cannot open " + db_path.string() + ": database schema version " +
                        std::to_string(known + 1) + " is newer than this fakturad (knows " +
                        std::to_string(known) + "); upgrade fakturad or restore a backup"
                );
                throw;
            }
        },
        store_error
    );
}

TEST_F(MigrationsTest, ChangedChecksumOfAnAppliedMigrationIsRefused) {
    { auto store = open(std::array{first}); }
    constexpr migration edited{1, "first", "CREATE TABLE a (x INTEGER, extra TEXT) STRICT;"};
    try {
        auto store = open(std::array{edited});
        FAIL() << "an edited migration must not pass";
    } catch (const store_error& e) {
        EXPECT_THAT(
            e.what(), HasSubstr("cannot open " + db_path.string() + ": applied migration 0001_first")
        );
        EXPECT_THAT(e.what(), HasSubstr("an applied migration must never change"));
    }
}

TEST_F(MigrationsTest, FailingMigrationIsRolledBackAndNamed) {
    { auto store = open(std::array{first}); }
    try {
        auto store = open(std::array{first, broken_second});
        FAIL() << "the broken migration must fail";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot apply migration 0002_broken to " + db_path.string()));
        EXPECT_THAT(e.what(), HasSubstr("no such table: missing_table"));
        EXPECT_THAT(e.what(), HasSubstr("the database stays at schema version 1"));
    }
    auto store = open(std::array{first});
    EXPECT_EQ(store.schema_version(), 1);
    EXPECT_FALSE(has_table(store, "half"));
    EXPECT_EQ(scalar(store, "SELECT count(*) FROM schema_migrations"), "1");
}

TEST_F(MigrationsTest, FailingFirstMigrationLeavesAnEmptyDatabase) {
    constexpr migration broken_first{
        1, "broken", "CREATE TABLE half (z INTEGER); SELECT no_such_function();"};
    EXPECT_THROW((void)open(std::array{broken_first}), store_error);
    auto store = open(std::array{first});
    EXPECT_EQ(store.schema_version(), 1);
    EXPECT_FALSE(has_table(store, "half"));
}

TEST_F(MigrationsTest, MigrationMayNotCommitOnItsOwn) {
    { auto store = open(std::array{first}); }
    constexpr migration committing{
        2, "committing", "CREATE TABLE c (x INTEGER); COMMIT; CREATE TABLE d (y);"};
    try {
        auto store = open(std::array{first, committing});
        FAIL() << "a migration with COMMIT must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("must not contain BEGIN, COMMIT"));
    }
    auto store = open(std::array{first});
    EXPECT_FALSE(has_table(store, "c"));
    EXPECT_EQ(store.schema_version(), 1);
}

TEST_F(MigrationsTest, DatabaseOfAnotherApplicationIsRefused) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.string().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE someone_elses (x)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    try {
        auto store = sqlite_store::open({.path = db_path}, log);
        FAIL() << "a foreign database must not receive fakturad's schema";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("holds tables but no fakturad schema history"));
    }
}

TEST(StoreOpenTest, MissingDirectoryGivesAnActionableMessage) {
    temp_dir dir;
    null_logger log;
    const auto path = dir.file("no-such-dir") / "fakturad.sqlite";
    try {
        auto store = sqlite_store::open({.path = path}, log);
        FAIL() << "opening in a missing directory must fail";
    } catch (const store_error& e) {
        EXPECT_EQ(
            std::string(e.what()),
            "cannot open " + path.string() +
                ": unable to open database file; check that the directory exists and is writable by the "
                "fakturad "
                "user"
        );
        EXPECT_EQ(e.sqlite_code() & 0xff, SQLITE_CANTOPEN);
    }
}

TEST(StoreOpenTest, FileThatIsNotADatabaseIsRefused) {
    temp_dir dir;
    null_logger log;
    const auto path = dir.file("fakturad.sqlite");
    std::ofstream(path
    ) << "this is a configuration file, not a database, and it is long enough to have a header\n";
    try {
        auto store = sqlite_store::open({.path = path}, log);
        FAIL() << "a text file must not open";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot open " + path.string() + ": file is not a database"));
        EXPECT_THAT(e.what(), HasSubstr("check the configured path"));
    }
}

TEST(StoreOpenTest, ConnectionIsConfiguredAsOptionsSay) {
    temp_dir dir;
    null_logger log;
    {
        auto store = sqlite_store::open({.path = dir.file("a.sqlite")}, log);
        EXPECT_EQ(scalar(store, "PRAGMA journal_mode"), "wal");
        EXPECT_EQ(scalar(store, "PRAGMA foreign_keys"), "1");
        EXPECT_EQ(scalar(store, "PRAGMA synchronous"), "2");  // FULL
        EXPECT_EQ(scalar(store, "PRAGMA busy_timeout"), "5000");
    }
    {
        auto store = sqlite_store::open(
            {.path = dir.file("b.sqlite"),
             .busy_timeout = std::chrono::milliseconds{250},
             .synchronous_full = false},
            log
        );
        EXPECT_EQ(scalar(store, "PRAGMA synchronous"), "1");  // NORMAL
        EXPECT_EQ(scalar(store, "PRAGMA busy_timeout"), "250");
    }
}

TEST(StoreOpenTest, StoreIsMovable) {
    temp_dir dir;
    null_logger log;
    auto a = sqlite_store::open({.path = dir.file("a.sqlite")}, log);
    sqlite_store b = std::move(a);
    EXPECT_EQ(b.path(), dir.file("a.sqlite"));
    EXPECT_EQ(b.schema_version(), sqlite_store::latest_schema_version());
    auto c = sqlite_store::open({.path = dir.file("c.sqlite")}, log);
    c = std::move(b);
    EXPECT_EQ(c.path(), dir.file("a.sqlite"));
}

}  // namespace
}  // namespace fakturad::store
