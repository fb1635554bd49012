#include "fakturad/vies/scheduling.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <string>

namespace fakturad::vies {
namespace {

using namespace std::chrono_literals;

// Returns the scripted values in order (modulo the bound), then the largest allowed value.
class scripted_random final : public random_source {
public:
    std::deque<std::uint64_t> values;
    std::vector<std::uint64_t> bounds;
    std::uint64_t below(std::uint64_t n) override {
        bounds.push_back(n);
        if (values.empty()) {
            return n - 1;
        }
        const auto v = values.front() % n;
        values.pop_front();
        return v;
    }
};

check_outcome answered(bool valid) {
    parsed_response r;
    r.answer = check_answer{};
    r.answer->valid = valid;
    return outcome_of(r);
}

check_outcome faulted(fault f) {
    parsed_response r;
    r.fault = fault_answer{f, std::string(to_string(f)), ""};
    return outcome_of(r);
}

std::vector<check_request> requests(std::initializer_list<const char*> countries) {
    std::vector<check_request> out;
    int n = 0;
    for (const char* c : countries) {
        out.push_back(check_request{{c, std::to_string(100000000 + n++)}, std::nullopt, "", "", "", "", ""});
    }
    return out;
}

TEST(Backoff, FullJitterUnderAnExponentialCappedCeiling) {
    backoff_policy p{2s, 15min, 8};
    scripted_random r;
    EXPECT_EQ(backoff_delay(p, 1, r), 2000ms);  // max value: the ceiling itself
    EXPECT_EQ(backoff_delay(p, 2, r), 4000ms);
    EXPECT_EQ(backoff_delay(p, 3, r), 8000ms);
    EXPECT_EQ(backoff_delay(p, 30, r), 15min);  // capped, no overflow
    EXPECT_EQ(r.bounds, (std::vector<std::uint64_t>{2001, 4001, 8001, 900001}));
    r.values = {0, 1234};
    EXPECT_EQ(backoff_delay(p, 5, r), 0ms);  // full jitter reaches zero
    EXPECT_EQ(backoff_delay(p, 5, r), 1234ms);
}

TEST(Limiter, PerMemberStateAndGlobal) {
    concurrency_limiter l({2, 3});
    EXPECT_TRUE(l.try_acquire("DE"));
    EXPECT_TRUE(l.try_acquire("DE"));
    EXPECT_FALSE(l.try_acquire("DE"));
    EXPECT_TRUE(l.try_acquire("FR"));
    EXPECT_FALSE(l.try_acquire("IT"));  // global limit
    l.release("DE");
    EXPECT_TRUE(l.try_acquire("IT"));
    EXPECT_EQ(l.in_flight("DE"), 1U);
    EXPECT_EQ(l.in_flight(), 3U);
    EXPECT_EQ(l.peak_per_member_state(), 2U);
}

// Drives a scheduler with a fake clock and scripted answers; checks the limits at every step.
struct driver {
    explicit driver(batch_scheduler& sched) : s(sched) {}
    batch_scheduler& s;
    time_point now{};
    std::map<std::string, unsigned> in_flight;
    unsigned max_per_state = 0;
    std::vector<std::size_t> pending;

