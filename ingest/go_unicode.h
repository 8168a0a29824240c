// Go's reading of UTF-8 text, for code that must treat bytes exactly as a Go
// program does: utf8.DecodeRuneInString, unicode.IsLetter/IsDigit and
// strings.ToLower/ToUpper and strconv.Quote. Relabeling needs them to
// lower-case values, read `$name` references and word its errors the way
// Prometheus does. Case mapping and character
// classes come from ICU's Unicode tables (simple mappings, as Go's are).
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cairn::ingest {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune = kRuneError;
  size_t width = 0;  // bytes consumed
};

// The first rune of `s`. An empty `s` gives {kRuneError, 0}; an invalid or
// truncated sequence (overlong, surrogate, beyond U+10FFFF) gives
// {kRuneError, 1}, as Go does.
DecodedRune DecodeRune(std::string_view s);

// Appends `r` encoded as UTF-8 (invalid code points as U+FFFD).
void AppendRune(std::string& out, char32_t r);

// unicode.IsLetter (general category L) and unicode.IsDigit (Nd).
bool IsLetter(char32_t r);
bool IsDigit(char32_t r);

// strconv.IsPrint: letters, marks, numbers, punctuation, symbols, ASCII space.
bool IsPrint(char32_t r);

// strconv.Quote (Go's %q): double-quoted; printable runes as they are, \a \b
// \f \n \r \t \v \\ \" escapes, \xNN for invalid bytes and ASCII controls,
// \uNNNN / \UNNNNNNNN for other runes that are not printable.
std::string Quote(std::string_view s);

// strings.ToLower / strings.ToUpper: each rune mapped by its simple case
// mapping; each invalid byte becomes U+FFFD.
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

}  // namespace cairn::ingest
