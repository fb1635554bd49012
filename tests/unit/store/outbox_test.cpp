// The outbox contract (DESIGN.md): intent committed first, idempotent by key, claimed by one worker,
// done/failed/retried, and an in-flight message repeated after a crash.

#include "fakturad/store/sqlite_store.hpp"
#include "store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace fakturad::store {
namespace {

using namespace std::chrono_literals;
using test_support::capturing_logger;
using test_support::t0;
using test_support::temp_dir;

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80           ? 1
                                   : (lead >> 5) == 0x6  ? 2
                                   : (lead >> 4) == 0xe  ? 3
                                   : (lead >> 3) == 0x1e ? 4
                                                         : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

class OutboxTest : public ::testing::Test {
protected:
    sqlite_store open(bool recover_in_flight = true) {
        return sqlite_store::open({.path = db_path, .recover_in_flight = recover_in_flight}, log);
    }

    std::string state_of(outbox_id id) {
        const auto rows = store.query_for_test("SELECT state FROM outbox WHERE id = " + std::to_string(id));
        return rows.empty() ? "<none>" : *rows[0][0];
    }

    temp_dir dir;
    std::filesystem::path db_path = dir.file("fakturad.sqlite");
    capturing_logger log;
    sqlite_store store = open();
};

TEST_F(OutboxTest, EnqueueIsIdempotentByKey) {
    const outbox_id first = store.enqueue("sf.upsert_invoice", "inv-1", R"({"n":1})", t0);
    const outbox_id again = store.enqueue("sf.upsert_invoice", "inv-1", R"({"n":2})", t0 + 1s);
    EXPECT_EQ(first, again);
    const auto rows = store.query_for_test("SELECT count(*), payload, created_at FROM outbox");
    EXPECT_EQ(rows[0][0], "1");
    EXPECT_EQ(rows[0][1], R"({"n":1})");  // the first payload wins
    EXPECT_EQ(rows[0][2], "2026-11-27T09:00:00.000Z");
    EXPECT_NE(store.enqueue("sf.upsert_invoice", "inv-2", "{}", t0), first);
}

TEST_F(OutboxTest, KeyReusedByAnotherKindIsAnError) {
    (void)store.enqueue("sf.upsert_invoice", "key", "{}", t0);
    EXPECT_THROW((void)store.enqueue("mail.send", "key", "{}", t0), store_error);
}

TEST_F(OutboxTest, ClaimTakesTheEarliestDueMessageAndCountsTheAttempt) {
    const auto a = store.enqueue("k", "a", "pa", t0);
    const auto b = store.enqueue("k", "b", "pb", t0 + 1s);
    EXPECT_FALSE(store.claim_next(t0 - 1ms).has_value()) << "nothing is due before t0";

    const auto first = store.claim_next(t0 + 2s);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->id, a);
    EXPECT_EQ(first->kind, "k");
    EXPECT_EQ(first->idempotency_key, "a");
    EXPECT_EQ(first->payload, "pa");
    EXPECT_EQ(first->attempts, 1);
    EXPECT_FALSE(first->last_error.has_value());
    EXPECT_EQ(state_of(a), "in_flight");

    const auto second = store.claim_next(t0 + 2s);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->id, b);
    EXPECT_FALSE(store.claim_next(t0 + 2s).has_value()) << "an in-flight message is not claimed twice";
}

TEST_F(OutboxTest, DoneIsFinal) {
    const auto id = store.enqueue("k", "a", "p", t0);
    const auto claimed = store.claim_next(t0);
    ASSERT_TRUE(claimed.has_value());
    store.mark_done(id, t0 + 1s);
    EXPECT_EQ(state_of(id), "done");
    EXPECT_EQ(store.query_for_test("SELECT done_at FROM outbox")[0][0], "2026-11-27T09:00:01.000Z");
    EXPECT_FALSE(store.claim_next(t0 + 1h).has_value());
    EXPECT_THROW(store.mark_done(id, t0 + 2s), store_error) << "done twice is a worker bug";
    EXPECT_EQ(store.enqueue("k", "a", "p", t0 + 3s), id) << "a done key still deduplicates";
}

