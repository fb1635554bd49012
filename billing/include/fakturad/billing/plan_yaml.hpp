#pragma once
// The YAML plan file: billing plans (and, for previews and tests, what was billed before and usage) as
// text. The format is documented key by key in billing/README.md; examples live in examples/plans/.
//
// The parser takes the file's text (the caller reads the file; billing does no I/O) and returns either the
// plans or every problem it found, each with file:line:column (1-based), the key path and what was
// expected, e.g.
//   plans.yaml:14:18: plans[0].items[1].pricing.tiers[0].up_to: invalid decimal '1,5': expected plain
//   decimal notation (...)
//   plans.yaml:9:7: plans[0].items[0]: unknown key 'qantity' (did you mean 'quantity'?)
// A missing key has no position of its own; its parent's is given. Duplicate keys (which yaml-cpp would
// silently accept) are errors. Numbers are read from the scalar text with parse_decimal, never through
// floating point: 10.10 stays 10.10. After parsing, every plan also passes check_plan (plan.hpp); its
// problems are reported at the plan's position.
//
// Besides `plans:` a file may hold `drafts:`, manual drafts (any type but cancellation and credit note)
// with explicit lines and/or lines computed from one of the file's plans for a service period.
//
// Nothing past this parser sees a YAML node (STYLE C1).

#include "fakturad/billing/lifecycle.hpp"
#include "fakturad/billing/plan.hpp"
#include "fakturad/billing/plan_state.hpp"
#include "fakturad/billing/usage.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fakturad::billing {

// A manual draft from the file's `drafts:` section: made with make_manual_draft (lifecycle.hpp) from the
// plan with id plan_id (header, and the plan lines when input.from_plan is set).
//
// A draft may also stand for a document made from earlier drafts of the same file (draft_documents.hpp
// builds them in file order): advance/progress invoices (a `share` of the agreed total given as `lines`),
// final invoices (the agreed total as `lines`, minus every earlier advance/progress of the contract),
// cancellations and credit notes (`corrects` the id of an earlier, finalized draft), and `finalize`
// (number and issue date) turns any of them into a finalized document.
struct manual_draft_spec {
    std::string plan_id;
    manual_draft_input input;              // advance/progress/final: input.lines are the agreed total's lines
    std::string id;                        // what other drafts refer to; empty when none does
    std::optional<share_request> share;    // advance/progress: percent or amount of the agreed total
    std::string corrects;                  // cancellation/credit note: id of an earlier draft
    std::optional<credit_request> credit;  // credit note: the credited lines and the reason
    std::optional<finalize_input> finalization;           // number (none for pro-forma) and issue date
    std::optional<vat_accounting_currency> vat_currency;  // BT-6 with the exchange rate of the day
    int line = 0;  // position of the draft in the file (1-based), for errors found while building
    int column = 0;
};

struct plan_file {
    std::vector<party> legal_entities;
    std::vector<billing_plan> plans;
    std::vector<plan_state> states;         // one per plan that has a `state:` section
    std::vector<usage_record> usage;        // all plans' usage, plan_id set
    std::vector<manual_draft_spec> drafts;  // the `drafts:` section
};

struct plan_file_error {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    std::string path;
    std::string message;

    // "file:line:column: path: message"
    [[nodiscard]] std::string to_string() const;
};

struct plan_file_result {
    std::optional<plan_file> file;  // set iff errors is empty
    std::vector<plan_file_error> errors;

    [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// file_name is only used in the messages.
[[nodiscard]] plan_file_result parse_plan_file(std::string_view text, std::string_view file_name);

}  // namespace fakturad::billing
