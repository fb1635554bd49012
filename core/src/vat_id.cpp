#include "fakturad/core/vat_id.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>

// Each country function mirrors the python-stdnum 1.18 module named beside it, check for check, so that
// the verdicts agree (see the header).  Python slices never fail, so `sub()` clamps like a slice does.

namespace fakturad {
namespace {

struct verdict {
    vat_id_problem problem = vat_id_problem::none;
    std::string_view why;
};

constexpr verdict ok{};
constexpr verdict bad_format(std::string_view why) { return {vat_id_problem::bad_format, why}; }
constexpr verdict bad_length(std::string_view why) { return {vat_id_problem::bad_length, why}; }
constexpr verdict bad_component(std::string_view why) { return {vat_id_problem::bad_component, why}; }
constexpr verdict bad_check(std::string_view why) { return {vat_id_problem::bad_check_digit, why}; }

// Python's s[from:to] for non-negative bounds.
std::string_view sub(std::string_view s, std::size_t from, std::size_t to = std::string_view::npos) {
    if (from >= s.size()) {
        return {};
    }
    return s.substr(from, std::min(to, s.size()) - from);
}
std::string_view drop_last(std::string_view s, std::size_t n = 1) {
    return s.substr(0, s.size() >= n ? s.size() - n : 0);
}
std::string_view last(std::string_view s, std::size_t n = 1) {
    return s.size() >= n ? s.substr(s.size() - n) : s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Like stdnum's isdigits(): true for the empty string.
bool digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }
int dv(char c) { return c - '0'; }

// Digits only, at most 19 of them (callers guarantee both).
std::uint64_t to_u64(std::string_view s) {
    std::uint64_t v = 0;
    for (char c : s) {
        v = v * 10 + static_cast<std::uint64_t>(dv(c));
    }
    return v;
}
int to_int(std::string_view s) { return static_cast<int>(to_u64(s)); }

// Python's sum(w * int(n) for w, n in zip(weights, s)).
int weighted(std::string_view s, std::initializer_list<int> weights) {
    int sum = 0;
    const auto* w = weights.begin();
    for (std::size_t i = 0; i < s.size() && w != weights.end(); ++i, ++w) {
        sum += *w * dv(s[i]);
    }
    return sum;
}

// Python's % (the result has the sign of the divisor).
int pmod(int a, int m) { return ((a % m) + m) % m; }

int luhn_checksum(std::string_view s) {
    int sum = 0;
    bool twice = false;
    for (auto it = s.rbegin(); it != s.rend(); ++it) {
        const int d = dv(*it);
        sum += twice ? (d * 2 / 10 + d * 2 % 10) : d;
        twice = !twice;
    }
    return sum % 10;
}
bool luhn_valid(std::string_view s) { return luhn_checksum(s) == 0; }
char luhn_check_digit(std::string_view s) {
    std::string with_zero(s);
    with_zero += '0';
    return static_cast<char>('0' + (10 - luhn_checksum(with_zero)) % 10);
}

// ISO 7064 Mod 11,10 (DE, HR).
bool mod_11_10_valid(std::string_view s) {
    int check = 5;
    for (char c : s) {
        check = (((check != 0 ? check : 10) * 2) % 11 + dv(c)) % 10;
    }
    return check == 1;
}

// ISO 7064 Mod 97,10 over base-36 characters (NL since 2020); false for any other character.
bool mod_97_10_valid(std::string_view s) {
    int r = 0;
    auto feed = [&r](int d) { r = (r * 10 + d) % 97; };
    for (char c : s) {
        if (is_digit(c)) {
            feed(dv(c));
        } else if (c >= 'A' && c <= 'Z') {
            const int v = c - 'A' + 10;
            feed(v / 10);
            feed(v % 10);
        } else {
            return false;
        }
    }
    return !s.empty() && r == 1;
}

bool valid_date(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) {
        return false;
    }
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int max = days[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
    return day <= max;
}

char digit_char(int v) { return static_cast<char>('0' + v); }

// --- countries ---------------------------------------------------------------------------------------

verdict check_at(std::string_view n) {  // stdnum.at.uid
    if (sub(n, 0, 1) != "U" || !digits(sub(n, 1))) {
        return bad_format("AT: U followed by 8 digits expected");
    }
    if (n.size() != 9) {
        return bad_length("AT: U followed by 8 digits expected");
    }
    const int check = pmod(6 - luhn_checksum(n.substr(1, 7)), 10);
    return digit_char(check) == n[8] ? ok : bad_check("AT: check digit does not match");
}

verdict check_be(std::string_view n) {  // stdnum.be.vat
    if (!digits(n) || n.empty() || to_u64(sub(n, 0, 19)) == 0) {
        return bad_format("BE: 10 digits expected");
    }
    if (n.size() != 10) {
        return bad_length("BE: 10 digits expected");
    }
    const auto sum = to_u64(n.substr(0, 8)) + to_u64(n.substr(8));
    return sum % 97 == 0 ? ok : bad_check("BE: check digits (97 - mod 97) do not match");
}

bool bg_egn_valid(std::string_view n) {
    int year = to_int(n.substr(0, 2)) + 1900;
    int month = to_int(n.substr(2, 2));
    const int day = to_int(n.substr(4, 2));
    if (month > 40) {
        year += 100;
        month -= 40;
    } else if (month > 20) {
        year -= 100;
        month -= 20;
    }
    if (!valid_date(year, month, day)) {
        return false;
    }
    return digit_char(weighted(n, {2, 4, 8, 5, 10, 9, 7, 3, 6}) % 11 % 10) == n[9];
}

verdict check_bg(std::string_view n) {  // stdnum.bg.vat
    if (!digits(n)) {
        return bad_format("BG: 9 or 10 digits expected");
    }
    if (n.size() == 9) {
        int check = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            check += static_cast<int>(i + 1) * dv(n[i]);
        }
        check %= 11;
        if (check == 10) {
            check = 0;
            for (std::size_t i = 0; i < 8; ++i) {
                check += static_cast<int>(i + 3) * dv(n[i]);
            }
            check %= 11;
        }
        return digit_char(check % 10) == n[8] ? ok : bad_check("BG: check digit does not match");
    }
    if (n.size() == 10) {
        const bool pnf = digit_char(weighted(n, {21, 19, 17, 13, 11, 9, 7, 3, 1}) % 10) == n[9];
        const int other = pmod(11 - weighted(n, {4, 3, 2, 7, 6, 5, 4, 3, 2}), 11);
        const bool other_ok = other < 10 && digit_char(other) == n[9];
        return bg_egn_valid(n) || pnf || other_ok ? ok : bad_check("BG: check digit does not match");
    }
    return bad_length("BG: 9 or 10 digits expected");
}

verdict check_cy(std::string_view n) {  // stdnum.cy.vat
    if (!digits(drop_last(n))) {
        return bad_format("CY: 8 digits and a letter expected");
    }
    if (n.size() != 9) {
        return bad_length("CY: 8 digits and a letter expected");
    }
    if (n.substr(0, 2) == "12") {
        return bad_component("CY: numbers do not start with 12");
    }
    static constexpr std::array<int, 10> odd{1, 0, 5, 7, 9, 13, 15, 17, 19, 21};
    int sum = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        sum += i % 2 == 0 ? odd[static_cast<std::size_t>(dv(n[i]))] : dv(n[i]);
    }
    return static_cast<char>('A' + sum % 26) == n[8] ? ok : bad_check("CY: check letter does not match");
}

