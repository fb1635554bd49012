#pragma once
// An image as a PDF image XObject, prepared once: its dictionary entries and its (compressed) data. The
// template's logo is made once per renderer, so a document only copies its bytes.

#include <cstdint>
#include <string>
#include <vector>

namespace fakturad::documents::detail {

struct pdf_image {
    int width = 0;  // pixels
    int height = 0;
    std::string entries;  // "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode"
    std::string data;     // the stream's bytes as the filter expects them
};

// A PNG (any colour type; transparency flattened onto white, because an opaque image needs no soft mask)
// or a baseline/progressive JPEG (embedded unchanged). Throws pdf_render_error saying what to do when the
// bytes are neither, or the JPEG is CMYK (PDF/A with an sRGB output intent allows RGB and grey only).
[[nodiscard]] pdf_image image_from_file_bytes(const std::string& bytes);

// 8-bit grey pixels, row by row (0 black, 255 white), deflated.
[[nodiscard]] pdf_image grey_image(int width, int height, const std::vector<std::uint8_t>& pixels);

// Deflate (zlib format, as /FlateDecode reads it). Throws pdf_render_error when zlib fails.
[[nodiscard]] std::string deflate_bytes(const void* data, std::size_t size, int level);

}  // namespace fakturad::documents::detail
