#include "org_calendar.hpp"

#include <date/tz.h>

namespace fakturad::daemon {

civil_date civil_date_in(std::string_view time_zone, instant at) {
    const auto* zone = date::locate_zone(time_zone);
    const auto day = std::chrono::floor<date::days>(zone->to_local(at));
    const date::year_month_day ymd{day};
    return civil_date{
        std::chrono::year{static_cast<int>(ymd.year())},
        std::chrono::month{static_cast<unsigned>(ymd.month())},
        std::chrono::day{static_cast<unsigned>(ymd.day())}};
}

}  // namespace fakturad::daemon