// Czech and Slovak birth numbers (stdnum.cz.rc).
bool rc_valid(std::string_view n) {
    if (!digits(n) || (n.size() != 9 && n.size() != 10)) {
        return false;
    }
    int year = 1900 + to_int(n.substr(0, 2));
    const int month = to_int(n.substr(2, 2)) % 50 % 20;
    const int day = to_int(n.substr(4, 2));
    if (n.size() == 9) {
        if (year >= 1980) {
            year -= 100;
        }
        if (year > 1953) {
            return false;
        }
    } else if (year < 1954) {
        year += 100;
    }
    if (!valid_date(year, month, day)) {
        return false;
    }
    if (n.size() == 10) {
        int check = static_cast<int>(to_u64(n.substr(0, 9)) % 11);
        const bool before_1985 = year < 1985;
        if (before_1985) {
            check %= 10;
        }
        return check < 10 && digit_char(check) == n[9];
    }
    return true;
}

verdict check_cz(std::string_view n) {  // stdnum.cz.dic
    if (!digits(n)) {
        return bad_format("CZ: 8 to 10 digits expected");
    }
    if (n.size() == 8) {
        if (n[0] == '9') {
            return bad_component("CZ: legal entity numbers do not start with 9");
        }
        int sum = 0;
        for (std::size_t i = 0; i < 7; ++i) {
            sum += (8 - static_cast<int>(i)) * dv(n[i]);
        }
        const int check = pmod(11 - sum, 11);
        return digit_char((check != 0 ? check : 1) % 10) == n[7]
                   ? ok
                   : bad_check("CZ: check digit does not match");
    }
    if (n.size() == 9 && n[0] == '6') {
        int sum = 0;
        for (std::size_t i = 0; i < 7; ++i) {
            sum += (8 - static_cast<int>(i)) * dv(n[i + 1]);
        }
        const int check = pmod(8 - pmod(10 - sum % 11, 11), 10);
        return digit_char(check) == n[8] ? ok : bad_check("CZ: check digit does not match");
    }
    if (n.size() == 9 || n.size() == 10) {
        return rc_valid(n) ? ok : bad_check("CZ: not a valid birth number (date or check digit)");
    }
    return bad_length("CZ: 8 to 10 digits expected");
}

