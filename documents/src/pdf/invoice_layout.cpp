#include "invoice_layout.hpp"

#include "fakturad/core/money_error.hpp"
#include "fakturad/documents/girocode.hpp"
#include "pdf_canvas.hpp"
#include "text_format.hpp"
#include "texts.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fakturad::documents::detail {
namespace {

constexpr double mm = 72.0 / 25.4;
constexpr double page_width = 210 * mm;
constexpr double page_height = 297 * mm;
constexpr double left = 25 * mm;    // DIN 5008 left margin
constexpr double right = 190 * mm;  // 20 mm right margin
constexpr double content_width = right - left;
constexpr double body_bottom = 260 * mm;  // the footer starts below
constexpr double footer_top = 266 * mm;
constexpr double continued_table_top = 32 * mm;

// Line table columns: x offset from `left` and width.
struct column {
    double x;
    double width;
};
constexpr column col_pos{0, 8 * mm};
constexpr column col_desc{8 * mm, 77 * mm};
constexpr column col_qty{85 * mm, 20 * mm};
constexpr column col_price{105 * mm, 22 * mm};
constexpr column col_vat{127 * mm, 13 * mm};
constexpr column col_amount{140 * mm, 25 * mm};
constexpr double cell_pad = 0.8 * mm;
constexpr double qr_size = 28 * mm;
// Footer: address, contact, tax and register data, bank; widths fit an e-mail address and an IBAN.
constexpr std::array<column, 4> footer_columns_mm{{{0, 36}, {36, 46}, {82, 42}, {124, 41}}};

constexpr rgb white{255, 255, 255};
constexpr rgb grey{0x70, 0x70, 0x70};
constexpr rgb light_grey{0xc8, 0xc8, 0xc8};
constexpr rgb draft_red{0xc0, 0x1c, 0x1c};

struct country {
    std::string_view code;
    std::string_view de;
    std::string_view en;
};
constexpr std::array<country, 24> countries{{
    {"DE", "DEUTSCHLAND", "GERMANY"},
    {"AT", "ÖSTERREICH", "AUSTRIA"},
    {"CH", "SCHWEIZ", "SWITZERLAND"},
    {"FR", "FRANKREICH", "FRANCE"},
    {"IT", "ITALIEN", "ITALY"},
    {"ES", "SPANIEN", "SPAIN"},
    {"NL", "NIEDERLANDE", "NETHERLANDS"},
    {"BE", "BELGIEN", "BELGIUM"},
    {"LU", "LUXEMBURG", "LUXEMBOURG"},
    {"PL", "POLEN", "POLAND"},
    {"CZ", "TSCHECHIEN", "CZECHIA"},
    {"DK", "DÄNEMARK", "DENMARK"},
    {"SE", "SCHWEDEN", "SWEDEN"},
    {"FI", "FINNLAND", "FINLAND"},
    {"IE", "IRLAND", "IRELAND"},
    {"PT", "PORTUGAL", "PORTUGAL"},
    {"GB", "VEREINIGTES KÖNIGREICH", "UNITED KINGDOM"},
    {"US", "VEREINIGTE STAATEN", "UNITED STATES"},
    {"JP", "JAPAN", "JAPAN"},
    {"NO", "NORWEGEN", "NORWAY"},
    {"GR", "GRIECHENLAND", "GREECE"},
    {"HU", "UNGARN", "HUNGARY"},
    {"CA", "KANADA", "CANADA"},
    {"AU", "AUSTRALIEN", "AUSTRALIA"},
}};

std::string country_name(std::string_view code, language lang) {
    for (const country& c : countries) {
        if (c.code == code) {
            return std::string(lang == language::de ? c.de : c.en);
        }
    }
    return std::string(code);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const std::string& p : parts) {
        if (p.empty()) {
            continue;
        }
        if (!out.empty()) {
            out += sep;
        }
        out += p;
    }
    return out;
}

std::string postcode_city(const billing::party& p) { return join({p.postcode, p.city}, " "); }

