// Rule: what recording and alerting rules share (Prometheus' rules.Rule):
// a name, a parsed PromQL expression, labels, and the health, last error,
// evaluation time and duration of the latest evaluation, which the API shows.
//
// Eval is called by the owning Group's evaluation thread only; the getters
// may be called from any thread (the evaluation state is behind a mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "promql/ast.h"
#include "promql/value.h"
#include "storage/labels.h"
#include "util/status.h"

namespace cairn::rules {

// Runs an instant query for a rule at `t_ms` (Prometheus' QueryFunc). A
// scalar result comes back as one sample without labels; any other non-vector
// result is an error ("rule result is not a vector or scalar").
using QueryFunc = std::function<Result<promql::Vector>(const promql::Expr& expr, int64_t t_ms)>;

// What an evaluation needs besides the rule itself.
struct EvalContext {
  const QueryFunc* query = nullptr;  // must be set
  int64_t ts_ms = 0;                 // the group's evaluation timestamp
  int64_t query_offset_ms = 0;       // the query runs at ts_ms - query_offset_ms
  int limit = 0;                     // the group's limit; 0 = none
};

enum class RuleHealth { kUnknown, kGood, kBad };
// "unknown", "ok", "err" as the API writes them.
const char* RuleHealthName(RuleHealth h);

class Rule {
 public:
  Rule(std::string name, promql::ExprPtr expr, storage::Labels labels);
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  const std::string& name() const { return name_; }
  const promql::Expr& expr() const { return *expr_; }
  // The expression as Prometheus prints it (Expr.String()).
  const std::string& query() const { return query_; }
  const storage::Labels& labels() const { return labels_; }

  // Evaluates the rule once. Returns the samples to append (already at
  // ts - query_offset), or the error that makes the rule unhealthy.
  virtual Result<promql::Vector> Eval(const EvalContext& ctx) = 0;
  // A canonical text of the rule's definition: two rules with equal text
  // are the same rule (Prometheus compares rules by their YAML).
  virtual std::string Definition() const = 0;

  RuleHealth health() const;
  std::string last_error() const;  // "" when healthy
  int64_t last_evaluation_ms() const;      // wall clock at the start of the last evaluation; 0 = never
  double evaluation_duration_seconds() const;
  void SetHealth(RuleHealth h, std::string last_error);
  void SetEvaluation(int64_t start_ms, double duration_seconds);

 protected:
  // Appends `s` length-prefixed, so Definition() texts compare unambiguously.
  static void AppendField(std::string* out, std::string_view s);

 private:
  const std::string name_;
  const promql::ExprPtr expr_;
  const std::string query_;
  const storage::Labels labels_;

  mutable std::mutex mu_;
  RuleHealth health_ = RuleHealth::kUnknown;
  std::string last_error_;
  int64_t last_evaluation_ms_ = 0;
  double evaluation_duration_seconds_ = 0;
};

}  // namespace cairn::rules
