#pragma once
// The logging port.  Pure modules and adapters log through `logger`; only daemon/ binds it to a sink
// (spdlog on stderr, which journald collects).  Messages are constant text; everything variable goes
// into key=value fields so that the journal can be searched by field.

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace fakturad {

enum class log_level { trace, debug, info, warn, error, critical, off };

// "trace", "debug", "info", "warn", "error", "critical", "off".
[[nodiscard]] std::string_view to_string(log_level level) noexcept;

// One key=value pair of a log line.  The value is already text; a secret never becomes a field value
// because `secret<T>` has no conversion to text other than "***".
struct log_field {
    std::string_view key;
    std::string value;
};

class logger {
public:
    virtual ~logger() = default;

    // Thread-safe.  Never throws; a sink failure is swallowed by the sink, not by the caller.
    virtual void write(
        log_level level, std::string_view message, std::span<const log_field> fields
    ) noexcept = 0;

    // True when a line at `level` would be written; lets callers skip building expensive fields.
    [[nodiscard]] virtual bool enabled(log_level level) const noexcept = 0;

    void log(
        log_level level, std::string_view message, std::initializer_list<log_field> fields = {}
    ) noexcept {
        if (enabled(level)) {
            write(level, message, std::span<const log_field>(fields.begin(), fields.size()));
        }
    }
    void debug(std::string_view m, std::initializer_list<log_field> f = {}) noexcept {
        log(log_level::debug, m, f);
    }
    void info(std::string_view m, std::initializer_list<log_field> f = {}) noexcept {
        log(log_level::info, m, f);
    }
    void warn(std::string_view m, std::initializer_list<log_field> f = {}) noexcept {
        log(log_level::warn, m, f);
    }
    void error(std::string_view m, std::initializer_list<log_field> f = {}) noexcept {
        log(log_level::error, m, f);
    }
};

// A logger that drops everything; for tests and tools that have nowhere to write.
class null_logger final : public logger {
public:
    void write(log_level, std::string_view, std::span<const log_field>) noexcept override {}
    [[nodiscard]] bool enabled(log_level) const noexcept override { return false; }
};

}  // namespace fakturad
