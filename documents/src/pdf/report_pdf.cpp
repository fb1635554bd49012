#include "fakturad/documents/report_pdf.hpp"

#include "pdf_pages.hpp"
#include "text_engine.hpp"

#include <functional>
#include <vector>

namespace fakturad::documents {

using detail::align;
using detail::draw_op;
using detail::layout_ptr;
using detail::text_engine;
using detail::text_style;
using detail::write_pdf;

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
    std::vector<std::vector<draw_op>> pages;
    std::vector<std::shared_ptr<layout_ptr>> keep;  // layouts live until the document is drawn
    double y = top;

    PangoLayout* make(const std::string& text, const text_style& style, double width) {
        auto owned = std::make_shared<layout_ptr>(engine.make(text, style, width, align::left));
        keep.push_back(owned);
        return owned->get();
    }

    void new_page() {
        pages.emplace_back();
        y = top;
    }

    // Places a block of `height` points at the current position, starting a new page when it does not fit.
    void place(double height, draw_op op) {
        if (y + height > bottom && y > top) {
            new_page();
        }
        const double at = y;
        pages.back().push_back([op = std::move(op), at](cairo_t* cr) {
            cairo_save(cr);
            cairo_translate(cr, 0, at);
            op(cr);
            cairo_restore(cr);
        });
        y += height;
    }

    void text_block(const std::string& text, const text_style& style, double x, double width, double gap) {
        PangoLayout* l = make(text, style, width);
        const double h = text_engine::height(l);
        const rgb color = style.color;
        place(h + gap, [l, x, color](cairo_t* cr) { text_engine::draw(cr, l, x, 0, color); });
    }

    rendered_pdf render(const report_document& doc) {
        pages.clear();
        keep.clear();
        new_page();
        text_block(doc.title, {16.0, true, accent}, left, right - left, 2 * mm);
        if (!doc.subtitle.empty()) {
            text_block(doc.subtitle, {9.0, false, grey}, left, right - left, 6 * mm);
        }
        const text_style label{9.0, true, ink};
        const text_style value{9.0, false, ink};
        for (const auto& section : doc.sections) {
            // Keep a heading with its first row.
            if (y + 16 * mm > bottom) {
                new_page();
            }
            text_block(section.heading, {11.0, true, accent}, left, right - left, 1 * mm);
            place(2 * mm, [](cairo_t* cr) {
                cairo_set_source_rgb(cr, accent[0] / 255.0, accent[1] / 255.0, accent[2] / 255.0);
                cairo_set_line_width(cr, 0.6);
                cairo_move_to(cr, left, 0);
                cairo_line_to(cr, right, 0);
                cairo_stroke(cr);
            });
            for (const auto& row : section.rows) {
                PangoLayout* l = make(row.label, label, label_width - 3 * mm);
                PangoLayout* v = make(row.value.empty() ? "-" : row.value, value, right - left - label_width);
                const double h = std::max(text_engine::height(l), text_engine::height(v));
                place(h + 1.2 * mm, [l, v](cairo_t* cr) {
                    text_engine::draw(cr, l, left, 0, ink);
                    text_engine::draw(cr, v, left + label_width, 0, ink);
                });
            }
            for (const auto& p : section.paragraphs) {
                text_block(p, value, left, right - left, 1.5 * mm);
            }
            y += 5 * mm;
        }
        return draw(doc.footer);
    }

    rendered_pdf draw(const std::string& footer_text) {
        const auto count = pages.size();
        PangoLayout* footer = make(footer_text, {7.0, false, grey}, right - left - 30 * mm);
        for (std::size_t i = 0; i < count; ++i) {
            PangoLayout* page_no =
                make("Seite " + std::to_string(i + 1) + " / " + std::to_string(count), {7.0, false, grey}, 0);
            pages[i].push_back([footer, page_no](cairo_t* cr) {
                text_engine::draw(cr, footer, left, bottom + 6 * mm, grey);
                text_engine::draw(cr, page_no, right - 25 * mm, bottom + 6 * mm, grey);
            });
        }
        auto bytes = write_pdf(pages, page_width, page_height);
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
