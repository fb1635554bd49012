#include "fakturad/billing/plan.hpp"

#include <algorithm>
#include <array>

namespace fakturad::billing {

bool is_supply_kind(std::string_view text) noexcept {
    constexpr std::array<std::string_view, 6> kinds{
        "goods",
        "services",
        "electronic_services",
        "construction_services",
        "building_cleaning",
        "scrap_metal"};
    return std::find(kinds.begin(), kinds.end(), text) != kinds.end();
}

std::string_view to_string(charge_type t) noexcept {
    switch (t) {
        case charge_type::recurring:
            return "recurring";
        case charge_type::one_time:
            return "one_time";
        case charge_type::usage:
            return "usage";
    }
    return "unknown";
}

std::optional<std::string> check_iban(std::string_view iban) {
    std::string compact;
    for (char c : iban) {
        if (c != ' ') {
            compact += c;
        }
    }
    const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (compact.size() < 15 || compact.size() > 34 || !is_upper(compact[0]) || !is_upper(compact[1]) ||
        !is_digit(compact[2]) || !is_digit(compact[3])) {
        return "'" + std::string(iban.substr(0, 40)) +
               "' is not an IBAN (country code, 2 check digits, then up to 30 letters or digits)";
    }
    // ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1.
    const std::string rotated = compact.substr(4) + compact.substr(0, 4);
    int remainder = 0;
    for (char c : rotated) {
        if (is_digit(c)) {
            remainder = (remainder * 10 + (c - '0')) % 97;
        } else if (is_upper(c)) {
            const int v = c - 'A' + 10;
            remainder = (remainder * 100 + v) % 97;
        } else {
            return "IBAN '" + std::string(iban.substr(0, 40)) +
                   "' may hold only upper-case letters and digits";
        }
    }
    if (remainder != 1) {
        return "IBAN '" + std::string(iban.substr(0, 40)) + "' has wrong check digits (mod 97 is not 1)";
    }
    return std::nullopt;
}

std::string_view to_string(payment_means_code c) noexcept {
    switch (c) {
        case payment_means_code::credit_transfer:
            return "credit_transfer";
        case payment_means_code::direct_debit:
            return "direct_debit";
        case payment_means_code::card:
            return "card";
    }
    return "unknown";
}

std::optional<payment_means_code> parse_payment_means_code(std::string_view text) noexcept {
    for (auto c :
         {payment_means_code::credit_transfer, payment_means_code::direct_debit, payment_means_code::card}) {
        if (to_string(c) == text) {
            return c;
        }
    }
    return std::nullopt;
}

std::string_view untdid_4461_code(payment_means_code c) noexcept {
    switch (c) {
        case payment_means_code::credit_transfer:
            return "58";
        case payment_means_code::direct_debit:
            return "59";
        case payment_means_code::card:
            return "48";
    }
    return "1";
}

std::optional<charge_type> parse_charge_type(std::string_view text) noexcept {
    for (auto t : {charge_type::recurring, charge_type::one_time, charge_type::usage}) {
        if (to_string(t) == text) {
            return t;
        }
    }
    return std::nullopt;
}

std::string_view to_string(billing_timing t) noexcept {
    return t == billing_timing::in_advance ? "in_advance" : "in_arrears";
}

std::optional<billing_timing> parse_billing_timing(std::string_view text) noexcept {
    if (text == "in_advance") {
        return billing_timing::in_advance;
    }
    if (text == "in_arrears") {
        return billing_timing::in_arrears;
    }
    return std::nullopt;
}

civil_date notice_deadline(civil_date term_end, billing_period notice) {
    return add_days(advance(add_days(term_end, 1), notice, -1), -1);
}

std::optional<civil_date> effective_end(const billing_plan& plan) {
    if (!plan.renewal.auto_renew || !plan.end) {
        return plan.end;
    }
    if (!plan.renewal.notice_received) {
        return std::nullopt;
    }
    // Term k ends the day before (end + 1) + k terms; each end is computed from the first, so month-end
    // terms do not drift.
    const civil_date first_renewal = add_days(*plan.end, 1);
    civil_date term_end = *plan.end;
    for (std::int64_t k = 1; *plan.renewal.notice_received > notice_deadline(term_end, plan.renewal.notice);
         ++k) {
        term_end = add_days(advance(first_renewal, plan.renewal.term, k), -1);
    }
    return term_end;
}

item_span effective_span(const billing_plan& plan, const plan_item& item) {
    item_span s{item.start.value_or(plan.start), item.end};
    if (const auto plan_end = effective_end(plan)) {
        if (!s.end || *plan_end < *s.end) {
            s.end = plan_end;
        }
    }
    return s;
}

decimal quantity_on(const plan_item& item, const item_span& span, civil_date t) {
    if (t < span.start || (span.end && *span.end < t)) {
        return decimal{};
    }
    decimal q = item.quantity;
    for (const auto& c : item.changes) {
        if (t < c.effective) {
            break;
        }
        q = c.quantity;
    }
    return q;
}

std::string_view to_string(milestone_type t) noexcept {
    switch (t) {
        case milestone_type::advance:
            return "advance";
        case milestone_type::progress:
            return "progress";
        case milestone_type::final_invoice:
            return "final";
    }
    return "unknown";
}

std::optional<milestone_type> parse_milestone_type(std::string_view text) noexcept {
    for (const auto t : {milestone_type::advance, milestone_type::progress, milestone_type::final_invoice}) {
        if (text == to_string(t)) {
            return t;
        }
    }
    return std::nullopt;
}

namespace {

// A project plan: its items are the agreed total (one-time, per unit or flat fee, priced in the plan's
// currency); its milestones are unique, the shares add up to at most 100 %, and a final milestone is the
// last one.
template <typename Add>
void check_milestones(const billing_plan& plan, Add& add) {
    if (plan.milestones.empty()) {
        return;
    }
    decimal percent_sum;
    for (std::size_t i = 0; i < plan.milestones.size(); ++i) {
        const auto& m = plan.milestones[i];
        const std::string at = "milestone " + (m.key.empty() ? std::to_string(i + 1) : m.key) + ": ";
        if (m.key.empty()) {
            add(at + "no key");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (plan.milestones[j].key == m.key) {
                add(at + "the key is used twice");
            }
        }
        if (m.type == milestone_type::final_invoice) {
            if (m.percent || m.amount) {
                add(at + "a final invoice bills the whole agreed total; give no percent or amount");
            }
            if (i + 1 != plan.milestones.size()) {
                add(at + "the final invoice must be the last milestone");
            }
            continue;
        }
        if (m.percent.has_value() == m.amount.has_value()) {
            add(at + "give either a percent or an amount");
        }
        if (m.percent) {
            if (m.percent->signum() <= 0 || decimal{100} < *m.percent) {
                add(at + "the percent must lie in (0, 100]");
            }
            percent_sum = percent_sum + *m.percent;
        }
        if (m.amount && m.amount->signum() <= 0) {
            add(at + "the amount must be above 0");
        }
    }
    if (decimal{100} < percent_sum) {
        add("milestones: the shares add up to " + to_string(percent_sum) + " %, more than the agreed total");
    }
    for (const auto& item : plan.items) {
        const std::string at = "item " + item.key + ": ";
        if (item.type != charge_type::one_time) {
            add(at + "the items of a project plan (with milestones) are its agreed total: one-time charges");
        }
        if (item.price.model != pricing_model::per_unit && item.price.model != pricing_model::flat_fee) {
            add(at + "an agreed total is priced per unit or as a flat fee");
        }
    }
}

}  // namespace

std::vector<std::string> check_plan(const billing_plan& plan) {
    std::vector<std::string> problems;
    auto add = [&](std::string text) { problems.push_back(std::move(text)); };
    if (plan.id.empty()) {
        add("the plan has no id");
    }
    if (plan.account.id.empty()) {
        add("the account has no id");
    }
    if (plan.bill_to && plan.bill_to->id.empty()) {
        add("bill_to has no id");
    }
    if (plan.seller.id.empty()) {
        add("the legal entity (seller) has no code");
    }
    if (plan.end && *plan.end < plan.start) {
        add("end lies before start");
    }
    if (plan.renewal.auto_renew && !plan.end) {
        add("auto_renew needs an end (the end of the initial term)");
    }
    if (plan.terms.net_days < 0) {
        add("payment terms: net_days must not be negative");
    }
    for (const auto& d : plan.invoice_discounts) {
        if (d.value.signum() <= 0) {
            add("invoice discount: the value must be above 0");
        }
        if (d.kind == discount_kind::percent && d.value > decimal{100}) {
            add("invoice discount: a percentage above 100");
        }
    }
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        const auto& item = plan.items[i];
        // Built only when a problem is found: check_plan runs for every plan of every run.
        struct prefix {
            const plan_item& item;
            std::size_t index;
            std::string operator+(const std::string& text) const {
                return "item " + (item.key.empty() ? "#" + std::to_string(index + 1) : item.key) + ": " +
                       text;
            }
            std::string operator+(const char* text) const { return *this + std::string(text); }
        } at{item, i};
        if (item.key.empty()) {
            add(at + "no key");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (plan.items[j].key == item.key) {
                add(at + "key used twice");
            }
        }
        if (auto problem = check_pricing(item.price)) {
            add(at + *problem);
        } else if (item.price.find(plan.cur) == nullptr) {
            add(at + "no price for currency " + std::string(plan.cur.code()));
        }
        if (item.tax) {
            if (!is_supply_kind(item.tax->supply)) {
                add(at + "tax supply '" + item.tax->supply + "' is not one of " +
                    std::string(supply_kinds_text));
            }
            if (item.tax->product_class.empty()) {
                add(at + "tax product class is empty");
            }
        } else if (auto problem = check_vat(item.vat.category, item.vat.rate)) {
            add(at + *problem);
        }
        if (item.commitment) {
            if (item.type != charge_type::recurring || item.timing != billing_timing::in_arrears ||
                item.price.model != pricing_model::flat_fee) {
                add(at +
                    "a commitment is a recurring, in_arrears item with a flat_fee price (the committed "
                    "amount)");
            }
            for (const auto& key : item.commitment->covers) {
                const auto covered = std::find_if(
                    plan.items.begin(), plan.items.end(), [&](const plan_item& o) { return o.key == key; }
                );
                if (covered == plan.items.end()) {
                    add(at + "commitment covers unknown item '" + key + "'");
                } else if (covered->commitment) {
                    add(at + "commitment covers item '" + key + "', which is a commitment itself");
                }
            }
        }
        if (item.type == charge_type::usage || item.price.model == pricing_model::percentage) {
            if (item.timing != billing_timing::in_arrears) {
                add(at + "usage and percentage items are billed in arrears");
            }
            if (item.type != charge_type::usage) {
                add(at + "a percentage pricing needs a usage item (the transactions are its records)");
            }
        }
        if (item.start && item.start < plan.start) {
            add(at + "starts before the plan");
        }
        if (item.end && item.end < item.start.value_or(plan.start)) {
            add(at + "end lies before start");
        }
        for (std::size_t c = 0; c < item.changes.size(); ++c) {
            if (c > 0 && !(item.changes[c - 1].effective < item.changes[c].effective)) {
                add(at + "quantity changes must be sorted by date, one per date");
            }
        }
        if (item.type == charge_type::one_time && !item.changes.empty()) {
            add(at + "a one-time charge has no quantity changes");
        }
        for (const auto& d : item.discounts) {
            if (d.value.signum() <= 0) {
                add(at + "discount: the value must be above 0");
            }
            if (d.kind == discount_kind::percent && d.value > decimal{100}) {
                add(at + "discount: a percentage above 100");
            }
        }
    }
    check_milestones(plan, add);
    return problems;
}

}  // namespace fakturad::billing