class composer {
public:
    composer(const page_resources& r, const billing::invoice& doc)
        : r_(r),
          doc_(doc),
          lang_(language_of(doc.language)),
          t_(texts_for(lang_)),
          recipient_(doc.bill_to.name.empty() ? doc.account : doc.bill_to),
          base_{9.0, false, r.tpl.text},
          row_{8.5, false, r.tpl.text},
          small_{7.0, false, grey},
          bold_{9.0, true, r.tpl.text} {}

    rendered_pdf run(const pdfa_parts* archive) {
        plan_payment();
        first_page();
        line_table();
        totals();
        vat_notes();
        payment();
        closing();
        return draw_all(archive);
    }

private:
    // ---- building blocks -------------------------------------------------------------------------------
    // Text that recurs across documents (labels, column heads, footer, legal notes): shaped once per
    // renderer.
    const text_block* fixed(
        std::string_view s, const text_style& st, double width = 0, align a = align::left
    ) {
        return r_.text.cached(s, st, width, a);
    }
    double label(
        std::string_view s, const text_style& st, double x, double y, double w = 0, align a = align::left
    ) {
        const text_block* l = fixed(s, st, w, a);
        put(l, x, y, st.color);
        return text_engine::height(l);
    }
    const text_block* make(
        std::string_view s, const text_style& st, double width = 0, align a = align::left
    ) {
        layouts_.push_back(r_.text.make(s, st, width, a));
        return layouts_.back().get();
    }
    void put(const text_block* l, double x, double y, rgb color) { canvas_.text(*l, x, y, color); }
    // Places a paragraph at (x, y); returns its height.
    double text(
        std::string_view s, const text_style& st, double x, double y, double w = 0, align a = align::left
    ) {
        const text_block* l = make(s, st, w, a);
        put(l, x, y, st.color);
        return text_engine::height(l);
    }
    void rule(double x1, double y1, double x2, double y2, double width, rgb c) {
        canvas_.line(x1, y1, x2, y2, width, c);
    }
    void box(double x, double y, double w, double h, rgb c) { canvas_.box(x, y, w, h, c); }
    std::string amount(decimal v) const { return format_amount(v, doc_.cur, lang_); }
    std::string amount_plain(decimal v) const { return format_amount_plain(v, doc_.cur, lang_); }
    std::string date(civil_date d) const { return format_date(d, lang_); }
    std::string title() const {
        std::string s(document_title(doc_.type, lang_));
        if (!doc_.number.empty()) {
            s += " " + doc_.number;
        }
        return s;
    }
    // Moves to a new page when h more points do not fit.
    void ensure(double h) {
        if (y_ + h > body_bottom) {
            continued_page();
        }
    }