verdict check_de(std::string_view n) {  // stdnum.de.vat
    if (!digits(n) || n.empty() || n[0] == '0') {
        return bad_format("DE: 9 digits expected, the first not 0");
    }
    if (n.size() != 9) {
        return bad_length("DE: 9 digits expected");
    }
    return mod_11_10_valid(n) ? ok : bad_check("DE: check digit (ISO 7064 MOD 11,10) does not match");
}

verdict check_dk(std::string_view n) {  // stdnum.dk.cvr
    if (!digits(n) || n.empty() || n[0] == '0') {
        return bad_format("DK: 8 digits expected, the first not 0");
    }
    if (n.size() != 8) {
        return bad_length("DK: 8 digits expected");
    }
    return weighted(n, {2, 7, 6, 5, 4, 3, 2, 1}) % 11 == 0 ? ok : bad_check("DK: check digit does not match");
}

verdict check_ee(std::string_view n) {  // stdnum.ee.kmkr
    if (!digits(n)) {
        return bad_format("EE: 9 digits expected");
    }
    if (n.size() != 9) {
        return bad_length("EE: 9 digits expected");
    }
    return weighted(n, {3, 7, 1, 3, 7, 1, 3, 7, 1}) % 10 == 0 ? ok
                                                              : bad_check("EE: check digit does not match");
}

verdict check_el(std::string_view n) {  // stdnum.gr.vat
    if (!digits(n)) {
        return bad_format("EL: 9 digits expected");
    }
    if (n.size() != 9) {
        return bad_length("EL: 9 digits expected");
    }
    long long sum = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        sum = sum * 2 + dv(n[i]);
    }
    return digit_char(static_cast<int>(sum * 2 % 11 % 10)) == n[8]
               ? ok
               : bad_check("EL: check digit does not match");
}

constexpr std::string_view dni_letters = "TRWAGMYFPDXBNJZSQVHLCKE";

verdict check_es(std::string_view n) {  // stdnum.es.nif (dni, nie, cif)
    if (!digits(sub(n, 1, n.size() >= 1 ? n.size() - 1 : 0))) {
        return bad_format("ES: a letter or digit, 7 digits and a letter or digit expected");
    }
    if (n.size() != 9) {
        return bad_length("ES: 9 characters expected");
    }
    const char first = n[0];
    const std::string_view middle = n.substr(1, 7);
    if (first == 'K' || first == 'L' || first == 'M') {
        return dni_letters[to_u64(middle) % 23] == n[8] ? ok : bad_check("ES: check letter does not match");
    }
    if (is_digit(first)) {
        return dni_letters[to_u64(n.substr(0, 8)) % 23] == n[8]
                   ? ok
                   : bad_check("ES: DNI check letter does not match");
    }
    if (first == 'X' || first == 'Y' || first == 'Z') {
        const auto value = static_cast<std::uint64_t>(first - 'X') * 10000000 + to_u64(middle);
        return dni_letters[value % 23] == n[8] ? ok : bad_check("ES: NIE check letter does not match");
    }
    if (std::string_view("ABCDEFGHJNPQRSUVW").find(first) == std::string_view::npos) {
        return bad_format("ES: unknown first letter");
    }
    const char digit = luhn_check_digit(middle);
    const char letter = std::string_view("JABCDEFGHI")[static_cast<std::size_t>(dv(digit))];
    return n[8] == digit || n[8] == letter ? ok : bad_check("ES: CIF check character does not match");
}

