#pragma once
// The billing plan (Fakturierungsplan): the blueprint of future invoices for one contract. The mapping
// builds it from Salesforce records, the YAML plan format (plan_yaml.hpp) from a file; the engine never
// changes it. Everything the engine needs is in these structs: no look-up, no clock, no I/O.
//
// Dates and periods
//   - start/end of the plan and of each item are civil dates, both days included; an item without its own
//     start/end inherits the plan's; an item cannot outlive the plan's effective end (renewal below).
//   - billing_period (P1M, P3M, P1Y, P14D, ...) and alignment build the period grid (core/calendar.hpp):
//     anniversary periods recur on the anchor's day (anchor defaults to the plan start), calendar periods
//     on calendar months/quarters/years/ISO weeks. An item may have its own billing period; it is laid on
//     the plan's anchor and alignment, so items that start later co-term with the plan (a first stub
//     period up to the next boundary, prorated).
//   - timing per item: in_advance bills a period on its first day, in_arrears once it is over (run.hpp).
// Renewal
//   With auto_renew, `end` is the end of the initial term; the plan renews by `term` each time unless a
//   termination notice arrived no later than the notice deadline of the running term:
//   deadline = (term end + 1 day) - notice period - 1 day (term end Dec 31, notice P3M -> Sep 30).
//   effective_end() gives the day the plan really ends, or nullopt while it renews indefinitely.
// Quantity changes
//   `changes` are effective-dated quantities (Lago #771: phases as explicit segments). Quantity on day t =
//   the quantity of the latest change with effective <= t, else `quantity`. The engine bills segments of
//   constant quantity and, for periods already billed, credits the unused part of what was billed and
//   charges the new part (run.hpp).

#include "fakturad/billing/pricing.hpp"
#include "fakturad/billing/usage.hpp"
#include "fakturad/billing/vat.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/currency.hpp"
#include "fakturad/core/decimal.hpp"
#include "fakturad/core/rounding.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

// A person to contact about invoices (BG-6 seller contact; XRechnung BR-DE-2/5/6/7 want all three).
struct contact {
    std::string name;   // BT-41
    std::string phone;  // BT-42, at least 3 digits (BR-DE-27)
    std::string email;  // BT-43, one '@' (BR-DE-28)
    friend bool operator==(const contact&, const contact&) = default;
};

// An electronic address (BT-34 seller, BT-49 buyer) with its EAS scheme (BR-CL-25): "EM" e-mail,
// "0204" Leitweg-ID, "9930" German VAT id, "0088" GLN, ...
struct electronic_address {
    std::string scheme;
    std::string value;
    friend bool operator==(const electronic_address&, const electronic_address&) = default;
};

// The seller's bank account for credit transfers (BG-17: BT-84 IBAN, BT-85 account name, BT-86 BIC).
struct bank_account {
    std::string iban;
    std::string bic;
    std::string account_name;
    friend bool operator==(const bank_account&, const bank_account&) = default;
};

// nullopt when `iban` is a well-formed IBAN (ISO 13616: country, check digits, up to 30 letters/digits,
// mod 97 = 1; blanks allowed between groups), else the reason.
[[nodiscard]] std::optional<std::string> check_iban(std::string_view iban);

// Buyer, bill-to recipient or seller as the invoice prints it. `address` holds the street lines (BT-35/36/
// 162 for the seller, BT-50/51/163 for the buyer); post code, city and subdivision are separate fields
// because every e-invoice syntax wants them structured (XRechnung BR-DE-3/4/8/9).
struct party {
    std::string id;  // stable key: Salesforce Account Id, legal entity code, ...
    std::string name;
    std::vector<std::string> emails;   // invoice recipients (bill-to); several allowed
    std::string vat_id;                // BT-31 / BT-48 when known
    std::string country;               // ISO 3166-1 alpha-2
    std::vector<std::string> address;  // street lines, printed above post code and city
    std::string postcode;              // BT-38 / BT-53
    std::string city;                  // BT-37 / BT-52
    std::string subdivision;           // BT-39 / BT-54 (region, state, province)
    std::string tax_number;            // BT-32 seller tax registration (German Steuernummer)
    std::string registration_id;       // BT-30 / BT-47 legal registration (e.g. HRB 12345)
    std::string legal_registration;    // BT-33 additional legal information (court, register, directors)
    contact invoice_contact;           // BG-6 seller contact / BG-9 buyer contact (all fields optional)
    std::optional<electronic_address> endpoint;  // BT-34 / BT-49
    std::optional<bank_account> bank;            // seller: receiving account for credit transfers
    std::string creditor_id;                     // seller: SEPA creditor identifier (BT-90)
    friend bool operator==(const party&, const party&) = default;
};