    // ---- page heads ------------------------------------------------------------------------------------
    void first_page() {
        canvas_.new_page();
        folding_marks();
        const billing::party& s = doc_.seller;
        if (r_.logo != nullptr) {
            const double w = r_.tpl.logo_width_mm * mm;
            canvas_.image(r_.logo, right - w, 12 * mm, w, w * r_.logo->height / r_.logo->width);
        } else {
            label(s.name, {13, true, r_.tpl.accent}, left, 14 * mm, 90 * mm);
        }

        // DIN 5008 form B: return address zone 45..50 mm, address zone from 62.7 mm, 85 x 45 mm overall.
        std::string sender = r_.tpl.sender_line;
        if (sender.empty()) {
            sender = join({s.name, join(s.address, ", "), postcode_city(s)}, " · ");
        }
        const double sender_h = label(sender, {6.5, false, grey}, left, 46 * mm, 80 * mm);
        rule(left, 46 * mm + sender_h + 0.5, left + 80 * mm, 46 * mm + sender_h + 0.5, 0.3, light_grey);

        std::vector<std::string> window{recipient_.name};
        if (!recipient_.invoice_contact.name.empty()) {
            window.push_back(recipient_.invoice_contact.name);
        }
        window.insert(window.end(), recipient_.address.begin(), recipient_.address.end());
        window.push_back(postcode_city(recipient_));
        if (!recipient_.country.empty() && recipient_.country != s.country) {
            window.push_back(country_name(recipient_.country, lang_));
        }
        text(join(window, "\n"), {10, false, r_.tpl.text}, left, 62.7 * mm, 80 * mm);

        document_data(120 * mm, 50 * mm);

        y_ = 98.5 * mm;
        const rgb title_color = doc_.status == billing::invoice_status::draft ? draft_red : r_.tpl.accent;
        y_ += text(title(), {15, true, title_color}, left, y_, content_width) + 1 * mm;
        if (doc_.corrects) {
            const billing::document_reference& ref = *doc_.corrects;
            std::string line(doc_.type == billing::document_type::cancellation ? t_.cancels : t_.corrects);
            line += " " + ref.number;
            if (ref.issue_date) {
                line += " " + std::string(t_.of_date) + " " + date(*ref.issue_date);
            }
            y_ += text(line, bold_, left, y_, content_width) + 1 * mm;
        }
        if (doc_.status == billing::invoice_status::draft) {
            y_ += label(t_.draft, {9, true, draft_red}, left, y_, content_width) + 1 * mm;
        }
        if (doc_.type == billing::document_type::pro_forma) {
            y_ += label(t_.pro_forma_note, {9, true, r_.tpl.text}, left, y_, content_width) + 1 * mm;
        }
        const std::string& intro = lang_ == language::de ? r_.tpl.intro_de : r_.tpl.intro_en;
        if (!intro.empty()) {
            y_ += 1 * mm;
            y_ += label(intro, base_, left, y_, content_width);
        }
        y_ += 4 * mm;
    }

    void folding_marks() {
        rule(4 * mm, 105 * mm, 9 * mm, 105 * mm, 0.3, light_grey);
        rule(4 * mm, 148.5 * mm, 11 * mm, 148.5 * mm, 0.3, light_grey);
        rule(4 * mm, 210 * mm, 9 * mm, 210 * mm, 0.3, light_grey);
    }

    void document_data(double x, double y) {
        std::vector<std::pair<std::string, std::string>> rows;
        if (!doc_.number.empty()) {
            rows.emplace_back(t_.number, doc_.number);
        }
        if (doc_.issue_date) {
            rows.emplace_back(t_.date, date(*doc_.issue_date));
        }
        if (doc_.service_period) {
            const date_range& p = *doc_.service_period;
            if (p.first == p.last) {
                rows.emplace_back(t_.service_date, date(p.first));
            } else {
                rows.emplace_back(t_.service_period, date(p.first) + " – " + date(p.last));
            }
        } else if (doc_.issue_date) {
            // § 14 (4) no. 6 UStG: the time of supply; with no period it is the issue date.
            rows.emplace_back(t_.service_date, date(*doc_.issue_date));
        }
        if (!doc_.account.id.empty()) {
            rows.emplace_back(t_.customer_number, doc_.account.id);
        }
        if (!recipient_.vat_id.empty()) {
            rows.emplace_back(t_.customer_vat_id, recipient_.vat_id);
        }
        if (!doc_.references.order_reference.empty()) {
            rows.emplace_back(t_.order_reference, doc_.references.order_reference);
        }
        if (!doc_.references.buyer_reference.empty()) {
            rows.emplace_back(t_.buyer_reference, doc_.references.buyer_reference);
        }
        if (!doc_.references.contract_reference.empty()) {
            rows.emplace_back(t_.contract_reference, doc_.references.contract_reference);
        }
        if (doc_.due_date && !billing::is_credit_document(doc_.type) &&
            doc_.type != billing::document_type::pro_forma) {
            rows.emplace_back(t_.due_date, date(*doc_.due_date));
        }
        const text_style key_style{8, false, grey};
        const text_style value{8, false, r_.tpl.text};
        for (const auto& [k, v] : rows) {
            const double key_h = label(k, key_style, x, y, 30 * mm);
            const double value_h = text(v, value, x + 30 * mm, y, right - x - 30 * mm, align::right);
            y += std::max({4 * mm, key_h + 0.5 * mm, value_h + 0.5 * mm});
        }
    }

