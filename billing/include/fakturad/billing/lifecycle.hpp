#pragma once
// Document lifecycle and the document types beyond the run's invoices.
//
//   draft ──finalize──▶ finalized ──(a finalized cancellation of it)──▶ cancelled
//
// - A draft is freely edited (add/remove/replace lines, header fields) with the functions here or by
//   changing the struct and calling compute_totals; deleting a draft is the store's job and releases its
//   periods. Every edit function refuses a document that is not a draft (invalid_state).
// - finalize() checks the document, sets number, issue date and due date (issue + payment terms), and
//   freezes it: from then on only mark_cancelled() changes its status. Pro-forma documents get no number
//   (and refuse one); every other type needs one. Numbers come from numbering.hpp, drawn by the store in
//   the finalizing transaction.
// - Corrections (JustOn model, German practice):
//     make_cancellation   full cancellation (Storno, 381) of a finalized document: lines, VAT breakdown
//                         and totals mirrored exactly (copied, not recomputed), a reference to the
//                         original number and date, and the original's billed periods released for
//                         re-billing. Refused for a cancellation (re-invoice instead), for a draft (delete
//                         it), a pro-forma, an already cancelled document, and for a document that has
//                         partial credit notes (credit the remainder instead: never more than creditable).
//     make_credit_note    partial credit note (381) for chosen lines (quantity or amount) of a finalized
//                         document, capped per line by what is still creditable (net billed minus every
//                         earlier credit against that line) and per VAT group by the VAT still creditable;
//                         the credit that exhausts a VAT group takes exactly its remaining VAT, so the
//                         original plus all its credits is zero.
//     mark_cancelled      sets the original to cancelled when its cancellation is finalized.
// - Agreed-total documents of a contract (advance 386, progress 326, final 380):
//     make_agreed_share   an advance or progress invoice for a percentage or an amount of the agreed
//                         total: one line per VAT category/rate of the total (percentage: each group's net
//                         x p / 100, rounded; amount: split in proportion to the groups' nets, remainder to
//                         the largest); refused when advances + progress so far + this would exceed the
//                         agreed total in any group.
//     make_final_invoice  the whole supply (the agreed lines) with its full VAT breakdown, then every
//                         earlier finalized, not cancelled advance and progress invoice of the contract as
//                         a deduction with its net and VAT per rate copied from it; prepaid (BT-113) = their
//                         gross, due (BT-115) = gross - prepaid (may be 0 or negative).
//     a partial invoice (326) is an ordinary draft of type partial with the lines of the delivered part.
// - Manual drafts: make_manual_draft builds a draft of any non-credit type from explicit lines and/or
//   lines computed from a billing plan for a chosen service period (the same evaluator as the run).

#include "fakturad/billing/error.hpp"
#include "fakturad/billing/invoice.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/usage.hpp"
#include "fakturad/billing/vat_resolver.hpp"
#include "fakturad/core/calendar.hpp"
#include "fakturad/core/decimal.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace fakturad::billing {

// ---- drafts ---------------------------------------------------------------------------------------------

// A draft's header from a plan: seller, account, bill-to, currency, language, terms, rounding, contract.
[[nodiscard]] invoice draft_header(const billing_plan& plan, document_type type);

// Edits; each refuses a non-draft (invalid_state) and recomputes the totals.
[[nodiscard]] billing_status add_line(invoice& draft, invoice_line line);
[[nodiscard]] billing_status remove_line(invoice& draft, std::size_t index);
[[nodiscard]] billing_status replace_line(invoice& draft, std::size_t index, invoice_line line);

// A manual line: net = round(quantity x unit_price) (core/rounding.hpp point 1). Errors: invalid_input
// (bad VAT, negative price), arithmetic.
[[nodiscard]] billing_result<invoice_line> make_manual_line(
    std::string description,
    decimal quantity,
    decimal unit_price,
    vat_treatment vat,
    currency cur,
    std::optional<date_range> period = std::nullopt,
    std::string unit_code = "C62"
);

struct manual_plan_lines {
    std::vector<std::string> item_keys;  // empty: every item of the plan
    date_range service_period;           // the periods of these items that lie within it are billed
};

struct manual_draft_input {
    document_type type = document_type::invoice;  // not cancellation/credit_note
    std::vector<invoice_line> lines;              // explicit lines (make_manual_line)
    std::optional<manual_plan_lines> from_plan;   // lines computed from `plan`
    std::vector<std::string> notes;
    const vat_resolver* vat = nullptr;  // for plan items with `tax:` (vat_resolver.hpp)
};

