#pragma once
// Process metrics in the Prometheus text exposition format (version 0.0.4).
//
// Metrics are registered once (by the composition root or a component at start) and then updated
// lock-free from any thread.  References returned by the registry stay valid for its lifetime.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fakturad {

using metric_labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count.
class counter_metric {
public:
    void increment(std::uint64_t by = 1) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down; integers only (seconds, counts, bytes).
class gauge_metric {
public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t by) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int64_t> value_{0};
};

class metrics_registry {
public:
    // Registering the same name and labels twice returns the same metric.  A name must keep one type
    // and one help text; breaking that is a programming error and throws std::logic_error.
    counter_metric& counter(std::string_view name, std::string_view help, metric_labels labels = {});
    gauge_metric& gauge(std::string_view name, std::string_view help, metric_labels labels = {});

    // The whole registry in the text format, families sorted by name.
    [[nodiscard]] std::string render_prometheus() const;

private:
    enum class kind { counter, gauge };
    struct family {
        kind type;
        std::string help;
        std::map<metric_labels, std::size_t> series;  // labels -> index into counters_/gauges_
    };

    family& family_for(std::string_view name, std::string_view help, kind type);

    mutable std::mutex mutex_;
    std::map<std::string, family, std::less<>> families_;
    std::deque<counter_metric> counters_;
    std::deque<gauge_metric> gauges_;
};

}  // namespace fakturad
