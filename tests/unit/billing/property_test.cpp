// Property tests over seeded random plans (std::mt19937_64 with fixed seeds: reproducible, no random device):
//   - every draft: line nets + VAT = gross, per group and in total, each net rounded to the currency;
//   - original + cancellation = 0, breakdown mirrored;
//   - billed periods of an item never overlap and never leave a gap, across any sequence of runs, and the
//     incremental runs bill exactly what one catch-up run bills;
//   - running the same run twice bills nothing new;
//   - credits from changes never exceed what was billed.

#include "billing_test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace fakturad::billing {
namespace {

using test::date_of;
using test::dec;

class generator {
public:
    explicit generator(std::uint64_t seed) : rng_(seed) {}

    int between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
    bool chance(int percent) { return between(1, 100) <= percent; }

    template <typename T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
    }

    decimal amount(int max_units, int scale) {
        const std::int64_t m = between(0, max_units) * 100 + between(0, 99);
        return decimal::from_parts(m, 2).value().trimmed() +
               decimal::from_parts(between(0, 9), scale).value();
    }

    civil_date date(const char* from, int days) { return add_days(date_of(from), between(0, days)); }

    std::vector<price_tier> tiers(int scale) {
        std::vector<price_tier> out;
        int bound = 0;
        const int n = between(1, 4);
        for (int i = 0; i < n; ++i) {
            price_tier t;
            bound += between(1, 50);
            if (i + 1 < n) {
                t.up_to = decimal{bound};
            }
            t.unit_price = amount(20, scale);
            t.flat_fee = chance(30) ? amount(50, 2) : decimal{};
            out.push_back(t);
        }
        return out;
    }

    billing_plan plan(int index) {
        static const std::vector<std::string> currencies{"EUR", "EUR", "JPY", "BHD", "USD", "CHF"};
        static const std::vector<std::string> periods{"P1M", "P1M", "P3M", "P1Y", "P14D", "P1W", "P2M"};
        static const std::vector<vat_treatment> vats{
            {"S", dec("19")},
            {"S", dec("7")},
            {"Z", dec("0")},
            {"E", dec("0")},
            {"AE", dec("0")},
            {"S", dec("5.5")},
            {"S", dec("8.1")}};
        billing_plan p = test::plan_with("P-" + std::to_string(index), "2025-01-01", {});
        p.cur = currency(pick(currencies));
        p.start = date("2025-01-01", 500);
        p.period = test::period_of(pick(periods));
        p.alignment = chance(50) ? period_alignment::calendar : period_alignment::anniversary;
        p.rounding = chance(30) ? vat_rounding::per_line : vat_rounding::per_category;
        if (chance(30)) {
            p.end = add_days(p.start, between(20, 700));
        }
        const int scale = std::max(p.cur.minor_units(), between(0, 4));
        const int items = between(1, 6);
        for (int i = 0; i < items; ++i) {
            plan_item item;
            item.key = "i" + std::to_string(i);
            item.description = "item " + std::to_string(i);
            item.vat = pick(vats);
            currency_prices prices;
            prices.cur = p.cur;
            const int kind = between(0, 99);
            if (kind < 60) {
                item.type = charge_type::recurring;
                item.timing = chance(50) ? billing_timing::in_advance : billing_timing::in_arrears;
                item.quantity =
                    decimal::from_parts(between(-2, 40) * 100 + (chance(20) ? between(0, 99) : 0), 2).value();
            } else if (kind < 85) {
                item.type = charge_type::usage;
                item.timing = billing_timing::in_arrears;
                item.aggregation = static_cast<usage_aggregation>(between(0, 4));
            } else {
                item.type = charge_type::one_time;
                item.quantity = decimal{between(1, 5)};
            }
            const int model = between(0, item.type == charge_type::usage ? 6 : 5);
            item.price.model = static_cast<pricing_model>(model);
            if (item.quantity.is_negative() && item.price.model != pricing_model::per_unit) {
                item.quantity = item.quantity.negated();
            }
            prices.price = amount(500, scale);
            if (item.price.model == pricing_model::tiered || item.price.model == pricing_model::volume ||
                item.price.model == pricing_model::stairstep) {
                prices.tiers = tiers(scale);
            }
            if (item.price.model == pricing_model::package) {
                item.price.package_size = decimal{between(1, 100)};
            }
            if (item.price.model == pricing_model::percentage) {
                item.price.percent = decimal::from_parts(between(1, 1000), 2).value();
                prices.per_transaction_fee = chance(50) ? amount(1, 2) : decimal{};
            }
            if (chance(20)) {
                prices.minimum = amount(100, 2);
            }
            if (chance(10)) {
                prices.maximum = prices.minimum.value_or(decimal{}) + amount(1000, 2);
            }
            item.price.prices.push_back(prices);
            if (chance(40)) {
                item.start = add_days(p.start, between(0, 200));
            }
            if (chance(25)) {
                item.end = add_days(item.start.value_or(p.start), between(0, 400));
            }
            if (chance(20)) {
                item.period = test::period_of(pick(periods));
            }
            if (item.type == charge_type::recurring && chance(30)) {
                civil_date at = add_days(item.start.value_or(p.start), between(1, 60));
                for (int c = between(1, 3); c > 0; --c) {
                    item.changes.push_back({at, decimal{between(0, 30)}});
                    at = add_days(at, between(1, 90));
                }
            }
            if (chance(20)) {
                discount d;
                d.kind = chance(50) ? discount_kind::percent : discount_kind::amount;
                d.value =
                    d.kind == discount_kind::percent ? decimal{between(1, 100)} : amount(50, 2) + decimal{1};
                if (chance(50)) {
                    d.valid_to = add_days(p.start, between(0, 300));
                }
                item.discounts.push_back(d);
            }
            p.items.push_back(item);
        }
        if (chance(20)) {
            discount d;
            d.kind = chance(50) ? discount_kind::percent : discount_kind::amount;
            d.value =
                d.kind == discount_kind::percent ? decimal{between(1, 50)} : amount(100, 2) + decimal{1};
            p.invoice_discounts.push_back(d);
        }
        return p;
    }

