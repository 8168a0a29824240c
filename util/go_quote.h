// Go-compatible quoting helpers, so messages read exactly like Prometheus'
// (which formats with Go's %q and %#U). Shared by promql/ (query errors,
// printer) and ingest/exposition/ (scrape parse errors).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

// Go's strconv.Quote: double-quoted, with \a \b \f \n \r \t \v \\ \" escapes,
// \xNN for invalid UTF-8 bytes and control characters, \u/\U for other
// non-printable code points. `max_runes` >= 0 truncates first (Go's %.Nq).
std::string GoQuote(std::string_view s, int max_runes = -1);
// Go's %q of a rune: 'x', '\n', '\x00'.
std::string GoQuoteRune(uint32_t r);
// Go's %#U: U+0071 'q' (the quoted form only for printable runes).
std::string GoRuneU(uint32_t r);
// Appends the UTF-8 encoding of `r`.
void AppendUtf8(std::string& out, uint32_t r);
// Decodes one rune at s[i]; sets `len` (>= 1). Invalid bytes yield 0xFFFD, len 1.
uint32_t DecodeRune(std::string_view s, size_t i, size_t& len);

}  // namespace cairn
