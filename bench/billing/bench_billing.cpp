// Drafts invoices for N generated billing plans, streamed through one invoice_run: each plan is generated
// into a reused object, billed, and its draft handed to a sink that only counts it, so memory is bounded by
// one batch of plans, never by N. Each plan has 5 items of mixed pricing models:
//   licences  recurring per_unit in advance, every 7th plan with a mid-period quantity change
//   api       usage tiered (graduated) in arrears over 3 usage records
//   seats     recurring volume in advance with a separate tier-selection quantity
//   platform  recurring flat_fee in advance, every 5th plan starting mid-period (prorated stub)
//   sales     usage percentage commission with a minimum, in arrears over 2 transactions
// Every plan was billed through the previous month; the cutoff (2026-04-01) makes April due in advance and
// March in arrears, and every 11th plan missed two runs (catch-up of three periods). Two consecutive plans
// share a bill-to account, so grouping merges them into one draft.
//
// Output: progress lines, the CPU time of the process (what the run costs on one core even when other
// programs share the machine), then last `RESULT plans=N seconds=S plans_per_s=R peak_rss_mb=M` with wall
// time and the peak RSS of the process from getrusage.
#include "fakturad/billing/run.hpp"

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace fakturad;           // NOLINT(google-build-using-namespace) one-file program
using namespace fakturad::billing;  // NOLINT(google-build-using-namespace)

