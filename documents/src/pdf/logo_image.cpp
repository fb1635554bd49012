#include "logo_image.hpp"

#include "fakturad/documents/pdf_renderer.hpp"

#include <cstring>

namespace fakturad::documents::detail {
namespace {

struct png_reader {
    const std::string* bytes;
    std::size_t pos = 0;
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<png_reader*>(closure);
    if (r->pos + length > r->bytes->size()) {
        return CAIRO_STATUS_READ_ERROR;
    }
    std::memcpy(data, r->bytes->data() + r->pos, length);
    r->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

bool is_jpeg(const std::string& b) {
    return b.size() > 4 && static_cast<unsigned char>(b[0]) == 0xFF &&
           static_cast<unsigned char>(b[1]) == 0xD8;
}

// Width and height from the first SOF marker; false when the stream ends before one.
bool jpeg_size(const std::string& b, int& width, int& height) {
    std::size_t i = 2;
    while (i + 9 < b.size()) {
        if (static_cast<unsigned char>(b[i]) != 0xFF) {
            return false;
        }
        const auto marker = static_cast<unsigned char>(b[i + 1]);
        const std::size_t length = (static_cast<std::size_t>(static_cast<unsigned char>(b[i + 2])) << 8U) |
                                   static_cast<unsigned char>(b[i + 3]);
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            height = (static_cast<unsigned char>(b[i + 5]) << 8) | static_cast<unsigned char>(b[i + 6]);
            width = (static_cast<unsigned char>(b[i + 7]) << 8) | static_cast<unsigned char>(b[i + 8]);
            return width > 0 && height > 0;
        }
        i += 2 + length;
    }
    return false;
}

}  // namespace

logo_image::logo_image(const std::string& bytes) {
    if (is_jpeg(bytes)) {
        if (!jpeg_size(bytes, width_, height_)) {
            throw pdf_render_error("logo: JPEG without a frame header; save it as a baseline JPEG or PNG");
        }
        jpeg_ = bytes;
        surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_, height_);
        cairo_surface_set_mime_data(
            surface_,
            CAIRO_MIME_TYPE_JPEG,
            reinterpret_cast<const unsigned char*>(jpeg_.data()),
            jpeg_.size(),
            nullptr,
            nullptr
        );
        return;
    }
    png_reader reader{&bytes};
    cairo_surface_t* png = cairo_image_surface_create_from_png_stream(&read_png, &reader);
    if (cairo_surface_status(png) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(png);
        throw pdf_render_error("logo: not a readable PNG or JPEG file");
    }
    width_ = cairo_image_surface_get_width(png);
    height_ = cairo_image_surface_get_height(png);
    // Flatten onto white: an opaque image needs no soft mask (PDF/A-3 allows one, it only costs bytes).
    surface_ = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_, height_);
    cairo_t* cr = cairo_create(surface_);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, png, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(png);
}

logo_image::~logo_image() {
    if (surface_ != nullptr) {
        cairo_surface_destroy(surface_);
    }
}

void logo_image::draw(cairo_t* cr, double x, double y, double width_pt) const {
    const double scale = width_pt / width_;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, surface_, 0, 0);
    // cairo's default filter writes /Interpolate true, which PDF/A forbids.
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_FAST);
    cairo_paint(cr);
    cairo_restore(cr);
}

}  // namespace fakturad::documents::detail
