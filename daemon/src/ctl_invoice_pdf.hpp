#pragma once
// The PDF side of `fakturactl invoice render`: --format pdf (the invoice PDF as PDF/A-3b) and --format
// facturx (the same with the CII XML embedded, profile from --profile). Loads the legal entity's template
// (--template FILE, its logo and fonts) and the sRGB profile once, then makes any number of documents.

#include "fakturad/billing/invoice.hpp"
#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_renderer.hpp"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fakturad::daemon {

class invoice_pdf_maker {
public:
    // Reads the template and its assets; every problem goes to err (file:line:column for the template).
    // nullopt when something is missing or invalid.
    static std::optional<invoice_pdf_maker> load(
        const std::filesystem::path& template_file,
        const std::filesystem::path& icc_profile,
        std::ostream& err
    );

    struct result {
        std::string bytes;
        std::vector<std::string> problems;
    };
    // facturx: embed the CII XML of profile; document_id is BT-1 for a document without a number.
    result make(
        const billing::invoice& doc,
        std::optional<documents::facturx_profile> facturx,
        const std::string& document_id
    );

private:
    invoice_pdf_maker(documents::invoice_pdf_renderer renderer, std::string icc)
        : renderer_(std::move(renderer)), icc_(std::move(icc)) {}

    documents::invoice_pdf_renderer renderer_;
    std::string icc_;
};

}  // namespace fakturad::daemon
