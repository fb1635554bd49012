#include "fakturad/salesforce/soql.hpp"

#include <date/date.h>

#include <cstdint>
#include <cstdio>

namespace fakturad::salesforce {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (lead < 0x80U) {
        return 1;
    }
    if ((lead & 0xE0U) == 0xC0U) {
        n = 2;
        min = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        n = 3;
        min = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) {
        return 0;
    }
    std::uint32_t cp = lead & (0x7FU >> n);
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0U) != 0x80U) {
            return 0;
        }
        cp = (cp << 6U) | (c & 0x3FU);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if (cp < min || (cp >= 0xD800U && cp <= 0xDFFFU) || cp > 0x10FFFFU) {
        return 0;
    }
    return n;
}

boost::system::result<std::string, call_error> quote(std::string_view value, bool like) {
    std::string out;
    out.reserve(value.size() + 2);
    out += '\'';
    for (std::size_t i = 0; i < value.size();) {
        const std::size_t n = utf8_sequence_length(value, i);
        if (n == 0) {
            return call_error{
                errc::bad_input,
                "SOQL literal",
                0,
                {},
                "the value is not valid UTF-8 (byte " + std::to_string(i) + "); fix the source data",
                0};
        }
        if (n > 1) {
            out.append(value.substr(i, n));
            i += n;
            continue;
        }
        const char c = value[i++];
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\'':
                out += "\\'";
                break;
            case '"':
                out += "\\\"";
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
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '%':
                out += like ? "\\%" : "%";
                break;
            case '_':
                out += like ? "\\_" : "_";
                break;
            case '\0':
                return call_error{
                    errc::bad_input,
                    "SOQL literal",
                    0,
                    {},
                    "the value contains a NUL byte at " + std::to_string(i - 1) + "; fix the source data",
                    0};
            default:
                if (static_cast<unsigned char>(c) < 0x20U || c == 0x7F) {
                    char buf[8];
                    std::snprintf(
                        buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c))
                    );
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '\'';
    return out;
}

}  // namespace

boost::system::result<std::string, call_error> soql_quote(std::string_view value) {
    return quote(value, false);
}

boost::system::result<std::string, call_error> soql_quote_like(std::string_view value) {
    return quote(value, true);
}

std::string soql_datetime(instant t) { return date::format("%FT%TZ", t); }

bool is_soql_identifier(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    bool at_start = true;
    for (const char c : name) {
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const bool digit = c >= '0' && c <= '9';
        if (c == '.') {
            if (at_start) {
                return false;
            }
            at_start = true;
            continue;
        }
        if (at_start && !letter) {
            return false;
        }
        if (!letter && !digit && c != '_') {
            return false;
        }
        at_start = false;
    }
    return !at_start;
}

std::optional<instant> parse_salesforce_datetime(std::string_view text) {
    // YYYY-MM-DDThh:mm:ss[.SSS](Z|+hhmm|+hh:mm)
    auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
        if (pos + n > text.size()) {
            return std::nullopt;
        }
        int v = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const char c = text[pos + k];
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    };
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    const auto y = digits(0, 4);
    const auto mo = digits(5, 2);
    const auto d = digits(8, 2);
    const auto h = digits(11, 2);
    const auto mi = digits(14, 2);
    const auto s = digits(17, 2);
    if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        const auto ms = digits(pos + 1, 3);
        if (!ms) {
            return std::nullopt;
        }
        millis = *ms;
        pos += 4;
    }
    int offset_minutes = 0;
    const std::string_view zone = text.substr(pos);
    if (zone == "Z") {
        offset_minutes = 0;
    } else if (zone.size() == 5 || (zone.size() == 6 && zone[3] == ':')) {
        if (zone[0] != '+' && zone[0] != '-') {
            return std::nullopt;
        }
        const auto oh = digits(pos + 1, 2);
        const auto om = digits(pos + (zone.size() == 6 ? 4 : 3), 2);
        if (!oh || !om) {
            return std::nullopt;
        }
        offset_minutes = (*oh * 60 + *om) * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    const date::year_month_day ymd{
        date::year{*y}, date::month{static_cast<unsigned>(*mo)}, date::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return instant(date::sys_days(ymd)) + std::chrono::hours(*h) +
           std::chrono::minutes(*mi - offset_minutes) + std::chrono::seconds(*s) +
           std::chrono::milliseconds(millis);
}

}  // namespace fakturad::salesforce
