#include "ingest/expand_template.h"

#include <algorithm>
#include <optional>

#include "ingest/go_unicode.h"

namespace cairn::ingest {
namespace {

struct Reference {
  std::string_view name;
  size_t length = 0;  // bytes read after the '$'
};

// Go's extract: the name after a '$', or nullopt when malformed.
std::optional<Reference> ReadReference(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const bool brace = s[0] == '{';
  std::string_view rest = brace ? s.substr(1) : s;
  size_t n = 0;
  while (n < rest.size()) {
    const DecodedRune d = DecodeRune(rest.substr(n));
    if (!IsLetter(d.rune) && !IsDigit(d.rune) && d.rune != '_') break;
    n += d.width;
  }
  if (n == 0) return std::nullopt;
  Reference ref{rest.substr(0, n), n};
  if (brace) {
    if (n >= rest.size() || rest[n] != '}') return std::nullopt;
    ref.length = n + 2;
  }
  return ref;
}

// A group number when `name` is one as Go reads it, else -1.
int GroupNumber(std::string_view name) {
  int num = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || num >= 100000000) return -1;
    num = num * 10 + (c - '0');
  }
  if (name.size() > 1 && name[0] == '0') return -1;
  return num;
}

}  // namespace

ExpandTemplate ExpandTemplate::Parse(std::string_view text, std::span<const std::string> group_names) {
  ExpandTemplate t;
  std::string literal;
  while (!text.empty()) {
    const size_t dollar = text.find('$');
    if (dollar == std::string_view::npos) break;
    literal.append(text.substr(0, dollar));
    text.remove_prefix(dollar + 1);
    if (!text.empty() && text[0] == '$') {
      literal.push_back('$');
      text.remove_prefix(1);
      continue;
    }
    const std::optional<Reference> ref = ReadReference(text);
    if (!ref) {
      literal.push_back('$');
      continue;
    }
    text.remove_prefix(ref->length);
    std::vector<int> groups;
    if (const int num = GroupNumber(ref->name); num >= 0) {
      if (static_cast<size_t>(num) < group_names.size()) groups.push_back(num);
    } else {
      for (size_t i = 1; i < group_names.size(); ++i)
        if (group_names[i] == ref->name) groups.push_back(static_cast<int>(i));
    }
    if (groups.empty()) continue;  // no such group: always expands to nothing
    for (int g : groups) t.max_group_ = std::max(t.max_group_, g);
    t.pieces_.push_back({std::move(literal), std::move(groups)});
    literal.clear();
  }
  literal.append(text);
  t.tail_ = std::move(literal);
  return t;
}

void ExpandTemplate::Expand(std::string& out, std::span<const std::string_view> groups) const {
  for (const Piece& p : pieces_) {
    out += p.literal;
    for (int g : p.groups) {
      if (static_cast<size_t>(g) < groups.size() && groups[g].data() != nullptr) {
        out += groups[g];
        break;
      }
    }
  }
  out += tail_;
}

}  // namespace cairn::ingest