verdict check_fi(std::string_view n) {  // stdnum.fi.alv
    if (!digits(n)) {
        return bad_format("FI: 8 digits expected");
    }
    if (n.size() != 8) {
        return bad_length("FI: 8 digits expected");
    }
    return weighted(n, {7, 9, 10, 5, 8, 4, 2, 1}) % 11 == 0 ? ok
                                                            : bad_check("FI: check digit does not match");
}

constexpr std::string_view fr_alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

verdict check_fr(std::string_view n) {  // stdnum.fr.tva
    const auto key = sub(n, 0, 2);
    if (!std::all_of(key.begin(), key.end(), [](char c) {
            return fr_alphabet.find(c) != std::string_view::npos;
        })) {
        return bad_format("FR: 2 key characters and 9 digits expected");
    }
    if (!digits(sub(n, 2))) {
        return bad_format("FR: 2 key characters and 9 digits expected");
    }
    if (n.size() != 11) {
        return bad_length("FR: 11 characters expected");
    }
    const auto siren = n.substr(2);
    if (siren.substr(0, 3) != "000" && !luhn_valid(siren)) {
        return bad_check("FR: SIREN check digit does not match");
    }
    const auto siren_value = to_u64(siren);
    if (digits(n)) {
        return static_cast<std::uint64_t>(to_int(key)) == (siren_value * 100 + 12) % 97
                   ? ok
                   : bad_check("FR: key does not match the SIREN");
    }
    const auto i0 = static_cast<int>(fr_alphabet.find(n[0]));
    const auto i1 = static_cast<int>(fr_alphabet.find(n[1]));
    const int check = is_digit(n[0]) ? i0 * 24 + i1 - 10 : i0 * 34 + i1 - 100;
    const auto lhs = (siren_value + 1 + static_cast<std::uint64_t>(check / 11)) % 11;
    return lhs == static_cast<std::uint64_t>(check % 11) ? ok : bad_check("FR: key does not match the SIREN");
}

verdict check_hr(std::string_view n) {  // stdnum.hr.oib
    if (!digits(n)) {
        return bad_format("HR: 11 digits expected");
    }
    if (n.size() != 11) {
        return bad_length("HR: 11 digits expected");
    }
    return mod_11_10_valid(n) ? ok : bad_check("HR: check digit (ISO 7064 MOD 11,10) does not match");
}

verdict check_hu(std::string_view n) {  // stdnum.hu.anum
    if (!digits(n)) {
        return bad_format("HU: 8 digits expected");
    }
    if (n.size() != 8) {
        return bad_length("HU: 8 digits expected");
    }
    return weighted(n, {9, 7, 3, 1, 9, 7, 3, 1}) % 10 == 0 ? ok : bad_check("HU: check digit does not match");
}

constexpr std::string_view ie_alphabet = "WABCDEFGHIJKLMNOPQRSTUV";

// stdnum.ie.vat.calc_check_digit: `s` is up to 7 digits, optionally followed by one letter.
char ie_check_letter(std::string_view s) {
    std::string padded(s.size() < 7 ? 7 - s.size() : 0, '0');
    padded += s;
    int sum = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        sum += (8 - static_cast<int>(i)) * dv(padded[i]);
    }
    const auto tail = sub(padded, 7);
    const auto letter_index = tail.empty() ? 0 : static_cast<int>(ie_alphabet.find(tail));
    return ie_alphabet[static_cast<std::size_t>((sum + 9 * letter_index) % 23)];
}

