// Go's strconv number parsing and float formatting, byte for byte, for code
// that must accept exactly what Prometheus accepts and print what it prints
// (exposition parsing, label-value normalisation).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

// Outcome of a Go strconv parse. kRange values are what Go returns with
// ErrRange (±Inf for a float overflow, the saturated bound for an integer).
enum class GoNumError { kNone, kSyntax, kRange };

struct GoFloat {
  double value = 0;
  GoNumError error = GoNumError::kNone;
};

// strconv.ParseFloat(s, 64): optional sign; decimal digits with an optional
// '.' and e/E exponent; or a 0x/0X hex mantissa that must carry a p/P
// exponent; '_' only between digits and only after a base prefix; the words
// "inf"/"infinity" (any case, optional sign) and "nan" (any case, no sign).
// Correctly rounded. Overflow gives ±Inf with kRange; underflow gives 0 or a
// subnormal without error (as Go).
GoFloat GoParseFloat(std::string_view s);

struct GoInt {
  int64_t value = 0;
  GoNumError error = GoNumError::kNone;
};

// Go's underscoreOK, which ParseFloat and ParseInt (base 0) apply: every '_'
// sits between digits or between a base prefix and a digit ("1_000",
// "0x_1F"; not "_1", "1__0", "1_").
bool GoUnderscoreOk(std::string_view s);

// strconv.ParseInt(s, 10, 64): optional +/- sign and decimal digits only.
GoInt GoParseInt64(std::string_view s);

// The error text Go gives for a failed parse:
// `strconv.ParseFloat: parsing "x": invalid syntax` (func = "ParseFloat").
std::string GoNumErrorText(std::string_view func, std::string_view input, GoNumError error);

// strconv.FormatFloat(v, 'g', -1, 64): shortest round-trip digits, in
// exponent form ("1e+06", "1.5e-05") when the decimal exponent is < -4 or
// >= 6, plain otherwise ("100000", "0.0001"). "+Inf", "-Inf", "NaN".
std::string GoFormatFloatG(double v);

}  // namespace cairn
