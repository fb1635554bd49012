#include "soql.hpp"

#include "schema.hpp"

#include <cctype>
#include <cstdio>

namespace fakturad::sf_emulator::soql {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2 ? 1 : 0)), m, d);
    return buf;
}

namespace {

bool digits(const std::string& s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) {
        return false;
    }
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) {
            return false;
        }
    }
    return true;
}

int num(const std::string& s, std::size_t pos, std::size_t n) { return std::stoi(s.substr(pos, n)); }

}  // namespace

bool is_date(const std::string& t) {
    return t.size() == 10 && digits(t, 0, 4) && t[4] == '-' && digits(t, 5, 2) && t[7] == '-' &&
           digits(t, 8, 2) && num(t, 5, 2) >= 1 && num(t, 5, 2) <= 12 && num(t, 8, 2) >= 1 &&
           num(t, 8, 2) <= 31;
}

std::optional<std::int64_t> parse_datetime(const std::string& t) {
    if (t.size() < 20 || !is_date(t.substr(0, 10)) || t[10] != 'T' || !digits(t, 11, 2) || t[13] != ':' ||
        !digits(t, 14, 2) || t[16] != ':' || !digits(t, 17, 2)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    std::int64_t millis = 0;
    if (t[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        while (pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos])) != 0) {
            ++pos;
        }
        if (pos == start) {
            return std::nullopt;
        }
        std::string frac = t.substr(start, pos - start);
        frac.resize(3, '0');
        millis = std::stoll(frac.substr(0, 3));
    }
    std::int64_t offset_min = 0;
    if (pos < t.size() && t[pos] == 'Z' && pos + 1 == t.size()) {
        offset_min = 0;
    } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
        const int sign = t[pos] == '+' ? 1 : -1;
        std::string rest = t.substr(pos + 1);
        if (rest.size() == 5 && rest[2] == ':') {
            rest.erase(2, 1);
        }
        if (rest.size() != 4 || !digits(rest, 0, 4)) {
            return std::nullopt;
        }
        offset_min = sign * (num(rest, 0, 2) * 60 + num(rest, 2, 2));
    } else {
        return std::nullopt;
    }
    const auto days = days_from_civil(
        num(t, 0, 4), static_cast<unsigned>(num(t, 5, 2)), static_cast<unsigned>(num(t, 8, 2))
    );
    const std::int64_t secs =
        days * 86400 + num(t, 11, 2) * 3600 + num(t, 14, 2) * 60 + num(t, 17, 2) - offset_min * 60;
    return secs * 1000 + millis;
}

namespace {

struct token {
    enum class kind { ident, string, number, op, punct, end };
    kind type = kind::end;
    std::string text;
    std::size_t column = 0;  // 1-based
};

class parser {
public:
    parser(const std::string& text, std::int64_t today, parse_error& error)
        : text_(text), today_(today), error_(error) {
        tokenize();
    }

    std::unique_ptr<query> parse_top() {
        auto q = parse_query();
        if (q && peek().type != token::kind::end) {
            fail(peek());
            return nullptr;
        }
        return q;
    }

private:
    const std::string& text_;
    std::int64_t today_;
    parse_error& error_;
    std::vector<token> tokens_;
    std::size_t pos_ = 0;
    bool failed_ = false;

