#pragma once
// Cron-like schedules for invoice runs: five fields `minute hour day-of-month month day-of-week`, as in
// crontab(5): `*`, numbers, ranges `a-b`, lists `a,b`, steps `*/n` and `a-b/n`; months 1-12 or JAN-DEC,
// weekdays 0-7 (0 and 7 are Sunday) or SUN-SAT. As in Vixie cron, when both day-of-month and day-of-week
// are restricted (neither is `*`), a day matches when either matches.
//
// The schedule is evaluated on local civil time (the org's time zone); the caller converts instants at the
// edge. A local time that a DST change skips never fires on that day, and one that occurs twice is the
// caller's to deduplicate (the store remembers each scheduled run by its cutoff date). Pure.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace fakturad {

class cron_schedule {
public:
    // The schedule, or a message that says which field is wrong and why ("field 2 (hour): 24 is out of
    // range 0-23").
    [[nodiscard]] static std::variant<cron_schedule, std::string> parse(std::string_view text);

    // The first minute strictly after `after` (local time, seconds ignored) that the schedule matches;
    // nullopt when none in the next five years (e.g. "0 0 30 2 *").
    [[nodiscard]] std::optional<std::chrono::local_seconds> next_after(std::chrono::local_seconds after
    ) const;

    [[nodiscard]] bool matches(std::chrono::local_seconds minute) const;
    [[nodiscard]] const std::string& text() const noexcept { return text_; }

private:
    cron_schedule() = default;

    std::string text_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;     // 1..31
    std::bitset<13> months_;   // 1..12
    std::bitset<7> weekdays_;  // 0 = Sunday
    bool days_restricted_ = false;
    bool weekdays_restricted_ = false;
};

}  // namespace fakturad
