// Transactions, WAL concurrency, sync cursors, status figures and maintenance of sqlite_store.

#include "fakturad/store/sqlite_store.hpp"

#include "store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakturad::store {
namespace {

using namespace std::chrono_literals;
using test_support::t0;
using test_support::temp_dir;
using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
protected:
    sqlite_store open(std::chrono::milliseconds busy_timeout = 5000ms) {
        return sqlite_store::open(
            {.path = db_path, .busy_timeout = busy_timeout, .recover_in_flight = false}, log
        );
    }

    std::string count(std::string_view table) {
        return *store.query_for_test("SELECT count(*) FROM " + std::string(table))[0][0];
    }

    temp_dir dir;
    std::filesystem::path db_path = dir.file("fakturad.sqlite");
    null_logger log;
    sqlite_store store = open();
};

TEST_F(SqliteStoreTest, TransactionCommitPersists) {
    transaction tx(store);
    store.execute_for_test("INSERT INTO meta VALUES ('k', 'v')");
    tx.commit();
    auto other = open();
    EXPECT_EQ(other.query_for_test("SELECT value FROM meta WHERE key = 'k'")[0][0], "v");
}

TEST_F(SqliteStoreTest, TransactionRollsBackWhenNotCommitted) {
    {
        transaction tx(store);
        store.execute_for_test("INSERT INTO meta VALUES ('k', 'v')");
    }
    EXPECT_EQ(count("meta"), "0");
}

TEST_F(SqliteStoreTest, TransactionRollsBackOnException) {
    try {
        transaction tx(store);
        store.execute_for_test("INSERT INTO meta VALUES ('a', '1')");
        store.execute_for_test("INSERT INTO meta VALUES ('a', '2')");  // duplicate key
        tx.commit();
        FAIL() << "the duplicate key must throw";
    } catch (const store_error& e) {
        EXPECT_TRUE(e.is_constraint_violation());
        EXPECT_THAT(e.what(), HasSubstr("UNIQUE constraint failed: meta.key"));
    }
    EXPECT_EQ(count("meta"), "0");
    transaction tx(store);  // the connection is usable again: no transaction was left open
    tx.commit();
}

TEST_F(SqliteStoreTest, TransactionsDoNotNest) {
    transaction outer(store);
    EXPECT_THROW(transaction inner(store), store_error);
}

TEST_F(SqliteStoreTest, ReadersRunBesideTheWriter) {
    auto reader = open();
    transaction tx(store);
    store.execute_for_test("INSERT INTO meta VALUES ('k', 'v')");
    // WAL: the reader is not blocked and sees the last committed state, not the open transaction.
    EXPECT_EQ(*reader.query_for_test("SELECT count(*) FROM meta")[0][0], "0");
    tx.commit();
    EXPECT_EQ(*reader.query_for_test("SELECT count(*) FROM meta")[0][0], "1");
}

TEST_F(SqliteStoreTest, SecondWriterGivesUpAfterTheBusyTimeout) {
    auto impatient = open(20ms);
    transaction tx(store);
    try {
        transaction other(impatient);
        FAIL() << "the write lock is held";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("database is locked"));
        EXPECT_THAT(e.what(), HasSubstr("look for a second fakturad"));
    }
}

TEST_F(SqliteStoreTest, SyncCursorRoundTrip) {
    EXPECT_FALSE(store.get_sync_cursor("Account").has_value());
    const sync_cursor_info cursor{
        .object_name = "Account",
        .last_system_modstamp = t0 - 10min + 123ms,
        .last_record_id = "001000000000001AAA",
        .last_replay_id = "AAAAAAAAb8E=",
        .updated_at = t0,
        .mapping_digest = "0123456789abcdef0123456789abcdef",
    };
    store.put_sync_cursor(cursor);
    const auto read = store.get_sync_cursor("Account");
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->object_name, "Account");
    EXPECT_EQ(read->last_system_modstamp, cursor.last_system_modstamp);
    EXPECT_EQ(read->last_record_id, cursor.last_record_id);
    EXPECT_EQ(read->last_replay_id, cursor.last_replay_id);
    EXPECT_EQ(read->updated_at, t0);
    EXPECT_EQ(read->mapping_digest, cursor.mapping_digest);
    EXPECT_EQ(
        store.query_for_test("SELECT last_system_modstamp FROM sync_cursors")[0][0],
        "2026-11-27T08:50:00.123Z"
    );

    // Put replaces, including clearing optional fields.
    store.put_sync_cursor({.object_name = "Account", .updated_at = t0 + 1s});
    const auto replaced = store.get_sync_cursor("Account");
    ASSERT_TRUE(replaced.has_value());
    EXPECT_FALSE(replaced->last_system_modstamp.has_value());
    EXPECT_FALSE(replaced->last_record_id.has_value());
    EXPECT_FALSE(replaced->last_replay_id.has_value());
    EXPECT_FALSE(replaced->mapping_digest.has_value());
    EXPECT_EQ(replaced->updated_at, t0 + 1s);
    EXPECT_EQ(count("sync_cursors"), "1");
}

