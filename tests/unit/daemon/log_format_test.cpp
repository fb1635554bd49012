#include "stderr_logger.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fakturad::daemon {
namespace {

const std::vector<log_field> fields{
    {"job", "sync"},
    {"record_id", "0015g00000XyZabAAB"},
    {"err", "HTTP 503: \"Service Unavailable\" retry=later"},
};

TEST(LogFormat, TextHasTimestampLevelMessageAndQuotedFields) {
    EXPECT_EQ(
        format_log_line(
            log_level::warn, "sync page failed", fields, log_format::text, false, "2026-11-27T13:31:28.123Z"
        ),
        "2026-11-27T13:31:28.123Z warn  sync page failed job=sync record_id=0015g00000XyZabAAB "
        "err=\"HTTP 503: \\\"Service Unavailable\\\" retry=later\""
    );
}

TEST(LogFormat, JournalGetsPriorityPrefixAndNoTimestamp) {
    EXPECT_EQ(format_log_line(log_level::error, "boom", {}, log_format::text, true, "ignored"), "<3>boom");
    EXPECT_EQ(format_log_line(log_level::info, "hi", {}, log_format::text, true, "ignored"), "<6>hi");
    EXPECT_EQ(format_log_line(log_level::debug, "dbg", {}, log_format::text, true, "ignored"), "<7>dbg");
}

TEST(LogFormat, JsonEscapesEverything) {
    const std::vector<log_field> f{{"err", "line1\nline2\t\x01"}};
    EXPECT_EQ(
        format_log_line(
            log_level::info, "say \"hi\"", f, log_format::json, false, "2026-11-27T00:00:00.000Z"
        ),
        R"({"ts":"2026-11-27T00:00:00.000Z","level":"info","msg":"say \"hi\"","err":"line1\nline2\t\u0001"})"
    );
}

TEST(LogFormat, EmptyValueIsQuoted) {
    const std::vector<log_field> f{{"detail", ""}};
    EXPECT_EQ(format_log_line(log_level::info, "m", f, log_format::text, true, ""), "<6>m detail=\"\"");
}

}  // namespace
}  // namespace fakturad::daemon
