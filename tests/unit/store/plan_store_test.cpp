// The sync's repository: accounts, plans (document round trip, outcomes, ending), plans in run group order,
// usage and quarantine.
#include "fakturad/billing/run.hpp"
#include "plan_store_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace fakturad::store {
namespace {

using namespace test_support;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using plan_store_test = plan_store_fixture;

// ---- an equality that also compares the scale of every decimal ------------------------------------------

void expect_same(decimal a, decimal b, const std::string& what) {
    EXPECT_TRUE(identical(a, b)) << what << ": " << to_string(a) << " vs " << to_string(b);
}

void expect_same(const std::optional<decimal>& a, const std::optional<decimal>& b, const std::string& what) {
    ASSERT_EQ(a.has_value(), b.has_value()) << what;
    if (a) {
        expect_same(*a, *b, what);
    }
}

void expect_same(const billing::pricing& a, const billing::pricing& b, const std::string& what) {
    EXPECT_EQ(a.model, b.model) << what;
    expect_same(a.package_size, b.package_size, what + ".package_size");
    expect_same(a.percent, b.percent, what + ".percent");
    ASSERT_EQ(a.prices.size(), b.prices.size()) << what;
    for (std::size_t i = 0; i < a.prices.size(); ++i) {
        const auto& pa = a.prices[i];
        const auto& pb = b.prices[i];
        const std::string at = what + ".prices[" + std::to_string(i) + "]";
        EXPECT_EQ(pa.cur, pb.cur) << at;
        expect_same(pa.price, pb.price, at + ".price");
        expect_same(pa.per_transaction_fee, pb.per_transaction_fee, at + ".per_transaction_fee");
        expect_same(pa.minimum, pb.minimum, at + ".minimum");
        expect_same(pa.maximum, pb.maximum, at + ".maximum");
        ASSERT_EQ(pa.tiers.size(), pb.tiers.size()) << at;
        for (std::size_t t = 0; t < pa.tiers.size(); ++t) {
            expect_same(pa.tiers[t].up_to, pb.tiers[t].up_to, at + ".up_to");
            expect_same(pa.tiers[t].unit_price, pb.tiers[t].unit_price, at + ".unit_price");
            expect_same(pa.tiers[t].flat_fee, pb.tiers[t].flat_fee, at + ".flat_fee");
        }
    }
}

void expect_same(
    const std::vector<billing::discount>& a, const std::vector<billing::discount>& b, const std::string& what
) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].kind, b[i].kind) << what;
        expect_same(a[i].value, b[i].value, what + ".value");
        EXPECT_EQ(a[i].valid_from, b[i].valid_from) << what;
        EXPECT_EQ(a[i].valid_to, b[i].valid_to) << what;
        EXPECT_EQ(a[i].description, b[i].description) << what;
    }
}

void expect_same(const billing::plan_item& a, const billing::plan_item& b) {
    const std::string at = "item " + a.key;
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.description, b.description) << at;
    EXPECT_EQ(a.product_code, b.product_code) << at;
    EXPECT_EQ(a.unit_code, b.unit_code) << at;
    EXPECT_EQ(a.type, b.type) << at;
    EXPECT_EQ(a.timing, b.timing) << at;
    expect_same(a.price, b.price, at + ".price");
    expect_same(a.quantity, b.quantity, at + ".quantity");
    ASSERT_EQ(a.changes.size(), b.changes.size()) << at;
    for (std::size_t i = 0; i < a.changes.size(); ++i) {
        EXPECT_EQ(a.changes[i].effective, b.changes[i].effective) << at;
        expect_same(a.changes[i].quantity, b.changes[i].quantity, at + ".changes");
    }
    expect_same(a.tier_quantity, b.tier_quantity, at + ".tier_quantity");
    EXPECT_EQ(a.aggregation, b.aggregation) << at;
    EXPECT_EQ(a.tier_aggregation, b.tier_aggregation) << at;
    EXPECT_EQ(a.vat.category, b.vat.category) << at;
    expect_same(a.vat.rate, b.vat.rate, at + ".vat.rate");
    EXPECT_EQ(a.tax, b.tax) << at;
    EXPECT_EQ(a.commitment, b.commitment) << at;
    EXPECT_EQ(a.start, b.start) << at;
    EXPECT_EQ(a.end, b.end) << at;
    EXPECT_EQ(a.period, b.period) << at;
    expect_same(a.discounts, b.discounts, at + ".discounts");
}

