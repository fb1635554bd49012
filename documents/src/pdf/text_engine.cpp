#include "text_engine.hpp"

#include "fakturad/documents/pdf_renderer.hpp"
#include "pdf_syntax.hpp"

#include <hb.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace fakturad::documents::detail {
namespace {

struct glyph {
    glyph_id id;
    std::uint32_t cluster;  // byte offset of its text in the shaped string
    double advance;         // font units
    double offset;          // font units, horizontal
};

// The code point starting at byte i of valid UTF-8 (HarfBuzz replaced invalid sequences already; they map
// to U+FFFD here too).
char32_t code_point_at(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    auto next = [&](std::size_t k) -> char32_t {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) & 0x3FU : 0;
    };
    if (b0 < 0x80) {
        return b0;
    }
    if ((b0 & 0xE0U) == 0xC0) {
        return ((b0 & 0x1FU) << 6U) | next(1);
    }
    if ((b0 & 0xF0U) == 0xE0) {
        return ((b0 & 0x0FU) << 12U) | (next(1) << 6U) | next(2);
    }
    if ((b0 & 0xF8U) == 0xF0) {
        return ((b0 & 0x07U) << 18U) | (next(1) << 12U) | (next(2) << 6U) | next(3);
    }
    return 0xFFFD;
}

}  // namespace

[[noreturn]] void missing_glyph(const font_program& font, std::string_view s, std::uint32_t cluster) {
    const char32_t c = cluster < s.size() ? code_point_at(s, cluster) : 0;
    std::array<char, 16> code{};
    std::snprintf(code.data(), code.size(), "U+%04X", static_cast<unsigned>(c));
    std::size_t length = 1;
    while (cluster + length < s.size() && (static_cast<unsigned char>(s[cluster + length]) & 0xC0U) == 0x80) {
        ++length;
    }
    throw pdf_render_error(
        "font file '" + font.path() + "' has no glyph for " + code.data() + " \"" +
        std::string(s.substr(std::min<std::size_t>(cluster, s.size()), length)) + "\" in \"" +
        std::string(s) + "\"; choose template fonts (fonts.regular, fonts.bold) that cover this text"
    );
}

