// The invariants that the initial schema itself protects: exactly-once billing periods, exact money
// text, timestamp format, immutable finalized invoices and number ranges that never go back.

#include "fakturad/store/sqlite_store.hpp"
#include "store_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fakturad::store {
namespace {

using test_support::temp_dir;
using ::testing::HasSubstr;

using test_support::ts;

class SchemaTest : public ::testing::Test {
protected:
    void SetUp() override {
        store.execute_for_test(
            test_support::seed_entity_account_plan_sql() +
            "INSERT INTO plan_items (id, plan_id, source_item_key, description, charge_type, pricing_model,"
            " pricing_data, quantity, start_date, timing, created_at, updated_at) VALUES (1, 1, 'line-1', "
            "'Hosting',"
            " 'recurring', 'per_unit', '{\"EUR\":\"49.9\"}', '3', '2026-01-01', 'in_advance', " +
            std::string(ts) + ", " + std::string(ts) +
            ");"
            "INSERT INTO number_ranges (id, legal_entity_id, document_type, period_key, pattern, next_value)"
            " VALUES (1, 1, 'invoice', '2026', 'RE-{yyyy}-{seq:05}', 1);"
        );
        insert_draft(1);
        insert_draft(2);
    }

    void insert_draft(int id) {
        store.execute_for_test(
            "INSERT INTO invoices (id, legal_entity_id, account_id, plan_id, type_code, currency, language,"
            " total_net, total_tax, total_gross, created_at, updated_at) VALUES (" +
            std::to_string(id) + ", 1, 1, 1, 'invoice', 'EUR', 'de', '149.7', '28.44', '178.14', " +
            std::string(ts) + ", " + std::string(ts) +
            ");"
            "INSERT INTO invoice_lines (invoice_id, position, item_id, description, quantity, unit_price,"
            " net_amount, tax_category, tax_rate) VALUES (" +
            std::to_string(id) + ", 1, 1, 'Hosting', '3', '49.9', '149.7', 'S', '19')"
        );
    }

    void finalize(int id, const std::string& number, int value) {
        store.execute_for_test(
            "UPDATE number_ranges SET next_value = " + std::to_string(value + 1) +
            " WHERE id = 1;"
            "UPDATE invoices SET status = 'finalized', number = '" +
            number +
            "', number_range_id = 1,"
            " number_value = " +
            std::to_string(value) + ", issue_date = '2026-11-27', finalized_at = " + std::string(ts) +
            " WHERE id = " + std::to_string(id)
        );
    }

    void bill_period(int invoice_id, const std::string& start) {
        store.execute_for_test(
            "INSERT INTO billed_periods (item_id, period_start, period_end, invoice_id, created_at)"
            " VALUES (1, '" +
            start + "', date('" + start + "', '+1 month', '-1 day'), " + std::to_string(invoice_id) + ", " +
            std::string(ts) + ")"
        );
    }

    // The message of the store_error that `sql` throws, or "" when it succeeds.
    std::string error_of(const std::string& sql) {
        try {
            store.execute_for_test(sql);
        } catch (const store_error& e) {
            return e.what();
        }
        return "";
    }

