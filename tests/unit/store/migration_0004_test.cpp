// Migration 0004_sync_and_runs on a database at version 3 that holds data: item rows keep their ids (and
// the billed periods, lines and usage that refer to them), usage gets its date, quarantine its problems,
// runs their counters, invoices their finalization order; a stairstep item can be stored afterwards.
#include "fakturad/store/migration.hpp"
#include "fakturad/store/plan_store.hpp"
#include "fakturad/store/sqlite_store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fakturad::store {
namespace {

using namespace test_support;

std::string scalar(sqlite_store& store, std::string_view sql) {
    const auto rows = store.query_for_test(sql);
    return rows.empty() || rows[0].empty() || !rows[0][0] ? std::string("NULL") : *rows[0][0];
}

// Two invoices on plan 1's item 7 (the second finalized first), a billed period with usage linked to it,
// a quarantined record and a finished run, all written with the version 3 schema.
std::string version_3_data_sql() {
    const std::string t(ts);
    const std::string later = "'2026-11-28T09:00:00.000Z'";
    return seed_entity_account_plan_sql() +
           "INSERT INTO plan_items (id, plan_id, source_item_key, description, charge_type, pricing_model,"
           " pricing_data, quantity, start_date, timing, created_at, updated_at) VALUES (7, 1, 'licences',"
           " 'Licences', 'recurring', 'per_unit', '{}', '5', '2026-01-01', 'in_advance', " +
           t + ", " + t +
           ");"
           "INSERT INTO invoice_runs (id, cutoff_date, selection, started_by, state, started_at, finished_at,"
           " plans_selected, invoices_created) VALUES (1, '2026-01-01', '{\"kind\":\"all\"}', 'schedule',"
           " 'finished', " +
           t + ", " + t +
           ", 1, 2);"
           "INSERT INTO number_ranges (id, legal_entity_id, document_type, period_key, pattern, next_value)"
           " VALUES (1, 1, 'invoice', '2026', 'RE-{YYYY}-{seq:06}', 3);"
           "INSERT INTO invoices (id, legal_entity_id, account_id, plan_id, run_id, type_code, currency,"
           " language, total_net, total_tax, total_gross, created_at, updated_at, document) VALUES"
           " (1, 1, 1, 1, 1, 'invoice', 'EUR', 'de', '50', '9.5', '59.5', " +
           t + ", " + t +
           ", '{}'),"
           " (2, 1, 1, 1, 1, 'invoice', 'EUR', 'de', '50', '9.5', '59.5', " +
           t + ", " + t +
           ", '{}');"
           "INSERT INTO invoice_lines (id, invoice_id, position, item_id, description, quantity, unit_price,"
           " net_amount, tax_category, tax_rate, period_start, period_end) VALUES"
           " (1, 1, 1, 7, 'Licences', '5', '10', '50', 'S', '19', '2026-01-01', '2026-01-31'),"
           " (2, 2, 1, 7, 'Licences', '5', '10', '50', 'S', '19', '2026-02-01', '2026-02-28');"
           "INSERT INTO billed_periods (id, item_id, period_start, period_end, quantity, billed_net, "
           "invoice_id,"
           " invoice_line_id, created_at) VALUES (1, 7, '2026-01-01', '2026-01-31', '5', '50', 1, 1, " +
           t +
           "),"
           " (2, 7, '2026-02-01', '2026-02-28', '5', '50', 2, 2, " +
           t +
           ");"
           "INSERT INTO usage_records (id, external_id, item_id, quantity, occurred_at, billed_period_id,"
           " received_at) VALUES (1, 'u-1', 7, '12.5', '2026-01-15T23:30:00.000Z', 1, " +
           t +
           ");"
           "UPDATE invoices SET status = 'finalized', number_range_id = 1, number_value = 1,"
           " number = 'RE-2026-000001', issue_date = '2026-01-02', finalized_at = " +
           later +
           " WHERE id = 1;"
           "UPDATE invoices SET status = 'finalized', number_range_id = 1, number_value = 2,"
           " number = 'RE-2026-000002', issue_date = '2026-02-02', finalized_at = " +
           t +
           " WHERE id = 2;"
           "INSERT INTO quarantine (object_name, record_id, reason, first_seen, last_seen) VALUES"
           " ('Contract', '800000000000009AAA', 'StartDate is empty', " +
           t + ", " + t + ");";
}

TEST(migration_0004_test, a_version_3_database_with_data_is_migrated_and_keeps_its_references) {
    temp_dir dir;
    capturing_logger log;
    const auto all = embedded_migrations();
    ASSERT_GE(all.size(), 4u);
    ASSERT_EQ(all[3].name, "sync_and_runs");
    {
        auto v3 =
            sqlite_store::open_with_migrations_for_test({.path = dir.file("f.sqlite")}, log, all.first(3));
        ASSERT_EQ(v3.schema_version(), 3);
        v3.execute_for_test(version_3_data_sql());
    }
    auto store = sqlite_store::open({.path = dir.file("f.sqlite")}, log);
    EXPECT_EQ(store.schema_version(), sqlite_store::latest_schema_version());
    EXPECT_TRUE(store.foreign_key_check().empty());
    EXPECT_TRUE(store.integrity_check().empty());

    EXPECT_EQ(scalar(store, "SELECT id || source_item_key FROM plan_items"), "7licences");
    EXPECT_EQ(scalar(store, "SELECT group_concat(item_id) FROM billed_periods"), "7,7");
    EXPECT_EQ(scalar(store, "SELECT group_concat(item_id) FROM invoice_lines"), "7,7");
    EXPECT_EQ(
        scalar(store, "SELECT item_id || ' ' || billed_period_id || ' ' || date FROM usage_records"),
        "7 1 2026-01-15"
    );
    EXPECT_EQ(
        scalar(store, "SELECT problems || ' ' || (mapping_name IS NULL) FROM quarantine"),
        "[\"StartDate is empty\"] 1"
    );
    EXPECT_EQ(
        scalar(store, "SELECT drafts_created || progress_done || dry_run || finalize FROM invoice_runs"),
        "2000"
    );
    EXPECT_EQ(
        scalar(store, "SELECT group_concat(id || ':' || finalized_seq) FROM invoices ORDER BY id"), "1:2,2:1"
    );
    EXPECT_EQ(scalar(store, "SELECT plan_document IS NULL AND status = 'active' FROM billing_plans"), "1");

    // The rebuilt table still refuses a plan item without its plan, and now takes stairstep pricing.
    EXPECT_THROW(
        store.execute_for_test(
            "INSERT INTO plan_items (plan_id, source_item_key, description, charge_type, pricing_model,"
            " pricing_data, start_date, timing, created_at, updated_at) VALUES (99, 'x', 'x', 'recurring',"
            " 'per_unit', '{}', '2026-01-01', 'in_advance', " +
            std::string(ts) + ", " + std::string(ts) + ")"
        ),
        store_error
    );
    store.execute_for_test(
        "INSERT INTO plan_items (plan_id, source_item_key, description, charge_type, pricing_model,"
        " pricing_data, quantity, start_date, timing, created_at, updated_at) VALUES (1, 'steps', 'Steps',"
        " 'recurring', 'stairstep', '{}', '1', '2026-01-01', 'in_advance', " +
        std::string(ts) + ", " + std::string(ts) + ")"
    );
    // The finalization order of a finalized invoice is frozen with it.
    EXPECT_THROW(store.execute_for_test("UPDATE invoices SET finalized_seq = 5 WHERE id = 1"), store_error);

    // A plan written before 0004 has no document: the repository says so instead of guessing one.
    plan_store plans(store);
    try {
        (void)plans.load_plan("800000000000001AAA");
        FAIL() << "a plan without a document must not load";
    } catch (const store_error& e) {
        EXPECT_NE(
            std::string(e.what()).find("no plan document (written before schema version 4)"),
            std::string::npos
        ) << e.what();
    }
    EXPECT_EQ(plans.count_plans({}), 0u);
}

}  // namespace
}  // namespace fakturad::store
