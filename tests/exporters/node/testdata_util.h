// Reading the hand-written /proc and /sys fixtures of tests/exporters/node/testdata.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace cairn::exporters::node::testing {

inline std::string TestdataPath(const std::string& rel) { return std::string(NODE_TESTDATA_DIR) + "/" + rel; }

inline std::string ReadTestdata(const std::string& rel) {
  std::ifstream in(TestdataPath(rel), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cairn::exporters::node::testing
