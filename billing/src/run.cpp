#include "fakturad/billing/run.hpp"

#include "arith.hpp"
#include "fakturad/billing/proration.hpp"
#include "milestone_billing.hpp"
#include "plan_billing.hpp"
#include "text.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

namespace fakturad::billing {
namespace detail {
namespace {

struct item_context {
    const plan_item& item;
    const currency_prices& prices;
    item_span span;
    period_grid grid;
    const item_state* state;
};

class plan_biller {
public:
    plan_biller(
        const billing_plan& plan,
        const plan_state& state,
        std::span<const usage_record> usage,
        const billing_target& target
    )
        : plan_(plan),
          state_(state),
          usage_(usage),
          target_(target),
          text_(labels_for(plan.language)),
          minor_(plan.cur.minor_units()) {}

    void run(
        std::vector<invoice_line>& lines,
        std::vector<billed_charge_ref>& billed,
        bool& capped,
        vat_texts* texts
    ) {
        texts_ = texts;
        lines_ = &lines;
        billed_ = &billed;
        first_line_ = lines.size();
        const auto plan_end = effective_end(plan_);
        const civil_date anchor = plan_.anchor.value_or(plan_.start);
        // Commitments last: they settle against what the other items put on this draft.
        for (const bool commitments : {false, true}) {
            for (const auto& item : plan_.items) {
                if (item.commitment.has_value() == commitments) {
                    bill_item(item, plan_end, anchor);
                }
            }
        }
        resolve_vat();
        apply_invoice_discounts();
        capped = capped_;
    }

private:
    void bill_item(const plan_item& item, const std::optional<civil_date>& plan_end, civil_date anchor) {
        {
            const currency_prices* prices = item.price.find(plan_.cur);
            item_span span{item.start.value_or(plan_.start), item.end};
            if (plan_end && (!span.end || *plan_end < *span.end)) {
                span.end = plan_end;
            }
            if (span.end && *span.end < span.start) {
                return;  // the plan ended before the item would start
            }
            item_context ic{
                item,
                *prices,  // check_plan guarantees the currency's prices
                span,
                period_grid(anchor, item.period.value_or(plan_.period), plan_.alignment),
                state_.find(item.key),
            };
            switch (item.type) {
                case charge_type::one_time:
                    bill_one_time(ic);
                    break;
                case charge_type::recurring:
                    if (!target_.manual_window && !item.commitment) {
                        reconcile(ic);
                    }
                    walk_periods(ic);
                    break;
                case charge_type::usage:
                    walk_periods(ic);
                    break;
            }
        }
    }

    // ---- period selection ---------------------------------------------------------------------------

    bool due(const item_context& ic, const date_range& r) const {
        if (target_.manual_window) {
            return r.first <= target_.manual_window->last;
        }
        const civil_date cutoff = target_.cutoff;
        return ic.item.timing == billing_timing::in_advance ? r.first <= cutoff : r.last < cutoff;
    }

    static bool billed_by_charge(const item_state* st, const date_range& r) {
        if (st == nullptr) {
            return false;
        }
        return std::any_of(st->charges.begin(), st->charges.end(), [&](const billed_charge& c) {
            return r.contains(c.period_start);
        });
    }

    void walk_periods(const item_context& ic) {
        civil_date from = ic.span.start;
        std::optional<civil_date> last_day = ic.span.end;
        if (target_.manual_window) {
            from = std::max(from, target_.manual_window->first);
            if (!last_day || target_.manual_window->last < *last_day) {
                last_day = target_.manual_window->last;
            }
        } else if (ic.state != nullptr && ic.state->billed_through && !(*ic.state->billed_through < from)) {
            from = add_days(*ic.state->billed_through, 1);
        }
        std::size_t billed_periods = 0;
        while (!last_day || from <= *last_day) {
            const date_range r = next_period(ic.grid, from, last_day);
            if (!due(ic, r)) {
                break;
            }
            const bool skip = !target_.manual_window && billed_by_charge(ic.state, r);
            if (!skip) {
                if (billed_periods == target_.max_periods_per_item) {
                    capped_ = true;
                    break;
                }
                if (ic.item.type == charge_type::usage) {
                    bill_usage_period(ic, r);
                } else {
                    bill_recurring_period(ic, r);
                }
                ++billed_periods;
            }
            from = add_days(r.last, 1);
        }
    }

    // ---- lines --------------------------------------------------------------------------------------

    invoice_line& push_line(line_kind kind, const plan_item* item) {
        invoice_line& line = lines_->emplace_back();
        line.kind = kind;
        line.plan_id = plan_.id;
        if (item != nullptr) {
            line.item_key = item->key;
            line.unit_code = item->unit_code;
            line.vat = item->vat;
        }
        return line;
    }

