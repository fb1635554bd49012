// Numbers and billed periods under concurrency: several connections (as the daemon's worker threads, or
// several daemons on one file) finalize and bill at the same time. The store must hand out every number
// exactly once without gaps, and bill a period exactly once, whoever wins the race.
#include "../../unit/store/invoice_store_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace fakturad::store {
namespace {

using namespace test_support;

constexpr int workers = 4;
constexpr int drafts_per_worker = 40;

class concurrent_finalization_test : public invoice_store_fixture {
protected:
    sqlite_store open_worker() {
        return sqlite_store::open(
            {.path = dir_.file("fakturad.sqlite"),
             .busy_timeout = std::chrono::seconds{30},
             .recover_in_flight = false},
            log_
        );
    }
};

TEST_F(concurrent_finalization_test, every_number_is_drawn_once_and_without_gaps) {
    // Manual drafts (they bill no period), so that every worker has its own drafts to finalize.
    const auto plan = licence_plan();
    std::vector<invoice_id> ids;
    for (int i = 0; i < workers * drafts_per_worker; ++i) {
        billing::manual_draft_input input;
        auto line = billing::make_manual_line(
            "Consulting " + std::to_string(i), dec("1"), dec("100.00"), {"S", dec("19")}, currency("EUR")
        );
        ASSERT_TRUE(line);
        input.lines.push_back(*line);
        auto draft = billing::make_manual_draft(plan, input);
        ASSERT_TRUE(draft) << draft.error().message;
        ids.push_back(invoices_->save_draft(*draft, std::nullopt, t0));
    }

    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            try {
                sqlite_store connection = open_worker();
                invoice_store repo(connection);
                for (std::size_t i = static_cast<std::size_t>(w); i < ids.size(); i += workers) {
                    repo.finalize(ids[i], invoice_range(), day("2026-03-31"), t0);
                }
            } catch (const std::exception& e) {
                ++failures;
                ADD_FAILURE() << "worker " << w << ": " << e.what();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    ASSERT_EQ(failures.load(), 0);

    std::set<std::string> numbers;
    for (const auto& row : store_->query_for_test("SELECT number FROM invoices")) {
        ASSERT_TRUE(row[0]);
        numbers.insert(*row[0]);
    }
    ASSERT_EQ(numbers.size(), ids.size()) << "a number was drawn twice";
    for (std::size_t n = 1; n <= ids.size(); ++n) {
        char expected[32];
        std::snprintf(expected, sizeof expected, "RE-2026-%06zu", n);
        EXPECT_TRUE(numbers.contains(expected)) << expected << " is missing: a gap";
    }
    EXPECT_EQ(scalar("SELECT next_value FROM number_ranges"), std::to_string(ids.size() + 1));
    EXPECT_EQ(scalar("SELECT count(*) FROM number_voids"), "0");
}

TEST_F(concurrent_finalization_test, racing_runs_bill_a_period_exactly_once) {
    const auto plan = licence_plan();
    // Every worker computes the same draft from the same (empty) state before any of them writes, as
    // several daemons that read the state at the same moment would.
    const auto drafts = run_on_store(*invoices_, plan, "2026-06-01");
    ASSERT_EQ(drafts.size(), 1u);
    std::atomic<int> stored{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&] {
            sqlite_store connection = open_worker();
            invoice_store repo(connection);
            try {
                repo.save_draft(drafts.front(), std::nullopt, t0);
                ++stored;
            } catch (const already_billed&) {
                ++refused;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(stored.load(), 1);
    EXPECT_EQ(refused.load(), workers - 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM invoices"), "1");
    EXPECT_EQ(scalar("SELECT count(*) FROM billed_periods"), "6") << "January to June, once each";
}

}  // namespace
}  // namespace fakturad::store
