// Invoice PDFs end to end: render every document type in German and English, 1 and 4 pages, make them
// PDF/A-3b (with and without the Factur-X XML) and check each file with the tools an auditor would use:
// qpdf --check, pdffonts (every font embedded), pdfdetach (the attachment's name), pdftotext (the § 14 UStG
// data, umlauts and €) and the shared PDF/A-3 preflight (zero failures).

#include "fakturad/documents/einvoice.hpp"
#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_renderer.hpp"
#include "pdf_test_invoices.hpp"
#include "pdf_tools.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>

namespace fakturad::documents::test {
namespace {

namespace fs = std::filesystem;

const fs::path template_dir = fs::path(FAKTURAD_SOURCE_DIR) / "config/examples/templates/musterfirma";
const fs::path icc_profile = "/usr/share/color/icc/sRGB.icc";  // Debian icc-profiles-free

fs::path resolve(const std::string& file) {
    const fs::path p(file);
    return p.is_absolute() ? p : template_dir / p;
}

class PdfRenderTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto yaml = read_file(template_dir / "template.yaml");
        ASSERT_TRUE(yaml) << "example template missing";
        auto parsed = parse_pdf_template(*yaml, "template.yaml");
        ASSERT_TRUE(parsed.ok()) << parsed.errors.front().to_string();
        pdf_assets assets;
        assets.logo = read_file(resolve(parsed.value->logo_file)).value_or("");
        assets.font_regular_path = resolve(parsed.value->font_regular_file).string();
        assets.font_bold_path = resolve(parsed.value->font_bold_file).string();
        renderer_ = new invoice_pdf_renderer(*parsed.value, assets);
        icc_ = read_file(icc_profile).value_or("");
        out_dir_ = fs::path(FAKTURAD_BINARY_DIR) / "tests" / "documents_pdf_out";
        fs::create_directories(out_dir_);
    }
    static void TearDownTestSuite() {
        delete renderer_;
        renderer_ = nullptr;
    }

    void SetUp() override {
        for (const char* tool : {"qpdf", "pdffonts", "pdfdetach", "pdftotext"}) {
            if (!have_tool(tool)) {
                GTEST_SKIP() << tool << " is missing: run scripts/install-deps.sh (qpdf, poppler-utils)";
            }
        }
        if (icc_.empty()) {
            GTEST_SKIP() << icc_profile << " is missing: run scripts/install-deps.sh (icc-profiles-free)";
        }
    }

    // Renders the PDF/A-3b file (with the CII XML for a profile) as the daemon does and writes it; returns
    // its path. through_qpdf: render a plain PDF and run the separate PDF/A step instead (make_pdfa3, the
    // path for PDFs from elsewhere).
    static fs::path make(
        const billing::invoice& doc,
        const std::string& name,
        std::optional<facturx_profile> profile = std::nullopt,
        int* pages = nullptr,
        bool through_qpdf = false
    ) {
        std::optional<facturx_attachment> att;
        if (profile) {
            const cii_profile cii = *profile == facturx_profile::extended    ? cii_profile::extended
                                    : *profile == facturx_profile::xrechnung ? cii_profile::xrechnung
                                                                             : cii_profile::en16931;
            xml_result xml = write_cii(doc, cii);
            EXPECT_TRUE(xml.ok()) << name << ": " << (xml.ok() ? "" : xml.problems.front());
            att = facturx_attachment{xml.xml, *profile};
        }
        pdfa_metadata meta;
        meta.title = "Rechnung " + doc.number;
        meta.author = doc.seller.name;
        meta.subject = "Rechnung an " + doc.bill_to.name;
        meta.created = std::chrono::sys_days(*doc.issue_date);
        const fs::path path = out_dir_ / (name + ".pdf");
        if (through_qpdf) {
            const rendered_pdf plain = renderer_->render(doc);
            write_file(path, make_pdfa3(plain.bytes, icc_, meta, att));
            if (pages != nullptr) {
                *pages = plain.pages;
            }
            return path;
        }
        const rendered_pdf pdf = renderer_->render_pdfa3(doc, icc_, meta, att);
        if (pages != nullptr) {
            *pages = pdf.pages;
        }
        write_file(path, pdf.bytes);
        return path;
    }

