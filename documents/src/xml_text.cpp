#include "xml_text.hpp"

namespace fakturad::documents::detail {
namespace {

// Appends pugixml's output to a string: no stream buffer, no copy at the end.
class string_writer final : public pugi::xml_writer {
public:
    explicit string_writer(std::string& out) : out_(out) {}
    void write(const void* data, size_t size) override { out_.append(static_cast<const char*>(data), size); }

private:
    std::string& out_;
};

}  // namespace

std::string to_text(const pugi::xml_document& xml) {
    std::string out;
    out.reserve(32 * 1024);  // a 10-line invoice is about 22 KB
    string_writer writer(out);
    xml.save(writer, "  ", pugi::format_default, pugi::encoding_utf8);
    return out;
}

}  // namespace fakturad::documents::detail