// How the buyer pays (BG-16, UNTDID 4461 subset that the e-invoice rules support with structured data).
enum class payment_means_code : std::uint8_t {
    credit_transfer,  // 58 SEPA credit transfer to the seller's bank account (party::bank)
    direct_debit,  // 59 SEPA direct debit: mandate reference, creditor id (party::creditor_id), debtor IBAN
    card,          // 48 bank card: last digits of the card number
};
[[nodiscard]] std::string_view to_string(payment_means_code c) noexcept;
[[nodiscard]] std::optional<payment_means_code> parse_payment_means_code(std::string_view text) noexcept;
// UNTDID 4461 code: "58", "59", "48".
[[nodiscard]] std::string_view untdid_4461_code(payment_means_code c) noexcept;

struct payment_means {
    payment_means_code code = payment_means_code::credit_transfer;
    std::string mandate_reference;  // direct debit: BT-89
    std::string debtor_iban;        // direct debit: BT-91
    std::string card_last_digits;   // card: BT-87 (only the last 4-6 digits may be stated)
    std::string card_holder;        // card: BT-88
    std::string remittance;         // BT-83 remittance information; the invoice number when empty
    std::string card_network = {};  // card: the scheme (VISA, MASTERCARD); UBL requires it
    friend bool operator==(const payment_means&, const payment_means&) = default;
};

// Why a VAT category other than S/Z/L/M bears no VAT (BT-120 text, BT-121 VATEX code). Required for E, AE,
// K, G and O (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10); forbidden for the others.
struct vat_exemption {
    std::string category;  // "E", "AE", "K", "G", "O"
    std::string code;      // VATEX code, e.g. "VATEX-EU-AE"; may be empty when text is given
    std::string text;      // e.g. "Steuerschuldnerschaft des Leistungsempfängers"
    friend bool operator==(const vat_exemption&, const vat_exemption&) = default;
};

// References the e-invoice carries in the header.
struct document_references {
    std::string buyer_reference;     // BT-10; the Leitweg-ID for German public buyers (BR-DE-15)
    std::string order_reference;     // BT-13 purchase order
    std::string contract_reference;  // BT-12
    friend bool operator==(const document_references&, const document_references&) = default;
};

struct payment_terms {
    std::int32_t net_days = 14;  // due date = issue date + net_days
    std::string note;            // free text printed on the invoice (e.g. Skonto terms)
    friend bool operator==(const payment_terms&, const payment_terms&) = default;
};

struct renewal_terms {
    bool auto_renew = false;
    billing_period term{1, period_unit::year};     // length of each renewal term
    billing_period notice{3, period_unit::month};  // notice before a term end
    std::optional<civil_date> notice_received;     // when the termination notice arrived
};

enum class charge_type : std::uint8_t { recurring, one_time, usage };
enum class billing_timing : std::uint8_t { in_advance, in_arrears };

