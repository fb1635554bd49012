#include "systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace fakturad::daemon {

systemd_notifier::systemd_notifier() {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        ping_interval_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
    }
}

void systemd_notifier::send(std::string_view message) const {
    const std::string text(message);
    // A failure to notify is not fatal: without a manager listening there is nobody to tell.
    (void)sd_notify(0, text.c_str());
}

void systemd_notifier::ready(std::string_view status) const {
    send("READY=1\nSTATUS=" + std::string(status));
}

void systemd_notifier::status(std::string_view status) const { send("STATUS=" + std::string(status)); }

void systemd_notifier::reloading() const { send("RELOADING=1\nSTATUS=reloading configuration"); }

void systemd_notifier::stopping() const { send("STOPPING=1\nSTATUS=stopping"); }

void systemd_notifier::watchdog() const { send("WATCHDOG=1"); }

}  // namespace fakturad::daemon