civil_date date(int y, unsigned m, unsigned d) {
    return civil_date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

class counting_sink final : public draft_sink {
public:
    // The draft is only counted; the run drops it.
    void on_draft(invoice&& draft) override {  // NOLINT(cppcoreguidelines-rvalue-reference-param-not-moved)
        ++drafts;
        lines += draft.lines.size();
        billed += draft.billed.size();
        checksum += static_cast<std::uint64_t>(draft.totals.gross.mantissa());
    }
    void on_plan_failed(std::string_view plan_id, const billing_error& error) override {
        ++failed;
        if (failed <= 3) {
            std::fprintf(
                stderr,
                "plan %.*s failed: %s\n",
                static_cast<int>(plan_id.size()),
                plan_id.data(),
                error.message.c_str()
            );
        }
    }
    std::uint64_t drafts = 0;
    std::uint64_t lines = 0;
    std::uint64_t billed = 0;
    std::uint64_t failed = 0;
    std::uint64_t checksum = 0;
};

pricing one_price(pricing_model model, decimal price) {
    pricing p;
    p.model = model;
    currency_prices c;
    c.price = price;
    p.prices.push_back(c);
    return p;
}

plan_item make_item(std::string key, std::string description, charge_type type, pricing price) {
    plan_item item;
    item.key = std::move(key);
    item.description = std::move(description);
    item.type = type;
    item.timing = type == charge_type::usage ? billing_timing::in_arrears : billing_timing::in_advance;
    item.price = std::move(price);
    item.vat = {"S", decimal{19}};
    return item;
}

// The template every generated plan is derived from; generate() only changes what differs per plan.
billing_plan template_plan() {
    billing_plan plan;
    plan.seller.id = "DE01";
    plan.seller.name = "Muster Software GmbH";
    plan.seller.vat_id = "DE123456789";
    plan.seller.country = "DE";
    plan.account.name = "Kunde";
    plan.language = "de";
    plan.start = date(2025, 1, 1);
    plan.period = billing_period{1, period_unit::month};
    plan.alignment = period_alignment::calendar;

    plan_item licences = make_item(
        "licences",
        "CRM-Lizenzen",
        charge_type::recurring,
        one_price(pricing_model::per_unit, decimal{1000, 2})
    );
    pricing tiered = one_price(pricing_model::tiered, decimal{});
    tiered.prices[0].tiers = {
        {decimal{10000}, decimal{}, decimal{}},
        {decimal{100000}, decimal{2, 3}, decimal{}},
        {std::nullopt, decimal{1, 3}, decimal{}}};
    plan_item api = make_item("api", "API-Aufrufe", charge_type::usage, tiered);
    pricing volume = one_price(pricing_model::volume, decimal{});
    volume.prices[0].tiers = {
        {decimal{10}, decimal{1200, 2}, decimal{}},
        {decimal{100}, decimal{1000, 2}, decimal{}},
        {std::nullopt, decimal{800, 2}, decimal{}}};
    plan_item seats = make_item("seats", "Arbeitsplätze", charge_type::recurring, volume);
    plan_item platform = make_item(
        "platform",
        "Plattformgebühr",
        charge_type::recurring,
        one_price(pricing_model::flat_fee, decimal{4900, 2})
    );
    pricing commission = one_price(pricing_model::percentage, decimal{});
    commission.percent = decimal{25, 1};
    commission.prices[0].minimum = decimal{2500, 2};
    plan_item sales = make_item("sales", "Provision", charge_type::usage, commission);
    plan.items = {licences, api, seats, platform, sales};
    return plan;
}

struct generated {
    billing_plan plan = template_plan();
    plan_state state;
    std::vector<usage_record> usage;
    std::string number;
};

void set_id(std::string& out, char prefix, std::uint64_t n) {
    out.assign(1, prefix);
    out.push_back('-');
    out += std::to_string(n);
}

void generate(generated& g, std::uint64_t i) {
    billing_plan& p = g.plan;
    set_id(p.id, 'P', i);
    set_id(p.account.id, 'A', i / 2);  // two plans per bill-to
    p.contract_id = p.id;
    const bool catch_up = i % 11 == 0;
    const civil_date billed_through = catch_up ? date(2026, 1, 31) : date(2026, 3, 31);
    const civil_date usage_billed = catch_up ? date(2026, 1, 31) : date(2026, 2, 28);
    p.items[0].quantity = decimal{static_cast<std::int64_t>(1 + i % 50)};
    p.items[0].changes.clear();
    if (i % 7 == 0) {
        p.items[0].changes.push_back({date(2026, 4, 16), decimal{static_cast<std::int64_t>(5 + i % 50)}});
    }
    p.items[2].quantity = decimal{static_cast<std::int64_t>(1 + i % 150)};
    p.items[3].start = i % 5 == 0 ? std::optional<civil_date>(date(2026, 4, 10)) : std::nullopt;

    if (g.state.items.empty()) {
        for (const auto& item : p.items) {
            g.state.items.push_back(item_state{item.key, std::nullopt, {}});
        }
    }
    g.state.plan_id = p.id;
    for (std::size_t k = 0; k < g.state.items.size(); ++k) {
        const bool usage = p.items[k].type == charge_type::usage;
        g.state.items[k].billed_through = usage ? usage_billed : billed_through;
    }
    if (i % 5 == 0) {
        g.state.items[3].billed_through.reset();  // platform starts Apr 10: never billed
    }

    if (g.usage.empty()) {
        g.usage.resize(5);
        for (std::size_t k = 0; k < 3; ++k) {
            g.usage[k].item_key = "api";
        }
        g.usage[3].item_key = "sales";
        g.usage[4].item_key = "sales";
    }
    g.usage[0].date = date(2026, 3, 2);
    g.usage[0].quantity = decimal{static_cast<std::int64_t>(5000 + i % 20000)};
    g.usage[1].date = date(2026, 3, 15);
    g.usage[1].quantity = decimal{static_cast<std::int64_t>(40000 + i % 90000)};
    g.usage[2].date = date(2026, 3, 30);
    g.usage[2].quantity = decimal{static_cast<std::int64_t>(i % 1000)};
    g.usage[3].date = date(2026, 3, 5);
    g.usage[3].quantity = decimal{static_cast<std::int64_t>(100000 + i % 500000), 2};
    g.usage[4].date = date(2026, 3, 25);
    g.usage[4].quantity = decimal{static_cast<std::int64_t>(2000 + i % 90000), 2};
}

// CPU time of the process: what the run cost on one core, independent of other load on the machine.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

long peak_rss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t plans = 1'000'000;
    std::uint64_t batch = 1000;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--plans" || arg == "--batch") && i + 1 < argc) {
            char* end = nullptr;
            const unsigned long long v = std::strtoull(argv[++i], &end, 10);
            if (end == nullptr || *end != '\0' || v == 0) {
                std::fprintf(
                    stderr,
                    "bench_billing: %.*s needs a positive number\n",
                    static_cast<int>(arg.size()),
                    arg.data()
                );
                return 2;
            }
            (arg == "--plans" ? plans : batch) = v;
        } else {
            std::fprintf(stderr, "usage: bench_billing [--plans N] [--batch B]\n");
            return 2;
        }
    }

    counting_sink sink;
    run_options options;
    options.cutoff = date(2026, 4, 1);
    invoice_run run(options, sink);
    generated g;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    auto last_report = start;
    for (std::uint64_t i = 0; i < plans; ++i) {
        generate(g, i);
        run.add(g.plan, g.state, g.usage);
        // A batch boundary is where the real run commits; drafts never span batches when the two plans of a
        // bill-to are in the same batch (batch is even).
        if ((i + 1) % batch == 0) {
            run.finish();
            const auto now = std::chrono::steady_clock::now();
            if (now - last_report > std::chrono::seconds(2)) {
                last_report = now;
                const std::uint64_t done = i + 1;
                std::printf("%llu plans ...\n", static_cast<unsigned long long>(done));
                std::fflush(stdout);
            }
        }
    }
    run.finish();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double seconds = elapsed.count();
    const double cpu = cpu_seconds() - cpu_start;
    const auto& s = run.summary();
    std::printf(
        "drafts %llu, lines %llu, billed periods %llu, failed plans %llu, capped %zu, checksum %llu\n",
        static_cast<unsigned long long>(sink.drafts),
        static_cast<unsigned long long>(sink.lines),
        static_cast<unsigned long long>(sink.billed),
        static_cast<unsigned long long>(sink.failed),
        s.plans_capped,
        static_cast<unsigned long long>(sink.checksum)
    );
    std::printf(
        "cpu %.3f s = %.0f plans/s on one core (the process had %.0f %% of a core; wall time below)\n",
        cpu,
        static_cast<double>(plans) / cpu,
        100.0 * cpu / seconds
    );
    std::printf(
        "RESULT plans=%llu seconds=%.3f plans_per_s=%.0f peak_rss_mb=%.1f\n",
        static_cast<unsigned long long>(plans),
        seconds,
        static_cast<double>(plans) / seconds,
        static_cast<double>(peak_rss_kb()) / 1024.0
    );
    return sink.failed == 0 ? 0 : 1;
}
