#pragma once
// SHA-256 (FIPS 180-4), for the checksums of applied migrations.  Local so that the store does not link
// OpenSSL for forty lines of arithmetic.

#include <string>
#include <string_view>

namespace fakturad::store::detail {

// Lower-case hexadecimal digest, 64 characters.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace fakturad::store::detail
