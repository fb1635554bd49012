#include "fakturad/documents/report_pdf.hpp"

#include "pdf_canvas.hpp"
#include "text_engine.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace fakturad::documents {

using detail::align;
using detail::block_ptr;
using detail::pdf_canvas;
using detail::text_block;
using detail::text_engine;
using detail::text_style;

namespace {

constexpr double mm = 72.0 / 25.4;
constexpr double page_width = 210 * mm;
constexpr double page_height = 297 * mm;
constexpr double left = 20 * mm;
constexpr double right = page_width - 20 * mm;
constexpr double top = 20 * mm;
constexpr double bottom = page_height - 22 * mm;
constexpr double label_width = 58 * mm;
constexpr rgb accent{0x1f, 0x4e, 0x79};
constexpr rgb ink{0x20, 0x20, 0x20};
constexpr rgb grey{0x6b, 0x6b, 0x6b};

}  // namespace

struct report_pdf_renderer::impl {
    explicit impl(const pdf_assets& assets) : engine(assets.font_regular_path, assets.font_bold_path) {}

    text_engine engine;
    std::optional<pdf_canvas> canvas;
    std::vector<block_ptr> keep;  // blocks live until the document is written
    double y = top;

    const text_block* make(const std::string& text, const text_style& style, double width) {
        keep.push_back(engine.make(text, style, width, align::left));
        return keep.back().get();
    }

    void new_page() {
        canvas->new_page();
        y = top;
    }

    // Reserves a block of `height` points at the current position, starting a new page when it does not
    // fit; returns its top.
    double place(double height) {
        if (y + height > bottom && y > top) {
            new_page();
        }
        const double at = y;
        y += height;
        return at;
    }

    void paragraph(const std::string& text, const text_style& style, double x, double width, double gap) {
        const text_block* l = make(text, style, width);
        canvas->text(*l, x, place(l->height + gap), style.color);
    }

    rendered_pdf render(const report_document& doc) {
        keep.clear();
        canvas.emplace(page_width, page_height);
        new_page();
        paragraph(doc.title, {16.0, true, accent}, left, right - left, 2 * mm);
        if (!doc.subtitle.empty()) {
            paragraph(doc.subtitle, {9.0, false, grey}, left, right - left, 6 * mm);
        }
        const text_style label{9.0, true, ink};
        const text_style value{9.0, false, ink};
        for (const auto& section : doc.sections) {
            // Keep a heading with its first row.
            if (y + 16 * mm > bottom) {
                new_page();
            }
            paragraph(section.heading, {11.0, true, accent}, left, right - left, 1 * mm);
            const double rule_y = place(2 * mm);
            canvas->line(left, rule_y, right, rule_y, 0.6, accent);
            for (const auto& row : section.rows) {
                const text_block* l = make(row.label, label, label_width - 3 * mm);
                const text_block* v =
                    make(row.value.empty() ? "-" : row.value, value, right - left - label_width);
                const double at = place(std::max(l->height, v->height) + 1.2 * mm);
                canvas->text(*l, left, at, ink);
                canvas->text(*v, left + label_width, at, ink);
            }
            for (const auto& p : section.paragraphs) {
                paragraph(p, value, left, right - left, 1.5 * mm);
            }
            y += 5 * mm;
        }
        return finish(doc.footer);
    }

    rendered_pdf finish(const std::string& footer_text) {
        const auto count = canvas->page_count();
        const text_block* footer = make(footer_text, {7.0, false, grey}, right - left - 30 * mm);
        for (std::size_t i = 0; i < count; ++i) {
            const text_block* page_no =
                make("Seite " + std::to_string(i + 1) + " / " + std::to_string(count), {7.0, false, grey}, 0);
            canvas->go_to_page(i);
            canvas->text(*footer, left, bottom + 6 * mm, grey);
            canvas->text(*page_no, right - 25 * mm, bottom + 6 * mm, grey);
        }
        std::string bytes = canvas->finish();
        canvas.reset();
        keep.clear();
        return {std::move(bytes), static_cast<int>(count)};
    }
};

report_pdf_renderer::report_pdf_renderer(const pdf_assets& assets) : impl_(std::make_unique<impl>(assets)) {}
report_pdf_renderer::~report_pdf_renderer() = default;
report_pdf_renderer::report_pdf_renderer(report_pdf_renderer&&) noexcept = default;
report_pdf_renderer& report_pdf_renderer::operator=(report_pdf_renderer&&) noexcept = default;

rendered_pdf report_pdf_renderer::render(const report_document& doc) { return impl_->render(doc); }

}  // namespace fakturad::documents
