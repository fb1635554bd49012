#include "text_engine.hpp"

#include "fakturad/documents/pdf_renderer.hpp"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

namespace fakturad::documents::detail {

void gobject_unref::operator()(void* p) const noexcept { g_object_unref(p); }

struct text_engine::fonts {
    FcConfig* config = nullptr;
    PangoFontMap* map = nullptr;
    PangoContext* context = nullptr;
    PangoFontDescription* regular = nullptr;
    PangoFontDescription* bold = nullptr;
    PangoAttrList* attributes = nullptr;

    fonts() = default;
    fonts(const fonts&) = delete;
    fonts& operator=(const fonts&) = delete;
    ~fonts() {
        if (attributes != nullptr) {
            pango_attr_list_unref(attributes);
        }
        if (bold != nullptr) {
            pango_font_description_free(bold);
        }
        if (regular != nullptr) {
            pango_font_description_free(regular);
        }
        if (context != nullptr) {
            g_object_unref(context);
        }
        if (map != nullptr) {
            g_object_unref(map);
        }
        if (config != nullptr) {
            FcConfigDestroy(config);
        }
    }
};

namespace {

// The family and weight fontconfig reads from the file itself, so that the template names files only.
PangoFontDescription* describe_font_file(FcConfig* config, const std::string& path, PangoWeight fallback) {
    FcFontSet* before = FcConfigGetFonts(config, FcSetApplication);
    const int known = before != nullptr ? before->nfont : 0;
    if (FcConfigAppFontAddFile(config, reinterpret_cast<const FcChar8*>(path.c_str())) == FcFalse) {
        throw pdf_render_error(
            "font file '" + path +
            "' cannot be loaded (missing or not a TrueType/OpenType font); "
            "check the template's fonts: entries"
        );
    }
    FcFontSet* set = FcConfigGetFonts(config, FcSetApplication);
    FcChar8* family = nullptr;
    if (set == nullptr || set->nfont <= known ||
        FcPatternGetString(set->fonts[known], FC_FAMILY, 0, &family) != FcResultMatch) {
        throw pdf_render_error("font file '" + path + "' has no family name");
    }
    int weight = 0;
    PangoFontDescription* d = pango_font_description_new();
    pango_font_description_set_family(d, reinterpret_cast<const char*>(family));
    pango_font_description_set_weight(
        d,
        FcPatternGetInteger(set->fonts[known], FC_WEIGHT, 0, &weight) == FcResultMatch &&
                weight >= FC_WEIGHT_BOLD
            ? PANGO_WEIGHT_BOLD
            : fallback
    );
    return d;
}

}  // namespace

text_engine::text_engine(const std::string& regular_font_path, const std::string& bold_font_path)
    : fonts_(std::make_unique<fonts>()) {
    fonts_->config = FcConfigCreate();
    if (fonts_->config == nullptr) {
        throw pdf_render_error("fontconfig: out of memory");
    }
    fonts_->regular = describe_font_file(fonts_->config, regular_font_path, PANGO_WEIGHT_NORMAL);
    fonts_->bold = describe_font_file(fonts_->config, bold_font_path, PANGO_WEIGHT_BOLD);
    pango_font_description_set_weight(fonts_->bold, PANGO_WEIGHT_BOLD);

    fonts_->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (fonts_->map == nullptr) {
        throw pdf_render_error("pango: no FreeType font map");
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(fonts_->map), fonts_->config);
    fonts_->context = pango_font_map_create_context(fonts_->map);
    pango_cairo_context_set_resolution(fonts_->context, 72.0);
    pango_context_set_round_glyph_positions(fonts_->context, FALSE);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(fonts_->context, options);
    cairo_font_options_destroy(options);

    fonts_->attributes = pango_attr_list_new();
    pango_attr_list_insert(fonts_->attributes, pango_attr_font_features_new("liga 0, clig 0"));
    // A hyphen pango adds at a break would end up in the extracted text ("exam-ple" for an address).
    pango_attr_list_insert(fonts_->attributes, pango_attr_insert_hyphens_new(FALSE));
}

text_engine::~text_engine() = default;

layout_ptr text_engine::make(std::string_view text, const text_style& style, double width, align a) const {
    layout_ptr layout(pango_layout_new(fonts_->context));
    PangoFontDescription* d = pango_font_description_copy_static(style.bold ? fonts_->bold : fonts_->regular);
    pango_font_description_set_absolute_size(d, style.size * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), d);
    pango_font_description_free(d);
    pango_layout_set_attributes(layout.get(), fonts_->attributes);
    if (width > 0) {
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(
        layout.get(),
        a == align::right    ? PANGO_ALIGN_RIGHT
        : a == align::center ? PANGO_ALIGN_CENTER
                             : PANGO_ALIGN_LEFT
    );
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
}

layout_ptr text_engine::make_row(
    std::string_view text, const text_style& style, const std::vector<double>& right_tabs
) const {
    layout_ptr layout = make(text, style, 0, align::left);
    PangoTabArray* tabs = pango_tab_array_new(static_cast<gint>(right_tabs.size()), FALSE);
    for (std::size_t i = 0; i < right_tabs.size(); ++i) {
        pango_tab_array_set_tab(
            tabs, static_cast<gint>(i), PANGO_TAB_RIGHT, static_cast<gint>(right_tabs[i] * PANGO_SCALE)
        );
    }
    pango_layout_set_tabs(layout.get(), tabs);
    pango_tab_array_free(tabs);
    return layout;
}

PangoLayout* text_engine::cached(std::string_view text, const text_style& style, double width, align a) {
    std::string key(text);
    key += '\x1f';
    key += std::to_string(style.size) + (style.bold ? "b" : "r") + std::to_string(style.color[0]) + "." +
           std::to_string(style.color[1]) + "." + std::to_string(style.color[2]) + "/" +
           std::to_string(width) + "/" + std::to_string(static_cast<int>(a));
    if (auto hit = cache_.find(key); hit != cache_.end()) {
        return hit->second.get();
    }
    return cache_.emplace(std::move(key), make(text, style, width, a)).first->second.get();
}

void text_engine::trim_cache() {
    if (cache_.size() >= 4096) {
        cache_.clear();
    }
}

double text_engine::height(PangoLayout* layout) {
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
}

void text_engine::draw(cairo_t* cr, PangoLayout* layout, double x, double y, const rgb& color) {
    cairo_set_source_rgb(cr, color[0] / 255.0, color[1] / 255.0, color[2] / 255.0);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
}

}  // namespace fakturad::documents::detail
