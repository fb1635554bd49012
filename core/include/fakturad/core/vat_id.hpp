#pragma once
// Offline validation of EU VAT identification numbers: normalisation, format and check digits for the 27
// member states plus XI (Northern Ireland, UK rules).  Pure: no I/O, no clock, no allocation beyond the
// returned strings.
//
// The rules follow python-stdnum 1.18 (`stdnum.eu.vat.is_valid`), the reference the project's public
// vectors were produced with, so the verdicts agree with it number for number:
//   - Leading and trailing whitespace is ignored, letters are compared case-insensitively.
//   - The first two characters choose the country; a blank or a separator inside them makes the number
//     invalid ("D E136695976").
//   - Blanks anywhere after the prefix are ignored, and so are the separators that country writes:
//       '-'  every country except CZ and EE
//       '.'  AT BE BG DE DK EL FR LU NL PT SE XI
//       '/'  AT BE CZ DE DK EL
//       ','  DE DK
//       ':'  DK EL IT LU
//   - Greece is EL; GR is accepted and reported as EL (VIES itself rejects GR).  XI uses the UK rules,
//     including the government (GD) and health authority (HA) numbers.  GB, EU (non-Union OSS), CH, NO,
//     ... are not VIES countries and are invalid.
//   - Short historic forms are padded as the tax offices do: BE 9 -> 10 digits, EL 8 -> 9 digits,
//     NL fewer than 9 digits before the B suffix.
// Conscious divergence: stdnum maps a long list of Unicode dashes and spaces to their ASCII forms; this
// code takes bytes and treats any non-ASCII byte as a character the country does not allow.
//
// An offline "valid" says only that the number is well-formed; whether it is registered is VIES's call.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fakturad {

// Why a number failed, from the first rule it broke.  The order of the enumerators is not meaningful.
enum class vat_id_problem : std::uint8_t {
    none,             // well-formed with correct check digits
    empty,            // nothing but whitespace
    unknown_country,  // the prefix is not a VIES member-state code (nor GR)
    bad_format,       // a character or shape the country does not allow
    bad_length,       // wrong number of characters for the country
    bad_component,    // an embedded part is impossible (a birth date, a tax office code, ...)
    bad_check_digit,  // everything else fits, the check digit(s) do not
};

// "ok", "empty", "unknown country prefix", "bad format", "bad length", "bad component", "bad check digit".
[[nodiscard]] std::string_view to_string(vat_id_problem problem) noexcept;

// A normalised VAT identification number, as VIES wants it: `country` is the VIES member-state code
// ("DE", "EL" for Greece, "XI"), `number` the national part without prefix, separators or blanks and
// with letters upper-cased ("U12345678" for AT, "123456789B01" for NL).
struct vat_id {
    std::string country;
    std::string number;

    // country + number, e.g. "DE136695976".
    [[nodiscard]] std::string full() const { return country + number; }

    friend bool operator==(const vat_id&, const vat_id&) = default;
};

// The verdict on one input.  `id.country` is filled whenever the prefix named a country (also when the
// number then failed), `id.number` holds the normalised national part as far as normalisation got.
// `detail` is a short English explanation for people ("DE: 9 digits expected"), empty when valid.
struct vat_id_check {
    vat_id_problem problem = vat_id_problem::none;
    vat_id id;
    std::string detail;

    [[nodiscard]] bool valid() const noexcept { return problem == vat_id_problem::none; }
};

// Normalises and validates `input` (any text; never throws except std::bad_alloc).
[[nodiscard]] vat_id_check check_vat_id(std::string_view input);

// check_vat_id(input).valid().
[[nodiscard]] bool is_valid_vat_id(std::string_view input);

// The 28 codes VIES answers for, sorted: the 27 member states with EL for Greece, plus XI.
[[nodiscard]] std::span<const std::string_view> vat_id_countries() noexcept;

// True for a code in vat_id_countries() (upper case only; "GR" is false, it is not a VIES code).
[[nodiscard]] bool is_vat_id_country(std::string_view code) noexcept;

}  // namespace fakturad
