#include "ingest/relabel_config.h"

#include <array>

#include <re2/re2.h>

#include "ingest/go_unicode.h"

namespace cairn::ingest {

struct RelabelRegexp::Compiled {
  Compiled(std::string p, const std::string& anchored, const RE2::Options& opts)
      : pattern(std::move(p)), re(anchored, opts) {}
  std::string pattern;
  RE2 re;
  std::vector<std::string> group_names;
};

namespace {

constexpr std::array<std::pair<RelabelAction, std::string_view>, 11> kActionNames = {{
    {RelabelAction::kReplace, "replace"},
    {RelabelAction::kKeep, "keep"},
    {RelabelAction::kDrop, "drop"},
    {RelabelAction::kKeepEqual, "keepequal"},
    {RelabelAction::kDropEqual, "dropequal"},
    {RelabelAction::kHashMod, "hashmod"},
    {RelabelAction::kLabelMap, "labelmap"},
    {RelabelAction::kLabelDrop, "labeldrop"},
    {RelabelAction::kLabelKeep, "labelkeep"},
    {RelabelAction::kLowercase, "lowercase"},
    {RelabelAction::kUppercase, "uppercase"},
}};

// Go (since 1.22) also spells a named group `(?<name>re)`; this RE2 knows only
// `(?P<name>re)`. Rewrites the former outside character classes and \Q..\E
// quotes; everything else passes through for RE2 to judge.
std::string ToRe2Syntax(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 4);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      if (!in_class && i + 1 < p.size() && p[i + 1] == 'Q') {
        const size_t end = p.find("\\E", i + 2);
        const size_t stop = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop - 1;
        continue;
      }
      out.push_back(c);
      if (i + 1 < p.size()) out.push_back(p[++i]);
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // [:alpha:] inside a class
        const size_t end = p.find(":]", i + 2);
        if (end != std::string_view::npos) {
          out.append(p.substr(i, end + 2 - i));
          i = end + 1;
          continue;
        }
      }
      if (c == ']') in_class = false;
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      if (i + 1 < p.size() && p[i + 1] == '^') out.push_back(p[++i]);
      if (i + 1 < p.size() && p[i + 1] == ']') out.push_back(p[++i]);  // a leading ']' is literal
      continue;
    }
    if (p.compare(i, 3, "(?<") == 0 && i + 3 < p.size() && p[i + 3] != '=' && p[i + 3] != '!') {
      out += "(?P<";
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::shared_ptr<const RelabelRegexp::Compiled> CompileAnchored(std::string_view pattern, std::string* error) {
  RE2::Options opts;
  opts.set_log_errors(false);
  // Go's regexp has no memory cap; RE2's default 8 MiB rejects the long
  // alternations of metric names that keep/drop rules often carry.
  opts.set_max_mem(int64_t{256} << 20);
  auto c = std::make_shared<RelabelRegexp::Compiled>(std::string(pattern),
                                                     "^(?s:" + ToRe2Syntax(pattern) + ")$", opts);
  if (!c->re.ok()) {
    *error = c->re.error();
    return nullptr;
  }
  c->group_names.resize(static_cast<size_t>(c->re.NumberOfCapturingGroups()) + 1);
  for (const auto& [index, name] : c->re.CapturingGroupNames())
    c->group_names[static_cast<size_t>(index)] = name;
  return c;
}

const std::shared_ptr<const RelabelRegexp::Compiled>& DefaultCompiled() {
  static const std::shared_ptr<const RelabelRegexp::Compiled> c = [] {
    std::string error;
    return CompileAnchored("(.*)", &error);
  }();
  return c;
}

bool IsOneOf(RelabelAction a, std::initializer_list<RelabelAction> set) {
  for (RelabelAction s : set)
    if (a == s) return true;
  return false;
}

// Upstream's relabelTargetLegacy: legacy name characters plus $1 / ${1} / $name references.
bool IsLegacyNameWithReferences(std::string_view s) {
  static const RE2 kLegacyTarget(R"(^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$)");
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), kLegacyTarget);
}

}  // namespace

std::string_view RelabelActionName(RelabelAction action) {
  for (const auto& [a, name] : kActionNames)
    if (a == action) return name;
  return "unknown";
}

