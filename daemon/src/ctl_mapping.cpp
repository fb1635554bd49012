#include "ctl_mapping.hpp"

#include "billing_context.hpp"
#include "fakturad/billing/run.hpp"
#include "fakturad/net/http_client.hpp"
#include "fakturad/salesforce/client.hpp"
#include "org_binding.hpp"
#include "org_calendar.hpp"
#include "salesforce_setup.hpp"
#include "system_clock.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <ostream>

namespace fakturad::daemon {
namespace {

namespace asio = boost::asio;

// Runs `body(client)` to completion on a private io_context; exceptions propagate.
template <typename Body>
auto with_salesforce(const config::settings& cfg, Body body) {
    asio::io_context io;
    net::http_client_options http_options;
    http_options.ca_file = cfg.salesforce->ca_file;
    net::http_client http(io.get_executor(), http_options);
    system_clock clock;
    mt_random random;
    salesforce::client sf(http, salesforce_client_options(*cfg.salesforce), clock, random);
    using result_type = typename decltype(body(sf))::value_type;
    std::optional<result_type> result;
    std::exception_ptr failure;
    auto task = [&]() -> asio::awaitable<void> { result = co_await body(sf); };
    asio::co_spawn(io, task, [&failure](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return std::move(*result);
}

std::vector<std::filesystem::path> config_files(const config::settings& cfg) {
    std::vector<std::filesystem::path> files;
    for (const auto& m : cfg.mappings) {
        files.push_back(m.path);
    }
    return files;
}

void print_party(std::ostream& out, std::string_view label, const billing::party& p) {
    out << "  " << label << ": " << p.name << " (" << p.id << ")";
    if (!p.country.empty()) {
        out << ", " << p.country;
    }
    if (!p.vat_id.empty()) {
        out << ", VAT ID " << p.vat_id;
    }
    out << '\n';
    std::string address;
    for (const auto& line : p.address) {
        address += line + ", ";
    }
    address += p.postcode + " " + p.city;
    out << "    " << address << '\n';
    for (const auto& e : p.emails) {
        out << "    invoices to " << e << '\n';
    }
}

void print_plan(std::ostream& out, const billing::billing_plan& plan) {
    out << "billing plan " << plan.id << '\n';
    print_party(out, "buyer", plan.account);
    out << "  seller: " << plan.seller.id << " " << plan.seller.name << '\n';
    out << "  currency " << plan.cur.code() << ", language " << plan.language << ", period "
        << to_string(plan.period) << ", "
        << (plan.alignment == period_alignment::calendar ? "calendar" : "anniversary")
        << " alignment, payment " << plan.terms.net_days << " days net\n";
    out << "  from " << format_iso_date(plan.start) << " to "
        << (plan.end ? format_iso_date(*plan.end) : std::string("open end")) << '\n';
    if (!plan.references.buyer_reference.empty()) {
        out << "  buyer reference " << plan.references.buyer_reference << '\n';
    }
    if (!plan.references.order_reference.empty()) {
        out << "  order reference " << plan.references.order_reference << '\n';
    }
    for (const auto& item : plan.items) {
        out << "  item " << item.key << ": " << item.description << ", " << to_string(item.type) << ", "
            << to_string(item.price.model);
        if (item.type != billing::charge_type::usage) {
            out << ", quantity " << to_string(item.quantity);
        }
        for (const auto& p : item.price.prices) {
            if (item.price.model != billing::pricing_model::percentage) {
                out << ", price " << to_string(p.price) << " " << p.cur.code();
            }
        }
        if (item.price.model == billing::pricing_model::percentage) {
            out << ", " << to_string(item.price.percent) << " %";
        }
        out << '\n';
    }
    for (const auto& m : plan.milestones) {
        out << "  milestone " << m.key << ": " << to_string(m.type);
        if (m.percent) {
            out << ", " << to_string(*m.percent) << " %";
        }
        if (m.amount) {
            out << ", " << to_string(*m.amount) << " " << plan.cur.code();
        }
        out << ", " << (m.due ? "due " + format_iso_date(*m.due) : std::string("not reached")) << '\n';
    }
}

}  // namespace

int run_mapping_check(
    const config::settings& cfg,
    std::vector<std::filesystem::path> files,
    std::ostream& out,
    std::ostream& err
) {
    if (!cfg.salesforce) {
        err << "fakturactl: mapping check needs the configuration's salesforce section (the org to check "
               "against)\n";
        return 2;
    }
    if (files.empty()) {
        files = config_files(cfg);
    }
    if (files.empty()) {
        err << "fakturactl: no mapping files: name them (fakturactl mapping check FILE) or list them under "
               "`mappings:` in the configuration\n";
        return 2;
    }
    auto result =
        with_salesforce(cfg, [files](salesforce::client& sf) { return bind_mapping_files(sf, files); });
    for (const auto& p : result.problems) {
        err << p << '\n';
    }
    if (result.org_unreachable) {
        err << "fakturactl: the org could not be asked; nothing was checked against it\n";
        return 3;
    }
    if (!result.set) {
        err << result.problems.size() << (result.problems.size() == 1 ? " problem" : " problems")
            << " in the mapping files\n";
        return 1;
    }
    if (cfg.billing && cfg.billing->finalize == config::billing_settings::finalize_kind::approval &&
        !(result.set->writeback && result.set->writeback->approval())) {
        err << "billing.finalize is approval, but the write-back mapping has no approval section "
               "(mapping/README.md, writeback.approval)\n";
        return 1;
    }
    out << "mappings ok: " << result.set->plans.size() << " plan mapping(s), " << result.set->usage.size()
        << " usage mapping(s), write-back " << (result.set->writeback ? "configured" : "not configured")
        << ", " << result.schema.objects().size() << " objects described\n";
    return 0;
}

int run_mapping_preview(
    const config::settings& cfg,
    const std::string& record_id,
    const std::string& date,
    std::ostream& out,
    std::ostream& err
) {
    if (!cfg.salesforce || cfg.mappings.empty()) {
        err << "fakturactl: mapping preview needs the configuration's salesforce section and its mappings\n";
        return 2;
    }
    const bool id_shape = (record_id.size() == 15 || record_id.size() == 18) &&
                          std::all_of(record_id.begin(), record_id.end(), [](char c) {
                              return std::isalnum(static_cast<unsigned char>(c)) != 0;
                          });
    if (!id_shape) {
        err << "fakturactl: '" << record_id
            << "' is not a Salesforce record id (15 or 18 letters and digits)\n";
        return 2;
    }
    civil_date cutoff = civil_date_in(cfg.instance.time_zone, system_clock{}.now());
    if (!date.empty()) {
        auto parsed = parse_iso_date(date);
        if (const auto* d = std::get_if<civil_date>(&parsed)) {
            cutoff = *d;
        } else {
            err << "fakturactl: --date: " << std::get<std::string>(parsed) << '\n';
            return 2;
        }
    }
    std::optional<billing_context> billing;
    if (cfg.billing) {
        try {
            billing = billing_context::load(*cfg.billing);
        } catch (const std::exception& e) {
            err << e.what();
            return 1;
        }
    }
    struct found {
        binding_result binding;
        std::vector<std::pair<std::size_t, boost::json::object>> plans;  // mapping index, record
        std::vector<std::pair<std::size_t, boost::json::object>> usage;
        std::string error;
    };
    const auto files = config_files(cfg);
    auto look = [files, record_id](salesforce::client& sf) -> asio::awaitable<found> {
        found f;
        f.binding = co_await bind_mapping_files(sf, files);
        if (!f.binding.set) {
            co_return f;
        }
        const std::vector<std::string> ids{record_id};
        for (std::size_t i = 0; i < f.binding.set->plans.size(); ++i) {
            auto on_page = [&f, i](salesforce::query_page& page) {
                for (auto& r : page.records) {
                    f.plans.emplace_back(i, r.as_object());
                }
                return true;
            };
            auto q = sf.query(f.binding.set->plans[i].soql_by_ids(ids), on_page);
            if (auto r = co_await std::move(q); !r) {
                f.error = r.error().describe();
                co_return f;
            }
        }
        for (std::size_t i = 0; i < f.binding.set->usage.size(); ++i) {
            const auto& m = f.binding.set->usage[i];
            const std::string soql = m.soql_by_ids(ids);
            auto on_page = [&f, i](salesforce::query_page& page) {
                for (auto& r : page.records) {
                    f.usage.emplace_back(i, r.as_object());
                }
                return true;
            };
            auto q = sf.query(soql, on_page);
            if (auto r = co_await std::move(q); !r) {
                f.error = r.error().describe();
                co_return f;
            }
        }
        co_return f;
    };
    auto f = with_salesforce(cfg, look);
    if (!f.binding.set) {
        for (const auto& p : f.binding.problems) {
            err << p << '\n';
        }
        err << "fakturactl: fix the mapping problems first (fakturactl mapping check)\n";
        return f.binding.org_unreachable ? 3 : 1;
    }
    if (!f.error.empty()) {
        err << "fakturactl: " << f.error << '\n';
        return 3;
    }
    if (f.plans.empty() && f.usage.empty()) {
        err << "fakturactl: no plan or usage mapping reads a record " << record_id
            << " (an object no mapping names, or a record the integration user cannot see)\n";
        return 1;
    }
    mapping::apply_context ctx;
    const auto zone_name = cfg.instance.time_zone;
    ctx.to_civil_date = [zone_name](instant at) { return civil_date_in(zone_name, at); };
    ctx.legal_entity = [&billing](std::string_view code) {
        return billing ? billing->legal_entity(code) : nullptr;
    };
    int code = 0;
    for (const auto& [index, record] : f.plans) {
        const auto& m = f.binding.set->plans[index];
        out << m.object() << " " << record_id << " via mapping " << m.name() << " (" << m.location().file
            << ":" << m.location().line << ")\n";
        if (!m.matches(record)) {
            out << "  does not match the mapping's `where` conditions: no plan (an existing plan would "
                   "end)\n";
            continue;
        }
        auto mapped = m.apply(record, ctx);
        if (!mapped.plan) {
            for (const auto& p : mapped.problems) {
                err << p.to_string() << '\n';
            }
            err << "the record would be quarantined (" << mapped.problems.size() << " problem(s))\n";
            code = 1;
            continue;
        }
        print_plan(out, *mapped.plan);
        billing::run_options options;
        options.cutoff = cutoff;
        options.vat = billing ? billing->vat() : nullptr;
        // The run itself on an empty state: periods due, or the milestones of a project plan.
        const std::vector<billing::billing_plan> plans{*mapped.plan};
        std::vector<billing::plan_state> states(1);
        states.front().plan_id = mapped.plan->id;
        const auto result = billing::run_all(plans, states, {}, options);
        if (!result.failures.empty()) {
            err << "not billable: " << result.failures.front().second.message << '\n';
            code = 1;
            continue;
        }
        out << "documents a run on " << format_iso_date(cutoff) << " would make (nothing billed before):\n";
        if (result.drafts.empty()) {
            out << "  none due\n";
        }
        for (const auto& doc : result.drafts) {
            out << "  " << billing::to_string(doc.type)
                << (doc.milestone.empty() ? std::string() : " for milestone " + doc.milestone) << ":\n";
            for (const auto& line : doc.lines) {
                out << "    " << line.description << ": " << to_string(line.quantity) << " x "
                    << to_string(line.unit_price) << " = " << to_string(line.net) << " " << doc.cur.code()
                    << " (" << line.vat.category << " " << to_string(line.vat.rate) << " %)\n";
            }
            out << "    net " << to_string(doc.totals.net) << ", VAT " << to_string(doc.totals.tax)
                << ", gross " << to_string(doc.totals.gross);
            if (!doc.deductions.empty()) {
                out << ", prepaid " << to_string(doc.totals.prepaid) << ", due " << to_string(doc.totals.due);
            }
            out << " " << doc.cur.code() << '\n';
        }
    }
    for (const auto& [index, record] : f.usage) {
        const auto& m = f.binding.set->usage[index];
        out << m.object() << " " << record_id << " via usage mapping " << m.name() << '\n';
        auto mapped = m.apply(record, ctx);
        if (!mapped.usage) {
            for (const auto& p : mapped.problems) {
                err << p.to_string() << '\n';
            }
            code = 1;
            continue;
        }
        out << "  usage " << mapped.usage->external_id << ": plan " << mapped.usage->plan_id << ", item "
            << mapped.usage->item_key << ", " << to_string(mapped.usage->quantity) << " on "
            << format_iso_date(mapped.usage->date) << '\n';
    }
    return code;
}

}  // namespace fakturad::daemon
