#include "ctl_invoice_render.hpp"

#include "ctl_invoice_pdf.hpp"
#include "fakturad/billing/draft_documents.hpp"
#include "fakturad/billing/plan_yaml.hpp"
#include "fakturad/documents/einvoice.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <vector>

namespace fakturad::daemon {
namespace {

constexpr int render_ok = 0;
constexpr int render_problems = 1;
constexpr int render_usage = 2;

enum class render_format : std::uint8_t { xrechnung_cii, xrechnung_ubl, cii, ubl, facturx, pdf };

struct format_row {
    std::string_view name;
    render_format format;
    std::string_view extension;
};

constexpr std::array<format_row, 6> formats{{
    {"xrechnung-cii", render_format::xrechnung_cii, ".xml"},
    {"xrechnung-ubl", render_format::xrechnung_ubl, ".xml"},
    {"cii", render_format::cii, ".xml"},
    {"ubl", render_format::ubl, ".xml"},
    {"facturx", render_format::facturx, ".pdf"},
    {"pdf", render_format::pdf, ".pdf"},
}};

// The bytes of one document in the format, or the reasons it cannot be written.
struct rendered {
    std::string bytes;
    std::vector<std::string> problems;
};

rendered render(
    const billing::built_document& d,
    render_format format,
    invoice_pdf_maker* pdf,
    std::optional<documents::facturx_profile> profile
) {
    documents::xml_options options;
    options.document_id = d.id;  // BT-1 of a pro-forma, which has no number
    documents::xml_result xml;
    switch (format) {
        case render_format::xrechnung_cii:
            xml = documents::write_cii(d.doc, documents::cii_profile::xrechnung, options);
            break;
        case render_format::xrechnung_ubl:
            xml = documents::write_ubl(d.doc, documents::ubl_profile::xrechnung, options);
            break;
        case render_format::cii:
            xml = documents::write_cii(d.doc, documents::cii_profile::en16931, options);
            break;
        case render_format::ubl:
            xml = documents::write_ubl(d.doc, documents::ubl_profile::en16931, options);
            break;
        case render_format::facturx:
        case render_format::pdf: {
            auto made = pdf->make(d.doc, format == render_format::facturx ? profile : std::nullopt, d.id);
            return {std::move(made.bytes), std::move(made.problems)};
        }
    }
    return {std::move(xml.xml), std::move(xml.problems)};
}

bool write_file(const std::filesystem::path& path, const std::string& bytes, std::ostream& err) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
    f.close();
    if (!f) {
        err << "fakturactl: cannot write " << path.string() << ": " << std::generic_category().message(errno)
            << "\n";
        return false;
    }
    return true;
}

// File names from draft ids: keep letters, digits, '-', '_' and '.'.
std::string file_stem(std::string_view id) {
    std::string out;
    for (char c : id) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '_' || c == '.';
        out += keep ? c : '_';
    }
    return out;
}

}  // namespace

int run_invoice_render(const invoice_render_options& options, std::ostream& out, std::ostream& err) {
    const auto row = std::find_if(formats.begin(), formats.end(), [&](const format_row& r) {
        return r.name == options.format;
    });
    if (row == formats.end()) {
        err << "fakturactl: unknown --format '" << options.format
            << "' (expected xrechnung-cii, xrechnung-ubl, cii, ubl, facturx or pdf)\n";
        return render_usage;
    }
    std::optional<invoice_pdf_maker> pdf;
    const auto profile = documents::parse_facturx_profile(options.profile);
    if (row->format == render_format::pdf || row->format == render_format::facturx) {
        if (!profile) {
            err << "fakturactl: unknown --profile '" << options.profile
                << "' (expected en16931, extended or xrechnung)\n";
            return render_usage;
        }
        if (options.template_file.empty()) {
            err << "fakturactl: --format " << options.format
                << " needs --template FILE, the legal entity's PDF template (see documents/README.md)\n";
            return render_usage;
        }
        pdf = invoice_pdf_maker::load(options.template_file, options.icc_profile, err);
        if (!pdf) {
            return render_usage;
        }
    }
    std::ifstream in(options.file, std::ios::binary);
    if (!in) {
        err << "fakturactl: cannot read " << options.file.string() << ": "
            << std::generic_category().message(errno) << "\n";
        return render_usage;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string name = options.file.string();
    const auto parsed = billing::parse_plan_file(text.str(), name);
    if (!parsed.ok() || !parsed.file) {
        for (const auto& e : parsed.errors) {
            err << e.to_string() << "\n";
        }
        return render_problems;
    }
    if (parsed.file->drafts.empty()) {
        err << name << ": drafts: the file has no drafts to render (see billing/README.md, `drafts:`)\n";
        return render_problems;
    }
    const auto built = billing::build_draft_documents(*parsed.file, name);
    for (const auto& e : built.errors) {
        err << e.to_string() << "\n";
    }
    if (!built.ok()) {
        return render_problems;
    }

    std::vector<const billing::built_document*> selected;
    if (options.all) {
        for (const auto& d : built.documents) {
            selected.push_back(&d);
        }
    } else if (options.draft.empty()) {
        selected.push_back(&built.documents.back());
    } else {
        for (const auto& d : built.documents) {
            if (d.id == options.draft) {
                selected.push_back(&d);
            }
        }
        if (selected.empty()) {
            err << "fakturactl: no draft with id '" << options.draft << "' in " << name << "\n";
            return render_usage;
        }
    }
    if (options.all) {
        std::error_code ec;
        std::filesystem::create_directories(options.out, ec);
        if (ec) {
            err << "fakturactl: cannot create " << options.out.string() << ": " << ec.message() << "\n";
            return render_usage;
        }
    }

    int status = render_ok;
    for (const auto* d : selected) {
        rendered r = render(*d, row->format, pdf ? &*pdf : nullptr, profile);
        if (!r.problems.empty()) {
            for (const auto& p : r.problems) {
                err << name << ": drafts[" << d->draft_index << "] (" << d->id << "): " << p << "\n";
            }
            status = render_problems;
            continue;
        }
        const auto path =
            options.all ? options.out / (file_stem(d->id) + std::string(row->extension)) : options.out;
        if (!write_file(path, r.bytes, err)) {
            return render_usage;
        }
        out << path.string() << "\n";
    }
    return status;
}

}  // namespace fakturad::daemon