void expect_same(const billing::billing_plan& a, const billing::billing_plan& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.account, b.account);
    EXPECT_EQ(a.bill_to, b.bill_to);
    EXPECT_EQ(a.cur, b.cur);
    EXPECT_EQ(a.language, b.language);
    EXPECT_EQ(a.terms, b.terms);
    EXPECT_EQ(a.seller, b.seller);
    EXPECT_EQ(a.start, b.start);
    EXPECT_EQ(a.end, b.end);
    EXPECT_EQ(a.renewal.auto_renew, b.renewal.auto_renew);
    EXPECT_EQ(a.renewal.term, b.renewal.term);
    EXPECT_EQ(a.renewal.notice, b.renewal.notice);
    EXPECT_EQ(a.renewal.notice_received, b.renewal.notice_received);
    EXPECT_EQ(a.period, b.period);
    EXPECT_EQ(a.alignment, b.alignment);
    EXPECT_EQ(a.anchor, b.anchor);
    EXPECT_EQ(a.rounding, b.rounding);
    EXPECT_EQ(a.buyer_tax, b.buyer_tax);
    ASSERT_EQ(a.items.size(), b.items.size());
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        expect_same(a.items[i], b.items[i]);
    }
    expect_same(a.invoice_discounts, b.invoice_discounts, "invoice_discounts");
    EXPECT_EQ(a.contract_id, b.contract_id);
    EXPECT_EQ(a.references, b.references);
    EXPECT_EQ(a.payment, b.payment);
    EXPECT_EQ(a.vat_exemptions, b.vat_exemptions);
}