    static void expect_structure_ok(const fs::path& pdf) {
        const tool_output check = run_tool("qpdf --check " + quoted(pdf));
        EXPECT_EQ(check.status, 0) << check.text;
        EXPECT_NE(check.text.find("No syntax or stream encoding errors"), std::string::npos) << check.text;

        // pdffonts: two header lines, then one line per font; column "emb" must say yes for every font.
        const tool_output fonts = run_tool("pdffonts " + quoted(pdf));
        ASSERT_EQ(fonts.status, 0) << fonts.text;
        std::istringstream lines(fonts.text);
        std::string l;
        int count = 0;
        for (int i = 0; std::getline(lines, l); ++i) {
            if (i < 2 || l.empty()) {
                continue;
            }
            ++count;
            EXPECT_TRUE(std::regex_search(l, std::regex(R"(\s+yes\s+yes\s+yes\s+)")))
                << "not embedded+subset+unicode: " << l;
        }
        EXPECT_GE(count, 2) << fonts.text;
    }

    // The extracted text with every run of blanks, line breaks and no-break spaces as one space (wrapped
    // lines read as one); pages stay separated by form feeds.
    static std::string text_of(const fs::path& pdf) {
        const tool_output t = run_tool("pdftotext -enc UTF-8 " + quoted(pdf) + " -");
        EXPECT_EQ(t.status, 0) << t.text;
        return std::regex_replace(t.text, std::regex("([ \n]|\xC2\xA0)+"), " ");
    }

    // with_attachment false: a plain invoice PDF is PDF/A-3b but carries no Factur-X XML, so the preflight's
    // four Factur-X checks (and only those) are expected to fail for it.
    static void expect_preflight_clean(const fs::path& pdf, bool with_attachment = true) {
        const fs::path script = shared_dir() / "conformance" / "pdfa-preflight.py";
        if (!fs::exists(script)) {
            // The other checks of the test have run or still run; the test is reported as skipped.
            GTEST_SKIP() << "PDF/A preflight: " << script
                         << " not found (set FAKTURAD_SHARED_DIR to the folder holding conformance/)";
        }
        // Debian's interpreter: the preflight's modules (pikepdf, fontTools, lxml) are Debian packages.
        const tool_output r = run_tool("/usr/bin/python3 " + quoted(script) + " " + quoted(pdf));
        if (with_attachment) {
            EXPECT_EQ(r.status, 0) << r.text;
            EXPECT_NE(r.text.find(" 0 failed"), std::string::npos) << r.text;
            return;
        }
        static const std::regex facturx_only(
            "catalog /AF missing|fx properties incomplete.*|fx:ConformanceLevel invalid|no EmbeddedFiles "
            "name tree"
        );
        std::istringstream lines(r.text);
        std::string l;
        while (std::getline(lines, l)) {
            const std::size_t at = l.find("FAIL ");
            if (at != std::string::npos) {
                EXPECT_TRUE(std::regex_match(l.substr(at + 5), facturx_only)) << l;
            }
        }
    }

    static inline invoice_pdf_renderer* renderer_ = nullptr;
    static inline std::string icc_;
    static inline fs::path out_dir_;
};

void expect_contains(const std::string& text, const std::string& needle) {
    EXPECT_NE(text.find(needle), std::string::npos) << "missing \"" << needle << "\" in the PDF text:\n"
                                                    << text;
}

