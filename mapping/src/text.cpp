#include "fakturad/mapping/text.hpp"

#include <string>

namespace fakturad::mapping {

std::string soql_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    for (const char c : text) {
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
            default:
                out += c;
        }
    }
    out += '\'';
    return out;
}

namespace {

bool alnum(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_salesforce_id(std::string_view text) noexcept {
    if (text.size() != 15 && text.size() != 18) {
        return false;
    }
    for (const char c : text) {
        if (!alnum(c)) {
            return false;
        }
    }
    if (text.size() == 15) {
        return true;
    }
    // The suffix encodes which of the first 15 characters are upper case, 5 per suffix character, so that
    // the 18-character form survives case-insensitive systems.
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    for (std::size_t chunk = 0; chunk < 3; ++chunk) {
        std::size_t bits = 0;
        for (std::size_t i = 0; i < 5; ++i) {
            const char c = text[chunk * 5 + i];
            if (c >= 'A' && c <= 'Z') {
                bits |= std::size_t{1} << i;
            }
        }
        const char s = text[15 + chunk];
        const char upper = s >= 'a' && s <= 'z' ? static_cast<char>(s - 'a' + 'A') : s;
        if (alphabet[bits] != upper) {
            return false;
        }
    }
    return true;
}

namespace {

struct country_name {
    std::string_view name;  // folded: ASCII lower case, German umlauts lower case
    std::string_view code;
};

// English and German names (and common short forms) of the EU-27 and the other countries fakturad's
// sellers commonly invoice; a name outside this list is a record problem, never a guess.
constexpr country_name countries[] = {
    {"austria", "AT"},
    {"österreich", "AT"},
    {"belgium", "BE"},
    {"belgien", "BE"},
    {"bulgaria", "BG"},
    {"bulgarien", "BG"},
    {"croatia", "HR"},
    {"kroatien", "HR"},
    {"cyprus", "CY"},
    {"zypern", "CY"},
    {"czech republic", "CZ"},
    {"czechia", "CZ"},
    {"tschechien", "CZ"},
    {"tschechische republik", "CZ"},
    {"denmark", "DK"},
    {"dänemark", "DK"},
    {"estonia", "EE"},
    {"estland", "EE"},
    {"finland", "FI"},
    {"finnland", "FI"},
    {"france", "FR"},
    {"frankreich", "FR"},
    {"germany", "DE"},
    {"deutschland", "DE"},
    {"greece", "GR"},
    {"griechenland", "GR"},
    {"hungary", "HU"},
    {"ungarn", "HU"},
    {"ireland", "IE"},
    {"irland", "IE"},
    {"italy", "IT"},
    {"italien", "IT"},
    {"latvia", "LV"},
    {"lettland", "LV"},
    {"lithuania", "LT"},
    {"litauen", "LT"},
    {"luxembourg", "LU"},
    {"luxemburg", "LU"},
    {"malta", "MT"},
    {"netherlands", "NL"},
    {"the netherlands", "NL"},
    {"niederlande", "NL"},
    {"holland", "NL"},
    {"poland", "PL"},
    {"polen", "PL"},
    {"portugal", "PT"},
    {"romania", "RO"},
    {"rumänien", "RO"},
    {"slovakia", "SK"},
    {"slowakei", "SK"},
    {"slovenia", "SI"},
    {"slowenien", "SI"},
    {"spain", "ES"},
    {"spanien", "ES"},
    {"sweden", "SE"},
    {"schweden", "SE"},
    {"switzerland", "CH"},
    {"schweiz", "CH"},
    {"united kingdom", "GB"},
    {"great britain", "GB"},
    {"uk", "GB"},
    {"vereinigtes königreich", "GB"},
    {"großbritannien", "GB"},
    {"england", "GB"},
    {"norway", "NO"},
    {"norwegen", "NO"},
    {"united states", "US"},
    {"united states of america", "US"},
    {"usa", "US"},
    {"u.s.a.", "US"},
    {"u.s.", "US"},
    {"vereinigte staaten", "US"},
    {"vereinigte staaten von amerika", "US"},
    {"canada", "CA"},
    {"kanada", "CA"},
    {"australia", "AU"},
    {"australien", "AU"},
    {"liechtenstein", "LI"},
    {"iceland", "IS"},
    {"island", "IS"},
    {"monaco", "MC"},
    {"republic of ireland", "IE"},
    {"slovak republic", "SK"},
    {"hellas", "GR"},
    {"deutschland (de)", "DE"},
    {"brd", "DE"},
    {"bundesrepublik deutschland", "DE"},
    {"federal republic of germany", "DE"},
    {"kingdom of the netherlands", "NL"},
    {"suisse", "CH"},
    {"belgique", "BE"},
    {"luxemburgo", "LU"},
};

// ASCII lower case plus the upper-case umlauts (UTF-8 C3 84/96/9C -> C3 A4/B6/BC); blanks trimmed.
std::string fold(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c - 'A' + 'a');
        } else if (c == 0xC3 && i + 1 < out.size()) {
            const auto n = static_cast<unsigned char>(out[i + 1]);
            if (n == 0x84 || n == 0x96 || n == 0x9C) {
                out[i + 1] = static_cast<char>(n + 0x20);
            }
            ++i;
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> country_code(std::string_view text) {
    const std::string f = fold(text);
    // Names first: "UK" is a name (GB), not a code.
    for (const auto& c : countries) {
        if (c.name == f) {
            return std::string(c.code);
        }
    }
    if (f.size() == 2 && f[0] >= 'a' && f[0] <= 'z' && f[1] >= 'a' && f[1] <= 'z') {
        return std::string{static_cast<char>(f[0] - 'a' + 'A'), static_cast<char>(f[1] - 'a' + 'A')};
    }
    return std::nullopt;
}

}  // namespace fakturad::mapping
