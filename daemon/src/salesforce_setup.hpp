#pragma once
// The Salesforce connector's options from the configuration, and the jitter source the daemon and
// fakturactl give it.

#include "fakturad/config/settings.hpp"
#include "fakturad/salesforce/client.hpp"

#include <cstdint>
#include <random>

namespace fakturad::daemon {

[[nodiscard]] salesforce::client_options salesforce_client_options(const config::salesforce_settings& sf);

// Backoff jitter only: not a security use, seeded once from the random device.
class mt_random final : public salesforce::random_source {
public:
    mt_random() : engine_(std::random_device{}()) {}
    std::uint64_t below(std::uint64_t n) override {
        return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(engine_);
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace fakturad::daemon
