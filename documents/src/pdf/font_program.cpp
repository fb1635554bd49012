#include "font_program.hpp"

#include "fakturad/documents/pdf_renderer.hpp"

#include <hb-ot.h>
#include <hb-subset.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace fakturad::documents::detail {
namespace {

int read_i16(const char* p) {
    const auto v = static_cast<std::uint16_t>(
        (static_cast<unsigned>(static_cast<unsigned char>(p[0])) << 8U) | static_cast<unsigned char>(p[1])
    );
    return static_cast<std::int16_t>(v);
}

// A table's bytes, or empty when the font has none.
struct table {
    hb_blob_t* blob;
    const char* data;
    unsigned size;
    table(hb_face_t* face, hb_tag_t tag) : blob(hb_face_reference_table(face, tag)) {
        data = hb_blob_get_data(blob, &size);
    }
    ~table() { hb_blob_destroy(blob); }
    table(const table&) = delete;
    table& operator=(const table&) = delete;
};

// Latin letters of the European languages, the Latin-1 symbols, dashes, quotes, bullets, ellipsis, the euro
// and the other currency signs: what nearly every invoice of a European seller is written with.
constexpr std::array<std::array<char32_t, 2>, 6> common_repertoire{{
    {0x0020, 0x007E},
    {0x00A0, 0x017F},
    {0x0218, 0x021B},
    {0x2010, 0x2026},
    {0x20A0, 0x20BF},
    {0x2116, 0x2122},
}};

hb_face_t* subset_face(hb_face_t* face, const std::vector<glyph_id>& glyphs, const std::string& path) {
    hb_subset_input_t* input = hb_subset_input_create_or_fail();
    if (input == nullptr) {
        throw pdf_render_error("hb-subset: out of memory");
    }
    hb_set_t* keep = hb_subset_input_glyph_set(input);
    hb_set_add(keep, 0);
    for (const glyph_id g : glyphs) {
        hb_set_add(keep, g);
    }
    hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
    // A PDF viewer draws the positioned glyphs; substitution and positioning tables are of no use there.
    hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const hb_tag_t t :
         {HB_TAG('G', 'S', 'U', 'B'),
          HB_TAG('G', 'P', 'O', 'S'),
          HB_TAG('G', 'D', 'E', 'F'),
          HB_TAG('k', 'e', 'r', 'n'),
          HB_TAG('B', 'A', 'S', 'E'),
          HB_TAG('J', 'S', 'T', 'F'),
          HB_TAG('M', 'A', 'T', 'H'),
          HB_TAG('g', 'a', 's', 'p'),
          HB_TAG('h', 'd', 'm', 'x'),
          HB_TAG('V', 'D', 'M', 'X'),
          HB_TAG('L', 'T', 'S', 'H'),
          HB_TAG('F', 'F', 'T', 'M')}) {
        hb_set_add(drop, t);
    }
    hb_face_t* sub = hb_subset_or_fail(face, input);
    hb_subset_input_destroy(input);
    if (sub == nullptr) {
        throw pdf_render_error("hb-subset: cannot subset font file '" + path + "'");
    }
    return sub;
}

}  // namespace

