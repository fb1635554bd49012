#pragma once
// Runs the external PDF checkers (qpdf, poppler-utils, the shared PDF/A preflight) on files the tests write.
// The tools come from scripts/install-deps.sh; a test skips with a message naming it when one is missing.

#include "fakturad/test/shared_files.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace fakturad::documents::test {

struct tool_output {
    int status = -1;
    std::string text;  // stdout and stderr
};

inline tool_output run_tool(const std::string& command) {
    tool_output out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return out;
    }
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        out.text.append(buffer.data(), n);
    }
    const int raw = pclose(pipe);
    out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return out;
}

inline bool have_tool(const std::string& name) { return run_tool("command -v " + name).status == 0; }

inline std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The shared folder and file reading come from tests/support.
using fakturad::test::read_file;
using fakturad::test::shared_dir;

}  // namespace fakturad::documents::test
