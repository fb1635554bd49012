// Every file in tests/data/config/bad/ is a config that must be rejected.  Its trailing comment lines
//   # expect: <diagnostic as printed>
// list the exact diagnostics, in order; lines
//   # env: NAME=value          ({data} stands for that directory)
// set the environment the loader sees.  Adding a case means adding a file.
#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace fakturad::config::test {
namespace {

namespace fs = std::filesystem;

const fs::path bad_dir = fs::path(FAKTURAD_SOURCE_DIR) / "tests/data/config/bad";

std::vector<std::string> bad_files() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(bad_dir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

struct case_spec {
    std::vector<std::string> expected;
    std::map<std::string, std::string> env;
};

case_spec directives(const std::string& text) {
    case_spec spec;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("# expect: ")) {
            spec.expected.push_back(line.substr(10));
        } else if (line.starts_with("# env: ")) {
            std::string assignment = line.substr(7);
            const auto eq = assignment.find('=');
            std::string v = assignment.substr(eq + 1);
            if (const auto at = v.find("{data}"); at != std::string::npos) {
                v.replace(at, 6, bad_dir.string());
            }
            spec.env[assignment.substr(0, eq)] = v;
        }
    }
    return spec;
}

class BadConfig : public ::testing::TestWithParam<std::string> {};

TEST_P(BadConfig, ReportsExactlyTheExpectedDiagnostics) {
    const std::string text = read_text(bad_dir / GetParam());
    const case_spec spec = directives(text);
    ASSERT_FALSE(spec.expected.empty()) << GetParam() << " has no '# expect:' lines";

    const load_result r = load_string(text, GetParam(), bad_dir, env_of(spec.env));

    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.config.has_value());
    EXPECT_THAT(messages(r), ::testing::ElementsAreArray(spec.expected));
    for (const auto& m : messages(r)) {
        // Secret values in the fixtures; none may ever be printed.
        EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("hunter2")));
        EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("not-shown")));
        EXPECT_THAT(m, ::testing::Not(::testing::HasSubstr("pa55word")));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Files,
    BadConfig,
    ::testing::ValuesIn(bad_files()),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
        // unknown_key.yaml -> UnknownKey (gtest reserves '_' in names).
        std::string name;
        bool upper = true;
        for (char c : fs::path(param_info.param).stem().string()) {
            if (c == '_') {
                upper = true;
                continue;
            }
            name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        }
        return name;
    }
);

TEST(BadConfigFiles, CoverAtLeastTheRequiredCases) { EXPECT_GE(bad_files().size(), 14U); }

}  // namespace
}  // namespace fakturad::config::test
