#include "text_format.hpp"

#include "fakturad/core/money.hpp"

#include <array>

namespace fakturad::documents::detail {
namespace {

constexpr std::string_view nbsp = "\u00a0";

// Regroups the machine form "-1234.5600" into the language's form; `places` trailing digits kept.
std::string localize(std::string_view plain, language lang) {
    const char group = lang == language::de ? '.' : ',';
    const char mark = lang == language::de ? ',' : '.';
    std::string out;
    std::size_t pos = 0;
    if (!plain.empty() && plain[0] == '-') {
        out += '-';
        pos = 1;
    }
    const std::size_t point = plain.find('.');
    const std::size_t int_end = point == std::string_view::npos ? plain.size() : point;
    const std::size_t digits = int_end - pos;
    for (std::size_t i = pos; i < int_end; ++i) {
        out += plain[i];
        const std::size_t left = int_end - i - 1;
        if (left > 0 && left % 3 == 0 && digits > 3) {
            out += group;
        }
    }
    if (point != std::string_view::npos) {
        out += mark;
        out.append(plain.substr(point + 1));
    }
    return out;
}

int places_for(decimal value, int min_places) {
    const int significant = value.trimmed().scale();
    return significant > min_places ? significant : min_places;
}

}  // namespace

language language_of(std::string_view tag) noexcept {
    return tag.size() >= 2 && (tag[0] == 'd' || tag[0] == 'D') && (tag[1] == 'e' || tag[1] == 'E')
               ? language::de
               : language::en;
}

std::string format_number(decimal value, int min_places, language lang) {
    return localize(to_fixed_string(value, places_for(value, min_places)), lang);
}

std::string format_amount_plain(decimal value, currency cur, language lang) {
    return format_number(value, cur.minor_units(), lang);
}

std::string format_amount(decimal value, currency cur, language lang) {
    // format_money knows the symbols and the sign placement; only its plain space becomes a no-break space
    // so that an amount never wraps apart.
    std::string text =
        format_money(money{value, cur}, lang == language::de ? money_style::german : money_style::english);
    std::string out;
    out.reserve(text.size() + 2);
    for (char c : text) {
        if (c == ' ') {
            out += nbsp;
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_percent(decimal rate, language lang) {
    std::string number = localize(to_canonical_string(rate), lang);
    if (lang == language::de) {
        return number + std::string(nbsp) + "%";
    }
    return number + "%";
}

std::string format_date(civil_date d, language lang) {
    constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = static_cast<unsigned>(d.day());
    const auto month = static_cast<unsigned>(d.month());
    const int year = static_cast<int>(d.year());
    std::string out;
    if (lang == language::de) {
        out += day < 10 ? "0" : "";
        out += std::to_string(day) + ".";
        out += month < 10 ? "0" : "";
        out += std::to_string(month) + "." + std::to_string(year);
    } else {
        out = std::to_string(day) + " " + std::string(months.at(month - 1)) + " " + std::to_string(year);
    }
    return out;
}

}  // namespace fakturad::documents::detail
