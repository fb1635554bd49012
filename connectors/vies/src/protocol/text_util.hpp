#pragma once
// Small text helpers shared by the SOAP and REST parsers.

#include "fakturad/vies/protocol.hpp"

#include <string>
#include <string_view>

namespace fakturad::vies::detail {

inline std::string trim(std::string_view s) {
    const auto* ws = " \t\r\n";
    const auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(ws);
    return std::string(s.substr(first, last - first + 1));
}

// Remote text is untrusted (STYLE E3): bounded before it is stored or logged.
inline std::string truncate(std::string_view s, std::size_t max = 200) {
    return std::string(s.substr(0, std::min(max, s.size())));
}

// "---" is VIES's "not disclosed"; empty means "not given".  Lines inside are kept as sent.
inline disclosed_text disclosed(std::string_view raw) {
    disclosed_text out;
    const auto t = trim(raw);
    if (t == "---") {
        out.undisclosed = true;
    } else if (!t.empty()) {
        out.value = t;
    }
    return out;
}

}  // namespace fakturad::vies::detail
