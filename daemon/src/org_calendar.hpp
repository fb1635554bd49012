#pragma once
// The org's billing calendar at the edge (STYLE M3): an instant as a civil date in an IANA time zone
// (config instance.time_zone, validated by the loader).

#include "fakturad/core/calendar.hpp"
#include "fakturad/core/clock.hpp"

#include <string_view>

namespace fakturad::daemon {

[[nodiscard]] civil_date civil_date_in(std::string_view time_zone, instant at);

}  // namespace fakturad::daemon