verdict check_ie(std::string_view n) {  // stdnum.ie.vat
    if (!digits(sub(n, 0, 1)) || !digits(sub(n, 2, 7))) {
        return bad_format("IE: 7 digits and 1 or 2 letters expected");
    }
    const auto tail = sub(n, 7);
    if (!std::all_of(tail.begin(), tail.end(), [](char c) {
            return ie_alphabet.find(c) != std::string_view::npos;
        })) {
        return bad_format("IE: 7 digits and 1 or 2 letters expected");
    }
    if (n.size() != 8 && n.size() != 9) {
        return bad_length("IE: 8 or 9 characters expected");
    }
    if (digits(n.substr(0, 7))) {
        std::string base(n.substr(0, 7));
        base += sub(n, 8);
        return ie_check_letter(base) == n[7] ? ok : bad_check("IE: check letter does not match");
    }
    if (std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZ+*").find(n[1]) != std::string_view::npos) {
        std::string base(n.substr(2, 5));
        base += n[0];
        return ie_check_letter(base) == n[7] ? ok : bad_check("IE: check letter does not match");
    }
    return bad_format("IE: 7 digits and 1 or 2 letters expected");
}

verdict check_it(std::string_view n) {  // stdnum.it.iva
    if (!digits(n) || n.empty() || to_u64(sub(n, 0, 7)) == 0) {
        return bad_format("IT: 11 digits expected");
    }
    if (n.size() != 11) {
        return bad_length("IT: 11 digits expected");
    }
    const auto office = n.substr(7, 3);
    if (!((office >= "001" && office <= "100") || office == "120" || office == "121" || office == "888" ||
          office == "999")) {
        return bad_component("IT: unknown tax office code");
    }
    return luhn_valid(n) ? ok : bad_check("IT: check digit (Luhn) does not match");
}

verdict check_lt(std::string_view n) {  // stdnum.lt.pvm
    if (!digits(n)) {
        return bad_format("LT: 9 or 12 digits expected");
    }
    if (n.size() == 9) {
        if (n[7] != '1') {
            return bad_component("LT: the 8th digit must be 1");
        }
    } else if (n.size() == 12) {
        if (n[10] != '1') {
            return bad_component("LT: the 11th digit must be 1");
        }
    } else {
        return bad_length("LT: 9 or 12 digits expected");
    }
    const auto body = drop_last(n);
    int check = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        check += (1 + static_cast<int>(i % 9)) * dv(body[i]);
    }
    check %= 11;
    if (check == 10) {
        check = 0;
        for (std::size_t i = 0; i < body.size(); ++i) {
            check += (1 + static_cast<int>((i + 2) % 9)) * dv(body[i]);
        }
    }
    return digit_char(check % 11 % 10) == n.back() ? ok : bad_check("LT: check digit does not match");
}

verdict check_lu(std::string_view n) {  // stdnum.lu.tva
    if (!digits(n)) {
        return bad_format("LU: 8 digits expected");
    }
    if (n.size() != 8) {
        return bad_length("LU: 8 digits expected");
    }
    return to_u64(n.substr(0, 6)) % 89 == to_u64(n.substr(6)) ? ok
                                                              : bad_check("LU: check digits do not match");
}

verdict check_lv(std::string_view n) {  // stdnum.lv.pvn
    if (!digits(n)) {
        return bad_format("LV: 11 digits expected");
    }
    if (n.size() != 11) {
        return bad_length("LV: 11 digits expected");
    }
    if (n[0] > '3') {
        return weighted(n, {9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1}) % 11 == 3
                   ? ok
                   : bad_check("LV: check digit does not match");
    }
    const int day = to_int(n.substr(0, 2));
    const int month = to_int(n.substr(2, 2));
    const int year = to_int(n.substr(4, 2)) + 1800 + dv(n[6]) * 100;
    if (!valid_date(year, month, day)) {
        return bad_component("LV: personal code with an impossible birth date");
    }
    const int check = (1 + weighted(n, {10, 5, 8, 4, 2, 1, 6, 3, 7, 9})) % 11 % 10;
    return digit_char(check) == n[10] ? ok : bad_check("LV: check digit does not match");
}

