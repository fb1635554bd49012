#pragma once
// Internal: the few pugixml helpers both writers use (pugixml stays out of public headers).

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace fakturad::documents::detail {

// <name>value</name> under parent.
inline pugi::xml_node add(pugi::xml_node parent, const char* name, std::string_view value) {
    auto n = parent.append_child(name);
    n.text().set(value.data(), value.size());
    return n;
}

// Only when value is not empty: the merged Peppol rules forbid empty elements (PEPPOL-EN16931-R008).
inline void add_if(pugi::xml_node parent, const char* name, std::string_view value) {
    if (!value.empty()) {
        add(parent, name, value);
    }
}

// An IBAN without the blanks people write between its groups.
inline std::string compact(std::string_view iban) {
    std::string out;
    for (char c : iban) {
        if (c != ' ') {
            out += c;
        }
    }
    return out;
}

// The document as UTF-8 text with two-space indentation.
std::string to_text(const pugi::xml_document& xml);

}  // namespace fakturad::documents::detail
