#include "fakturad/core/version.hpp"

namespace fakturad {

std::string_view version() noexcept { return FAKTURAD_VERSION; }
std::string_view source_revision() noexcept { return FAKTURAD_SOURCE_REVISION; }

}  // namespace fakturad