    void record_billed(
        const item_context& ic,
        const date_range& seg,
        std::uint32_t revision,
        decimal quantity,
        decimal billed_net,
        std::size_t line_index,
        bool regular
    ) {
        if (!target_.keys) {
            return;
        }
        billed_->push_back(billed_charge_ref{
            charge_key{plan_.id, ic.item.key, seg.first, revision},
            seg.last,
            quantity,
            billed_net,
            line_index,
            regular,
        });
    }

    // One charge line for a segment of a full period; returns its line index.
    std::size_t charge_line(
        const item_context& ic,
        const date_range& seg,
        std::int64_t full_days,
        const price_evaluation& eval,
        decimal net
    ) {
        const std::size_t index = lines_->size();
        invoice_line& line = push_line(line_kind::charge, &ic.item);
        line.quantity = eval.quantity;
        line.unit_price = eval.unit_price;
        line.period = seg;
        line.net = net;
        std::string& text = line.description;
        text.reserve(ic.item.description.size() + 64);
        text = ic.item.description;
        append_range(text, seg);
        if (seg.days() != full_days) {
            line.prorated = proration{seg.days(), full_days};
            append_proration(text, seg.days(), full_days, text_);
        }
        if (eval.capped) {
            text += " (";
            text += text_.capped;
            text.push_back(' ');
            append_amount(text, ic.prices.maximum.value_or(decimal{}), plan_.cur, text_);
            text.push_back(')');
        }
        return index;
    }

    // Item discounts for the charge line at `index`; returns their (negative) net sum.
    decimal item_discounts(
        const item_context& ic, std::size_t index, const date_range& seg, std::int64_t full_days
    ) {
        decimal total;
        for (const auto& d : ic.item.discounts) {
            if ((d.valid_from && seg.first < *d.valid_from) || (d.valid_to && *d.valid_to < seg.first)) {
                continue;
            }
            const decimal base = (*lines_)[index].net;
            if (base.signum() <= 0) {
                continue;
            }
            decimal amount;
            if (d.kind == discount_kind::percent) {
                amount = percent_of(base, d.value, minor_);
            } else {
                amount = std::min(prorate(d.value, seg.days(), full_days, plan_.cur).value(), base);
            }
            if (amount.is_zero()) {
                continue;
            }
            invoice_line& line = push_line(line_kind::discount, &ic.item);
            line.unit_code = "C62";
            line.quantity = decimal{-1};
            line.unit_price = amount;
            line.net = amount.negated();
            line.period = seg;
            std::string& text = line.description;
            if (!d.description.empty()) {
                text = d.description;
            } else {
                text = text_.discount;
                text.push_back(' ');
                if (d.kind == discount_kind::percent) {
                    append_number(text, d.value, text_);
                    text += " %";
                } else {
                    append_amount(text, d.value, plan_.cur, text_);
                }
            }
            text.push_back(' ');
            text += text_.on;
            text.push_back(' ');
            text += ic.item.description;
            append_range(text, seg);
            total = total - amount;
        }
        return total;
    }

    void true_up(const item_context& ic, const date_range& r, std::int64_t full_days, decimal charged) {
        if (!ic.prices.minimum || ic.item.price.model == pricing_model::percentage) {
            return;
        }
        const decimal minimum = prorate(*ic.prices.minimum, r.days(), full_days, plan_.cur).value();
        if (!(charged < minimum)) {
            return;
        }
        invoice_line& line = push_true_up(ic, r, full_days, minimum, minimum - charged);
        line.unit_code = "C62";
        line.description.push_back(')');
    }

    // A true-up line for `shortfall`, its text open for additions: "<true-up>, <item>, <range> (minimum
    // <amount>[, prorated d/n days]" — the caller closes the parenthesis.
    invoice_line& push_true_up(
        const item_context& ic,
        const date_range& r,
        std::int64_t full_days,
        decimal minimum,
        decimal shortfall
    ) {
        invoice_line& line = push_line(line_kind::minimum_true_up, &ic.item);
        line.quantity = decimal{1};
        line.unit_price = shortfall;
        line.net = shortfall;
        line.period = r;
        std::string& text = line.description;
        text = text_.true_up;
        text += ", ";
        text += ic.item.description;
        append_range(text, r);
        text += " (";
        text += text_.minimum;
        text.push_back(' ');
        append_amount(text, minimum, plan_.cur, text_);
        if (r.days() != full_days) {
            line.prorated = proration{r.days(), full_days};
            append_proration(text, r.days(), full_days, text_);
        }
        return line;
    }

    // A plan-level commitment period is over: charge the shortfall of the covered items (plan.hpp).
    void settle_commitment(const item_context& ic, const date_range& r, std::int64_t full_days) {
        auto eval = evaluate_price(ic.item.price, ic.prices, price_input{});
        if (!eval) {
            throw billing_exception(eval.error());
        }
        const decimal committed = prorate(eval->amount, r.days(), full_days, plan_.cur).value();
        const decimal spent = covered_spend(ic.item, r);
        const decimal shortfall = spent < committed ? committed - spent : decimal{};
        std::size_t index = no_line;  // nothing is short: the period is settled without a line
        if (!shortfall.is_zero()) {
            index = lines_->size();
            std::string& text = push_true_up(ic, r, full_days, committed, shortfall).description;
            text += ", ";
            text += text_.billed;
            text.push_back(' ');
            append_amount(text, spent, plan_.cur, text_);
            text.push_back(')');
        }
        record_billed(ic, r, 0, decimal{1}, shortfall, index, true);
    }