// Line ends as '\n'; tabs (outside tab-stopped rows) and other control characters as spaces: a text from
// Salesforce may carry CR LF or a tab, and no font has a glyph for them.
std::string clean_text(std::string_view text, bool keep_tabs) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += '\n';
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else if (c == '\t' && keep_tabs) {
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

struct text_engine::shaper {
    hb_buffer_t* buffer = hb_buffer_create();
    std::array<hb_feature_t, 2> features{};
    std::vector<glyph> glyphs;

    shaper() {
        hb_feature_from_string("liga=0", -1, &features[0]);
        hb_feature_from_string("clig=0", -1, &features[1]);
    }
    ~shaper() { hb_buffer_destroy(buffer); }
    shaper(const shaper&) = delete;
    shaper& operator=(const shaper&) = delete;

    // Shapes s into glyphs (replacing the previous result) and teaches the font which text each glyph
    // came from.
    void shape(font_program& font, std::string_view s) {
        hb_buffer_clear_contents(buffer);
        hb_buffer_add_utf8(buffer, s.data(), static_cast<int>(s.size()), 0, static_cast<int>(s.size()));
        hb_buffer_guess_segment_properties(buffer);
        hb_shape(font.hb(), buffer, features.data(), static_cast<unsigned>(features.size()));
        unsigned count = 0;
        const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
        const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
        glyphs.clear();
        for (unsigned i = 0; i < count; ++i) {
            const auto id = static_cast<glyph_id>(info[i].codepoint);
            if (id == 0) {
                // PDF/A forbids showing .notdef, and a box instead of a customer's name is no invoice.
                missing_glyph(font, s, info[i].cluster);
            }
            glyphs.push_back(
                {id,
                 info[i].cluster,
                 static_cast<double>(pos[i].x_advance),
                 static_cast<double>(pos[i].x_offset)}
            );
            if (font.unicode_of(id) == 0 && info[i].cluster < s.size()) {
                font.learn_unicode(id, code_point_at(s, info[i].cluster));
            }
        }
    }
};

namespace {

// Builds the blocks: glyph ranges of the last shaping result become runs.
class block_builder {
public:
    block_builder(const font_program& font, double size)
        : font_(font), scale_(size / font.units_per_em()), block_(std::make_unique<text_block>()) {
        block_->font = &font;
        block_->size = size;
        line_height_ = (font.ascent() + font.descent()) * size;
    }

    [[nodiscard]] double width_of(const std::vector<glyph>& g, std::size_t from, std::size_t to) const {
        double w = 0;
        for (std::size_t i = from; i < to; ++i) {
            w += g[i].advance;
        }
        return w * scale_;
    }

    // Adds glyphs [from, to) as a run at x on line `line`.
    void run(const std::vector<glyph>& g, std::size_t from, std::size_t to, double x, int line) {
        if (from >= to) {
            return;
        }
        text_run r;
        r.x = x;
        r.width = width_of(g, from, to);
        r.baseline = line * line_height_ + font_.ascent() * block_->size;
        std::string& s = r.show;
        s += '[';
        bool in_string = false;
        long pending = 0;  // thousandths of the size, moving left
        const double to_1000 = 1000.0 / font_.units_per_em();
        for (std::size_t i = from; i < to; ++i) {
            pending -= std::lround(g[i].offset * to_1000);
            if (pending != 0) {
                if (in_string) {
                    s += '>';
                    in_string = false;
                }
                append_number(s, static_cast<double>(pending));
                pending = 0;
            }
            if (!in_string) {
                s += '<';
                in_string = true;
            }
            append_hex4(s, g[i].id);
            glyphs_.push_back(g[i].id);
            pending = std::lround(g[i].offset * to_1000) + font_.width_1000(g[i].id) -
                      std::lround(g[i].advance * to_1000);
        }
        if (in_string) {
            s += '>';
        }
        s += "]TJ";
        block_->runs.push_back(std::move(r));
    }

    void set_lines(int lines) { block_->height = std::max(lines, 1) * line_height_; }

    block_ptr finish() {
        std::sort(glyphs_.begin(), glyphs_.end());
        glyphs_.erase(std::unique(glyphs_.begin(), glyphs_.end()), glyphs_.end());
        block_->glyphs = std::move(glyphs_);
        return std::move(block_);
    }

private:
    const font_program& font_;
    double scale_;
    double line_height_ = 0;
    std::unique_ptr<text_block> block_;
    std::vector<glyph_id> glyphs_;
};

bool is_space(std::string_view s, std::uint32_t cluster) { return cluster < s.size() && s[cluster] == ' '; }

// A line may end after a space, or after a hyphen between letters ("Mehrwert-steuer"), never after the
// hyphen of a negative number.
bool break_after(std::string_view s, const std::vector<glyph>& g, std::size_t i) {
    const std::uint32_t c = g[i].cluster;
    if (is_space(s, c)) {
        return true;
    }
    if (c < s.size() && s[c] == '-' && i > 0 && i + 1 < g.size()) {
        const auto before = static_cast<unsigned char>(s[g[i - 1].cluster]);
        const std::uint32_t after_c = g[i + 1].cluster;
        const auto after = static_cast<unsigned char>(after_c < s.size() ? s[after_c] : '\0');
        // Bytes from 0x80 on start or continue letters beyond ASCII (ä, ß, é).
        auto letter = [](unsigned char b) { return std::isalpha(b) != 0 || b >= 0x80; };
        return letter(before) && letter(after);
    }
    return false;
}

}  // namespace

text_engine::text_engine(const std::string& regular_font_path, const std::string& bold_font_path)
    : regular_(std::make_unique<font_program>(regular_font_path)),
      bold_(std::make_unique<font_program>(bold_font_path)),
      shaper_(std::make_unique<shaper>()) {}

text_engine::~text_engine() = default;

block_ptr text_engine::make(std::string_view raw, const text_style& style, double width, align a) {
    const std::string cleaned = clean_text(raw, false);
    const std::string_view text = cleaned;
    font_program& font = style.bold ? *bold_ : *regular_;
    block_builder b(font, style.size);
    int line = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view para = text.substr(start, end - start);
        shaper_->shape(font, para);
        const std::vector<glyph>& g = shaper_->glyphs;
        // Greedy: a line takes glyphs until the next would cross width, then ends at the last break
        // opportunity, or before that glyph when the line has none.
        auto emit = [&](std::size_t from, std::size_t to) {
            std::size_t shown = to;
            while (shown > from && is_space(para, g[shown - 1].cluster)) {
                --shown;  // trailing spaces take no room
            }
            const double w = b.width_of(g, from, shown);
            const double x = width <= 0 || a == align::left ? 0.0
                             : a == align::right            ? width - w
                                                            : (width - w) / 2;
            b.run(g, from, shown, x, line);
            ++line;
        };
        std::size_t from = 0;
        if (width > 0) {
            const double limit = width / (style.size / font.units_per_em());
            double used = 0;
            std::size_t last_break = 0;  // index after the last break opportunity in this line; 0: none
            for (std::size_t i = 0; i < g.size(); ++i) {
                while (used + g[i].advance > limit && i > from && !is_space(para, g[i].cluster)) {
                    std::size_t cut = last_break > from ? last_break : i;
                    // Never inside a cluster (a letter and its combining mark).
                    while (cut > from + 1 && g[cut].cluster == g[cut - 1].cluster) {
                        --cut;
                    }
                    emit(from, cut);
                    from = cut;
                    used = 0;
                    for (std::size_t k = from; k < i; ++k) {
                        used += g[k].advance;
                    }
                    last_break = 0;
                }
                used += g[i].advance;
                if (break_after(para, g, i)) {
                    last_break = i + 1;
                }
            }
        }
        emit(from, g.size());
        if (end >= text.size()) {
            break;
        }
        start = end + 1;
    }
    b.set_lines(line);
    return b.finish();
}

