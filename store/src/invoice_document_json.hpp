#pragma once
// The JSON form of a billing document in invoices.document (store/README.md, "Document snapshots").
// Amounts keep their scale ("1.50" stays "1.50"), dates are "YYYY-MM-DD", enums their snake_case names;
// empty optional fields are left out. Reading is strict: a missing or mistyped field is a corrupt store.

#include "fakturad/billing/invoice.hpp"

#include <string>
#include <string_view>

namespace fakturad::store::detail {

[[nodiscard]] std::string document_to_json(const billing::invoice& doc);

// Throws store_error naming the field when `json` is not a document this build wrote.
[[nodiscard]] billing::invoice document_from_json(std::string_view json);

}  // namespace fakturad::store::detail
