// ExpandTemplate: a template in Go's regexp.Expand syntax, parsed once so that
// relabeling expands `target_label` and `replacement` per series without
// re-reading them.
//
// Syntax, exactly as Go reads it: `$$` is a literal `$`; `$name` takes the
// longest run of letters, digits and `_` as the name (`$1x` means the group
// named "1x", not group 1 then "x"); `${name}` delimits it. A name of ASCII
// digits (no leading zero, at most nine) is a group number, anything else a
// group name. A reference to a group that does not exist or did not take part
// in the match expands to nothing; a malformed one (`$` at the end, `${1`,
// `$-`) leaves the `$` as literal text.
// Thread-safety: immutable after Parse; Expand is safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::ingest {

class ExpandTemplate {
 public:
  ExpandTemplate() = default;
  // `group_names[i]` is capture group i's name, "" when unnamed; entry 0 is
  // the whole match. References resolve against it now, not per Expand.
  static ExpandTemplate Parse(std::string_view text, std::span<const std::string> group_names);

  // True when no reference reads a group: the expansion is always literal().
  bool is_literal() const { return pieces_.empty(); }
  const std::string& literal() const { return tail_; }
  // The highest group index any reference can read, -1 when none: how many
  // submatches (plus one) the regex must report for Expand.
  int max_group() const { return max_group_; }

  // Appends the expansion to `out`. `groups[i]` is group i's text; a view
  // with a null data() marks a group that did not take part. Groups past
  // groups.size() read as absent.
  void Expand(std::string& out, std::span<const std::string_view> groups) const;

 private:
  struct Piece {
    std::string literal;      // text before the reference
    std::vector<int> groups;  // candidates in order; the first that took part wins (Go's duplicate names)
  };
  std::vector<Piece> pieces_;
  std::string tail_;  // text after the last reference
  int max_group_ = -1;
};

}  // namespace cairn::ingest
