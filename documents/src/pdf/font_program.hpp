#pragma once
// One TrueType font file of a template, loaded once per renderer: HarfBuzz shapes with it, and every PDF
// embeds a subset of it made by hb-subset. Glyph ids stay those of the original file (RETAIN_GIDS), so
// that text shaped once can be written into any later document without renumbering; the subset's unused
// glyph slots are empty and compress to almost nothing.

#include <hb.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::documents::detail {

using glyph_id = std::uint16_t;

class font_program {
public:
    // Throws pdf_render_error naming the file when it is missing, not a font, or has no TrueType
    // outlines (an OpenType/CFF font would need another embedding; the message says to pick a .ttf).
    explicit font_program(const std::string& path);
    ~font_program();
    font_program(const font_program&) = delete;
    font_program& operator=(const font_program&) = delete;

    // Scaled to font units (units per em), no hinting.
    [[nodiscard]] hb_font_t* hb() const noexcept { return font_.get(); }
    [[nodiscard]] unsigned units_per_em() const noexcept { return upem_; }
    // Line metrics as fractions of the font size (positive ascent above, positive descent below).
    [[nodiscard]] double ascent() const noexcept { return ascent_; }
    [[nodiscard]] double descent() const noexcept { return descent_; }
    // Advance width in thousandths of the font size, as the PDF's /W array states it.
    [[nodiscard]] int width_1000(glyph_id g) const noexcept;
    [[nodiscard]] glyph_id glyph_count() const noexcept { return glyph_count_; }

    // The text a glyph stands for (for the ToUnicode map, so that copied and extracted text is the typed
    // text): the lowest code point the font's cmap maps to it, or what shaping last produced it from.
    [[nodiscard]] char32_t unicode_of(glyph_id g) const noexcept;
    void learn_unicode(glyph_id g, char32_t c);

    // PostScript name, font bounding box (font units), italic angle, cap height: the FontDescriptor.
    [[nodiscard]] const std::string& postscript_name() const noexcept { return postscript_name_; }
    [[nodiscard]] const std::array<int, 4>& bbox() const noexcept { return bbox_; }
    [[nodiscard]] double italic_angle() const noexcept { return italic_angle_; }
    [[nodiscard]] int cap_height() const noexcept { return cap_height_; }
    [[nodiscard]] bool bold() const noexcept { return bold_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

    // A TrueType file with only these glyphs (and .notdef), without hinting or layout tables; glyph ids
    // unchanged. Throws pdf_render_error when hb-subset fails (out of memory).
    //
    // hb-subset's cost grows with the size of the font it starts from (about 0.4 ms per document for
    // DejaVu Sans with its 6,000 glyphs). So the constructor subsets the font once to the letters of
    // European languages and the usual punctuation; a document whose glyphs are all among them is subset
    // from that small font (0.18 ms), any other from the full one. Both give the same bytes.
    [[nodiscard]] std::string subset(const std::vector<glyph_id>& glyphs) const;

private:
    struct hb_release {
        void operator()(hb_blob_t* p) const noexcept;
        void operator()(hb_face_t* p) const noexcept;
        void operator()(hb_font_t* p) const noexcept;
    };
    std::string path_;
    std::unique_ptr<hb_blob_t, hb_release> blob_;
    std::unique_ptr<hb_face_t, hb_release> face_;
    std::unique_ptr<hb_font_t, hb_release> font_;
    std::unique_ptr<hb_face_t, hb_release> common_face_;  // the subset of the common repertoire
    std::vector<bool> common_;                            // its glyphs
    unsigned upem_ = 1000;
    glyph_id glyph_count_ = 0;
    double ascent_ = 0.8;
    double descent_ = 0.2;
    std::vector<std::uint16_t> widths_;
    std::vector<char32_t> unicodes_;
    std::string postscript_name_;
    std::array<int, 4> bbox_{0, 0, 0, 0};
    double italic_angle_ = 0;
    int cap_height_ = 0;
    bool bold_ = false;
};

}  // namespace fakturad::documents::detail