    void continued_page() {
        canvas_.new_page();
        folding_marks();
        label(doc_.seller.name, {8, true, r_.tpl.accent}, left, 14 * mm, 80 * mm);
        text(title(), {8, false, grey}, left + 80 * mm, 14 * mm, content_width - 80 * mm, align::right);
        rule(left, 19 * mm, right, 19 * mm, 0.4, light_grey);
        y_ = continued_table_top;
    }

    // ---- line table --------------------------------------------------------------------------------
    void table_header() {
        const text_style h{7.5, true, white};
        const double height = 6 * mm;
        box(left, y_, content_width, height, r_.tpl.accent);
        const double ty = y_ + 1.6 * mm;
        label(t_.col_position, h, left + col_pos.x + 1 * mm, ty);
        label(t_.col_description, h, left + col_desc.x + 1 * mm, ty);
        label(t_.col_quantity, h, left + col_qty.x, ty, col_qty.width - 1 * mm, align::right);
        label(t_.col_unit_price, h, left + col_price.x, ty, col_price.width - 1 * mm, align::right);
        label(t_.col_vat, h, left + col_vat.x, ty, col_vat.width - 1 * mm, align::right);
        label(t_.col_amount, h, left + col_amount.x, ty, col_amount.width - 1 * mm, align::right);
        y_ += height;
    }

    // Right edges of the quantity, price, VAT and amount cells, from the position cell's left edge.
    static const std::vector<double>& row_tabs() {
        static const std::vector<double> tabs{
            col_qty.x + col_qty.width - 2 * mm,
            col_price.x + col_price.width - 2 * mm,
            col_vat.x + col_vat.width - 2 * mm,
            col_amount.x + col_amount.width - 2 * mm};
        return tabs;
    }

    // "Übertrag" rows: the running net at a page break, repeated at the top of the next page.
    void carry_row(std::string_view label, decimal running) {
        const double h = 5.5 * mm;
        box(left, y_, content_width, h, {0xee, 0xee, 0xee});
        text(
            label, {8, true, r_.tpl.text}, left + col_desc.x + 1 * mm, y_ + 1.3 * mm, col_desc.width + 40 * mm
        );
        text(
            amount_plain(running),
            {8, true, r_.tpl.text},
            left + col_amount.x,
            y_ + 1.3 * mm,
            col_amount.width - 1 * mm,
            align::right
        );
        y_ += h;
    }

    void line_table() {
        ensure(30 * mm);
        table_header();
        const double carry_height = 5.5 * mm;
        decimal running;
        for (std::size_t i = 0; i < doc_.lines.size(); ++i) {
            const billing::invoice_line& line = doc_.lines[i];
            const text_block* desc = make(line.description, row_, col_desc.width - 2 * mm);
            const double row_h = std::max(text_engine::height(desc), row_.size * 1.2) + 2 * cell_pad;
            if (y_ + row_h + carry_height > body_bottom && i > 0) {
                carry_row(t_.carried_forward, running);
                continued_page();
                table_header();
                carry_row(
                    std::string(t_.brought_forward) + " " + std::to_string(canvas_.page_count() - 1), running
                );
            }
            const double ty = y_ + cell_pad;
            put(desc, left + col_desc.x + 1 * mm, ty, row_.color);
            // Position, quantity, unit price, VAT rate and amount: one line with right-aligned tab stops.
            std::string cells = std::to_string(i + 1) + "\t" + format_number(line.quantity, 0, lang_);
            const std::string_view unit = unit_name(line.unit_code, lang_);
            if (!unit.empty()) {
                cells += "\u00a0" + std::string(unit);
            }
            cells += "\t" + format_number(line.unit_price, doc_.cur.minor_units(), lang_);
            cells += "\t" + format_percent(line.vat.rate, lang_);
            cells += "\t" + amount_plain(line.net);
            layouts_.push_back(r_.text.make_row(cells, row_, row_tabs()));
            put(layouts_.back().get(), left + col_pos.x + 1 * mm, ty, base_.color);
            y_ += row_h;
            rule(left, y_, right, y_, 0.3, light_grey);
            running = running + line.net;
        }
        y_ += 3 * mm;
    }

