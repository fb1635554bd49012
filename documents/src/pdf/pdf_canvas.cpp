#include "pdf_canvas.hpp"

#include "fakturad/core/content_digest.hpp"
#include "fakturad/documents/pdf_renderer.hpp"
#include "pdf_syntax.hpp"
#include "pdfa_xmp.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace fakturad::documents::detail {
namespace {

void color(std::string& out, const rgb& c, std::string_view op) {
    append_operation(out, {c[0] / 255.0, c[1] / 255.0, c[2] / 255.0}, op);
    out += '\n';
}

// UTF-16BE hex of one code point, for the ToUnicode map.
void append_utf16_hex(std::string& out, char32_t c) {
    if (c >= 0x10000) {
        const std::uint32_t v = static_cast<std::uint32_t>(c) - 0x10000;
        append_hex4(out, 0xD800 + (v >> 10U));
        append_hex4(out, 0xDC00 + (v & 0x3FFU));
    } else {
        append_hex4(out, static_cast<std::uint32_t>(c));
    }
}

// The six capital letters before a subset font's name (ISO 32000-1 9.6.4), from the glyph set: the same
// subset always gets the same tag, so that the same document gives the same bytes.
std::string subset_tag(const std::vector<glyph_id>& glyphs, std::string_view name) {
    std::uint32_t h = 2166136261U;
    auto mix = [&h](std::uint32_t v) {
        h ^= v;
        h *= 16777619U;
    };
    for (const char c : name) {
        mix(static_cast<unsigned char>(c));
    }
    for (const glyph_id g : glyphs) {
        mix(g);
    }
    std::string tag;
    for (int i = 0; i < 6; ++i) {
        tag += static_cast<char>('A' + h % 26);
        h /= 26;
        if (h == 0) {
            h = 2166136261U + static_cast<std::uint32_t>(i);
        }
    }
    return tag;
}

class object_writer {
public:
    explicit object_writer(std::size_t objects) : offsets_(objects + 1, 0) {
        out_ = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    }

    std::string& begin(std::size_t number) {
        offsets_.at(number) = out_.size();
        out_ += std::to_string(number);
        out_ += " 0 obj\n";
        return out_;
    }
    void end() { out_ += "\nendobj\n"; }
    [[nodiscard]] std::string_view bytes() const noexcept { return out_; }

    void dictionary(std::size_t number, std::string_view body) {
        begin(number) += body;
        end();
    }
    // A stream; extra: further dictionary entries ("/Filter /FlateDecode" included by the caller).
    void stream(std::size_t number, std::string_view extra, std::string_view data) {
        std::string& o = begin(number);
        o += "<< /Length ";
        o += std::to_string(data.size());
        if (!extra.empty()) {
            o += ' ';
            o += extra;
        }
        o += " >>\nstream\n";
        o += data;
        o += "\nendstream";
        end();
    }

    // info: 0 for none; id: the trailer /ID's hex digits, empty for none.
    std::string finish(std::size_t root, std::size_t info, std::string_view id) {
        const std::size_t xref = out_.size();
        out_ += "xref\n0 " + std::to_string(offsets_.size()) + "\n0000000000 65535 f \n";
        std::array<char, 24> line{};
        for (std::size_t i = 1; i < offsets_.size(); ++i) {
            std::snprintf(line.data(), line.size(), "%010zu 00000 n \n", offsets_[i]);
            out_ += line.data();
        }
        out_ += "trailer\n<< /Size " + std::to_string(offsets_.size()) + " /Root " + std::to_string(root) +
                " 0 R";
        if (info != 0) {
            out_ += " /Info " + std::to_string(info) + " 0 R";
        }
        if (!id.empty()) {
            out_ += " /ID [<" + std::string(id) + "> <" + std::string(id) + ">]";
        }
        out_ += " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
        return std::move(out_);
    }

private:
    std::vector<std::size_t> offsets_;
    std::string out_;
};

std::string ref(std::size_t n) { return std::to_string(n) + " 0 R"; }

// A PDF text string: literal when it is printable ASCII, else UTF-16BE with a byte order mark.
std::string text_string(std::string_view utf8) {
    const bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
    });
    if (ascii) {
        std::string s = "(";
        for (const char c : utf8) {
            if (c == '(' || c == ')' || c == '\\') {
                s += '\\';
            }
            s += c;
        }
        return s + ")";
    }
    std::string s = "<FEFF";
    for (std::size_t i = 0; i < utf8.size();) {
        const auto b0 = static_cast<unsigned char>(utf8[i]);
        const std::size_t n = b0 < 0x80 ? 1 : (b0 & 0xE0U) == 0xC0 ? 2 : (b0 & 0xF0U) == 0xE0 ? 3 : 4;
        char32_t c = n == 1 ? b0 : n == 2 ? (b0 & 0x1FU) : n == 3 ? (b0 & 0x0FU) : (b0 & 0x07U);
        for (std::size_t k = 1; k < n && i + k < utf8.size(); ++k) {
            c = (c << 6U) | (static_cast<unsigned char>(utf8[i + k]) & 0x3FU);
        }
        append_utf16_hex(s, c);
        i += n;
    }
    return s + ">";
}

