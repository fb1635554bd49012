#pragma once
// The page composition of an invoice PDF: what goes where on which page. Measures everything first
// (descriptions wrap, blocks move to the next page when they do not fit), so that the page count is known
// before the first page is drawn ("page x of y").

#include "fakturad/billing/invoice.hpp"
#include "fakturad/documents/pdf_renderer.hpp"
#include "fakturad/documents/pdf_template.hpp"
#include "pdf_canvas.hpp"
#include "pdf_image.hpp"
#include "text_engine.hpp"

#include <memory>

namespace fakturad::documents::detail {

struct page_resources {
    const pdf_template& tpl;
    text_engine& text;
    std::shared_ptr<const pdf_image> logo;  // null: none
};

// archive: write PDF/A-3b directly; null: a plain PDF.
[[nodiscard]] rendered_pdf compose_invoice(
    const page_resources& r, const billing::invoice& doc, const pdfa_parts* archive
);

}  // namespace fakturad::documents::detail