// Every field of billing_plan set to a value other than its default, decimals with trailing zeros.
billing::billing_plan full_plan() {
    billing::billing_plan plan = simple_plan(contract_id(1), account_a);
    plan.account.emails = {"rechnung@kunde.example", "buchhaltung@kunde.example"};
    plan.account.vat_id = "DE987654321";
    plan.account.address = {"Hauptstraße 1", "Hinterhaus"};
    plan.account.postcode = "10115";
    plan.account.city = "Berlin";
    plan.account.subdivision = "BE";
    plan.account.registration_id = "HRB 4711";
    plan.account.invoice_contact = {"Erika Muster", "+49 30 123456", "erika@kunde.example"};
    plan.account.endpoint = billing::electronic_address{"0204", "991-12345-67"};
    billing::party bill_to;
    bill_to.id = std::string(account_b);
    bill_to.name = "Kunde 002 Zentrale";
    bill_to.emails = {"ap@zentrale.example"};
    bill_to.country = "AT";
    plan.bill_to = bill_to;
    plan.cur = currency("CHF");
    plan.language = "en";
    plan.terms = {30, "2 % Skonto bei Zahlung binnen 10 Tagen"};
    plan.seller.tax_number = "30/123/45678";
    plan.seller.legal_registration = "Amtsgericht Berlin HRB 1";
    plan.seller.bank = billing::bank_account{"DE02120300000000202051", "BYLADEM1001", "Muster Software GmbH"};
    plan.seller.creditor_id = "DE98ZZZ09999999999";
    plan.end = day("2027-12-31");
    plan.renewal = {true, {2, period_unit::year}, {6, period_unit::week}, day("2027-03-01")};
    plan.period = {3, period_unit::month};
    plan.alignment = period_alignment::anniversary;
    plan.anchor = day("2026-01-15");
    plan.rounding = vat_rounding::per_line;
    plan.buyer_tax = {false, true};
    plan.contract_id = "CONTRACT-0042";
    plan.references = {"991-12345-67", "PO-77", "K-2026-1"};
    plan.payment = billing::payment_means{
        billing::payment_means_code::direct_debit,
        "MANDATE-1",
        "DE44500105175407324931",
        "",
        "",
        "RE",
        "VISA"};
    plan.vat_exemptions = {{"AE", "VATEX-EU-AE", "Reverse charge"}};
    plan.invoice_discounts = {
        {billing::discount_kind::amount, dec("5.50"), day("2026-01-01"), std::nullopt, "Welcome"}};

    billing::plan_item& seats = plan.items.front();
    seats.product_code = "SEAT-1";
    seats.unit_code = "MON";
    seats.timing = billing::billing_timing::in_arrears;
    seats.quantity = dec("2.50");
    seats.changes = {{day("2026-04-01"), dec("3.0")}, {day("2026-07-01"), dec("4")}};
    seats.price.model = billing::pricing_model::volume;
    seats.price.prices.front().tiers = {
        {dec("10.000"), dec("1.20"), dec("0")}, {std::nullopt, dec("0.90"), dec("5.00")}};
    seats.price.prices.front().minimum = dec("20.00");
    seats.price.prices.front().maximum = dec("999.990");
    seats.tier_quantity = dec("12.0");
    seats.vat = {"S", dec("19.0")};
    seats.tax = billing::item_tax{"electronic_services", "reduced"};
    seats.start = day("2026-02-01");
    seats.end = day("2027-06-30");
    seats.period = billing_period{1, period_unit::month};
    seats.discounts = {{billing::discount_kind::percent, dec("12.50"), std::nullopt, day("2026-12-31"), ""}};

    billing::plan_item usage;
    usage.key = "api";
    usage.description = "API calls";
    usage.type = billing::charge_type::usage;
    usage.timing = billing::billing_timing::in_arrears;
    usage.aggregation = billing::usage_aggregation::unique_count;
    usage.tier_aggregation = billing::usage_aggregation::max;
    usage.price.model = billing::pricing_model::percentage;
    usage.price.percent = dec("2.50");
    usage.price.package_size = dec("100");
    billing::currency_prices chf;
    chf.cur = currency("CHF");
    chf.per_transaction_fee = dec("0.30");
    usage.price.prices.push_back(chf);
    usage.vat = {"AE", dec("0")};
    plan.items.push_back(usage);

    billing::plan_item commitment;
    commitment.key = "commit";
    commitment.description = "Minimum commitment";
    commitment.type = billing::charge_type::recurring;
    commitment.timing = billing::billing_timing::in_arrears;
    commitment.price.model = billing::pricing_model::stairstep;
    billing::currency_prices c;
    c.cur = currency("CHF");
    c.tiers = {{dec("10"), dec("0"), dec("100.00")}};
    commitment.price.prices.push_back(c);
    commitment.commitment = billing::commitment_terms{{"seats", "api"}};
    commitment.vat = {"S", dec("19")};
    plan.items.push_back(commitment);
    return plan;
}

// ---- accounts -------------------------------------------------------------------------------------------

TEST_F(plan_store_test, accounts_are_upserted_by_sf_id_and_report_what_changed) {
    account_record account;
    account.sf_id = "001000000000009AAA";
    account.name = "Neu AG";
    account.raw_json = R"({"Id":"001000000000009AAA"})";
    account.system_modstamp = t0;
    EXPECT_EQ(plans_->put_account(account, t0), put_outcome::created);
    EXPECT_EQ(
        scalar("SELECT billing_country IS NULL AND vat_id IS NULL FROM accounts WHERE name = 'Neu AG'"), "1"
    ) << "empty country and VAT ID are stored as NULL (the CHECK wants two capital letters)";
    EXPECT_EQ(plans_->put_account(account, t0), put_outcome::unchanged);
    account.vat_id = "DE136695976";
    account.billing_country = "DE";
    EXPECT_EQ(plans_->put_account(account, t0 + std::chrono::minutes{1}), put_outcome::changed);
    EXPECT_EQ(
        scalar("SELECT vat_id || billing_country FROM accounts WHERE sf_id = '001000000000009AAA'"),
        "DE136695976DE"
    );
    EXPECT_EQ(scalar("SELECT count(*) FROM accounts"), "4");

    account.billing_country = "Germany";
    try {
        plans_->put_account(account, t0);
        FAIL() << "a country that is not ISO-2 must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("account 001000000000009AAA (Neu AG) was not stored"));
    }
}

// ---- plans ----------------------------------------------------------------------------------------------

