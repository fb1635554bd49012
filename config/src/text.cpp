#include "text.hpp"

#include "fakturad/core/edit_distance.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace fakturad::config::detail {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::string> nearest(std::string_view word, std::span<const std::string> candidates) {
    // Up to a third of the word may be wrong (at least one edit, at most three): "pth" -> "path",
    // "synchronus" -> "synchronous", but "x" is not a typo of "log".
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance && d < c.size()) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace fakturad::config::detail