// Header from the plan, then the plan lines (as a run on an unbilled state would compute them for the
// periods inside service_period, without billed-period keys: a manual draft does not consume periods),
// then the explicit lines. Errors: invalid_input, invalid_plan, arithmetic.
[[nodiscard]] billing_result<invoice> make_manual_draft(
    const billing_plan& plan, const manual_draft_input& input, std::span<const usage_record> usage = {}
);

// ---- review ---------------------------------------------------------------------------------------------

// What a billing clerk may change on a draft before approving it (the approval flow of invoice runs): the
// buyer and order references, the notes, the due date and the line texts. Amounts, quantities, periods, tax
// and parties come from the plan and stay as billed: to change them, change the plan and discard the draft.
struct draft_revision {
    std::optional<std::string> buyer_reference;     // BT-10; a reference the plan gave cannot be removed
    std::optional<std::string> order_reference;     // BT-13
    std::optional<std::vector<std::string>> notes;  // BT-22; replaces the draft's notes
    std::optional<civil_date> due_date;             // becomes the payment terms (days after issue_date)
    std::vector<std::pair<std::size_t, std::string>> line_descriptions;  // line index -> text
};

inline constexpr std::size_t max_reference_length = 200;
inline constexpr std::size_t max_note_length = 4000;
inline constexpr std::size_t max_description_length = 1000;

// Applies the revision; texts are trimmed. Errors: invalid_state (not a draft), invalid_input naming the
// field: a removed buyer reference, a text over its length, an empty line text, a line that does not
// exist, a due date before issue_date. Nothing is changed when it fails.
[[nodiscard]] billing_status revise_draft(
    invoice& draft, const draft_revision& revision, civil_date issue_date
);

// ---- finalization -------------------------------------------------------------------------------------

struct finalize_input {
    std::string number;  // required, except pro_forma (must be empty)
    civil_date issue_date;
};

// Errors: invalid_state (not a draft), invalid_input (number missing/forbidden, no lines, a cancellation or
// credit note without reference), arithmetic.
[[nodiscard]] billing_status finalize(invoice& draft, const finalize_input& input);

// ---- corrections --------------------------------------------------------------------------------------

// `corrections`: every finalized cancellation and credit note that references `original` so far.
[[nodiscard]] billing_result<invoice> make_cancellation(
    const invoice& original, std::span<const invoice> corrections
);

struct credit_request_line {
    std::size_t line = 0;             // index into original.lines
    std::optional<decimal> quantity;  // credit this quantity at the line's price, or
    std::optional<decimal> amount;    // this net amount, or (both empty) everything still creditable
};

struct credit_request {
    std::vector<credit_request_line> lines;
    std::string reason;  // printed as a note
};

// Errors: not_cancellable (wrong type or status), over_credit, invalid_input, arithmetic.
[[nodiscard]] billing_result<invoice> make_credit_note(
    const invoice& original, std::span<const invoice> corrections, const credit_request& request
);

// What is still creditable per line (net) of `original` after `corrections`.
[[nodiscard]] billing_result<std::vector<decimal>> creditable_per_line(
    const invoice& original, std::span<const invoice> corrections
);

// Sets `original` to cancelled. Errors: invalid_state unless original is finalized and cancellation is a
// finalized cancellation referencing original's number.
[[nodiscard]] billing_status mark_cancelled(invoice& original, const invoice& cancellation);

// ---- advance, progress, final -------------------------------------------------------------------------

struct agreed_line {
    std::string description;
    decimal quantity{1};
    decimal unit_price;
    vat_treatment vat;
    std::string unit_code = "C62";
};

// The agreed total of a contract (e.g. a project's offer), against which advances/progress are invoiced.
struct agreed_total {
    std::string contract_id;
    std::vector<agreed_line> lines;
};

struct share_request {
    document_type type = document_type::advance;  // advance or progress
    std::optional<decimal> percent;               // of the agreed total's net, or
    std::optional<decimal> amount;                // a net amount
    std::string label;                            // e.g. "Abschlag 2"; a default text when empty
};

// `earlier`: the documents of the contract so far (any type/status; only finalized, not cancelled advance
// and progress invoices count). Errors: invalid_input, over_advance, arithmetic.
[[nodiscard]] billing_result<invoice> make_agreed_share(
    const billing_plan& header,
    const agreed_total& total,
    std::span<const invoice> earlier,
    const share_request& request
);

// Errors: invalid_input (a deducted document of another currency), arithmetic.
[[nodiscard]] billing_result<invoice> make_final_invoice(
    const billing_plan& header, const agreed_total& total, std::span<const invoice> earlier
);

}  // namespace fakturad::billing