    std::vector<usage_record> usage(const billing_plan& p) {
        std::vector<usage_record> out;
        for (const auto& item : p.items) {
            if (item.type != charge_type::usage) {
                continue;
            }
            for (int n = between(0, 40); n > 0; --n) {
                usage_record r;
                r.plan_id = p.id;
                r.item_key = item.key;
                r.date = add_days(p.start, between(0, 900));
                r.sequence = static_cast<std::uint64_t>(between(0, 1000));
                r.quantity = item.price.model == pricing_model::percentage ? amount(2000, 2)
                                                                           : decimal{between(0, 500)};
                r.unique_key = "u" + std::to_string(between(0, 20));
                out.push_back(r);
            }
        }
        return out;
    }

private:
    std::mt19937_64 rng_;
};

void check_totals(const invoice& d) {
    const int minor = d.cur.minor_units();
    decimal lines;
    for (const auto& l : d.lines) {
        ASSERT_EQ(l.net.scale(), minor) << l.description;
        lines = lines + l.net;
    }
    decimal taxable;
    decimal tax;
    for (const auto& b : d.totals.breakdown) {
        taxable = taxable + b.taxable;
        tax = tax + b.tax;
        if (d.rounding == vat_rounding::per_category) {
            ASSERT_EQ(b.tax, b.tax_per_category);
        }
    }
    ASSERT_EQ(lines, d.totals.net);
    ASSERT_EQ(taxable, d.totals.net);
    ASSERT_EQ(tax, d.totals.tax);
    ASSERT_EQ(d.totals.net + d.totals.tax, d.totals.gross);
    ASSERT_EQ(d.totals.gross.scale(), minor);
}

run_result run(
    const std::vector<billing_plan>& plans,
    const std::vector<plan_state>& states,
    const std::vector<usage_record>& usage,
    civil_date cutoff
) {
    run_options o;
    o.cutoff = cutoff;
    o.max_periods_per_item = 1000;
    return run_all(plans, states, usage, o);
}

void apply_all(const run_result& r, std::vector<plan_state>& states) {
    for (const auto& d : r.drafts) {
        for (auto& s : states) {
            apply_to_state(d, s);
        }
    }
}

std::vector<plan_state> empty_states(const std::vector<billing_plan>& plans) {
    std::vector<plan_state> states;
    states.reserve(plans.size());
    for (const auto& p : plans) {
        states.push_back(plan_state{p.id, {}, {}, {}});
    }
    return states;
}

