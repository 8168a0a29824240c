#include "rules/rule.h"

#include "promql/printer.h"

namespace cairn::rules {

const char* RuleHealthName(RuleHealth h) {
  switch (h) {
    case RuleHealth::kGood:
      return "ok";
    case RuleHealth::kBad:
      return "err";
    case RuleHealth::kUnknown:
      break;
  }
  return "unknown";
}

Rule::Rule(std::string name, promql::ExprPtr expr, storage::Labels labels)
    : name_(std::move(name)), expr_(std::move(expr)), query_(promql::Format(*expr_)), labels_(std::move(labels)) {}

RuleHealth Rule::health() const {
  std::lock_guard<std::mutex> l(mu_);
  return health_;
}

std::string Rule::last_error() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_error_;
}

int64_t Rule::last_evaluation_ms() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_evaluation_ms_;
}

double Rule::evaluation_duration_seconds() const {
  std::lock_guard<std::mutex> l(mu_);
  return evaluation_duration_seconds_;
}

void Rule::SetHealth(RuleHealth h, std::string last_error) {
  std::lock_guard<std::mutex> l(mu_);
  health_ = h;
  last_error_ = std::move(last_error);
}

void Rule::SetEvaluation(int64_t start_ms, double duration_seconds) {
  std::lock_guard<std::mutex> l(mu_);
  last_evaluation_ms_ = start_ms;
  evaluation_duration_seconds_ = duration_seconds;
}

void Rule::AppendField(std::string* out, std::string_view s) {
  out->append(std::to_string(s.size()));
  out->push_back(':');
  out->append(s);
}

}  // namespace cairn::rules