verdict check_mt(std::string_view n) {  // stdnum.mt.vat
    if (!digits(n) || n.empty() || n[0] == '0') {
        return bad_format("MT: 8 digits expected, the first not 0");
    }
    if (n.size() != 8) {
        return bad_length("MT: 8 digits expected");
    }
    return weighted(n, {3, 4, 6, 7, 8, 9, 10, 1}) % 37 == 0 ? ok : bad_check("MT: check digits do not match");
}

verdict check_nl(std::string_view n) {  // stdnum.nl.btw (+ nl.bsn, iso7064.mod_97_10)
    const auto bsn = sub(n, 0, 9);
    if (!digits(bsn) || to_u64(bsn) == 0) {
        return bad_format("NL: 9 digits, B and 2 digits expected");
    }
    const auto suffix = sub(n, 10);
    if (!digits(suffix) || suffix.empty() || to_u64(sub(suffix, 0, 19)) == 0) {
        return bad_format("NL: 9 digits, B and 2 digits expected");
    }
    if (n.size() != 12) {
        return bad_length("NL: 9 digits, B and 2 digits expected");
    }
    if (n[9] != 'B') {
        return bad_format("NL: 9 digits, B and 2 digits expected");
    }
    int bsn_sum = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        bsn_sum += (9 - static_cast<int>(i)) * dv(bsn[i]);
    }
    const bool bsn_ok = pmod(bsn_sum - dv(bsn[8]), 11) == 0;
    std::string with_prefix = "NL";
    with_prefix += n;
    return bsn_ok || mod_97_10_valid(with_prefix) ? ok : bad_check("NL: check digit does not match");
}

verdict check_pl(std::string_view n) {  // stdnum.pl.nip
    if (!digits(n)) {
        return bad_format("PL: 10 digits expected");
    }
    if (n.size() != 10) {
        return bad_length("PL: 10 digits expected");
    }
    return pmod(weighted(n, {6, 5, 7, 2, 3, 4, 5, 6, 7, -1}), 11) == 0
               ? ok
               : bad_check("PL: check digit does not match");
}

verdict check_pt(std::string_view n) {  // stdnum.pt.nif
    if (!digits(n) || n.empty() || n[0] == '0') {
        return bad_format("PT: 9 digits expected, the first not 0");
    }
    if (n.size() != 9) {
        return bad_length("PT: 9 digits expected");
    }
    int sum = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        sum += (9 - static_cast<int>(i)) * dv(n[i]);
    }
    return digit_char(pmod(11 - sum, 11) % 10) == n[8] ? ok : bad_check("PT: check digit does not match");
}

verdict check_ro(std::string_view n) {  // stdnum.ro.cf (ro.cui, ro.cnp)
    if (n.size() == 13) {
        if (!digits(n)) {
            return bad_format("RO: personal code (CNP) of 13 digits expected");
        }
        if (n[0] == '0') {
            return bad_component("RO: CNP does not start with 0");
        }
        int century = 1900;
        switch (n[0]) {
            case '3':
            case '4':
                century = 1800;
                break;
            case '5':
            case '6':
                century = 2000;
                break;
            default:
                break;
        }
        if (!valid_date(to_int(n.substr(1, 2)) + century, to_int(n.substr(3, 2)), to_int(n.substr(5, 2)))) {
            return bad_component("RO: CNP with an impossible birth date");
        }
        const int check = weighted(n, {2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9}) % 11;
        return digit_char(check == 10 ? 1 : check) == n[12] ? ok
                                                            : bad_check("RO: CNP check digit does not match");
    }
    if (n.size() < 2 || n.size() > 10) {
        return bad_length("RO: 2 to 10 digits expected");
    }
    if (!digits(n) || n[0] == '0') {
        return bad_format("RO: 2 to 10 digits expected, the first not 0");
    }
    std::string padded(10 - n.size(), '0');
    padded += drop_last(n);
    const int check = 10 * weighted(padded, {7, 5, 3, 2, 1, 7, 5, 3, 2}) % 11 % 10;
    return digit_char(check) == n.back() ? ok : bad_check("RO: check digit does not match");
}

