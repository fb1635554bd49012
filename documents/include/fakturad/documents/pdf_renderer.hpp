#pragma once
// Renders a billing::invoice into an invoice PDF with the layout of a legal entity's template.
//
// Page 1: logo, sender line and address window for a DIN 5008 form B window envelope (address field 45 mm
// from the top, 20 mm from the left), the document data block, the title of the document type and the
// reference to a corrected or cancelled invoice. Then the line table (description wraps; the table breaks
// across pages with the header repeated and the subtotal carried forward), totals with the VAT per
// category and rate, the deducted advance invoices of a final invoice, the VAT notes the law requires
// (reverse charge, exemptions, § 19 UStG), payment instructions with bank details and an EPC QR code, and
// on every page a footer with the seller's § 14 UStG data and "page x of y". Texts, numbers and dates
// follow the invoice's language (German or English); amounts are printed exactly in any currency.
//
// The output is a plain PDF 1.7 with subset TrueType fonts (glyph widths and a ToUnicode map for each, so
// extracted text is the typed text) and no transparency; make_pdfa3 (pdf_archive.hpp) turns it into PDF/A-3b
// and embeds the e-invoice XML.
//
// Cost: the constructor does the expensive work once (fonts and their common subset, logo decoding, the
// layout of fixed texts); render() is meant to be called many times. One renderer belongs to one thread at
// a time: it reuses its laid-out texts between documents. For several workers, give each thread its own
// renderer; renderers share no state (documents/README.md "Speed" has the measured scaling).

#include "fakturad/billing/invoice.hpp"
#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_template.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fakturad::documents {

class pdf_render_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What the template's files contain, read by the caller (documents/ does no file I/O of its own).
struct pdf_assets {
    std::string logo;               // the bytes of the logo file (PNG or JPEG); empty: no logo
    std::string font_regular_path;  // resolved paths of the template's font files; the font library
    std::string font_bold_path;     // reads them once, in the constructor
};

struct rendered_pdf {
    std::string bytes;
    int pages = 0;
};

class invoice_pdf_renderer {
public:
    // Loads the two font files (only these: the host's installed fonts never change the output), decodes
    // the logo and prepares the layout objects. Throws pdf_render_error naming the file when a font
    // cannot be loaded or the logo is neither a readable PNG nor JPEG.
    invoice_pdf_renderer(pdf_template tpl, const pdf_assets& assets);
    ~invoice_pdf_renderer();
    invoice_pdf_renderer(invoice_pdf_renderer&&) noexcept;
    invoice_pdf_renderer& operator=(invoice_pdf_renderer&&) noexcept;
    invoice_pdf_renderer(const invoice_pdf_renderer&) = delete;
    invoice_pdf_renderer& operator=(const invoice_pdf_renderer&) = delete;

    // Renders one document. Draft documents are marked as drafts. Throws pdf_render_error when a font
    // cannot be subset (out of memory), a text has a character the fonts lack, or a currency amount cannot
    // be formatted.
    [[nodiscard]] rendered_pdf render(const billing::invoice& doc);

    // The same document written straight as PDF/A-3b, with the Factur-X XML when attachment is set: the
    // parts make_pdfa3 adds (pdf_archive.hpp: sRGB OutputIntent from srgb_icc, XMP and Info from meta, the
    // XML as associated file, a content-derived /ID), without writing and parsing the file twice. What the
    // project's PDFs go through; make_pdfa3 remains for PDFs from elsewhere.
    [[nodiscard]] rendered_pdf render_pdfa3(
        const billing::invoice& doc,
        std::string_view srgb_icc,
        const pdfa_metadata& meta,
        const std::optional<facturx_attachment>& attachment
    );

    [[nodiscard]] const pdf_template& layout_template() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// The document's printed title in its language with its number: "Rechnung RE-2026-00042", "Credit note
// GS-7", "Proformarechnung" (for the PDF's metadata and file listings).
[[nodiscard]] std::string document_title(const billing::invoice& doc);

}  // namespace fakturad::documents
