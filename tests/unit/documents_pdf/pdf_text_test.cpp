// The PDF backend's own parts: shaping and line breaking (text_engine), the font subsets (font_program) and
// the file the canvas writes. Uses DejaVu Sans from fonts-dejavu-core (scripts/install-deps.sh), the font
// of the example template.

#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_renderer.hpp"
#include "font_program.hpp"
#include "pdf_canvas.hpp"
#include "pdf_image.hpp"
#include "text_engine.hpp"

#include <gtest/gtest.h>

#include <hb.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace fakturad::documents::detail {
namespace {

const std::string regular_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const std::string bold_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

// Glyphs a run shows: 4 hex digits each inside <...>.
std::size_t glyphs_in(const text_run& r) {
    std::size_t n = 0;
    bool in = false;
    for (const char c : r.show) {
        if (c == '<') {
            in = true;
        } else if (c == '>') {
            in = false;
        } else if (in) {
            ++n;
        }
    }
    return n / 4;
}

class TextEngineTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists(regular_font) || !std::filesystem::exists(bold_font)) {
            GTEST_SKIP() << "DejaVu fonts missing: run scripts/install-deps.sh (fonts-dejavu-core)";
        }
        engine_ = std::make_unique<text_engine>(regular_font, bold_font);
    }
    double width_of(std::string_view s) {
        const block_ptr b = engine_->make(s, style_, 0, align::left);
        return b->runs.empty() ? 0.0 : b->runs.front().width;
    }

    text_style style_{9.0, false, {0, 0, 0}};
    std::unique_ptr<text_engine> engine_;
};

TEST_F(TextEngineTest, WrapsAtSpacesWithinTheWidth) {
    const double width = width_of("Lizenzen Muster") + 1.0;
    const block_ptr b = engine_->make("Lizenzen Muster Cloud", style_, width, align::left);
    ASSERT_EQ(b->runs.size(), 2U);
    EXPECT_EQ(glyphs_in(b->runs[0]), std::string("Lizenzen Muster").size());
    EXPECT_EQ(glyphs_in(b->runs[1]), std::string("Cloud").size());
    EXPECT_LE(b->runs[0].width, width);
    EXPECT_DOUBLE_EQ(b->height, 2 * engine_->make("x", style_, 0, align::left)->height);
    EXPECT_GT(b->runs[1].baseline, b->runs[0].baseline);
}

TEST_F(TextEngineTest, AlignsRightAndCentreWithinTheWidth) {
    const block_ptr right = engine_->make("15.04.2026", style_, 100, align::right);
    ASSERT_EQ(right->runs.size(), 1U);
    EXPECT_NEAR(right->runs[0].x + right->runs[0].width, 100.0, 1e-9);
    const block_ptr centre = engine_->make("15.04.2026", style_, 100, align::center);
    EXPECT_NEAR(centre->runs[0].x, (100.0 - centre->runs[0].width) / 2, 1e-9);
}

TEST_F(TextEngineTest, BreaksAWordThatAloneIsTooLongBetweenLetters) {
    const std::string word = "Donaudampfschifffahrtsgesellschaftskapitän";
    const double width = width_of(word) / 3;
    const block_ptr b = engine_->make(word, style_, width, align::left);
    ASSERT_GE(b->runs.size(), 3U);
    std::size_t shown = 0;
    for (const text_run& r : b->runs) {
        EXPECT_LE(r.width, width + 1e-9);
        shown += glyphs_in(r);
    }
    EXPECT_EQ(shown, 42U);  // every letter once (ä is one glyph)
}

