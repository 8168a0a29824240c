// RelabelConfig: one relabeling rule as written in prometheus.yml
// (relabel_configs, metric_relabel_configs, write_relabel_configs,
// alert_relabel_configs), with Prometheus' defaults and its validation
// (model/relabel/relabel.go). RelabelRule (ingest/relabel.h) is the checked,
// ready-to-run form.
// Thread-safety: value types; RelabelRegexp shares its immutable compiled
// regex between copies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/labels.h"
#include "util/status.h"

namespace re2 {
class RE2;
}

namespace cairn::ingest {

enum class RelabelAction {
  kReplace,    // target_label := replacement expanded from the regex match (no match: no-op)
  kKeep,       // drop unless the joined source values match regex
  kDrop,       // drop if they match
  kKeepEqual,  // drop unless they equal target_label's value
  kDropEqual,  // drop if they equal it
  kHashMod,    // target_label := md5(joined) mod modulus
  kLabelMap,   // copy each label whose name matches regex to the expanded replacement
  kLabelDrop,  // remove labels whose name matches regex
  kLabelKeep,  // remove labels whose name does not
  kLowercase,  // target_label := lower-cased joined values
  kUppercase,  // target_label := upper-cased joined values
};

// "replace", "keep", ...: the spelling in YAML and in error messages.
std::string_view RelabelActionName(RelabelAction action);
// Case-insensitive, as upstream lower-cases before comparing; nullopt when unknown.
std::optional<RelabelAction> ParseRelabelAction(std::string_view name);

// A relabel regex: RE2 compiled as Prometheus compiles it, "^(?s:<re>)$"
// (fully anchored, `.` matches newlines). Go's `(?<name>re)` spelling of a
// named group is accepted too.
class RelabelRegexp {
 public:
  // The default "(.*)". Every default-constructed value shares one instance,
  // so is_default() tells a regex left unset from one written as "(.*)";
  // keepequal/dropequal reject the latter as upstream does.
  RelabelRegexp();
  // InvalidArgument "error parsing regexp: ..." when RE2 rejects it.
  static Result<RelabelRegexp> Compile(std::string_view pattern);

  const std::string& pattern() const;  // as written, without the anchors
  bool is_default() const;
  bool Matches(std::string_view s) const;
  const re2::RE2& re() const;
  // Capture group i's name ("" when unnamed); entry 0 is the whole match.
  const std::vector<std::string>& group_names() const;

  struct Compiled;  // opaque: the RE2 object and its group names

 private:
  explicit RelabelRegexp(std::shared_ptr<const Compiled> c) : c_(std::move(c)) {}
  std::shared_ptr<const Compiled> c_;
};

inline constexpr std::string_view kDefaultRelabelSeparator = ";";
inline constexpr std::string_view kDefaultRelabelReplacement = "$1";

struct RelabelConfig {
  // Values of these labels, missing ones as "", joined by `separator`.
  std::vector<std::string> source_labels;
  // True when the YAML gave `source_labels` at all, even as []: upstream
  // tells an empty list from none, and labeldrop/labelkeep reject either.
  bool source_labels_given = false;
  std::string separator{kDefaultRelabelSeparator};
  RelabelRegexp regex;
  uint64_t modulus = 0;  // hashmod only; must be non-zero there
  std::string target_label;
  std::string replacement{kDefaultRelabelReplacement};
  RelabelAction action = RelabelAction::kReplace;
};

// Prometheus' Config.Validate with the given label-name scheme: OK, or
// InvalidArgument with upstream's message (e.g. "relabel configuration for
// replace action requires 'target_label' value").
Status ValidateRelabelConfig(const RelabelConfig& config, storage::NameValidationScheme scheme);

}  // namespace cairn::ingest