TEST(BillingProperty, TotalsAddUpAndCancellationsMirror) {
    generator g(20260401);
    int drafts = 0;
    for (int round = 0; round < 60; ++round) {
        std::vector<billing_plan> plans;
        std::vector<usage_record> usage;
        for (int i = 0; i < 8; ++i) {
            plans.push_back(g.plan(round * 100 + i));
            auto u = g.usage(plans.back());
            usage.insert(usage.end(), u.begin(), u.end());
        }
        const auto r = run(plans, empty_states(plans), usage, g.date("2025-06-01", 600));
        ASSERT_TRUE(r.failures.empty()) << r.failures.front().second.message;
        for (const auto& d : r.drafts) {
            ++drafts;
            check_totals(d);
            invoice original = d;
            ASSERT_TRUE(
                finalize(original, {"RE-" + std::to_string(drafts), date_of("2027-01-01")}).has_value()
            );
            invoice storno = make_cancellation(original, {}).value();
            ASSERT_TRUE(finalize(storno, {"GS-" + std::to_string(drafts), date_of("2027-01-02")}).has_value()
            );
            ASSERT_EQ(signed_total(original) + signed_total(storno), decimal{});
            ASSERT_EQ(storno.totals.breakdown.size(), original.totals.breakdown.size());
            for (std::size_t i = 0; i < storno.totals.breakdown.size(); ++i) {
                ASSERT_EQ(storno.totals.breakdown[i].tax, original.totals.breakdown[i].tax);
                ASSERT_EQ(storno.totals.breakdown[i].taxable, original.totals.breakdown[i].taxable);
            }
        }
    }
    EXPECT_GT(drafts, 200);
}

using key_set = std::set<std::tuple<std::string, std::string, std::string>>;  // plan, item, period start

key_set keys_of(const std::vector<run_result>& runs) {
    key_set keys;
    for (const auto& r : runs) {
        for (const auto& d : r.drafts) {
            for (const auto& b : d.billed) {
                const bool inserted =
                    keys.emplace(b.key.plan_id, b.key.item_key, format_iso_date(b.key.period_start)).second;
                EXPECT_TRUE(inserted) << "billed twice: " << b.key.plan_id << "/" << b.key.item_key << " "
                                      << format_iso_date(b.key.period_start);
            }
        }
    }
    return keys;
}

// Plans without quantity changes: the incremental runs must bill exactly the catch-up run's periods, each
// once, contiguous from the item's start, and a repeated run must bill nothing.
TEST(BillingProperty, IncrementalRunsEqualOneCatchUpAndNeverRebill) {
    generator g(77);
    for (int round = 0; round < 40; ++round) {
        std::vector<billing_plan> plans;
        std::vector<usage_record> usage;
        for (int i = 0; i < 6; ++i) {
            billing_plan p = g.plan(round * 100 + i);
            for (auto& item : p.items) {
                item.changes.clear();
            }
            plans.push_back(p);
            auto u = g.usage(p);
            usage.insert(usage.end(), u.begin(), u.end());
        }
        std::vector<civil_date> cutoffs;
        civil_date c = date_of("2025-02-01");
        for (int i = 0; i < 5; ++i) {
            c = add_days(c, g.between(1, 200));
            cutoffs.push_back(c);
        }
        auto states = empty_states(plans);
        std::vector<run_result> incremental;
        for (const auto& cutoff : cutoffs) {
            incremental.push_back(run(plans, states, usage, cutoff));
            apply_all(incremental.back(), states);
            const auto again = run(plans, states, usage, cutoff);
            ASSERT_TRUE(again.drafts.empty())
                << "a repeated run billed something at " << format_iso_date(cutoff);
        }
        const auto once = run(plans, empty_states(plans), usage, cutoffs.back());
        ASSERT_EQ(keys_of(incremental), keys_of({once}));
        decimal incremental_net;
        for (const auto& r : incremental) {
            for (const auto& d : r.drafts) {
                incremental_net = incremental_net + d.totals.net;
            }
        }
        decimal once_net;
        for (const auto& d : once.drafts) {
            once_net = once_net + d.totals.net;
        }
        // Invoice discounts are computed per invoice (and rounded per invoice), so the totals only match
        // without them.
        const bool invoice_discounts = std::any_of(plans.begin(), plans.end(), [](const billing_plan& p) {
            return !p.invoice_discounts.empty();
        });
        if (!invoice_discounts) {
            ASSERT_EQ(incremental_net, once_net);
        }
        // Contiguity: per item the regular billed periods run from the item's start without gap or overlap.
        std::map<std::pair<std::string, std::string>, std::vector<std::pair<civil_date, civil_date>>> periods;
        for (const auto& d : once.drafts) {
            for (const auto& b : d.billed) {
                periods[{b.key.plan_id, b.key.item_key}].emplace_back(b.key.period_start, b.period_end);
            }
        }
        for (auto& [key, list] : periods) {
            std::sort(list.begin(), list.end());
            const billing_plan& p = *std::find_if(plans.begin(), plans.end(), [&](const billing_plan& x) {
                return x.id == key.first;
            });
            const plan_item& item = *std::find_if(p.items.begin(), p.items.end(), [&](const plan_item& x) {
                return x.key == key.second;
            });
            if (item.type == charge_type::one_time) {
                continue;
            }
            ASSERT_EQ(list.front().first, item.start.value_or(p.start));
            for (std::size_t i = 1; i < list.size(); ++i) {
                ASSERT_EQ(list[i].first, add_days(list[i - 1].second, 1)) << key.first << "/" << key.second;
            }
        }
    }
}