TEST_F(TextEngineTest, BreaksAfterAHyphenBetweenLettersButNotInANegativeNumber) {
    const double hyphenated = width_of("Mehrwert-") + 0.5;
    const block_ptr word = engine_->make("Mehrwert-steuer", style_, hyphenated, align::left);
    ASSERT_EQ(word->runs.size(), 2U);
    EXPECT_EQ(glyphs_in(word->runs[0]), 9U);

    // Letters beyond ASCII count as letters on either side of the hyphen.
    const block_ptr umlaut = engine_->make("Weiß-Blau", style_, width_of("Weiß-Bl") + 0.5, align::left);
    ASSERT_EQ(umlaut->runs.size(), 2U);
    EXPECT_EQ(glyphs_in(umlaut->runs[0]), 5U);  // "Weiß-", then "Blau"

    // The minus of "-22,18" is no break opportunity: the line breaks at the space before it.
    const block_ptr number = engine_->make("a -22,18", style_, width_of("a -22,1") + 0.5, align::left);
    ASSERT_EQ(number->runs.size(), 2U);
    EXPECT_EQ(glyphs_in(number->runs[0]), 1U);  // "a", then "-22,18" whole on the next line
    EXPECT_EQ(glyphs_in(number->runs[1]), 6U);
}

TEST_F(TextEngineTest, NewlinesStartLinesAndEmptyLinesKeepTheirHeight) {
    const block_ptr b = engine_->make("Beispiel AG\n\n80331 München", style_, 0, align::left);
    ASSERT_EQ(b->runs.size(), 2U);
    const double line = engine_->make("x", style_, 0, align::left)->height;
    EXPECT_DOUBLE_EQ(b->height, 3 * line);
    EXPECT_DOUBLE_EQ(b->runs[1].baseline - b->runs[0].baseline, 2 * line);
}

TEST_F(TextEngineTest, CarriageReturnsAndTabsFromSalesforceTextsAreLineEndsAndSpaces) {
    const block_ptr b = engine_->make("Zeile eins\r\nZeile\tzwei\rdrei", style_, 0, align::left);
    ASSERT_EQ(b->runs.size(), 3U);
    EXPECT_EQ(glyphs_in(b->runs[1]), std::string("Zeile zwei").size());
}

TEST_F(TextEngineTest, ACharacterTheFontLacksIsRefusedWithFontCharacterAndText) {
    try {
        (void)engine_->make("Beijing 北京 Ltd.", style_, 0, align::left);
        FAIL() << "no error";
    } catch (const pdf_render_error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("DejaVuSans.ttf"), std::string::npos) << m;
        EXPECT_NE(m.find("U+5317"), std::string::npos) << m;
        EXPECT_NE(m.find("Beijing 北京 Ltd."), std::string::npos) << m;
    }
}

TEST_F(TextEngineTest, TabsEndCellsAtTheirRightStops) {
    const block_ptr row = engine_->make_row("1\t25 Stk.\t12,50", style_, {100, 200});
    ASSERT_EQ(row->runs.size(), 3U);
    EXPECT_DOUBLE_EQ(row->runs[0].x, 0.0);
    EXPECT_NEAR(row->runs[1].x + row->runs[1].width, 100.0, 1e-9);
    EXPECT_NEAR(row->runs[2].x + row->runs[2].width, 200.0, 1e-9);
}

TEST_F(TextEngineTest, LigaturesStayLettersAndEveryGlyphKnowsItsText) {
    // DejaVu Sans has fi and fl ligatures; with them, "Auflage" would extract as one unknown glyph.
    const block_ptr b = engine_->make("Auflage fi", style_, 0, align::left);
    ASSERT_EQ(b->runs.size(), 1U);
    EXPECT_EQ(glyphs_in(b->runs[0]), 10U);
    const block_ptr umlaut = engine_->make("ä€", style_, 0, align::left);
    std::u32string text;
    for (const glyph_id g : umlaut->glyphs) {
        text += umlaut->font->unicode_of(g);
    }
    std::sort(text.begin(), text.end());
    EXPECT_EQ(text, U"ä€");
}

TEST_F(TextEngineTest, RepeatedTextIsLaidOutOnce) {
    const text_block* a = engine_->cached("Rechnungsnummer", style_, 30, align::left);
    const text_block* b = engine_->cached("Rechnungsnummer", style_, 30, align::left);
    const text_block* bold = engine_->cached("Rechnungsnummer", {9.0, true, {0, 0, 0}}, 30, align::left);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, bold);
    EXPECT_NE(a->font, bold->font);
}

