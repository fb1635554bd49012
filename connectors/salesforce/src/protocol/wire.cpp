#include "fakturad/salesforce/wire.hpp"

#include "fakturad/salesforce/error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace fakturad::salesforce {

namespace json = boost::json;

namespace {

std::string string_at(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::vector<api_error_item> parse_error_body(std::string_view body) {
    std::error_code ec;
    const json::value v = json::parse(body, ec);
    std::vector<api_error_item> out;
    const auto add = [&out](const json::object& o) {
        api_error_item item;
        item.code = string_at(o, "errorCode");
        if (item.code.empty()) {
            item.code = string_at(o, "statusCode");
        }
        item.message = truncate_remote_text(string_at(o, "message"));
        if (const auto* f = o.if_contains("fields"); f != nullptr && f->is_array()) {
            for (const auto& name : f->as_array()) {
                if (name.is_string()) {
                    item.fields.emplace_back(name.as_string());
                }
            }
        }
        out.push_back(std::move(item));
    };
    if (!ec && v.is_array()) {
        for (const auto& e : v.as_array()) {
            if (e.is_object()) {
                add(e.as_object());
            }
        }
    } else if (!ec && v.is_object()) {
        add(v.as_object());
    }
    if (out.empty() && !body.empty()) {
        out.push_back(api_error_item{{}, truncate_remote_text(body, 200), {}});
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4U];
            out += hex[c & 15U];
        }
    }
    return out;
}

}  // namespace fakturad::salesforce