block_ptr text_engine::make_row(
    std::string_view raw, const text_style& style, const std::vector<double>& right_tabs
) {
    const std::string cleaned = clean_text(raw, true);
    const std::string_view text = cleaned;
    font_program& font = style.bold ? *bold_ : *regular_;
    block_builder b(font, style.size);
    std::size_t start = 0;
    for (std::size_t cell = 0;; ++cell) {
        const std::size_t end = std::min(text.find('\t', start), text.size());
        shaper_->shape(font, text.substr(start, end - start));
        const std::vector<glyph>& g = shaper_->glyphs;
        const double w = b.width_of(g, 0, g.size());
        const double x = cell == 0 ? 0.0 : cell <= right_tabs.size() ? right_tabs[cell - 1] - w : 0.0;
        b.run(g, 0, g.size(), x, 0);
        if (end >= text.size()) {
            break;
        }
        start = end + 1;
    }
    b.set_lines(1);
    return b.finish();
}

const text_block* text_engine::cached(std::string_view text, const text_style& style, double width, align a) {
    std::string key(text);
    key += '\x1f';
    key += std::to_string(style.size) + (style.bold ? "b/" : "r/") + std::to_string(width) + "/" +
           std::to_string(static_cast<int>(a));
    if (auto hit = cache_.find(key); hit != cache_.end()) {
        return hit->second.get();
    }
    return cache_.emplace(std::move(key), make(text, style, width, a)).first->second.get();
}

void text_engine::trim_cache() {
    if (cache_.size() >= 4096) {
        cache_.clear();
    }
}

}  // namespace fakturad::documents::detail
