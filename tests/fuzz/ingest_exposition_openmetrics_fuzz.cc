// Fuzzes the OpenMetrics parser (see ingest_exposition_fuzz.h). The first
// byte picks whether `_created` lines are skipped and whether every sample's
// start timestamp is looked up (the look-ahead path); the rest is the body.
#include "tests/fuzz/ingest_exposition_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  cairn::ingest::exposition::FuzzParser(cairn::ingest::exposition::Format::kOpenMetrics, data + 1, size - 1,
                                        data[0] & 1, data[0] & 2);
  return 0;
}
