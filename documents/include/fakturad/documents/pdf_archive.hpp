#pragma once
// The PDF/A-3b step: turns a rendered PDF (invoice_pdf_renderer) into an archivable PDF/A-3b file and, for
// Factur-X / ZUGFeRD, embeds the CII invoice XML. Works on bytes in memory; independent of the renderer.
//
// What it adds or repairs (ISO 19005-3 and Factur-X 1.09 / ZUGFeRD 2.5):
//   - an sRGB OutputIntent (GTS_PDFA1) with the ICC profile the caller passes,
//   - an XMP metadata stream: pdfaid part 3 / conformance B, Dublin Core title and creator, xmp dates,
//     and for Factur-X the fx: properties with their extension schema (pdfaSchema) declaration,
//   - a new Info dictionary built from the same values, so Info and XMP agree,
//   - the embedded XML as /EmbeddedFiles entry with /F, /UF, /AFRelationship /Alternative, MIME type
//     text/xml and /Params /ModDate, referenced from the catalog's /AF array,
//   - /CIDToGIDMap /Identity on CIDFontType2 fonts that lack it (for PDFs from other writers),
//   - a trailer /ID derived from the content (same input, same bytes: reproducible files).
//
// Thread safety: free function without shared state; several threads may call it at once.
// Errors: pdf_archive_error when the input is not a readable PDF.

#include "fakturad/core/calendar.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fakturad::documents {

class pdf_archive_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Factur-X / ZUGFeRD profiles this project writes (the CII XML must declare the same profile in BT-24).
enum class facturx_profile : unsigned char { en16931, extended, xrechnung };

// The attachment's file name the profile requires: "factur-x.xml", or "xrechnung.xml" for XRECHNUNG
// (ZUGFeRD 2.1.1 and later, Factur-X 1.0.06 and later).
[[nodiscard]] std::string_view facturx_file_name(facturx_profile p) noexcept;
// fx:ConformanceLevel: "EN 16931", "EXTENDED", "XRECHNUNG".
[[nodiscard]] std::string_view facturx_conformance_level(facturx_profile p) noexcept;
// "en16931", "extended", "xrechnung"; parse accepts these spellings only.
[[nodiscard]] std::string_view to_string(facturx_profile p) noexcept;
[[nodiscard]] std::optional<facturx_profile> parse_facturx_profile(std::string_view text) noexcept;

struct pdfa_metadata {
    std::string title;    // dc:title and /Title, e.g. "Rechnung RE-2026-0042"
    std::string author;   // dc:creator and /Author: the seller
    std::string subject;  // dc:description and /Subject
    std::string creator_tool = "fakturad";
    // xmp:CreateDate / ModifyDate and /CreationDate / /ModDate. documents/ reads no clock: the caller
    // passes the instant (typically the invoice's issue date), which also keeps the output reproducible.
    std::chrono::sys_seconds created{};
};

struct facturx_attachment {
    std::string xml;  // the CII XML, UTF-8
    facturx_profile profile = facturx_profile::en16931;
};

// srgb_icc: the bytes of an RGB ICC profile (e.g. Debian icc-profiles-free's sRGB.icc).
[[nodiscard]] std::string make_pdfa3(
    std::string_view rendered_pdf,
    std::string_view srgb_icc,
    const pdfa_metadata& meta,
    const std::optional<facturx_attachment>& attachment
);

}  // namespace fakturad::documents
