#pragma once
// The EPC QR code ("GiroCode", EPC069-12 version 002) that banking apps scan to prefill a SEPA credit
// transfer: the text payload, and the QR module matrix drawn by the PDF renderer.

#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::documents {

struct epc_transfer {
    std::string beneficiary_name;  // at most 70 characters
    std::string iban;              // blanks are removed
    std::string bic;               // optional in version 002 (EEA transfers)
    decimal amount;                // EUR, 0.01 .. 999999999.99
    currency cur{"EUR"};
    std::string remittance;  // unstructured, at most 140 characters
};

// The payload in UTF-8 (character set 1), lines separated by LF:
//   BCD / 002 / 1 / SCT / BIC / name / IBAN / EUR<amount> / purpose / reference / text
// nullopt when the transfer cannot be expressed as an EPC code: another currency than EUR, an amount
// outside the range above, an empty or too long name, an IBAN that is not 15..34 letters and digits, or a
// remittance text over 140 characters (the caller prints the bank details without a code then).
[[nodiscard]] std::optional<std::string> epc_qr_payload(const epc_transfer& t);

// A square QR symbol, row-major; true is a dark module. No quiet zone included.
struct qr_matrix {
    int size = 0;
    std::vector<bool> dark;
    [[nodiscard]] bool at(int x, int y) const {
        return dark
            [static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)];
    }
};

// Encodes text at error correction level M (as EPC069-12 requires) in byte mode. Throws std::runtime_error
// when the text does not fit a QR symbol (cannot happen for an EPC payload, which is at most 331 bytes).
[[nodiscard]] qr_matrix encode_qr(const std::string& text);

}  // namespace fakturad::documents