    // ---- totals --------------------------------------------------------------------------------------
    void totals() {
        const billing::document_totals& tot = doc_.totals;
        struct row {
            std::string label;
            std::string value;
            bool strong;
            bool sub;
        };
        std::vector<row> rows;
        rows.push_back({std::string(t_.total_net), amount(tot.net), false, false});
        for (const billing::vat_subtotal& v : tot.breakdown) {
            std::string label =
                fill(fill(t_.vat_on, "rate", format_percent(v.rate, lang_)), "base", amount(v.taxable));
            if (v.category != "S") {
                label += " (" + v.category + ")";
            }
            rows.push_back({label, amount(v.tax), false, false});
        }
        const bool credit = billing::is_credit_document(doc_.type);
        rows.push_back(
            {std::string(credit ? t_.amount_credited : t_.total_gross), amount(tot.gross), true, false}
        );
        if (doc_.vat_currency) {
            // UStAE 14.5 (19): VAT of an invoice in another currency is also stated in euro.
            auto in_eur = billing::vat_total_in_accounting_currency(doc_);
            if (!in_eur) {
                throw pdf_render_error("invoice " + doc_.number + ": " + in_eur.error().message);
            }
            if (*in_eur) {
                const std::string label = fill(
                    fill(t_.vat_in_currency, "cur", doc_.vat_currency->cur.code()),
                    "rate",
                    format_number(doc_.vat_currency->rate, 0, lang_)
                );
                rows.push_back({label, format_amount(**in_eur, doc_.vat_currency->cur, lang_), false, true});
            }
        }
        if (!doc_.deductions.empty()) {
            for (const billing::deduction& d : doc_.deductions) {
                std::string label = std::string(t_.deducted) + " " +
                                    std::string(document_title(d.document.type, lang_)) + " " +
                                    d.document.number;
                if (d.document.issue_date) {
                    label += " " + std::string(t_.of_date) + " " + date(*d.document.issue_date);
                }
                rows.push_back({label, amount(d.gross.negated()), false, false});
                for (const billing::vat_subtotal& v : d.amounts) {
                    rows.push_back(
                        {std::string(t_.net_short) + " " + amount(v.taxable) + ", " + std::string(t_.vat) +
                             " " + format_percent(v.rate, lang_),
                         amount(v.tax),
                         false,
                         true}
                    );
                }
            }
            rows.push_back({std::string(t_.amount_due), amount(tot.due), true, false});
        }

        const double label_x = left + 70 * mm;
        const double label_w = 70 * mm;
        const double value_x = left + 140 * mm;
        const double value_w = 25 * mm;
        double height = 0;
        std::vector<const text_block*> labels;
        std::vector<const text_block*> values;
        for (const row& r : rows) {
            const text_style st = r.sub ? small_ : (r.strong ? bold_ : base_);
            labels.push_back(make(r.label, st, label_w - 2 * mm));
            values.push_back(make(r.value, st, value_w, align::right));
            height +=
                std::max(text_engine::height(labels.back()), text_engine::height(values.back())) + 1.2 * mm;
        }
        const double qr_block = qr_payload_ ? qr_size + 6 * mm : 0.0;
        ensure(std::max(height, qr_block) + 2 * mm);
        const double top = y_;
        if (qr_payload_) {
            girocode(*qr_payload_, left, top, qr_size);
        }
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i].strong) {
                rule(label_x, y_, right, y_, 0.6, r_.tpl.accent);
                y_ += 0.8 * mm;
            }
            const text_style st = rows[i].sub ? small_ : (rows[i].strong ? bold_ : base_);
            put(labels[i], rows[i].sub ? label_x + 3 * mm : label_x, y_, st.color);
            put(values[i], value_x, y_, st.color);
            y_ += std::max(text_engine::height(labels[i]), text_engine::height(values[i])) + 1.2 * mm;
        }
        y_ = std::max(y_, top + qr_block) + 3 * mm;
    }

    // ---- VAT notes -----------------------------------------------------------------------------------
    void vat_notes() {
        std::vector<std::string> notes;
        auto exemption_text = [&](const std::string& category) -> std::string {
            for (const billing::vat_exemption& e : doc_.vat_exemptions) {
                if (e.category == category && !e.text.empty()) {
                    return e.text;
                }
            }
            return {};
        };
        for (const billing::vat_subtotal& v : doc_.totals.breakdown) {
            std::string note = exemption_text(v.category);
            if (v.category == "AE") {
                // The German wording is required by § 14a (5) UStG whatever the exemption text says.
                const std::string required(texts_for(language::de).note_reverse_charge);
                if (note.find("Steuerschuldnerschaft des Leistungsempfängers") == std::string::npos) {
                    note = note.empty() ? std::string(t_.note_reverse_charge) : note;
                    if (lang_ != language::de) {
                        note += " / " + required;
                    } else if (note != required) {
                        note = required + " " + note;
                    }
                }
            } else if (note.empty()) {
                if (v.category == "K") {
                    note = t_.note_intra_community;
                } else if (v.category == "G") {
                    note = t_.note_export;
                } else if (v.category == "O") {
                    note = t_.note_outside_scope;
                } else if (v.category == "E") {
                    note = r_.tpl.small_business ? std::string(t_.note_small_business)
                                                 : std::string(t_.note_exempt);
                }
            }
            if (!note.empty() && std::find(notes.begin(), notes.end(), note) == notes.end()) {
                notes.push_back(note);
            }
        }
        if (r_.tpl.small_business &&
            std::find(notes.begin(), notes.end(), t_.note_small_business) == notes.end()) {
            notes.emplace_back(t_.note_small_business);
        }
        if (doc_.type == billing::document_type::advance || doc_.type == billing::document_type::progress) {
            notes.emplace_back(t_.note_advance);
        }
        for (const std::string& n : doc_.notes) {
            notes.push_back(n);
        }
        if (!doc_.terms.note.empty()) {
            notes.push_back(doc_.terms.note);
        }
        for (const std::string& n : notes) {
            const text_block* l = fixed(n, base_, content_width);
            const double h = text_engine::height(l);
            ensure(h);
            put(l, left, y_, base_.color);
            y_ += h + 1.5 * mm;
        }
        y_ += 2 * mm;
    }

    // ---- payment -----------------------------------------------------------------------------------
    // Decided before the totals are placed: the GiroCode sits beside them.
    void plan_payment() {
        if (doc_.type == billing::document_type::pro_forma) {
            return;
        }
        const decimal due = doc_.totals.due;
        const billing::party& s = doc_.seller;
        const std::string reference =
            doc_.payment && !doc_.payment->remittance.empty() ? doc_.payment->remittance : doc_.number;
        if (billing::is_credit_document(doc_.type)) {
            pay_sentence_ = fill(t_.pay_refund, "amount", amount(doc_.totals.gross));
        } else if (due.signum() <= 0) {
            pay_sentence_ = t_.pay_nothing_due;
        } else if (doc_.payment && doc_.payment->code == billing::payment_means_code::direct_debit) {
            std::string iban = doc_.payment->debtor_iban;
            if (iban.size() > 8) {
                // Country and last four digits: enough to recognise the account, not to copy it.
                iban = iban.substr(0, 2) + "…" + iban.substr(iban.size() - 4);
            }
            pay_sentence_ = fill(
                fill(fill(t_.pay_direct_debit, "amount", amount(due)), "iban", iban),
                "date",
                doc_.due_date ? date(*doc_.due_date) : std::string()
            );
            pay_details_.emplace_back(t_.mandate, doc_.payment->mandate_reference);
            pay_details_.emplace_back(t_.creditor_id, s.creditor_id);
        } else if (doc_.payment && doc_.payment->code == billing::payment_means_code::card) {
            pay_sentence_ =
                fill(fill(t_.pay_card, "amount", amount(due)), "card", "…" + doc_.payment->card_last_digits);
        } else {
            pay_sentence_ =
                doc_.due_date
                    ? fill(fill(t_.pay_transfer, "amount", amount(due)), "date", date(*doc_.due_date))
                    : fill(t_.pay_transfer_now, "amount", amount(due));
            if (s.bank) {
                const std::string holder = s.bank->account_name.empty() ? s.name : s.bank->account_name;
                pay_details_.emplace_back(t_.account_holder, holder);
                pay_details_.emplace_back("IBAN", s.bank->iban);
                if (!s.bank->bic.empty()) {
                    pay_details_.emplace_back("BIC", s.bank->bic);
                }
                pay_details_.emplace_back(t_.reference, reference);
                if (r_.tpl.girocode) {
                    qr_payload_ =
                        epc_qr_payload({holder, s.bank->iban, s.bank->bic, due, doc_.cur, reference});
                }
            }
        }
    }

    void payment() {
        if (pay_sentence_.empty()) {
            return;
        }
        const text_block* para = make(pay_sentence_, base_, content_width);
        // Details in two columns of label and value: account holder | IBAN, BIC | reference.
        constexpr double half = content_width / 2;
        constexpr double label_w = 34 * mm;
        std::vector<std::pair<const text_block*, const text_block*>> cells;
        for (const auto& [k, v] : pay_details_) {
            cells.emplace_back(
                fixed(k, {8.5, false, grey}, label_w - 1 * mm),
                make(v, {8.5, false, r_.tpl.text}, half - label_w)
            );
        }
        std::vector<double> row_heights;
        double h = text_engine::height(para) + 1.5 * mm;
        for (std::size_t i = 0; i < cells.size(); i += 2) {
            double rh = text_engine::height(cells[i].second);
            if (i + 1 < cells.size()) {
                rh = std::max(rh, text_engine::height(cells[i + 1].second));
            }
            row_heights.push_back(rh + 0.5 * mm);
            h += row_heights.back();
        }
        ensure(h);
        put(para, left, y_, base_.color);
        y_ += text_engine::height(para) + 1.5 * mm;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const double x = left + (i % 2 == 0 ? 0.0 : half);
            put(cells[i].first, x, y_, grey);
            put(cells[i].second, x + label_w, y_, r_.tpl.text);
            if (i % 2 == 1 || i + 1 == cells.size()) {
                y_ += row_heights[i / 2];
            }
        }
        y_ += 3 * mm;
    }

    // The symbol as a small image, one pixel per module and a 4-module white quiet zone, scaled up without
    // smoothing (/Interpolate false, as PDF/A wants). As vector rectangles it made up most of the page's
    // content stream (about 2,000 numbers to format and deflate per document).
    void girocode(const std::string& payload, double x, double y, double size) {
        const qr_matrix matrix = encode_qr(payload);
        constexpr int quiet = 4;
        const int side = matrix.size + 2 * quiet;
        const auto stride = static_cast<std::size_t>(side);
        std::vector<std::uint8_t> pixels(stride * stride, 255);
        for (int my = 0; my < matrix.size; ++my) {
            for (int mx = 0; mx < matrix.size; ++mx) {
                if (matrix.at(mx, my)) {
                    pixels
                        [static_cast<std::size_t>(my + quiet) * stride +
                         static_cast<std::size_t>(mx + quiet)] = 0;
                }
            }
        }
        const double scale = size / matrix.size;
        canvas_.image(
            std::make_shared<const pdf_image>(grey_image(side, side, pixels)),
            x - quiet * scale,
            y - quiet * scale,
            side * scale,
            side * scale
        );
        label(t_.qr_caption, {6, false, grey}, x - 2 * mm, y + size + 1 * mm, size + 4 * mm, align::center);
    }

    void closing() {
        const std::string& closing = lang_ == language::de ? r_.tpl.closing_de : r_.tpl.closing_en;
        if (closing.empty()) {
            return;
        }
        const text_block* l = fixed(closing, base_, content_width);
        ensure(text_engine::height(l));
        put(l, left, y_, base_.color);
        y_ += text_engine::height(l);
    }

    // ---- footer and output ---------------------------------------------------------------------------
    // § 14 (4) UStG data of the seller, the same on every page.
    std::vector<const text_block*> footer_columns() {
        const billing::party& s = doc_.seller;
        std::vector<std::string> c1{s.name};
        c1.insert(c1.end(), s.address.begin(), s.address.end());
        c1.push_back(postcode_city(s));
        if (!s.country.empty()) {
            c1.push_back(country_name(s.country, lang_));
        }
        std::vector<std::string> c2;
        if (!s.invoice_contact.name.empty()) {
            c2.push_back(s.invoice_contact.name);
        }
        if (!s.invoice_contact.phone.empty()) {
            c2.push_back(std::string(t_.phone) + " " + s.invoice_contact.phone);
        }
        if (!s.invoice_contact.email.empty()) {
            c2.push_back(std::string(t_.email) + " " + s.invoice_contact.email);
        }
        std::vector<std::string> c3;
        if (!s.vat_id.empty()) {
            c3.push_back(std::string(t_.vat_id) + " " + s.vat_id);
        }
        if (!s.tax_number.empty()) {
            c3.push_back(std::string(t_.tax_number) + " " + s.tax_number);
        }
        if (!s.registration_id.empty()) {
            c3.push_back(s.registration_id);
        }
        if (!s.legal_registration.empty()) {
            c3.push_back(s.legal_registration);
        }
        c3.insert(c3.end(), r_.tpl.footer_lines.begin(), r_.tpl.footer_lines.end());
        std::vector<std::string> c4;
        if (s.bank) {
            c4.push_back(s.bank->account_name.empty() ? s.name : s.bank->account_name);
            c4.push_back("IBAN " + s.bank->iban);
            if (!s.bank->bic.empty()) {
                c4.push_back("BIC " + s.bank->bic);
            }
        }
        std::vector<const text_block*> out;
        const std::array<std::vector<std::string>, 4> columns{c1, c2, c3, c4};
        for (std::size_t i = 0; i < columns.size(); ++i) {
            out.push_back(
                fixed(join(columns.at(i), "\n"), small_, footer_columns_mm.at(i).width * mm - 2 * mm)
            );
        }
        return out;
    }

    rendered_pdf draw_all(const pdfa_parts* archive) {
        const std::vector<const text_block*> footer = footer_columns();
        const auto page_count = canvas_.page_count();
        for (std::size_t i = 0; i < page_count; ++i) {
            canvas_.go_to_page(i);
            rule(left, footer_top - 1.5 * mm, right, footer_top - 1.5 * mm, 0.4, light_grey);
            for (std::size_t c = 0; c < footer.size(); ++c) {
                put(footer[c], left + footer_columns_mm.at(c).x * mm, footer_top, grey);
            }
            const text_block* page_no = fixed(
                fill(fill(t_.page_of, "page", std::to_string(i + 1)), "pages", std::to_string(page_count)),
                {7.5, false, grey},
                60 * mm,
                align::right
            );
            put(page_no, right - 60 * mm, footer_top - 5 * mm, grey);
        }
        return {canvas_.finish(archive), static_cast<int>(page_count)};
    }

    const page_resources& r_;
    const billing::invoice& doc_;
    language lang_;
    const texts& t_;
    const billing::party& recipient_;
    text_style base_;
    text_style row_;  // line table cells
    text_style small_;
    text_style bold_;
    std::string pay_sentence_;
    std::vector<std::pair<std::string, std::string>> pay_details_;
    std::optional<std::string> qr_payload_;
    std::vector<block_ptr> layouts_;
    pdf_canvas canvas_{page_width, page_height};
    double y_ = 0;
};

}  // namespace

rendered_pdf compose_invoice(
    const page_resources& r, const billing::invoice& doc, const pdfa_parts* archive
) {
    r.text.trim_cache();
    try {
        return composer(r, doc).run(archive);
    } catch (const money_error& e) {
        throw pdf_render_error(
            std::string("invoice ") + doc.number + ": amount cannot be printed: " + e.what()
        );
    }
}

}  // namespace fakturad::documents::detail
