#pragma once
// Text on cairo through pango, set up once per renderer: the template's two font files in a private
// fontconfig configuration (the host's fonts never take part), 72 dpi so that a pango point is a PDF
// point, unrounded glyph positions and no ligatures (text extraction must give back the typed letters).

#include "fakturad/documents/pdf_template.hpp"

#include <pango/pango.h>

#include <cairo.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fakturad::documents::detail {

struct gobject_unref {
    void operator()(void* p) const noexcept;
};
using layout_ptr = std::unique_ptr<PangoLayout, gobject_unref>;

struct text_style {
    double size = 9.0;  // points
    bool bold = false;
    rgb color{0, 0, 0};
};

enum class align : unsigned char { left, right, center };

class text_engine {
public:
    // Throws pdf_render_error naming the file that could not be loaded.
    text_engine(const std::string& regular_font_path, const std::string& bold_font_path);
    ~text_engine();
    text_engine(const text_engine&) = delete;
    text_engine& operator=(const text_engine&) = delete;

    // A laid-out paragraph; width <= 0: one line, no wrapping.
    [[nodiscard]] layout_ptr make(std::string_view text, const text_style& style, double width, align a)
        const;

    // One line whose tab characters move the following text to end at the given positions (points from
    // the layout's left edge): a table row of right-aligned cells shaped as one paragraph, not one per cell.
    [[nodiscard]] layout_ptr make_row(
        std::string_view text, const text_style& style, const std::vector<double>& right_tabs
    ) const;

    // The same, kept for later documents: for text that repeats from document to document (labels, column
    // heads, the footer, legal notes), whose shaping would otherwise be repeated for every invoice. The
    // layout lives as long as the engine or until trim_cache; never modify it.
    [[nodiscard]] PangoLayout* cached(std::string_view text, const text_style& style, double width, align a);
    // Between documents: drops the cache once it holds 4096 layouts (a worker that meets ever new sellers
    // starts over instead of growing).
    void trim_cache();

    // Height of the laid-out text in points (lays it out on first use).
    [[nodiscard]] static double height(PangoLayout* layout);
    // Draws the layout with its top-left corner at (x, y).
    static void draw(cairo_t* cr, PangoLayout* layout, double x, double y, const rgb& color);

private:
    struct fonts;
    std::unique_ptr<fonts> fonts_;
    std::unordered_map<std::string, layout_ptr> cache_;
};

}  // namespace fakturad::documents::detail
