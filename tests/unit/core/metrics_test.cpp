#include "fakturad/core/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace fakturad {
namespace {

TEST(MetricsRegistry, RendersPrometheusTextFormat) {
    metrics_registry registry;
    registry.counter("fakturad_requests_total", "Control requests.", {{"path", "/v1/status"}}).increment(3);
    registry.counter("fakturad_requests_total", "Control requests.", {{"path", "/v1/\"odd\"\n"}}).increment();
    registry.gauge("fakturad_uptime_seconds", "Seconds since start.").set(42);

    EXPECT_EQ(
        registry.render_prometheus(),
        "# HELP fakturad_requests_total Control requests.\n"
        "# TYPE fakturad_requests_total counter\n"
        "fakturad_requests_total{path=\"/v1/\\\"odd\\\"\\n\"} 1\n"
        "fakturad_requests_total{path=\"/v1/status\"} 3\n"
        "# HELP fakturad_uptime_seconds Seconds since start.\n"
        "# TYPE fakturad_uptime_seconds gauge\n"
        "fakturad_uptime_seconds 42\n"
    );
}

TEST(MetricsRegistry, SameSeriesTwiceIsOneMetric) {
    metrics_registry registry;
    auto& a = registry.counter("x_total", "X.");
    auto& b = registry.counter("x_total", "X.");
    EXPECT_EQ(&a, &b);
    EXPECT_THROW(registry.gauge("x_total", "X."), std::logic_error);
    EXPECT_THROW(registry.counter("x_total", "Other help."), std::logic_error);
}

}  // namespace
}  // namespace fakturad
