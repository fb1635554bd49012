#include "fakturad/core/edit_distance.hpp"
#include "fakturad/documents/pdf_template.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <initializer_list>
#include <map>

namespace fakturad::documents {
namespace {

class template_parser {
public:
    explicit template_parser(std::string_view file) : file_(file) {}

    pdf_template_result parse(std::string_view text) {
        pdf_template_result result;
        YAML::Node root;
        try {
            root = YAML::Load(std::string(text));
        } catch (const YAML::Exception& e) {
            error(e.mark, "", e.msg);
            result.errors = std::move(errors_);
            return result;
        }
        pdf_template t;
        if (keys(
                root,
                "",
                {"name",
                 "logo",
                 "logo_width_mm",
                 "fonts",
                 "colors",
                 "sender_line",
                 "small_business",
                 "girocode",
                 "footer_lines",
                 "texts"}
            )) {
            t.name = string(root, "", "name", true);
            t.logo_file = string(root, "", "logo", false);
            if (root["logo_width_mm"]) {
                t.logo_width_mm = number(root["logo_width_mm"], "logo_width_mm", 10, 90);
            }
            if (const YAML::Node fonts = root["fonts"]; !fonts) {
                error(root.Mark(), "fonts", "missing required key (regular: and bold: font files)");
            } else if (keys(fonts, "fonts", {"regular", "bold"})) {
                t.font_regular_file = string(fonts, "fonts", "regular", true);
                t.font_bold_file = string(fonts, "fonts", "bold", true);
            }
            if (const YAML::Node colors = root["colors"];
                colors && keys(colors, "colors", {"accent", "text"})) {
                if (colors["accent"]) {
                    t.accent = color(colors["accent"], "colors.accent");
                }
                if (colors["text"]) {
                    t.text = color(colors["text"], "colors.text");
                }
            }
            t.sender_line = string(root, "", "sender_line", false);
            t.small_business = boolean(root, "small_business", false);
            t.girocode = boolean(root, "girocode", true);
            if (const YAML::Node lines = root["footer_lines"]; lines) {
                if (!lines.IsSequence()) {
                    error(lines.Mark(), "footer_lines", "expected a list of text lines");
                } else {
                    for (const YAML::Node& l : lines) {
                        if (!l.IsScalar()) {
                            error(l.Mark(), "footer_lines", "expected a text line");
                        } else {
                            t.footer_lines.push_back(l.Scalar());
                        }
                    }
                }
            }
            if (const YAML::Node texts = root["texts"]; texts && keys(texts, "texts", {"de", "en"})) {
                for (const char* lang : {"de", "en"}) {
                    const YAML::Node n = texts[lang];
                    const std::string path = std::string("texts.") + lang;
                    if (!n || !keys(n, path, {"intro", "closing"})) {
                        continue;
                    }
                    (lang[0] == 'd' ? t.intro_de : t.intro_en) = string(n, path, "intro", false);
                    (lang[0] == 'd' ? t.closing_de : t.closing_en) = string(n, path, "closing", false);
                }
            }
        }
        if (errors_.empty()) {
            result.value = std::move(t);
        }
        result.errors = std::move(errors_);
        return result;
    }

private:
    void error(const YAML::Mark& m, std::string path, std::string message) {
        errors_.push_back(
            {std::string(file_),
             m.is_null() ? 0 : m.line + 1,
             m.is_null() ? 0 : m.column + 1,
             std::move(path),
             std::move(message)}
        );
    }

    static std::string join(std::string_view path, std::string_view key) {
        return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
    }

    // A mapping with only `allowed` keys, each once.
    bool keys(
        const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> allowed
    ) {
        if (!node.IsMap()) {
            error(node.Mark(), path, "expected a mapping of keys");
            return false;
        }
        std::map<std::string, int> seen;
        for (const auto& kv : node) {
            const std::string name = kv.first.Scalar();
            if (auto [first, inserted] = seen.emplace(name, kv.first.Mark().line + 1); !inserted) {
                error(
                    kv.first.Mark(),
                    join(path, name),
                    "duplicate key (first at line " + std::to_string(first->second) + ")"
                );
                continue;
            }
            bool known = false;
            std::string_view best;
            std::size_t best_distance = 3;
            for (std::string_view a : allowed) {
                known = known || a == name;
                if (const std::size_t d = edit_distance(name, a); d < best_distance) {
                    best = a;
                    best_distance = d;
                }
            }
            if (!known) {
                std::string msg = "unknown key '" + name + "'";
                if (!best.empty()) {
                    msg += " (did you mean '" + std::string(best) + "'?)";
                }
                error(kv.first.Mark(), join(path, name), msg);
            }
        }
        return true;
    }

    std::string string(
        const YAML::Node& parent, const std::string& path, std::string_view key, bool required
    ) {
        const YAML::Node n = parent[std::string(key)];
        if (!n) {
            if (required) {
                error(parent.Mark(), join(path, key), "missing required key");
            }
            return {};
        }
        if (!n.IsScalar()) {
            error(n.Mark(), join(path, key), "expected a text value");
            return {};
        }
        return n.Scalar();
    }

    bool boolean(const YAML::Node& parent, std::string_view key, bool fallback) {
        const YAML::Node n = parent[std::string(key)];
        if (!n) {
            return fallback;
        }
        if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false")) {
            return n.Scalar() == "true";
        }
        error(n.Mark(), std::string(key), "expected true or false");
        return fallback;
    }

    // Layout measures are geometry, not money: a double is the right type here.
    double number(const YAML::Node& n, const std::string& path, double min, double max) {
        double v = 0;
        const std::string s = n.IsScalar() ? n.Scalar() : std::string();
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) {
            error(
                n.Mark(),
                path,
                "expected a number of millimetres from " + std::to_string(static_cast<int>(min)) + " to " +
                    std::to_string(static_cast<int>(max))
            );
            return min;
        }
        return v;
    }

    rgb color(const YAML::Node& n, const std::string& path) {
        const std::string s = n.IsScalar() ? n.Scalar() : std::string();
        rgb c{};
        bool ok = s.size() == 7 && s[0] == '#';
        for (std::size_t i = 0; ok && i < 3; ++i) {
            unsigned v = 0;
            const char* b = s.data() + 1 + 2 * i;
            const auto [end, ec] = std::from_chars(b, b + 2, v, 16);
            ok = ec == std::errc{} && end == b + 2;
            c.at(i) = static_cast<std::uint8_t>(v);
        }
        if (!ok) {
            error(n.Mark(), path, "expected a colour as \"#RRGGBB\" (quoted: YAML reads # as a comment)");
        }
        return c;
    }

    std::string_view file_;
    std::vector<pdf_template_error> errors_;
};

}  // namespace

std::string pdf_template_error::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    out += ": ";
    if (!path.empty()) {
        out += path + ": ";
    }
    return out + message;
}

pdf_template_result parse_pdf_template(std::string_view yaml_text, std::string_view file_name) {
    return template_parser(file_name).parse(yaml_text);
}

}  // namespace fakturad::documents
