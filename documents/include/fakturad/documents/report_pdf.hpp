#pragma once
// Renders a structured report (a title, sections of label/value rows and paragraphs, a footer line) into a
// plain A4 PDF: what fakturad attaches to a Salesforce record for information it receives rather than
// issues, such as a credit report.  The content is the caller's; this file only lays it out (long values
// wrap, sections continue on the next page, every page carries the footer and "page x of y").
//
// Like invoice_pdf_renderer (pdf_renderer.hpp): the fonts are read once in the constructor, render() may
// be called many times, one renderer belongs to one thread at a time.  No file I/O of its own besides the
// fonts the caller names.

#include "fakturad/documents/pdf_renderer.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fakturad::documents {

struct report_row {
    std::string label;
    std::string value;
};

struct report_section {
    std::string heading;
    std::vector<report_row> rows;
    std::vector<std::string> paragraphs;  // after the rows
};

struct report_document {
    std::string title;
    std::string subtitle;  // one line under the title (e.g. the subject and the date)
    std::vector<report_section> sections;
    std::string footer;  // small print on every page
};

class report_pdf_renderer {
public:
    // Throws pdf_render_error naming the font file that could not be loaded.
    explicit report_pdf_renderer(const pdf_assets& assets);
    ~report_pdf_renderer();
    report_pdf_renderer(report_pdf_renderer&&) noexcept;
    report_pdf_renderer& operator=(report_pdf_renderer&&) noexcept;
    report_pdf_renderer(const report_pdf_renderer&) = delete;
    report_pdf_renderer& operator=(const report_pdf_renderer&) = delete;

    // Throws pdf_render_error when a font cannot be subset or compression fails (out of memory).
    [[nodiscard]] rendered_pdf render(const report_document& doc);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace fakturad::documents