    bool covers(const plan_item& commitment, std::string_view key) const {
        const auto& list = commitment.commitment->covers;
        if (list.empty()) {
            const plan_item* other = find_item(key);
            return other != nullptr && !other->commitment;
        }
        return std::find(list.begin(), list.end(), key) != list.end();
    }

    // What the covered items billed for periods starting in r: earlier documents (state: billed net less
    // credits) and this draft's lines (charges, discounts, true-ups, credits).
    decimal covered_spend(const plan_item& commitment, const date_range& r) const {
        decimal spent;
        for (const auto& item_state : state_.items) {
            if (!covers(commitment, item_state.item_key)) {
                continue;
            }
            for (const auto& c : item_state.charges) {
                if (r.contains(c.period_start)) {
                    spent = spent + c.billed_net - c.credited;
                }
            }
        }
        for (std::size_t i = first_line_; i < lines_->size(); ++i) {
            const invoice_line& line = (*lines_)[i];
            if (line.period && r.contains(line.period->first) && covers(commitment, line.item_key)) {
                spent = spent + line.net;
            }
        }
        return spent;
    }

    // Splits r at quantity changes and calls f(segment) for each piece.
    template <typename F>
    void for_each_segment(const item_context& ic, const date_range& r, F&& f) {
        civil_date start = r.first;
        for (const auto& c : ic.item.changes) {
            if (c.effective <= start) {
                continue;
            }
            if (r.last < c.effective) {
                break;
            }
            f(date_range{start, add_days(c.effective, -1)});
            start = c.effective;
        }
        f(date_range{start, r.last});
    }

    void bill_recurring_period(const item_context& ic, const date_range& r) {
        const std::int64_t full_days = ic.grid.period_containing(r.first).days();
        if (ic.item.commitment) {
            settle_commitment(ic, r, full_days);
            return;
        }
        decimal charged;
        for_each_segment(ic, r, [&](const date_range& seg) {
            charged = charged + bill_segment(ic, seg, full_days, 0, true);
        });
        true_up(ic, r, full_days, charged);
    }

    // A charge for a segment at its current quantity; returns the charge net (before discounts).
    decimal bill_segment(
        const item_context& ic,
        const date_range& seg,
        std::int64_t full_days,
        std::uint32_t revision,
        bool regular
    ) {
        const decimal q = quantity_on(ic.item, ic.span, seg.first);
        price_input in;
        in.quantity = q;
        in.tier_quantity = ic.item.tier_quantity;
        auto eval = evaluate_price(ic.item.price, ic.prices, in);
        if (!eval) {
            throw billing_exception(eval.error());
        }
        const decimal net = prorate(eval->amount, seg.days(), full_days, plan_.cur).value();
        const std::size_t index = charge_line(ic, seg, full_days, *eval, net);
        const decimal discounts = item_discounts(ic, index, seg, full_days);
        record_billed(ic, seg, revision, q, net + discounts, index, regular);
        return net;
    }

    void bill_usage_period(const item_context& ic, const date_range& r) {
        const std::int64_t full_days = ic.grid.period_containing(r.first).days();
        auto measure = aggregate_usage(usage_, ic.item.key, r, ic.item.aggregation);
        if (!measure) {
            throw billing_exception(measure.error());
        }
        price_input in;
        in.quantity = measure->value;
        in.transaction_volume = measure->volume;
        in.transaction_count = measure->records;
        if (ic.item.tier_aggregation) {
            auto tier = aggregate_usage(usage_, ic.item.key, r, *ic.item.tier_aggregation);
            if (!tier) {
                throw billing_exception(tier.error());
            }
            in.tier_quantity = tier->value;
        } else {
            in.tier_quantity = ic.item.tier_quantity;
        }
        auto eval = evaluate_price(ic.item.price, ic.prices, in);
        if (!eval) {
            throw billing_exception(eval.error());
        }
        const decimal net = at_scale(eval->amount, minor_);
        const std::size_t index = lines_->size();
        invoice_line& line = push_line(line_kind::charge, &ic.item);
        line.quantity = eval->quantity;
        // A commission is one amount: its price is the rounded fee, not the exact one.
        line.unit_price = ic.item.price.model == pricing_model::percentage ? net.abs() : eval->unit_price;
        line.period = r;
        line.net = net;
        std::string& text = line.description;
        text = ic.item.description;
        append_range(text, r);
        if (ic.item.price.model == pricing_model::percentage) {
            text += ", ";
            append_number(text, ic.item.price.percent, text_);
            text += " % ";
            text += text_.of;
            text.push_back(' ');
            append_amount(text, measure->volume, plan_.cur, text_);
            text += " (";
            text += std::to_string(measure->records);
            text.push_back(' ');
            text += text_.transactions;
            text.push_back(')');
            if (eval->raised_to_min) {
                text += " (";
                text += text_.minimum;
                text.push_back(' ');
                append_amount(text, ic.prices.minimum.value_or(decimal{}), plan_.cur, text_);
                text.push_back(')');
            }
        }
        if (eval->capped) {
            text += " (";
            text += text_.capped;
            text.push_back(' ');
            append_amount(text, ic.prices.maximum.value_or(decimal{}), plan_.cur, text_);
            text.push_back(')');
        }
        const decimal discounts = item_discounts(ic, index, r, full_days);
        record_billed(ic, r, 0, in.quantity, net + discounts, index, true);
        true_up(ic, r, full_days, net);
    }

