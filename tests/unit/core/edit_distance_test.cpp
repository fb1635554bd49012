#include "fakturad/core/edit_distance.hpp"

#include <gtest/gtest.h>

namespace fakturad {
namespace {

TEST(EditDistance, ClassicCases) {
    EXPECT_EQ(edit_distance("", ""), 0U);
    EXPECT_EQ(edit_distance("path", "path"), 0U);
    EXPECT_EQ(edit_distance("pth", "path"), 1U);        // one insertion
    EXPECT_EQ(edit_distance("paht", "path"), 2U);       // a transposition is two edits in Levenshtein
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);  // k→s, e→i, +g
    EXPECT_EQ(edit_distance("", "abc"), 3U);
    EXPECT_EQ(edit_distance("abc", ""), 3U);
    EXPECT_EQ(edit_distance("Path", "path"), 1U);  // byte-wise: case counts
}

}  // namespace
}  // namespace fakturad