verdict check_se(std::string_view n) {  // stdnum.se.vat (+ se.orgnr)
    if (!digits(n) || last(n, 2) != "01") {
        return bad_format("SE: 10 digits and 01 expected");
    }
    if (n.size() != 12) {
        return bad_length("SE: 12 digits expected");
    }
    return luhn_valid(n.substr(0, 10)) ? ok : bad_check("SE: check digit (Luhn) does not match");
}

verdict check_si(std::string_view n) {  // stdnum.si.ddv
    if (!digits(n) || n.empty() || n[0] == '0') {
        return bad_format("SI: 8 digits expected, the first not 0");
    }
    if (n.size() != 8) {
        return bad_length("SI: 8 digits expected");
    }
    int sum = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        sum += (8 - static_cast<int>(i)) * dv(n[i]);
    }
    const int check = 11 - sum % 11;
    const bool match = check == 10 ? n[7] == '0' : (check < 10 && digit_char(check) == n[7]);
    return match ? ok : bad_check("SI: check digit does not match");
}

verdict check_sk(std::string_view n) {  // stdnum.sk.dph
    if (!digits(n)) {
        return bad_format("SK: 10 digits expected");
    }
    if (n.size() != 10) {
        return bad_length("SK: 10 digits expected");
    }
    if (rc_valid(n)) {
        return ok;
    }
    const char third = n[2];
    if (n[0] == '0' || std::string_view("234789").find(third) == std::string_view::npos) {
        return bad_format("SK: the first digit is not 0 and the third one of 2, 3, 4, 7, 8, 9");
    }
    return to_u64(n) % 11 == 0 ? ok : bad_check("SK: not divisible by 11");
}

verdict check_xi(std::string_view n) {  // stdnum.gb.vat
    const bool gd = n.substr(0, std::min<std::size_t>(2, n.size())) == "GD";
    const bool ha = n.substr(0, std::min<std::size_t>(2, n.size())) == "HA";
    if (n.size() == 5) {
        if (!digits(n.substr(2))) {
            return bad_format("XI: GD or HA and 3 digits expected");
        }
        const int v = to_int(n.substr(2));
        return (gd && v < 500) || (ha && v >= 500)
                   ? ok
                   : bad_component("XI: GD below 500 or HA from 500 expected");
    }
    if (n.size() == 11 && (n.substr(0, 6) == "GD8888" || n.substr(0, 6) == "HA8888")) {
        if (!digits(n.substr(6))) {
            return bad_format("XI: GD8888 or HA8888 and 5 digits expected");
        }
        const int v = to_int(n.substr(6, 3));
        if (!((gd && v < 500) || (ha && v >= 500))) {
            return bad_component("XI: GD below 500 or HA from 500 expected");
        }
        return v % 97 == to_int(n.substr(9, 2)) ? ok : bad_check("XI: check digits do not match");
    }
    if (n.size() == 9 || n.size() == 12) {
        if (!digits(n)) {
            return bad_format("XI: 9 or 12 digits expected");
        }
        const int sum = weighted(n, {8, 7, 6, 5, 4, 3, 2, 10, 1}) % 97;
        const bool match = to_int(n.substr(0, 3)) >= 100 ? (sum == 0 || sum == 42 || sum == 55) : sum == 0;
        return match ? ok : bad_check("XI: check digits do not match");
    }
    return bad_length("XI: 9 or 12 digits (or GD/HA numbers) expected");
}

// --- dispatch ----------------------------------------------------------------------------------------

struct country_rule {
    std::string_view code;        // VIES code
    std::string_view separators;  // removed besides blanks (stdnum's clean() set of the module)
    verdict (*check)(std::string_view);
};

// Sorted by code; the separators are those of the stdnum module's compact(), blank included.
constexpr std::array country_rules = std::to_array<country_rule>({
    {"AT", " -./", check_at},  {"BE", " -./", check_be},  {"BG", " -.", check_bg},    {"CY", " -", check_cy},
    {"CZ", " /", check_cz},    {"DE", " -./,", check_de}, {"DK", " -.,/:", check_dk}, {"EE", " ", check_ee},
    {"EL", " -./:", check_el}, {"ES", " -", check_es},    {"FI", " -", check_fi},     {"FR", " -.", check_fr},
    {"HR", " -", check_hr},    {"HU", " -", check_hu},    {"IE", " -", check_ie},     {"IT", " -:", check_it},
    {"LT", " -", check_lt},    {"LU", " :.-", check_lu},  {"LV", " -", check_lv},     {"MT", " -", check_mt},
    {"NL", " -.", check_nl},   {"PL", " -", check_pl},    {"PT", " -.", check_pt},    {"RO", " -", check_ro},
    {"SE", " -.", check_se},   {"SI", " -", check_si},    {"SK", " -", check_sk},     {"XI", " -.", check_xi},
});

