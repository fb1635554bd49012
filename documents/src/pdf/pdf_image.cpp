#include "pdf_image.hpp"

#include "fakturad/documents/pdf_renderer.hpp"

#include <zlib.h>

#include <png.h>

namespace fakturad::documents::detail {
namespace {

bool is_jpeg(const std::string& b) {
    return b.size() > 4 && static_cast<unsigned char>(b[0]) == 0xFF &&
           static_cast<unsigned char>(b[1]) == 0xD8;
}

struct jpeg_frame {
    int width = 0;
    int height = 0;
    int components = 0;
};

// Size and colour components from the first SOF marker; nullopt-like zero frame when there is none.
jpeg_frame read_jpeg_frame(const std::string& b) {
    std::size_t i = 2;
    while (i + 9 < b.size()) {
        if (static_cast<unsigned char>(b[i]) != 0xFF) {
            return {};
        }
        const auto marker = static_cast<unsigned char>(b[i + 1]);
        const std::size_t length = (static_cast<std::size_t>(static_cast<unsigned char>(b[i + 2])) << 8U) |
                                   static_cast<unsigned char>(b[i + 3]);
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            jpeg_frame f;
            f.height = (static_cast<unsigned char>(b[i + 5]) << 8) | static_cast<unsigned char>(b[i + 6]);
            f.width = (static_cast<unsigned char>(b[i + 7]) << 8) | static_cast<unsigned char>(b[i + 8]);
            f.components = static_cast<unsigned char>(b[i + 9]);
            return f;
        }
        i += 2 + length;
    }
    return {};
}

}  // namespace

// One zlib stream per thread, reset between calls: deflateInit allocates and clears about 270 KB, which for
// the small streams of a document (a page's content, a ToUnicode map, the GiroCode) cost more than the
// compression itself (measured: a third of a 1-page document's time went to zlib before).
class deflater {
public:
    deflater() {
        if (deflateInit(&z_, Z_DEFAULT_COMPRESSION) != Z_OK) {
            throw pdf_render_error("zlib: cannot start compression (out of memory)");
        }
    }
    ~deflater() { deflateEnd(&z_); }
    deflater(const deflater&) = delete;
    deflater& operator=(const deflater&) = delete;

    std::string run(const void* data, std::size_t size, int level) {
        if (deflateReset(&z_) != Z_OK ||
            (level != level_ && deflateParams(&z_, level, Z_DEFAULT_STRATEGY) != Z_OK)) {
            throw pdf_render_error("zlib: cannot compress");
        }
        level_ = level;
        std::string out(deflateBound(&z_, static_cast<uLong>(size)), '\0');
        z_.next_in = const_cast<Bytef*>(static_cast<const Bytef*>(data));  // zlib's API is not const
        z_.avail_in = static_cast<uInt>(size);
        z_.next_out = reinterpret_cast<Bytef*>(out.data());
        z_.avail_out = static_cast<uInt>(out.size());
        if (deflate(&z_, Z_FINISH) != Z_STREAM_END) {
            throw pdf_render_error("zlib: cannot compress (output larger than its bound)");
        }
        out.resize(out.size() - z_.avail_out);
        return out;
    }

private:
    z_stream z_{};
    int level_ = Z_DEFAULT_COMPRESSION;
};

std::string deflate_bytes(const void* data, std::size_t size, int level) {
    thread_local deflater d;
    return d.run(data, size, level);
}

pdf_image image_from_file_bytes(const std::string& bytes) {
    pdf_image img;
    if (is_jpeg(bytes)) {
        const jpeg_frame f = read_jpeg_frame(bytes);
        if (f.width <= 0 || f.height <= 0) {
            throw pdf_render_error("logo: JPEG without a frame header; save it as a baseline JPEG or PNG");
        }
        if (f.components != 1 && f.components != 3) {
            throw pdf_render_error(
                "logo: a CMYK JPEG cannot go into a PDF/A file with an sRGB output intent; save the logo as "
                "an RGB JPEG or a PNG"
            );
        }
        img.width = f.width;
        img.height = f.height;
        img.entries = std::string("/ColorSpace ") + (f.components == 1 ? "/DeviceGray" : "/DeviceRGB") +
                      " /BitsPerComponent 8 /Filter /DCTDecode";
        img.data = bytes;
        return img;
    }
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()) == 0) {
        throw pdf_render_error("logo: not a readable PNG or JPEG file");
    }
    png.format = PNG_FORMAT_RGB;
    std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(png));
    const png_color white{255, 255, 255};
    if (png_image_finish_read(&png, &white, pixels.data(), 0, nullptr) == 0) {
        const std::string message = png.message;
        png_image_free(&png);
        throw pdf_render_error("logo: PNG cannot be decoded (" + message + ")");
    }
    img.width = static_cast<int>(png.width);
    img.height = static_cast<int>(png.height);
    img.entries = "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode";
    img.data = deflate_bytes(pixels.data(), pixels.size(), Z_BEST_COMPRESSION);
    return img;
}

pdf_image grey_image(int width, int height, const std::vector<std::uint8_t>& pixels) {
    pdf_image img;
    img.width = width;
    img.height = height;
    img.entries = "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode";
    img.data = deflate_bytes(pixels.data(), pixels.size(), Z_DEFAULT_COMPRESSION);
    return img;
}

}  // namespace fakturad::documents::detail