// Every requested glyph keeps its id and its outline, whether the subset starts from the common
// repertoire (Latin) or from the whole font (a glyph outside it).
TEST_F(TextEngineTest, SubsetsKeepGlyphIdsAndOutlines) {
    const font_program font(regular_font);
    for (const std::string text : {"Müller & Söhne – 12,50 €", "Summe ∑ ≈ ∞"}) {
        const block_ptr b = engine_->make(text, style_, 0, align::left);
        const std::string bytes = font.subset(b->glyphs);
        hb_blob_t* blob = hb_blob_create(
            bytes.data(), static_cast<unsigned>(bytes.size()), HB_MEMORY_MODE_READONLY, nullptr, nullptr
        );
        hb_face_t* face = hb_face_create(blob, 0);
        hb_font_t* sub = hb_font_create(face);
        hb_font_t* full = font.hb();
        for (const glyph_id g : b->glyphs) {
            hb_glyph_extents_t e_sub{};
            hb_glyph_extents_t e_full{};
            hb_font_get_glyph_extents(sub, g, &e_sub);
            hb_font_get_glyph_extents(full, g, &e_full);
            EXPECT_EQ(e_sub.width, e_full.width) << text << " glyph " << g;
            EXPECT_EQ(e_sub.height, e_full.height) << text << " glyph " << g;
            EXPECT_EQ(hb_font_get_glyph_h_advance(sub, g), hb_font_get_glyph_h_advance(full, g));
        }
        EXPECT_LT(bytes.size(), 60'000U) << "a subset, not the whole font (DejaVu Sans is 750 KB)";
        hb_font_destroy(sub);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
}

TEST(FontProgram, MissingOrWrongFileIsRefusedWithItsPath) {
    try {
        font_program f("/nonexistent/Font.ttf");
        FAIL() << "no error";
    } catch (const pdf_render_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/Font.ttf"), std::string::npos);
    }
    EXPECT_THROW(font_program("/etc/hostname"), pdf_render_error);
}

TEST_F(TextEngineTest, CanvasWritesOneImageOnceAndFontsWithWidthsAndTextMaps) {
    pdf_canvas canvas(595, 842);
    const block_ptr hello = engine_->make("Grüße", style_, 0, align::left);
    const auto image = std::make_shared<const pdf_image>(grey_image(2, 2, {0, 255, 255, 0}));
    canvas.new_page();
    canvas.text(*hello, 10, 10, {0x20, 0x20, 0x20});
    canvas.image(image, 10, 30, 20, 20);
    canvas.new_page();
    canvas.image(image, 10, 30, 20, 20);
    canvas.box(0, 0, 5, 5, {255, 0, 0});
    canvas.line(0, 0, 5, 5, 0.5, {0, 0, 0});
    const std::string pdf = canvas.finish();
    auto count = [&pdf](std::string_view what) {
        std::size_t n = 0;
        for (auto at = pdf.find(what); at != std::string::npos; at = pdf.find(what, at + 1)) {
            ++n;
        }
        return n;
    };
    EXPECT_EQ(pdf.rfind("%PDF-1.7", 0), 0U);
    EXPECT_EQ(count("/Subtype /Image"), 1U);
    EXPECT_EQ(count("/Type /Page "), 2U);
    EXPECT_EQ(count("/CIDToGIDMap /Identity"), 1U);
    EXPECT_EQ(count("/ToUnicode"), 1U);
    EXPECT_EQ(count("/FontFile2"), 1U);
    // A readable PDF: the PDF/A step parses it without complaint.
    EXPECT_NO_THROW((void)make_pdfa3(pdf, "icc", pdfa_metadata{}, std::nullopt));
}

}  // namespace
}  // namespace fakturad::documents::detail
