#pragma once
// The template's logo, decoded once per renderer. A PNG becomes an opaque RGB image surface (cairo deflates
// its pixels into every PDF); a JPEG keeps its bytes as mime data, which cairo embeds unchanged (DCT), so
// a JPEG logo costs nothing per document.

#include <cairo.h>

#include <string>

namespace fakturad::documents::detail {

class logo_image {
public:
    // Throws pdf_render_error when the bytes are neither a readable PNG nor a baseline JPEG.
    explicit logo_image(const std::string& bytes);
    ~logo_image();
    logo_image(const logo_image&) = delete;
    logo_image& operator=(const logo_image&) = delete;

    [[nodiscard]] int width() const noexcept { return width_; }
    [[nodiscard]] int height() const noexcept { return height_; }
    // Paints the logo scaled to width_pt with its top-left corner at (x, y).
    void draw(cairo_t* cr, double x, double y, double width_pt) const;

private:
    std::string jpeg_;  // kept alive: cairo refers to it as mime data
    cairo_surface_t* surface_ = nullptr;
    int width_ = 0;
    int height_ = 0;
};

}  // namespace fakturad::documents::detail
