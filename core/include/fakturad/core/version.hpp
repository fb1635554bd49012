#pragma once
// Build identity, shown by `fakturad --version`, `fakturactl status` and /metrics.

#include <string_view>

namespace fakturad {

// The release version, e.g. "0.1.0".
[[nodiscard]] std::string_view version() noexcept;

// The source revision the binary was configured from ("git describe"), or "unknown" outside a checkout.
[[nodiscard]] std::string_view source_revision() noexcept;

}  // namespace fakturad
