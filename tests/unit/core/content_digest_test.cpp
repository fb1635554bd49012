// content_digest: 32 hex digits, the same for the same bytes, different when one byte differs (also in the
// tail that is shorter than a word).
#include "fakturad/core/content_digest.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fakturad {
namespace {

TEST(ContentDigest, SameBytesSameDigestAnyChangeAnother) {
    const std::string text = "mappings:\n  - name: opportunities\n    object: Opportunity\n";
    const std::string d = content_digest(text);
    EXPECT_EQ(d.size(), 32U);
    EXPECT_EQ(d.find_first_not_of("0123456789abcdef"), std::string::npos) << d;
    EXPECT_EQ(content_digest(text), d);
    std::set<std::string> seen{d, content_digest("")};
    for (std::size_t i = 0; i < text.size(); ++i) {
        std::string changed = text;
        changed[i] = static_cast<char>(changed[i] ^ 1);
        EXPECT_TRUE(seen.insert(content_digest(changed)).second) << "byte " << i;
    }
    EXPECT_NE(content_digest(text + " "), d);
    EXPECT_NE(content_digest(text.substr(0, text.size() - 1)), d);
}

}  // namespace
}  // namespace fakturad
