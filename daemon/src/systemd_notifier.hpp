#pragma once
// sd_notify(3) messages to the service manager.  Without NOTIFY_SOCKET every call is a no-op, so the
// daemon behaves the same when started by hand.

#include <chrono>
#include <optional>
#include <string_view>

namespace fakturad::daemon {

class systemd_notifier {
public:
    systemd_notifier();

    void ready(std::string_view status) const;
    void status(std::string_view status) const;
    void reloading() const;
    void stopping() const;
    void watchdog() const;

    // Half the WATCHDOG_USEC interval when the manager asked for pings (sd_watchdog_enabled), else nothing.
    [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_ping_interval() const {
        return ping_interval_;
    }

private:
    void send(std::string_view message) const;
    std::optional<std::chrono::microseconds> ping_interval_;
};

}  // namespace fakturad::daemon