TEST_F(plan_store_test, a_plan_comes_back_exactly_with_every_field) {
    const billing::billing_plan plan = full_plan();
    plan_record record = record_of(plan);
    EXPECT_EQ(plans_->put_plan(record, t0), put_outcome::created);

    const auto loaded = plans_->load_plan(plan.id);
    ASSERT_TRUE(loaded);
    expect_same(loaded->plan, plan);
    EXPECT_EQ(loaded->source_object, "Contract");
    EXPECT_EQ(loaded->mapping_name, "contracts");
    EXPECT_EQ(loaded->source_json, record.source_json);
    EXPECT_EQ(loaded->system_modstamp, t0);
    EXPECT_EQ(loaded->status, "active");
    EXPECT_EQ(loaded->ended_reason, "");
    EXPECT_FALSE(plans_->load_plan(contract_id(99)));

    // The columns are the query surface: they agree with the document.
    EXPECT_EQ(
        scalar("SELECT currency || ' ' || language || ' ' || start_date || ' ' || end_date || ' ' ||"
               " billing_period || ' ' || alignment FROM billing_plans"),
        "CHF en 2026-01-01 2027-12-31 P3M anniversary"
    );
    EXPECT_EQ(scalar("SELECT bill_to_account_id FROM billing_plans"), "2");
    EXPECT_EQ(
        scalar(
            "SELECT group_concat(source_item_key || ':' || pricing_model || ':' || coalesce(quantity, '-') ||"
            " ':' || coalesce(usage_aggregation, '-'), ' ') FROM plan_items"
        ),
        "seats:volume:2.5:- api:percentage:-:unique_count commit:stairstep:1:-"
    );

    // A project plan's milestones come back too.
    billing::billing_plan project = full_plan();
    project.id = contract_id(2);
    project.milestones = {
        {"order",
         billing::milestone_type::advance,
         parse_decimal_or_throw("30"),
         std::nullopt,
         civil_date{std::chrono::year{2026} / 1 / 15},
         "On order"},
        {"delivery",
         billing::milestone_type::progress,
         std::nullopt,
         parse_decimal_or_throw("1250.50"),
         std::nullopt,
         ""},
        {"acceptance", billing::milestone_type::final_invoice, std::nullopt, std::nullopt, std::nullopt, ""},
    };
    plans_->put_plan(record_of(project), t0);
    EXPECT_EQ(plans_->load_plan(project.id)->plan.milestones, project.milestones);
}

TEST_F(plan_store_test, put_plan_says_created_changed_or_unchanged) {
    billing::billing_plan plan = simple_plan(contract_id(1), account_a);
    EXPECT_EQ(plans_->put_plan(record_of(plan), t0), put_outcome::created);
    EXPECT_EQ(plans_->put_plan(record_of(plan), t0 + std::chrono::hours{1}), put_outcome::unchanged);
    EXPECT_EQ(scalar("SELECT updated_at FROM billing_plans"), "2026-11-27T09:00:00.000Z")
        << "nothing written";

    plan.items.front().quantity = dec("2.0");  // the same value at another scale is another document
    EXPECT_EQ(plans_->put_plan(record_of(plan), t0 + std::chrono::hours{1}), put_outcome::changed);
    EXPECT_EQ(scalar("SELECT updated_at FROM billing_plans"), "2026-11-27T10:00:00.000Z");

    plan_record other_source = record_of(plan);
    other_source.source_json = R"({"Id":"x","Status":"Draft"})";
    EXPECT_EQ(plans_->put_plan(other_source, t0), put_outcome::changed) << "the source record changed";
    EXPECT_EQ(plans_->put_plan(record_of(plan, "contracts-v2"), t0), put_outcome::changed)
        << "another mapping";
    EXPECT_EQ(scalar("SELECT count(*) FROM billing_plans"), "1");
}

