#pragma once
// Every fixed wording of the invoice PDF in German and English: titles per document type, labels, the
// VAT notes the law asks for, payment sentences. One table per language so that both stay complete.

#include "fakturad/billing/invoice.hpp"
#include "text_format.hpp"

#include <string_view>

namespace fakturad::documents::detail {

struct texts {
    // Document data block
    std::string_view number;
    std::string_view date;
    std::string_view service_period;
    std::string_view service_date;
    std::string_view customer_number;
    std::string_view customer_vat_id;
    std::string_view order_reference;
    std::string_view buyer_reference;
    std::string_view contract_reference;
    std::string_view due_date;
    std::string_view draft;
    // Line table
    std::string_view col_position;
    std::string_view col_description;
    std::string_view col_quantity;
    std::string_view col_unit_price;
    std::string_view col_vat;
    std::string_view col_amount;
    std::string_view carried_forward;
    std::string_view brought_forward;
    // Totals
    std::string_view total_net;
    std::string_view vat_on;  // "USt. 19 % auf 100,00 €"
    std::string_view vat;
    std::string_view total_gross;
    std::string_view vat_in_currency;  // "USt. in {cur} (Kurs {rate})"
    std::string_view deducted;         // "abzüglich Anzahlung"
    std::string_view net_short;
    std::string_view amount_due;
    std::string_view amount_credited;
    // References
    std::string_view cancels;   // "Storno zur Rechnung"
    std::string_view corrects;  // "Korrektur zur Rechnung"
    std::string_view of_date;   // "vom"
    // VAT notes
    std::string_view note_reverse_charge;
    std::string_view note_intra_community;
    std::string_view note_export;
    std::string_view note_outside_scope;
    std::string_view note_exempt;
    std::string_view note_small_business;
    std::string_view note_advance;
    // Payment
    std::string_view pay_transfer;  // "Bitte überweisen Sie {amount} bis zum {date} ..."
    std::string_view pay_transfer_now;
    std::string_view pay_direct_debit;
    std::string_view pay_card;
    std::string_view pay_nothing_due;
    std::string_view pay_refund;
    std::string_view pro_forma_note;
    std::string_view account_holder;
    std::string_view reference;
    std::string_view mandate;
    std::string_view creditor_id;
    std::string_view qr_caption;
    // Footer
    std::string_view vat_id;
    std::string_view tax_number;
    std::string_view phone;
    std::string_view email;
    std::string_view page_of;  // "Seite {page} von {pages}"
};

[[nodiscard]] const texts& texts_for(language lang) noexcept;

// "Rechnung", "Anzahlungsrechnung", ..., "Invoice", "Advance payment invoice", ...
[[nodiscard]] std::string_view document_title(billing::document_type type, language lang) noexcept;

// "Stk", "h", "Monat", ... for common UN/ECE Rec. 20 codes; empty for codes it does not know.
[[nodiscard]] std::string_view unit_name(std::string_view unit_code, language lang) noexcept;

// Replaces every "{key}" in pattern by value (keys as listed in the texts above).
[[nodiscard]] std::string fill(std::string_view pattern, std::string_view key, std::string_view value);

}  // namespace fakturad::documents::detail