    void bill_one_time(const item_context& ic) {
        const civil_date day = ic.span.start;
        if (target_.manual_window) {
            if (!target_.manual_window->contains(day)) {
                return;
            }
        } else {
            if (target_.cutoff < day) {
                return;
            }
            if (ic.state != nullptr && ((ic.state->billed_through && !(*ic.state->billed_through < day)) ||
                                        billed_by_charge(ic.state, date_range{day, day}))) {
                return;
            }
        }
        price_input in;
        in.quantity = ic.item.quantity;
        in.tier_quantity = ic.item.tier_quantity;
        auto eval = evaluate_price(ic.item.price, ic.prices, in);
        if (!eval) {
            throw billing_exception(eval.error());
        }
        const date_range r{day, day};
        const decimal net = at_scale(eval->amount, minor_);
        const std::size_t index = charge_line(ic, r, 1, *eval, net);
        const decimal discounts = item_discounts(ic, index, r, 1);
        record_billed(ic, r, 0, ic.item.quantity, net + discounts, index, true);
    }

    // ---- changes to billed periods ------------------------------------------------------------------

    // The first day in [a, b] whose current quantity differs from q, if any. The quantity is piecewise
    // constant between the item's start, its changes and the day after its end, so only those days are
    // candidates.
    std::optional<civil_date> first_mismatch(const item_context& ic, civil_date a, civil_date b, decimal q)
        const {
        if (quantity_on(ic.item, ic.span, a) != q) {
            return a;
        }
        std::optional<civil_date> found;
        auto consider = [&](civil_date t) {
            if (a < t && t <= b && quantity_on(ic.item, ic.span, t) != q && (!found || t < *found)) {
                found = t;
            }
        };
        consider(ic.span.start);
        if (ic.span.end) {
            consider(add_days(*ic.span.end, 1));
        }
        for (const auto& c : ic.item.changes) {
            consider(c.effective);
        }
        return found;
    }

    void reconcile(const item_context& ic) {
        if (ic.state == nullptr || ic.state->charges.empty()) {
            return;
        }
        const auto& charges = ic.state->charges;
        // Active coverage of every charge after this run's credits: [start, active_last].
        std::vector<civil_date> active_last(charges.size());
        for (std::size_t i = 0; i < charges.size(); ++i) {
            const auto& c = charges[i];
            active_last[i] = c.credited_from ? add_days(*c.credited_from, -1) : c.period_end;
            if (active_last[i] < c.period_start) {
                continue;  // fully credited
            }
            const auto x = first_mismatch(ic, c.period_start, active_last[i], c.quantity);
            if (!x) {
                continue;
            }
            credit_tail(ic, c, *x, active_last[i]);
            active_last[i] = add_days(*x, -1);
        }
        // Days inside a charge's period that no active charge covers any more: bill their current quantity.
        std::vector<date_range> gaps;
        for (std::size_t i = 0; i < charges.size(); ++i) {
            if (active_last[i] < charges[i].period_end) {
                gaps.push_back(
                    {std::max(charges[i].period_start, add_days(active_last[i], 1)), charges[i].period_end}
                );
            }
        }
        for (std::size_t i = 0; i < charges.size(); ++i) {
            if (active_last[i] < charges[i].period_start) {
                continue;
            }
            const date_range active{charges[i].period_start, active_last[i]};
            std::vector<date_range> next;
            for (const auto& g : gaps) {
                if (!g.overlaps(active)) {
                    next.push_back(g);
                    continue;
                }
                if (g.first < active.first) {
                    next.push_back({g.first, add_days(active.first, -1)});
                }
                if (active.last < g.last) {
                    next.push_back({add_days(active.last, 1), g.last});
                }
            }
            gaps = std::move(next);
        }
        std::sort(gaps.begin(), gaps.end(), [](const date_range& a, const date_range& b) {
            return a.first < b.first;
        });
        std::vector<date_range> merged;
        for (const auto& g : gaps) {
            if (!merged.empty() && !(add_days(merged.back().last, 1) < g.first)) {
                merged.back().last = std::max(merged.back().last, g.last);
            } else {
                merged.push_back(g);
            }
        }
        for (const auto& g : merged) {
            rebill_gap(ic, g);
        }
    }