std::string to_unicode_cmap(const font_program& font, const std::vector<glyph_id>& glyphs) {
    std::string s =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    std::vector<glyph_id> mapped;
    for (const glyph_id g : glyphs) {
        if (font.unicode_of(g) != 0) {
            mapped.push_back(g);
        }
    }
    for (std::size_t i = 0; i < mapped.size(); i += 100) {
        const std::size_t n = std::min<std::size_t>(100, mapped.size() - i);
        s += std::to_string(n) + " beginbfchar\n";
        for (std::size_t k = i; k < i + n; ++k) {
            s += '<';
            append_hex4(s, mapped[k]);
            s += "> <";
            append_utf16_hex(s, font.unicode_of(mapped[k]));
            s += ">\n";
        }
        s += "endbfchar\n";
    }
    s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    return s;
}

// /W array: runs of consecutive glyph ids share one bracket.
std::string widths(const font_program& font, const std::vector<glyph_id>& glyphs) {
    std::string s = "[";
    for (std::size_t i = 0; i < glyphs.size();) {
        std::size_t j = i + 1;
        while (j < glyphs.size() && glyphs[j] == glyphs[j - 1] + 1) {
            ++j;
        }
        s += std::to_string(glyphs[i]) + " [";
        for (std::size_t k = i; k < j; ++k) {
            if (k > i) {
                s += ' ';
            }
            s += std::to_string(font.width_1000(glyphs[k]));
        }
        s += "] ";
        i = j;
    }
    s += "]";
    return s;
}

}  // namespace

pdf_canvas::pdf_canvas(double width, double height) : width_(width), height_(height) {}

void pdf_canvas::new_page() {
    std::string content = "1 0 0 -1 0 ";
    append_number(content, height_);
    content += " cm\n";
    pages_.push_back(std::move(content));
    current_ = pages_.size() - 1;
}

void pdf_canvas::go_to_page(std::size_t index) { current_ = std::min(index, pages_.size() - 1); }

std::size_t pdf_canvas::font_index(const font_program* f) {
    for (std::size_t i = 0; i < fonts_.size(); ++i) {
        if (fonts_[i].font == f) {
            return i;
        }
    }
    fonts_.push_back({f, std::vector<bool>(f->glyph_count(), false)});
    return fonts_.size() - 1;
}

void pdf_canvas::text(const text_block& block, double x, double y, const rgb& c) {
    if (block.runs.empty()) {
        return;
    }
    const std::size_t f = font_index(block.font);
    std::vector<bool>& used = fonts_[f].glyphs;
    for (const glyph_id g : block.glyphs) {
        used[g] = true;
    }
    std::string& s = pages_.at(current_);
    s += "BT\n/F";
    s += std::to_string(f);
    s += ' ';
    append_operation(s, {block.size}, "Tf\n");
    color(s, c, "rg");
    for (const text_run& r : block.runs) {
        append_operation(s, {1, 0, 0, -1, x + r.x, y + r.baseline}, "Tm");
        s += r.show;
        s += '\n';
    }
    s += "ET\n";
}

void pdf_canvas::line(double x1, double y1, double x2, double y2, double width, const rgb& c) {
    std::string& s = pages_.at(current_);
    color(s, c, "RG");
    append_operation(s, {width}, "w ");
    append_operation(s, {x1, y1}, "m ");
    append_operation(s, {x2, y2}, "l S\n");
}

void pdf_canvas::box(double x, double y, double w, double h, const rgb& c) {
    std::string& s = pages_.at(current_);
    color(s, c, "rg");
    append_operation(s, {x, y, w, h}, "re f\n");
}

