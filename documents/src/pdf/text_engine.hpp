#pragma once
// Text for the PDFs: HarfBuzz shapes it with the template's two font files (the host's fonts never take
// part), lines wrap at spaces and hyphens (inside a word only when the word alone is too long), and each
// line is kept as the PDF text operator that shows it. Ligatures are off, so that extracted text gives back
// the typed letters; kerning stays on.
//
// Text that repeats from document to document (labels, column heads, the footer, legal notes) is laid out
// once per engine (cached), so a document pays only for its own variable texts.

#include "fakturad/documents/pdf_template.hpp"
#include "font_program.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fakturad::documents::detail {

struct text_style {
    double size = 9.0;  // points
    bool bold = false;
    rgb color{0, 0, 0};
};

enum class align : unsigned char { left, right, center };

// One run of glyphs on one line, relative to the block's top-left corner.
struct text_run {
    double x = 0;         // left end of the run's first glyph
    double width = 0;     // sum of the glyphs' advances
    double baseline = 0;  // distance of the baseline from the block's top
    std::string show;     // the PDF operator that shows it: "[<0024>-12<0025>]TJ"
};

struct text_block {
    const font_program* font = nullptr;
    double size = 9.0;
    double height = 0;  // lines × line height; one line for empty text
    std::vector<text_run> runs;
    std::vector<glyph_id> glyphs;  // every glyph shown, each once (the PDF embeds these)
};
using block_ptr = std::unique_ptr<const text_block>;

class text_engine {
public:
    // Throws pdf_render_error naming the file that could not be loaded.
    text_engine(const std::string& regular_font_path, const std::string& bold_font_path);
    ~text_engine();
    text_engine(const text_engine&) = delete;
    text_engine& operator=(const text_engine&) = delete;

    // A laid-out paragraph ('\n', '\r' and CR LF start a new line; other control characters count as
    // spaces); width <= 0: no wrapping. Alignment within width. Throws pdf_render_error naming the font
    // file, the character and the text when the font has no glyph for a character.
    [[nodiscard]] block_ptr make(std::string_view text, const text_style& style, double width, align a);

    // One line whose tab characters move the following text to end at the given positions (points from
    // the block's left edge): a table row of right-aligned cells.
    [[nodiscard]] block_ptr make_row(
        std::string_view text, const text_style& style, const std::vector<double>& right_tabs
    );

    // The same as make, kept for later documents. The block lives as long as the engine or until
    // trim_cache.
    [[nodiscard]] const text_block* cached(
        std::string_view text, const text_style& style, double width, align a
    );
    // Between documents: drops the cache once it holds 4096 blocks (a worker that meets ever new sellers
    // starts over instead of growing).
    void trim_cache();

    [[nodiscard]] static double height(const text_block* block) { return block->height; }

private:
    struct shaper;
    std::unique_ptr<font_program> regular_;
    std::unique_ptr<font_program> bold_;
    std::unique_ptr<shaper> shaper_;
    std::unordered_map<std::string, block_ptr> cache_;
};

}  // namespace fakturad::documents::detail