std::optional<RelabelAction> ParseRelabelAction(std::string_view name) {
  const std::string lower = ToLower(name);
  for (const auto& [a, n] : kActionNames)
    if (n == lower) return a;
  return std::nullopt;
}

RelabelRegexp::RelabelRegexp() : c_(DefaultCompiled()) {}

Result<RelabelRegexp> RelabelRegexp::Compile(std::string_view pattern) {
  std::string error;
  auto c = CompileAnchored(pattern, &error);
  if (!c) return Status::InvalidArgument("error parsing regexp: " + error);
  return RelabelRegexp(std::move(c));
}

const std::string& RelabelRegexp::pattern() const { return c_->pattern; }
bool RelabelRegexp::is_default() const { return c_ == DefaultCompiled(); }
const RE2& RelabelRegexp::re() const { return c_->re; }
const std::vector<std::string>& RelabelRegexp::group_names() const { return c_->group_names; }

bool RelabelRegexp::Matches(std::string_view s) const {
  if (is_default()) return true;  // "(.*)" matches anything, invalid UTF-8 included, as in Go
  return c_->re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

Status ValidateRelabelConfig(const RelabelConfig& c, storage::NameValidationScheme scheme) {
  using A = RelabelAction;
  const std::string action(RelabelActionName(c.action));
  auto invalid = [&](std::string_view value, std::string_view field) {
    return Status::InvalidArgument(Quote(value) + " is invalid '" + std::string(field) + "' for " + action +
                                   " action");
  };
  auto valid_name = [&](std::string_view n) { return storage::IsValidLabelName(n, scheme); };
  // UTF-8 names may contain '$' anyway; legacy ones allow it only as a reference.
  auto valid_name_with_references = [&](std::string_view n) {
    return scheme == storage::NameValidationScheme::kUtf8 ? valid_name(n) : IsLegacyNameWithReferences(n);
  };
  const bool target_has_reference = c.target_label.find('$') != std::string::npos;
  // Actions whose target_label is a name as it stands, never expanded.
  const bool plain_target_only =
      IsOneOf(c.action, {A::kLowercase, A::kUppercase, A::kKeepEqual, A::kDropEqual});

  if (c.action == A::kHashMod && c.modulus == 0) {
    return Status::InvalidArgument("relabel configuration for hashmod requires non-zero modulus");
  }
  if ((c.action == A::kReplace || c.action == A::kHashMod || plain_target_only) && c.target_label.empty()) {
    return Status::InvalidArgument("relabel configuration for " + action +
                                   " action requires 'target_label' value");
  }
  if (c.action == A::kReplace && !target_has_reference && !valid_name(c.target_label)) {
    return invalid(c.target_label, "target_label");
  }
  if (c.action == A::kReplace && target_has_reference && !valid_name_with_references(c.target_label)) {
    return invalid(c.target_label, "target_label");
  }
  if (plain_target_only && !valid_name(c.target_label)) return invalid(c.target_label, "target_label");
  if (plain_target_only && c.replacement != kDefaultRelabelReplacement) {
    return Status::InvalidArgument("'replacement' can not be set for " + action + " action");
  }
  if (c.action == A::kLabelMap && !valid_name_with_references(c.replacement)) {
    return invalid(c.replacement, "replacement");
  }
  if (c.action == A::kHashMod && !valid_name(c.target_label)) return invalid(c.target_label, "target_label");
  if (c.action == A::kKeepEqual || c.action == A::kDropEqual) {
    if (!c.regex.is_default() || c.modulus != 0 || c.separator != kDefaultRelabelSeparator ||
        c.replacement != kDefaultRelabelReplacement) {
      return Status::InvalidArgument(
          action + " action requires only 'source_labels' and `target_label`, and no other fields");
    }
  }
  if (c.action == A::kLabelDrop || c.action == A::kLabelKeep) {
    if (c.source_labels_given || !c.source_labels.empty() || !c.target_label.empty() || c.modulus != 0 ||
        c.separator != kDefaultRelabelSeparator || c.replacement != kDefaultRelabelReplacement) {
      return Status::InvalidArgument(action + " action requires only 'regex', and no other fields");
    }
  }
  return Status::OK();
}

}  // namespace cairn::ingest