TEST_F(plan_store_test, a_missing_account_bill_to_or_legal_entity_is_named) {
    billing::billing_plan plan = simple_plan(contract_id(1), "001000000000077AAA");
    try {
        plans_->put_plan(record_of(plan), t0);
        FAIL() << "a plan of an unknown account must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("billing plan 800000000000001AAA (Contract, mapping contracts)"));
        EXPECT_THAT(e.what(), HasSubstr("account 001000000000077AAA (Kunde 077) is not in the store"));
    }
    plan = simple_plan(contract_id(1), account_a);
    plan.seller.id = "FR01";
    try {
        plans_->put_plan(record_of(plan), t0);
        FAIL() << "a plan of an unknown legal entity must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("legal entity \"FR01\" is not in the store"));
    }
    plan = simple_plan(contract_id(1), account_a);
    plan.bill_to = billing::party{};
    plan.bill_to->id = "003000000000001AAA";
    try {
        plans_->put_plan(record_of(plan), t0);
        FAIL() << "a plan billed to an unknown contact must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(
            e.what(), HasSubstr("bill-to 003000000000001AAA is neither a synced account nor a synced contact")
        );
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM billing_plans"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM plan_items"), "0");
}

TEST_F(plan_store_test, item_rows_of_removed_items_are_kept_for_the_periods_that_refer_to_them) {
    billing::billing_plan plan = simple_plan(contract_id(1), account_a);
    billing::plan_item extra = plan.items.front();
    extra.key = "support";
    extra.description = "Support";
    plan.items.push_back(extra);
    plans_->put_plan(record_of(plan), t0);
    const std::string support_id = scalar("SELECT id FROM plan_items WHERE source_item_key = 'support'");

    plan.items.pop_back();
    plan.items.front().description = "Seats (renamed)";
    EXPECT_EQ(plans_->put_plan(record_of(plan), t0), put_outcome::changed);
    EXPECT_EQ(scalar("SELECT id FROM plan_items WHERE source_item_key = 'support'"), support_id);
    EXPECT_EQ(
        scalar("SELECT description FROM plan_items WHERE source_item_key = 'seats'"), "Seats (renamed)"
    );
    const auto loaded = plans_->load_plan(plan.id);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->plan.items.size(), 1u) << "the document is the plan as it is now";
}

TEST_F(plan_store_test, end_plan_ends_or_cancels_and_is_a_no_op_otherwise) {
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
    EXPECT_FALSE(plans_->end_plan(contract_id(99), day("2026-06-30"), "gone", t0)) << "no such plan";

    EXPECT_TRUE(plans_->end_plan(contract_id(1), day("2026-06-30"), "not returned by Salesforce", t0));
    auto loaded = plans_->load_plan(contract_id(1));
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->status, "ended");
    EXPECT_EQ(loaded->ended_reason, "not returned by Salesforce");
    EXPECT_EQ(loaded->plan.end, day("2026-06-30"));
    EXPECT_EQ(scalar("SELECT end_date FROM billing_plans"), "2026-06-30");
    EXPECT_FALSE(plans_->end_plan(contract_id(1), day("2026-06-30"), "again", t0)) << "ends then already";
    EXPECT_FALSE(plans_->end_plan(contract_id(1), day("2026-09-30"), "later", t0)) << "ends before";
    EXPECT_TRUE(plans_->end_plan(contract_id(1), day("2026-03-31"), "earlier", t0));
    EXPECT_EQ(plans_->load_plan(contract_id(1))->plan.end, day("2026-03-31"));

    // A re-sync that still ends by then keeps the plan ended; one that runs longer reactivates it.
    billing::billing_plan resynced = simple_plan(contract_id(1), account_a);
    resynced.end = day("2026-02-28");
    EXPECT_EQ(plans_->put_plan(record_of(resynced), t0), put_outcome::changed);
    EXPECT_EQ(plans_->load_plan(contract_id(1))->status, "ended");
    EXPECT_EQ(plans_->load_plan(contract_id(1))->ended_reason, "earlier");
    EXPECT_EQ(plans_->put_plan(record_of(resynced), t0), put_outcome::unchanged);
    resynced.end.reset();
    EXPECT_EQ(plans_->put_plan(record_of(resynced), t0), put_outcome::changed);
    loaded = plans_->load_plan(contract_id(1));
    EXPECT_EQ(loaded->status, "active");
    EXPECT_EQ(loaded->ended_reason, "");
    EXPECT_FALSE(loaded->plan.end);

    // Ended before it started: cancelled, never billed.
    EXPECT_TRUE(plans_->end_plan(contract_id(1), day("2025-12-15"), "contract withdrawn", t0));
    loaded = plans_->load_plan(contract_id(1));
    EXPECT_EQ(loaded->status, "cancelled");
    EXPECT_EQ(loaded->plan.end, loaded->plan.start);
    EXPECT_FALSE(plans_->end_plan(contract_id(1), day("2025-11-30"), "again", t0)) << "already cancelled";
    EXPECT_EQ(plans_->count_plans({}), 0u);
    EXPECT_TRUE(plans_->plan_ids_of("Contract", "contracts").empty());

    // An auto-renewing plan runs on past its initial term: ending it stops the renewal.
    billing::billing_plan renewing = simple_plan(contract_id(2), account_a);
    renewing.end = day("2026-12-31");
    renewing.renewal.auto_renew = true;
    plans_->put_plan(record_of(renewing), t0);
    EXPECT_TRUE(plans_->end_plan(contract_id(2), day("2027-03-31"), "terminated", t0));
    loaded = plans_->load_plan(contract_id(2));
    EXPECT_FALSE(loaded->plan.renewal.auto_renew);
    EXPECT_EQ(billing::effective_end(loaded->plan), day("2027-03-31"));
}

