#include "xml_text.hpp"

#include <sstream>

namespace fakturad::documents::detail {

std::string to_text(const pugi::xml_document& xml) {
    std::ostringstream out;
    xml.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}  // namespace fakturad::documents::detail
