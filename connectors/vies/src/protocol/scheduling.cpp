#include "fakturad/vies/scheduling.hpp"

#include <algorithm>

namespace fakturad::vies {

milliseconds backoff_delay(const backoff_policy& policy, unsigned attempt, random_source& random) {
    // Doubling stops once the cap is reached, so the shift never overflows.
    auto ceiling = std::max(policy.base, milliseconds{1});
    for (unsigned i = 1; i < attempt && ceiling < policy.cap; ++i) {
        ceiling *= 2;
    }
    ceiling = std::min(ceiling, std::max(policy.cap, milliseconds{1}));
    const auto span = static_cast<std::uint64_t>(ceiling.count()) + 1;
    return milliseconds{static_cast<milliseconds::rep>(random.below(span))};
}

concurrency_limiter::concurrency_limiter(limiter_options options) : options_(options) {
    options_.per_member_state = std::max(options_.per_member_state, 1U);
    options_.global = std::max(options_.global, 1U);
}

bool concurrency_limiter::try_acquire(const std::string& country) {
    auto& n = per_state_[country];
    if (n >= options_.per_member_state || total_ >= options_.global) {
        return false;
    }
    ++n;
    ++total_;
    peak_ = std::max(peak_, n);
    return true;
}

void concurrency_limiter::release(const std::string& country) {
    auto it = per_state_.find(country);
    if (it != per_state_.end() && it->second > 0) {
        --it->second;
        --total_;
    }
}

unsigned concurrency_limiter::in_flight(const std::string& country) const {
    auto it = per_state_.find(country);
    return it == per_state_.end() ? 0 : it->second;
}

batch_scheduler::batch_scheduler(
    std::vector<check_request> items, batch_options options, random_source& random
)
    : items_(std::move(items)),
      options_(options),
      random_(random),
      limiter_(options.limits),
      results_(items_.size()),
      state_(items_.size()),
      unresolved_(items_.size()) {}

batch_action batch_scheduler::resume(const batch_input& event, time_point now) {
    if (std::holds_alternative<batch_event::start>(event)) {
        if (options_.check_status_first && !items_.empty() && phase_ == phase::idle) {
            phase_ = phase::awaiting_status;
            return batch_action{batch_action::kind::check_status};
        }
        phase_ = phase::running;
    } else if (const auto* s = std::get_if<batch_event::status>(&event)) {
        phase_ = phase::running;
        if (s->answer) {
            for (const auto& c : s->answer->countries) {
                if (c.state != availability::unavailable) {
                    continue;
                }
                for (std::size_t i = 0; i < items_.size(); ++i) {
                    if (!results_[i].resolved && !state_[i].in_flight &&
                        items_[i].target.country == c.country) {
                        check_outcome parked;
                        parked.step = next_step::retry_member_state;
                        parked.detail =
                            "VIES reports member state " + c.country + " unavailable, retry later";
                        finish(i, std::move(parked));
                    }
                }
            }
        }
    } else if (const auto* c = std::get_if<batch_event::completed>(&event)) {
        on_completed(c->item, c->outcome, now);
    }
    return next(now);
}

batch_action batch_scheduler::next(time_point now) {
    if (halted_ != halt_reason::none && !halt_reported_) {
        halt_reported_ = true;
        return batch_action{batch_action::kind::halt, 0, {}, halted_};
    }
    if (phase_ == phase::awaiting_status) {
        return batch_action{batch_action::kind::wait, 0, time_point::max()};
    }
    if (unresolved_ == 0 && limiter_.in_flight() == 0) {
        return batch_action{batch_action::kind::done};
    }
    auto earliest = time_point::max();
    const std::size_t n = items_.size();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = (cursor_ + k) % n;
        auto& st = state_[i];
        if (!st.queued || st.in_flight || results_[i].resolved) {
            continue;
        }
        const auto& country = items_[i].target.country;
        auto due = std::max(st.not_before, global_not_before_);
        if (auto it = member_state_not_before_.find(country); it != member_state_not_before_.end()) {
            due = std::max(due, it->second);
        }
        if (due > now) {
            earliest = std::min(earliest, due);
            continue;
        }
        if (!limiter_.try_acquire(country)) {
            continue;  // a completion for this state (or any state, for the global limit) wakes us
        }
        st.in_flight = true;
        st.queued = false;
        ++results_[i].attempts;
        cursor_ = (i + 1) % n;
        return batch_action{batch_action::kind::send, i};
    }
    return batch_action{batch_action::kind::wait, 0, earliest};
}

void batch_scheduler::on_completed(std::size_t item, check_outcome outcome, time_point now) {
    if (item >= items_.size() || !state_[item].in_flight) {
        return;  // not ours, or reported twice: ignore rather than corrupt the counts
    }
    auto& st = state_[item];
    st.in_flight = false;
    limiter_.release(items_[item].target.country);
    if (results_[item].resolved) {
        return;
    }
    switch (outcome.step) {
        case next_step::final:
            finish(item, std::move(outcome));
            return;
        case next_step::stop_config:
            halt(halt_reason::invalid_requester, outcome);
            finish(item, std::move(outcome));
            return;
        case next_step::stop_all:
            halt(halt_reason::ip_blocked, outcome);
            finish(item, std::move(outcome));
            return;
        case next_step::retry_member_state:
        case next_step::retry_global:
            break;
    }
    if (halted_ != halt_reason::none || results_[item].attempts >= options_.backoff.max_attempts) {
        outcome.detail += " (gave up after " + std::to_string(results_[item].attempts) + " attempts)";
        finish(item, std::move(outcome));
        return;
    }
    st.not_before = now + backoff_delay(options_.backoff, results_[item].attempts, random_);
    st.queued = true;
    // Give the whole member state (or all of VIES) a short pause too, so that its other numbers do not
    // hammer it while it is saturated.
    const auto pause = now + backoff_delay(options_.backoff, 1, random_);
    if (outcome.step == next_step::retry_member_state) {
        auto& t = member_state_not_before_[items_[item].target.country];
        t = std::max(t, pause);
    } else {
        global_not_before_ = std::max(global_not_before_, pause);
    }
    results_[item].outcome = std::move(outcome);
}

void batch_scheduler::finish(std::size_t item, check_outcome outcome) {
    if (results_[item].resolved) {
        return;
    }
    results_[item].outcome = std::move(outcome);
    results_[item].resolved = true;
    state_[item].queued = false;
    --unresolved_;
}

void batch_scheduler::halt(halt_reason reason, const check_outcome& cause) {
    if (halted_ != halt_reason::none) {
        return;
    }
    halted_ = reason;
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (!results_[i].resolved && !state_[i].in_flight) {
            check_outcome stopped;
            stopped.step = cause.step;
            stopped.fault_code = cause.fault_code;
            stopped.detail = "not checked: " + cause.detail;
            finish(i, std::move(stopped));
        }
    }
}

}  // namespace fakturad::vies
