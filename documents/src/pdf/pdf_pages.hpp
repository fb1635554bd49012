#pragma once
// Plays recorded drawing operations page by page onto a cairo PDF surface and returns the file's bytes:
// the last step of every PDF the documents stack renders (invoices, reports).

#include "fakturad/documents/pdf_renderer.hpp"

#include <cairo-pdf.h>

#include <cairo.h>

#include <functional>
#include <string>
#include <vector>

namespace fakturad::documents::detail {

using draw_op = std::function<void(cairo_t*)>;

// Throws pdf_render_error when cairo fails (out of memory).
inline std::string write_pdf(const std::vector<std::vector<draw_op>>& pages, double width, double height) {
    std::string out;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
        [](void* closure, const unsigned char* data, unsigned int length) {
            static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
            return CAIRO_STATUS_SUCCESS;
        },
        &out,
        width,
        height
    );
    cairo_t* cr = cairo_create(surface);
    for (const auto& ops : pages) {
        for (const draw_op& op : ops) {
            op(cr);
        }
        cairo_show_page(cr);
    }
    const cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const cairo_status_t surface_status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS || surface_status != CAIRO_STATUS_SUCCESS) {
        throw pdf_render_error(
            std::string("cairo: ") +
            cairo_status_to_string(status != CAIRO_STATUS_SUCCESS ? status : surface_status)
        );
    }
    return out;
}

}  // namespace fakturad::documents::detail
