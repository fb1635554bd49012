#pragma once
// A value that must never reach a log line, a status answer or a test snapshot.
//
// `secret<T>` has no implicit conversion to T and formats as `***` through every path that fakturad
// uses for text (operator<<, fmt).  The plain value is reachable only through `expose()`, which adapters
// call at the moment they put the value on the wire (an Authorization header, a TLS key load).

#include <ostream>
#include <string_view>
#include <utility>

namespace fakturad {

inline constexpr std::string_view redacted_text = "***";

template <typename T>
class secret {
public:
    secret() = default;
    explicit secret(T value) : value_(std::move(value)) {}

    // Only adapters call this, at the point where the value leaves the process.
    [[nodiscard]] const T& expose() const noexcept { return value_; }

    friend bool operator==(const secret& a, const secret& b) { return a.value_ == b.value_; }

    friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << redacted_text; }

private:
    T value_{};
};

}  // namespace fakturad
