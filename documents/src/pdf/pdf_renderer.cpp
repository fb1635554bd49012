#include "fakturad/documents/pdf_renderer.hpp"

#include "invoice_layout.hpp"
#include "pdf_image.hpp"
#include "text_engine.hpp"
#include "text_format.hpp"
#include "texts.hpp"

#include <zlib.h>

namespace fakturad::documents {

struct invoice_pdf_renderer::impl {
    pdf_template tpl;
    detail::text_engine text;
    std::shared_ptr<const detail::pdf_image> logo;
    std::string icc;  // the sRGB profile of the last render_pdfa3, and its deflated bytes (made once)
    std::string icc_deflated;

    impl(pdf_template t, const pdf_assets& assets)
        : tpl(std::move(t)), text(assets.font_regular_path, assets.font_bold_path) {
        if (!assets.logo.empty()) {
            logo = std::make_shared<const detail::pdf_image>(detail::image_from_file_bytes(assets.logo));
        }
    }
};

invoice_pdf_renderer::invoice_pdf_renderer(pdf_template tpl, const pdf_assets& assets)
    : impl_(std::make_unique<impl>(std::move(tpl), assets)) {}

invoice_pdf_renderer::~invoice_pdf_renderer() = default;
invoice_pdf_renderer::invoice_pdf_renderer(invoice_pdf_renderer&&) noexcept = default;
invoice_pdf_renderer& invoice_pdf_renderer::operator=(invoice_pdf_renderer&&) noexcept = default;

rendered_pdf invoice_pdf_renderer::render(const billing::invoice& doc) {
    const detail::page_resources resources{impl_->tpl, impl_->text, impl_->logo};
    return detail::compose_invoice(resources, doc, nullptr);
}

rendered_pdf invoice_pdf_renderer::render_pdfa3(
    const billing::invoice& doc,
    std::string_view srgb_icc,
    const pdfa_metadata& meta,
    const std::optional<facturx_attachment>& attachment
) {
    const detail::page_resources resources{impl_->tpl, impl_->text, impl_->logo};
    if (srgb_icc != impl_->icc) {
        impl_->icc = std::string(srgb_icc);
        impl_->icc_deflated = detail::deflate_bytes(srgb_icc.data(), srgb_icc.size(), Z_BEST_COMPRESSION);
    }
    const detail::pdfa_parts archive{impl_->icc_deflated, &meta, attachment ? &*attachment : nullptr};
    return detail::compose_invoice(resources, doc, &archive);
}

const pdf_template& invoice_pdf_renderer::layout_template() const noexcept { return impl_->tpl; }

std::string document_title(const billing::invoice& doc) {
    std::string title(detail::document_title(doc.type, detail::language_of(doc.language)));
    if (!doc.number.empty()) {
        title += " " + doc.number;
    }
    return title;
}

}  // namespace fakturad::documents