font_program::font_program(const std::string& path) : path_(path) {
    blob_.reset(hb_blob_create_from_file_or_fail(path.c_str()));
    if (!blob_) {
        throw pdf_render_error(
            "font file '" + path + "' cannot be read; check the template's fonts: entries"
        );
    }
    face_.reset(hb_face_create(blob_.get(), 0));
    glyph_count_ = static_cast<glyph_id>(std::min(hb_face_get_glyph_count(face_.get()), 65535U));
    if (glyph_count_ == 0) {
        throw pdf_render_error(
            "font file '" + path + "' is not a TrueType/OpenType font; check the template's fonts: entries"
        );
    }
    if (const table glyf(face_.get(), HB_TAG('g', 'l', 'y', 'f')); glyf.size == 0) {
        throw pdf_render_error(
            "font file '" + path +
            "' has no TrueType outlines (an OpenType/CFF font); use the .ttf version of the font"
        );
    }
    font_.reset(hb_font_create(face_.get()));
    upem_ = hb_face_get_upem(face_.get());
    hb_font_set_scale(font_.get(), static_cast<int>(upem_), static_cast<int>(upem_));

    hb_font_extents_t extents{};
    hb_font_get_h_extents(font_.get(), &extents);
    ascent_ = static_cast<double>(extents.ascender) / upem_;
    descent_ = -static_cast<double>(extents.descender) / upem_;
    hb_position_t cap = 0;
    cap_height_ = hb_ot_metrics_get_position(font_.get(), HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) != 0
                      ? static_cast<int>(std::lround(cap * 1000.0 / upem_))
                      : static_cast<int>(std::lround(ascent_ * 1000));

    widths_.resize(glyph_count_);
    for (glyph_id g = 0; g < glyph_count_; ++g) {
        widths_[g] = static_cast<std::uint16_t>(
            std::lround(hb_font_get_glyph_h_advance(font_.get(), g) * 1000.0 / upem_)
        );
    }
    unicodes_.assign(glyph_count_, 0);
    hb_set_t* codes = hb_set_create();
    hb_face_collect_unicodes(face_.get(), codes);
    hb_codepoint_t c = HB_SET_VALUE_INVALID;
    while (hb_set_next(codes, &c) != 0) {
        hb_codepoint_t g = 0;
        if (hb_font_get_nominal_glyph(font_.get(), c, &g) != 0 && g < glyph_count_ && unicodes_[g] == 0) {
            unicodes_[g] = static_cast<char32_t>(c);
        }
    }
    hb_set_destroy(codes);

    char name[128] = {};
    unsigned name_size = sizeof name;
    hb_ot_name_get_utf8(face_.get(), HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &name_size, name);
    for (const char ch : std::string_view(name, name_size)) {
        // PDF names: printable ASCII without delimiters.
        if (ch > ' ' && ch < 127 && std::string_view("()<>[]{}/%#").find(ch) == std::string_view::npos) {
            postscript_name_ += ch;
        }
    }
    if (postscript_name_.empty()) {
        postscript_name_ = "Font";
    }
    const table head(face_.get(), HB_TAG('h', 'e', 'a', 'd'));
    if (head.size >= 46) {
        for (std::size_t i = 0; i < 4; ++i) {
            bbox_.at(i) = static_cast<int>(std::lround(read_i16(head.data + 36 + 2 * i) * 1000.0 / upem_));
        }
        bold_ = (static_cast<unsigned char>(head.data[45]) & 1U) != 0;
    }
    common_.assign(glyph_count_, false);
    std::vector<glyph_id> common_glyphs;
    for (const auto& [first, last] : common_repertoire) {
        for (char32_t ch = first; ch <= last; ++ch) {
            hb_codepoint_t g = 0;
            if (hb_font_get_nominal_glyph(font_.get(), ch, &g) != 0 && g < glyph_count_ && !common_[g]) {
                common_[g] = true;
                common_glyphs.push_back(static_cast<glyph_id>(g));
            }
        }
    }
    common_[0] = true;
    // The subset as a face of its own, so that later subsets start from its bytes.
    hb_face_t* common_subset = subset_face(face_.get(), common_glyphs, path_);
    hb_blob_t* common_blob = hb_face_reference_blob(common_subset);
    common_face_.reset(hb_face_create(common_blob, 0));
    hb_blob_destroy(common_blob);
    hb_face_destroy(common_subset);

    const table post(face_.get(), HB_TAG('p', 'o', 's', 't'));
    if (post.size >= 8) {
        italic_angle_ =
            read_i16(post.data + 4) + static_cast<unsigned>(read_i16(post.data + 6) & 0xFFFF) / 65536.0;
    }
}

font_program::~font_program() = default;

void font_program::hb_release::operator()(hb_blob_t* p) const noexcept { hb_blob_destroy(p); }
void font_program::hb_release::operator()(hb_face_t* p) const noexcept { hb_face_destroy(p); }
void font_program::hb_release::operator()(hb_font_t* p) const noexcept { hb_font_destroy(p); }

int font_program::width_1000(glyph_id g) const noexcept { return g < widths_.size() ? widths_[g] : 0; }

char32_t font_program::unicode_of(glyph_id g) const noexcept {
    return g < unicodes_.size() ? unicodes_[g] : 0;
}

void font_program::learn_unicode(glyph_id g, char32_t c) {
    if (g < unicodes_.size() && unicodes_[g] == 0) {
        unicodes_[g] = c;
    }
}

std::string font_program::subset(const std::vector<glyph_id>& glyphs) const {
    const bool common = std::all_of(glyphs.begin(), glyphs.end(), [this](glyph_id g) {
        return g < common_.size() && common_[g];
    });
    hb_face_t* sub = subset_face(common ? common_face_.get() : face_.get(), glyphs, path_);
    hb_blob_t* blob = hb_face_reference_blob(sub);
    unsigned size = 0;
    const char* data = hb_blob_get_data(blob, &size);
    std::string out(data, size);
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    return out;
}

}  // namespace fakturad::documents::detail
