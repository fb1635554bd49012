#include "ctl_invoice_pdf.hpp"

#include "fakturad/documents/einvoice.hpp"

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>

namespace fakturad::daemon {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

documents::cii_profile cii_for(documents::facturx_profile p) {
    switch (p) {
        case documents::facturx_profile::extended:
            return documents::cii_profile::extended;
        case documents::facturx_profile::xrechnung:
            return documents::cii_profile::xrechnung;
        case documents::facturx_profile::en16931:
            break;
    }
    return documents::cii_profile::en16931;
}

}  // namespace

std::optional<invoice_pdf_maker> invoice_pdf_maker::load(
    const std::filesystem::path& template_file, const std::filesystem::path& icc_profile, std::ostream& err
) {
    const auto yaml = read_file(template_file);
    if (!yaml) {
        err << "fakturactl: cannot read the PDF template " << template_file.string() << "\n";
        return std::nullopt;
    }
    auto parsed = documents::parse_pdf_template(*yaml, template_file.string());
    if (!parsed.ok()) {
        for (const auto& e : parsed.errors) {
            err << e.to_string() << "\n";
        }
        return std::nullopt;
    }
    // Asset paths are relative to the template file.
    const auto resolve = [&](const std::string& f) {
        const std::filesystem::path p(f);
        return p.is_absolute() ? p : template_file.parent_path() / p;
    };
    documents::pdf_assets assets;
    if (!parsed.value->logo_file.empty()) {
        auto logo = read_file(resolve(parsed.value->logo_file));
        if (!logo) {
            err << template_file.string() << ": logo: cannot read "
                << resolve(parsed.value->logo_file).string() << "\n";
            return std::nullopt;
        }
        assets.logo = std::move(*logo);
    }
    assets.font_regular_path = resolve(parsed.value->font_regular_file).string();
    assets.font_bold_path = resolve(parsed.value->font_bold_file).string();
    auto icc = read_file(icc_profile);
    if (!icc) {
        err << "fakturactl: cannot read the sRGB ICC profile " << icc_profile.string()
            << " (Debian package icc-profiles-free, or pass --icc-profile)\n";
        return std::nullopt;
    }
    try {
        return invoice_pdf_maker(documents::invoice_pdf_renderer(*parsed.value, assets), std::move(*icc));
    } catch (const documents::pdf_render_error& e) {
        err << template_file.string() << ": " << e.what() << "\n";
        return std::nullopt;
    }
}

invoice_pdf_maker::result invoice_pdf_maker::make(
    const billing::invoice& doc,
    std::optional<documents::facturx_profile> facturx,
    const std::string& document_id
) {
    std::optional<documents::facturx_attachment> attachment;
    if (facturx) {
        documents::xml_options options;
        options.document_id = document_id;
        documents::xml_result xml = documents::write_cii(doc, cii_for(*facturx), options);
        if (!xml.ok()) {
            return {{}, std::move(xml.problems)};
        }
        attachment = documents::facturx_attachment{std::move(xml.xml), *facturx};
    }
    try {
        documents::pdfa_metadata meta;
        meta.title = documents::document_title(doc);
        meta.author = doc.seller.name;
        meta.subject = doc.bill_to.name.empty() ? doc.account.name : doc.bill_to.name;
        // Reproducible files: the document's own date, not the time of rendering.
        meta.created = doc.issue_date
                           ? std::chrono::sys_days(*doc.issue_date)
                           : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        return {renderer_.render_pdfa3(doc, icc_, meta, attachment).bytes, {}};
    } catch (const std::exception& e) {
        return {{}, {e.what()}};
    }
}

}  // namespace fakturad::daemon