    batch_action send_all(batch_action a) {
        while (a.what == batch_action::kind::send) {
            auto& n = in_flight[s.items()[a.item].target.country];
            ++n;
            max_per_state = std::max(max_per_state, n);
            pending.push_back(a.item);
            a = s.resume(batch_event::tick{}, now);
        }
        return a;
    }
    batch_action complete(std::size_t item, check_outcome o) {
        --in_flight[s.items()[item].target.country];
        return send_all(s.resume(batch_event::completed{item, std::move(o)}, now));
    }
};

TEST(BatchScheduler, ChecksStatusFirstAndParksUnavailableStates) {
    scripted_random r;
    batch_scheduler s(requests({"DE", "FR", "DE"}), batch_options{}, r);
    auto a = s.resume(batch_event::start{}, {});
    ASSERT_EQ(a.what, batch_action::kind::check_status);
    status_answer st;
    st.countries = {{"DE", availability::unavailable}, {"FR", availability::available}};
    a = s.resume(batch_event::status{st}, {});
    ASSERT_EQ(a.what, batch_action::kind::send);
    EXPECT_EQ(a.item, 1U);
    EXPECT_TRUE(s.results()[0].resolved);
    EXPECT_EQ(s.results()[0].outcome.result, verdict::unconfirmed);
    EXPECT_EQ(s.results()[0].attempts, 0U);
    a = s.resume(batch_event::completed{1, answered(true)}, {});
    EXPECT_EQ(a.what, batch_action::kind::done);
    EXPECT_EQ(s.results()[1].outcome.result, verdict::valid);
}

TEST(BatchScheduler, TemporaryFaultsRetryWithBackoffAndNeverBecomeInvalid) {
    scripted_random r;
    r.values = {500, 100, 700, 50};  // item delay, state pause, item delay, state pause
    batch_options o;
    o.check_status_first = false;
    o.backoff = {1000ms, 60s, 5};
    batch_scheduler s(requests({"DE"}), o, r);
    driver d(s);
    auto a = d.send_all(s.resume(batch_event::start{}, d.now));
    ASSERT_EQ(d.pending.size(), 1U);
    a = d.complete(0, faulted(fault::ms_max_concurrent_req));
    ASSERT_EQ(a.what, batch_action::kind::wait);
    EXPECT_EQ(a.until, d.now + 500ms);
    d.now += 499ms;
    EXPECT_EQ(s.resume(batch_event::tick{}, d.now).what, batch_action::kind::wait);
    d.now += 1ms;
    a = d.send_all(s.resume(batch_event::tick{}, d.now));
    EXPECT_EQ(d.pending.size(), 2U);
    a = d.complete(0, faulted(fault::timeout));
    ASSERT_EQ(a.what, batch_action::kind::wait);
    EXPECT_EQ(a.until, d.now + 700ms);
    EXPECT_EQ(r.bounds[2], 2001U);  // second retry: ceiling doubled
    EXPECT_FALSE(s.results()[0].resolved);
    EXPECT_EQ(s.results()[0].outcome.result, verdict::unconfirmed);
    d.now += 700ms;
    d.send_all(s.resume(batch_event::tick{}, d.now));
    a = d.complete(0, answered(false));
    EXPECT_EQ(a.what, batch_action::kind::done);
    EXPECT_EQ(s.results()[0].outcome.result, verdict::invalid);
    EXPECT_EQ(s.results()[0].attempts, 3U);
}

TEST(BatchScheduler, GivesUpAsUnconfirmedAfterMaxAttempts) {
    scripted_random r;
    batch_options o;
    o.check_status_first = false;
    o.backoff = {10ms, 100ms, 3};
    batch_scheduler s(requests({"IT"}), o, r);
    driver d(s);
    auto a = d.send_all(s.resume(batch_event::start{}, d.now));
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(d.pending.size(), static_cast<std::size_t>(i + 1));
        a = d.complete(0, faulted(fault::service_unavailable));
        d.now += 1s;
        if (a.what == batch_action::kind::wait) {
            a = d.send_all(s.resume(batch_event::tick{}, d.now));
        }
    }
    EXPECT_EQ(a.what, batch_action::kind::done);
    EXPECT_TRUE(s.results()[0].resolved);
    EXPECT_EQ(s.results()[0].outcome.result, verdict::unconfirmed);
    EXPECT_EQ(s.results()[0].attempts, 3U);
    EXPECT_NE(s.results()[0].outcome.detail.find("gave up after 3"), std::string::npos);
}

TEST(BatchScheduler, NeverMoreThanTheAllowedConcurrencyPerMemberState) {
    scripted_random r;
    r.values = {};
    batch_options o;
    o.check_status_first = false;
    o.limits = {2, 5};
    o.backoff = {10ms, 80ms, 50};
    std::vector<check_request> items;
    const char* states[] = {"DE", "DE", "DE", "FR", "FR", "IT", "DE", "DE", "AT", "DE"};
    for (int round = 0; round < 30; ++round) {
        for (const char* c : states) {
            items.push_back(check_request{{c, std::to_string(items.size())}, std::nullopt, "", "", "", "", ""}
            );
        }
    }
    batch_scheduler s(items, o, r);
    driver d(s);
    auto a = d.send_all(s.resume(batch_event::start{}, d.now));
    unsigned step = 0;
    while (a.what != batch_action::kind::done) {
        ASSERT_LT(++step, 100000U);
        if (d.pending.empty()) {
            ASSERT_EQ(a.what, batch_action::kind::wait);
            ASSERT_NE(a.until, time_point::max());
            d.now = a.until;
            a = d.send_all(s.resume(batch_event::tick{}, d.now));
            continue;
        }
        const auto item = d.pending.front();
        d.pending.erase(d.pending.begin());
        d.now += 3ms;
        // Every third answer is a member-state concurrency fault.
        a = d.complete(item, step % 3 == 0 ? faulted(fault::ms_max_concurrent_req) : answered(true));
    }
    EXPECT_LE(d.max_per_state, 2U);
    EXPECT_EQ(d.max_per_state, 2U);
    EXPECT_EQ(s.limiter().peak_per_member_state(), 2U);
    for (const auto& res : s.results()) {
        EXPECT_TRUE(res.resolved);
        EXPECT_EQ(res.outcome.result, verdict::valid);
    }
}

TEST(BatchScheduler, IpBlockedStopsEverythingAndAsksForAnAlert) {
    scripted_random r;
    batch_options o;
    o.check_status_first = false;
    o.limits = {1, 2};
    batch_scheduler s(requests({"DE", "FR", "IT", "AT"}), o, r);
    driver d(s);
    auto a = d.send_all(s.resume(batch_event::start{}, d.now));
    ASSERT_EQ(d.pending.size(), 2U);  // global limit
    a = s.resume(batch_event::completed{0, faulted(fault::ip_blocked)}, d.now);
    ASSERT_EQ(a.what, batch_action::kind::halt);
    EXPECT_EQ(a.reason, halt_reason::ip_blocked);
    EXPECT_EQ(s.halted(), halt_reason::ip_blocked);
    a = s.resume(batch_event::tick{}, d.now);
    EXPECT_EQ(a.what, batch_action::kind::wait);  // item 1 still in flight, nothing new is sent
    a = s.resume(batch_event::completed{1, answered(true)}, d.now);
    EXPECT_EQ(a.what, batch_action::kind::done);
    EXPECT_EQ(s.results()[1].outcome.result, verdict::valid);  // a real answer still counts
    for (std::size_t i : {0U, 2U, 3U}) {
        EXPECT_EQ(s.results()[i].outcome.result, verdict::unconfirmed) << i;
        EXPECT_TRUE(s.results()[i].resolved);
    }
    EXPECT_EQ(s.results()[2].attempts, 0U);
    EXPECT_NE(s.results()[2].outcome.detail.find("IP_BLOCKED"), std::string::npos);
}

TEST(BatchScheduler, InvalidRequesterStopsTheBatchAsAConfigurationError) {
    scripted_random r;
    batch_options o;
    o.check_status_first = false;
    batch_scheduler s(requests({"DE", "FR"}), o, r);
    driver d(s);
    d.send_all(s.resume(batch_event::start{}, d.now));
    auto a = s.resume(batch_event::completed{0, faulted(fault::invalid_requester_info)}, d.now);
    EXPECT_EQ(a.what, batch_action::kind::halt);
    EXPECT_EQ(a.reason, halt_reason::invalid_requester);
}

TEST(BatchScheduler, FinalFaultsResolveImmediately) {
    scripted_random r;
    batch_options o;
    o.check_status_first = false;
    o.limits = {1, 4};
    batch_scheduler s(requests({"DE", "FR"}), o, r);
    driver d(s);
    d.send_all(s.resume(batch_event::start{}, d.now));
    d.complete(0, faulted(fault::invalid_input));
    auto a = d.complete(1, faulted(fault::vat_blocked));
    EXPECT_EQ(a.what, batch_action::kind::done);
    EXPECT_EQ(s.results()[0].outcome.result, verdict::invalid);
    EXPECT_EQ(s.results()[1].outcome.result, verdict::unconfirmed);
    EXPECT_EQ(s.results()[1].attempts, 1U);
}

TEST(BatchScheduler, EmptyBatchIsDoneAtOnce) {
    scripted_random r;
    batch_scheduler s({}, batch_options{}, r);
    EXPECT_EQ(s.resume(batch_event::start{}, {}).what, batch_action::kind::done);
}

}  // namespace
}  // namespace fakturad::vies
