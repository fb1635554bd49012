#pragma once
// The XMP metadata packet of a PDF/A-3b file (pdfaid part 3 / conformance B, Dublin Core title, creator and
// description, xmp dates, the producer, and for Factur-X the fx: properties with their extension schema),
// and the date spelling of the Info dictionary that must agree with it. Shared by the writer that makes
// PDF/A-3 files directly (pdf_canvas) and the step that turns other PDFs into PDF/A-3 (make_pdfa3).

#include "fakturad/documents/pdf_archive.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace fakturad::documents::detail {

// /Producer and pdf:Producer of every PDF/A file the project writes.
inline constexpr std::string_view pdf_producer = "fakturad (HarfBuzz, qpdf)";

// "D:20261127000000Z": the same instant as the XMP's "2026-11-27T00:00:00Z".
[[nodiscard]] std::string pdf_date(std::chrono::sys_seconds t);

[[nodiscard]] std::string make_xmp(
    const pdfa_metadata& meta, std::string_view producer, const std::optional<facturx_attachment>& att
);

}  // namespace fakturad::documents::detail
