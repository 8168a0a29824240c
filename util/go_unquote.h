// Go's strconv.Unquote and UnquoteChar: the inverse of util/go_quote.h, for
// code that must read Go string and rune literals exactly as Go does (the
// text/template language of alert templates).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn {

// strconv.Unquote: `s` is a "double-quoted" string with Go escapes
// (\a \b \f \n \r \t \v \\ \" \' is invalid here, \xNN, \NNN octal, \uNNNN,
// \UNNNNNNNN), a `raw` string (carriage returns removed), or a 'c' rune
// literal. nullopt where Go returns ErrSyntax ("invalid syntax").
std::optional<std::string> GoUnquote(std::string_view s);

// strconv.UnquoteChar: decodes the first character or escape of `s` (a
// literal quoted by `quote`). On success sets `rune`, `multibyte` (the rune
// needs UTF-8 encoding, as for \u escapes and literal non-ASCII) and `tail`.
bool GoUnquoteChar(std::string_view s, char quote, uint32_t& rune, bool& multibyte, std::string_view& tail);

}  // namespace cairn
