#include "fakturad/billing/tax/rate_tables.hpp"

#include "embedded_data.hpp"
#include "fakturad/billing/tax/geography.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace fakturad::billing::tax {
namespace {

using std::chrono::year_month_day;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) {
            return parts;
        }
        text.remove_prefix(at + 1);
    }
}

struct csv {
    std::string as_of;
    std::vector<std::vector<std::string_view>> rows;  // without the header row
};

// Lines starting with '#' are comments; the first other line is the header. A malformed table is a build
// defect (the data is compiled in), hence logic_error rather than a tax_error.
csv read_csv(std::string_view text, std::string_view name, std::size_t columns) {
    csv out;
    bool header_seen = false;
    constexpr std::string_view as_of_marker = "State of the data: ";
    for (std::string_view line : split(text, '\n')) {
        if (line.empty()) {
            continue;
        }
        if (line.front() == '#') {
            if (const std::size_t at = line.find(as_of_marker); at != std::string_view::npos) {
                out.as_of = std::string(line.substr(at + as_of_marker.size(), 10));
            }
            continue;
        }
        if (!header_seen) {
            header_seen = true;
            continue;
        }
        auto fields = split(line, ',');
        if (fields.size() != columns) {
            throw std::logic_error(
                std::string(name) + ": wrong number of columns in '" + std::string(line) + "'"
            );
        }
        out.rows.push_back(std::move(fields));
    }
    if (!parse_date(out.as_of)) {
        throw std::logic_error(std::string(name) + ": header lacks 'State of the data: YYYY-MM-DD'");
    }
    return out;
}

decimal rate_of(std::string_view text, std::string_view name) {
    auto r = parse_decimal(text);
    if (!r || r->is_negative()) {
        throw std::logic_error(std::string(name) + ": bad rate '" + std::string(text) + "'");
    }
    return *r;
}

std::optional<decimal> optional_rate(std::string_view text, std::string_view name) {
    if (text.empty()) {
        return std::nullopt;
    }
    return rate_of(text, name);
}

year_month_day date_of(std::string_view text, std::string_view name) {
    auto d = parse_date(text);
    if (!d) {
        throw std::logic_error(std::string(name) + ": bad date '" + std::string(text) + "'");
    }
    return *d;
}

std::optional<year_month_day> optional_date(std::string_view text, std::string_view name) {
    if (text.empty()) {
        return std::nullopt;
    }
    return date_of(text, name);
}

// Rows of one place must not overlap; checked once so that a lookup can take the first match.
template <typename Row, typename Key>
void check_no_overlap(const std::vector<Row>& rows, Key key, std::string_view name) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = i + 1; j < rows.size(); ++j) {
            if (key(rows[i]) != key(rows[j])) {
                continue;
            }
            const auto& a = rows[i];
            const auto& b = rows[j];
            const bool a_before_b = a.valid_to && *a.valid_to < b.valid_from;
            const bool b_before_a = b.valid_to && *b.valid_to < a.valid_from;
            if (!a_before_b && !b_before_a) {
                throw std::logic_error(
                    std::string(name) + ": overlapping periods for " + std::string(key(a))
                );
            }
        }
    }
}

struct eu_table {
    std::string as_of;
    std::vector<eu_vat_rates> rows;
};

const eu_table& eu() {
    static const eu_table table = [] {
        constexpr std::string_view name = "eu_vat_rates.csv";
        csv data = read_csv(detail::eu_vat_rates_csv(), name, 7);
        eu_table t;
        t.as_of = data.as_of;
        for (const auto& f : data.rows) {
            if (!is_eu_member(f[0])) {
                throw std::logic_error(std::string(name) + ": not a member state: " + std::string(f[0]));
            }
            eu_vat_rates r;
            r.country = std::string(f[0]);
            r.valid_from = date_of(f[1], name);
            r.valid_to = optional_date(f[2], name);
            r.standard = rate_of(f[3], name);
            if (!f[4].empty()) {
                for (std::string_view rate : split(f[4], '|')) {
                    r.reduced.push_back(rate_of(rate, name));
                }
            }
            r.super_reduced = optional_rate(f[5], name);
            r.parking = optional_rate(f[6], name);
            t.rows.push_back(std::move(r));
        }
        check_no_overlap(
            t.rows, [](const eu_vat_rates& r) -> std::string_view { return r.country; }, name
        );
        return t;
    }();
    return table;
}

struct ca_table {
    std::string as_of;
    std::vector<ca_sales_tax_rates> rows;
};