TEST_F(PdfRenderTest, GermanOnePageInvoiceCarriesTheMandatoryData) {
    const billing::invoice doc = german_invoice(10);
    int pages = 0;
    const fs::path pdf = make(doc, "de_invoice_10_lines", facturx_profile::en16931, &pages);
    EXPECT_EQ(pages, 1);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf);

    const tool_output attachments = run_tool("pdfdetach -list " + quoted(pdf));
    EXPECT_NE(attachments.text.find("1: factur-x.xml"), std::string::npos) << attachments.text;

    // The GiroCode scans: render page 1 at 200 dpi and decode it (zbar-tools).
    if (have_tool("pdftoppm") && have_tool("zbarimg")) {
        const fs::path png = out_dir_ / "de_invoice_10_lines_page1";
        ASSERT_EQ(
            run_tool("pdftoppm -png -r 200 -f 1 -l 1 -singlefile " + quoted(pdf) + " " + quoted(png)).status,
            0
        );
        const tool_output qr = run_tool("zbarimg -q --raw " + quoted(fs::path(png.string() + ".png")));
        EXPECT_NE(
            qr.text.find(
                "BCD\n002\n1\nSCT\nBYLADEM1001\nMusterfirma GmbH\nDE02120300000000202051\nEUR16756.33\n\n\n"
                "RE-2026-00042"
            ),
            std::string::npos
        ) << qr.text;
    } else {
        GTEST_SKIP() << "GiroCode scan: zbarimg missing (scripts/install-deps.sh installs zbar-tools)";
    }

    const std::string text = text_of(pdf);
    // § 14 (4) UStG: seller and buyer with address, tax number and VAT id, issue date, number, quantity and
    // kind of the supply, time of supply, net per rate, rate and VAT amount.
    for (const char* needle :
         {"Musterfirma GmbH",
          "Hauptstraße 5",
          "10115 Berlin",
          "Bäckerei Müller & Söhne KG",
          "Große Straße 12",
          "80331 München",
          "DE123456789",
          "30/123/45678",
          "RE-2026-00042",
          "Rechnungsdatum",
          "02.11.2026",
          "Leistungszeitraum",
          "01.10.2026 – 31.10.2026",
          "Wartung & Support (Stufe Gold) #2",
          "Schulung vor Ort, Trainer: Łukasz Wójcik #3",
          "Summe netto",
          "USt. 19 % auf",
          "USt. 7 % auf",
          "Gesamtbetrag",
          "Fällig am",
          "16.11.2026",
          "IBAN",
          "DE02120300000000202051",
          "Seite 1 von 1",
          "HRB 123456 B",
          "Jörg Weiß"}) {
        expect_contains(text, needle);
    }
    // Amounts worked out by hand: 19 % on 10,536.60 and 7 % on 3,941.85.
    for (const char* needle :
         {"14.478,45 €",
          "USt. 19 % auf 10.536,60 €",
          "2.001,95 €",
          "USt. 7 % auf 3.941,85 €",
          "275,93 €",
          "16.756,33 €",
          "1.873,50",
          "1.249,00",
          "1,5 Stk."}) {
        expect_contains(text, needle);
    }
}

TEST_F(PdfRenderTest, HundredTwentyLinesBreakIntoPagesWithCarriedSubtotals) {
    const billing::invoice doc = german_invoice(120);
    int pages = 0;
    const fs::path pdf = make(doc, "de_invoice_120_lines", facturx_profile::en16931, &pages);
    EXPECT_GE(pages, 4);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf);
    const std::string text = text_of(pdf);
    expect_contains(text, "Seite 1 von " + std::to_string(pages));
    expect_contains(text, "Seite " + std::to_string(pages) + " von " + std::to_string(pages));
    expect_contains(text, "Übertrag");
    expect_contains(text, "Übertrag von Seite 1");
    expect_contains(text, "#120");
    // The header row is repeated on every page that holds line rows.
    std::istringstream by_page(text);
    std::string page_text;
    int pages_with_rows = 0;
    while (std::getline(by_page, page_text, '\f')) {
        if (std::regex_search(page_text, std::regex(" #[0-9]+ "))) {
            ++pages_with_rows;
            for (const char* header : {"Pos.", "Beschreibung", "Menge", "Einzelpreis", "Betrag"}) {
                EXPECT_NE(page_text.find(header), std::string::npos) << header << " missing on " << page_text;
            }
        }
    }
    EXPECT_GE(pages_with_rows, 4);
    // pdftotext separates pages by form feeds: the running subtotal carried at the end of page 1 is the one
    // brought forward on page 2.
    const std::size_t page_break = text.find('\f');
    ASSERT_NE(page_break, std::string::npos);
    const std::string page1 = text.substr(0, page_break);
    const std::size_t at = page1.rfind("Übertrag");
    ASSERT_NE(at, std::string::npos);
    std::smatch m;
    const std::string tail = page1.substr(at);
    ASSERT_TRUE(std::regex_search(tail, m, std::regex(R"(\d{1,3}(\.\d{3})*,\d{2})"))) << tail;
    expect_contains(text.substr(page_break), m.str());
}

