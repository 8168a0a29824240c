// Real bytes from real senders: remote-write bodies captured from Debian's
// Prometheus 2.42 and vmagent in testdata/ (see testdata/README.md). Each is
// checked against the generated protobuf parser: what HandleRemoteWrite
// appends must be exactly what the message holds.
#include <gtest/gtest.h>
#include <snappy.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ingest/remote_write.h"
#include "proto/remote.pb.h"
#include "tests/ingest/test_util.h"

namespace cairn::ingest {
namespace {

class MetadataCounter final : public MetadataSink {
 public:
  void Record(std::string_view family, const storage::Metadata&) override { families.emplace_back(family); }
  std::vector<std::string> families;
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CapturedWriteTest, BodiesDecodeLikeTheGeneratedParser) {
  const std::filesystem::path dir = std::filesystem::path(CAIRN_SOURCE_DIR) / "tests/ingest/testdata";
  int files = 0, with_samples = 0, with_metadata = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".snappy") continue;
    ++files;
    SCOPED_TRACE(entry.path().string());
    const std::string body = ReadFile(entry.path());
    std::string raw;
    ASSERT_TRUE(snappy::Uncompress(body.data(), body.size(), &raw));
    prometheus::WriteRequest expected;
    ASSERT_TRUE(expected.ParseFromString(raw));

    testing::RecordingAppendable db;
    MetadataCounter sink;
    WriteOutcome out = HandleRemoteWrite(body, "application/x-protobuf", "snappy", db, &sink, {});
    ASSERT_EQ(out.http_status, 204) << out.message;

    size_t k = 0;
    for (const auto& ts : expected.timeseries()) {
      std::vector<storage::Label> labels;
      for (const auto& l : ts.labels()) labels.push_back({l.name(), l.value()});
      const storage::Labels want = storage::Labels::FromSorted(std::move(labels));
      for (const auto& s : ts.samples()) {
        ASSERT_LT(k, db.committed.size());
        EXPECT_EQ(db.committed[k].labels, want);
        EXPECT_EQ(db.committed[k].t_ms, s.timestamp());
        EXPECT_EQ(std::bit_cast<uint64_t>(db.committed[k].v), std::bit_cast<uint64_t>(s.value()));
        ++k;
      }
    }
    EXPECT_EQ(k, db.committed.size());
    EXPECT_EQ(out.samples_written, static_cast<int64_t>(k));
    ASSERT_EQ(sink.families.size(), static_cast<size_t>(expected.metadata_size()));
    for (int i = 0; i < expected.metadata_size(); ++i)
      EXPECT_EQ(sink.families[i], expected.metadata(i).metric_family_name());
    with_samples += k > 0;
    with_metadata += expected.metadata_size() > 0;
  }
  EXPECT_EQ(files, 6);
  EXPECT_GT(with_samples, 0);
  std::cout << files << " captured bodies, " << with_samples << " with samples, " << with_metadata
            << " with metadata\n";
}

}  // namespace
}  // namespace cairn::ingest
