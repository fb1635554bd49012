#pragma once
// Writing PDF content syntax: numbers as short as they can be and glyph ids / UTF-16 units as 4 hex digits.
// Shared by the text engine (the `TJ` operators it keeps) and the canvas (everything else).

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace fakturad::documents::detail {

// Up to three decimals, no trailing zeros: "12.5", "0.439", "-3".
inline void append_number(std::string& out, double v) {
    const double rounded = std::round(v * 1000.0) / 1000.0;
    std::array<char, 32> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), rounded, std::chars_format::fixed, 3);
    char* end = r.ptr;
    while (end[-1] == '0') {
        --end;
    }
    if (end[-1] == '.') {
        --end;
    }
    std::string_view s(buf.data(), static_cast<std::size_t>(end - buf.data()));
    out += s == "-0" ? std::string_view("0") : s;
}

// Operands separated by blanks, then the operator: "10 20 30 40 re".
inline void append_operation(std::string& out, std::initializer_list<double> operands, std::string_view op) {
    for (const double v : operands) {
        append_number(out, v);
        out += ' ';
    }
    out += op;
}

inline void append_hex4(std::string& out, std::uint32_t v) {
    constexpr std::string_view digits = "0123456789ABCDEF";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += digits[(v >> static_cast<unsigned>(shift)) & 0xFU];
    }
}

}  // namespace fakturad::documents::detail
