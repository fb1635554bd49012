#include "fakturad/core/vat_id.hpp"

#include "shared_files.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace fakturad {
namespace {

TEST(VatIdVectors, AgreesWithEveryPublicVector) {
    const auto path = vies::test::vies_dir() / "vat-vectors-public.tsv";
    std::ifstream in(path);
    if (!in) {
        GTEST_SKIP() << "shared conformance material not found at " << path
                     << " (set FAKTURAD_SHARED_DIR to the folder holding conformance/)";
    }
    std::string line;
    int count = 0;
    int valid = 0;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const auto tab1 = line.find('\t');
        const auto tab2 = line.find('\t', tab1 + 1);
        ASSERT_NE(tab1, std::string::npos) << line;
        const std::string number = line.substr(0, tab1);
        const std::string expected = line.substr(tab1 + 1, tab2 - tab1 - 1);
        const std::string label = tab2 == std::string::npos ? "" : line.substr(tab2 + 1);
        ASSERT_TRUE(expected == "valid" || expected == "invalid") << line;
        const auto r = check_vat_id(number);
        EXPECT_EQ(r.valid(), expected == "valid")
            << number << " (" << label << "): " << to_string(r.problem) << ": " << r.detail;
        ++count;
        valid += expected == "valid" ? 1 : 0;
    }
    EXPECT_EQ(count, 200) << "the public vector file has 200 lines";
    EXPECT_GT(valid, 50);
}

struct vat_case {
    const char* input;
    bool valid;
    const char* country;
    const char* number;
};

// Own cases: one valid number per country (check digits computed by hand from the rules, cross-checked
// with python-stdnum 1.18), separators per country, GR, XI government numbers, and near misses.
TEST(VatId, ValidNumbersNormalise) {
    const vat_case cases[] = {
        {"ATU13585627", true, "AT", "U13585627"},
        {"AT U 135.856/27", true, "AT", "U13585627"},
        {"BE0428759497", true, "BE", "0428759497"},
        {"BE428759497", true, "BE", "0428759497"},  // 9-digit historic form padded
        {"DE136695976", true, "DE", "136695976"},
        {"de 136-695.976", true, "DE", "136695976"},
        {"DE136,695/976", true, "DE", "136695976"},
        {"DK13585628", true, "DK", "13585628"},
        {"DK 13:58:56:28", true, "DK", "13585628"},
        {"EL094259216", true, "EL", "094259216"},
        {"GR094259216", true, "EL", "094259216"},  // GR accepted, reported as EL
        {"EL94259216", true, "EL", "094259216"},   // 8-digit historic form padded
        {"FR40303265045", true, "FR", "40303265045"},
        {"IT00743110157", true, "IT", "00743110157"},
        {"IT 007:4311:0157", true, "IT", "00743110157"},
        {"LU15027442", true, "LU", "15027442"},
        {"NL004495445B01", true, "NL", "004495445B01"},
        {"NL4495445B01", true, "NL", "004495445B01"},  // zero-filled to 9 digits
        {"XIGD001", true, "XI", "GD001"},
        {"XIHA500", true, "XI", "HA500"},
        {"  DE136695976\t", true, "DE", "136695976"},
    };
    for (const auto& c : cases) {
        const auto r = check_vat_id(c.input);
        EXPECT_EQ(r.valid(), c.valid) << c.input << ": " << r.detail;
        EXPECT_EQ(r.id.country, c.country) << c.input;
        EXPECT_EQ(r.id.number, c.number) << c.input;
        EXPECT_TRUE(r.detail.empty()) << c.input;
    }
}

TEST(VatId, RejectsWithAReason) {
    struct bad_case {
        const char* input;
        vat_id_problem problem;
    };
    const bad_case cases[] = {
        {"", vat_id_problem::empty},
        {"   ", vat_id_problem::empty},
        {"GB980780684", vat_id_problem::unknown_country},  // not in VIES since Brexit
        {"EU372000041", vat_id_problem::unknown_country},  // non-Union OSS
        {"D E136695976", vat_id_problem::unknown_country},
        {"136695976", vat_id_problem::unknown_country},
        {"DE136695977", vat_id_problem::bad_check_digit},
        {"DE13669597", vat_id_problem::bad_length},
        {"DE036695976", vat_id_problem::bad_format},
        {"CZ-12345678", vat_id_problem::bad_format},   // CZ does not write hyphens
        {"EE10-0594102", vat_id_problem::bad_format},  // neither does EE
        {"ATU1358562", vat_id_problem::bad_length},
        {"IT00743111157", vat_id_problem::bad_component},    // tax office 111 does not exist
        {"XIGD500", vat_id_problem::bad_component},          // GD numbers are below 500
        {"DE13669597\xc3\xa9", vat_id_problem::bad_format},  // non-ASCII is never a digit
    };
    for (const auto& c : cases) {
        const auto r = check_vat_id(c.input);
        EXPECT_FALSE(r.valid()) << c.input;
        EXPECT_EQ(r.problem, c.problem) << c.input << ": " << to_string(r.problem) << ": " << r.detail;
        EXPECT_FALSE(r.detail.empty()) << c.input;
    }
}

TEST(VatId, CountriesAreTheTwentySevenPlusXi) {
    const auto countries = vat_id_countries();
    EXPECT_EQ(countries.size(), 28U);
    EXPECT_TRUE(is_vat_id_country("EL"));
    EXPECT_TRUE(is_vat_id_country("XI"));
    EXPECT_FALSE(is_vat_id_country("GR"));
    EXPECT_FALSE(is_vat_id_country("GB"));
    EXPECT_FALSE(is_vat_id_country("de"));
    EXPECT_TRUE(std::is_sorted(countries.begin(), countries.end()));
}

}  // namespace
}  // namespace fakturad
