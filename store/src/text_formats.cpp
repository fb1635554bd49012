#include "text_formats.hpp"

#include <cstdio>

namespace fakturad::store::detail {
namespace {

// Parses exactly `width` decimal digits at `pos`; the fixed width is what keeps text order = time order.
bool digits_at(std::string_view text, std::size_t pos, std::size_t width, int& out) {
    if (pos + width > text.size()) {
        return false;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + (text[i] - '0');
    }
    out = value;
    return true;
}

}  // namespace

std::string instant_text(instant at) { return format_instant(at); }

std::optional<instant> parse_instant_text(std::string_view text) {
    // 2026-11-27T13:31:28.123Z
    if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
        return std::nullopt;
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!digits_at(text, 0, 4, y) || !digits_at(text, 5, 2, mo) || !digits_at(text, 8, 2, d) ||
        !digits_at(text, 11, 2, h) || !digits_at(text, 14, 2, mi) || !digits_at(text, 17, 2, s) ||
        !digits_at(text, 20, 3, ms)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day day{
        std::chrono::year{y},
        std::chrono::month{static_cast<unsigned>(mo)},
        std::chrono::day{static_cast<unsigned>(d)}};
    if (!day.ok() || h > 23 || mi > 59 || s > 59) {
        return std::nullopt;
    }
    return std::chrono::sys_days{day} + std::chrono::hours{h} + std::chrono::minutes{mi} +
           std::chrono::seconds{s} + std::chrono::milliseconds{ms};
}

std::string date_text(std::chrono::year_month_day day) {
    char buffer[16];
    std::snprintf(
        buffer,
        sizeof buffer,
        "%04d-%02u-%02u",
        static_cast<int>(day.year()),
        static_cast<unsigned>(day.month()),
        static_cast<unsigned>(day.day())
    );
    return buffer;
}

std::optional<std::chrono::year_month_day> parse_date_text(std::string_view text) {
    int y = 0, mo = 0, d = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits_at(text, 0, 4, y) ||
        !digits_at(text, 5, 2, mo) || !digits_at(text, 8, 2, d)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day day{
        std::chrono::year{y},
        std::chrono::month{static_cast<unsigned>(mo)},
        std::chrono::day{static_cast<unsigned>(d)}};
    if (!day.ok()) {
        return std::nullopt;
    }
    return day;
}

}  // namespace fakturad::store::detail
