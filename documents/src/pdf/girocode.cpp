#include "fakturad/documents/girocode.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace fakturad::documents {
namespace {

// Characters, not bytes: EPC069-12 limits are counted in characters of the UTF-8 text.
std::size_t utf8_length(const std::string& s) {
    std::size_t n = 0;
    for (const char ch : s) {
        n += (static_cast<unsigned char>(ch) & 0xC0U) != 0x80U ? 1 : 0;
    }
    return n;
}

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::optional<std::string> epc_qr_payload(const epc_transfer& t) {
    if (t.cur.code() != "EUR") {
        return std::nullopt;
    }
    const decimal min_amount{1, 2};
    const decimal max_amount{99999999999, 2};
    if (t.amount < min_amount || t.amount > max_amount) {
        return std::nullopt;
    }
    std::string iban;
    for (char c : t.iban) {
        if (c == ' ') {
            continue;
        }
        if (!is_alnum(c)) {
            return std::nullopt;
        }
        iban += c;
    }
    const std::size_t name_chars = utf8_length(t.beneficiary_name);
    if (iban.size() < 15 || iban.size() > 34 || name_chars == 0 || name_chars > 70 ||
        utf8_length(t.remittance) > 140 || t.bic.size() > 11) {
        return std::nullopt;
    }
    std::string out = "BCD\n002\n1\nSCT\n";
    out += t.bic + "\n";
    out += t.beneficiary_name + "\n";
    out += iban + "\n";
    out += "EUR" + to_fixed_string(t.amount, 2) + "\n";
    out += "\n";  // purpose code: none
    out += "\n";  // structured creditor reference: none, the text below is used
    out += t.remittance;
    return out;
}

qr_matrix encode_qr(const std::string& text) {
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free
    );
    if (!code) {
        throw std::runtime_error(
            "QR code: the text does not fit a QR symbol (" + std::to_string(text.size()) + " bytes)"
        );
    }
    qr_matrix m;
    m.size = code->width;
    const auto cells = static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size);
    m.dark.resize(cells);
    for (std::size_t i = 0; i < cells; ++i) {
        m.dark[i] = (code->data[i] & 1U) != 0;
    }
    return m;
}

}  // namespace fakturad::documents