TEST_F(plan_store_test, plan_ids_of_lists_the_plans_a_mapping_made) {
    plans_->put_plan(record_of(simple_plan(contract_id(3), account_a)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_b)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(2), account_b), "other"), t0);
    EXPECT_THAT(plans_->plan_ids_of("Contract", "contracts"), ElementsAre(contract_id(1), contract_id(3)));
    EXPECT_THAT(plans_->plan_ids_of("Contract", "other"), ElementsAre(contract_id(2)));
    EXPECT_TRUE(plans_->plan_ids_of("Opportunity", "contracts").empty());
}

// ---- plans in run order -----------------------------------------------------------------------------------

class collecting_sink final : public billing::draft_sink {
public:
    void on_draft(billing::invoice&& draft) override { drafts.push_back(std::move(draft)); }
    void on_plan_failed(std::string_view plan_id, const billing::billing_error& error) override {
        ADD_FAILURE() << plan_id << ": " << error.message;
    }
    std::vector<billing::invoice> drafts;
};

TEST_F(plan_store_test, for_each_plan_visits_plans_in_run_group_order_so_each_group_is_one_draft) {
    // Twelve plans in 8 groups over 3 accounts x 2 currencies x 2 languages, put in an order that interleaves
    // them (ids unrelated to the groups), plus one cancelled plan.
    struct spec {
        std::string_view account;
        std::string_view cur;
        std::string_view language;
    };
    const std::vector<spec> specs{
        {account_b, "EUR", "de"},
        {account_a, "CHF", "de"},
        {account_c, "EUR", "en"},
        {account_a, "EUR", "de"},
        {account_b, "CHF", "de"},
        {account_a, "EUR", "en"},
        {account_c, "EUR", "en"},
        {account_b, "EUR", "de"},
        {account_a, "CHF", "de"},
        {account_a, "EUR", "de"},
        {account_c, "CHF", "en"},
        {account_b, "EUR", "en"},
    };
    std::set<std::string> groups;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        billing::billing_plan plan = simple_plan(contract_id(static_cast<int>(100 - i)), specs[i].account);
        plan.cur = currency(specs[i].cur);
        plan.language = std::string(specs[i].language);
        plans_->put_plan(record_of(plan), t0);
        groups.insert(
            std::string(specs[i].account) + "/" + std::string(specs[i].cur) + "/" +
            std::string(specs[i].language)
        );
    }
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
    plans_->end_plan(contract_id(1), day("2025-01-01"), "withdrawn", t0);
    ASSERT_EQ(groups.size(), 8u);

    billing::run_options options;
    options.cutoff = day("2026-01-01");
    collecting_sink sink;
    billing::invoice_run run(options, sink);
    std::vector<std::string> visited;
    plans_->for_each_plan({}, [&](const billing::billing_plan& plan) {
        visited.push_back(plan.id);
        run.add(plan, invoices_->load_plan_state(plan.id), {});
        return true;
    });
    run.finish();
    EXPECT_EQ(visited.size(), specs.size()) << "every plan but the cancelled one";
    EXPECT_EQ(plans_->count_plans({}), specs.size());
    ASSERT_EQ(sink.drafts.size(), groups.size()) << "one draft per group";
    std::set<std::string> drafted;
    for (const auto& d : sink.drafts) {
        drafted.insert(d.bill_to.id + "/" + std::string(d.cur.code()) + "/" + d.language);
    }
    EXPECT_EQ(drafted, groups);

    // The visitor may write on the same connection: save each draft as a run does.
    for (auto& d : sink.drafts) {
        invoices_->save_draft(d, std::nullopt, t0);
    }
    std::size_t seen = 0;
    plans_->for_each_plan({}, [&](const billing::billing_plan& plan) {
        billing::billing_plan changed = plan;
        changed.contract_id = "touched";
        plans_->put_plan(record_of(changed), t0);
        return ++seen < 3;  // stops early
    });
    EXPECT_EQ(seen, 3u);
    EXPECT_EQ(
        scalar("SELECT count(*) FROM billing_plans WHERE json_extract(plan_document, '$.contract_id') = "
               "'touched'"),
        "3"
    );
}