    void credit_tail(const item_context& ic, const billed_charge& c, civil_date from, civil_date to) {
        const date_range tail{from, to};
        const date_range charged{c.period_start, c.period_end};
        decimal credit = prorate(c.billed_net, tail.days(), charged.days(), plan_.cur).value();
        // Never more than what was billed and not yet credited (Lago #1778).
        const decimal creditable = c.billed_net - c.credited;
        if (creditable.signum() >= 0) {
            credit = std::clamp(credit, decimal{}, creditable);
        } else {
            credit = std::clamp(credit, creditable, decimal{});
        }
        if (credit.is_zero()) {
            return;
        }
        invoice_line& line = push_line(line_kind::proration_credit, &ic.item);
        line.unit_code = "C62";
        line.quantity = decimal{credit.is_negative() ? 1 : -1};
        line.unit_price = credit.abs();
        line.net = credit.negated();
        line.period = tail;
        line.prorated = proration{tail.days(), charged.days()};
        line.credits = charge_key{plan_.id, ic.item.key, c.period_start, c.revision};
        std::string& text = line.description;
        text = ic.item.description;
        text += ", ";
        text += text_.unused_credit;
        append_range(text, tail);
        text += " (";
        text += std::to_string(tail.days());
        text.push_back('/');
        text += std::to_string(charged.days());
        text.push_back(' ');
        text += text_.days;
        text.push_back(' ');
        text += text_.of_billed;
        text.push_back(' ');
        append_amount(text, c.billed_net, plan_.cur, text_);
        text.push_back(' ');
        text += text_.billed;
        text.push_back(')');
    }

    std::uint32_t next_revision(const item_context& ic, civil_date start) const {
        std::optional<std::uint32_t> highest;
        for (const auto& c : ic.state->charges) {
            if (c.period_start == start && (!highest || *highest < c.revision)) {
                highest = c.revision;
            }
        }
        return highest ? *highest + 1 : 0;
    }

    void rebill_gap(const item_context& ic, const date_range& gap) {
        // Only the item's active days are charged again (an earlier end or a later start leaves the rest).
        civil_date from = std::max(gap.first, ic.span.start);
        const civil_date last = ic.span.end ? std::min(gap.last, *ic.span.end) : gap.last;
        while (from <= last) {
            const date_range r = next_period(ic.grid, from, last);
            const std::int64_t full_days = ic.grid.period_containing(r.first).days();
            for_each_segment(ic, r, [&](const date_range& seg) {
                if (quantity_on(ic.item, ic.span, seg.first).is_zero()) {
                    return;  // ended or paused: nothing to charge
                }
                bill_segment(ic, seg, full_days, next_revision(ic, seg.first), false);
            });
            from = add_days(r.last, 1);
        }
    }

    // ---- tax determination --------------------------------------------------------------------------

    // Lines of items with `tax:` get their VAT from the resolver at their tax point (vat_resolver.hpp),
    // before invoice discounts group the lines by VAT. One question per item and tax point.
    void resolve_vat() {
        struct answer {
            const plan_item* item;
            civil_date tax_point;
            vat_treatment vat;
        };
        std::vector<answer> answers;
        for (std::size_t i = first_line_; i < lines_->size(); ++i) {
            invoice_line& line = (*lines_)[i];
            const plan_item* item = find_item(line.item_key);
            if (item == nullptr || !item->tax) {
                continue;
            }
            const civil_date tax_point = line.period ? line.period->last : item->start.value_or(plan_.start);
            auto known = std::find_if(answers.begin(), answers.end(), [&](const answer& a) {
                return a.item == item && a.tax_point == tax_point;
            });
            if (known != answers.end()) {
                line.vat = known->vat;
                continue;
            }
            if (target_.vat == nullptr) {
                throw billing_exception(
                    {billing_errc::invalid_plan,
                     "item " + item->key +
                         " asks for tax determination (tax:), but no tax rules are configured "
                         "for legal entity " +
                         plan_.seller.id}
                );
            }
            auto resolved = target_.vat->resolve(plan_, *item, tax_point);
            if (!resolved) {
                billing_error error = resolved.error();
                error.message = "item " + item->key + ": " + error.message;
                throw billing_exception(std::move(error));
            }
            line.vat = resolved->vat;
            answers.push_back({item, tax_point, resolved->vat});
            if (texts_ != nullptr) {
                texts_->add(*resolved);
            }
        }
    }

    const plan_item* find_item(std::string_view key) const {
        if (key.empty()) {
            return nullptr;
        }
        for (const auto& item : plan_.items) {
            if (item.key == key) {
                return &item;
            }
        }
        return nullptr;
    }

    // ---- invoice discounts --------------------------------------------------------------------------

    struct vat_group {
        vat_treatment vat;  // a copy: pushing discount lines reallocates the lines
        decimal base;
    };

