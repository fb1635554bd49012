#pragma once
// The pages of one PDF as they are drawn (text blocks, rules, filled boxes, images) and the file they make:
// the last step of every PDF the documents stack renders (invoices, reports).
//
// Coordinates are points from the page's top-left corner, y downwards, as the layouts measure. Every
// drawing operation appends its PDF operators to the page's content at once; finish() embeds a subset of
// each font with exactly the glyphs the document shows (with /W widths and a ToUnicode map, so that
// extracted text is the typed text), the images once each however often they appear, and writes the file.

#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_template.hpp"
#include "pdf_image.hpp"
#include "text_engine.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fakturad::documents::detail {

// What makes the file PDF/A-3b when the writer adds it itself: the same parts make_pdfa3 adds to other
// PDFs (sRGB OutputIntent, XMP, Info from the same values, the Factur-X XML as an associated file, a
// content-derived trailer /ID), without parsing the file again.
struct pdfa_parts {
    std::string_view srgb_icc_deflated;  // the ICC profile, deflated once by the caller
    const pdfa_metadata* meta = nullptr;
    const facturx_attachment* attachment = nullptr;  // null: PDF/A-3b without an attachment
};

class pdf_canvas {
public:
    pdf_canvas(double width, double height);

    // Starts a new page and draws on it.
    void new_page();
    // Draws on an earlier page again (footers once the page count is known).
    void go_to_page(std::size_t index);
    [[nodiscard]] std::size_t page_count() const noexcept { return pages_.size(); }

    // The block's top-left corner at (x, y).
    void text(const text_block& block, double x, double y, const rgb& color);
    void line(double x1, double y1, double x2, double y2, double width, const rgb& color);
    void box(double x, double y, double w, double h, const rgb& color);
    // The image stretched to w × h points, top-left corner at (x, y), without smoothing (PDF/A forbids
    // /Interpolate true).
    void image(const std::shared_ptr<const pdf_image>& img, double x, double y, double w, double h);

    // The PDF file: PDF 1.7, and PDF/A-3b with archive. Throws pdf_render_error when a font cannot be
    // subset or compression fails.
    [[nodiscard]] std::string finish(const pdfa_parts* archive = nullptr) const;

private:
    struct used_font {
        const font_program* font;
        std::vector<bool> glyphs;
    };
    std::size_t font_index(const font_program* f);
    void set_fill(const rgb& c);

    double width_;
    double height_;
    std::vector<std::string> pages_;
    std::size_t current_ = 0;
    std::vector<used_font> fonts_;
    std::vector<std::shared_ptr<const pdf_image>> images_;
};

}  // namespace fakturad::documents::detail
