#pragma once
// `fakturactl invoice render FILE --format F --out PATH [--draft ID | --all]`: the e-invoice (or PDF) of a
// document described by the `drafts:` section of a plan file (format: billing/README.md). No daemon, no
// store: the drafts are built in file order (billing/draft_documents.hpp: manual drafts, advance/progress/
// final invoices, cancellations, credit notes, finalization), then one document is rendered:
//   --draft ID   the draft with that id (default: the file's last draft) into the file --out;
//   --all        every draft into the folder --out (created), one file per draft: <id>.xml / <id>.pdf.
// Formats: xrechnung-cii, xrechnung-ubl (XRechnung 3.0), cii, ubl (plain EN 16931; a credit document is a
// UBL CreditNote), pdf (the invoice PDF as PDF/A-3b) and facturx (PDF/A-3b with the CII XML embedded;
// --profile en16931|extended|xrechnung). Both PDF formats need --template FILE, the legal entity's PDF
// template (format: documents/README.md), and read the sRGB profile from --icc-profile.
//
// Problems go to `err`: every error of the plan file or of building its drafts as
// "FILE:LINE:COLUMN: key.path: message"; every reason a document cannot be written in the format
// ("drafts[2] (RE-1): XRechnung needs a buyer reference ..."). Exit codes (fakturactl's): 0 written,
// 1 the file or a document has problems, 2 bad arguments (unreadable file, unknown format or draft,
// unwritable output).

#include <filesystem>
#include <iosfwd>
#include <string>

namespace fakturad::daemon {

struct invoice_render_options {
    std::filesystem::path file;
    std::string format;
    std::filesystem::path out;
    std::string draft;  // empty: the last draft
    bool all = false;
    std::filesystem::path template_file;                                  // pdf, facturx
    std::string profile = "en16931";                                      // facturx
    std::filesystem::path icc_profile = "/usr/share/color/icc/sRGB.icc";  // Debian icc-profiles-free
};

int run_invoice_render(const invoice_render_options& options, std::ostream& out, std::ostream& err);

}  // namespace fakturad::daemon