    // Percent discounts apply to the plan's whole contribution, credits for unused days included (the
    // customer paid the discounted price, so a refund is discounted too; a negative base gives a positive
    // correction line). Amount discounts apply once per invoice to a positive base. Each discount sees
    // the lines before any invoice discount: they do not compound.
    void apply_invoice_discounts() {
        const std::size_t end = lines_->size();
        for (const auto& d : plan_.invoice_discounts) {
            std::vector<vat_group> groups;
            decimal total;
            for (std::size_t i = first_line_; i < end; ++i) {
                const invoice_line& line = (*lines_)[i];
                if (line.kind != line_kind::charge && line.kind != line_kind::discount &&
                    line.kind != line_kind::minimum_true_up && line.kind != line_kind::proration_credit) {
                    continue;
                }
                const civil_date start = line.period ? line.period->first : plan_.start;
                if ((d.valid_from && start < *d.valid_from) || (d.valid_to && *d.valid_to < start)) {
                    continue;
                }
                auto it = std::find_if(groups.begin(), groups.end(), [&](const vat_group& g) {
                    return g.vat.category == line.vat.category && g.vat.rate == line.vat.rate;
                });
                if (it == groups.end()) {
                    groups.push_back({line.vat, decimal{}});
                    it = groups.end() - 1;
                }
                it->base = it->base + line.net;
                total = total + line.net;
            }
            if (d.kind == discount_kind::amount && total.signum() <= 0) {
                continue;
            }
            std::vector<decimal> amounts(groups.size());
            if (d.kind == discount_kind::percent) {
                for (std::size_t g = 0; g < groups.size(); ++g) {
                    amounts[g] = percent_of(groups[g].base, d.value, minor_);
                }
            } else {
                // Split in proportion to the positive bases; the rounding remainder goes to the largest.
                const decimal wanted = std::min(at_scale(d.value, minor_), total);
                decimal positive;
                std::size_t largest = 0;
                for (std::size_t g = 0; g < groups.size(); ++g) {
                    if (groups[g].base.signum() > 0) {
                        positive = positive + groups[g].base;
                        if (groups[largest].base < groups[g].base) {
                            largest = g;
                        }
                    }
                }
                decimal assigned;
                for (std::size_t g = 0; g < groups.size(); ++g) {
                    if (groups[g].base.signum() > 0) {
                        amounts[g] = div_round(wanted * groups[g].base, positive, minor_);
                        assigned = assigned + amounts[g];
                    }
                }
                amounts[largest] = amounts[largest] + (wanted - assigned);
            }
            for (std::size_t g = 0; g < groups.size(); ++g) {
                if (amounts[g].is_zero()) {
                    continue;
                }
                const vat_treatment& vat = groups[g].vat;
                invoice_line& line = push_line(line_kind::discount, nullptr);
                line.vat = vat;
                line.quantity = decimal{amounts[g].is_negative() ? 1 : -1};
                line.unit_price = amounts[g].abs();
                line.net = amounts[g].negated();
                std::string& text = line.description;
                if (!d.description.empty()) {
                    text = d.description;
                } else {
                    text = text_.discount;
                    text.push_back(' ');
                    if (d.kind == discount_kind::percent) {
                        append_number(text, d.value, text_);
                        text += " %";
                    } else {
                        append_amount(text, d.value, plan_.cur, text_);
                    }
                }
                if (groups.size() > 1) {
                    text += " (";
                    text += text_.vat;
                    text.push_back(' ');
                    text += vat.category;
                    text.push_back(' ');
                    append_number(text, vat.rate, text_);
                    text += " %)";
                }
            }
        }
    }

