#pragma once
// The clock port.  Pure code never reads the time itself: it receives instants as arguments, and the
// composition root hands a `clock` to the few places that need "now".  Tests use a manual clock.

#include <chrono>
#include <string>

namespace fakturad {

// An instant in UTC with millisecond resolution (Salesforce timestamps carry milliseconds).
using instant = std::chrono::sys_time<std::chrono::milliseconds>;

class clock {
public:
    virtual ~clock() = default;

    // The current instant in UTC.  Thread-safe.
    [[nodiscard]] virtual instant now() const = 0;

    // A monotonic reading for measuring elapsed time; unrelated to wall time.
    [[nodiscard]] virtual std::chrono::steady_clock::time_point monotonic() const = 0;
};

// A clock that only moves when told to; for tests.
class manual_clock final : public clock {
public:
    explicit manual_clock(instant start) : now_(start) {}

    [[nodiscard]] instant now() const override { return now_; }
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::time_point(now_.time_since_epoch());
    }

    void advance(std::chrono::milliseconds by) { now_ += by; }
    void set(instant at) { now_ = at; }

private:
    instant now_;
};

// ISO 8601 in UTC with milliseconds, e.g. "2026-11-27T13:31:28.123Z".
[[nodiscard]] std::string format_instant(instant at);

}  // namespace fakturad
