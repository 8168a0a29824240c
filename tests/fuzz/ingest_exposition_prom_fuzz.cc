// Fuzzes the Prometheus text format parser (see ingest_exposition_fuzz.h).
#include "tests/fuzz/ingest_exposition_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::ingest::exposition::FuzzParser(cairn::ingest::exposition::Format::kPrometheusText, data, size, false, false);
  return 0;
}
