// ManagerOptions: what the rule manager and its groups are built with. Kept
// apart from manager.h so group.h can include it without the manager.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "promql/engine.h"
#include "rules/notifier.h"
#include "storage/appender.h"
#include "storage/labels.h"
#include "storage/queryable.h"
#include "util/clock.h"

namespace cairn::rules {

struct ManagerOptions {
  // Queries run on `engine` over `queryable`; both must outlive the manager.
  const promql::Engine* engine = nullptr;
  storage::Queryable* queryable = nullptr;
  promql::QueryOptions query_options;
  // Results, ALERTS series and staleness markers are written here.
  storage::Appendable* appendable = nullptr;
  Clock* clock = &SystemClock::Default();
  // Receives alerts to notify; null = alerts are evaluated but not sent.
  AlertSender* sender = nullptr;
  storage::Labels external_labels;  // $externalLabels in templates
  std::string external_url;         // $externalURL, and the generator URL's base (--web.external-url)
  int64_t resend_delay_ms = 60'000;             // --rules.alert.resend-delay
  int64_t for_outage_tolerance_ms = 3'600'000;  // --rules.alert.for-outage-tolerance
  int64_t for_grace_period_ms = 600'000;        // --rules.alert.for-grace-period
  int64_t query_offset_ms = 0;                  // --rules.query-offset / global rule_query_offset
  storage::NameValidationScheme name_validation = storage::NameValidationScheme::kUtf8;
};

}  // namespace cairn::rules
