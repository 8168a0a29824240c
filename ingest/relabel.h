// Relabeling: Prometheus' relabel.Process as one pure function over Labels,
// shared by target relabeling, metric_relabel_configs (run per scraped
// series), write_relabel_configs and alert_relabel_configs.
//
//   auto rules = MakeRelabelRules(configs, storage::NameValidationScheme::kUtf8);
//   if (!rules.ok()) return rules.status();
//   RelabelResult r = Process(std::move(series_labels), *rules);
//   if (!r.keep) ...  // dropped
//
// Thread-safety: a RelabelRule is immutable; Process may run concurrently on
// the same rules from any number of threads.
#pragma once

#include <span>
#include <vector>

#include "ingest/expand_template.h"
#include "ingest/relabel_config.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::ingest {

// A validated RelabelConfig with its templates parsed against its regex, so
// Process does no per-series parsing.
class RelabelRule {
 public:
  // Checks `config` with ValidateRelabelConfig under `scheme` (the scrape
  // config's metric_name_validation_scheme) and prepares it.
  static Result<RelabelRule> Make(
      RelabelConfig config, storage::NameValidationScheme scheme = storage::NameValidationScheme::kUtf8);

  const RelabelConfig& config() const { return config_; }
  storage::NameValidationScheme scheme() const { return scheme_; }
  // How many submatches (whole match included) a replace or labelmap needs
  // from the regex: only the groups the templates read.
  int submatches() const { return submatches_; }
  const ExpandTemplate& target_template() const { return target_; }
  const ExpandTemplate& replacement_template() const { return replacement_; }

 private:
  RelabelRule() = default;
  RelabelConfig config_;
  storage::NameValidationScheme scheme_ = storage::NameValidationScheme::kUtf8;
  ExpandTemplate target_;       // replace: target_label
  ExpandTemplate replacement_;  // replace, labelmap: replacement
  int submatches_ = 0;
};

// RelabelRule::Make over a list; the first invalid config's error wins.
Result<std::vector<RelabelRule>> MakeRelabelRules(std::vector<RelabelConfig> configs,
                                                  storage::NameValidationScheme scheme);

struct RelabelResult {
  storage::Labels labels;  // the relabeled set; empty when dropped
  bool keep = true;        // false when a keep/drop/keepequal/dropequal rule dropped it
};

// Applies `rules` in order, stopping at the first that drops. Takes `labels`
// by value so a caller that is done with them can move them in: the set is
// then edited in place, and a rule list that changes nothing allocates
// nothing. Semantics are upstream's exactly: missing source labels join as
// "", an empty result deletes a label, a replace whose regex does not match
// or whose expanded target is not a valid name changes nothing, labelmap
// results are applied in labels.Builder order (unchanged labels by name, then
// labels set by earlier rules in the order they were set).
RelabelResult Process(storage::Labels labels, std::span<const RelabelRule> rules);

}  // namespace cairn::ingest