TEST_F(SqliteStoreTest, StatusOfAFreshStore) {
    const store_status s = store.status();
    EXPECT_EQ(s.path, db_path);
    EXPECT_EQ(s.schema_version, sqlite_store::latest_schema_version());
    EXPECT_EQ(s.journal_mode, "wal");
    EXPECT_GT(s.file_bytes, 0u);
    EXPECT_EQ(s.outbox_pending, 0u);
    EXPECT_EQ(s.outbox_in_flight, 0u);
    EXPECT_EQ(s.outbox_failed, 0u);
    EXPECT_FALSE(s.last_sync.has_value());
    EXPECT_FALSE(s.last_run.has_value());
}

TEST_F(SqliteStoreTest, StatusFigures) {
    (void)store.enqueue("k", "a", "p", t0);
    (void)store.enqueue("k", "b", "p", t0);
    (void)store.enqueue("k", "c", "p", t0);
    (void)store.enqueue("k", "d", "p", t0);
    const auto a = store.claim_next(t0);
    const auto b = store.claim_next(t0);
    const auto c = store.claim_next(t0);
    ASSERT_TRUE(a && b && c);
    store.mark_failed(b->id, "permanent", std::nullopt);
    store.mark_done(c->id, t0);

    store.put_sync_cursor({.object_name = "Opportunity", .updated_at = t0 + 5s});
    store.put_sync_cursor({.object_name = "Account", .updated_at = t0 + 9s});
    store.put_sync_cursor({.object_name = "Contract", .updated_at = t0 + 7s});

    store.execute_for_test(
        "INSERT INTO invoice_runs (cutoff_date, selection, started_by, state, started_at, finished_at,"
        " plans_selected, invoices_created, plans_failed) VALUES"
        " ('2026-10-31', '{}', 'schedule', 'finished', '2026-11-01T02:00:00.000Z', "
        "'2026-11-01T02:03:00.000Z',"
        "  120, 118, 2),"
        " ('2026-11-30', '{\"legal_entity\":\"de\"}', 'manual', 'running', '2026-11-27T08:00:00.000Z', NULL,"
        "  40, 12, 0)"
    );

    const store_status s = store.status();
    EXPECT_EQ(s.outbox_pending, 1u);
    EXPECT_EQ(s.outbox_in_flight, 1u);
    EXPECT_EQ(s.outbox_failed, 1u);
    ASSERT_TRUE(s.last_sync.has_value());
    EXPECT_EQ(s.last_sync->object_name, "Account");
    EXPECT_EQ(s.last_sync->updated_at, t0 + 9s);
    ASSERT_TRUE(s.last_run.has_value());
    EXPECT_EQ(s.last_run->id, 2);
    EXPECT_EQ(s.last_run->cutoff_date, std::chrono::year{2026} / 11 / 30);
    EXPECT_EQ(s.last_run->state, "running");
    EXPECT_EQ(s.last_run->started_at, t0 - 1h);
    EXPECT_FALSE(s.last_run->finished_at.has_value());
    EXPECT_EQ(s.last_run->plans_selected, 40);
    EXPECT_EQ(s.last_run->invoices_created, 12);
    EXPECT_EQ(s.last_run->plans_failed, 0);
}

TEST_F(SqliteStoreTest, CheckpointAndChecksOnAHealthyStore) {
    for (int i = 0; i < 50; ++i) {
        (void)store.enqueue("k", "key-" + std::to_string(i), std::string(500, 'x'), t0);
    }
    const checkpoint_result result = store.checkpoint();
    EXPECT_FALSE(result.busy);
    EXPECT_GT(result.wal_frames, 0);
    EXPECT_EQ(result.checkpointed, result.wal_frames);
    EXPECT_TRUE(store.integrity_check().empty());
    EXPECT_TRUE(store.foreign_key_check().empty());
}

TEST_F(SqliteStoreTest, ChecksReportProblems) {
    // Foreign keys off on a side connection is the only way to write an orphan; the store never does.
    store.execute_for_test("PRAGMA foreign_keys = OFF");
    store.execute_for_test(
        "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, net_amount,"
        " tax_category, tax_rate) VALUES (4711, 1, 'orphan', '1', '1', '1', 'S', '19')"
    );
    store.execute_for_test("PRAGMA foreign_keys = ON");
    const auto problems = store.foreign_key_check();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_THAT(problems[0], HasSubstr("invoice_lines rowid 1 -> invoices"));
}

}  // namespace
}  // namespace fakturad::store
