#pragma once
// Sans-I/O scheduling for VIES checks: capped exponential backoff with full jitter, a per-member-state
// concurrency limiter, and the batch scheduler as a state machine (`resume(event, now) -> action`).
// Time and randomness come in as arguments, so tests drive everything with a fake clock and a scripted
// random source.  Not thread-safe: one driver owns one scheduler.

#include "fakturad/vies/protocol.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace fakturad::vies {

using time_point = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

// The randomness port.  below(n) returns a uniformly distributed value in [0, n); n > 0.
class random_source {
public:
    virtual ~random_source() = default;
    virtual std::uint64_t below(std::uint64_t n) = 0;
};

// A seeded generator for the composition root (seed it from std::random_device there) and for tests.
class seeded_random final : public random_source {
public:
    explicit seeded_random(std::uint64_t seed) : engine_(seed) {}
    std::uint64_t below(std::uint64_t n) override {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
    }

private:
    std::mt19937_64 engine_;
};

// Capped exponential backoff with full jitter: attempt k (1-based) waits a uniform random time in
// [0, min(cap, base * 2^(k-1))].  Defaults follow the research notes: 2 s doubling, at most 15 min.
struct backoff_policy {
    milliseconds base{2'000};
    milliseconds cap{15 * 60 * 1'000};
    unsigned max_attempts = 8;  // total tries per number, the first included
};

[[nodiscard]] milliseconds backoff_delay(
    const backoff_policy& policy, unsigned attempt, random_source& random
);

// Per-member-state and global in-flight limits (RAII-free on purpose: the scheduler pairs acquire and
// release explicitly, and tests check the counts).
struct limiter_options {
    unsigned per_member_state = 1;  // VIES advice: 1-2
    unsigned global = 4;
};

class concurrency_limiter {
public:
    explicit concurrency_limiter(limiter_options options);

    // True and counted when both limits leave room for one more request to `country`.
    bool try_acquire(const std::string& country);
    // Precondition: a matching try_acquire succeeded.
    void release(const std::string& country);

    [[nodiscard]] unsigned in_flight(const std::string& country) const;
    [[nodiscard]] unsigned in_flight() const { return total_; }
    // The highest per-state count ever reached (for tests and metrics).
    [[nodiscard]] unsigned peak_per_member_state() const { return peak_; }

private:
    limiter_options options_;
    std::map<std::string, unsigned, std::less<>> per_state_;
    unsigned total_ = 0;
    unsigned peak_ = 0;
};

struct batch_options {
    limiter_options limits;
    backoff_policy backoff;
    bool check_status_first = true;  // ask /check-status and park unavailable member states
};

// Events the driver feeds in.
namespace batch_event {
struct start {};
// The /check-status answer, or nullopt when it could not be fetched (the batch then goes ahead).
struct status {
    std::optional<status_answer> answer;
};
struct completed {
    std::size_t item;
    check_outcome outcome;
};
// Nothing happened except that time passed (a timer fired, or the driver just started a request).
struct tick {};
}  // namespace batch_event

using batch_input =
    std::variant<batch_event::start, batch_event::status, batch_event::completed, batch_event::tick>;

enum class halt_reason : std::uint8_t { none, ip_blocked, invalid_requester };

// What the driver does next.
struct batch_action {
    enum class kind : std::uint8_t {
        check_status,  // fetch /check-status, then resume(status)
        send,          // start the check of items[item] (do not wait for it), then resume(tick)
        wait,          // nothing to start: wait until `until` or the next completion
        halt,          // stop all VIES traffic now and alert (reason); in-flight requests may finish
        done,          // every item has its final outcome and nothing is in flight
    };
    kind what = kind::done;
    std::size_t item = 0;
    time_point until{};
    halt_reason reason = halt_reason::none;
};

// Final (or, after a halt, last) outcome of one item with the number of requests it took.
struct batch_result {
    check_outcome outcome;
    unsigned attempts = 0;
    bool resolved = false;
};

class batch_scheduler {
public:
    batch_scheduler(std::vector<check_request> items, batch_options options, random_source& random);

    batch_action resume(const batch_input& event, time_point now);

    [[nodiscard]] const std::vector<check_request>& items() const { return items_; }
    [[nodiscard]] const std::vector<batch_result>& results() const { return results_; }
    [[nodiscard]] const concurrency_limiter& limiter() const { return limiter_; }
    [[nodiscard]] halt_reason halted() const { return halted_; }

private:
    enum class phase : std::uint8_t { idle, awaiting_status, running };
    struct item_state {
        time_point not_before{};
        bool queued = true;
        bool in_flight = false;
    };

    batch_action next(time_point now);
    void on_completed(std::size_t item, check_outcome outcome, time_point now);
    void finish(std::size_t item, check_outcome outcome);
    void halt(halt_reason reason, const check_outcome& cause);

    std::vector<check_request> items_;
    batch_options options_;
    random_source& random_;
    concurrency_limiter limiter_;
    std::vector<batch_result> results_;
    std::vector<item_state> state_;
    std::map<std::string, time_point, std::less<>> member_state_not_before_;
    time_point global_not_before_{};
    phase phase_ = phase::idle;
    halt_reason halted_ = halt_reason::none;
    bool halt_reported_ = false;
    std::size_t unresolved_ = 0;
    std::size_t cursor_ = 0;
};

}  // namespace fakturad::vies