const ca_table& ca() {
    static const ca_table table = [] {
        constexpr std::string_view name = "ca_sales_tax_rates.csv";
        csv data = read_csv(detail::ca_sales_tax_rates_csv(), name, 7);
        ca_table t;
        t.as_of = data.as_of;
        for (const auto& f : data.rows) {
            if (!is_canadian_province(f[0])) {
                throw std::logic_error(std::string(name) + ": not a province: " + std::string(f[0]));
            }
            ca_sales_tax_rates r;
            r.province = std::string(f[0]);
            r.valid_from = date_of(f[1], name);
            r.valid_to = optional_date(f[2], name);
            r.hst = optional_rate(f[3], name);
            r.gst = optional_rate(f[4], name);
            r.provincial_name = std::string(f[5]);
            r.provincial_rate = optional_rate(f[6], name);
            if (r.hst.has_value() == r.gst.has_value() || r.provincial_name.empty() != !r.provincial_rate) {
                throw std::logic_error(std::string(name) + ": inconsistent row for " + r.province);
            }
            t.rows.push_back(std::move(r));
        }
        check_no_overlap(
            t.rows, [](const ca_sales_tax_rates& r) -> std::string_view { return r.province; }, name
        );
        return t;
    }();
    return table;
}

template <typename Row>
bool covers(const Row& r, year_month_day date) {
    return r.valid_from <= date && (!r.valid_to || date <= *r.valid_to);
}

}  // namespace

std::span<const eu_vat_rates> eu_vat_rate_table() { return eu().rows; }
std::span<const ca_sales_tax_rates> ca_sales_tax_rate_table() { return ca().rows; }
std::string_view eu_vat_rates_as_of() { return eu().as_of; }
std::string_view ca_sales_tax_rates_as_of() { return ca().as_of; }

tax_result<const eu_vat_rates*> eu_rates_on(std::string_view country, year_month_day date) {
    if (!is_eu_member(country)) {
        return make_tax_error(
            tax_errc::unknown_country,
            quote_input(country) + " is not an EU member state (ISO 3166-1 alpha-2, GR for Greece)"
        );
    }
    const eu_vat_rates* first = nullptr;
    for (const auto& r : eu().rows) {
        if (r.country != country) {
            continue;
        }
        if (covers(r, date)) {
            return &r;
        }
        if (first == nullptr || r.valid_from < first->valid_from) {
            first = &r;
        }
    }
    return make_tax_error(
        tax_errc::no_rate_data,
        "no VAT rate data for " + std::string(country) + " on " + format_date(date) +
            " (the embedded table covers " + std::string(country) + " from " +
            (first != nullptr ? format_date(first->valid_from) : "never") + ", state of the data " +
            eu().as_of + ")"
    );
}

tax_result<const ca_sales_tax_rates*> ca_rates_on(std::string_view province, year_month_day date) {
    if (!is_canadian_province(province)) {
        return make_tax_error(
            tax_errc::unknown_region,
            "unknown Canadian province or territory " + quote_input(province) + " (expected one of " +
                std::string(canadian_province_list()) + ")"
        );
    }
    const ca_sales_tax_rates* first = nullptr;
    for (const auto& r : ca().rows) {
        if (r.province != province) {
            continue;
        }
        if (covers(r, date)) {
            return &r;
        }
        if (first == nullptr || r.valid_from < first->valid_from) {
            first = &r;
        }
    }
    return make_tax_error(
        tax_errc::no_rate_data,
        "no sales tax rate data for CA-" + std::string(province) + " on " + format_date(date) +
            " (the embedded table covers it from " +
            (first != nullptr ? format_date(first->valid_from) : "never") + ", state of the data " +
            ca().as_of + ")"
    );
}

std::string format_date(year_month_day date) {
    char buffer[16];
    std::snprintf(
        buffer,
        sizeof buffer,
        "%04d-%02u-%02u",
        static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day())
    );
    return buffer;
}

std::optional<year_month_day> parse_date(std::string_view text) noexcept {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) {
            return std::nullopt;
        }
    }
    auto number = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int v = 0;
        const char* first = text.data() + at;
        const char* last = first + len;
        auto [ptr, ec] = std::from_chars(first, last, v);
        if (ec != std::errc{} || ptr != last) {
            return std::nullopt;
        }
        return v;
    };
    const auto y = number(0, 4);
    const auto m = number(5, 2);
    const auto d = number(8, 2);
    if (!y || !m || !d || *m < 1 || *d < 1) {
        return std::nullopt;
    }
    const year_month_day date{
        std::chrono::year{*y},
        std::chrono::month{static_cast<unsigned>(*m)},
        std::chrono::day{static_cast<unsigned>(*d)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return date;
}

}  // namespace fakturad::billing::tax
