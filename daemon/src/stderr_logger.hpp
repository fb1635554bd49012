#pragma once
// Binds the core logging port to spdlog on stderr, which journald collects under systemd.

#include "fakturad/core/logger.hpp"

#include <atomic>
#include <memory>

namespace spdlog {
class logger;
}

namespace fakturad::daemon {

enum class log_format { text, json };

// Thread-safe.  Under systemd (JOURNAL_STREAM set) text lines carry a `<N>` syslog priority prefix and no
// timestamp, because journald records both itself; elsewhere each line starts with an ISO-8601 UTC time.
class stderr_logger final : public logger {
public:
    stderr_logger(log_level level, log_format format, bool journal);
    ~stderr_logger() override;

    void write(
        log_level level, std::string_view message, std::span<const log_field> fields
    ) noexcept override;
    [[nodiscard]] bool enabled(log_level level) const noexcept override;

    // Applied on SIGHUP; takes effect for the next line.
    void reconfigure(log_level level, log_format format) noexcept;

private:
    std::atomic<log_level> level_;
    std::atomic<log_format> format_;
    bool journal_;
    std::shared_ptr<spdlog::logger> sink_;
};

// Formats one line (without the trailing newline).  Exposed for tests.
[[nodiscard]] std::string format_log_line(
    log_level level,
    std::string_view message,
    std::span<const log_field> fields,
    log_format format,
    bool journal,
    std::string_view timestamp
);

}  // namespace fakturad::daemon
