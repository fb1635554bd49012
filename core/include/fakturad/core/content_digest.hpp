#pragma once
// A 128-bit digest of bytes as 32 lower-case hex digits, stable across runs, builds and machines (std::hash
// is not): two 64-bit FNV-1a-style hashes with different seeds over 8-byte words. For recognising content
// again (a changed mapping file, a PDF's /ID), not for security: use SHA-256 where an adversary matters.

#include <string>
#include <string_view>

namespace fakturad {

[[nodiscard]] std::string content_digest(std::string_view bytes);

}  // namespace fakturad
