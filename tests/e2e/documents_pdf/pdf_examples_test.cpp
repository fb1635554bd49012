// `fakturactl invoice render --format pdf|facturx --all` over every example in examples/invoices, with the
// example template of config/examples/templates. Each PDF: qpdf --check clean, every font embedded,
// subset and with a ToUnicode map (pdffonts), the attachment the format asks for (pdfdetach). All PDFs in
// one call of the shared PDF/A-3 preflight (zero failures for Factur-X files; plain PDFs fail only the
// preflight's Factur-X checks, as they carry no XML), and the Factur-X files in one call of the shared
// validate-einvoice.sh (XSD, EN 16931 and Factur-X schematron, packaging): every file valid.
#include "fakturad/test/shared_files.hpp"
#include "pdf_tools.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <vector>

namespace fakturad::documents::test {
namespace {

namespace fs = std::filesystem;

const fs::path source = FAKTURAD_SOURCE_DIR;
const fs::path template_file = source / "config/examples/templates/musterfirma/template.yaml";

struct rendered_set {
    std::string format;   // "pdf" or "facturx"
    std::string profile;  // facturx profile
    std::vector<fs::path> files;
};

class PdfExamplesTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"qpdf", "pdffonts", "pdfdetach"}) {
            if (!have_tool(tool)) {
                GTEST_SKIP() << tool << " is missing: run scripts/install-deps.sh (qpdf, poppler-utils)";
            }
        }
        work_ = fs::path(FAKTURAD_BINARY_DIR) / "tests" / "documents_pdf_examples";
        fs::remove_all(work_);
        fs::create_directories(work_);
    }

    rendered_set render_all(const std::string& format, const std::string& profile) {
        rendered_set set{format, profile, {}};
        for (const auto& entry : fs::directory_iterator(source / "examples/invoices")) {
            if (entry.path().extension() != ".yaml") {
                continue;
            }
            const fs::path out = work_ / (format + "-" + profile) / entry.path().stem();
            const tool_output r = run_tool(
                std::string(FAKTURACTL) + " invoice render " + quoted(entry.path()) + " --format " + format +
                " --profile " + profile + " --template " + quoted(template_file) + " --all --out " +
                quoted(out)
            );
            EXPECT_EQ(r.status, 0) << entry.path().filename() << " as " << format << ":\n" << r.text;
            for (const auto& f : fs::directory_iterator(out)) {
                set.files.push_back(f.path());
            }
        }
        return set;
    }

    fs::path work_;
};

void check_each(const rendered_set& set, const std::string& attachment) {
    for (const fs::path& pdf : set.files) {
        const tool_output check = run_tool("qpdf --check " + quoted(pdf));
        EXPECT_EQ(check.status, 0) << pdf << "\n" << check.text;
        const tool_output fonts = run_tool("pdffonts " + quoted(pdf));
        std::istringstream lines(fonts.text);
        std::string l;
        for (int i = 0; std::getline(lines, l); ++i) {
            if (i >= 2 && !l.empty()) {
                EXPECT_TRUE(std::regex_search(l, std::regex(R"(\s+yes\s+yes\s+yes\s+)"))) << pdf << ": " << l;
            }
        }
        const tool_output attached = run_tool("pdfdetach -list " + quoted(pdf));
        if (attachment.empty()) {
            EXPECT_NE(attached.text.find("0 embedded files"), std::string::npos) << pdf << attached.text;
        } else {
            EXPECT_NE(attached.text.find("1: " + attachment), std::string::npos) << pdf << attached.text;
        }
    }
}

// One preflight call over all files; returns the failures per file.
std::map<std::string, std::vector<std::string>> preflight(
    const fs::path& script, const std::vector<fs::path>& files
) {
    std::string command = "/usr/bin/python3 " + quoted(script);
    for (const auto& f : files) {
        command += " " + quoted(f);
    }
    const tool_output r = run_tool(command);
    std::map<std::string, std::vector<std::string>> fails;
    std::istringstream lines(r.text);
    std::string l;
    std::string current;
    int reported = 0;
    while (std::getline(lines, l)) {
        std::smatch m;
        if (std::regex_match(l, m, std::regex(R"((.*\.pdf): (\d+) checks, (\d+) failed)"))) {
            current = m[1];
            ++reported;
            fails[current];
        } else if (l.find("FAIL ") != std::string::npos) {
            fails[current].push_back(l.substr(l.find("FAIL ") + 5));
        }
    }
    EXPECT_EQ(reported, static_cast<int>(files.size())) << r.text;
    return fails;
}

TEST_F(PdfExamplesTest, EveryExampleAsPdfAndFacturxPassesThePdfChecksAndTheValidators) {
    const rendered_set plain = render_all("pdf", "en16931");
    const rendered_set en16931 = render_all("facturx", "en16931");
    const rendered_set extended = render_all("facturx", "extended");
    ASSERT_GE(plain.files.size(), 15U);
    ASSERT_EQ(en16931.files.size(), plain.files.size());
    ASSERT_EQ(extended.files.size(), plain.files.size());
    check_each(plain, "");
    check_each(en16931, "factur-x.xml");
    check_each(extended, "factur-x.xml");

    const fs::path conformance = fakturad::test::shared_subdir("conformance");
    if (conformance.empty()) {
        GTEST_SKIP() << "shared conformance folder not found at " << fakturad::test::shared_dir()
                     << " (set FAKTURAD_SHARED_DIR): PDF/A preflight and e-invoice validation skipped";
    }
    std::vector<fs::path> facturx = en16931.files;
    facturx.insert(facturx.end(), extended.files.begin(), extended.files.end());
    for (const auto& [file, failures] : preflight(conformance / "pdfa-preflight.py", facturx)) {
        EXPECT_TRUE(failures.empty()) << file << ": " << failures.front();
    }
    static const std::regex facturx_only(
        "catalog /AF missing|fx properties incomplete.*|fx:ConformanceLevel invalid|no EmbeddedFiles name "
        "tree"
    );
    for (const auto& [file, failures] : preflight(conformance / "pdfa-preflight.py", plain.files)) {
        for (const auto& f : failures) {
            EXPECT_TRUE(std::regex_match(f, facturx_only)) << file << ": " << f;
        }
    }

    if (!have_tool("java") || !fs::exists("/usr/share/java/Saxon-HE.jar")) {
        GTEST_SKIP() << "java or Saxon-HE missing: run scripts/install-deps.sh; e-invoice validation skipped";
    }
    std::string command = quoted(conformance / "validate-einvoice.sh") + " -q";
    for (const auto& f : facturx) {
        command += " " + quoted(f);
    }
    const tool_output v = run_tool(command);
    EXPECT_EQ(v.status, 0) << v.text;
    const std::string summary = "SUMMARY: " + std::to_string(facturx.size()) + " file(s), " +
                                std::to_string(facturx.size()) + " valid, 0 invalid";
    EXPECT_NE(v.text.find(summary), std::string::npos) << v.text;
}

}  // namespace
}  // namespace fakturad::documents::test
