#include "fakturad/core/content_digest.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace fakturad {

std::string content_digest(std::string_view bytes) {
    constexpr std::uint64_t prime = 1099511628211ULL;
    std::uint64_t a = 14695981039346656037ULL;
    std::uint64_t b = 14695981039346656037ULL ^ 0x9E3779B97F4A7C15ULL;
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, bytes.data() + i, 8);
        a = (a ^ word) * prime;
        b = ((b ^ word) * prime) + 0x9E3779B97F4A7C15ULL;
    }
    for (; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        a = (a ^ c) * prime;
        b = ((b ^ c) * prime) + 0x9E3779B97F4A7C15ULL;
    }
    std::array<char, 33> hex{};
    std::snprintf(
        hex.data(),
        hex.size(),
        "%016llx%016llx",
        static_cast<unsigned long long>(a),
        static_cast<unsigned long long>(b)
    );
    return {hex.data(), 32};
}

}  // namespace fakturad
