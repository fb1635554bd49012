#include "stderr_logger.hpp"

#include "fakturad/core/clock.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

namespace fakturad::daemon {
namespace {

// syslog priorities as journald reads them from a `<N>` prefix (sd-daemon.h).
int syslog_priority(log_level level) {
    switch (level) {
        case log_level::trace:
        case log_level::debug:
            return 7;
        case log_level::info:
            return 6;
        case log_level::warn:
            return 4;
        case log_level::error:
            return 3;
        case log_level::critical:
            return 2;
        case log_level::off:
            return 6;
    }
    return 6;
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (char c : value) {
        if (c == ' ' || c == '=' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
            return true;
        }
    }
    return false;
}

void append_escaped(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    static constexpr char hex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += hex[(c >> 4) & 0xf];
                    out += hex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
}

}  // namespace

std::string format_log_line(
    log_level level,
    std::string_view message,
    std::span<const log_field> fields,
    log_format format,
    bool journal,
    std::string_view timestamp
) {
    std::string out;
    out.reserve(128);
    if (format == log_format::json) {
        out += "{\"ts\":\"";
        out += timestamp;
        out += "\",\"level\":\"";
        out += to_string(level);
        out += "\",\"msg\":\"";
        append_escaped(out, message);
        out += '"';
        for (const auto& f : fields) {
            out += ",\"";
            append_escaped(out, f.key);
            out += "\":\"";
            append_escaped(out, f.value);
            out += '"';
        }
        out += '}';
        return out;
    }
    if (journal) {
        out += '<';
        out += std::to_string(syslog_priority(level));
        out += '>';
    } else {
        out += timestamp;
        out += ' ';
        auto name = to_string(level);
        out += name;
        out.append(name.size() < 5 ? 5 - name.size() : 0, ' ');
        out += ' ';
    }
    out += message;
    for (const auto& f : fields) {
        out += ' ';
        out += f.key;
        out += '=';
        if (needs_quotes(f.value)) {
            out += '"';
            append_escaped(out, f.value);
            out += '"';
        } else {
            out += f.value;
        }
    }
    return out;
}

stderr_logger::stderr_logger(log_level level, log_format format, bool journal)
    : level_(level), format_(format), journal_(journal) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    sink_ = std::make_shared<spdlog::logger>("fakturad", std::move(sink));
    sink_->set_pattern("%v");
    sink_->set_level(spdlog::level::trace);
    sink_->flush_on(spdlog::level::trace);
}

stderr_logger::~stderr_logger() = default;

bool stderr_logger::enabled(log_level level) const noexcept {
    return level != log_level::off && level >= level_.load(std::memory_order_relaxed);
}

void stderr_logger::reconfigure(log_level level, log_format format) noexcept {
    level_.store(level, std::memory_order_relaxed);
    format_.store(format, std::memory_order_relaxed);
}

void stderr_logger::write(
    log_level level, std::string_view message, std::span<const log_field> fields
) noexcept {
    if (!enabled(level)) {
        return;
    }
    try {
        // The logging adapter is one of the two places allowed to read the wall clock.
        const auto now =
            std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        const auto line = format_log_line(
            level, message, fields, format_.load(std::memory_order_relaxed), journal_, format_instant(now)
        );
        sink_->log(spdlog::level::info, "{}", line);
    } catch (...
    ) {  // NOLINT(bugprone-empty-catch) a log line that cannot be written must not take the daemon down
    }
}

}  // namespace fakturad::daemon