TEST_F(PdfRenderTest, EnglishReverseChargeInvoiceStatesTheReverseCharge) {
    const billing::invoice doc = reverse_charge_invoice();
    const fs::path pdf = make(doc, "en_reverse_charge", facturx_profile::en16931);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf);
    const std::string text = text_of(pdf);
    for (const char* needle :
         {"Invoice RE-2026-00043",
          "Invoice date",
          "2 Nov 2026",
          "Service period",
          "Société Générale",
          "FRANCE",
          "FR40303265045",
          "Reverse charge",
          "Steuerschuldnerschaft des Leistungsempfängers",
          "€1,060.00",
          "Page 1 of 1",
          "6 h"}) {
        expect_contains(text, needle);
    }
}

TEST_F(PdfRenderTest, ExportInUsDollarsShowsTheCurrencyAndTheExemption) {
    const billing::invoice doc = export_invoice();
    const fs::path pdf = make(doc, "en_export_usd", facturx_profile::extended);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf);
    const std::string text = text_of(pdf);
    for (const char* needle : {"Dvořák Analytics Inc.", "UNITED STATES", "$2,160.00", "Not subject to VAT"}) {
        expect_contains(text, needle);
    }
    // A credit transfer in USD has no EPC code (EUR only), but the bank details are printed.
    expect_contains(text, "DE02120300000000202051");
}

TEST_F(PdfRenderTest, EveryDocumentTypeHasItsTitleAndWording) {
    struct expectation {
        billing::document_type type;
        const char* de;
        const char* en;
    };
    const expectation cases[] = {
        {billing::document_type::invoice, "Rechnung RE-2026-00042", "Invoice RE-2026-00042"},
        {billing::document_type::pro_forma, "keine Zahlungsaufforderung", "not a request for payment"},
        {billing::document_type::advance, "Anzahlungsrechnung AR-2026-00007", "Advance payment invoice"},
        {billing::document_type::progress, "Abschlagsrechnung AR-2026-00007", "Progress invoice"},
        {billing::document_type::partial, "Teilrechnung AR-2026-00007", "Partial invoice"},
        {billing::document_type::final_invoice,
         "abzüglich Anzahlungsrechnung AR-2026-00007 vom 01.09.2026",
         "less Advance payment invoice AR-2026-00007 of 1 Sep 2026"},
        {billing::document_type::cancellation,
         "Storno zur Rechnung RE-2026-00040 vom 01.10.2026",
         "Cancellation of invoice RE-2026-00040"},
        {billing::document_type::credit_note,
         "Korrektur zur Rechnung RE-2026-00040",
         "Correction of invoice RE-2026-00040"},
    };
    for (const expectation& c : cases) {
        for (const char* lang : {"de", "en"}) {
            const billing::invoice doc = of_type(c.type, lang);
            const std::string name = std::string(billing::to_string(c.type)) + "_" + lang;
            // Pro-forma documents are no invoices: no e-invoice XML is embedded.
            const auto profile = c.type == billing::document_type::pro_forma
                                     ? std::nullopt
                                     : std::optional(facturx_profile::en16931);
            const fs::path pdf = make(doc, name, profile);
            expect_structure_ok(pdf);
            expect_preflight_clean(pdf, profile.has_value());
            const std::string text = text_of(pdf);
            expect_contains(text, lang[0] == 'd' ? c.de : c.en);
        }
    }
}

TEST_F(PdfRenderTest, FinalInvoiceDeductsTheAdvanceAndStatesTheRemainder) {
    const billing::invoice doc = of_type(billing::document_type::final_invoice);
    const fs::path pdf = make(doc, "de_final_amounts", facturx_profile::en16931);
    const std::string text = text_of(pdf);
    expect_contains(text, "-1.190,00 €");
    expect_contains(text, "Zahlbetrag");
    // totals.due = gross - 1,190.00, worked out by the engine; printed exactly.
    EXPECT_EQ(doc.totals.due, doc.totals.gross - dec("1190.00"));
}

TEST_F(PdfRenderTest, DirectDebitStatesMandateCreditorAndAMaskedAccount) {
    billing::invoice doc = german_invoice(2);
    doc.payment = billing::payment_means{};
    doc.payment->code = billing::payment_means_code::direct_debit;
    doc.payment->mandate_reference = "MANDAT-2026-0815";
    doc.payment->debtor_iban = "DE89370400440532013000";
    const fs::path pdf = make(doc, "de_direct_debit", facturx_profile::en16931);
    expect_preflight_clean(pdf);
    const std::string text = text_of(pdf);
    for (const char* needle :
         {"SEPA-Lastschrift",
          "DE…3000",
          "Mandatsreferenz MANDAT-2026-0815",
          "Gläubiger-ID DE98ZZZ09999999999"}) {
        expect_contains(text, needle);
    }
    EXPECT_EQ(text.find("DE89370400440532013000"), std::string::npos) << "the debtor's full IBAN is printed";
}

