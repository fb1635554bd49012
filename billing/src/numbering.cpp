#include "fakturad/billing/numbering.hpp"

#include <charconv>

namespace fakturad::billing {
namespace {

billing_error number_error(std::string_view pattern, std::string text) {
    std::string shown(pattern.substr(0, 60));
    return {billing_errc::invalid_number, "number pattern '" + shown + "': " + std::move(text)};
}

void append_padded(std::string& out, std::uint64_t value, int width) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    const auto digits = static_cast<int>(end - buf);
    for (int i = digits; i < width; ++i) {
        out.push_back('0');
    }
    out.append(buf, end);
}

}  // namespace

std::string_view to_string(number_reset r) noexcept {
    switch (r) {
        case number_reset::never:
            return "never";
        case number_reset::yearly:
            return "yearly";
        case number_reset::monthly:
            return "monthly";
    }
    return "unknown";
}

std::optional<number_reset> parse_number_reset(std::string_view text) noexcept {
    for (auto r : {number_reset::never, number_reset::yearly, number_reset::monthly}) {
        if (to_string(r) == text) {
            return r;
        }
    }
    return std::nullopt;
}

billing_result<number_pattern> number_pattern::parse(std::string_view text) {
    number_pattern p;
    p.text_ = std::string(text);
    int seq_count = 0;
    std::string literal;
    auto flush_literal = [&] {
        if (!literal.empty()) {
            p.tokens_.push_back({token_kind::literal, std::move(literal), 0});
            literal.clear();
        }
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            literal.push_back('{');
            ++i;
            continue;
        }
        if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            literal.push_back('}');
            ++i;
            continue;
        }
        if (c == '}') {
            return number_error(
                text, "unmatched '}' at position " + std::to_string(i + 1) + " (write }} for a brace)"
            );
        }
        if (c != '{') {
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
                return number_error(
                    text,
                    "only printable ASCII characters are allowed (position " + std::to_string(i + 1) + ")"
                );
            }
            literal.push_back(c);
            continue;
        }
        const std::size_t close = text.find('}', i);
        if (close == std::string_view::npos) {
            return number_error(text, "unclosed '{' at position " + std::to_string(i + 1));
        }
        const std::string_view name = text.substr(i + 1, close - i - 1);
        flush_literal();
        token t{token_kind::literal, {}, 0};
        if (name == "YYYY") {
            t.kind = token_kind::year4;
            p.has_year_ = true;
        } else if (name == "YY") {
            t.kind = token_kind::year2;
            p.has_year_ = true;
        } else if (name == "MM") {
            t.kind = token_kind::month;
            p.has_month_ = true;
        } else if (name == "DD") {
            t.kind = token_kind::day;
        } else if (name == "seq" || name.substr(0, 4) == "seq:") {
            t.kind = token_kind::seq;
            ++seq_count;
            if (name.size() > 3) {
                const std::string_view w = name.substr(4);
                int width = 0;
                auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), width);
                if (w.size() < 2 || w.front() != '0' || ec != std::errc{} || end != w.data() + w.size() ||
                    width < 1 || width > 18) {
                    return number_error(
                        text, "'{" + std::string(name) + "}': the padding is written {seq:0N} with N in 1..18"
                    );
                }
                t.width = width;
            }
        } else {
            return number_error(
                text,
                "unknown placeholder '{" + std::string(name.substr(0, 20)) +
                    "}' (known: {YYYY}, {YY}, {MM}, {DD}, {seq}, {seq:0N})"
            );
        }
        p.tokens_.push_back(std::move(t));
        i = close;
    }
    flush_literal();
    if (seq_count == 0) {
        return number_error(text, "no {seq} placeholder: every number needs the sequence value");
    }
    if (seq_count > 1) {
        return number_error(text, "more than one {seq} placeholder");
    }
    return p;
}

std::string number_pattern::format(std::uint64_t value, civil_date issue_date) const {
    std::string out;
    out.reserve(text_.size() + 8);
    const auto year = static_cast<std::uint64_t>(static_cast<int>(issue_date.year()));
    for (const auto& t : tokens_) {
        switch (t.kind) {
            case token_kind::literal:
                out += t.literal;
                break;
            case token_kind::year4:
                append_padded(out, year, 4);
                break;
            case token_kind::year2:
                append_padded(out, year % 100, 2);
                break;
            case token_kind::month:
                append_padded(out, static_cast<unsigned>(issue_date.month()), 2);
                break;
            case token_kind::day:
                append_padded(out, static_cast<unsigned>(issue_date.day()), 2);
                break;
            case token_kind::seq:
                append_padded(out, value, t.width);
                break;
        }
    }
    return out;
}

std::string period_key(number_reset reset, civil_date issue_date) {
    switch (reset) {
        case number_reset::never:
            return {};
        case number_reset::yearly:
            return format_iso_date(issue_date).substr(0, 4);
        case number_reset::monthly:
            return format_iso_date(issue_date).substr(0, 7);
    }
    return {};
}

std::optional<std::string> check_range(const number_range_spec& spec) {
    if (spec.legal_entity.empty()) {
        return "a number range needs a legal entity";
    }
    if (spec.series.empty()) {
        return "a number range needs a series";
    }
    if (spec.first_value < 1) {
        return "the first value must be at least 1";
    }
    auto pattern = number_pattern::parse(spec.pattern);
    if (!pattern) {
        return pattern.error().message;
    }
    if (spec.reset == number_reset::yearly && !pattern->has_year()) {
        return "a yearly reset needs {YYYY} or {YY} in the pattern, or numbers would repeat";
    }
    if (spec.reset == number_reset::monthly && !(pattern->has_year() && pattern->has_month())) {
        return "a monthly reset needs a year and {MM} in the pattern, or numbers would repeat";
    }
    return std::nullopt;
}

std::string_view default_series(document_type type) noexcept {
    switch (type) {
        case document_type::pro_forma:
            return {};
        case document_type::cancellation:
        case document_type::credit_note:
            return "credit_note";
        default:
            return "invoice";
    }
}

billing_result<number_range> number_range::create(const number_range_spec& spec, std::string key) {
    if (auto problem = check_range(spec)) {
        return billing_error{billing_errc::invalid_number, *problem};
    }
    auto pattern = number_pattern::parse(spec.pattern);
    return number_range(spec, std::move(*pattern), std::move(key));
}

billing_result<number_range::drawn> number_range::draw(civil_date issue_date) {
    const std::string wanted = period_key(spec_.reset, issue_date);
    if (wanted != key_) {
        return billing_error{
            billing_errc::invalid_number,
            "issue date " + format_iso_date(issue_date) + " belongs to range period '" + wanted + "', not '" +
                key_ + "'"};
    }
    drawn d{next_, pattern_.format(next_, issue_date)};
    ++next_;
    return d;
}

}  // namespace fakturad::billing
