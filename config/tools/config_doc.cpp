// fakturad_config_doc: prints the config key table generated from the schema.
//
//   fakturad_config_doc                      print the table (Markdown) to stdout
//   fakturad_config_doc --update README.md   replace the table between the schema markers in place
#include "fakturad/config/loader.hpp"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view begin_marker = "<!-- schema:begin -->";
constexpr std::string_view end_marker = "<!-- schema:end -->";

int update(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << file << ": cannot read\n";
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    const auto begin = text.find(begin_marker);
    const auto end = text.find(end_marker);
    if (begin == std::string::npos || end == std::string::npos || end < begin) {
        std::cerr << file << ": markers " << begin_marker << " and " << end_marker << " not found\n";
        return 1;
    }
    const auto from = begin + begin_marker.size();
    text.replace(from, end - from, "\n" + fakturad::config::schema_markdown());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        std::cerr << file << ": cannot write\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view usage = "usage: fakturad_config_doc [--update README.md]\n";
    if (argc == 1) {
        std::cout << fakturad::config::schema_markdown();
        return 0;
    }
    if (argc == 3 && std::string_view(argv[1]) == "--update") {
        return update(argv[2]);
    }
    std::cerr << usage;
    return 2;
}