TEST_F(PdfRenderTest, XrechnungProfileEmbedsXrechnungXml) {
    billing::invoice doc = german_invoice(3);
    doc.references.buyer_reference = "04011000-12345-67";
    const fs::path pdf = make(doc, "de_xrechnung_profile", facturx_profile::xrechnung);
    const tool_output attachments = run_tool("pdfdetach -list " + quoted(pdf));
    EXPECT_NE(attachments.text.find("1: xrechnung.xml"), std::string::npos) << attachments.text;
    expect_preflight_clean(pdf);
    expect_contains(text_of(pdf), "04011000-12345-67");
}

TEST_F(PdfRenderTest, PlainPdfHasNoAttachmentAndStillPassesThePreflight) {
    const fs::path pdf = make(german_invoice(2, "en"), "en_plain");
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf, false);
    const tool_output attachments = run_tool("pdfdetach -list " + quoted(pdf));
    EXPECT_NE(attachments.text.find("0 embedded files"), std::string::npos) << attachments.text;
}

TEST_F(PdfRenderTest, PngLogoIsEmbeddedWithoutInterpolation) {
    const auto png = read_file(template_dir / "logo.png");
    ASSERT_TRUE(png);
    pdf_template tpl = renderer_->layout_template();
    pdf_assets assets;
    assets.logo = *png;
    assets.font_regular_path = resolve(tpl.font_regular_file).string();
    assets.font_bold_path = resolve(tpl.font_bold_file).string();
    invoice_pdf_renderer renderer(tpl, assets);
    const billing::invoice doc = german_invoice(1);
    pdfa_metadata meta;
    meta.title = document_title(doc);
    meta.created = std::chrono::sys_days(*doc.issue_date);
    const fs::path pdf = out_dir_ / "png_logo.pdf";
    write_file(pdf, renderer.render_pdfa3(doc, icc_, meta, std::nullopt).bytes);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf, false);
    const tool_output images = run_tool("pdfimages -list " + quoted(pdf));
    EXPECT_NE(images.text.find("image     360   120  rgb"), std::string::npos) << images.text;
}

TEST_F(PdfRenderTest, BrokenLogoIsRefusedWithAReason) {
    pdf_assets assets;
    assets.logo = "GIF89a not a png";
    assets.font_regular_path = resolve(renderer_->layout_template().font_regular_file).string();
    assets.font_bold_path = resolve(renderer_->layout_template().font_bold_file).string();
    try {
        invoice_pdf_renderer broken(renderer_->layout_template(), assets);
        ADD_FAILURE() << "a GIF logo was accepted";
    } catch (const pdf_render_error& e) {
        EXPECT_NE(std::string(e.what()).find("logo"), std::string::npos) << e.what();
    }
    assets.logo.clear();
    assets.font_bold_path = "/nonexistent/font.ttf";
    EXPECT_THROW(invoice_pdf_renderer(renderer_->layout_template(), assets), pdf_render_error);
}

// The separate PDF/A step (make_pdfa3, for PDFs from elsewhere) gives an equally valid file from the plain
// rendering.
TEST_F(PdfRenderTest, PlainRenderingThroughTheSeparatePdfaStepIsValidToo) {
    int pages = 0;
    const fs::path pdf =
        make(german_invoice(10), "through_qpdf", facturx_profile::en16931, &pages, /*through_qpdf=*/true);
    EXPECT_EQ(pages, 1);
    expect_structure_ok(pdf);
    expect_preflight_clean(pdf, true);
    const tool_output attachments = run_tool("pdfdetach -list " + quoted(pdf));
    EXPECT_NE(attachments.text.find("factur-x.xml"), std::string::npos) << attachments.text;
}

TEST_F(PdfRenderTest, SameInputGivesTheSameBytes) {
    const billing::invoice doc = german_invoice(5);
    const fs::path a = make(doc, "repeat_a", facturx_profile::en16931);
    const fs::path b = make(doc, "repeat_b", facturx_profile::en16931);
    EXPECT_EQ(read_file(a), read_file(b));
}

}  // namespace
}  // namespace fakturad::documents::test
