#pragma once
// What one finalized document sends to Salesforce (outbox kind `salesforce.invoice`), built from the
// stored document and the write-back mapping (mapping/README.md, `writeback:`): the invoice record, its
// line records, the billed-through date on each plan's source record, and its files (Factur-X PDF and
// XML). The files are also written to billing.output_dir/<legal entity>/. Every call the package leads to
// is idempotent (upsert by external id; files looked up by PathOnClient), so a repeated delivery after a
// crash changes nothing.

#include "ctl_invoice_pdf.hpp"
#include "fakturad/mapping/bound_mapping.hpp"
#include "fakturad/salesforce/rest.hpp"
#include "fakturad/store/invoice_store.hpp"
#include "fakturad/store/sqlite_store.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fakturad::daemon {

struct record_update {
    std::string object;
    std::string external_id;  // field the record is upserted by ("Id" for a plan's source record)
    boost::json::object record;
};

struct invoice_package {
    std::string number;
    bool draft = false;                // a draft awaiting approval (draft_redelivery.hpp)
    record_update invoice;             // empty record when the mapping has no invoice target
    std::vector<record_update> lines;  // empty without an invoice_line target
    std::vector<record_update> plans;  // billed-through etc. on the source records
    std::vector<salesforce::file_upload> files;
    std::vector<std::filesystem::path> written;  // local copies
    std::vector<std::string> problems;  // documents that could not be rendered; the rest is still sent
};

// The key the invoice record is upserted by: "<legal entity>-<store id>", stable from draft to final.
[[nodiscard]] std::string invoice_key(const billing::invoice& doc, store::invoice_id id);

// Blocking: reads the store, renders the documents and writes the local copies. Throws store_error when
// the invoice does not exist.
[[nodiscard]] invoice_package build_invoice_package(
    store::sqlite_store& db,
    store::invoice_id id,
    const mapping::bound_writeback& writeback,
    invoice_pdf_maker* pdf,
    const std::filesystem::path& output_dir
);

}  // namespace fakturad::daemon
