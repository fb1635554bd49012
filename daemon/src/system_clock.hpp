#pragma once
// The real clock behind the core clock port.  With the logger, the only place that reads the wall clock.

#include "fakturad/core/clock.hpp"

namespace fakturad::daemon {

class system_clock final : public clock {
public:
    [[nodiscard]] instant now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
    [[nodiscard]] std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::now();
    }
};

}  // namespace fakturad::daemon
