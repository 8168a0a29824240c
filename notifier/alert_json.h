// The body Prometheus POSTs to Alertmanager's /api/v2/alerts: a JSON array of
// PostableAlert (alertmanager api/v2/openapi.yaml), encoded as Go's
// encoding/json encodes upstream's models — keys in the models' field order
// (annotations, endsAt, startsAt, generatorURL, labels), label maps sorted by
// name, `annotations` and `generatorURL` left out when empty, times as
// strfmt.DateTime writes them (RFC3339 in UTC with milliseconds,
// "2026-12-07T09:15:00.000Z").
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "notifier/alert.h"

namespace cairn::notifier {

std::string AlertsToJson(std::span<const AlertPtr> alerts);

// strfmt.DateTime's form of a millisecond timestamp; 0 is Go's zero time,
// "0001-01-01T00:00:00.000Z".
std::string FormatDateTime(int64_t t_ms);

}  // namespace cairn::notifier
