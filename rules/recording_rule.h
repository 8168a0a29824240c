// RecordingRule: stores the result of its expression under a new metric name
// (Prometheus' rules.RecordingRule). Each result series gets __name__ = the
// rule's name and the rule's labels (which override the expression's).
// Thread-safety: as Rule.
#pragma once

#include "rules/rule.h"

namespace cairn::rules {

class RecordingRule final : public Rule {
 public:
  RecordingRule(std::string name, promql::ExprPtr expr, storage::Labels labels);

  // Errors: the query's error; "vector contains metrics with the same
  // labelset after applying rule labels"; "exceeded limit of L with N series".
  Result<promql::Vector> Eval(const EvalContext& ctx) override;
  std::string Definition() const override;
};

}  // namespace cairn::rules
