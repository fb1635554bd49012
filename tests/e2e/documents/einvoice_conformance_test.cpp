// Renders every example in examples/invoices with `fakturactl invoice render --all` in the four XML
// formats, and in-process in the Factur-X EXTENDED profile (the CLI offers it only inside facturx PDFs),
// and validates all files in one call of the shared validate-einvoice.sh, then again with the
// KoSIT rule bundle (-r kosit, CEN 1.3.15: what German receiving portals run). Zero errors; the only
// warning accepted is BR-DE-17 on the two document types XRechnung does not list (386 advance invoice,
// 325 pro-forma), which billing uses on purpose (billing/README.md) and which the validator must report.
#include "fakturad/billing/draft_documents.hpp"
#include "fakturad/billing/plan_yaml.hpp"
#include "fakturad/documents/einvoice.hpp"
#include "fakturad/test/shared_files.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fakturad::documents {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> formats{"xrechnung-cii", "xrechnung-ubl", "cii", "ubl"};

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs `command` with stdout and stderr into `log`; returns the exit status.
int run(const std::string& command, const fs::path& log) {
    const int status = std::system((command + " >" + quoted(log) + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct validator_report {
    int exit_status = -1;
    std::string text;
    std::map<std::string, std::vector<std::string>> messages;  // file -> "LEVEL rule" lines
    int files = -1;
    int valid = -1;
};

validator_report validate(
    const fs::path& script, const std::vector<fs::path>& files, const std::string& rules, const fs::path& work
) {
    std::string command = quoted(script) + " -r " + rules;
    for (const auto& f : files) {
        command += " " + quoted(f);
    }
    validator_report r;
    const auto log = work / ("validate-" + rules + ".log");
    r.exit_status = run(command, log);
    r.text = fakturad::test::read_file(log).value_or("");
    std::istringstream in(r.text);
    std::string line;
    std::string current;
    const std::regex block(R"(^== (\S+)\s)");
    const std::regex message(R"(^\s+(FATAL|ERROR|WARNING|INFO)\s+(\S+))");
    const std::regex summary(R"(^SUMMARY: (\d+) file\(s\), (\d+) valid)");
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, block)) {
            current = m[1];
            r.messages[current];
        } else if (std::regex_search(line, m, message)) {
            r.messages[current].push_back(std::string(m[1]) + " " + std::string(m[2]));
        } else if (std::regex_search(line, m, summary)) {
            r.files = std::stoi(m[1]);
            r.valid = std::stoi(m[2]);
        }
    }
    return r;
}

std::string type_code(const fs::path& file) {
    pugi::xml_document doc;
    if (!doc.load_file(file.c_str())) {
        return {};
    }
    for (const char* xpath :
         {"//*[local-name()='ExchangedDocument']/*[local-name()='TypeCode']",
          "/*/*[local-name()='InvoiceTypeCode']",
          "/*/*[local-name()='CreditNoteTypeCode']"}) {
        if (auto n = doc.select_node(xpath)) {
            return n.node().text().get();
        }
    }
    return {};
}

bool is_xrechnung(const fs::path& file) { return file.string().find("/xrechnung-") != std::string::npos; }

TEST(EinvoiceConformance, EveryExampleInEveryFormatPassesTheOfficialValidators) {
    const fs::path conformance = fakturad::test::shared_subdir("conformance");
    const fs::path script = conformance / "validate-einvoice.sh";
    if (conformance.empty() || !fs::exists(script)) {
        GTEST_SKIP(
        ) << "shared conformance material not found under "
          << fakturad::test::shared_dir()
          << " (set FAKTURAD_SHARED_DIR to the folder that holds conformance/validate-einvoice.sh)";
    }
    const fs::path examples = fs::path(FAKTURAD_SOURCE_DIR) / "examples" / "invoices";
    const fs::path work = fs::temp_directory_path() / ("fakturad-einvoice-" + std::to_string(::getpid()));
    fs::remove_all(work);
    fs::create_directories(work);

    std::vector<fs::path> inputs;
    for (const auto& e : fs::directory_iterator(examples)) {
        if (e.path().extension() == ".yaml") {
            inputs.push_back(e.path());
        }
    }
    std::sort(inputs.begin(), inputs.end());
    ASSERT_GE(inputs.size(), 15U) << "examples/invoices should hold at least 15 inputs";

    for (const auto& input : inputs) {
        for (const auto& format : formats) {
            const auto out = work / format / input.stem();
            const auto log = work / "render.log";
            const int status =
                run(std::string(FAKTURACTL) + " invoice render " + quoted(input) + " --format " + format +
                        " --out " + quoted(out) + " --all",
                    log);
            ASSERT_EQ(status, 0) << input << " " << format << ":\n"
                                 << fakturad::test::read_file(log).value_or("");
        }
    }
    // Factur-X EXTENDED, written by the library directly.
    std::size_t extended = 0;
    for (const auto& input : inputs) {
        const auto text = fakturad::test::read_file(input);
        ASSERT_TRUE(text) << input;
        const auto parsed = billing::parse_plan_file(*text, input.string());
        ASSERT_TRUE(parsed.ok()) << input;
        const auto built = billing::build_draft_documents(*parsed.file, input.string());
        ASSERT_TRUE(built.ok()) << input;
        fs::create_directories(work / "extended" / input.stem());
        for (const auto& d : built.documents) {
            xml_options options;
            options.document_id = d.id;
            const auto r = write_cii(d.doc, cii_profile::extended, options);
            ASSERT_TRUE(r.ok()) << input << " " << d.id << ": " << r.problems.front();
            std::ofstream(work / "extended" / input.stem() / (d.id + ".xml")) << r.xml;
            ++extended;
        }
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(work)) {
        if (e.path().extension() == ".xml") {
            files.push_back(e.path());
        }
    }
    std::sort(files.begin(), files.end());
    // Every format writes one file per draft of every example.
    ASSERT_EQ(files.size(), extended * (formats.size() + 1));
    ASSERT_GE(extended, inputs.size());

    for (const std::string rules : {"latest", "kosit"}) {
        const auto report = validate(script, files, rules, work);
        ASSERT_NE(report.exit_status, 2) << "the validator could not run (install its tools with "
                                            "scripts/install-deps.sh):\n"
                                         << report.text;
        EXPECT_EQ(report.exit_status, 0) << report.text;
        EXPECT_EQ(report.files, static_cast<int>(files.size())) << report.text;
        EXPECT_EQ(report.valid, report.files) << report.text;
        std::set<std::string> br_de_17;
        for (const auto& [file, messages] : report.messages) {
            const std::string code = type_code(file);
            for (const auto& m : messages) {
                if (m.rfind("INFO ", 0) == 0) {
                    continue;  // information only (e.g. BR-DE-TMP-32: delivery date suggested)
                }
                const bool justified =
                    m == "WARNING BR-DE-17" && is_xrechnung(file) && (code == "386" || code == "325");
                EXPECT_TRUE(justified) << rules << ": " << file << " (" << code << "): " << m;
                if (justified) {
                    br_de_17.insert(file);
                }
            }
        }
        // The XRechnung rules ran: every XRechnung 386/325 document got its BR-DE-17 warning.
        for (const auto& f : files) {
            const std::string code = type_code(f);
            if (is_xrechnung(f) && (code == "386" || code == "325")) {
                EXPECT_TRUE(br_de_17.count(f.string()) == 1) << rules << ": no BR-DE-17 warning for " << f;
            }
        }
    }
    fs::remove_all(work);
}

}  // namespace
}  // namespace fakturad::documents