constexpr std::array<std::string_view, country_rules.size()> country_codes = [] {
    std::array<std::string_view, country_rules.size()> codes{};
    for (std::size_t i = 0; i < country_rules.size(); ++i) {
        codes[i] = country_rules[i].code;
    }
    return codes;
}();

const country_rule* find_rule(std::string_view code) {
    const auto* it = std::lower_bound(
        country_rules.begin(),
        country_rules.end(),
        code,
        [](const country_rule& r, std::string_view c) { return r.code < c; }
    );
    return it != country_rules.end() && it->code == code ? it : nullptr;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The national part as the stdnum module's compact() leaves it, with the historic short forms padded.
std::string compact_national(std::string_view cleaned_upper, const country_rule& rule) {
    std::string s;
    s.reserve(cleaned_upper.size());
    for (char c : cleaned_upper) {
        if (rule.separators.find(c) == std::string_view::npos) {
            s += c;
        }
    }
    s = std::string(trim(s));
    // The prefix survives cleaning (neither of its characters is a separator, or it would not have
    // matched a country), so it is always the first two characters here.
    s.erase(0, 2);
    if (rule.code == "BE") {
        if (s.starts_with("(0)")) {
            s = "0" + s.substr(3);
        }
        if (s.size() == 9) {
            s.insert(0, "0");
        }
    } else if (rule.code == "EL") {
        if (s.size() == 8) {
            s.insert(0, "0");
        }
    } else if (rule.code == "NL") {
        // nl.bsn.compact() zero-fills the part before the last three characters to 9 digits.
        const std::size_t head = s.size() >= 3 ? s.size() - 3 : 0;
        std::string front = std::string(trim(std::string_view(s).substr(0, head)));
        if (front.size() < 9) {
            front.insert(0, 9 - front.size(), '0');
        }
        s = front + s.substr(head);
    }
    return s;
}

}  // namespace

std::string_view to_string(vat_id_problem problem) noexcept {
    switch (problem) {
        case vat_id_problem::none:
            return "ok";
        case vat_id_problem::empty:
            return "empty";
        case vat_id_problem::unknown_country:
            return "unknown country prefix";
        case vat_id_problem::bad_format:
            return "bad format";
        case vat_id_problem::bad_length:
            return "bad length";
        case vat_id_problem::bad_component:
            return "bad component";
        case vat_id_problem::bad_check_digit:
            return "bad check digit";
    }
    return "unknown";
}

vat_id_check check_vat_id(std::string_view input) {
    vat_id_check result;
    std::string upper_input;
    upper_input.reserve(input.size());
    for (char c : trim(input)) {
        upper_input += upper(c);
    }
    if (upper_input.empty()) {
        result.problem = vat_id_problem::empty;
        result.detail = "no number given";
        return result;
    }
    std::string code = upper_input.substr(0, 2);
    if (code == "GR") {
        code = "EL";
    }
    const country_rule* rule = find_rule(code);
    if (rule == nullptr) {
        result.problem = vat_id_problem::unknown_country;
        result.detail =
            "'" + upper_input.substr(0, 2) + "' is not a VIES country prefix (EU member state, EL, XI)";
        return result;
    }
    result.id.country = std::string(rule->code);
    result.id.number = compact_national(upper_input, *rule);
    const verdict v = rule->check(result.id.number);
    result.problem = v.problem;
    result.detail = std::string(v.why);
    return result;
}

bool is_valid_vat_id(std::string_view input) { return check_vat_id(input).valid(); }

std::span<const std::string_view> vat_id_countries() noexcept { return country_codes; }

bool is_vat_id_country(std::string_view code) noexcept { return find_rule(code) != nullptr; }

}  // namespace fakturad