    const billing_plan& plan_;
    const plan_state& state_;
    std::span<const usage_record> usage_;
    const billing_target& target_;
    const labels& text_;
    int minor_;
    std::vector<invoice_line>* lines_ = nullptr;
    std::vector<billed_charge_ref>* billed_ = nullptr;
    std::size_t first_line_ = 0;
    bool capped_ = false;
    vat_texts* texts_ = nullptr;
};

}  // namespace

void vat_texts::add(const resolved_vat& r) {
    if (!r.exemption.category.empty() &&
        std::find(exemptions.begin(), exemptions.end(), r.exemption) == exemptions.end()) {
        exemptions.push_back(r.exemption);
    }
    for (const auto& note : r.notes) {
        if (std::find(notes.begin(), notes.end(), note) == notes.end()) {
            notes.push_back(note);
        }
    }
    if (!r.decision.empty() && std::find(decisions.begin(), decisions.end(), r.decision) == decisions.end()) {
        decisions.push_back(r.decision);
    }
}

void vat_texts::merge_into(invoice& doc) const {
    auto append_missing = [](auto& out, const auto& in) {
        for (const auto& e : in) {
            if (std::find(out.begin(), out.end(), e) == out.end()) {
                out.push_back(e);
            }
        }
    };
    append_missing(doc.vat_exemptions, exemptions);
    append_missing(doc.notes, notes);
    append_missing(doc.tax_decisions, decisions);
}

billing_status bill_into(
    const billing_plan& plan,
    const plan_state& state,
    std::span<const usage_record> usage,
    const billing_target& target,
    std::vector<invoice_line>& lines,
    std::vector<billed_charge_ref>& billed,
    bool& capped,
    vat_texts* texts
) {
    const std::size_t lines_before = lines.size();
    const std::size_t billed_before = billed.size();
    auto fail = [&](billing_error e) -> billing_status {
        lines.resize(lines_before);  // fail closed: nothing of a failed plan stays
        billed.resize(billed_before);
        return e;
    };
    auto problems = check_plan(plan);
    if (!problems.empty()) {
        std::string message = "plan " + plan.id + ": " + problems.front();
        for (std::size_t i = 1; i < problems.size(); ++i) {
            message += "; " + problems[i];
        }
        return fail({billing_errc::invalid_plan, std::move(message)});
    }
    try {
        vat_texts own;
        plan_biller(plan, state, usage, target).run(lines, billed, capped, texts != nullptr ? &own : nullptr);
        if (texts != nullptr) {
            for (const auto& e : own.exemptions) {
                if (std::find(texts->exemptions.begin(), texts->exemptions.end(), e) ==
                    texts->exemptions.end()) {
                    texts->exemptions.push_back(e);
                }
            }
            for (const auto& n : own.notes) {
                if (std::find(texts->notes.begin(), texts->notes.end(), n) == texts->notes.end()) {
                    texts->notes.push_back(n);
                }
            }
            for (const auto& d : own.decisions) {
                if (std::find(texts->decisions.begin(), texts->decisions.end(), d) ==
                    texts->decisions.end()) {
                    texts->decisions.push_back(d);
                }
            }
        }
    } catch (const billing_exception& e) {
        billing_error error = e.error();
        error.message = "plan " + plan.id + ": " + error.message;
        return fail(std::move(error));
    } catch (const money_error& e) {
        return fail(arithmetic_error(e, "plan " + plan.id));
    }
    return ok();
}

}  // namespace detail

// ---- invoice_run ----------------------------------------------------------------------------------------

bool run_selection::selects(const billing_plan& plan) const noexcept {
    switch (kind) {
        case selection_kind::all:
            return true;
        case selection_kind::account:
            return plan.account.id == id;
        case selection_kind::plan:
            return plan.id == id;
    }
    return false;
}

namespace {

// Plans share a document only when everything the document states once is the same for them: recipient,
// currency, seller, language, terms, rounding, and the document-level references (BT-10 buyer reference,
// e.g. a Leitweg-ID, BT-12, BT-13) and payment instructions (BG-16).
bool same_group(const invoice& draft, const billing_plan& plan) {
    const party& to = plan.recipient();
    return draft.bill_to.id == to.id && draft.cur == plan.cur && draft.seller.id == plan.seller.id &&
           draft.language == plan.language && draft.terms == plan.terms && draft.rounding == plan.rounding &&
           draft.bill_to.emails == to.emails && draft.references == plan.references &&
           draft.payment == plan.payment;
}

void open_draft(invoice& draft, const billing_plan& plan) {
    draft.lines.reserve(16);  // a plan bills a handful of lines: avoid regrowing (and moving) them
    draft.billed.reserve(16);
    draft.type = document_type::invoice;
    draft.status = invoice_status::draft;
    draft.seller = plan.seller;
    draft.account = plan.account;
    draft.bill_to = plan.recipient();
    draft.cur = plan.cur;
    draft.language = plan.language;
    draft.terms = plan.terms;
    draft.rounding = plan.rounding;
    draft.contract_id = plan.contract_id;
    draft.references = plan.references;
    draft.payment = plan.payment;
    draft.vat_exemptions = plan.vat_exemptions;
}

}  // namespace

invoice_run::invoice_run(run_options options, draft_sink& sink) : options_(std::move(options)), sink_(sink) {}

void invoice_run::add(
    const billing_plan& plan, const plan_state& state, std::span<const usage_record> usage
) {
    ++summary_.plans_seen;
    if (!options_.selection.selects(plan)) {
        return;
    }
    ++summary_.plans_selected;
    if (!plan.milestones.empty()) {
        // A project plan: documents of their own, one per milestone due, instead of period lines.
        auto docs = detail::bill_milestones(plan, state, options_.cutoff, options_.vat);
        if (!docs) {
            ++summary_.plans_failed;
            sink_.on_plan_failed(plan.id, docs.error());
            return;
        }
        if (!docs->empty()) {
            ++summary_.plans_billed;
        }
        for (auto& doc : *docs) {
            ++summary_.drafts;
            summary_.lines += doc.lines.size();
            sink_.on_draft(std::move(doc));
        }
        return;
    }
    // The plan's lines go straight onto the draft of its group (no copy); bill_into removes them again
    // when the plan fails, and a draft opened for a plan that bills nothing is closed unseen.
    if (draft_open_ && !same_group(draft_, plan)) {
        flush();
    }
    const bool opened = !draft_open_;
    if (opened) {
        open_draft(draft_, plan);
        draft_open_ = true;
    }
    const std::size_t lines_before = draft_.lines.size();
    bool capped = false;
    const detail::billing_target target{
        options_.cutoff, options_.max_periods_per_item, std::nullopt, true, options_.vat};
    detail::vat_texts texts;
    auto status = detail::bill_into(plan, state, usage, target, draft_.lines, draft_.billed, capped, &texts);
    if (status) {
        texts.merge_into(draft_);
    }
    if (!status) {
        ++summary_.plans_failed;
        sink_.on_plan_failed(plan.id, status.error());
    } else if (capped) {
        ++summary_.plans_capped;
    }
    if (!status || draft_.lines.size() == lines_before) {
        if (opened) {
            draft_open_ = false;
            draft_ = invoice{};
        }
        return;
    }
    ++summary_.plans_billed;
    summary_.lines += draft_.lines.size() - lines_before;
    if (!opened && draft_.account.id != plan.account.id) {
        draft_.account = draft_.bill_to;  // several buyers on one bill-to invoice: the bill-to is the buyer
    }
    draft_.plan_ids.push_back(plan.id);
}

void invoice_run::flush() {
    if (!draft_open_) {
        return;
    }
    draft_open_ = false;
    auto status = compute_totals(draft_);
    if (!status) {
        for (const auto& id : draft_.plan_ids) {
            ++summary_.plans_failed;
            sink_.on_plan_failed(id, status.error());
        }
    } else {
        ++summary_.drafts;
        sink_.on_draft(std::move(draft_));
    }
    draft_ = invoice{};
}

void invoice_run::finish() { flush(); }

billing_result<plan_billing> bill_plan(
    const billing_plan& plan,
    const plan_state& state,
    std::span<const usage_record> usage,
    const run_options& options
) {
    plan_billing out;
    const detail::billing_target target{
        options.cutoff, options.max_periods_per_item, std::nullopt, true, options.vat};
    detail::vat_texts texts;
    auto status = detail::bill_into(plan, state, usage, target, out.lines, out.billed, out.capped, &texts);
    out.vat_exemptions = std::move(texts.exemptions);
    out.notes = std::move(texts.notes);
    out.tax_decisions = std::move(texts.decisions);
    if (!status) {
        return status.error();
    }
    return out;
}

std::vector<std::size_t> plan_in_group_order(std::span<const billing_plan> plans) {
    std::vector<std::size_t> order(plans.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    auto key = [&](std::size_t i) {
        const billing_plan& p = plans[i];
        return std::make_tuple(
            std::string_view(p.recipient().id),
            p.cur.code(),
            std::string_view(p.seller.id),
            std::string_view(p.language),
            p.terms.net_days,
            std::string_view(p.terms.note)
        );
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (key(a) != key(b)) {
            return key(a) < key(b);
        }
        const auto ra = static_cast<int>(plans[a].rounding);
        const auto rb = static_cast<int>(plans[b].rounding);
        if (ra != rb) {
            return ra < rb;
        }
        if (plans[a].recipient().emails != plans[b].recipient().emails) {
            return plans[a].recipient().emails < plans[b].recipient().emails;
        }
        const auto& fa = plans[a].references;
        const auto& fb = plans[b].references;
        return std::tie(fa.buyer_reference, fa.order_reference, fa.contract_reference) <
               std::tie(fb.buyer_reference, fb.order_reference, fb.contract_reference);
    });
    return order;
}

namespace {

class collecting_sink final : public draft_sink {
public:
    explicit collecting_sink(run_result& result) : result_(result) {}
    void on_draft(invoice&& draft) override { result_.drafts.push_back(std::move(draft)); }
    void on_plan_failed(std::string_view plan_id, const billing_error& error) override {
        result_.failures.emplace_back(std::string(plan_id), error);
    }

private:
    run_result& result_;
};

}  // namespace

run_result run_all(
    std::span<const billing_plan> plans,
    std::span<const plan_state> states,
    std::span<const usage_record> usage,
    const run_options& options
) {
    run_result result;
    collecting_sink sink(result);
    invoice_run run(options, sink);
    const plan_state empty;
    std::vector<usage_record> own;
    for (std::size_t i : plan_in_group_order(plans)) {
        const billing_plan& plan = plans[i];
        const plan_state* state = &empty;
        for (const auto& s : states) {
            if (s.plan_id == plan.id) {
                state = &s;
                break;
            }
        }
        own.clear();
        for (const auto& r : usage) {
            if (r.plan_id == plan.id) {
                own.push_back(r);
            }
        }
        run.add(plan, *state, own);
    }
    run.finish();
    result.summary = run.summary();
    return result;
}

}  // namespace fakturad::billing