TEST_F(plan_store_test, for_each_plan_selects_by_account_or_by_plan) {
    plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(2), account_b)), t0);
    plans_->put_plan(record_of(simple_plan(contract_id(3), account_a)), t0);
    billing::billing_plan billed_elsewhere = simple_plan(contract_id(4), account_c);
    billed_elsewhere.bill_to = billed_elsewhere.account;
    billed_elsewhere.bill_to->id = std::string(account_a);
    plans_->put_plan(record_of(billed_elsewhere), t0);

    auto ids = [&](const billing::run_selection& selection) {
        std::vector<std::string> out;
        plans_->for_each_plan(selection, [&](const billing::billing_plan& p) {
            EXPECT_TRUE(selection.selects(p)) << p.id;
            out.push_back(p.id);
            return true;
        });
        EXPECT_EQ(plans_->count_plans(selection), out.size());
        return out;
    };
    EXPECT_THAT(
        ids({billing::selection_kind::account, std::string(account_a)}),
        ElementsAre(contract_id(1), contract_id(3))
    ) << "the buyer account, as run_selection::selects";
    EXPECT_THAT(ids({billing::selection_kind::plan, contract_id(2)}), ElementsAre(contract_id(2)));
    EXPECT_TRUE(ids({billing::selection_kind::plan, contract_id(9)}).empty());
    EXPECT_EQ(ids({}).size(), 4u);
}

// ---- usage ----------------------------------------------------------------------------------------------

TEST_F(plan_store_test, usage_is_upserted_by_external_id_and_loaded_by_date) {
    billing::billing_plan plan = simple_plan(contract_id(1), account_a);
    billing::plan_item api;
    api.key = "api";
    api.description = "API calls";
    api.type = billing::charge_type::usage;
    api.timing = billing::billing_timing::in_arrears;
    api.price = plan.items.front().price;
    api.vat = {"S", dec("19")};
    plan.items.push_back(api);
    plans_->put_plan(record_of(plan), t0);

    usage_row row;
    row.external_id = "u-1";
    row.plan_id = plan.id;
    row.item_key = "api";
    row.occurred_at = t0;
    row.date = day("2026-01-31");  // the org calendar's day, not the UTC one
    row.quantity = dec("100");
    row.unique_key = "user-1";
    EXPECT_EQ(plans_->put_usage(row, t0), put_outcome::created);
    EXPECT_EQ(plans_->put_usage(row, t0), put_outcome::unchanged);
    row.quantity = dec("120.50");
    EXPECT_EQ(plans_->put_usage(row, t0), put_outcome::changed);
    usage_row second = row;
    second.external_id = "u-2";
    second.date = day("2026-02-01");
    second.unique_key.clear();
    plans_->put_usage(second, t0);
    usage_row third = row;
    third.external_id = "u-3";
    third.quantity = dec("-3");
    plans_->put_usage(third, t0);

    const auto january = plans_->load_usage(plan.id, day("2026-01-01"), day("2026-01-31"));
    ASSERT_EQ(january.size(), 2u);
    EXPECT_EQ(january[0].plan_id, plan.id);
    EXPECT_EQ(january[0].item_key, "api");
    EXPECT_EQ(january[0].date, day("2026-01-31"));
    EXPECT_EQ(to_string(january[0].quantity), "120.5");
    EXPECT_EQ(january[0].unique_key, "user-1");
    EXPECT_LT(january[0].sequence, january[1].sequence);
    EXPECT_EQ(january[1].quantity, dec("-3"));
    const auto february = plans_->load_usage(plan.id, day("2026-02-01"), day("2026-02-28"));
    ASSERT_EQ(february.size(), 1u);
    EXPECT_EQ(february[0].unique_key, "");
    EXPECT_TRUE(plans_->load_usage(contract_id(5), day("2026-01-01"), day("2026-12-31")).empty());

    row.external_id = "u-4";
    row.item_key = "storage";
    try {
        plans_->put_usage(row, t0);
        FAIL() << "usage of an unknown item must be refused";
    } catch (const store_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("usage u-4: billing plan 800000000000001AAA has no item storage"));
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM usage_records"), "3");
}

