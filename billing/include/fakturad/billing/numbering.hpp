#pragma once
// Document numbers: patterns, resets and the pure logic of a number range. The store draws the next value
// inside the transaction that finalizes the document (number_ranges.next_value only moves forward; a drawn
// number that is not used is logged in number_voids), so a number is unique and never reused; gaps are
// allowed and explained by the void log (UStAE 14.5; JustOn's stance).
//
// Pattern syntax: literal text with placeholders in braces
//   {YYYY} year, 4 digits    {YY} year, 2 digits    {MM} month, 2 digits    {DD} day, 2 digits
//   {seq}  the sequence value as is                 {seq:0N} the value zero-padded to N digits (N 1..18)
// Literal braces are written {{ and }}. Exactly one {seq} placeholder is required. Values beyond the
// padding width are printed in full (RE-2026-1000000 after RE-2026-999999), never truncated, so distinct
// values always give distinct numbers. Allowed literal characters: printable ASCII except the braces.
// Examples: "RE-{YYYY}-{seq:06}" -> RE-2026-000042;  "GS{YY}{MM}-{seq:04}" -> GS2603-0007.
//
// Resets: never, yearly (a new range per calendar year of the issue date), monthly (per year and month).
// A reset must be visible in the number, or numbers would repeat: yearly needs {YYYY} or {YY}; monthly
// needs a year and {MM}; check_range refuses anything else. (Some countries forbid monthly resets —
// e.g. France; that is configuration, not checked here.)
//
// Ranges are kept per legal entity and series. The default series: invoice, advance, progress, partial and
// final share the series "invoice"; cancellation and credit note share "credit_note"; pro-forma documents
// have none (they carry no legal number).

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/core/calendar.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

enum class number_reset : std::uint8_t { never, yearly, monthly };

[[nodiscard]] std::string_view to_string(number_reset r) noexcept;
[[nodiscard]] std::optional<number_reset> parse_number_reset(std::string_view text) noexcept;

class number_pattern {
public:
    // Errors: invalid_number with the position and the problem ("pattern 'RE-{seq}-{seq}': more than one
    // {seq} placeholder").
    [[nodiscard]] static billing_result<number_pattern> parse(std::string_view text);

    // The number for a sequence value (>= 1) and an issue date. Does not fail.
    [[nodiscard]] std::string format(std::uint64_t value, civil_date issue_date) const;

    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    [[nodiscard]] bool has_year() const noexcept { return has_year_; }
    [[nodiscard]] bool has_month() const noexcept { return has_month_; }

private:
    enum class token_kind : std::uint8_t { literal, year4, year2, month, day, seq };
    struct token {
        token_kind kind;
        std::string literal;
        int width = 0;
    };
    std::string text_;
    std::vector<token> tokens_;
    bool has_year_ = false;
    bool has_month_ = false;
};

// The range key part of a date: "" (never), "2026" (yearly), "2026-03" (monthly) — the store's
// number_ranges.period_key.
[[nodiscard]] std::string period_key(number_reset reset, civil_date issue_date);

struct number_range_spec {
    std::string legal_entity;
    std::string series;   // "invoice", "credit_note", ...
    std::string pattern;  // "RE-{YYYY}-{seq:06}"
    number_reset reset = number_reset::yearly;
    std::uint64_t first_value = 1;
};

// nullopt when the spec can only produce unique numbers, else why not.
[[nodiscard]] std::optional<std::string> check_range(const number_range_spec& spec);

// The series a document type draws from (see the header comment); empty for pro_forma.
[[nodiscard]] std::string_view default_series(document_type type) noexcept;

// The in-memory form of one range (store row): draw() returns the next number and moves forward. A draw
// for an issue date in another reset period starts that period's range at first_value — the caller keeps
// one number_range per period key, like the store's UNIQUE(legal_entity, document_type, period_key).
class number_range {
public:
    // Errors: invalid_number (check_range).
    [[nodiscard]] static billing_result<number_range> create(const number_range_spec& spec, std::string key);

    struct drawn {
        std::uint64_t value;
        std::string number;
    };
    // Errors: invalid_number when issue_date belongs to another period key than this range.
    [[nodiscard]] billing_result<drawn> draw(civil_date issue_date);

    [[nodiscard]] const std::string& key() const noexcept { return key_; }
    [[nodiscard]] std::uint64_t next_value() const noexcept { return next_; }
    [[nodiscard]] const number_range_spec& spec() const noexcept { return spec_; }

private:
    number_range(number_range_spec spec, number_pattern pattern, std::string key)
        : spec_(std::move(spec)),
          pattern_(std::move(pattern)),
          key_(std::move(key)),
          next_(spec_.first_value) {}
    number_range_spec spec_;
    number_pattern pattern_;
    std::string key_;
    std::uint64_t next_;
};

}  // namespace fakturad::billing