void pdf_canvas::image(const std::shared_ptr<const pdf_image>& img, double x, double y, double w, double h) {
    auto it = std::find(images_.begin(), images_.end(), img);
    if (it == images_.end()) {
        images_.push_back(img);
        it = images_.end() - 1;
    }
    std::string& s = pages_.at(current_);
    s += "q ";
    append_operation(s, {w, 0, 0, -h, x, y + h}, "cm /Im");
    s += std::to_string(it - images_.begin());
    s += " Do Q\n";
}

std::string pdf_canvas::finish(const pdfa_parts* archive) const {
    // Object numbers: catalog, page tree, resources, 5 per font, 1 per image, 2 per page; then for PDF/A the
    // metadata, output intent, ICC profile and Info, and for an attachment its stream and file spec.
    constexpr std::size_t catalog = 1;
    constexpr std::size_t page_tree = 2;
    constexpr std::size_t resources = 3;
    const std::size_t first_font = 4;
    const std::size_t first_image = first_font + 5 * fonts_.size();
    const std::size_t first_page = first_image + images_.size();
    const std::size_t metadata = first_page + 2 * pages_.size();
    const std::size_t intent = metadata + 1;
    const std::size_t icc = metadata + 2;
    const std::size_t info = metadata + 3;
    const std::size_t embedded = metadata + 4;
    const std::size_t file_spec = metadata + 5;
    const bool attached = archive != nullptr && archive->attachment != nullptr;
    object_writer w(archive == nullptr ? metadata - 1 : attached ? file_spec : info);

    std::string cat = "<< /Type /Catalog /Pages " + ref(page_tree);
    if (archive != nullptr) {
        cat += " /Metadata " + ref(metadata) + " /OutputIntents [" + ref(intent) + "]";
        if (attached) {
            const std::string name(facturx_file_name(archive->attachment->profile));
            cat += " /Names << /EmbeddedFiles << /Names [(" + name + ") " + ref(file_spec) + "] >> >> /AF [" +
                   ref(file_spec) + "]";
        }
    }
    w.dictionary(catalog, cat + " >>");
    std::string kids;
    for (std::size_t i = 0; i < pages_.size(); ++i) {
        kids += ref(first_page + 2 * i) + " ";
    }
    w.dictionary(
        page_tree, "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages_.size()) + " >>"
    );
    std::string res = "<< /ProcSet [/PDF /Text /ImageB /ImageC]";
    if (!fonts_.empty()) {
        res += " /Font <<";
        for (std::size_t i = 0; i < fonts_.size(); ++i) {
            res += " /F" + std::to_string(i) + " " + ref(first_font + 5 * i);
        }
        res += " >>";
    }
    if (!images_.empty()) {
        res += " /XObject <<";
        for (std::size_t i = 0; i < images_.size(); ++i) {
            res += " /Im" + std::to_string(i) + " " + ref(first_image + i);
        }
        res += " >>";
    }
    res += " >>";
    w.dictionary(resources, res);

    for (std::size_t i = 0; i < fonts_.size(); ++i) {
        const font_program& font = *fonts_[i].font;
        std::vector<glyph_id> glyphs;
        for (std::size_t g = 0; g < fonts_[i].glyphs.size(); ++g) {
            if (fonts_[i].glyphs[g]) {
                glyphs.push_back(static_cast<glyph_id>(g));
            }
        }
        const std::size_t type0 = first_font + 5 * i;
        const std::size_t cid_font = type0 + 1;
        const std::size_t descriptor = type0 + 2;
        const std::size_t file = type0 + 3;
        const std::size_t to_unicode = type0 + 4;
        const std::string name = subset_tag(glyphs, font.postscript_name()) + "+" + font.postscript_name();
        w.dictionary(
            type0,
            "<< /Type /Font /Subtype /Type0 /BaseFont /" + name +
                " /Encoding /Identity-H /DescendantFonts [" + ref(cid_font) + "] /ToUnicode " +
                ref(to_unicode) + " >>"
        );
        w.dictionary(
            cid_font,
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" + name +
                " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                " /FontDescriptor " +
                ref(descriptor) + " /CIDToGIDMap /Identity /W " + widths(font, glyphs) + " >>"
        );
        const auto& bb = font.bbox();
        std::string d = "<< /Type /FontDescriptor /FontName /" + name + " /Flags 4 /FontBBox [";
        for (const int v : bb) {
            d += std::to_string(v) + " ";
        }
        d += "] /ItalicAngle ";
        append_number(d, font.italic_angle());
        d += " /Ascent " + std::to_string(std::lround(font.ascent() * 1000)) + " /Descent " +
             std::to_string(-std::lround(font.descent() * 1000)) + " /CapHeight " +
             std::to_string(font.cap_height()) + " /StemV " + (font.bold() ? "140" : "80") + " /FontFile2 " +
             ref(file) + " >>";
        w.dictionary(descriptor, d);
        const std::string program = font.subset(glyphs);
        w.stream(
            file,
            "/Length1 " + std::to_string(program.size()) + " /Filter /FlateDecode",
            // Level 1: 4 % more bytes than level 6 for half the time (the subset's empty glyph slots and the
            // glyph outlines compress about as well either way).
            deflate_bytes(program.data(), program.size(), Z_BEST_SPEED)
        );
        const std::string cmap = to_unicode_cmap(font, glyphs);
        w.stream(
            to_unicode, "/Filter /FlateDecode", deflate_bytes(cmap.data(), cmap.size(), Z_DEFAULT_COMPRESSION)
        );
    }
    for (std::size_t i = 0; i < images_.size(); ++i) {
        const pdf_image& img = *images_[i];
        w.stream(
            first_image + i,
            "/Type /XObject /Subtype /Image /Width " + std::to_string(img.width) + " /Height " +
                std::to_string(img.height) + " " + img.entries,
            img.data
        );
    }
    std::string media = "[0 0 ";
    append_number(media, width_);
    media += ' ';
    append_number(media, height_);
    media += ']';
    for (std::size_t i = 0; i < pages_.size(); ++i) {
        const std::size_t page = first_page + 2 * i;
        w.dictionary(
            page,
            "<< /Type /Page /Parent " + ref(page_tree) + " /MediaBox " + media + " /Resources " +
                ref(resources) + " /Contents " + ref(page + 1) + " >>"
        );
        w.stream(
            page + 1,
            "/Filter /FlateDecode",
            deflate_bytes(pages_[i].data(), pages_[i].size(), Z_DEFAULT_COMPRESSION)
        );
    }
    if (archive == nullptr) {
        return w.finish(catalog, 0, {});
    }
    const pdfa_metadata& meta = *archive->meta;
    const std::optional<facturx_attachment> att =
        attached ? std::optional<facturx_attachment>(*archive->attachment) : std::nullopt;
    // Not compressed: PDF/A wants the XMP readable without decoding.
    w.stream(metadata, "/Type /Metadata /Subtype /XML", make_xmp(meta, pdf_producer, att));
    w.dictionary(
        intent,
        "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info "
        "(sRGB IEC61966-2.1) /DestOutputProfile " +
            ref(icc) + " >>"
    );
    w.stream(icc, "/N 3 /Filter /FlateDecode", archive->srgb_icc_deflated);
    const std::string when = pdf_date(meta.created);
    std::string i = "<<";
    for (const auto& [key, value] :
         {std::pair{"/Title", &meta.title},
          std::pair{"/Author", &meta.author},
          std::pair{"/Subject", &meta.subject}}) {
        if (!value->empty()) {
            i += std::string(" ") + key + " " + text_string(*value);
        }
    }
    i += " /Creator " + text_string(meta.creator_tool) + " /Producer " + text_string(pdf_producer) +
         " /CreationDate (" + when + ") /ModDate (" + when + ") >>";
    w.dictionary(info, i);
    if (attached) {
        const facturx_attachment& a = *archive->attachment;
        const std::string name(facturx_file_name(a.profile));
        w.stream(
            embedded,
            "/Type /EmbeddedFile /Subtype /text#2Fxml /Params << /Size " + std::to_string(a.xml.size()) +
                " /ModDate (" + when + ") >> /Filter /FlateDecode",
            deflate_bytes(a.xml.data(), a.xml.size(), Z_BEST_SPEED)
        );
        // The XML states the same invoice as the PDF: Alternative (Factur-X 1.09 for BASIC and above).
        w.dictionary(
            file_spec,
            "<< /Type /Filespec /F (" + name + ") /UF (" + name + ") /EF << /F " + ref(embedded) + " /UF " +
                ref(embedded) + " >> /Desc (Factur-X / ZUGFeRD invoice (" +
                std::string(facturx_conformance_level(a.profile)) + ")) /AFRelationship /Alternative >>"
        );
    }
    // The trailer /ID from the content: the same document gives the same file.
    return w.finish(catalog, info, content_digest(w.bytes()));
}

}  // namespace fakturad::documents::detail
