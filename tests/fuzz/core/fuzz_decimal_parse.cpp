// libFuzzer target for parse_decimal: any byte string must either be rejected with one of the documented
// codes or parse to a value that formats and re-parses to the identical representation, and rounding that
// value must obey the ordering every rounding mode promises.
#include "fakturad/core/decimal.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace fakturad;  // NOLINT(google-build-using-namespace): a fuzz entry point, not a header
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_decimal(text);
    if (!parsed) {
        const auto ec = parsed.error();
        check(
            ec == money_errc::invalid_number || ec == money_errc::overflow ||
            ec == money_errc::scale_out_of_range
        );
        check(!parse_error_message(text, ec).empty());
        return 0;
    }
    const decimal value = *parsed;
    auto again = parse_decimal(to_string(value));
    check(again.has_value() && identical(*again, value));
    auto canonical = parse_decimal(to_canonical_string(value));
    check(canonical.has_value() && *canonical == value);

    // floor <= down/up/half_* <= ceiling, and the rounded values differ from the value by less than a step.
    const int places = value.scale() > 2 ? 2 : value.scale();
    const decimal floor_value = *rescale(value, places, rounding_mode::floor);
    const decimal ceiling_value = *rescale(value, places, rounding_mode::ceiling);
    check(floor_value <= value && value <= ceiling_value);
    for (const auto mode :
         {rounding_mode::half_up, rounding_mode::half_even, rounding_mode::down, rounding_mode::up}) {
        const decimal rounded = *rescale(value, places, mode);
        check(floor_value <= rounded && rounded <= ceiling_value);
    }
    return 0;
}