[[nodiscard]] std::string_view to_string(charge_type t) noexcept;
[[nodiscard]] std::optional<charge_type> parse_charge_type(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(billing_timing t) noexcept;
[[nodiscard]] std::optional<billing_timing> parse_billing_timing(std::string_view text) noexcept;

enum class discount_kind : std::uint8_t { percent, amount };

// A discount on an item's charges or on a plan's share of an invoice. Valid for lines whose service period
// starts within [valid_from, valid_to] (open ends allowed).
//   item discount:    percent: round(line net x value / 100); amount: value per full period, prorated
//                     with the line's day factor, never more than the line net. One discount line per
//                     charge line.
//   invoice discount: percent: per VAT category and rate, round(base x value / 100); amount: value once
//                     per invoice, split over the VAT groups in proportion to their base (remainder to
//                     the largest), never more than the base. Base = the plan's charge, item-discount and
//                     true-up lines on that invoice with a period start in the validity; a percent discount
//                     also covers credits for unused days (a refund of a discounted month is discounted
//                     too, so a negative base gives a positive correction line). Discounts do not compound:
//                     each is computed on the base before invoice discounts.
struct discount {
    discount_kind kind = discount_kind::percent;
    decimal value;  // percent (10 = 10 %) or amount in the plan currency, > 0
    std::optional<civil_date> valid_from;
    std::optional<civil_date> valid_to;
    std::string description;  // printed; a default text is used when empty
};

struct quantity_change {
    civil_date effective;
    decimal quantity;
};

// Tax determination instead of a fixed VAT treatment (billing/tax): what is supplied and the operator's
// product tax class. The run asks its vat_resolver (run.hpp) for each line with the line's tax point.
struct item_tax {
    std::string supply = "services";  // goods, services, electronic_services, construction_services,
                                      // building_cleaning, scrap_metal
    std::string product_class = "standard";
    friend bool operator==(const item_tax&, const item_tax&) = default;
};

// The facts about the buyer that tax determination needs beyond its address and VAT ID.
struct buyer_tax_facts {
    bool business = true;           // B2B; false: a consumer (B2C)
    bool vat_id_confirmed = false;  // the VAT ID was confirmed valid (VIES, §18e UStG)
    friend bool operator==(const buyer_tax_facts&, const buyer_tax_facts&) = default;
};

// The supply kinds `item_tax::supply` accepts, and the list as text for messages.
[[nodiscard]] bool is_supply_kind(std::string_view text) noexcept;
inline constexpr std::string_view supply_kinds_text =
    "goods, services, electronic_services, construction_services, building_cleaning, scrap_metal";

// A minimum commitment across items (e.g. 12,000 EUR a year over monthly usage and licences): a recurring,
// in-arrears, flat-fee item whose price is the committed amount per its own billing period. When such a
// period is over, the run charges the shortfall (a true-up line): committed amount (prorated for a stub)
// minus what the covered items billed for periods starting inside it (their billed nets less credits, from
// the plan state and the draft being built). Nothing is charged when they reached it; the period is still
// recorded as billed so that it is settled once.
struct commitment_terms {
    std::vector<std::string> covers;  // item keys; empty: every other non-commitment item of the plan
    friend bool operator==(const commitment_terms&, const commitment_terms&) = default;
};

struct plan_item {
    std::string key;          // stable within the plan (the source line item Id)
    std::string description;  // printed on the line
    std::string product_code;
    std::string unit_code = "C62";  // UN/ECE Rec. 20 (C62 one, MON month, HUR hour, ...)
    charge_type type = charge_type::recurring;
    billing_timing timing = billing_timing::in_advance;
    pricing price;
    decimal quantity{1};                                     // recurring and one-time; ignored for usage
    std::vector<quantity_change> changes;                    // sorted by effective date, distinct dates
    std::optional<decimal> tier_quantity;                    // volume: fixed tier-selection quantity
    usage_aggregation aggregation = usage_aggregation::sum;  // usage
    std::optional<usage_aggregation> tier_aggregation;       // usage + volume: selects the tier
    vat_treatment vat;                                       // fixed treatment, unless `tax` is set
    std::optional<item_tax> tax;                             // determined per line by the run's vat_resolver
    std::optional<commitment_terms> commitment;              // a plan-level minimum commitment (see above)
    std::optional<civil_date> start;                         // default: plan start
    std::optional<civil_date> end;                           // default: plan effective end
    std::optional<billing_period> period;                    // default: plan period
    std::vector<discount> discounts;
};

// A payment milestone of a project plan (advance invoices, German "Abschlagsrechnungen", and the final
// invoice, "Schlussrechnung", § 14 Abs. 5 UStG). A project plan's items are the agreed total of the contract
// (one-time items, per unit or flat fee); the run bills no periods for it but each milestone once, in list
// order, with the first run whose cutoff is on or after the milestone's due date:
//   advance, progress  make_agreed_share: a percent or an amount of the agreed net (lifecycle.hpp);
//   final              make_final_invoice: the whole agreed total, deducting every earlier advance and
//                      progress invoice. It waits until each earlier milestone's invoice is finalized (a
//                      draft awaiting approval, or one made in the same run, is not yet deductible).
// A milestone without a due date is not reached yet (e.g. no acceptance date in Salesforce).
enum class milestone_type : std::uint8_t { advance, progress, final_invoice };
[[nodiscard]] std::string_view to_string(milestone_type t) noexcept;  // "advance", "progress", "final"
[[nodiscard]] std::optional<milestone_type> parse_milestone_type(std::string_view text) noexcept;

struct milestone {
    std::string key;  // stable within the plan
    milestone_type type = milestone_type::advance;
    std::optional<decimal> percent;  // advance/progress: of the agreed net, in (0, 100]; or
    std::optional<decimal> amount;   // a net amount above 0
    std::optional<civil_date> due;
    std::string label;  // the line text of an advance; a default text when empty
    friend bool operator==(const milestone&, const milestone&) = default;
};

struct billing_plan {
    std::string id;                // stable (store: billing_plans.id or the source record Id)
    party account;                 // the buyer (BT-44)
    std::optional<party> bill_to;  // invoice recipient when it differs from the account
    currency cur{"EUR"};
    std::string language = "de";  // BCP 47 primary tag of the documents ("de", "en", "fr")
    payment_terms terms;
    party seller;  // legal entity issuing the invoices; seller.id is its code
    civil_date start;
    std::optional<civil_date> end;  // with auto_renew: end of the initial term
    renewal_terms renewal;
    billing_period period{1, period_unit::month};
    period_alignment alignment = period_alignment::calendar;
    std::optional<civil_date> anchor;  // anniversary anchor; default: start
    vat_rounding rounding = vat_rounding::per_category;
    buyer_tax_facts buyer_tax;  // for items with `tax`
    std::vector<plan_item> items;
    std::vector<discount> invoice_discounts;
    std::string contract_id;            // groups advance/progress/final documents of one contract
    std::vector<milestone> milestones;  // non-empty: a project plan (see milestone)
    document_references references;
    std::optional<payment_means> payment;       // none: no payment instructions (e.g. pro-forma only)
    std::vector<vat_exemption> vat_exemptions;  // one per exempt category used by the plan's items

    // bill_to when set, else account.
    [[nodiscard]] const party& recipient() const noexcept { return bill_to ? *bill_to : account; }
};

// The day the plan ends after renewals (see the header comment), or nullopt while it runs on.
[[nodiscard]] std::optional<civil_date> effective_end(const billing_plan& plan);

// The notice deadline of a term that ends on term_end.
[[nodiscard]] civil_date notice_deadline(civil_date term_end, billing_period notice);

// Item dates after inheritance: [start, end] with end = min(item end, plan effective end), or nullopt end.
struct item_span {
    civil_date start;
    std::optional<civil_date> end;
};
[[nodiscard]] item_span effective_span(const billing_plan& plan, const plan_item& item);

// Quantity of the item on day t (before its start or after its end the item is not active: 0).
[[nodiscard]] decimal quantity_on(const plan_item& item, const item_span& span, civil_date t);

// Every rule the engine relies on, checked once: ids present, currency prices present and well-formed, VAT
// category/rate consistent, usage items in arrears, dates ordered, changes sorted, discounts positive,
// distinct item keys. An empty list means the plan can be billed.
[[nodiscard]] std::vector<std::string> check_plan(const billing_plan& plan);

}  // namespace fakturad::billing
