// config/README.md embeds the key table; it must be exactly what the schema generates.
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace fakturad::config::test {
namespace {

TEST(ConfigReadme, KeyTableMatchesTheSchema) {
    const std::string readme = read_text(std::filesystem::path(FAKTURAD_SOURCE_DIR) / "config/README.md");
    const std::string begin = "<!-- schema:begin -->\n";
    const std::string end = "<!-- schema:end -->";
    const auto from = readme.find(begin);
    const auto to = readme.find(end);
    ASSERT_NE(from, std::string::npos) << "config/README.md lacks " << begin;
    ASSERT_NE(to, std::string::npos) << "config/README.md lacks " << end;
    ASSERT_LT(from, to);
    EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), schema_markdown())
        << "config/README.md is out of date with the config schema. Regenerate it with:\n"
           "  cmake --build <build-dir> --target fakturad_config_doc && "
           "<build-dir>/bin/fakturad_config_doc --update config/README.md";
}

}  // namespace
}  // namespace fakturad::config::test
