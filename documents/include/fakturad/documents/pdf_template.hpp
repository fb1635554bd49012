#pragma once
// The invoice PDF template of one legal entity: layout choices, logo, fonts, colours and the texts that are
// not in the invoice itself. Read from a small YAML file (format in documents/README.md, example in
// config/examples/templates/); asset paths in it are relative to that file.
//
// The parser takes the file's text (the caller reads the file; documents/ does no I/O of its own) and
// returns the template or every problem it found, each as "file:line:column: key.path: message" with a
// hint what to write instead. Unknown keys get a nearest-name hint; duplicate keys are errors.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::documents {

// sRGB colour, 0..255 per channel.
using rgb = std::array<std::uint8_t, 3>;

struct pdf_template {
    std::string name;  // shown nowhere; names the template in messages

    // Assets (paths as written in the YAML, relative to its folder unless absolute).
    std::string logo_file;          // PNG or JPEG; empty: no logo
    double logo_width_mm = 45.0;    // printed width; the height follows the image's aspect ratio
    std::string font_regular_file;  // TrueType/OpenType files embedded (subset) into every PDF
    std::string font_bold_file;

    rgb accent{0x1f, 0x4e, 0x79};  // rules, table header, title
    rgb text{0x20, 0x20, 0x20};

    // Sender line above the address window (DIN 5008); empty: "name · street · postcode city" of the
    // seller.
    std::string sender_line;
    // German small business (§ 19 UStG): the VAT summary states that no VAT is charged.
    bool small_business = false;
    // Print an EPC069-12 QR code ("GiroCode") for credit transfers in EUR to an IBAN.
    bool girocode = true;
    // Extra footer lines (e.g. managing directors, court), printed below the seller's data.
    std::vector<std::string> footer_lines;
    // Free text above the line table and below the totals, per language ("de", "en"); optional.
    std::string intro_de;
    std::string intro_en;
    std::string closing_de;
    std::string closing_en;
};

struct pdf_template_error {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    std::string path;
    std::string message;

    // "file:line:column: path: message"
    [[nodiscard]] std::string to_string() const;
};

struct pdf_template_result {
    std::optional<pdf_template> value;  // set iff errors is empty
    std::vector<pdf_template_error> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// Parses a template file's text; file_name is only used in messages.
[[nodiscard]] pdf_template_result parse_pdf_template(std::string_view yaml_text, std::string_view file_name);

}  // namespace fakturad::documents