    temp_dir dir;
    null_logger log;
    sqlite_store store = sqlite_store::open({.path = dir.file("fakturad.sqlite")}, log);
};

TEST_F(SchemaTest, APeriodOfAnItemIsBilledOnlyOnce) {
    bill_period(1, "2026-11-01");
    bill_period(1, "2026-12-01");
    try {
        bill_period(2, "2026-11-01");
        FAIL() << "the same item and period start must not be billed twice";
    } catch (const store_error& e) {
        EXPECT_TRUE(e.is_constraint_violation());
        EXPECT_THAT(
            e.what(),
            HasSubstr("UNIQUE constraint failed: billed_periods.item_id, billed_periods.period_start")
        );
    }
}

TEST_F(SchemaTest, DeletingADraftReleasesItsPeriods) {
    bill_period(2, "2026-11-01");
    store.execute_for_test("DELETE FROM invoices WHERE id = 2");
    EXPECT_EQ(store.query_for_test("SELECT count(*) FROM invoice_lines WHERE invoice_id = 2")[0][0], "0");
    bill_period(1, "2026-11-01");
}

TEST_F(SchemaTest, PeriodsOfAFinalizedInvoiceStayBilled) {
    bill_period(1, "2026-11-01");
    finalize(1, "RE-2026-00001", 1);
    EXPECT_THAT(error_of("DELETE FROM billed_periods"), HasSubstr("stay billed"));
    EXPECT_THAT(
        error_of("DELETE FROM invoices WHERE id = 1"), HasSubstr("only a draft invoice can be deleted")
    );
}

TEST_F(SchemaTest, ForeignKeysAreEnforced) {
    EXPECT_THAT(
        error_of(
            "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, net_amount,"
            " tax_category, tax_rate) VALUES (999, 1, 'x', '1', '1', '1', 'S', '19')"
        ),
        HasSubstr("FOREIGN KEY constraint failed")
    );
}

TEST_F(SchemaTest, DecimalsMustBeCanonicalText) {
    struct row {
        std::string value;
        bool accepted;
    };
    const row table[] = {
        {"'0'", true},      {"'12.3'", true}, {"'-0.05'", true}, {"'100'", true},   {"'1234567.891'", true},
        {"'12.30'", false}, {"'012'", false}, {"'-0'", false},   {"'1.'", false},   {"'.5'", false},
        {"' 1'", false},    {"'+1'", false},  {"'1e5'", false},  {"'1,5'", false},  {"'1.2.3'", false},
        {"'1-2'", false},   {"''", false},    {"'-'", false},    {"'00.5'", false}, {"1e300", false},
    };
    int n = 0;
    for (const auto& [value, accepted] : table) {
        const std::string error = error_of(
            "INSERT INTO usage_records (external_id, item_id, quantity, occurred_at, received_at) VALUES "
            "('u" +
            std::to_string(++n) + "', 1, " + value + ", " + std::string(ts) + ", " + std::string(ts) + ")"
        );
        EXPECT_EQ(error.empty(), accepted) << value << ": " << error;
    }
}

TEST_F(SchemaTest, MoneyIsNeverStoredAsReal) {
    // STRICT: the column holds TEXT whatever is bound.  A REAL bound by mistake is converted to its text,
    // which the canonical-form CHECK refuses whenever SQLite spells it with an exponent or ".0".
    const auto rows = store.query_for_test(
        "SELECT count(*) FROM invoices WHERE typeof(total_net) <> 'text' OR typeof(total_gross) <> 'text'"
    );
    EXPECT_EQ(rows[0][0], "0");
    EXPECT_THAT(
        error_of("UPDATE invoices SET total_net = 1e300 WHERE id = 1"), HasSubstr("CHECK constraint failed")
    );
    EXPECT_THAT(
        error_of("UPDATE invoices SET total_net = 12.0 WHERE id = 1"), HasSubstr("CHECK constraint failed")
    );
    EXPECT_THAT(
        error_of("UPDATE invoices SET total_net = x'3132' WHERE id = 1"), HasSubstr("cannot store BLOB")
    );
}

TEST_F(SchemaTest, TimestampsAreIsoUtcWithMilliseconds) {
    const auto insert = [&](const std::string& at) {
        return error_of(
            "INSERT INTO outbox (kind, idempotency_key, payload, next_attempt_at, created_at) VALUES ('k', "
            "'" +
            at + "', 'p', '" + at + "', '2026-11-27T09:00:00.000Z')"
        );
    };
    EXPECT_EQ(insert("2026-11-27T09:00:00.123Z"), "");
    EXPECT_NE(insert("2026-11-27 09:00:00"), "");
    EXPECT_NE(insert("2026-11-27T09:00:00Z"), "");
    EXPECT_NE(insert("2026-11-27T09:00:00.000+01:00"), "");
    EXPECT_NE(insert("2026-02-30T09:00:00.000Z"), "");
}

TEST_F(SchemaTest, FinalizedInvoiceIsImmutable) {
    finalize(1, "RE-2026-00001", 1);
    EXPECT_THAT(error_of("UPDATE invoices SET total_net = '1' WHERE id = 1"), HasSubstr("immutable"));
    EXPECT_THAT(error_of("UPDATE invoices SET status = 'draft' WHERE id = 1"), HasSubstr("only goes draft"));
    EXPECT_THAT(
        error_of("UPDATE invoice_lines SET net_amount = '1' WHERE invoice_id = 1"), HasSubstr("immutable")
    );
    EXPECT_THAT(
        error_of(
            "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit_price, net_amount,"
            " tax_category, tax_rate) VALUES (1, 2, 'extra', '1', '1', '1', 'S', '19')"
        ),
        HasSubstr("immutable")
    );
    EXPECT_EQ(
        error_of(
            "UPDATE invoices SET status = 'cancelled', cancelled_at = '2026-11-28T09:00:00.000Z' WHERE id = 1"
        ),
        ""
    );
}

TEST_F(SchemaTest, FinalizedInvoiceNeedsANumber) {
    EXPECT_THAT(
        error_of(
            "UPDATE invoices SET status = 'finalized', issue_date = '2026-11-27', finalized_at = " +
            std::string(ts) + " WHERE id = 1"
        ),
        HasSubstr("CHECK constraint failed")
    );
}

TEST_F(SchemaTest, InvoiceNumberIsUniquePerLegalEntity) {
    finalize(1, "RE-2026-00001", 1);
    EXPECT_THAT(
        error_of(
            "UPDATE invoices SET status = 'finalized', number = 'RE-2026-00001', number_range_id = 1,"
            " number_value = 2, issue_date = '2026-11-27', finalized_at = " +
            std::string(ts) + " WHERE id = 2"
        ),
        HasSubstr("UNIQUE constraint failed: invoices.legal_entity_id, invoices.number")
    );
}

TEST_F(SchemaTest, NumberRangeNeverGoesBackAndVoidsAreLogged) {
    finalize(1, "RE-2026-00001", 1);
    EXPECT_THAT(
        error_of("UPDATE number_ranges SET next_value = 1 WHERE id = 1"), HasSubstr("only moves forward")
    );
    EXPECT_THAT(error_of("DELETE FROM number_ranges"), HasSubstr("never deleted"));
    EXPECT_THAT(
        error_of(
            "INSERT INTO number_voids (number_range_id, value, number, reason, voided_at)"
            " VALUES (1, 5, 'RE-2026-00005', 'not drawn yet', " +
            std::string(ts) + ")"
        ),
        HasSubstr("only a number that was drawn")
    );
    store.execute_for_test("UPDATE number_ranges SET next_value = 3 WHERE id = 1");
    EXPECT_EQ(
        error_of(
            "INSERT INTO number_voids (number_range_id, value, number, reason, voided_at)"
            " VALUES (1, 2, 'RE-2026-00002', 'finalization aborted after drawing', " +
            std::string(ts) + ")"
        ),
        ""
    );
    EXPECT_THAT(error_of("DELETE FROM number_voids"), HasSubstr("append-only"));
    EXPECT_THAT(error_of("UPDATE number_voids SET reason = 'x'"), HasSubstr("append-only"));
}

}  // namespace
}  // namespace fakturad::store