// ---- quarantine -----------------------------------------------------------------------------------------

TEST_F(plan_store_test, quarantine_counts_repeats_and_releases) {
    plans_->quarantine("Contract", contract_id(1), "contracts", {"StartDate is empty", "Currency XYZ"}, t0);
    plans_->quarantine(
        "Contract", contract_id(2), "contracts", {"AccountId missing"}, t0 + std::chrono::minutes{1}
    );
    plans_->quarantine(
        "Contract", contract_id(1), "contracts-v2", {"Currency XYZ"}, t0 + std::chrono::minutes{2}
    );
    EXPECT_EQ(plans_->quarantine_count(), 2u);

    const auto list = plans_->quarantined(10);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].record_id, contract_id(1)) << "newest first";
    EXPECT_EQ(list[0].object, "Contract");
    EXPECT_EQ(list[0].mapping_name, "contracts-v2");
    EXPECT_THAT(list[0].problems, ElementsAre("Currency XYZ"));
    EXPECT_EQ(list[0].occurrences, 2);
    EXPECT_EQ(list[0].first_seen, t0);
    EXPECT_EQ(list[0].last_seen, t0 + std::chrono::minutes{2});
    EXPECT_EQ(list[1].occurrences, 1);
    EXPECT_EQ(plans_->quarantined(1).size(), 1u);
    EXPECT_EQ(
        scalar("SELECT reason FROM quarantine WHERE record_id = '" + contract_id(1) + "'"), "Currency XYZ"
    );

    EXPECT_TRUE(plans_->release("Contract", contract_id(1)));
    EXPECT_FALSE(plans_->release("Contract", contract_id(1)));
    EXPECT_EQ(plans_->quarantine_count(), 1u);
    EXPECT_THROW(plans_->quarantine("Contract", contract_id(3), "contracts", {}, t0), store_error);
}

TEST_F(plan_store_test, writes_join_the_callers_transaction) {
    {
        transaction tx(*store_);
        plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
        plans_->quarantine("Contract", contract_id(2), "contracts", {"bad"}, t0);
        // no commit: both roll back together
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM billing_plans"), "0");
    EXPECT_EQ(plans_->quarantine_count(), 0u);

    // A plan that fails half way leaves nothing in the caller's transaction, which goes on.
    {
        transaction tx(*store_);
        plans_->put_plan(record_of(simple_plan(contract_id(1), account_a)), t0);
        billing::billing_plan broken = simple_plan(contract_id(2), account_b);
        broken.items.push_back(broken.items.front());
        broken.items.back().key = "late";
        broken.items.back().start = day("2026-05-01");
        broken.items.back().end = day("2026-04-30");  // refused by the plan_items CHECK, after the plan row
        try {
            plans_->put_plan(record_of(broken), t0);
            FAIL() << "an item that ends before it starts must be refused";
        } catch (const store_error& e) {
            EXPECT_THAT(
                e.what(),
                HasSubstr("billing plan 800000000000002AAA (Contract, mapping contracts), item late")
            );
        }
        tx.commit();
    }
    EXPECT_EQ(scalar("SELECT group_concat(source_record_id) FROM billing_plans"), contract_id(1));
    EXPECT_EQ(scalar("SELECT count(*) FROM plan_items"), "1");
}

}  // namespace
}  // namespace fakturad::store
