#include "fakturad/core/currency.hpp"

#include <algorithm>
#include <array>

namespace fakturad {
namespace {

// ISO 4217 List One, 2026-01-01, entries with a numeric minor unit, sorted by code (see currency.hpp for
// what is left out and why). Sorted order is checked by a unit test and relied on by lookup_currency.
constexpr std::array currency_table = std::to_array<currency_info>({
    {"AED", 784, 2, "UAE Dirham", false},
    {"AFN", 971, 2, "Afghani", false},
    {"ALL", 8, 2, "Lek", false},
    {"AMD", 51, 2, "Armenian Dram", false},
    {"ANG", 532, 2, "Netherlands Antillean Guilder", true},
    {"AOA", 973, 2, "Kwanza", false},
    {"ARS", 32, 2, "Argentine Peso", false},
    {"AUD", 36, 2, "Australian Dollar", false},
    {"AWG", 533, 2, "Aruban Florin", false},
    {"AZN", 944, 2, "Azerbaijan Manat", false},
    {"BAM", 977, 2, "Convertible Mark", false},
    {"BBD", 52, 2, "Barbados Dollar", false},
    {"BDT", 50, 2, "Taka", false},
    {"BGN", 975, 2, "Bulgarian Lev", true},
    {"BHD", 48, 3, "Bahraini Dinar", false},
    {"BIF", 108, 0, "Burundi Franc", false},
    {"BMD", 60, 2, "Bermudian Dollar", false},
    {"BND", 96, 2, "Brunei Dollar", false},
    {"BOB", 68, 2, "Boliviano", false},
    {"BOV", 984, 2, "Mvdol", false},
    {"BRL", 986, 2, "Brazilian Real", false},
    {"BSD", 44, 2, "Bahamian Dollar", false},
    {"BTN", 64, 2, "Ngultrum", false},
    {"BWP", 72, 2, "Pula", false},
    {"BYN", 933, 2, "Belarusian Ruble", false},
    {"BZD", 84, 2, "Belize Dollar", false},
    {"CAD", 124, 2, "Canadian Dollar", false},
    {"CDF", 976, 2, "Congolese Franc", false},
    {"CHE", 947, 2, "WIR Euro", false},
    {"CHF", 756, 2, "Swiss Franc", false},
    {"CHW", 948, 2, "WIR Franc", false},
    {"CLF", 990, 4, "Unidad de Fomento", false},
    {"CLP", 152, 0, "Chilean Peso", false},
    {"CNY", 156, 2, "Yuan Renminbi", false},
    {"COP", 170, 2, "Colombian Peso", false},
    {"COU", 970, 2, "Unidad de Valor Real", false},
    {"CRC", 188, 2, "Costa Rican Colon", false},
    {"CUP", 192, 2, "Cuban Peso", false},
    {"CVE", 132, 2, "Cabo Verde Escudo", false},
    {"CZK", 203, 2, "Czech Koruna", false},
    {"DJF", 262, 0, "Djibouti Franc", false},
    {"DKK", 208, 2, "Danish Krone", false},
    {"DOP", 214, 2, "Dominican Peso", false},
    {"DZD", 12, 2, "Algerian Dinar", false},
    {"EGP", 818, 2, "Egyptian Pound", false},
    {"ERN", 232, 2, "Nakfa", false},
    {"ETB", 230, 2, "Ethiopian Birr", false},
    {"EUR", 978, 2, "Euro", false},
    {"FJD", 242, 2, "Fiji Dollar", false},
    {"FKP", 238, 2, "Falkland Islands Pound", false},
    {"GBP", 826, 2, "Pound Sterling", false},
    {"GEL", 981, 2, "Lari", false},
    {"GHS", 936, 2, "Ghana Cedi", false},
    {"GIP", 292, 2, "Gibraltar Pound", false},
    {"GMD", 270, 2, "Dalasi", false},
    {"GNF", 324, 0, "Guinean Franc", false},
    {"GTQ", 320, 2, "Quetzal", false},
    {"GYD", 328, 2, "Guyana Dollar", false},
    {"HKD", 344, 2, "Hong Kong Dollar", false},
    {"HNL", 340, 2, "Lempira", false},
    {"HTG", 332, 2, "Gourde", false},
    {"HUF", 348, 2, "Forint", false},
    {"IDR", 360, 2, "Rupiah", false},
    {"ILS", 376, 2, "New Israeli Sheqel", false},
    {"INR", 356, 2, "Indian Rupee", false},
    {"IQD", 368, 3, "Iraqi Dinar", false},
    {"IRR", 364, 2, "Iranian Rial", false},
    {"ISK", 352, 0, "Iceland Krona", false},
    {"JMD", 388, 2, "Jamaican Dollar", false},
    {"JOD", 400, 3, "Jordanian Dinar", false},
    {"JPY", 392, 0, "Yen", false},
    {"KES", 404, 2, "Kenyan Shilling", false},
    {"KGS", 417, 2, "Som", false},
    {"KHR", 116, 2, "Riel", false},
    {"KMF", 174, 0, "Comorian Franc", false},
    {"KPW", 408, 2, "North Korean Won", false},
    {"KRW", 410, 0, "Won", false},
    {"KWD", 414, 3, "Kuwaiti Dinar", false},
    {"KYD", 136, 2, "Cayman Islands Dollar", false},
    {"KZT", 398, 2, "Tenge", false},
    {"LAK", 418, 2, "Lao Kip", false},
    {"LBP", 422, 2, "Lebanese Pound", false},
    {"LKR", 144, 2, "Sri Lanka Rupee", false},
    {"LRD", 430, 2, "Liberian Dollar", false},
    {"LSL", 426, 2, "Loti", false},
    {"LYD", 434, 3, "Libyan Dinar", false},
    {"MAD", 504, 2, "Moroccan Dirham", false},
    {"MDL", 498, 2, "Moldovan Leu", false},
    {"MGA", 969, 2, "Malagasy Ariary", false},
    {"MKD", 807, 2, "Denar", false},
    {"MMK", 104, 2, "Kyat", false},
    {"MNT", 496, 2, "Tugrik", false},
    {"MOP", 446, 2, "Pataca", false},
    {"MRU", 929, 2, "Ouguiya", false},
    {"MUR", 480, 2, "Mauritius Rupee", false},
    {"MVR", 462, 2, "Rufiyaa", false},
    {"MWK", 454, 2, "Malawi Kwacha", false},
    {"MXN", 484, 2, "Mexican Peso", false},
    {"MXV", 979, 2, "Mexican Unidad de Inversion (UDI)", false},
    {"MYR", 458, 2, "Malaysian Ringgit", false},
    {"MZN", 943, 2, "Mozambique Metical", false},
    {"NAD", 516, 2, "Namibia Dollar", false},
    {"NGN", 566, 2, "Naira", false},
    {"NIO", 558, 2, "Cordoba Oro", false},
    {"NOK", 578, 2, "Norwegian Krone", false},
    {"NPR", 524, 2, "Nepalese Rupee", false},
    {"NZD", 554, 2, "New Zealand Dollar", false},
    {"OMR", 512, 3, "Rial Omani", false},
    {"PAB", 590, 2, "Balboa", false},
    {"PEN", 604, 2, "Sol", false},
    {"PGK", 598, 2, "Kina", false},
    {"PHP", 608, 2, "Philippine Peso", false},
    {"PKR", 586, 2, "Pakistan Rupee", false},
    {"PLN", 985, 2, "Zloty", false},
    {"PYG", 600, 0, "Guarani", false},
    {"QAR", 634, 2, "Qatari Rial", false},
    {"RON", 946, 2, "Romanian Leu", false},
    {"RSD", 941, 2, "Serbian Dinar", false},
    {"RUB", 643, 2, "Russian Ruble", false},
    {"RWF", 646, 0, "Rwanda Franc", false},
    {"SAR", 682, 2, "Saudi Riyal", false},
    {"SBD", 90, 2, "Solomon Islands Dollar", false},
    {"SCR", 690, 2, "Seychelles Rupee", false},
    {"SDG", 938, 2, "Sudanese Pound", false},
    {"SEK", 752, 2, "Swedish Krona", false},
    {"SGD", 702, 2, "Singapore Dollar", false},
    {"SHP", 654, 2, "Saint Helena Pound", false},
    {"SLE", 925, 2, "Leone", false},
    {"SOS", 706, 2, "Somali Shilling", false},
    {"SRD", 968, 2, "Surinam Dollar", false},
    {"SSP", 728, 2, "South Sudanese Pound", false},
    {"STN", 930, 2, "Dobra", false},
    {"SVC", 222, 2, "El Salvador Colon", false},
    {"SYP", 760, 2, "Syrian Pound", false},
    {"SZL", 748, 2, "Lilangeni", false},
    {"THB", 764, 2, "Baht", false},
    {"TJS", 972, 2, "Somoni", false},
    {"TMT", 934, 2, "Turkmenistan New Manat", false},
    {"TND", 788, 3, "Tunisian Dinar", false},
    {"TOP", 776, 2, "Pa'anga", false},
    {"TRY", 949, 2, "Turkish Lira", false},
    {"TTD", 780, 2, "Trinidad and Tobago Dollar", false},
    {"TWD", 901, 2, "New Taiwan Dollar", false},
    {"TZS", 834, 2, "Tanzanian Shilling", false},
    {"UAH", 980, 2, "Hryvnia", false},
    {"UGX", 800, 0, "Uganda Shilling", false},
    {"USD", 840, 2, "US Dollar", false},
    {"USN", 997, 2, "US Dollar (Next day)", false},
    {"UYI", 940, 0, "Uruguay Peso en Unidades Indexadas (UI)", false},
    {"UYU", 858, 2, "Peso Uruguayo", false},
    {"UYW", 927, 4, "Unidad Previsional", false},
    {"UZS", 860, 2, "Uzbekistan Sum", false},
    {"VED", 926, 2, "Bolivar Soberano (digital)", false},
    {"VES", 928, 2, "Bolivar Soberano", false},
    {"VND", 704, 0, "Dong", false},
    {"VUV", 548, 0, "Vatu", false},
    {"WST", 882, 2, "Tala", false},
    {"XAD", 396, 2, "Arab Accounting Dinar", false},
    {"XAF", 950, 0, "CFA Franc BEAC", false},
    {"XCD", 951, 2, "East Caribbean Dollar", false},
    {"XCG", 532, 2, "Caribbean Guilder", false},
    {"XOF", 952, 0, "CFA Franc BCEAO", false},
    {"XPF", 953, 0, "CFP Franc", false},
    {"YER", 886, 2, "Yemeni Rial", false},
    {"ZAR", 710, 2, "Rand", false},
    {"ZMW", 967, 2, "Zambian Kwacha", false},
    {"ZWG", 924, 2, "Zimbabwe Gold", false},
});

}  // namespace

currency::currency(std::string_view code) : info_(lookup_currency(code).value().info_) {}

money_result<currency> lookup_currency(std::string_view code) noexcept {
    const auto* it = std::lower_bound(
        currency_table.begin(),
        currency_table.end(),
        code,
        [](const currency_info& entry, std::string_view key) { return entry.code < key; }
    );
    if (it == currency_table.end() || it->code != code) {
        return money_errc::unknown_currency;
    }
    return currency(&*it);
}

money_result<currency> lookup_currency(std::uint16_t numeric) noexcept {
    // A linear scan over ~170 entries; numeric codes are rare (SEPA/camt), not a hot path.
    const currency_info* found = nullptr;
    for (const auto& entry : currency_table) {
        if (entry.numeric == numeric && (found == nullptr || found->withdrawn)) {
            found = &entry;
        }
    }
    if (found == nullptr) {
        return money_errc::unknown_currency;
    }
    return currency(found);
}

std::span<const currency_info> all_currencies() noexcept { return currency_table; }

}  // namespace fakturad
