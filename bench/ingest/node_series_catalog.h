// BuildNodeSeries: the series a fleet of node_exporter-like hosts exposes.
//
// Each instance ("node-00042:9100", job "node") exposes kSeriesPerInstance series:
// node_cpu_seconds_total per cpu and mode, node_memory_* gauges, node_load*,
// node_network_{receive,transmit}_{bytes,packets}_total per device,
// node_filesystem_{size,avail,free}_bytes per mount, and one classic histogram
// (http_request_duration_seconds: le buckets, _sum, _count). Instances are added
// until `series_count` series exist; the last instance may be cut short.
// Per-instance parameters (CPU count, memory size, traffic) come from `seed`, so
// the same seed gives the same fleet. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "bench/ingest/series_spec.h"

namespace cairn::bench {

inline constexpr int kSeriesPerInstance = 68;

std::vector<SeriesSpec> BuildNodeSeries(uint64_t series_count, uint64_t seed);

}  // namespace cairn::bench
