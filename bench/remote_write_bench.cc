// Remote-write receive path micro-benchmarks, in ns per sample
// (items_per_second = samples): the zero-copy decoder alone, the generated
// protobuf parser for comparison, and the whole HandleRemoteWrite (snappy,
// label checks, Labels building, Append calls) into an Appendable that
// discards, so storage cost is left out. Requests look like a node_exporter
// scrape: ~10 labels per series.
#include <benchmark/benchmark.h>
#include <snappy.h>

#include <string>

#include "ingest/remote_write.h"
#include "ingest/write_request_decoder.h"
#include "proto/remote.pb.h"
#include "proto/write_v2.pb.h"

namespace cairn::ingest {
namespace {

class DiscardAppendable final : public storage::Appendable {
 public:
  std::unique_ptr<storage::Appender> NewAppender() override { return std::make_unique<App>(); }

 private:
  struct App final : storage::Appender {
    Result<storage::SeriesRef> Append(storage::SeriesRef ref, const storage::Labels& labels, int64_t t_ms, double v,
                                      const storage::AppendOptions&) override {
      benchmark::DoNotOptimize(labels.size());
      return ref + 1;
    }
    Status UpdateMetadata(const std::string&, const storage::Metadata&) override { return Status::OK(); }
    Status Commit() override { return Status::OK(); }
    void Rollback() override {}
  };
};

struct CountingVisitor final : WriteRequestVisitor {
  int64_t samples = 0;
  Status OnSeries(const SeriesView& s) override {
    samples += static_cast<int64_t>(s.samples.size());
    return Status::OK();
  }
  Status OnMetadata(const MetadataView&) override { return Status::OK(); }
};

constexpr const char* kCommonLabels[][2] = {{"cluster", "eu-west-1"}, {"env", "prod"},
                                            {"instance", "node-17.example.com:9100"}, {"job", "node"},
                                            {"region", "eu-west"}};

std::string MetricName(int i) { return "node_cpu_seconds_total_" + std::to_string(i % 50); }

prometheus::WriteRequest MakeV1(int series, int samples_per_series) {
  prometheus::WriteRequest req;
  for (int i = 0; i < series; ++i) {
    auto* ts = req.add_timeseries();
    auto add = [ts](const std::string& n, const std::string& v) {
      auto* l = ts->add_labels();
      l->set_name(n);
      l->set_value(v);
    };
    add("__name__", MetricName(i));
    add("cluster", kCommonLabels[0][1]);
    add("cpu", std::to_string(i % 64));
    add("env", kCommonLabels[1][1]);
    add("instance", kCommonLabels[2][1]);
    add("job", kCommonLabels[3][1]);
    add("mode", i % 2 ? "user" : "system");
    add("region", kCommonLabels[4][1]);
    add("series", std::to_string(i));
    for (int k = 0; k < samples_per_series; ++k) {
      auto* s = ts->add_samples();
      s->set_timestamp(1'700'000'000'000 + 15'000 * k);
      s->set_value(i * 1.5 + k);
    }
  }
  return req;
}

io::prometheus::write::v2::Request MakeV2(int series, int samples_per_series) {
  io::prometheus::write::v2::Request req;
  std::map<std::string, uint32_t> ids;
  auto sym = [&](const std::string& s) {
    auto [it, inserted] = ids.try_emplace(s, static_cast<uint32_t>(req.symbols_size()));
    if (inserted) req.add_symbols(s);
    return it->second;
  };
  sym("");
  prometheus::WriteRequest v1 = MakeV1(series, samples_per_series);
  for (const auto& in : v1.timeseries()) {
    auto* ts = req.add_timeseries();
    for (const auto& l : in.labels()) {
      ts->add_labels_refs(sym(l.name()));
      ts->add_labels_refs(sym(l.value()));
    }
    for (const auto& s : in.samples()) {
      auto* out = ts->add_samples();
      out->set_timestamp(s.timestamp());
      out->set_value(s.value());
    }
  }
  return req;
}

std::string Snappy(const std::string& raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

void BM_DecodeV1(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0)), per = static_cast<int>(state.range(1));
  const std::string raw = MakeV1(series, per).SerializeAsString();
  for (auto _ : state) {
    CountingVisitor v;
    Status st = DecodeWriteRequest(raw, RemoteWriteVersion::kV1, v);
    benchmark::DoNotOptimize(st.ok());
    benchmark::DoNotOptimize(v.samples);
  }
  state.SetItemsProcessed(state.iterations() * series * per);
}
BENCHMARK(BM_DecodeV1)->Args({2000, 1})->Args({500, 10});

void BM_ParseGeneratedV1(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0)), per = static_cast<int>(state.range(1));
  const std::string raw = MakeV1(series, per).SerializeAsString();
  for (auto _ : state) {
    prometheus::WriteRequest req;
    benchmark::DoNotOptimize(req.ParseFromString(raw));
  }
  state.SetItemsProcessed(state.iterations() * series * per);
}
BENCHMARK(BM_ParseGeneratedV1)->Args({2000, 1})->Args({500, 10});

void BM_DecodeV2(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0)), per = static_cast<int>(state.range(1));
  const std::string raw = MakeV2(series, per).SerializeAsString();
  for (auto _ : state) {
    CountingVisitor v;
    Status st = DecodeWriteRequest(raw, RemoteWriteVersion::kV2, v);
    benchmark::DoNotOptimize(st.ok());
  }
  state.SetItemsProcessed(state.iterations() * series * per);
}
BENCHMARK(BM_DecodeV2)->Args({2000, 1})->Args({500, 10});

void BM_HandleRemoteWriteV1(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0)), per = static_cast<int>(state.range(1));
  const std::string body = Snappy(MakeV1(series, per).SerializeAsString());
  DiscardAppendable db;
  for (auto _ : state) {
    WriteOutcome out = HandleRemoteWrite(body, "application/x-protobuf", "snappy", db, nullptr, {});
    if (out.http_status != 204) state.SkipWithError(out.message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * series * per);
}
BENCHMARK(BM_HandleRemoteWriteV1)->Args({2000, 1})->Args({500, 10});

void BM_HandleRemoteWriteV2(benchmark::State& state) {
  const int series = static_cast<int>(state.range(0)), per = static_cast<int>(state.range(1));
  const std::string body = Snappy(MakeV2(series, per).SerializeAsString());
  DiscardAppendable db;
  for (auto _ : state) {
    WriteOutcome out = HandleRemoteWrite(body, "application/x-protobuf;proto=io.prometheus.write.v2.Request",
                                         "snappy", db, nullptr, {});
    if (out.http_status != 204) state.SkipWithError(out.message.c_str());
  }
  state.SetItemsProcessed(state.iterations() * series * per);
}
BENCHMARK(BM_HandleRemoteWriteV2)->Args({2000, 1})->Args({500, 10});

}  // namespace
}  // namespace cairn::ingest

BENCHMARK_MAIN();
