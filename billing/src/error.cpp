#include "fakturad/billing/error.hpp"

#include <string>

namespace fakturad::billing {
namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "fakturad.billing"; }
    [[nodiscard]] std::string message(int code) const override {
        switch (static_cast<billing_errc>(code)) {
            case billing_errc::invalid_plan:
                return "the billing plan cannot be billed; fix the plan data";
            case billing_errc::arithmetic:
                return "a money computation overflowed or needed more than 18 decimal places";
            case billing_errc::invalid_state:
                return "the operation is not allowed in the document's status";
            case billing_errc::not_cancellable:
                return "the document cannot be cancelled";
            case billing_errc::over_credit:
                return "the credit exceeds what is still creditable";
            case billing_errc::over_advance:
                return "advance and progress invoices would exceed the agreed total";
            case billing_errc::invalid_number:
                return "the number pattern or range cannot produce unique numbers";
            case billing_errc::invalid_input:
                return "the input is malformed";
        }
        return "unknown billing error";
    }
};

}  // namespace

const std::error_category& billing_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace fakturad::billing