// Quantity changes after billing: credits are capped by what was billed, and every day stays billed once.
TEST(BillingProperty, ChangesNeverOverCredit) {
    generator g(4242);
    int credits = 0;
    for (int round = 0; round < 200; ++round) {
        billing_plan p = test::plan_with("P-1", "2026-01-01", {});
        p.start = g.date("2025-01-01", 300);
        p.period = test::period_of(g.chance(50) ? "P1M" : "P3M");
        p.alignment = g.chance(50) ? period_alignment::calendar : period_alignment::anniversary;
        plan_item item = test::recurring("lic", std::to_string(g.between(1, 20)), test::per_unit("10.00"));
        item.timing = g.chance(70) ? billing_timing::in_advance : billing_timing::in_arrears;
        p.items = {item};
        std::vector<billing_plan> plans{p};
        auto states = empty_states(plans);
        civil_date cutoff = add_days(p.start, g.between(0, 200));
        apply_all(run(plans, states, {}, cutoff), states);
        // Up to three rounds of changes inside already billed time, each followed by a run.
        for (int k = 0; k < 3; ++k) {
            const civil_date at = add_days(p.start, g.between(0, 200));
            auto& changes = plans.front().items.front().changes;
            std::erase_if(changes, [&](const quantity_change& c) { return !(c.effective < at); });
            changes.push_back({at, decimal{g.between(0, 25)}});
            if (g.chance(20)) {
                plans.front().items.front().end = add_days(at, g.between(0, 40));
            }
            cutoff = add_days(cutoff, g.between(0, 60));
            const auto r = run(plans, states, {}, cutoff);
            ASSERT_TRUE(r.failures.empty());
            apply_all(r, states);
        }
        for (const auto& i : states.front().items) {
            for (const auto& c : i.charges) {
                ASSERT_LE(decimal{}, c.credited);
                ASSERT_LE(c.credited, c.billed_net);
                credits += c.credited.is_zero() ? 0 : 1;
            }
        }
        // A final run with nothing changed bills nothing.
        const auto last = run(plans, states, {}, cutoff);
        if (!last.drafts.empty()) {
            std::string why = "round " + std::to_string(round) + ", cutoff " + format_iso_date(cutoff) + ":";
            for (const auto& l : last.drafts.front().lines) {
                why += "\n  " + l.description + " " + to_string(l.net);
            }
            for (const auto& c : states.front().get("lic").charges) {
                why += "\n  charge " + format_iso_date(c.period_start) + ".." +
                       format_iso_date(c.period_end) + " rev " + std::to_string(c.revision) + " q " +
                       to_string(c.quantity) + " net " + to_string(c.billed_net) + " credited " +
                       to_string(c.credited) +
                       (c.credited_from ? " from " + format_iso_date(*c.credited_from) : "");
            }
            for (const auto& ch : plans.front().items.front().changes) {
                why += "\n  change " + format_iso_date(ch.effective) + " -> " + to_string(ch.quantity);
            }
            FAIL() << why;
        }
    }
    EXPECT_GT(credits, 50);
}

}  // namespace
}  // namespace fakturad::billing
