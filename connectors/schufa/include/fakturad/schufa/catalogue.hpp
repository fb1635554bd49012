#pragma once
// The SCHUFA products fakturad requests and the legitimate-interest codes (the GDPR basis, Art. 6(1)(f))
// every request must carry, with which code allows which product.  Pure: no I/O.
//
// The codes and the table are the contract this connector assumes (README.md, "The contract"): SCHUFA's
// own request-reason list ("Anfragemerkmal") is given to contract partners only.  A request whose interest
// is missing or does not allow its product is refused before anything is sent (check_request_basis).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fakturad::schufa {

enum class product : std::uint8_t {
    b2b_short,    // Kurzauskunft (KURZ)
    b2b_compact,  // Kompaktauskunft (KOMPAKT)
    b2b_full,     // Vollauskunft (VOLL)
    b2c,          // BonitaetsAuskunft
    identity,     // IdentitaetsCheck
};

enum class interest : std::uint8_t {
    credit_application,
    contract_initiation,
    existing_relationship_review,
    receivable_collection,
    identity_age_verification,
    monitoring,  // Nachmeldeservice subscriptions only
};

struct product_info {
    product which;
    std::string_view cli_name;   // fakturactl --product: b2b-short, b2b-compact, b2b-full, b2c, identity
    std::string_view wire_code;  // KURZ, KOMPAKT, VOLL; B2C products have their own endpoint
    std::string_view title;      // for people and the report PDF
};

struct interest_info {
    interest which;
    std::string_view code;  // on the wire and on the command line, e.g. CONTRACT_INITIATION
    std::string_view meaning;
};

[[nodiscard]] std::span<const product_info> products() noexcept;
[[nodiscard]] std::span<const interest_info> interests() noexcept;

[[nodiscard]] const product_info& info(product p) noexcept;
[[nodiscard]] const interest_info& info(interest i) noexcept;

// Exact names only (no case folding: a code is typed as printed).
[[nodiscard]] std::optional<product> product_from_cli(std::string_view name) noexcept;
[[nodiscard]] std::optional<product> product_from_wire(std::string_view code) noexcept;
[[nodiscard]] std::optional<interest> interest_from_code(std::string_view code) noexcept;

[[nodiscard]] constexpr bool is_b2b(product p) noexcept {
    return p == product::b2b_short || p == product::b2b_compact || p == product::b2b_full;
}

// Whether `i` is a lawful basis for a report of `p` (the table in README.md).  `monitoring` allows no
// report: it is the basis of subscriptions only.
[[nodiscard]] bool allows(interest i, product p) noexcept;

// Empty when a request for `product_name` under `interest_code` may be sent; otherwise a message for
// people that names the problem and lists the valid codes (with the products they allow).
[[nodiscard]] std::string check_request_basis(std::string_view product_name, std::string_view interest_code);

// One line per code: "  CODE  meaning (products)".
[[nodiscard]] std::string interest_code_list();

}  // namespace fakturad::schufa