    void tokenize() {
        std::size_t i = 0;
        while (i < text_.size()) {
            const char c = text_[i];
            if (std::isspace(static_cast<unsigned char>(c)) != 0) {
                ++i;
                continue;
            }
            token t;
            t.column = i + 1;
            if (c == '\'') {
                t.type = token::kind::string;
                ++i;
                bool closed = false;
                while (i < text_.size()) {
                    if (text_[i] == '\\' && i + 1 < text_.size()) {
                        const char e = text_[i + 1];
                        switch (e) {
                            case 'n':
                            case 'N':
                                t.text += '\n';
                                break;
                            case 'r':
                            case 'R':
                                t.text += '\r';
                                break;
                            case 't':
                            case 'T':
                                t.text += '\t';
                                break;
                            case 'b':
                            case 'B':
                                t.text += '\b';
                                break;
                            case 'f':
                            case 'F':
                                t.text += '\f';
                                break;
                            case '"':
                            case '\'':
                            case '\\':
                                t.text += e;
                                break;
                            case '_':
                            case '%':
                                t.text += '\\';
                                t.text += e;
                                break;  // kept for LIKE
                            default:
                                error_ = {
                                    "MALFORMED_QUERY",
                                    "Invalid string literal '" +
                                        text_.substr(t.column - 1, i + 2 - t.column + 1) +
                                        "'. Illegal character sequence '\\" + std::string(1, e) +
                                        "' in string literal.",
                                    t.column};
                                failed_ = true;
                                return;
                        }
                        i += 2;
                        continue;
                    }
                    if (text_[i] == '\'') {
                        closed = true;
                        ++i;
                        break;
                    }
                    t.text += text_[i++];
                }
                if (!closed) {
                    error_ = {
                        "MALFORMED_QUERY",
                        "line 1:" + std::to_string(t.column - 1) +
                            " mismatched character '<EOF>' expecting '''",
                        t.column};
                    failed_ = true;
                    return;
                }
            } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 || ((c == '-' || c == '.') && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])) != 0)) {
                std::size_t j = i + 1;
                while (j < text_.size() &&
                       (std::isalnum(static_cast<unsigned char>(text_[j])) != 0 || text_[j] == '.' ||
                        text_[j] == ':' || text_[j] == '-' || text_[j] == '+')) {
                    ++j;
                }
                t.type = token::kind::number;
                t.text = text_.substr(i, j - i);
                i = j;
            } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
                std::size_t j = i + 1;
                while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) != 0 ||
                                            text_[j] == '_' || text_[j] == '.')) {
                    ++j;
                }
                t.type = token::kind::ident;
                t.text = text_.substr(i, j - i);
                i = j;
            } else if (c == '<' || c == '>' || c == '!' || c == '=') {
                t.type = token::kind::op;
                if (i + 1 < text_.size() && (text_[i + 1] == '=' || (c == '<' && text_[i + 1] == '>'))) {
                    t.text = text_.substr(i, 2);
                    i += 2;
                } else {
                    t.text = std::string(1, c);
                    ++i;
                }
                if (t.text == "<>") {
                    t.text = "!=";
                }
                if (t.text == "!") {
                    error_ = {"MALFORMED_QUERY", "unexpected token: '!'", t.column};
                    failed_ = true;
                    return;
                }
            } else if (c == '(' || c == ')' || c == ',' || c == ':') {
                t.type = token::kind::punct;
                t.text = std::string(1, c);
                ++i;
            } else {
                error_ = {"MALFORMED_QUERY", "unexpected token: '" + std::string(1, c) + "'", i + 1};
                failed_ = true;
                return;
            }
            tokens_.push_back(std::move(t));
        }
        token end;
        end.column = text_.size() + 1;
        tokens_.push_back(end);
    }

    const token& peek(std::size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    const token& next() {
        const token& t = peek();
        if (pos_ < tokens_.size() - 1) {
            ++pos_;
        }
        return t;
    }
    bool keyword(const char* word, std::size_t ahead = 0) const {
        const auto& t = peek(ahead);
        return t.type == token::kind::ident && iequals(t.text, word);
    }
    bool punct(const char* p) const { return peek().type == token::kind::punct && peek().text == p; }
    void fail(const token& t) {
        if (failed_) {
            return;
        }
        failed_ = true;
        error_ = {
            "MALFORMED_QUERY",
            "unexpected token: '" + (t.type == token::kind::end ? std::string("<EOF>") : t.text) + "'",
            t.column};
    }
    bool expect_keyword(const char* word) {
        if (!keyword(word)) {
            fail(peek());
            return false;
        }
        next();
        return true;
    }
    bool expect_punct(const char* p) {
        if (!punct(p)) {
            fail(peek());
            return false;
        }
        next();
        return true;
    }

    static std::vector<std::string> split_path(const std::string& text) {
        std::vector<std::string> out;
        std::size_t start = 0;
        for (;;) {
            auto dot = text.find('.', start);
            out.push_back(text.substr(start, dot - start));
            if (dot == std::string::npos) {
                return out;
            }
            start = dot + 1;
        }
    }

    static bool reserved(const std::string& w) {
        for (const char* k :
             {"FROM",
              "WHERE",
              "ORDER",
              "LIMIT",
              "OFFSET",
              "AND",
              "OR",
              "NOT",
              "SELECT",
              "BY",
              "IN",
              "LIKE",
              "ASC",
              "DESC",
              "NULLS",
              "GROUP"}) {
            if (iequals(w, k)) {
                return true;
            }
        }
        return false;
    }

    std::unique_ptr<query> parse_query() {
        if (failed_) {
            return nullptr;
        }
        auto q = std::make_unique<query>();
        if (!expect_keyword("SELECT")) {
            return nullptr;
        }
        for (;;) {
            select_item item;
            item.column = peek().column;
            if (punct("(")) {
                next();
                item.subquery = parse_query();
                if (!item.subquery || !expect_punct(")")) {
                    return nullptr;
                }
            } else if (keyword("COUNT") && peek(1).type == token::kind::punct && peek(1).text == "(") {
                next();
                next();
                item.count = true;
                if (peek().type == token::kind::ident) {
                    item.path = split_path(next().text);
                }
                if (!expect_punct(")")) {
                    return nullptr;
                }
                if (item.path.empty()) {
                    q->count_only = true;
                }
                if (peek().type == token::kind::ident && !reserved(peek().text)) {
                    item.alias = next().text;
                }
            } else if (peek().type == token::kind::ident && !reserved(peek().text)) {
                item.path = split_path(next().text);
            } else {
                fail(peek());
                return nullptr;
            }
            q->items.push_back(std::move(item));
            if (punct(",")) {
                next();
                continue;
            }
            break;
        }
        if (!expect_keyword("FROM")) {
            return nullptr;
        }
        if (peek().type != token::kind::ident || reserved(peek().text)) {
            fail(peek());
            return nullptr;
        }
        q->object_column = peek().column;
        q->object = next().text;
        if (keyword("WHERE")) {
            next();
            q->where = parse_or();
            if (!q->where) {
                return nullptr;
            }
        }
        if (keyword("ORDER")) {
            next();
            if (!expect_keyword("BY")) {
                return nullptr;
            }
            for (;;) {
                order_item o;
                if (peek().type != token::kind::ident || reserved(peek().text)) {
                    fail(peek());
                    return nullptr;
                }
                o.path = split_path(next().text);
                if (keyword("ASC")) {
                    next();
                } else if (keyword("DESC")) {
                    next();
                    o.descending = true;
                }
                if (keyword("NULLS")) {
                    next();
                    o.nulls_given = true;
                    if (keyword("LAST")) {
                        o.nulls_last = true;
                    } else if (!keyword("FIRST")) {
                        fail(peek());
                        return nullptr;
                    }
                    next();
                }
                q->order_by.push_back(std::move(o));
                if (punct(",")) {
                    next();
                    continue;
                }
                break;
            }
        }
        if (keyword("LIMIT")) {
            next();
            if (peek().type != token::kind::number) {
                fail(peek());
                return nullptr;
            }
            q->limit = std::stoll(next().text);
        }
        if (keyword("OFFSET")) {
            next();
            if (peek().type != token::kind::number) {
                fail(peek());
                return nullptr;
            }
            q->offset = std::stoll(next().text);
        }
        return q;
    }

    std::unique_ptr<condition> parse_or() {
        auto left = parse_and();
        if (!left) {
            return nullptr;
        }
        if (!keyword("OR")) {
            return left;
        }
        auto node = std::make_unique<condition>();
        node->type = condition::kind::or_;
        node->children.push_back(std::move(left));
        while (keyword("OR")) {
            next();
            auto right = parse_and();
            if (!right) {
                return nullptr;
            }
            node->children.push_back(std::move(right));
        }
        return node;
    }

    std::unique_ptr<condition> parse_and() {
        auto left = parse_unary();
        if (!left) {
            return nullptr;
        }
        if (!keyword("AND")) {
            return left;
        }
        auto node = std::make_unique<condition>();
        node->type = condition::kind::and_;
        node->children.push_back(std::move(left));
        while (keyword("AND")) {
            next();
            auto right = parse_unary();
            if (!right) {
                return nullptr;
            }
            node->children.push_back(std::move(right));
        }
        return node;
    }

    std::unique_ptr<condition> parse_unary() {
        if (keyword("NOT")) {
            next();
            auto inner = parse_unary();
            if (!inner) {
                return nullptr;
            }
            auto node = std::make_unique<condition>();
            node->type = condition::kind::not_;
            node->children.push_back(std::move(inner));
            return node;
        }
        if (punct("(")) {
            next();
            auto inner = parse_or();
            if (!inner || !expect_punct(")")) {
                return nullptr;
            }
            return inner;
        }
        return parse_comparison();
    }

    bool parse_literal(literal& out) {
        const token& t = peek();
        if (t.type == token::kind::string) {
            out.type = literal::kind::string;
            out.text = t.text;
            next();
            return true;
        }
        if (t.type == token::kind::number) {
            if (is_date(t.text)) {
                out.type = literal::kind::date;
                out.text = t.text;
            } else if (auto ms = parse_datetime(t.text)) {
                out.type = literal::kind::datetime;
                out.text = t.text;
                out.epoch_ms = *ms;
            } else {
                char* end = nullptr;
                std::strtod(t.text.c_str(), &end);
                if (end == nullptr || *end != '\0') {
                    fail(t);
                    return false;
                }
                out.type = literal::kind::number;
                out.text = t.text;
            }
            next();
            return true;
        }
        if (t.type == token::kind::ident) {
            if (iequals(t.text, "null")) {
                out.type = literal::kind::null;
                next();
                return true;
            }
            if (iequals(t.text, "true") || iequals(t.text, "false")) {
                out.type = literal::kind::boolean;
                out.flag = iequals(t.text, "true");
                next();
                return true;
            }
            return parse_date_literal(out);
        }
        fail(t);
        return false;
    }

    bool parse_date_literal(literal& out) {
        const token name = peek();
        std::string upper;
        for (char c : name.text) {
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        out.type = literal::kind::date_range;
        out.text = name.text;
        const std::int64_t t = today_;
        // Weeks start on Sunday (the default locale of a new org); 1970-01-01 was a Thursday.
        const std::int64_t week_start = t - ((t + 4) % 7);
        const std::string today_text = civil_from_days(t);
        const int year = std::stoi(today_text.substr(0, 4));
        const auto month = static_cast<unsigned>(std::stoi(today_text.substr(5, 2)));
        auto month_start = [](int y, int m) {
            while (m < 1) {
                m += 12;
                --y;
            }
            while (m > 12) {
                m -= 12;
                ++y;
            }
            return days_from_civil(y, static_cast<unsigned>(m), 1);
        };
        if (upper == "TODAY") {
            out.from_day = t, out.to_day = t + 1;
        } else if (upper == "YESTERDAY") {
            out.from_day = t - 1, out.to_day = t;
        } else if (upper == "TOMORROW") {
            out.from_day = t + 1, out.to_day = t + 2;
        } else if (upper == "THIS_WEEK") {
            out.from_day = week_start, out.to_day = week_start + 7;
        } else if (upper == "LAST_WEEK") {
            out.from_day = week_start - 7, out.to_day = week_start;
        } else if (upper == "NEXT_WEEK") {
            out.from_day = week_start + 7, out.to_day = week_start + 14;
        } else if (upper == "THIS_MONTH") {
            out.from_day = month_start(year, static_cast<int>(month)),
            out.to_day = month_start(year, static_cast<int>(month) + 1);
        } else if (upper == "LAST_MONTH") {
            out.from_day = month_start(year, static_cast<int>(month) - 1),
            out.to_day = month_start(year, static_cast<int>(month));
        } else if (upper == "NEXT_MONTH") {
            out.from_day = month_start(year, static_cast<int>(month) + 1),
            out.to_day = month_start(year, static_cast<int>(month) + 2);
        } else if (upper == "THIS_YEAR") {
            out.from_day = days_from_civil(year, 1, 1), out.to_day = days_from_civil(year + 1, 1, 1);
        } else if (upper == "LAST_YEAR") {
            out.from_day = days_from_civil(year - 1, 1, 1), out.to_day = days_from_civil(year, 1, 1);
        } else if (upper == "NEXT_YEAR") {
            out.from_day = days_from_civil(year + 1, 1, 1), out.to_day = days_from_civil(year + 2, 1, 1);
        } else if (upper == "LAST_N_DAYS" || upper == "NEXT_N_DAYS" || upper == "N_DAYS_AGO" || upper == "LAST_N_WEEKS" || upper == "NEXT_N_WEEKS") {
            next();
            if (!punct(":")) {
                fail(peek());
                return false;
            }
            next();
            if (peek().type != token::kind::number) {
                fail(peek());
                return false;
            }
            const std::int64_t n = std::stoll(peek().text);
            if (upper == "LAST_N_DAYS") {
                out.from_day = t - n, out.to_day = t + 1;
            } else if (upper == "NEXT_N_DAYS") {
                out.from_day = t + 1, out.to_day = t + 1 + n;
            } else if (upper == "N_DAYS_AGO") {
                out.from_day = t - n, out.to_day = t - n + 1;
            } else if (upper == "LAST_N_WEEKS") {
                out.from_day = week_start - 7 * n, out.to_day = week_start;
            } else {
                out.from_day = week_start + 7, out.to_day = week_start + 7 + 7 * n;
            }
            next();
            return true;
        } else {
            fail(name);
            return false;
        }
        next();
        return true;
    }

    std::unique_ptr<condition> parse_comparison() {
        if (peek().type != token::kind::ident || reserved(peek().text)) {
            fail(peek());
            return nullptr;
        }
        auto node = std::make_unique<condition>();
        node->column = peek().column;
        node->path = split_path(next().text);
        if (keyword("IN") || (keyword("NOT") && keyword("IN", 1))) {
            node->op = keyword("IN") ? "IN" : "NOT IN";
            if (node->op == "NOT IN") {
                next();
            }
            next();
            if (!expect_punct("(")) {
                return nullptr;
            }
            for (;;) {
                literal l;
                if (!parse_literal(l)) {
                    return nullptr;
                }
                node->values.push_back(std::move(l));
                if (punct(",")) {
                    next();
                    continue;
                }
                break;
            }
            if (!expect_punct(")")) {
                return nullptr;
            }
            return node;
        }
        if (keyword("LIKE")) {
            node->op = "LIKE";
            next();
        } else if (peek().type == token::kind::op) {
            node->op = next().text;
        } else {
            fail(peek());
            return nullptr;
        }
        literal l;
        if (!parse_literal(l)) {
            return nullptr;
        }
        node->values.push_back(std::move(l));
        return node;
    }
};

}  // namespace

std::unique_ptr<query> parse(const std::string& text, std::int64_t today_day, parse_error& error) {
    parser p(text, today_day, error);
    if (!error.code.empty()) {
        return nullptr;
    }
    return p.parse_top();
}

}  // namespace fakturad::sf_emulator::soql
