// The pieces of the PDF path that need no external tool: the EPC QR payload, QR encoding, the template
// parser's located errors, and the Factur-X profile names.

#include "fakturad/documents/girocode.hpp"
#include "fakturad/documents/pdf_archive.hpp"
#include "fakturad/documents/pdf_template.hpp"

#include <gtest/gtest.h>

namespace fakturad::documents {
namespace {

epc_transfer transfer() {
    epc_transfer t;
    t.beneficiary_name = "Musterfirma GmbH";
    t.iban = "DE02 1203 0000 0000 2020 51";
    t.bic = "BYLADEM1001";
    t.amount = decimal{1433172, 2};
    t.remittance = "RE-2026-00042";
    return t;
}

TEST(EpcQrPayload, FollowsEpc069Version002) {
    EXPECT_EQ(
        epc_qr_payload(transfer()),
        "BCD\n002\n1\nSCT\nBYLADEM1001\nMusterfirma "
        "GmbH\nDE02120300000000202051\nEUR14331.72\n\n\nRE-2026-00042"
    );
}

TEST(EpcQrPayload, AmountKeepsTwoPlacesExactly) {
    epc_transfer t = transfer();
    t.amount = decimal{5, 0};
    EXPECT_NE(epc_qr_payload(t)->find("\nEUR5.00\n"), std::string::npos);
}

TEST(EpcQrPayload, RefusesWhatTheStandardCannotCarry) {
    epc_transfer t = transfer();
    t.cur = currency("USD");
    EXPECT_FALSE(epc_qr_payload(t));
    t = transfer();
    t.amount = decimal{0, 2};
    EXPECT_FALSE(epc_qr_payload(t));
    t = transfer();
    t.amount = decimal{100000000000, 2};  // 1,000,000,000.00: above 999,999,999.99
    EXPECT_FALSE(epc_qr_payload(t));
    t = transfer();
    t.beneficiary_name = std::string(71, 'x');
    EXPECT_FALSE(epc_qr_payload(t));
    t = transfer();
    t.iban = "DE02-1203";
    EXPECT_FALSE(epc_qr_payload(t));
    t = transfer();
    t.remittance = std::string(141, 'r');
    EXPECT_FALSE(epc_qr_payload(t));
}

TEST(EpcQrPayload, CountsCharactersNotBytes) {
    epc_transfer t = transfer();
    t.beneficiary_name = std::string(35, 'x');
    for (int i = 0; i < 35; ++i) {
        t.beneficiary_name += "ü";  // 2 bytes, 1 character: 70 characters in all
    }
    EXPECT_TRUE(epc_qr_payload(t));
}

TEST(QrEncode, ProducesASquareSymbolWithFinderPatterns) {
    const qr_matrix m = encode_qr(*epc_qr_payload(transfer()));
    ASSERT_GE(m.size, 21);
    EXPECT_EQ((m.size - 17) % 4, 0);  // QR versions are 17 + 4v modules wide
    EXPECT_EQ(m.dark.size(), static_cast<std::size_t>(m.size * m.size));
    // Finder pattern corners: dark outer ring, light ring, dark 3x3 core.
    for (auto [x, y] : {std::pair{0, 0}, std::pair{m.size - 7, 0}, std::pair{0, m.size - 7}}) {
        EXPECT_TRUE(m.at(x, y));
        EXPECT_TRUE(m.at(x + 6, y + 6));
        EXPECT_FALSE(m.at(x + 1, y + 1));
        EXPECT_TRUE(m.at(x + 3, y + 3));
    }
}

TEST(PdfTemplate, ReadsEveryKey) {
    const auto r = parse_pdf_template(
        "name: acme\n"
        "logo: logo.jpg\n"
        "logo_width_mm: 40.5\n"
        "fonts: {regular: a.ttf, bold: b.ttf}\n"
        "colors: {accent: \"#102030\"}\n"
        "small_business: true\n"
        "girocode: false\n"
        "footer_lines: [\"Geschäftsführer: A\"]\n"
        "texts: {de: {intro: Hallo}, en: {closing: Bye}}\n",
        "t.yaml"
    );
    ASSERT_TRUE(r.ok()) << r.errors.front().to_string();
    EXPECT_EQ(r.value->logo_file, "logo.jpg");
    EXPECT_DOUBLE_EQ(r.value->logo_width_mm, 40.5);
    EXPECT_EQ(r.value->font_bold_file, "b.ttf");
    EXPECT_EQ(r.value->accent, (rgb{0x10, 0x20, 0x30}));
    EXPECT_TRUE(r.value->small_business);
    EXPECT_FALSE(r.value->girocode);
    EXPECT_EQ(r.value->footer_lines.at(0), "Geschäftsführer: A");
    EXPECT_EQ(r.value->intro_de, "Hallo");
    EXPECT_EQ(r.value->closing_en, "Bye");
}

TEST(PdfTemplate, ErrorsNameFileLineColumnAndKey) {
    const auto r = parse_pdf_template(
        "name: acme\n"
        "fonts:\n"
        "  regular: a.ttf\n"
        "  bld: b.ttf\n"
        "colors: {accent: \"1F4E79\"}\n"
        "girocode: yes please\n"
        "name: again\n",
        "entity.yaml"
    );
    ASSERT_FALSE(r.ok());
    std::vector<std::string> messages;
    for (const auto& e : r.errors) {
        messages.push_back(e.to_string());
    }
    auto has = [&](const std::string& needle) {
        return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) {
            return m.find(needle) != std::string::npos;
        });
    };
    EXPECT_TRUE(has("entity.yaml:4:3: fonts.bld: unknown key 'bld' (did you mean 'bold'?)"));
    EXPECT_TRUE(has("fonts.bold: missing required key"));
    EXPECT_TRUE(has("entity.yaml:5:18: colors.accent: expected a colour as \"#RRGGBB\""));
    EXPECT_TRUE(has("entity.yaml:6:11: girocode: expected true or false"));
    EXPECT_TRUE(has("entity.yaml:7:1: name: duplicate key (first at line 1)"));
}

TEST(PdfTemplate, BrokenYamlIsLocated) {
    const auto r = parse_pdf_template("name: [unclosed\n", "x.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors.front().file, "x.yaml");
    EXPECT_GT(r.errors.front().line, 0);
}

TEST(FacturxProfile, FileNamesAndLevelsPerProfile) {
    EXPECT_EQ(facturx_file_name(facturx_profile::en16931), "factur-x.xml");
    EXPECT_EQ(facturx_file_name(facturx_profile::extended), "factur-x.xml");
    EXPECT_EQ(facturx_file_name(facturx_profile::xrechnung), "xrechnung.xml");
    EXPECT_EQ(facturx_conformance_level(facturx_profile::en16931), "EN 16931");
    EXPECT_EQ(facturx_conformance_level(facturx_profile::extended), "EXTENDED");
    EXPECT_EQ(parse_facturx_profile("xrechnung"), facturx_profile::xrechnung);
    EXPECT_FALSE(parse_facturx_profile("basic"));
}

TEST(PdfArchive, RejectsInputThatIsNoPdf) {
    EXPECT_THROW((void)make_pdfa3("not a pdf", "icc", pdfa_metadata{}, std::nullopt), pdf_archive_error);
}

}  // namespace
}  // namespace fakturad::documents
