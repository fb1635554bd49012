#pragma once
// The outbox intent that sends a document to Salesforce (outbox kind `salesforce.invoice`, payload
// {"invoice_id": N}; invoice_writeback.hpp builds what it sends from the store at delivery time). A
// finalized document has the key "invoice:<id>"; a draft published for approval "invoice-draft:<id>". The
// delivery always sends the document as it is then, so a draft's intent delivered after the document was
// finalized sends the final document: the order of delivery does not matter.

#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <string>
#include <string_view>

namespace fakturad::daemon {

inline constexpr std::string_view invoice_writeback_kind = "salesforce.invoice";

[[nodiscard]] inline store::outbox_intent invoice_writeback_intent(store::invoice_id id, bool draft) {
    store::outbox_intent intent;
    intent.kind = std::string(invoice_writeback_kind);
    intent.idempotency_key = (draft ? "invoice-draft:" : "invoice:") + std::to_string(id);
    intent.payload = "{\"invoice_id\":" + std::to_string(id) + "}";
    return intent;
}

}  // namespace fakturad::daemon