TEST_F(OutboxTest, RetryableFailureComesBackWhenDue) {
    const auto id = store.enqueue("k", "a", "p", t0);
    ASSERT_TRUE(store.claim_next(t0).has_value());
    store.mark_failed(id, "HTTP 503 Service Unavailable", t0 + 60s);
    EXPECT_EQ(state_of(id), "pending");
    EXPECT_FALSE(store.claim_next(t0 + 59s).has_value());

    const auto retry = store.claim_next(t0 + 60s);
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(retry->id, id);
    EXPECT_EQ(retry->attempts, 2);
    EXPECT_EQ(retry->idempotency_key, "a");
    EXPECT_EQ(retry->last_error, "HTTP 503 Service Unavailable");

    store.mark_done(id, t0 + 61s);
    EXPECT_EQ(store.query_for_test("SELECT last_error FROM outbox")[0][0], std::nullopt);
}

TEST_F(OutboxTest, PermanentFailureStaysFailed) {
    const auto id = store.enqueue("k", "a", "p", t0);
    ASSERT_TRUE(store.claim_next(t0).has_value());
    store.mark_failed(id, "HTTP 400 INVALID_FIELD", std::nullopt);
    EXPECT_EQ(state_of(id), "failed");
    EXPECT_FALSE(store.claim_next(t0 + 24h).has_value());
    EXPECT_EQ(store.status().outbox_failed, 1u);
    EXPECT_THROW(store.mark_failed(id, "again", std::nullopt), store_error);
}

TEST_F(OutboxTest, LongErrorTextIsTruncated) {
    const auto id = store.enqueue("k", "a", "p", t0);
    ASSERT_TRUE(store.claim_next(t0).has_value());
    // The cut at 1000 bytes falls inside the two bytes of "Ü"; the character must not be split.
    std::string error = std::string(999, 'a') + "Überlauf";
    while (error.size() < 5000) {
        error += " Fehler";
    }
    store.mark_failed(id, error, t0 + 1s);
    const auto stored = *store.query_for_test("SELECT last_error FROM outbox")[0][0];
    EXPECT_EQ(stored, std::string(999, 'a') + "...");
    EXPECT_EQ(stored.substr(stored.size() - 3), "...");
    EXPECT_TRUE(is_valid_utf8(stored));
}

TEST_F(OutboxTest, InFlightMessageIsRepeatedAfterACrash) {
    const auto id = store.enqueue("sf.upsert_invoice", "inv-7", "p", t0);
    ASSERT_TRUE(store.claim_next(t0).has_value());
    // The process dies between the call and mark_done: the message stays in flight in the file.
    store = open();
    EXPECT_EQ(log.count("store outbox messages in flight at the last stop will be repeated"), 1u);
    EXPECT_EQ(state_of(id), "pending");
    const auto again = store.claim_next(t0 + 1s);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->id, id);
    EXPECT_EQ(again->idempotency_key, "inv-7") << "the repeated call carries the same key";
    EXPECT_EQ(again->attempts, 2);
}

TEST_F(OutboxTest, WorkerConnectionsDoNotRecoverSiblingsMessages) {
    const auto id = store.enqueue("k", "a", "p", t0);
    ASSERT_TRUE(store.claim_next(t0).has_value());
    auto worker = open(/*recover_in_flight=*/false);
    EXPECT_EQ(state_of(id), "in_flight");
    EXPECT_FALSE(worker.claim_next(t0 + 1h).has_value());
}

TEST_F(OutboxTest, EnqueueCommitsOrRollsBackWithTheTransaction) {
    {
        transaction tx(store);
        (void)store.enqueue("k", "rolled-back", "p", t0);
    }
    {
        transaction tx(store);
        (void)store.enqueue("k", "committed", "p", t0);
        tx.commit();
    }
    const auto rows = store.query_for_test("SELECT idempotency_key FROM outbox");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0], "committed");
}

TEST_F(OutboxTest, TwoConnectionsNeverClaimTheSameMessage) {
    auto other = open(/*recover_in_flight=*/false);
    for (int i = 0; i < 20; ++i) {
        (void)store.enqueue("k", "m" + std::to_string(i), "p", t0);
    }
    std::set<outbox_id> seen;
    for (int i = 0; i < 10; ++i) {
        const auto a = store.claim_next(t0);
        const auto b = other.claim_next(t0);
        ASSERT_TRUE(a && b);
        EXPECT_TRUE(seen.insert(a->id).second);
        EXPECT_TRUE(seen.insert(b->id).second);
    }
    EXPECT_FALSE(store.claim_next(t0).has_value());
}

}  // namespace
}  // namespace fakturad::store
