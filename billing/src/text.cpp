#include "text.hpp"

#include <charconv>

namespace fakturad::billing::detail {
namespace {

constexpr labels english{
    false,
    "prorated",
    "days",
    "refund for unused days",
    "of",
    "billed",
    "Discount",
    "on",
    "Minimum commitment true-up",
    "capped at maximum",
    "minimum",
    "transactions",
    "of",
    "VAT",
};

constexpr labels german{
    true,
    "anteilig",
    "Tage",
    "Erstattung nicht genutzter Tage",
    "von",
    "berechnet",
    "Rabatt",
    "auf",
    "Ausgleich Mindestbetrag",
    "begrenzt auf Höchstbetrag",
    "Mindestbetrag",
    "Transaktionen",
    "von",
    "USt.",
};

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

}  // namespace

const labels& labels_for(std::string_view language) noexcept {
    return language.substr(0, 2) == "de" ? german : english;
}

void append_range(std::string& out, const date_range& r) {
    char buf[24];
    buf[0] = ',';
    buf[1] = ' ';
    char* p = format_iso_date(buf + 2, r.first);
    *p++ = '.';
    *p++ = '.';
    p = format_iso_date(p, r.last);
    out.append(buf, p);
}

void append_number(std::string& out, decimal value, const labels& l) {
    char buf[decimal::max_chars];
    auto [end, ec] = to_chars(buf, buf + sizeof buf, value);
    for (char* p = buf; p != end; ++p) {
        out.push_back(*p == '.' && l.german ? ',' : *p);
    }
}

void append_amount(std::string& out, decimal amount, currency cur, const labels& l) {
    // At least the currency's minor units, exact otherwise; no heap allocation (line texts are hot).
    char digits[decimal::max_chars + 20];
    auto [end, ec] = to_chars(digits, digits + decimal::max_chars, amount);
    std::size_t n = static_cast<std::size_t>(end - digits);
    std::size_t point = std::string_view(digits, n).find('.');
    if (point == std::string_view::npos && cur.minor_units() > 0) {
        point = n;
        digits[n++] = '.';
    }
    if (point != std::string_view::npos) {
        while (n - point - 1 < static_cast<std::size_t>(cur.minor_units())) {
            digits[n++] = '0';
        }
    }
    // Group thousands: 1.234,56 (de) / 1,234.56 (en).
    const std::size_t sign = digits[0] == '-' ? 1 : 0;
    const std::size_t int_end = point == std::string_view::npos ? n : point;
    out.append(digits, sign);
    for (std::size_t i = sign; i < int_end; ++i) {
        if (i > sign && (int_end - i) % 3 == 0) {
            out.push_back(l.german ? '.' : ',');
        }
        out.push_back(digits[i]);
    }
    if (point != std::string_view::npos) {
        out.push_back(l.german ? ',' : '.');
        out.append(digits + point + 1, n - point - 1);
    }
    out.push_back(' ');
    out += cur.code();
}

void append_proration(std::string& out, std::int64_t days, std::int64_t period_days, const labels& l) {
    out += ", ";
    out += l.prorated;
    out.push_back(' ');
    append_int(out, days);
    out.push_back('/');
    append_int(out, period_days);
    out.push_back(' ');
    out += l.days;
}

}  // namespace fakturad::billing::detail
