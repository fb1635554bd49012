#include "fakturad/core/clock.hpp"

#include <date/date.h>

namespace fakturad {

std::string format_instant(instant at) { return date::format("%FT%TZ", at); }

}  // namespace fakturad
